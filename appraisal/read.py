"""Read stage: the user's roster and events files → typed records and Issues.

The first stage of the pipeline (read → validate → resolve policy → evaluate → check →
seal → export). `read_table` turns a `.csv` or `.xlsx` file into a `Table` of text
cells; `parse_roster` and `parse_events` turn tables into `Employee` and `Event`
records; `check_references` checks events against the roster across every events file.
Nothing here raises for bad input: each problem becomes an `Issue` (printed as
``file:row:column: message``) and every stage carries on, so one run shows them all.
A row with any issue yields no record. Checks that need the policy (levels, clause
ranges, amounts in range) belong to later stages.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import operator
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from appraisal.model import Employee, Event, Issue, Kind, Month, Source

__all__ = [
    "EVENT_COLUMNS",
    "FLAGS",
    "ROSTER_COLUMNS",
    "Table",
    "check_references",
    "file_sha256",
    "parse_events",
    "parse_roster",
    "read_table",
    "rows_table",
]

ROSTER_REQUIRED = ("employee_id", "name", "level")
ROSTER_COLUMNS = (*ROSTER_REQUIRED, "hire_date", "department")
EVENT_REQUIRED = ("employee_id", "date", "kind")
EVENT_COLUMNS = (*EVENT_REQUIRED, "value", "clause", "amount", "points", "flags", "note")
FLAGS = frozenset(
    {"serious", "excused", "holiday", "rest_day", "comp_time", "self_caused", "approved"}
)
EXAM_MAX = Decimal(100)
MONTH_MAX_DAYS = Decimal(31)
SAVE_AS_UTF8 = 'in Excel, use Save As and choose "CSV UTF-8 (Comma delimited) (*.csv)"'

# Chinese keyboards and IMEs type full-width digits and punctuation (１２．５, 2026／10／09).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋／", "0123456789.-+/")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_WHOLE = re.compile(r"\d+(?:\.0*)?", re.ASCII)
# 2026-10-09, 2026/10/9 (Excel's Chinese-locale CSV), optionally with a midnight time part.
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII)
_FLAG_SEPARATORS = re.compile(r"[;,；，、]")
_KINDS = {kind.value: kind for kind in Kind}
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


@dataclass(frozen=True)
class Table:
    """A file's cells as text, before any meaning is given to them.

    Every row has exactly ``len(header)`` cells; ``rows`` holds (row number in the file,
    cells), header = ``header_row`` (row 1 unless blank rows come first).
    """

    file: str
    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_row: int = 1


# --- reading files ------------------------------------------------------------------------


def read_table(path: str | Path) -> tuple[Table | None, list[Issue]]:
    """Read a `.csv` (UTF-8, with or without BOM) or the first sheet of an `.xlsx`."""
    file = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        shown = repr(Path(path).suffix) if suffix else "(no extension)"
        return None, [Issue(file, None, None, f"unsupported file type {shown} (.csv or .xlsx)")]
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Issue(file, None, None, "file not found")]
    except IsADirectoryError:
        return None, [Issue(file, None, None, "is a directory, not a file")]
    except OSError as exc:
        return None, [Issue(file, None, None, f"cannot read the file: {exc.strerror}")]
    name = Path(path).name
    if suffix == ".csv":
        return _read_csv(file, name, data)
    return _read_xlsx(file, name, data)


# The first bytes of files that are not text, and what each looks like.
_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook or another zip archive",
    b"\xd0\xcf\x11\xe0": "an old .xls workbook or a password-protected workbook",
    b"\xff\xfe": "UTF-16 text, Excel's 'Unicode Text'",
    b"\xfe\xff": "UTF-16 text, Excel's 'Unicode Text'",
    b"%PDF": "a PDF document",
}


def _looks_like(data: bytes) -> str | None:
    """What a file that is not CSV text looks like, or None when it may be CSV text."""
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            return what
    return "a binary file" if b"\x00" in data else None


def _read_csv(file: str, name: str, data: bytes) -> tuple[Table | None, list[Issue]]:
    if looks_like := _looks_like(data):
        return None, [Issue(file, None, None, f"not a CSV file (looks like {looks_like})")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
            guess = "it looks like GBK/GB18030, the Chinese Windows encoding; "
        except UnicodeDecodeError:
            guess = ""
        message = f"not UTF-8 text ({guess}first bad byte on line {line}): {SAVE_AS_UTF8}"
        return None, [Issue(file, None, None, message)]

    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ","
    if "," not in first_line:  # Excel in some locales separates with ';', "Text" with tabs
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    issues: list[Issue] = []
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, fields in enumerate(reader, start=1):
            if not "".join(fields).strip():
                continue
            if header is None:
                header, header_row = fields, number
            elif len(fields) != len(header):
                message = f"row has {len(fields)} fields, the header has {len(header)}"
                issues.append(Issue(file, number, None, message))
            else:
                rows.append((number, tuple(fields)))
    except csv.Error as exc:
        issues.append(Issue(file, reader.line_num, None, f"cannot read as CSV: {exc}"))
    if header is None:
        return None, [*issues, Issue(file, None, None, "the file is empty (no header row)")]
    return _table(file, name, header, rows, header_row), issues


def _read_xlsx(file: str, name: str, data: bytes) -> tuple[Table | None, list[Issue]]:
    if not data.startswith(b"PK\x03\x04"):
        looks_like = _looks_like(data) or "a text file, perhaps a CSV renamed .xlsx"
        message = f"not an Excel workbook (looks like {looks_like})"
        return None, [Issue(file, None, None, message)]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, ParseError):
        message = "not an Excel workbook (a zip archive without a readable workbook in it)"
        return None, [Issue(file, None, None, message)]
    issues: list[Issue] = []
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        if not workbook.worksheets:
            return None, [Issue(file, None, None, "the workbook has no worksheet")]
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a stale stored size would cut columns off or pad rows
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not "".join(cells).strip():
                continue
            if header is None:
                while cells and not cells[-1].strip():
                    cells.pop()
                header, header_row = cells, number
                continue
            width = len(header)
            extra = next((i for i in range(width, len(cells)) if cells[i].strip()), None)
            if extra is not None:
                message = f"a value in column {extra + 1}, which has no name in the header"
                issues.append(Issue(file, number, None, message))
            cells = cells[:width] + [""] * (width - len(cells))
            rows.append((number, tuple(cells)))
    except (KeyError, ValueError, ParseError):
        issues.append(Issue(file, None, None, "the first worksheet cannot be read"))
    finally:
        workbook.close()
    if header is None:
        return None, [*issues, Issue(file, None, None, "the first worksheet is empty (no header)")]
    return _table(file, name, header, rows, header_row), issues


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 45.98, not 45.97999…
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _header_name(text: str) -> str:
    name = text.strip().lstrip("\ufeff").strip()
    return name.lower() if name.isascii() else name


def _table(
    file: str,
    name: str,
    header: Sequence[str],
    rows: list[tuple[int, tuple[str, ...]]],
    header_row: int,
) -> Table:
    return Table(file, name, tuple(_header_name(h) for h in header), tuple(rows), header_row)


def rows_table(name: str, rows: Sequence[Mapping[str, object]]) -> Table:
    """A Table from dicts (the Python API and tests); row numbers start at 2, as in a file."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    cells = tuple(
        (number, tuple(_cell_text(row.get(key)) for key in keys))
        for number, row in enumerate(rows, start=2)
    )
    return Table(name, Path(name).name, tuple(_header_name(str(k)) for k in keys), cells)


