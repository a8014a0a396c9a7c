"""Canonical JSON and sha256: the one way the engine turns data into hashed text.

Below every stage. The seal stage hashes its records here (a sealed month's
``record_hash`` and its run ``fingerprint``, in `appraisal.ledger.chain`), and the policy
stage fingerprints the policy texts here (`appraisal.policy.source`). Sealed ledgers
store these hashes, so no function here may change the text it hashes: one changed byte
and every sealed month would fail `verify_chain`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

__all__ = [
    "canonical_json",
    "policy_bundle_json",
    "policy_sha256",
    "sha256_bytes",
    "sha256_of",
    "sha256_of_encoded",
    "sha256_text",
]


def canonical_json(data: object) -> str:
    """The one text form of JSON data: sorted keys, no spaces, Unicode kept as is."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def sha256_bytes(data: bytes) -> str:
    """The sha256 of bytes, as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """The sha256 of a text's UTF-8 bytes."""
    return sha256_bytes(text.encode("utf-8"))


def sha256_of(data: object) -> str:
    """The sha256 of JSON data, as its `canonical_json` text."""
    return sha256_text(canonical_json(data))


def sha256_of_encoded(parts: Mapping[str, str]) -> str:
    """`sha256_of` a JSON object whose values are already `canonical_json` text.

    The same hash as ``sha256_of({key: json.loads(text), ...})``, because canonical JSON
    composes; it spares encoding a large month's results a second time.
    """
    body = ",".join(f"{canonical_json(key)}:{parts[key]}" for key in sorted(parts))
    return sha256_text("{" + body + "}")


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
