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

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from appraisal.domain.canonical import canonical_chunks, canonical_json, sha256_of_encoded
from appraisal.i18n import _
from appraisal.ledger.records import JSON_FIELDS, NewSeal, SealedMonth
from appraisal.ledger.texts import StoredText, stored_chunks, stored_text

__all__ = [
    "Links",
    "Place",
    "chain_problems",
    "content_problems",
    "fingerprint_from",
    "fingerprint_of",
    "record_hash",
    "record_problems",
    "version_problems",
]


def record_hash(record: SealedMonth, texts: Mapping[str, StoredText] | None = None) -> str:
    """The hash a record's content and link call for: the sha256 of the canonical JSON
    of every field but ``record_hash``. ``texts`` may hold fields already encoded as
    stored (`appraisal.ledger.texts`), so a large month is not encoded twice."""
    known = texts or {}
    return sha256_of_encoded(
        {
            f.name: _chunks(known.get(f.name), getattr(record, f.name))
            for f in fields(record)
            if f.name != "record_hash"
        }
    )


def fingerprint_of(new: NewSeal, texts: Mapping[str, StoredText] | None = None) -> str:
    """Equal fingerprints mean the same run: same inputs, policy and starting state.
    ``texts`` may hold the inputs or the state already encoded as stored; the others are
    encoded a piece at a time (`NewSeal.json_chunks`) and held nowhere."""
    known = texts or {}

    def encoded(name: str) -> Iterable[bytes]:
        stored = known.get(name)
        return new.json_chunks(name) if stored is None else stored_chunks(stored)

    return fingerprint_from(encoded("inputs"), new.policy_sha256, encoded("state_before"))


def fingerprint_from(
    inputs: Iterable[bytes], policy_sha256: str, state_before: Iterable[bytes]
) -> str:
    """The fingerprint of a run from the canonical text of its inputs and starting state,
    given in pieces, and its policy's sha256: the one place it is defined."""
    return sha256_of_encoded(
        {
            "inputs": inputs,
            "policy_sha256": canonical_json(policy_sha256),
            "state_before": state_before,
        }
    )


def _chunks(stored: StoredText | None, data: object) -> Iterator[bytes]:
    """A field's canonical text in pieces: from its stored form when there is one."""
    return canonical_chunks(data) if stored is None else stored_chunks(stored)


def stored_hash(stored: Mapping[str, Any]) -> str:
    """`record_hash` of a record as stored, its JSON columns taken as their text.

    Equal to the stored ``record_hash`` only if every text is the canonical one that was
    hashed when the month was sealed: the check of an intact chain parses nothing.
    """
    return sha256_of_encoded(
        {
            name: stored_chunks(value) if name in JSON_FIELDS else canonical_json(value)
            for name, value in stored.items()
            if name != "record_hash"
        }
    )


def stored_fingerprint(stored: Mapping[str, Any]) -> str:
    """`fingerprint_of` a record as stored, from the texts of its JSON columns."""
    return fingerprint_from(
        stored_chunks(stored["inputs"]),
        stored["policy_sha256"],
        stored_chunks(stored["state_before"]),
    )


