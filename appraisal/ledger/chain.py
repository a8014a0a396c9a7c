"""The hash chain of sealed months: each record's hash, a run's fingerprint, and the
checks `Ledger.verify_chain` makes of every record.

Part of the "seal" stage. Each record's ``record_hash`` covers every other field of the
record and the ``record_hash`` of the record before it, so an edited, deleted or
reordered record is found. Nothing here reads a clock: sealing the same months again
gives the same hashes. A month is never overwritten: an amendment (更正) is a new
version that supersedes the old one, which is kept forever.

The chain is only as trustworthy as its newest hash: someone who rewrites every hash
after an edit, or drops the newest record, is found only by comparing
``Ledger.head_hash()`` with a copy kept outside the database (printed with each export,
for instance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from appraisal.domain.canonical import canonical_json, sha256_of_encoded
from appraisal.ledger.records import JSON_FIELDS, NewSeal, SealedMonth

__all__ = ["content_problems", "fingerprint_of", "record_hash", "version_problems"]


def record_hash(record: SealedMonth, texts: Mapping[str, str] | None = None) -> str:
    """The hash a record's content and link call for: the sha256 of the canonical JSON
    of every field but ``record_hash``. ``texts`` may hold fields already in canonical
    JSON, so a large month is not encoded twice."""
    known = texts or {}
    return sha256_of_encoded(
        {
            f.name: known.get(f.name) or canonical_json(getattr(record, f.name))
            for f in fields(record)
            if f.name != "record_hash"
        }
    )


def fingerprint_of(new: NewSeal, texts: Mapping[str, str] | None = None) -> str:
    """Equal fingerprints mean the same run: same inputs, policy and starting state."""
    known = texts or {}
    return sha256_of_encoded(
        {
            "inputs": known.get("inputs") or canonical_json(new.inputs),
            "policy_sha256": canonical_json(new.policy_sha256),
            "state_before": known.get("state_before") or canonical_json(new.state_before),
        }
    )


def content_problems(record: SealedMonth, stored: Mapping[str, Any]) -> list[str]:
    """An edit of any column shows as a hash mismatch; the rest say which column.

    ``stored`` holds the record's columns as stored, JSON fields as their text.
    """
    problems = []
    if record.record_hash != record_hash(record):
        problems.append("record_hash does not match the record's content")
    if record.fingerprint != fingerprint_of(record):
        problems.append("fingerprint does not match its inputs, policy and state")
    problems += [
        f"column {name} is not in canonical form"
        for name in JSON_FIELDS
        if stored[name] != canonical_json(getattr(record, name))
    ]
    return problems


def version_problems(record: SealedMonth, newest: Mapping[str, SealedMonth]) -> list[str]:
    """A month's versions count up from 1, each amendment superseding the one before.

    ``newest`` maps each month met so far in the chain to its newest version.
    """
    before = newest.get(record.month)
    if before is None:
        later = [m for m in newest if m > record.month]
        out_of_order = [f"sealed after {max(later)}"] if later else []
        if record.version != 1 or record.supersedes is not None or record.amend_reason:
            return ["first version of its month but not numbered as one", *out_of_order]
        return out_of_order
    if record.version != before.version + 1 or record.supersedes != before.seq:
        return [f"does not follow version {before.version} (seq {before.seq})"]
    if not record.amend_reason:
        return ["an amendment without a reason"]
    return []
