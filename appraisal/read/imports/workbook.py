"""Opening an export and streaming its sheets' rows as plain values.

The file layer of `appraisal.imports`. `open_book` checks that a file is what its
extension says and opens it; `Book.rows` yields each row of a sheet from row 1 as a
sequence of cell values (str, int, float, datetime, time or None), rows of any length.
`.xlsx` is read with openpyxl in read-only mode (values only, streamed, so a
62,000-row month never sits in memory as cell objects); when python-calamine is
installed it reads `.xlsx` faster and `.xls` as well. A `.csv` is one sheet.

An `.xlsx` is checked before either library sees it (`appraisal.files.zipcheck`: a zip
bomb, a sheet too big). A file that is malformed in a way only its rows show (a sheet's
XML cut short, a shared string that is not there) stops the import as it is met:
`Book.rows` raises `InputError` naming the file and the sheet and cell, never the
library's own exception.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from appraisal.domain.errors import InputError
from appraisal.domain.model import Issue
from appraisal.files.csvtext import CsvProblem, careful_records
from appraisal.files.input import InputFile, read_input
from appraisal.i18n import N_, _
from appraisal.read.tables import UnreadableSheet, sheet_rows, unreadable_workbook

__all__ = ["Book", "cell_name", "open_book"]

Row = Sequence[object]

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # .xls, or an .xlsx with a password
_SIGNATURES = {
    _ZIP: N_("an Excel workbook or another zip archive"),
    _OLE: N_("an old .xls workbook or a password-protected workbook"),
    b"%PDF": N_("a PDF document"),
    b"\xff\xfe": N_("UTF-16 text"),
    b"\xfe\xff": N_("UTF-16 text"),
}
_SAVE_AS = N_("open it in Excel and save it as .xlsx")


def cell_name(row: int, column: int) -> str:
    """``cell_name(12, 2)`` → ``C12`` (row 1-based as in the sheet, column 0-based)."""
    return f"{_column_letter(column + 1)}{row}"


@cache
def _column_letter(index: int) -> str:
    # openpyxl is imported when a workbook is read or a cell named, not to read a CSV.
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class Book:
    """An open export: its sheet names and a stream of each sheet's rows."""

    def __init__(self, sheet_names: list[str]) -> None:
        self.sheet_names = sheet_names

    def rows(self, sheet: str) -> Iterator[Row]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _OpenpyxlBook(Book):
    def __init__(self, file: str, workbook: Any) -> None:
        super().__init__(list(workbook.sheetnames))
        self._file = file
        self._workbook = workbook

    def rows(self, sheet: str) -> Iterator[Row]:
        # Rows come as tuples of values; gaps between stored rows come as empty rows.
        try:
            for _0, values in sheet_rows(self._workbook[sheet]):
                yield values
        except UnreadableSheet as error:
            where = f"{sheet}!{error.cell or f'A{error.row}'}" if error.row else sheet
            message = _("the sheet {sheet} cannot be read: {error}").format(
                sheet=sheet, error=error
            )
            raise InputError([Issue(self._file, None, where, message)], what="export") from None

    def close(self) -> None:
        self._workbook.close()


class _CalamineBook(Book):
    def __init__(self, file: str, workbook: Any) -> None:
        super().__init__(list(workbook.sheet_names))
        self._file = file
        self._workbook = workbook
        self._sheets: dict[str, Any] = {}  # calamine reads a whole sheet at once: once

    def rows(self, sheet: str) -> Iterator[Row]:
        # Calamine's rows start at the sheet's first used row and hold "" for empty cells.
        try:
            if sheet not in self._sheets:
                self._sheets[sheet] = self._workbook.get_sheet_by_name(sheet)
            data = self._sheets[sheet]
            first_row, first_column = data.start or (0, 0)
            values_of = data.iter_rows()
        except Exception as error:  # calamine raises its own types, and more, on bad XML
            raise self._unreadable(sheet, None, error) from None
        yield from ([] for _1 in range(first_row))
        lead: list[object] = [None] * first_column
        number = first_row
        while True:
            try:
                values = next(values_of, None)
            except Exception as error:  # a value calamine cannot convert
                raise self._unreadable(sheet, number + 1, error) from None
            if values is None:
                return
            number += 1
            yield [*lead, *(None if value == "" else value for value in values)]

    def _unreadable(self, sheet: str, row: int | None, error: Exception) -> InputError:
        where = f"{sheet}!A{row}" if row else sheet
        detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        message = _("the sheet {sheet} cannot be read ({error_type}: {detail})").format(
            sheet=sheet, error_type=type(error).__name__, detail=detail
        )
        return InputError([Issue(self._file, None, where, message)], what="export")

    def close(self) -> None:
        self._workbook.close()


