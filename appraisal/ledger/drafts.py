"""The ledger's draft area: a month's files and review decisions gathered before the seal.

Outside the hash chain: nothing here is hashed or sealed; `appraisal seal` reads the draft,
seals it through the pipeline as `run` would, then clears it. Every read and write goes
through `Ledger.query` and `Ledger.transaction` (the write lock), as the sealed records do.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from appraisal.i18n import _

__all__ = [
    "DRAFT_SCHEMA",
    "Decision",
    "DraftFile",
    "clear_draft",
    "decisions",
    "draft_files",
    "draft_months",
    "remove_decision",
    "remove_file",
    "store_decision",
    "store_files",
]

# A file's bytes once per month (UNIQUE month, sha256); at most one roster per month is
# kept by the workflow (a second replaces the first). One decision per review item.
DRAFT_SCHEMA = (
    """CREATE TABLE draft_file (
        id INTEGER PRIMARY KEY,
        month TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('roster', 'events', 'deductions')),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        content BLOB NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (month, sha256)
    ) STRICT""",
    """CREATE TABLE draft_decision (
        month TEXT NOT NULL,
        item_id TEXT NOT NULL,
        resolution TEXT NOT NULL,
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (month, item_id)
    ) STRICT""",
)


@dataclass(frozen=True)
class DraftFile:
    """One submission of a month's draft: the bytes as sent, who sent them and when (UTC)."""

    month: str
    role: str  # roster, events or deductions
    name: str  # the file's name as given (its last part): what `run` would seal
    sha256: str
    content: bytes
    added_by: str
    added_at: str  # ISO 8601, UTC, to the second
    id: int = 0  # the row's number, in the order files were added


@dataclass(frozen=True)
class Decision:
    """A decision on a review item (待复核) of the draft: how it is to count, by whom, why."""

    month: str
    item_id: str
    resolution: str  # normal, absent, personal_leave, sick_leave or late:MIN
    reason: str
    decided_by: str
    decided_at: str  # ISO 8601, UTC, to the second


class Ledger(Protocol):
    """What the draft area needs of `appraisal.ledger.store.Ledger` (a protocol, because
    the store's schema imports `DRAFT_SCHEMA` from here: no import back)."""

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]: ...

    def transaction(self, action: str) -> AbstractContextManager[Any]: ...


_FILE_COLUMNS = "id, month, role, name, sha256, content, added_by, added_at"
_DECISION_COLUMNS = "month, item_id, resolution, reason, decided_by, decided_at"


def draft_files(ledger: Ledger, month: str) -> list[DraftFile]:
    """The month's draft files, in the order they were added."""
    rows = ledger.query(
        f"SELECT {_FILE_COLUMNS} FROM draft_file WHERE month = ? ORDER BY id", (month,)
    )
    return [
        DraftFile(
            id=int(row[0]),
            month=str(row[1]),
            role=str(row[2]),
            name=str(row[3]),
            sha256=str(row[4]),
            content=bytes(row[5]),
            added_by=str(row[6]),
            added_at=str(row[7]),
        )
        for row in rows
    ]


def decisions(ledger: Ledger, month: str) -> list[Decision]:
    """The month's decisions on review items, in the order of their item ids."""
    rows = ledger.query(
        f"SELECT {_DECISION_COLUMNS} FROM draft_decision WHERE month = ? ORDER BY item_id",
        (month,),
    )
    return [Decision(*(str(value) for value in row)) for row in rows]


def draft_months(ledger: Ledger) -> list[str]:
    """The months that have a draft (a file or a decision), in calendar order."""
    rows = ledger.query(
        "SELECT month FROM draft_file UNION SELECT month FROM draft_decision ORDER BY month", ()
    )
    return [str(month) for (month,) in rows]


def store_files(ledger: Ledger, files: Sequence[DraftFile]) -> list[DraftFile]:
    """Store the files together (all or none); a roster replaces the month's roster.

    Returns the files replaced. A file whose bytes the month holds already is the
    caller's to leave out (``UNIQUE (month, sha256)`` refuses it here).
    """
    replaced: list[DraftFile] = []
    with ledger.transaction(_("store the draft files")):
        for file in files:
            if file.role == "roster":
                replaced += [f for f in draft_files(ledger, file.month) if f.role == "roster"]
                ledger.query(
                    "DELETE FROM draft_file WHERE month = ? AND role = 'roster'", (file.month,)
                )
            ledger.query(
                "INSERT INTO draft_file (month, role, name, sha256, content, added_by, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    file.month,
                    file.role,
                    file.name,
                    file.sha256,
                    file.content,
                    file.added_by,
                    file.added_at,
                ),
            )
    return replaced


def store_decision(ledger: Ledger, decision: Decision) -> None:
    """Record a decision; one per item, so a new one replaces the item's earlier one."""
    with ledger.transaction(_("record the decision")):
        ledger.query(
            # An upsert both SQLite and PostgreSQL read (not SQLite's INSERT OR REPLACE).
            f"INSERT INTO draft_decision ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (month, item_id) DO UPDATE SET resolution = excluded.resolution,"
            " reason = excluded.reason, decided_by = excluded.decided_by,"
            " decided_at = excluded.decided_at",
            (
                decision.month,
                decision.item_id,
                decision.resolution,
                decision.reason,
                decision.decided_by,
                decision.decided_at,
            ),
        )


def remove_file(ledger: Ledger, file: DraftFile) -> None:
    with ledger.transaction(_("remove the draft file")):
        ledger.query("DELETE FROM draft_file WHERE id = ?", (file.id,))


def remove_decision(ledger: Ledger, decision: Decision) -> None:
    with ledger.transaction(_("remove the decision")):
        ledger.query(
            "DELETE FROM draft_decision WHERE month = ? AND item_id = ?",
            (decision.month, decision.item_id),
        )


def clear_draft(ledger: Ledger, month: str) -> None:
    """The month's draft taken out whole: after its seal."""
    with ledger.transaction(_("clear the draft")):
        ledger.query("DELETE FROM draft_file WHERE month = ?", (month,))
        ledger.query("DELETE FROM draft_decision WHERE month = ?", (month,))
