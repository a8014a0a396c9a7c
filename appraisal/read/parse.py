"""Read stage: the user's roster and events files → typed records and Issues.

The first stage of the pipeline (read → validate → resolve policy → evaluate → check →
seal → export). `appraisal.read.tables` turns a `.csv` or `.xlsx` file into `Table`s of
text cells; `parse_roster` and `parse_events` turn tables into `Employee` and `Event` records;
`appraisal.read.references` checks events against the roster across files. Kinds and
flags may be written in English, Chinese or both (`appraisal.vocabulary`); on a sheet of
the managers' workbook, the display-only columns and the prefilled rows nobody filled
in are skipped.
Nothing here raises for bad input: each problem becomes an `Issue` (printed as
``file:row:column: message``) and every stage carries on, so one run shows them all.
A row with any issue yields no record. Checks that need the policy (levels, clause
ranges, amounts in range) belong to later stages.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from appraisal.domain.model import Employee, Event, Issue, Kind, Month, Source
from appraisal.i18n import _
from appraisal.read.cells import (
    NUMBER_LIMITS,
    CellValues,
    chinese_names,
    fits,
    header_columns,
    number_limit,
    shown,
    suggest_word,
)
from appraisal.read.row_wording import VALUE_MEANING, once_a_month, row_needs, value_problem
from appraisal.read.tables import Table
from appraisal.read.vocabulary import FLAGS as FLAG_WORDS
from appraisal.read.vocabulary import KINDS, LEAVE_TYPES

__all__ = [
    "EVENT_COLUMNS",
    "FLAGS",
    "ROSTER_COLUMNS",
    "Apart",
    "event_rows",
    "parse_events",
    "parse_roster",
]

ROSTER_REQUIRED = ("employee_id", "name", "level")
ROSTER_COLUMNS = (*ROSTER_REQUIRED, "hire_date", "department")
EVENT_REQUIRED = ("employee_id", "date", "kind")
EVENT_COLUMNS = (*EVENT_REQUIRED, "value", "clause", "amount", "points", "flags", "note")
FLAGS = frozenset(FLAG_WORDS.names)
# Columns of a template sheet that are there for the reader's eye and are never read.
DISPLAY_ONLY = ("name", "clause_title")
CLAUSE_DIGITS = 3  # clauses are small numbers: 1–13 in the scheme

_KIND_IDS = tuple(kind.value for kind in Kind)
_NO_FLAGS: frozenset[str] = frozenset()

_NEEDS_CLAUSE = (Kind.CRITERION, Kind.REWARD, Kind.PENALTY, Kind.METRIC)
_ONCE_A_MONTH = (Kind.CRITERION, Kind.EXAM, Kind.TERMINATION)

# --- roster ------------------------------------------------------------------------------


def parse_roster(table: Table) -> tuple[list[Employee], list[Issue]]:
    """Employees of the roster (名册). Levels are checked against the policy later."""
    issues: list[Issue] = []
    columns = header_columns(table, ROSTER_REQUIRED, ROSTER_COLUMNS, issues)
    complete = all(column in columns for column in ROSTER_REQUIRED)
    at = {column: columns.get(column) for column in ROSTER_COLUMNS}
    # A column the table lacks reads as the empty cell appended to every row.
    padded = None in at.values()
    absent = len(table.header)
    pick = operator.itemgetter(*(absent if at[c] is None else at[c] for c in ROSTER_COLUMNS))
    values = CellValues()
    first_row: dict[str, int] = {}
    employees: list[Employee] = []
    for row, cells in table.rows:
        before = len(issues)
        employee_id, name, level, hire_text, department = pick((*cells, "") if padded else cells)
        employee_id, name, level = employee_id.strip(), name.strip(), level.strip()
        if not (employee_id and name and level):
            for column, text in zip(ROSTER_REQUIRED, (employee_id, name, level), strict=True):
                if at[column] is not None and not text:
                    issues.append(Issue(table.file, row, column, _("required value is missing")))
        if employee_id in first_row:
            message = _("duplicate employee_id {employee_id!r} (also row {first_row})").format(
                employee_id=employee_id, first_row=first_row[employee_id]
            )
            issues.append(Issue(table.file, row, "employee_id", message))
        elif employee_id:
            first_row[employee_id] = row
        hire_text = hire_text.strip()
        hire_date = values.date(hire_text) if hire_text else None
        if isinstance(hire_date, str):
            issues.append(Issue(table.file, row, "hire_date", hire_date))
        if complete and len(issues) == before and not isinstance(hire_date, str):
            employees.append(
                Employee(
                    employee_id=employee_id,
                    name=name,
                    level=level,
                    source=Source(table.name, row, table.file),
                    hire_date=hire_date,
                    department=department.strip(),
                )
            )
    return employees, issues


# --- events ------------------------------------------------------------------------------


def parse_events(table: Table, month: Month) -> tuple[list[Event], list[Issue]]:
    """The month's events, with every check that does not need the policy."""
    issues: list[Issue] = []
    known = (*EVENT_COLUMNS, *DISPLAY_ONLY) if table.template else EVENT_COLUMNS
    columns = header_columns(table, EVENT_REQUIRED, known, issues)
    rows = _filled(table, columns) if table.template else table.rows
    events = _EventRows(table, month, columns, issues).parse(rows)
    return events, issues


