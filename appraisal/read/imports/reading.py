"""The state one layout reader fills in while it walks an export's rows.

Each layout module (`day_rows`, `day_columns`, `punch_rows`, `punch_grid`) gets a
`Reading`: the profile, the located header and the rows still to read. It records
events and review items as `Draft`s, every person it meets (all of them are matched to
the roster, even those with a clean month), and issues naming their cell. The helpers
here are the parts the layouts share: whose row it is, its date, a number with its unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from appraisal.domain.model import Issue, Month
from appraisal.i18n import _
from appraisal.read.imports.locate import Column, Located
from appraisal.read.imports.profile import Profile
from appraisal.read.imports.records import Draft, Who
from appraisal.read.imports.values import as_date, decimal_text, in_target_unit
from appraisal.read.imports.workbook import Row, cell_name

__all__ = ["HALF_DAY_KINDS", "Reading", "cell_text"]

# interface.md counts these in half days (0.5 = half a day), at most one day a date.
HALF_DAY_KINDS = frozenset({"absent", "personal_leave", "sick_leave", "paid_leave"})
_HALF = Decimal("0.5")
_ONE_DAY = Decimal(1)
_UNIT_WORDS = {"minute": "分钟", "hour": "小时", "day": "天"}


def cell_text(value: object) -> str:
    """A cell as text: ids stored as numbers (7919, 7919.0) read as ``7919``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Reading:
    """One import in progress: what a layout reader needs, and what it has found."""

    profile: Profile
    file: str
    month: Month
    hours_per_day: Decimal
    located: Located
    drafts: list[Draft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    people: dict[Who, str] = field(default_factory=dict)  # each person's first cell
    outside: list[tuple[str, date]] = field(default_factory=list)
    _dates: dict[object, date | None] = field(default_factory=dict)
    # Columns read in the profile's default unit for want of one in the header, until the
    # first value read from each says so in the review list.
    _assumed: dict[int, tuple[Column, str]] = field(default_factory=dict)

    # --- locations and issues ------------------------------------------------------------

    def cell(self, row: int, column: int) -> str:
        return f"{self.located.sheet}!{cell_name(row, column)}"

    @property
    def header_cell(self) -> str:
        """Where a problem with the header as a whole is reported: its first cell."""
        return self.cell(self.located.header_row, 0)

    def issue(self, cell: str | None, message: str) -> None:
        self.issues.append(Issue(self.file, None, cell, message))

    def column(self, names: tuple[str, ...], what: str) -> Column | None:
        """A column the profile needs; a missing one is an issue at the header row."""
        found = self.located.find(names)
        if found is None:
            shown = " or ".join(repr(n) for n in names)
            message = _("the header has no {what} column {shown} ({title})").format(
                what=what, shown=shown, title=self.profile.title
            )
            self.issue(self.header_cell, message)
        return found

    def unit(self, column: Column, default: str | None, *, review: bool = False) -> str | None:
        """The unit of a column: its header suffix (分钟), else the profile's default
        (``review``: named in the review list by `unit_assumed`)."""
        if column.unit is None:
            if default is None:
                message = _("column {text!r} gives no unit, and the profile none").format(
                    text=column.text
                )
                self.issue(self.located.at(column), message)
            elif review:
                self._assumed[column.index] = (column, default)
            return default
        unit = self.profile.unit_of(column.unit)
        if unit is None:
            known = ", ".join(self.profile.units)
            message = _(
                "unit {unit!r} of column {text!r} is not understood (known: {known})"
            ).format(unit=column.unit, text=column.text, known=known)
            self.issue(self.located.at(column), message)
        return unit

    def unit_assumed(self, who: Who, day: date, column: int) -> None:
        """The first value read from a column without a unit (``迟到时长``): one item says
        which unit the whole column was read in."""
        found = self._assumed.pop(column, None)
        if found is not None:
            header, unit = found
            what = (
                f"{header.text}: 表头未注明单位，整列按{_UNIT_WORDS[unit]}读入"
                f"（{self.profile.id} 的默认单位 {unit}）"
            )
            self.review(who, day, header.row, header.index, what)

    # --- whose row, which day ------------------------------------------------------------

    def employee_reader(self) -> Callable[[Row, int], Who | None] | None:
        """A function giving the person of a data row (None for a row without one)."""
        spec = self.profile.employee
        ids = [(c.full, c.index) for n in spec.ids if (c := self.located.find((n,)))]
        name_column = self.located.find((spec.name,)) if spec.name else None
        if not ids and name_column is None:
            wanted = ", ".join(repr(n) for n in (*spec.ids, *([spec.name] if spec.name else [])))
            message = _("the header has none of the employee columns {wanted}").format(
                wanted=wanted
            )
            self.issue(self.header_cell, message)
            return None
        name_index = name_column.index if name_column else None

        def who(values: Row, row: int) -> Who | None:
            found = tuple((text, _at(values, index)) for text, index in ids)
            name = _at(values, name_index) if name_index is not None else ""
            if not name and not any(value for _0, value in found):
                return None
            person = Who(found, name)
            if person not in self.people:
                index = name_index if name and name_index is not None else ids[0][1]
                self.people[person] = self.cell(row, index)
            return person

        return who

    def day(self, value: object, cell: str) -> date | None:
        """A row's date; unreadable ones and ones outside the month are issues."""
        if value in self._dates:
            day = self._dates[value]
        else:
            day = self._dates[value] = as_date(value, self.month.year)
        if day is None:
            self.issue(cell, f"not a date: {cell_text(value)!r}")
        elif not self.month.contains(day):
            self.outside.append((cell, day))
            return None
        return day

    def finish(self) -> None:
        """Issues that sum up many rows."""
        if self.outside:
            cell, day = self.outside[0]
            count = len(self.outside)
            if count > 1:
                message = _(
                    "{count} rows dated outside the month being run ({month}), the first {day}"
                )
            else:
                message = _(
                    "{count} row dated outside the month being run ({month}), the first {day}"
                )
            message = message.format(count=count, month=self.month, day=day.isoformat())
            self.issue(cell, message)

    # --- what it means -------------------------------------------------------------------

    def review(
        self, who: Who, day: date, row: int, column: int, what: str, *, applied: bool = False
    ) -> None:
        """An item to review; ``applied`` when the value was imported as rounded."""
        cell = self.cell(row, column)
        self.drafts.append(Draft(who, day, row, column, cell, None, what, applied=applied))

    def event(
        self,
        who: Who,
        day: date,
        row: int,
        column: int,
        kind: str,
        amount: Decimal,
        unit: str,
        *,
        flags: tuple[str, ...] = (),
        shown: str,
        order: int = 0,
    ) -> None:
        """An event of ``amount`` ``unit`` (converted to what the kind counts); ``shown``
        is the export's wording, kept in the note. Leave and absence that are not whole
        or half days become review items: the scheme deducts by the half day."""
        cell = self.cell(row, column)
        value = in_target_unit(amount, unit, kind, self.hours_per_day)
        if kind in HALF_DAY_KINDS and (value % _HALF or value > _ONE_DAY):
            why = "不是半天的整数倍" if value % _HALF else "一个日期最多一天"
            what = f"{shown}（{decimal_text(value)}天，{why}）"
            self.drafts.append(Draft(who, day, row, column, cell, None, what, order=order))
            return
        note = f"{self.profile.title} {cell} {shown}"
        self.drafts.append(Draft(who, day, row, column, cell, kind, note, value, flags, order))

    def blank(self, value: object) -> bool:
        if value is None:
            return True
        if isinstance(value, str):
            text = value.strip()
            return not text or text in self.profile.blank
        return False


def _at(values: Row, index: int | None) -> str:
    if index is None or index >= len(values):
        return ""
    return cell_text(values[index])
