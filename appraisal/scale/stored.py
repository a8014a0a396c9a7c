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

from dataclasses import fields
from typing import Any

from appraisal.ledger.chain import Links, record_problems
from appraisal.ledger.records import SealedMonth
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
    """Every broken link of the chain up to ``through_seq`` (default: all of it), read
    from its small columns only: the messages `Ledger.verify_chain` gives. Each record's
    content is `record_problems`' part."""
    where, params = ("WHERE seq <= ?", (through_seq,)) if through_seq is not None else ("", ())
    rows = ledger.query(
        f"SELECT {', '.join(_LINKS)} FROM sealed_month {where} ORDER BY seq", params
    )
    links, problems = Links(), []
    for row in rows:
        stored = dict(zip(_LINKS, row, strict=True))
        problems += links.before(stored) + links.after(stored)
    return problems
