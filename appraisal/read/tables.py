"""Read stage, first half: the user's files → `Table`s of text cells.

The first stage of the pipeline (read → validate → resolve policy → evaluate → check →
seal → export) starts here. A `.csv` (UTF-8, with or without BOM) or an `.xlsx` becomes
a `Table`: its header turned into column ids (``工号`` or ``工号 employee_id`` read as
``employee_id``, `appraisal.vocabulary`) and its rows as the text a CSV cell would hold.
The managers' workbook (`payroll_export.template`) is told apart by its sheet names and
read sheet by sheet: 名册 as the roster, 考勤 and 考评 as two events tables named
``input.xlsx[考勤]`` and ``input.xlsx[考评]``. `appraisal.read` then gives the cells their
meaning. A file that cannot be read is an `Issue`, never an exception.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from appraisal.domain.model import Issue
from appraisal.domain.text import from_csv_cell
from appraisal.files.csvtext import csv_records, first_line_of
from appraisal.files.input import InputFile, read_input
from appraisal.i18n import N_, _
from appraisal.read.vocabulary import COLUMNS

__all__ = [
    "EVENT_SHEETS",
    "ROSTER_SHEET",
    "SAVE_AS_UTF8",
    "Table",
    "UnreadableSheet",
    "plain_header",
    "read_event_tables",
    "read_roster_table",
    "read_table",
    "rows_table",
    "sheet_rows",
    "unreadable_workbook",
]

SAVE_AS_UTF8 = N_('in Excel, use Save As and choose "CSV UTF-8 (Comma delimited) (*.csv)"')
# The sheets of the managers' workbook (payroll_export.template) that hold the inputs.
ROSTER_SHEET = "名册"
EVENT_SHEETS = ("考勤", "考评")


@dataclass(frozen=True)
class Table:
    """A file's cells as text, before any meaning is given to them.

    Every row has exactly ``len(header)`` cells; ``rows`` holds (row number in the file,
    cells), header = ``header_row`` (row 1 unless blank rows come first). ``header`` holds
    the column ids (``工号`` and ``工号 employee_id`` read as ``employee_id``), ``titles``
    the header cells as written, for messages. A ``template`` table is a sheet of the
    managers' workbook: its display-only columns and unfilled prefilled rows are skipped.
    """

    file: str
    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_row: int = 1
    titles: tuple[str, ...] = field(default=(), compare=False)
    template: bool = False


def read_table(path: str | Path | InputFile) -> tuple[Table | None, list[Issue]]:
    """Read a `.csv` (UTF-8, with or without BOM) or the first sheet of an `.xlsx`."""
    tables, issues = _read(path, ())
    return (tables[0] if tables else None), issues


def read_roster_table(path: str | Path | InputFile) -> tuple[Table | None, list[Issue]]:
    """A roster file as `read_table` reads it; the managers' workbook from its 名册 sheet."""
    tables, issues = _read(path, (ROSTER_SHEET,))
    return (tables[0] if tables else None), issues


def read_event_tables(path: str | Path | InputFile) -> tuple[list[Table], list[Issue]]:
    """An events file as `read_table` reads it; the managers' workbook from its 考勤 and 考评
    sheets, one table each, named ``input.xlsx[考评]`` so that a row reads
    ``input.xlsx[考评]:12`` in the audit trail and in messages."""
    return _read(path, EVENT_SHEETS)


def _read(path: str | Path | InputFile, sheets: Sequence[str]) -> tuple[list[Table], list[Issue]]:
    """The tables of a file: ``sheets`` of an .xlsx that has any of them, else its first."""
    file = path.path if isinstance(path, InputFile) else str(path)
    suffix = Path(file).suffix.lower()
    given, issues = read_input(path)  # first: a FIFO, a device or a folder says so
    if given is None:
        return [], issues
    if suffix not in (".csv", ".xlsx"):
        shown = repr(Path(file).suffix) if suffix else _("(no extension)")
        return [], [
            Issue(
                file,
                None,
                None,
                _("unsupported file type {shown} (.csv or .xlsx)").format(shown=shown),
            )
        ]
    if suffix == ".csv":
        table, issues = read_csv_table(file, given.name, given.data)
        return ([] if table is None else [table]), issues
    return _read_xlsx(file, given.name, given.data, sheets)


