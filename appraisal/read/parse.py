"""Read stage: the user's roster and events files → typed records and Issues.

The first stage of the pipeline (read → validate → resolve policy → evaluate → check →
seal → export). `appraisal.tables` turns a `.csv` or `.xlsx` file into `Table`s of text
cells (re-exported here: `read_table`, `read_roster_table`, `read_event_tables`);
`parse_roster` and `parse_events` turn tables into `Employee` and `Event` records;
`check_references` checks events against the roster across every events file. Kinds and
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
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from appraisal.domain.model import Employee, Event, Issue, Kind, Month, Source
from appraisal.domain.suggest import closest
from appraisal.files.input import file_sha256
from appraisal.read.tables import (
    EVENT_SHEETS,
    ROSTER_SHEET,
    Table,
    plain_header,
    read_event_tables,
    read_roster_table,
    read_table,
    rows_table,
)
from appraisal.read.vocabulary import COLUMNS, KINDS, Vocabulary
from appraisal.read.vocabulary import FLAGS as FLAG_WORDS

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_SHEETS",
    "FLAGS",
    "ROSTER_COLUMNS",
    "ROSTER_SHEET",
    "Table",
    "check_references",
    "file_sha256",
    "parse_events",
    "parse_roster",
    "read_event_tables",
    "read_roster_table",
    "read_table",
    "rows_table",
]

ROSTER_REQUIRED = ("employee_id", "name", "level")
ROSTER_COLUMNS = (*ROSTER_REQUIRED, "hire_date", "department")
EVENT_REQUIRED = ("employee_id", "date", "kind")
EVENT_COLUMNS = (*EVENT_REQUIRED, "value", "clause", "amount", "points", "flags", "note")
FLAGS = frozenset(FLAG_WORDS.names)
# Columns of a template sheet that are there for the reader's eye and are never read.
DISPLAY_ONLY = ("name", "clause_title")
EXAM_MAX = Decimal(100)
MONTH_MAX_DAYS = Decimal(31)

# Chinese keyboards and IMEs type full-width digits and punctuation (１２．５, 2026／10／09).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋／", "0123456789.-+/")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_WHOLE = re.compile(r"\d+(?:\.0*)?", re.ASCII)
# 2026-10-09, 2026/10/9 (Excel's Chinese-locale CSV), optionally with a midnight time part.
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII)
_FLAG_SEPARATORS = re.compile(r"[;,；，、]")
_KIND_IDS = tuple(kind.value for kind in Kind)
_HALF = Decimal("0.5")
_NO_FLAGS: frozenset[str] = frozenset()

_MINUTES = (Kind.LATE, Kind.EARLY_LEAVE)
_HALF_DAYS = (Kind.ABSENT, Kind.PERSONAL_LEAVE, Kind.SICK_LEAVE)
_NEEDS_CLAUSE = (Kind.CRITERION, Kind.REWARD, Kind.PENALTY, Kind.METRIC)
_ONCE_A_MONTH = (Kind.CRITERION, Kind.EXAM, Kind.TERMINATION)
# What `value` means for each kind that requires one (used in messages).
_VALUE_MEANING = {
    Kind.LATE: "minutes late",
    Kind.EARLY_LEAVE: "minutes left early",
    Kind.ABSENT: "days absent",
    Kind.PERSONAL_LEAVE: "days of leave",
    Kind.SICK_LEAVE: "days of leave",
    Kind.OVERTIME: "days worked",
    Kind.CRITERION: "1 met, 0 not met",
    Kind.EXAM: "the exam score",
    Kind.TERMINATION: "working days worked",
    Kind.METRIC: "the measured figure",
}
_CLAUSE_MEANING = {
    Kind.CRITERION: "the criterion number",
    Kind.REWARD: "the reward clause number",
    Kind.PENALTY: "the penalty clause number",
    Kind.METRIC: "the metric's name",
}


# --- cell values -------------------------------------------------------------------------


def _suggest(word: str, choices: Iterable[str], chinese: Iterable[str] = ()) -> str:
    """'; did you mean X?' from the ids and their Chinese names, or the list of ids."""
    options = sorted(choices)
    if (match := closest(word, [*options, *chinese])) is not None:
        return f"; did you mean {match!r}?"
    return f" (expected one of: {', '.join(options)})"


def _chinese(vocabulary: Vocabulary, words: Iterable[str]) -> list[str]:
    return [name for word in words for name in vocabulary.names.get(word, ())]


def _columns(
    table: Table, required: Sequence[str], known: Sequence[str], issues: list[Issue]
) -> dict[str, int]:
    """Map each known column to its position; report missing, unknown and repeated names."""
    positions: dict[str, int] = {}
    titles = table.titles or table.header
    for position, column in enumerate(table.header):
        if not column:  # a nameless column is harmless while it stays empty
            for row, cells in table.rows:
                if cells[position].strip():
                    message = f"a value in column {position + 1}, which has no name in the header"
                    issues.append(Issue(table.file, row, None, message))
                    break
        elif column in positions:
            first = positions[column]
            twice = f"columns {first + 1} and {position + 1}"
            message = f"column {column!r} appears twice ({twice})"
            if plain_header(titles[first]) != plain_header(titles[position]):
                # Two spellings of one column, such as 工号 and employee_id.
                message = (
                    f"columns {titles[first]!r} and {titles[position]!r} both mean {column!r} "
                    f"({twice}); keep one of them"
                )
            issues.append(Issue(table.file, table.header_row, column, message))
        else:
            positions[column] = position
            if column not in known:
                shown = plain_header(titles[position])  # as written: 条款内容, not clause_title
                hint = _suggest(shown, known, _chinese(COLUMNS, known))
                issues.append(
                    Issue(table.file, table.header_row, shown, f"unknown column {shown!r}{hint}")
                )
    for column in required:
        if column not in positions:
            message = f"missing required column {column!r}"
            issues.append(Issue(table.file, table.header_row, column, message))
    return {column: i for column, i in positions.items() if column in known}


class _Values:
    """Cell parsers with per-table caches: a month has few distinct dates, numbers and flags."""

    def __init__(self) -> None:
        self._numbers: dict[str, Decimal | None] = {}
        self._dates: dict[str, date | str] = {}
        self._flags: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        self._clauses: dict[str, str] = {}
        self._kinds: dict[str, Kind | None] = {}

    def number(self, text: str) -> Decimal | None:
        """A finite decimal, or None for anything else (NaN, Infinity, '5O', '1,000')."""
        if text not in self._numbers:
            ascii_text = text.translate(_FULL_WIDTH)
            valid = _NUMBER.fullmatch(ascii_text)
            self._numbers[text] = Decimal(ascii_text) if valid else None
        return self._numbers[text]

    def date(self, text: str) -> date | str:
        """A date, or the message saying why the text is not one."""
        if text not in self._dates:
            match = _DATE.fullmatch(text.translate(_FULL_WIDTH))
            result: date | str = f"not a date: {text!r} (expected YYYY-MM-DD)"
            if match:
                year, month, day = int(match[1]), int(match[3]), int(match[4])
                try:
                    result = date(year, month, day)
                except ValueError:
                    result = f"not a date: {text!r} (no such day)"
            self._dates[text] = result
        return self._dates[text]

    def flags(self, text: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """(known flags, unknown words) of a `;`-separated list: serious;严重;节假日 holiday."""
        if text not in self._flags:
            words = {w.strip() for w in _FLAG_SEPARATORS.split(text)} - {""}
            named = {word: FLAG_WORDS.lookup(word) for word in words}
            known = frozenset(flag for flag in named.values() if flag is not None)
            unknown = {word.lower() for word, flag in named.items() if flag is None}
            self._flags[text] = (known, tuple(sorted(unknown)))
        return self._flags[text]

    def kind(self, text: str) -> Kind | None:
        """The kind a cell names: late, LATE, 迟到 or 迟到 late."""
        if text not in self._kinds:
            word = KINDS.lookup(text)
            self._kinds[text] = Kind(word) if word is not None else None
        return self._kinds[text]

    def clause(self, text: str) -> str:
        """'11', ' 11 ', '11.0' and '１１' are clause '11'; other text (metric names) as is."""
        if text not in self._clauses:
            ascii_text = text.translate(_FULL_WIDTH)
            whole = _WHOLE.fullmatch(ascii_text)
            self._clauses[text] = str(int(ascii_text.split(".")[0])) if whole else text
        return self._clauses[text]


def _cell(cells: tuple[str, ...], position: int | None) -> str:
    return cells[position].strip() if position is not None else ""


def _a(kind: Kind) -> str:
    return f"an {kind.value}" if kind.value[0] in "aeiou" else f"a {kind.value}"


# --- roster ------------------------------------------------------------------------------


def parse_roster(table: Table) -> tuple[list[Employee], list[Issue]]:
    """Employees of the roster (名册). Levels are checked against the policy later."""
    issues: list[Issue] = []
    columns = _columns(table, ROSTER_REQUIRED, ROSTER_COLUMNS, issues)
    complete = all(column in columns for column in ROSTER_REQUIRED)
    at = {column: columns.get(column) for column in ROSTER_COLUMNS}
    values = _Values()
    first_row: dict[str, int] = {}
    employees: list[Employee] = []
    for row, cells in table.rows:
        before = len(issues)
        for column in ROSTER_REQUIRED:
            if at[column] is not None and not _cell(cells, at[column]):
                issues.append(Issue(table.file, row, column, "required value is missing"))
        employee_id = _cell(cells, at["employee_id"])
        if employee_id in first_row:
            message = f"duplicate employee_id {employee_id!r} (also row {first_row[employee_id]})"
            issues.append(Issue(table.file, row, "employee_id", message))
        elif employee_id:
            first_row[employee_id] = row
        hire_text = _cell(cells, at["hire_date"])
        hire_date = values.date(hire_text) if hire_text else None
        if isinstance(hire_date, str):
            issues.append(Issue(table.file, row, "hire_date", hire_date))
        if complete and len(issues) == before and not isinstance(hire_date, str):
            employees.append(
                Employee(
                    employee_id=employee_id,
                    name=_cell(cells, at["name"]),
                    level=_cell(cells, at["level"]),
                    source=Source(table.name, row),
                    hire_date=hire_date,
                    department=_cell(cells, at["department"]),
                )
            )
    return employees, issues


# --- events ------------------------------------------------------------------------------


def parse_events(table: Table, month: Month) -> tuple[list[Event], list[Issue]]:
    """The month's events, with every check that does not need the policy."""
    issues: list[Issue] = []
    known = (*EVENT_COLUMNS, *DISPLAY_ONLY) if table.template else EVENT_COLUMNS
    columns = _columns(table, EVENT_REQUIRED, known, issues)
    rows = _filled(table, columns) if table.template else table.rows
    events = _EventRows(table, month, columns, issues).parse(rows)
    return events, issues


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
    values = _Values()
    return [
        (row, cells)
        for row, cells in table.rows
        if values.kind(cells[kind_at].strip()) not in _PREFILLED
        or any(cells[at].strip() for at in fillable)
    ]


