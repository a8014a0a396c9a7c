"""Domain records shared by every stage of the pipeline.

read → validate → resolve policy → evaluate → check → seal → export all pass these
immutable values along. Each input record knows its source (file and row), so every
point and yuan in a result can be followed back to the row that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from appraisal.domain.text import terminal_safe
from appraisal.i18n import _

__all__ = [
    "CarriedState",
    "Employee",
    "Event",
    "Issue",
    "Kind",
    "Month",
    "Source",
]


class Kind(StrEnum):
    """Event kinds of interface.md, plus `metric` (a measured figure such as CSAT) and
    `paid_leave` (带薪假: days of a paid leave, its type in the clause)."""

    LATE = "late"
    EARLY_LEAVE = "early_leave"
    ABSENT = "absent"
    PERSONAL_LEAVE = "personal_leave"
    SICK_LEAVE = "sick_leave"
    PAID_LEAVE = "paid_leave"  # 带薪假 (年假, 婚假 …): clause names the type; free unless priced
    OVERTIME = "overtime"
    CRITERION = "criterion"
    EXAM = "exam"
    REWARD = "reward"
    PENALTY = "penalty"
    MAJOR_FAULT = "major_fault"
    UNFIT = "unfit"
    PROMOTION = "promotion"
    TERMINATION = "termination"
    METRIC = "metric"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The years a month may fall in (issue 9): 0000-01 has no month before it, 9999-12 no month after.
FIRST_YEAR, LAST_YEAR = 1900, 9998


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, the period an appraisal covers (考核以月为周期).

    Years run from FIRST_YEAR to LAST_YEAR: the month after the last one, and every
    date a month's rules reach (a year back, the next month's first day), still exist.
    """

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(_("month must be YYYY-MM, got {text!r}").format(text=text))
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(
                _("month must be between {first_year}-01 and {last_year}-12, got {given!r}").format(
                    first_year=FIRST_YEAR, last_year=LAST_YEAR, given=text.strip()
                )
            )
        return cls(year, int(match.group(2)))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next().first_day.toordinal() - 1)

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), self.month % 12 + 1)

    def contains(self, day: date) -> bool:
        return day.year == self.year and day.month == self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class Source(NamedTuple):
    """Where a record came from: its input's display name, its row, and the path given.

    ``file`` is the name the audit trail shows (``events.csv``, ``input.xlsx[考评]``),
    ``row`` its row (header = row 1); ``path`` is the file as the user named it
    (``../october/events.csv``), for messages. The path is not part of what is sealed
    or compared: a month read from ``./a/events.csv`` or ``b/events.csv`` is one month.

    A named tuple, not a dataclass: one is made for every input row, and a tuple is made
    three times faster (issue 11); it is as immutable. Equal and hashed by file and row.
    """

    file: str
    row: int
    path: str = ""

    @property
    def where(self) -> str:
        """The file as a message names it: the path the user gave, else the name."""
        return self.path or self.file

    def __eq__(self, other: object) -> bool:
        if type(other) is not Source:
            return NotImplemented
        return self[0] == other[0] and self[1] == other[1]

    def __ne__(self, other: object) -> bool:
        if type(other) is not Source:
            return NotImplemented
        return self[0] != other[0] or self[1] != other[1]

    def __hash__(self) -> int:
        return hash((self[0], self[1]))

    def __str__(self) -> str:
        return f"{self.file}:{self.row}"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with the input or the policy, reported with every other one at once.

    Printed as ``file:row:column: message``; parts that do not apply are left out.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    @classmethod
    def at(cls, source: Source, column: str | None, message: str) -> Issue:
        """A problem with the record from ``source``, naming the file as the user gave it."""
        return cls(source.where, source.row, column, message)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(str(self.row))
        if self.column:
            where.append(self.column)
        # A message may echo a cell or a path as written: controls are shown escaped.
        return terminal_safe(f"{':'.join(where)}: {self.message}")


@dataclass(frozen=True, slots=True)
class Employee:
    """One roster row (名册)."""

    employee_id: str
    name: str
    level: str
    source: Source
    hire_date: date | None = None
    department: str = ""


_NONE = Decimal(-1)  # a number a row leaves out, as `Event.sort_key` orders it


class Event(NamedTuple):
    """One event row of the month. Numbers are exact decimals; flags are lower-case words.

    A named tuple, not a dataclass: a month has a row of these per input row (900,000 at
    100,000 employees), and a tuple is made three times faster (issue 11); it is as
    immutable. Equal when every field is (its `Source` by file and row).
    """

    employee_id: str
    date: date
    kind: Kind
    source: Source
    value: Decimal | None = None
    clause: str | None = None
    amount: Decimal | None = None
    points: Decimal | None = None
    flags: frozenset[str] = frozenset()
    note: str = ""

    def sort_key(self) -> tuple[object, ...]:
        """Content first, source last: evaluation must not depend on the order of rows."""
        value, amount, points, flags = self.value, self.amount, self.points, self.flags
        return (
            self.date,
            self.kind,  # a StrEnum orders as its text
            self.clause or "",
            _NONE if value is None else value,
            _NONE if amount is None else amount,
            _NONE if points is None else points,
            tuple(sorted(flags)) if flags else (),  # most rows have none
            self.note,
            self.source.file,
            self.source.row,
        )


@dataclass(frozen=True)
class CarriedState:
    """What one month hands to the next (the state before a month, stored in the ledger).

    - ``levels``: each employee's level for the coming month (None once dismissed).
    - ``offences``: how many times each "first time: warning" rule has fired for an
      employee, over the window the policy sets (lifetime by default).
    - ``titles``: monthly excellence titles (月度优秀客服代表) per employee per year,
      counted for the yearly award (年度最佳客服代表).
    - ``scores``: recent monthly totals per employee, oldest first, for eligibility rules.
    - ``dismissed``: the month each dismissed employee left.
    """

    levels: Mapping[str, str | None] = field(default_factory=dict)
    offences: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    titles: Mapping[str, Mapping[int, int]] = field(default_factory=dict)
    scores: Mapping[str, tuple[tuple[str, Decimal], ...]] = field(default_factory=dict)
    dismissed: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """A canonical JSON-able form: sorted keys, decimals as strings."""
        return {
            "levels": {k: self.levels[k] for k in sorted(self.levels)},
            "offences": {
                k: {rule: n for rule, n in sorted(v.items())}
                for k, v in sorted(self.offences.items())
            },
            "titles": {
                k: {str(year): n for year, n in sorted(v.items())}
                for k, v in sorted(self.titles.items())
            },
            "scores": {
                k: [[m, str(total)] for m, total in v] for k, v in sorted(self.scores.items())
            },
            "dismissed": {k: self.dismissed[k] for k in sorted(self.dismissed)},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CarriedState:
        def mapping(key: str) -> Mapping[str, Any]:
            value = data.get(key, {})
            if not isinstance(value, Mapping):
                raise ValueError(_("carried state: {key} is not a mapping").format(key=key))
            return value

        levels = {str(k): (None if v is None else str(v)) for k, v in mapping("levels").items()}
        offences = {
            str(k): {str(rule): int(n) for rule, n in dict(v).items()}
            for k, v in mapping("offences").items()
        }
        titles = {
            str(k): {int(year): int(n) for year, n in dict(v).items()}
            for k, v in mapping("titles").items()
        }
        scores = {
            str(k): tuple((str(m), Decimal(str(total))) for m, total in list(v))
            for k, v in mapping("scores").items()
        }
        dismissed = {str(k): str(v) for k, v in mapping("dismissed").items()}
        return cls(levels, offences, titles, scores, dismissed)