# The first bytes of files that are not text, and what each looks like.
_SIGNATURES = {
    b"PK\x03\x04": N_("an Excel workbook or another zip archive"),
    b"\xd0\xcf\x11\xe0": N_("an old .xls workbook or a password-protected workbook"),
    b"\xff\xfe": N_("UTF-16 text, Excel's 'Unicode Text'"),
    b"\xfe\xff": N_("UTF-16 text, Excel's 'Unicode Text'"),
    b"%PDF": N_("a PDF document"),
}


def _looks_like(data: bytes) -> str | None:
    """What a file that is not CSV text looks like, or None when it may be CSV text."""
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            return _(what)
    return _("a binary file") if b"\x00" in data else None


def read_csv_table(file: str, name: str, data: bytes) -> tuple[Table | None, list[Issue]]:
    """The table of a CSV file's bytes, and its problems (`read_table` of a .csv)."""
    if looks_like := _looks_like(data):
        return None, [
            Issue(
                file,
                None,
                None,
                _("not a CSV file (looks like {looks_like})").format(looks_like=looks_like),
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
            message = _(
                "not UTF-8 text (it looks like GBK/GB18030, the Chinese Windows encoding; "
                "first bad byte on line {line}): {save_as}"
            )
        except UnicodeDecodeError:
            message = _("not UTF-8 text (first bad byte on line {line}): {save_as}")
        message = message.format(line=line, save_as=_(SAVE_AS_UTF8))
        return None, [Issue(file, None, None, message)]

    first_line = first_line_of(text)
    delimiter = ","
    if "," not in first_line:  # Excel in some locales separates with ';', "Text" with tabs
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    records, problem = csv_records(text, delimiter)
    # A cell we wrote with a quote before a formula's first character reads as written
    # (`appraisal.domain.text.csv_cell`); a file without a quote skips the work.
    unquote = "'" in text
    issues: list[Issue] = []
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    width = -1  # the header's, once read
    for number, fields in records:
        # The hot loop of a large file: a row whose width is the header's and whose first
        # cell is not blank (nearly every row) is taken as it is, without more tests.
        if len(fields) == width and fields[0] and not fields[0].isspace() and not unquote:
            rows.append((number, tuple(fields)))
            continue
        joined = "".join(fields)
        if not joined.strip():
            continue
        if header is None:
            header, header_row, width = fields, number, len(fields)
        elif len(fields) != len(header):
            message = f"row has {len(fields)} fields, the header has {len(header)}"
            issues.append(Issue(file, number, None, message))
        elif unquote and "'" in joined:
            rows.append((number, tuple(map(from_csv_cell, fields))))
        else:
            rows.append((number, tuple(fields)))
    if problem is not None:
        line, column, message = problem
        named = header[column] if header and column is not None and column < len(header) else None
        issues.append(Issue(file, line, named and plain_header(named), message))
    if header is None:
        return None, [*issues, Issue(file, None, None, _("the file is empty (no header row)"))]
    return _table(file, name, header, rows, header_row), issues


def _read_xlsx(
    file: str, name: str, data: bytes, sheets: Sequence[str]
) -> tuple[list[Table], list[Issue]]:
    # openpyxl (and the xlsx checks, which name its errors) only for a workbook: a month
    # of CSV files is read without it (about 50 ms at start-up).
    import openpyxl

    from appraisal.files.zipcheck import XLSX_ERRORS, xlsx_problem

    if not data.startswith(b"PK\x03\x04"):
        looks_like = _looks_like(data) or _("a text file, perhaps a CSV renamed .xlsx")
        message = _("not an Excel workbook (looks like {looks_like})").format(looks_like=looks_like)
        return [], [Issue(file, None, None, message)]
    if problem := xlsx_problem(data):
        return [], [
            Issue(
                file,
                None,
                None,
                _("not a readable Excel workbook: {problem}").format(problem=problem),
            )
        ]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        return [], [Issue(file, None, None, unreadable_workbook(error))]
    try:
        if not workbook.worksheets:
            return [], [Issue(file, None, None, _("the workbook has no worksheet"))]
        # The managers' workbook is told apart by its sheet names; any other workbook is
        # read from its first sheet, as it always was.
        by_title = {worksheet.title: worksheet for worksheet in workbook.worksheets}
        chosen = [sheet for sheet in sheets if sheet in by_title]
        if not chosen:
            table, issues = _read_sheet(
                file, name, workbook.worksheets[0], _("the first worksheet")
            )
            return ([] if table is None else [table]), issues
        tables: list[Table] = []
        issues = []
        for sheet in chosen:
            table, found = _read_sheet(
                f"{file}[{sheet}]",
                f"{name}[{sheet}]",
                by_title[sheet],
                _("the sheet {sheet}").format(sheet=sheet),
            )
            issues += found
            if table is not None:
                tables.append(dataclasses.replace(table, template=True))
        return tables, issues
    finally:
        workbook.close()


def _read_sheet(file: str, name: str, sheet: Any, what: str) -> tuple[Table | None, list[Issue]]:
    """One worksheet as a table; ``what`` names it in messages ("the first worksheet")."""
    issues: list[Issue] = []
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for number, values in sheet_rows(sheet):
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
                message = _("a value in column {extra}, which has no name in the header").format(
                    extra=extra + 1
                )
                issues.append(Issue(file, number, None, message))
            cells = cells[:width] + [""] * (width - len(cells))
            rows.append((number, tuple(cells)))
    except UnreadableSheet as error:
        issues.append(
            Issue(
                file,
                error.row,
                error.cell,
                _("{what} cannot be read: {error}").format(what=what, error=error),
            )
        )
    if header is None:
        return None, [
            *issues,
            Issue(file, None, None, _("{what} is empty (no header)").format(what=what)),
        ]
    return _table(file, name, header, rows, header_row), issues


class UnreadableSheet(Exception):
    """A worksheet that breaks while its rows are read; ``row`` and ``cell`` say where."""

    def __init__(self, message: str, row: int | None = None, cell: str | None = None) -> None:
        super().__init__(message)
        self.row, self.cell = row, cell


def unreadable_workbook(error: Exception) -> str:
    """The message for a workbook openpyxl cannot open (`XLSX_ERRORS`)."""

    return _(
        "not an Excel workbook (a zip archive without a readable workbook in it: {error})"
    ).format(error=_library_error(error))


def _library_error(error: Exception) -> str:
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[object, ...]]]:
    """A read-only openpyxl worksheet's rows (number, values), row 1 first.

    What openpyxl raises on a malformed sheet becomes `UnreadableSheet` naming the row
    after the last one read; a row past `MAX_ROWS` or a cell past `MAX_COLUMNS` stops
    the reading (openpyxl pads each row out to its last cell, and yields every missing
    row between two far apart).
    """
    from openpyxl.utils import get_column_letter

    from appraisal.files.zipcheck import MAX_COLUMNS, MAX_ROWS, XLSX_ERRORS

    number = 0
    try:
        sheet.reset_dimensions()  # a stale stored size would cut columns off or pad rows
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise UnreadableSheet(
                    _("more than {max_rows:,} rows (MAX_ROWS)").format(max_rows=MAX_ROWS), number
                )
            if len(values) > MAX_COLUMNS:
                cell = f"{get_column_letter(MAX_COLUMNS)}{number}"
                message = _("a cell past column {max_columns:,} (MAX_COLUMNS)").format(
                    max_columns=MAX_COLUMNS
                )
                raise UnreadableSheet(message, number, cell)
            yield number, values
    except XLSX_ERRORS as error:
        raise UnreadableSheet(_library_error(error), number + 1) from error


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


def plain_header(text: str) -> str:
    """A header as written, trimmed; English lower-cased (``Employee_ID `` → employee_id)."""
    name = text.strip().lstrip("\ufeff").strip()
    return name.lower() if name.isascii() else name


def _header_name(text: str) -> str:
    """The column id a header names in English, Chinese or both (appraisal.vocabulary)."""
    return COLUMNS.lookup(text) or plain_header(text)


def _table(
    file: str,
    name: str,
    header: Sequence[str],
    rows: list[tuple[int, tuple[str, ...]]],
    header_row: int,
) -> Table:
    columns = tuple(_header_name(h) for h in header)
    return Table(file, name, columns, tuple(rows), header_row, tuple(h.strip() for h in header))


def rows_table(name: str, rows: Sequence[Mapping[str, object]]) -> Table:
    """A Table from dicts (the Python API and tests); row numbers start at 2, as in a file."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    cells = [
        (number, tuple(_cell_text(row.get(key)) for key in keys))
        for number, row in enumerate(rows, start=2)
    ]
    return _table(name, Path(name).name, [str(key) for key in keys], cells, 1)