class _EventRows:
    """Parses the event rows of one table: the hot loop of a 100,000-row month.

    Dates, numbers, flags and value checks repeat a lot within a month, so each distinct
    cell text is parsed once.
    """

    def __init__(
        self, table: Table, month: Month, columns: Mapping[str, int], issues: list[Issue]
    ) -> None:
        self.file, self.name, self.month, self.issues = table.file, table.name, month, issues
        self.complete = all(column in columns for column in EVENT_REQUIRED)
        # A column the table lacks reads as the empty cell appended to every row.
        absent = len(table.header)
        self.pick = operator.itemgetter(*(columns.get(c, absent) for c in EVENT_COLUMNS))
        self.required = [column for column in EVENT_REQUIRED if column in columns]
        self.values = _Values()
        self.dates: dict[str, date | str] = {}  # a date in the month, or why not
        self.problems: dict[tuple[Kind, str], str | None] = {}  # what is wrong with a value
        self.once: dict[tuple[str, Kind, str], int] = {}  # one exam, termination, criterion N

    def issue(self, row: int, column: str | None, message: str) -> None:
        self.issues.append(Issue(self.file, row, column, message))

    def number(self, row: int, column: str, text: str) -> Decimal | None:
        number = self.values.number(text)
        if number is None:
            self.issue(row, column, f"not a number: {text!r}")
        return number

    def date(self, text: str) -> date | str:
        if text not in self.dates:
            day = self.values.date(text)
            if isinstance(day, date) and not self.month.contains(day):
                day = f"date {day} is outside the month {self.month}"
            self.dates[text] = day
        return self.dates[text]

    def parse(self, rows: Iterable[tuple[int, tuple[str, ...]]]) -> list[Event]:
        events: list[Event] = []
        issues, issue, number, pick, name = (
            self.issues,
            self.issue,
            self.number,
            self.pick,
            self.name,
        )
        dates, problems, values = self.dates, self.problems, self.values
        for row, cells in rows:
            before = len(issues)
            (
                employee_id, date_text, kind_text, value_text, clause_text,
                amount_text, points_text, flags_text, note,
            ) = pick((*cells, ""))  # fmt: skip
            employee_id = employee_id.strip()
            date_text = date_text.strip()
            kind_text = kind_text.strip()
            if not (employee_id and date_text and kind_text):
                self.report_missing(row, employee_id, date_text, kind_text)

            day = None
            if date_text:
                day = dates[date_text] if date_text in dates else self.date(date_text)
            if isinstance(day, str):
                issue(row, "date", day)
            kind = values.kind(kind_text) if kind_text else None
            if kind is None and kind_text:
                hint = _suggest(kind_text.lower(), _KIND_IDS, _chinese(KINDS, _KIND_IDS))
                issue(row, "kind", f"unknown kind {kind_text!r}{hint}")

            value_text = value_text.strip()
            amount_text = amount_text.strip()
            points_text = points_text.strip()
            value = number(row, "value", value_text) if value_text else None
            amount = number(row, "amount", amount_text) if amount_text else None
            points = number(row, "points", points_text) if points_text else None
            if amount is not None and amount < 0:
                issue(row, "amount", f"amount must not be negative, got {amount_text!r}")
            clause_text = clause_text.strip()
            clause = values.clause(clause_text) if clause_text else None
            flags = _NO_FLAGS
            if flags_text := flags_text.strip():
                flags, unknown_flags = values.flags(flags_text)
                for word in unknown_flags:
                    hint = _suggest(word, FLAGS, _chinese(FLAG_WORDS, FLAGS))
                    issue(row, "flags", f"unknown flag {word!r}{hint}")

            if kind is not None:
                if kind in _VALUE_MEANING and (value is not None or not value_text):
                    key = (kind, value_text)
                    problem = problems[key] if key in problems else self.value_problem(*key, value)
                    if problem:
                        issue(row, "value", problem)
                if kind in _NEEDS_CLAUSE and clause is None:
                    message = f"{_a(kind)} row needs a clause ({_CLAUSE_MEANING[kind]})"
                    issue(row, "clause", message)
                if kind is Kind.OVERTIME and "holiday" in flags and "rest_day" in flags:
                    issue(row, "flags", "an overtime row cannot be both 'holiday' and 'rest_day'")
                if kind is Kind.PROMOTION:
                    note = note.strip()  # the target level id, compared with the policy's ids
                    if not note:
                        message = "a promotion row needs a note (the target level id, "
                        issue(row, "note", message + "e.g. team_lead)")
                if employee_id and kind in _ONCE_A_MONTH:  # cheap test first: most rows are not
                    self.check_once(row, employee_id, kind, clause)

            if len(issues) == before and kind is not None and isinstance(day, date):
                events.append(
                    Event(
                        employee_id=employee_id,
                        date=day,
                        kind=kind,
                        source=Source(name, row),
                        value=value,
                        clause=clause,
                        amount=amount,
                        points=points,
                        flags=flags,
                        note=note,
                    )
                )
        return events if self.complete else []

    def report_missing(self, row: int, employee_id: str, date_text: str, kind_text: str) -> None:
        # A column missing from the header is reported once, there, not on every row.
        texts = (employee_id, date_text, kind_text)
        for column, text in zip(EVENT_REQUIRED, texts, strict=True):
            if not text and column in self.required:
                self.issue(row, column, "required value is missing")

    def value_problem(self, kind: Kind, value_text: str, value: Decimal | None) -> str | None:
        """What is wrong with a row's value for its kind (interface.md), or None."""
        meaning = _VALUE_MEANING[kind]
        problem = None
        if value is None:
            problem = f"{_a(kind)} row needs a value ({meaning})"
        elif kind in _MINUTES or kind is Kind.OVERTIME:
            if value <= 0:
                problem = f"{meaning} must be more than 0, got {value_text!r}"
        elif kind in _HALF_DAYS:
            if value <= 0 or value % _HALF != 0:
                problem = f"{meaning} must be a positive multiple of 0.5, got {value_text!r}"
        elif kind is Kind.CRITERION:
            if value not in (0, 1):
                problem = f"a criterion value must be 1 (met) or 0 (not met), got {value_text!r}"
        elif kind is Kind.EXAM:
            if not 0 <= value <= EXAM_MAX:
                problem = f"the exam score must be between 0 and 100, got {value_text!r}"
        elif kind is Kind.TERMINATION and not 0 <= value <= MONTH_MAX_DAYS:
            problem = f"working days worked must be between 0 and 31, got {value_text!r}"
        self.problems[kind, value_text] = problem
        return problem

    def check_once(self, row: int, employee_id: str, kind: Kind, clause: str | None) -> None:
        once = _once_a_month(employee_id, kind, clause)
        if once is not None:
            key, what, column = once
            first = self.once.setdefault(key, row)
            if first != row:
                message = f"more than one {what} row for {employee_id!r} this month"
                self.issue(row, column, f"{message} (also row {first})")


