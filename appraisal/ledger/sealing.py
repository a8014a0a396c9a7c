"""A month asked to be sealed, made into the record the ledger stores.

Part of the "seal" stage, for `appraisal.ledger.store.Ledger.seal`. Each JSON field is
encoded once, an employee at a time (`canonical_chunks`), and each piece goes at once to
sha256 and to the column as stored (`appraisal.ledger.texts.Storing`: deflated when
large): no text of the whole month is built, and none is inflated again to be hashed.
The fingerprint (inputs, policy, state before) is taken first (`fingerprinted`), before
the seal's transaction; the record hash, which covers the fingerprint and the place in
the chain, once the place is known (`sealed_record`), with the results encoded as it is
fed. Nothing encoded is parsed back for a month made from the typed records
(`TypedSeal`): its JSON is already what a read gives back (lists, never tuples).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Any

from appraisal.domain.canonical import canonical_chunks, canonical_json, sha256_of_encoded
from appraisal.i18n import _
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.records import JSON_FIELDS, NewSeal, SealedMonth, TypedSeal
from appraisal.ledger.texts import StoredText, Storing, stored_chunks, stored_text

__all__ = ["Fingerprinted", "fingerprinted", "sealed_record"]

# The fields the fingerprint covers, in the order its canonical text has them.
_FINGERPRINTED = ("inputs", "state_before")
_HASHED = tuple(f.name for f in fields(SealedMonth) if f.name != "record_hash")


@dataclass(frozen=True)
class Fingerprinted:
    """``new``'s fingerprint, and the JSON fields it covers as stored."""

    new: NewSeal
    month: str
    fingerprint: str
    texts: dict[str, StoredText]


def fingerprinted(new: NewSeal, month: str) -> Fingerprinted:
    """``new``'s inputs and state before, encoded as stored and hashed as they are
    encoded; `LedgerError` for data that is not JSON."""
    typed = isinstance(new, TypedSeal)
    storing = {name: Storing(_chunks(getattr(new, name), typed)) for name in _FINGERPRINTED}
    with _refused(month):
        fingerprint = sha256_of_encoded(
            {
                "inputs": storing["inputs"],
                "policy_sha256": canonical_json(new.policy_sha256),
                "state_before": storing["state_before"],
            }
        )
    return Fingerprinted(new, month, fingerprint, {n: s.stored for n, s in storing.items()})


def sealed_record(made: Fingerprinted, **place: Any) -> tuple[SealedMonth, dict[str, StoredText]]:
    """The record of ``made.new`` at ``place`` (month, seq, version, amend_reason,
    supersedes, prev_hash), with its fingerprint and hash, and its JSON fields as stored.

    The fields the fingerprint did not encode (the results above all) are encoded here,
    each piece fed to the record's hash and to its stored column as it is made.
    `LedgerError` for data that is not JSON.
    """
    new = made.new
    typed = isinstance(new, TypedSeal)
    requested = {f.name: getattr(new, f.name) for f in fields(NewSeal)}
    unhashed = SealedMonth(
        **requested | place | {"fingerprint": made.fingerprint, "record_hash": ""}
    )
    storing: dict[str, Storing] = {}
    parts: dict[str, str | Iterable[bytes]] = {}
    for name in _HASHED:
        value = getattr(unhashed, name)
        if name in made.texts:
            parts[name] = stored_chunks(made.texts[name])
        elif name in JSON_FIELDS:
            parts[name] = storing[name] = Storing(_chunks(value, typed))
        else:
            parts[name] = canonical_json(value)
    with _refused(made.month):
        digest = sha256_of_encoded(parts)
    texts = made.texts | {name: encoding.stored for name, encoding in storing.items()}
    # Data not from the typed records is given back as a read gives it (lists for tuples).
    parsed = {} if typed else {name: json.loads(stored_text(t)) for name, t in texts.items()}
    return replace(unhashed, **parsed, record_hash=digest), texts


def _chunks(data: object, typed: bool) -> Iterator[bytes]:
    return canonical_chunks(data, finite=typed)


@contextmanager
def _refused(month: str) -> Iterator[None]:
    """Data that is not JSON, found as it is encoded, as the seal's refusal."""
    try:
        yield
    except (TypeError, ValueError) as exc:
        raise LedgerError(
            _("cannot seal {month}: not JSON data: {error}").format(month=month, error=exc)
        ) from exc
