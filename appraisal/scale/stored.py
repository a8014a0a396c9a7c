"""Sealed records as stored, read by what a replay needs and no more.

Part of the auditor's side of the pipeline (`appraisal replay`). A replay of one month
reads that month's record and the small columns of the others: the chain's links (seq,
prev_hash, version, supersedes) are checked over the whole ledger, which costs little
however long it is, and the content hash only of the record replayed, so one month
replays in the same time in a ledger of 1 month or of 36. `appraisal replay --all`
checks every record's content, each in the worker that replays it, and the superseded
versions where it starts: the whole chain, once per command.

Read-only helpers over `Ledger.query`; the stored texts (plain or deflated,
`appraisal.ledger.texts`) are read as stored and decoded by the ledger's own functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from appraisal.i18n import _
from appraisal.ledger.chain import (
    Place,
    content_problems,
    record_from_stored,
    stored_fingerprint,
    stored_hash,
    version_problems,
    where_of,
)
from appraisal.ledger.records import JSON_FIELDS, SealedMonth
from appraisal.ledger.store import Ledger

__all__ = [
    "COLUMNS",
    "Stored",
    "current_seqs",
    "link_problems",
    "record_problems",
    "stored_records",
]

COLUMNS = tuple(f.name for f in fields(SealedMonth))
_LINKS = ("seq", "month", "version", "supersedes", "amend_reason", "prev_hash", "record_hash")

Stored = dict[str, Any]  # a record's columns as stored: its JSON fields plain or deflated


def stored_records(ledger: Ledger, seqs: list[int]) -> list[Stored]:
    """The records of ``seqs`` as stored, in seq order (nothing parsed or inflated)."""
    if not seqs:
        return []
    marks = ", ".join("?" for _ in seqs)
    sql = f"SELECT {', '.join(COLUMNS)} FROM sealed_month WHERE seq IN ({marks}) ORDER BY seq"
    return [dict(zip(COLUMNS, row, strict=True)) for row in ledger.query(sql, tuple(seqs))]


def current_seqs(ledger: Ledger) -> dict[str, int]:
    """Each sealed month's current (newest) version, by its seq; months in order."""
    rows = ledger.query(
        "SELECT month, seq FROM sealed_month AS s"
        " WHERE version = (SELECT MAX(version) FROM sealed_month WHERE month = s.month)"
        " ORDER BY month"
    )
    return {str(month): int(seq) for month, seq in rows}


def link_problems(ledger: Ledger, through_seq: int | None = None) -> list[str]:
    """Every broken link of the chain up to ``through_seq`` (default: all of it): a seq
    missing, a prev_hash that is not the hash of the record before, versions out of
    order; the messages `Ledger.verify_chain` gives. The content of each record is
    `record_problems`' part."""
    where, params = ("WHERE seq <= ?", (through_seq,)) if through_seq is not None else ("", ())
    rows = ledger.query(
        f"SELECT {', '.join(_LINKS)} FROM sealed_month {where} ORDER BY seq", params
    )
    problems: list[str] = []
    expected_seq, link = 1, ""
    newest: dict[str, Place] = {}
    for row in rows:
        stored = dict(zip(_LINKS, row, strict=True))
        seq, where_it_is = stored["seq"], where_of(stored)
        if seq != expected_seq:
            gap = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            problems.append(
                _("{where}: record seq {gap} is missing before it").format(
                    where=where_it_is, gap=gap
                )
            )
        if stored["prev_hash"] != link:
            problems.append(
                _("{where}: prev_hash does not match the record before it").format(
                    where=where_it_is
                )
            )
        expected_seq, link = seq + 1, stored["record_hash"]
        place = Place.of(stored)
        problems += [f"{where_it_is}: {p}" for p in version_problems(place, newest)]
        newest[place.month] = place
    return problems


def record_problems(stored: Mapping[str, Any]) -> list[str]:
    """What is wrong with one stored record's content, naming it; [] when its texts hash
    to its record_hash and fingerprint (nothing is parsed then)."""
    try:
        if (
            isinstance(stored["record_hash"], str)
            and all(isinstance(stored[name], str | bytes) for name in JSON_FIELDS)
            and stored_hash(stored) == stored["record_hash"]
            and stored_fingerprint(stored) == stored["fingerprint"]
        ):
            return []
    except ValueError:  # a deflated text that does not inflate: parsed below, and named
        pass
    where_it_is = where_of(stored)
    try:
        record = record_from_stored(stored)
    except ValueError as exc:
        return [f"{where_it_is}: {exc}"]
    return [f"{where_it_is}: {p}" for p in content_problems(record, stored)]