def _once_a_month(
    employee_id: str, kind: Kind, clause: str | None
) -> tuple[tuple[str, Kind, str], str, str] | None:
    """(key, what, column) of a row an employee may have once a month: an exam, a
    termination, each criterion."""
    if kind is Kind.CRITERION and clause is not None:
        return (employee_id, kind, clause), f"criterion {clause}", "clause"
    if kind is Kind.EXAM or kind is Kind.TERMINATION:
        return (employee_id, kind, ""), kind.value, "kind"
    return None


# --- across files ------------------------------------------------------------------------


def check_references(
    roster: Sequence[Employee], events: Sequence[Event], tables: Iterable[Table] = ()
) -> list[Issue]:
    """Events whose employee is not in the roster, and once-a-month rows repeated across files.

    ``tables`` are the events tables the events came from: an Issue names the file as the
    user gave it (``Table.file``), while an Event's source holds its name (``Table.name``).
    Repeats inside one file are reported by `parse_events`; this adds the ones between files.
    """
    issues: list[Issue] = []
    paths: dict[str, str] = {}
    for table in tables:
        if paths.setdefault(table.name, table.file) != table.file:
            message = (
                f"two events files are named {table.name!r} ({paths[table.name]} and "
                f"{table.file}); rename one, so the audit trail can tell their rows apart"
            )
            issues.append(Issue(table.file, None, None, message))
    known = {employee.employee_id for employee in roster}
    hints: dict[str, str] = {}
    first: dict[tuple[str, Kind, str], Source] = {}
    for event in events:
        source = event.source
        file = paths.get(source.file, source.file)
        if event.employee_id not in known:
            if event.employee_id not in hints:
                hints[event.employee_id] = _close_id(event.employee_id, known)
            message = f"unknown employee {event.employee_id!r}: not in the roster"
            issues.append(
                Issue(file, source.row, "employee_id", message + hints[event.employee_id])
            )
        once = _once_a_month(event.employee_id, event.kind, event.clause)
        if once is None:
            continue
        key, what, column = once
        earlier = first.setdefault(key, source)
        if earlier.file != source.file:
            message = (
                f"more than one {what} row for {event.employee_id!r} this month "
                f"(also row {earlier.row} of {paths.get(earlier.file, earlier.file)})"
            )
            issues.append(Issue(file, source.row, column, message))
    return issues


def _close_id(employee_id: str, known: set[str]) -> str:
    match = closest(employee_id, known)
    return f"; did you mean {match!r}?" if match else ""