def event_rows(table: Table, month: Month) -> _EventRows | None:
    """The parser of ``table``'s rows, and of rows of the same file parsed apart
    (`appraisal.read.halves`); None where its header has a problem, it lacks a column
    it needs, or it is a sheet of the managers' workbook (`parse_events` says why)."""
    issues: list[Issue] = []
    columns = header_columns(table, EVENT_REQUIRED, EVENT_COLUMNS, issues)
    parser = _EventRows(table, month, columns, issues)
    return None if issues or table.template or not parser.complete else parser


# Rows the template prefills (each criterion, the exam) and that mean nothing until a
# manager gives them a value: left unfilled, a criterion counts as not met (interface.md).
_PREFILLED = (Kind.CRITERION, Kind.EXAM)
_FILLABLE = ("value", "amount", "points", "flags", "note")


def _filled(table: Table, columns: Mapping[str, int]) -> list[tuple[int, tuple[str, ...]]]:
    """The rows of a template sheet, less the prefilled rows nobody filled in."""
    if "kind" not in columns:
        return list(table.rows)
    kind_at = columns["kind"]
    fillable = [columns[c] for c in _FILLABLE if c in columns]
    values = CellValues()
    return [
        (row, cells)
        for row, cells in table.rows
        if values.kind(cells[kind_at].strip()) not in _PREFILLED
        or any(cells[at].strip() for at in fillable)
    ]


# A row's parse apart from its employee: (day, kind, value, clause, amount, points, flags,
# note, its problems as (column, message)), each a date/Kind/… or None when unreadable.
_N = Decimal | None
_Found = tuple[tuple[str, str], ...]
_Content = tuple[
    date | str | None, Kind | None, _N, str | None, _N, _N, frozenset[str], str, _Found
]


_tuple_new = tuple.__new__
Row = tuple[int, tuple[str, ...]]  # a table's row: its number and its cells
# A row parsed apart (`appraisal.read.halves`): its number, employee_id and cells parsed.
Apart = list[tuple[int, str, _Content]]


