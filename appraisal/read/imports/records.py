"""What an import produces: canonical events, items for the manager to review, issues.

`Imported` is the result of `import_export`; `ReviewItem` is a 待复核 item (a missing
punch, a workday without punches): shown to the manager beside the events and never a
penalty. `Who` and `Draft` are the internal records of the layout readers before the
export's people are matched to the roster.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from appraisal.domain.model import Issue
from appraisal.domain.text import terminal_safe
from appraisal.i18n import _
from appraisal.read.tables import Table

__all__ = ["EVENTS_HEADER", "Draft", "Imported", "ReviewItem", "Who"]

EVENTS_HEADER = ("employee_id", "date", "kind", "value", "flags", "note")


@dataclass(frozen=True)
class ReviewItem:
    """An item for the manager to review (待复核): never a penalty by itself."""

    employee_id: str
    date: datetime.date
    what: str  # as the export words it: 上班缺卡, 工作日无打卡记录
    file: str
    cell: str  # sheet!C12
    applied: bool = False  # a value imported as rounded (0.52 h → 31 min): shown for review

    @property
    def id(self) -> str:
        """The item's stable id, as `appraisal draft resolve` takes it: R-KF005-1014-3fa2.

        Made of what the item is (who, which day, what the export says), not of where it
        sits, so it is the same on every `draft show` and when the export is sent again.
        An export has one item per employee, day and wording (`import_export`).
        """
        wording = hashlib.sha256(self.what.encode()).hexdigest()[:4]
        return f"R-{self.employee_id}-{self.date:%m%d}-{wording}"

    def __str__(self) -> str:
        """The item as a terminal shows it: the export's text with its controls escaped."""
        where = f"{self.file}:{self.cell}" if self.cell else self.file
        said = (
            _("{where}: {employee} {date} {what} — to review, imported as rounded")
            if self.applied
            else _("{where}: {employee} {date} {what} — to review, no penalty applied")
        )
        day = self.date.isoformat()
        return terminal_safe(
            said.format(where=where, employee=self.employee_id, date=day, what=self.what)
        )


@dataclass(frozen=True)
class Imported:
    """One export read into canonical events (`table`), review items and issues.

    ``table`` rows are numbered by the export's row each event came from, so the audit
    trail points at the export; the note says which cell. With any issue, nothing is
    imported: ``table`` has no rows and ``review`` is empty.
    """

    profile: str
    table: Table
    review: tuple[ReviewItem, ...]
    issues: tuple[Issue, ...]


@dataclass(frozen=True, slots=True)
class Who:
    """Whose row it is, as the export says: ids by column (工号, UserId), and the name."""

    ids: tuple[tuple[str, str], ...]
    name: str

    def __str__(self) -> str:
        ids = ", ".join(f"{column} {value}" for column, value in self.ids if value)
        if self.name and ids:
            return f"{self.name} ({ids})"
        return self.name or ids


@dataclass(frozen=True, slots=True)
class Draft:
    """An event (``kind`` set) or a review item (``kind`` None) before roster matching.

    ``text`` is the event's note, or the review item's `what`. Drafts sort by where
    they came from (row, column, occurrence), which makes the order of events stable.
    """

    who: Who
    day: datetime.date
    row: int
    column: int
    cell: str
    kind: str | None
    text: str
    value: Decimal | None = None
    flags: tuple[str, ...] = ()
    order: int = 0
    applied: bool = False  # a review item for a value imported as rounded

    def sort_key(self) -> tuple[int, int, int]:
        return (self.row, self.column, self.order)