class _CsvBook(Book):
    def __init__(self, file: str, name: str, text: str) -> None:
        super().__init__([name])
        self._file = file
        self._text = text

    def rows(self, sheet: str) -> Iterator[Row]:
        try:
            # Record by record, its lines found as read: recognising an export reads only
            # its first rows (a run tries each known export on every events file).
            for _2, fields in careful_records(self._text, ",", lazily=True):
                yield [field if field.strip() else None for field in fields]
        except CsvProblem as problem:
            # "input": `run` meets a CSV here too, while it tells exports from events files
            issue = Issue(self._file, problem.row, None, str(problem))
            raise InputError([issue], what="input") from None


def _calamine() -> ModuleType | None:
    """python-calamine when installed (an optional extra); imported by name so the engine
    never depends on it."""
    try:
        return importlib.import_module("python_calamine")
    except ImportError:
        return None


def open_book(
    path: str | Path | InputFile, *, engine: str = "auto"
) -> tuple[Book | None, list[Issue]]:
    """Open an export (``.xlsx``, ``.xls`` with python-calamine, or ``.csv``), or say why not.

    ``engine``: ``auto`` (calamine when installed), ``openpyxl`` or ``calamine``. The
    bytes are read once (`appraisal.files.input`) and parsed from memory.
    """
    given, issues = read_input(path)
    if given is None:
        return None, issues
    file, data, suffix = given.path, given.data, given.suffix
    head = data[:8]
    calamine = _calamine() if engine != "openpyxl" else None
    if engine == "calamine" and calamine is None:
        return None, [Issue(file, None, None, _("python-calamine is not installed"))]
    if suffix in (".xlsx", ".xlsm"):
        if not head.startswith(_ZIP):
            return None, [
                Issue(
                    file,
                    None,
                    None,
                    _("not an Excel workbook (looks like {head})").format(head=_looks_like(head)),
                )
            ]
        return _open_xlsx(file, data, calamine)
    if suffix == ".xls":
        if not head.startswith(_OLE):
            return None, [
                Issue(
                    file,
                    None,
                    None,
                    _("not an .xls workbook (looks like {head})").format(head=_looks_like(head)),
                )
            ]
        if calamine is None:
            return None, [
                Issue(
                    file,
                    None,
                    None,
                    _("an old .xls workbook: {save_as}").format(save_as=_(_SAVE_AS)),
                )
            ]
        return _open_calamine(file, data, calamine)
    if suffix == ".csv":
        return _open_csv(file, data)
    shown = repr(Path(file).suffix) if suffix else _("(no extension)")
    return None, [
        Issue(
            file, None, None, _("unsupported file type {shown} (.xlsx or .csv)").format(shown=shown)
        )
    ]


def _looks_like(head: bytes) -> str:
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            return _(what)
    return _("a binary file") if b"\x00" in head else _("a text file, perhaps a CSV renamed")


def _open_xlsx(
    file: str, data: bytes, calamine: ModuleType | None
) -> tuple[Book | None, list[Issue]]:
    import openpyxl

    from appraisal.files.zipcheck import XLSX_ERRORS, xlsx_problem

    if problem := xlsx_problem(data):
        return None, [
            Issue(
                file,
                None,
                None,
                _("not a readable Excel workbook: {problem}").format(problem=problem),
            )
        ]
    if calamine is not None:
        return _open_calamine(file, data, calamine)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        return None, [Issue(file, None, None, unreadable_workbook(error))]
    return _OpenpyxlBook(file, workbook), []


def _open_calamine(file: str, data: bytes, calamine: ModuleType) -> tuple[Book | None, list[Issue]]:
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for unreadable files
        message = _("not a readable Excel workbook ({error_type}: {error})").format(
            error_type=type(error).__name__, error=error
        )
        return None, [Issue(file, None, None, message)]
    return _CalamineBook(file, workbook), []


def _open_csv(file: str, data: bytes) -> tuple[Book | None, list[Issue]]:
    if data.startswith((_ZIP, _OLE)) or b"\x00" in data[:4096]:
        return None, [
            Issue(
                file,
                None,
                None,
                _("not a CSV file (looks like {data})").format(data=_looks_like(data)),
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel on Chinese Windows saves CSV as GBK
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return None, [Issue(file, None, None, _("not UTF-8 or GBK text"))]
    return _CsvBook(file, Path(file).stem, text), []