def file_sha256(path: str | Path) -> str:
    """The hex SHA-256 of a file's bytes, recorded with a sealed month."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- cell values -------------------------------------------------------------------------


def _suggest(word: str, choices: Iterable[str]) -> str:
    options = sorted(choices)
    match = difflib.get_close_matches(word, options, n=1)
    if match:
        return f"; did you mean {match[0]!r}?"
    return f" (expected one of: {', '.join(options)})"


def _columns(
    table: Table, required: Sequence[str], known: Sequence[str], issues: list[Issue]
) -> dict[str, int]:
    """Map each known column to its position; report missing, unknown and repeated names."""
    positions: dict[str, int] = {}
    for position, column in enumerate(table.header):
        if not column:  # a nameless column is harmless while it stays empty
            for row, cells in table.rows:
                if cells[position].strip():
                    message = f"a value in column {position + 1}, which has no name in the header"
                    issues.append(Issue(table.file, row, None, message))
                    break
        elif column in positions:
            twice = f"columns {positions[column] + 1} and {position + 1}"
            message = f"column {column!r} appears twice ({twice})"
            issues.append(Issue(table.file, table.header_row, column, message))
        else:
            positions[column] = position
            if column not in known:
                message = f"unknown column {column!r}{_suggest(column, known)}"
                issues.append(Issue(table.file, table.header_row, column, message))
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
        """(known flags, unknown words) of a `;`-separated list."""
        if text not in self._flags:
            words = {w.strip().lower() for w in _FLAG_SEPARATORS.split(text)} - {""}
            self._flags[text] = (frozenset(words & FLAGS), tuple(sorted(words - FLAGS)))
        return self._flags[text]

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
    columns = _columns(table, EVENT_REQUIRED, EVENT_COLUMNS, issues)
    events = _EventRows(table, month, columns, issues).parse(table.rows)
    return events, issues


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
            kind = _KINDS.get(kind_text.lower()) if kind_text else None
            if kind is None and kind_text:
                issue(
                    row, "kind", f"unknown kind {kind_text!r}{_suggest(kind_text.lower(), _KINDS)}"
                )

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
                    issue(row, "flags", f"unknown flag {word!r}{_suggest(word, FLAGS)}")

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
    match = difflib.get_close_matches(employee_id, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {match[0]!r}?" if match else ""