class _EventRows:
    """Parses the event rows of one table: the hot loop of a 100,000-row month.

    A month repeats the same cells over and over (a criterion met on a date, 10 minutes
    late): all but a row's employee is parsed once for each distinct set of cells
    (`content`), and its problems are given to every row that has them.
    """

    def __init__(
        self, table: Table, month: Month, columns: Mapping[str, int], issues: list[Issue]
    ) -> None:
        self.file, self.name, self.month, self.issues = table.file, table.name, month, issues
        self.complete = all(column in columns for column in EVENT_REQUIRED)
        # A column the table lacks reads as the empty cell appended to every row.
        absent = len(table.header)
        self.padded = any(column not in columns for column in EVENT_COLUMNS)
        # A row's employee_id, and its other cells as one tuple (the key of `content`).
        self.pick_id = operator.itemgetter(columns.get(EVENT_COLUMNS[0], absent))
        self.pick = operator.itemgetter(*(columns.get(c, absent) for c in EVENT_COLUMNS[1:]))
        self.required = [column for column in EVENT_REQUIRED if column in columns]
        self.values = CellValues()
        self.dates: dict[str, date | str] = {}  # a date in the month, or why not
        self.once: dict[tuple[str, Kind, str], int] = {}  # one exam, termination, criterion N

    def number(self, column: str, text: str, found: list[tuple[str, str]]) -> Decimal | None:
        """The number of a cell, or None and why it is not one the column can hold."""
        number = self.values.number(text)
        if number is None:
            found.append((column, _("not a number: {value}").format(value=shown(text))))
        elif not fits(number, *NUMBER_LIMITS[column]):
            limit = number_limit(column)
            found.append((column, _("{limit}, got {value}").format(limit=limit, value=shown(text))))
        else:
            return number
        return None

    def date(self, text: str) -> date | str:
        if text not in self.dates:
            day = self.values.date(text)
            if isinstance(day, date) and not self.month.contains(day):
                day = _("date {day} is outside the month {month}").format(day=day, month=self.month)
            self.dates[text] = day
        return self.dates[text]

    def parse(self, rows: Iterable[Row]) -> list[Event]:
        events = self.parsed(rows)
        return events if self.complete else []

    def parsed(self, rows: Iterable[Row], apart: Apart | None = None) -> list[Event]:
        """The events of ``rows``, each row's problems reported. Given ``apart`` (rows
        parsed in a child, `appraisal.read.halves`): each row that would be an event is
        added to it as (row, employee_id, cells parsed) instead, and whether a
        once-a-month row is repeated is left to `taken`, which sees the rows before."""
        events: list[Event] = []
        issues, file, name, padded = self.issues, self.file, self.name, self.padded
        pick_id, pick = self.pick_id, self.pick
        missing_id = _("required value is missing") if "employee_id" in self.required else None
        contents: dict[tuple[str, ...], _Content] = {}
        for row, cells in rows:
            if padded:
                cells = (*cells, "")
            employee_id = pick_id(cells).strip()
            cells_but_id = pick(cells)
            content = contents.get(cells_but_id)
            if content is None:
                content = contents[cells_but_id] = self.content(*cells_but_id)
            day, kind, value, clause, amount, points, flags, note, problems = content
            before = len(issues)
            if not employee_id and missing_id is not None:
                issues.append(Issue(file, row, "employee_id", missing_id))
            for column, message in problems:
                issues.append(Issue(file, row, column, message))
            # Cheap tests first: most rows are not once a month (60,000 rows of 90,000).
            if employee_id and kind in _ONCE_A_MONTH and apart is None:
                self.first_of_month(row, employee_id, kind, clause)
            if len(issues) == before and kind is not None and isinstance(day, date):
                if apart is not None:
                    apart.append((row, employee_id, content))
                    continue
                # Made as the named tuples they are, every field given in order: the
                # same records, without the call of each one's __new__ (a row's third).
                source = _tuple_new(Source, (name, row, file))
                made = (employee_id, day, kind, source, value, clause, amount, points, flags, note)
                events.append(_tuple_new(Event, made))
        return events

    def taken(self, apart: Apart) -> list[Event]:
        """The events of rows a child parsed without a problem (`parsed` given ``apart``),
        after the rows before them: each once-a-month row checked against those."""
        events: list[Event] = []
        issues, file, name = self.issues, self.file, self.name
        for row, employee_id, content in apart:
            day, kind, value, clause, amount, points, flags, note, _found = content
            if employee_id and kind in _ONCE_A_MONTH:
                before = len(issues)
                self.first_of_month(row, employee_id, kind, clause)
                if len(issues) != before:
                    continue
            source = _tuple_new(Source, (name, row, file))
            made = (employee_id, day, kind, source, value, clause, amount, points, flags, note)
            events.append(_tuple_new(Event, made))
        return events

    def first_of_month(self, row: int, employee_id: str, kind: Kind, clause: str | None) -> None:
        """Say so if ``row`` repeats a once-a-month row of ``employee_id`` (the key
        `once_a_month` gives, made here)."""
        if kind is not Kind.CRITERION:
            first = self.once.setdefault((employee_id, kind, ""), row)
        elif clause is not None:
            first = self.once.setdefault((employee_id, kind, clause), row)
        else:
            return
        if first != row:
            self.repeated(row, employee_id, kind, clause, first)

    def content(
        self,
        date_text: str,
        kind_text: str,
        value_text: str,
        clause_text: str,
        amount_text: str,
        points_text: str,
        flags_text: str,
        note: str,
    ) -> _Content:
        """A row's cells but its employee_id, parsed, with their problems in the order a
        row reports them (after a missing employee_id, before a repeated once-a-month row)."""
        found: list[tuple[str, str]] = []
        values, number = self.values, self.number
        date_text = date_text.strip()
        kind_text = kind_text.strip()
        for column, text in (("date", date_text), ("kind", kind_text)):
            if not text and column in self.required:
                found.append((column, _("required value is missing")))

        day = self.date(date_text) if date_text else None
        if isinstance(day, str):
            found.append(("date", day))
        kind = values.kind(kind_text) if kind_text else None
        if kind is None and kind_text:
            hint = suggest_word(kind_text.lower(), _KIND_IDS, chinese_names(KINDS, _KIND_IDS))
            message = _("unknown kind {kind_text!r}{hint}").format(kind_text=kind_text, hint=hint)
            found.append(("kind", message))

        value_text = value_text.strip()
        amount_text = amount_text.strip()
        points_text = points_text.strip()
        value = number("value", value_text, found) if value_text else None
        amount = number("amount", amount_text, found) if amount_text else None
        points = number("points", points_text, found) if points_text else None
        if amount is not None and amount < 0:
            message = _("amount must not be negative, got {amount_text}").format(
                amount_text=shown(amount_text)
            )
            found.append(("amount", message))
        clause_text = clause_text.strip()
        clause = values.clause(clause_text) if clause_text else None
        if clause is not None and len(clause) > CLAUSE_DIGITS and clause.isdecimal():
            message = _(
                "a clause number has at most {clause_digits} digits, got {clause_text}"
            ).format(clause_digits=CLAUSE_DIGITS, clause_text=shown(clause_text))
            found.append(("clause", message))
        flags = _NO_FLAGS
        if flags_text := flags_text.strip():
            flags, unknown_flags = values.flags(flags_text)
            for word in unknown_flags:
                hint = suggest_word(word, FLAGS, chinese_names(FLAG_WORDS, FLAGS))
                message = _("unknown flag {word!r}{hint}").format(word=word, hint=hint)
                found.append(("flags", message))

        if kind is not None:
            if kind in VALUE_MEANING and (value is not None or not value_text):
                problem = value_problem(kind, value_text, value)
                if problem:
                    found.append(("value", problem))
            if kind in _NEEDS_CLAUSE and clause is None:
                found.append(("clause", row_needs(kind, "clause")))
            if kind is Kind.PAID_LEAVE and clause is not None:
                clause = self.leave_type(clause, found)
            if kind is Kind.OVERTIME and "holiday" in flags and "rest_day" in flags:
                message = _("an overtime row cannot be both 'holiday' and 'rest_day'")
                found.append(("flags", message))
            if kind is Kind.PROMOTION:
                note = note.strip()  # the target level, its id or title: validate resolves it
                if not note:
                    message = _(
                        "a promotion row needs a note (the target level id, e.g. team_lead)"
                    )
                    found.append(("note", message))
        return day, kind, value, clause, amount, points, flags, note, tuple(found)

    def leave_type(self, clause: str, found: list[tuple[str, str]]) -> str:
        """A paid leave's type as its id (年假 → annual); an unknown one is a problem."""
        match = LEAVE_TYPES.lookup(clause)
        if match is None:
            known = ", ".join(LEAVE_TYPES.label(word) for word in LEAVE_TYPES.names)
            message = _("unknown paid leave type {clause!r}; types: {known}").format(
                clause=clause, known=known
            )
            found.append(("clause", message))
        return match or clause

    def repeated(
        self, row: int, employee_id: str, kind: Kind, clause: str | None, first: int
    ) -> None:
        """A once-a-month row given again in this file (`once_a_month`)."""
        once = once_a_month(employee_id, kind, clause)
        assert once is not None
        _key, what, column = once
        message = _("more than one {what} row for {employee_id!r} this month (also row {first})")
        message = message.format(what=what, employee_id=employee_id, first=first)
        self.issues.append(Issue(self.file, row, column, message))
