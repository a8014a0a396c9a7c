"""Canonical JSON and sha256: the one way the engine turns data into hashed text.

Below every stage. The seal stage hashes its records here (a sealed month's
``record_hash`` and its run ``fingerprint``, in `appraisal.ledger.chain`), and the policy
stage fingerprints the policy texts here (`appraisal.policy.source`). Sealed ledgers
store these hashes, so no function here may change the text it hashes: one changed byte
and every sealed month would fail `verify_chain`.

The canonical form is ``json.dumps(data, sort_keys=True, ensure_ascii=False,
separators=(",", ":"), allow_nan=False)``, UTF-8. orjson writes the same bytes about ten
times faster for the data the engine seals (text, whole numbers of 64 bits, true, false,
null, lists and objects with text keys); for anything it writes otherwise (a float under
1e-4, a non-finite float, a larger integer, a key that is not text, a subclass, a type
json refuses) `canonical_bytes` falls back to json itself, so the text never changes.
`canonical_chunks` gives the same text in pieces, an item of a large list at a time, so
a month of 100,000 employees is hashed and stored without ever being one string; a list
may be given as an iterator of its items, made as they are encoded, so that the month's
data is never held whole either.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

import orjson

__all__ = [
    "Canonical",
    "canonical_bytes",
    "canonical_chunks",
    "canonical_json",
    "policy_bundle_json",
    "policy_sha256",
    "sha256_bytes",
    "sha256_of",
    "sha256_of_encoded",
    "sha256_text",
]

# Subclasses, dataclasses and datetimes go to json, which writes them as it always did
# (or refuses them); orjson would write them its own way.
_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
# Floats orjson writes unlike json: under 1e-4 (json: 1e-05, orjson: 0.00001, and
# 1e-7 for json's 1e-07). A text that merely looks so only costs the slower encoder.
_ITS_OWN_FLOAT = re.compile(rb"\de-|0\.0000")
# Items of a large list encoded at once by `canonical_chunks`: some hundreds of kB.
_BATCH = 128


class Canonical(bytes):
    """The canonical JSON of some JSON data, made already: as an item of a list given to
    `canonical_chunks`, written as it is (`appraisal.domain.result_texts`)."""

    __slots__ = ()


def canonical_bytes(data: object, *, finite: bool = False) -> bytes:
    """The canonical JSON of ``data`` as UTF-8 bytes (see the module's text).

    Raises TypeError or ValueError (not JSON data: a Decimal, NaN, a lone surrogate…),
    as `json.dumps` does. ``finite`` says the caller knows ``data`` holds no NaN or
    infinity (the engine's records write numbers through `number`, which refuses them):
    the search for one, a walk through the data wherever a null is written, is skipped.
    """
    try:
        out = orjson.dumps(data, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: json writes it, or says why not
        return _json_bytes(data)
    if (b"e-" in out or b"0.0000" in out) and _ITS_OWN_FLOAT.search(out):
        return _json_bytes(data)
    if not finite and b"null" in out and _non_finite(data):
        return _json_bytes(data)
    return out


def canonical_json(data: object) -> str:
    """The one text form of JSON data: sorted keys, no spaces, Unicode kept as is."""
    return canonical_bytes(data).decode("utf-8")


def canonical_chunks(data: object, *, finite: bool = False) -> Iterator[bytes]:
    """`canonical_bytes` of ``data`` in pieces whose concatenation is exactly it.

    An object's values are encoded one at a time, and the items of a list directly
    inside a top-level object (a month's employees, its events) `_BATCH` at a time, so
    no piece is larger than that many of them. Such a list may be given as an iterator
    of its items (`canonical_json` of the list of them): each batch of items is made
    as it is encoded, and let go once it is. Raises as `canonical_bytes`.
    """
    if type(data) is dict and all(type(key) is str for key in data):
        yield b"{"
        for index, key in enumerate(sorted(data)):
            yield (b"," if index else b"") + canonical_bytes(key) + b":"
            value = data[key]
            if type(value) is list or isinstance(value, Iterator):
                yield from _list_chunks(value, finite)
            else:
                yield canonical_bytes(value, finite=finite)
        yield b"}"
    elif type(data) is list or isinstance(data, Iterator):
        yield from _list_chunks(data, finite)
    else:
        yield canonical_bytes(data, finite=finite)


def _list_chunks(items: Iterable[Any], finite: bool) -> Iterator[bytes]:
    # A batch of items at a time: one call of the encoder for many small events, and
    # still a bounded piece. "[a,b]" without its brackets is the items' own text.
    yield b"["
    them = iter(items)
    separator = b""
    while batch := list(islice(them, _BATCH)):
        if any(type(item) is Canonical for item in batch):
            made = (i if type(i) is Canonical else canonical_bytes(i, finite=finite) for i in batch)
            yield separator + b",".join(made)
        else:
            yield separator + canonical_bytes(batch, finite=finite)[1:-1]
        separator = b","
    yield b"]"


def _json_bytes(data: object) -> bytes:
    text = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def _non_finite(data: object) -> bool:
    """Whether ``data`` holds a NaN or an infinity (orjson writes them as null)."""
    if type(data) is float:
        return data != data or data in (float("inf"), float("-inf"))
    if isinstance(data, dict):
        return any(_non_finite(value) for value in data.values())
    if isinstance(data, list | tuple):
        return any(_non_finite(item) for item in data)
    return False


def sha256_bytes(data: bytes) -> str:
    """The sha256 of bytes, as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """The sha256 of a text's UTF-8 bytes."""
    return sha256_bytes(text.encode("utf-8"))


def sha256_of(data: object) -> str:
    """The sha256 of JSON data, as its `canonical_json` text."""
    digest = hashlib.sha256()
    for chunk in canonical_chunks(data):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_of_encoded(parts: Mapping[str, str | bytes | Iterable[bytes]]) -> str:
    """`sha256_of` a JSON object whose values are already canonical JSON: each a text,
    its UTF-8 bytes, or those bytes in pieces (`canonical_chunks`).

    The same hash as ``sha256_of({key: json.loads(text), ...})``, because canonical JSON
    composes; it spares encoding a large month's results a second time, and the pieces
    are fed to sha256 one by one: no text of the whole object is built.
    """
    digest = hashlib.sha256(b"{")
    for index, key in enumerate(sorted(parts)):
        digest.update((b"," if index else b"") + canonical_bytes(key) + b":")
        part = parts[key]
        if isinstance(part, str):
            digest.update(part.encode("utf-8"))
        elif isinstance(part, bytes):
            digest.update(part)
        else:
            for chunk in part:
                digest.update(chunk)
    digest.update(b"}")
    return digest.hexdigest()


def policy_sha256(texts: Mapping[str, str]) -> str:
    """A policy's fingerprint: the sha256 of its one file, or of its files' bundle.

    ``texts`` maps each file's key (its path relative to the main policy file) to its
    text, decoded from the bytes as they are; so a single-file policy's fingerprint is
    the sha256 of the file. Several files are hashed as `policy_bundle_json`.
    """
    if len(texts) == 1:
        return sha256_text(next(iter(texts.values())))
    return sha256_text(policy_bundle_json(texts))


def policy_bundle_json(texts: Mapping[str, str]) -> str:
    """The text a policy of several files is hashed as.

    A JSON object of file key → text with sorted keys and Unicode kept, but with json's
    default separators (``", "`` and ``": "``): this is *not* `canonical_json`. The
    fingerprint is older than the ledger's canonical form, and sealed months store it.
    """
    return json.dumps(dict(texts), sort_keys=True, ensure_ascii=False)