def chain_problems(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every problem of the chain ``rows`` form (records as stored, in seq order), one
    message each naming its record; [] when the chain holds."""
    problems: list[str] = []
    links = Links()
    for stored in rows:
        problems += links.before(stored)
        found, parsed = _content(stored)
        problems += found
        if parsed:  # a record that does not parse has no place to check
            problems += links.after(stored)
    return problems


class Links:
    """The links of a chain, read record by record in seq order: each record's seq
    follows the one before, its prev_hash is that record's hash (`before`), and its
    version follows its month's (`after`). Only these columns are read: what a replay
    checks of the whole ledger (`appraisal.scale.stored`)."""

    def __init__(self) -> None:
        self.expected_seq, self.link = 1, ""
        self.newest: dict[str, Place] = {}  # month -> its newest version so far

    def before(self, stored: Mapping[str, Any]) -> list[str]:
        seq, where = stored["seq"], where_of(stored)
        problems = []
        if seq != self.expected_seq:
            expected = self.expected_seq
            gap = str(expected) if seq == expected + 1 else f"{expected}-{seq - 1}"
            problems.append(
                f"{where}: " + _("record seq {gap} is missing before it").format(gap=gap)
            )
        if stored["prev_hash"] != self.link:
            problems.append(f"{where}: " + _("prev_hash does not match the record before it"))
        self.expected_seq, self.link = seq + 1, stored["record_hash"]
        return problems

    def after(self, stored: Mapping[str, Any]) -> list[str]:
        place = Place.of(stored)
        problems = [f"{where_of(stored)}: {p}" for p in version_problems(place, self.newest)]
        self.newest[place.month] = place
        return problems


def record_problems(stored: Mapping[str, Any]) -> list[str]:
    """What is wrong with one stored record's content, naming it; [] when its texts
    hash to its record_hash and fingerprint (nothing is parsed then)."""
    return _content(stored)[0]


def _content(stored: Mapping[str, Any]) -> tuple[list[str], bool]:
    """`record_problems`, and whether the record parsed (only one that fails the quick
    check is parsed, to say what is wrong)."""
    if _holds(stored):
        return [], True
    where = where_of(stored)
    try:
        record = record_from_stored(stored)
    except ValueError as exc:
        return [f"{where}: {exc}"], False
    return [f"{where}: {p}" for p in content_problems(record, stored)], True


def _holds(stored: Mapping[str, Any]) -> bool:
    """The quick check: the stored texts hash to the stored hashes (nothing parsed)."""
    if not isinstance(stored["record_hash"], str) or not all(
        isinstance(stored[name], str | bytes) for name in JSON_FIELDS
    ):
        return False
    try:
        return (
            stored_hash(stored) == stored["record_hash"]
            and stored_fingerprint(stored) == stored["fingerprint"]
        )
    except ValueError:  # a deflated column that does not inflate: parsed, and named
        return False


def where_of(stored: Mapping[str, Any]) -> str:
    """How a message names a record: by seq, month and version, as stored."""
    return f"seq {stored['seq']} ({stored['month']} v{stored['version']})"


def record_from_stored(stored: Mapping[str, Any]) -> SealedMonth:
    """A record from its stored columns; ValueError names a JSON column that does not parse."""
    content = dict(stored)
    for name in JSON_FIELDS:
        try:
            content[name] = json.loads(stored_text(content[name]))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                _("column {name} is not valid JSON ({error})").format(name=name, error=exc)
            ) from exc
    return SealedMonth(**content)


def content_problems(record: SealedMonth, stored: Mapping[str, Any]) -> list[str]:
    """An edit of any column shows as a hash mismatch; the rest say which column.

    ``stored`` holds the record's columns as stored, JSON fields as their text.
    """
    problems = []
    if record.record_hash != record_hash(record):
        problems.append(_("record_hash does not match the record's content"))
    if record.fingerprint != fingerprint_of(record):
        problems.append(_("fingerprint does not match its inputs, policy and state"))
    problems += [
        _("column {name} is not in canonical form").format(name=name)
        for name in JSON_FIELDS
        if stored_text(stored[name]) != canonical_json(getattr(record, name))
    ]
    return problems


@dataclass(frozen=True)
class Place:
    """A record's place among its month's versions, as stored."""

    seq: int
    month: str
    version: int
    supersedes: int | None
    amend_reason: str | None

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> Place:
        return cls(
            stored["seq"],
            stored["month"],
            stored["version"],
            stored["supersedes"],
            stored["amend_reason"],
        )


def version_problems(record: Place, newest: Mapping[str, Place]) -> list[str]:
    """A month's versions count up from 1, each amendment superseding the one before.

    ``newest`` maps each month met so far in the chain to its newest version.
    """
    before = newest.get(record.month)
    if before is None:
        later = [m for m in newest if m > record.month]
        out_of_order = [_("sealed after {month}").format(month=max(later))] if later else []
        if record.version != 1 or record.supersedes is not None or record.amend_reason:
            return [_("first version of its month but not numbered as one"), *out_of_order]
        return out_of_order
    if record.version != before.version + 1 or record.supersedes != before.seq:
        return [
            _("does not follow version {version} (seq {seq})").format(
                version=before.version, seq=before.seq
            )
        ]
    if not record.amend_reason:
        return [_("an amendment without a reason")]
    return []
