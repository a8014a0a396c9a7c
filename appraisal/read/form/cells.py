"""The managers' input workbook, cell by cell: text that stays text, drop-downs, widths.

Part of the read stage's form (`appraisal.read.form.template` builds the sheets from
these). Text from a roster is always written as a text cell, with the quote prefix
where a spreadsheet would take it for a formula once edited; drop-downs warn rather
than refuse, since the reader accepts more spellings than a list can show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.domain.model import Month
from appraisal.domain.text import display_width
from appraisal.read.tables import ROSTER_SHEET
from appraisal.read.vocabulary import COLUMNS

__all__ = [
    "DATE_FORMAT",
    "FORMULA_START",
    "HEADER_FONT",
    "LINE_HEIGHT",
    "PREFILLED_FILL",
    "TEXT_FORMAT",
    "WRAP",
    "ListRefs",
    "SheetTable",
    "common_validations",
    "explain",
    "fit_widths",
    "free_block",
    "list_validation",
    "print_setup",
    "serial",
    "spans",
    "text_cell",
    "validate_ranges",
    "width_of",
]
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 40
# What Excel or LibreOffice would take for a formula once someone edits the cell: the
# quote prefix keeps such text text then too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot carry these; a stray one in a roster name is shown, not refused.
_CONTROL = {c: 0x2400 + c for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
PREFILLED_FILL = PatternFill("solid", fgColor="F2F2F2")  # cells a manager need not touch
WRAP = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 16  # points: one line of 11-point CJK text


@dataclass(frozen=True)
class SheetTable:
    """A sheet's columns (ids of `appraisal.vocabulary.COLUMNS`) and its data rows."""

    sheet: Worksheet
    columns: tuple[str, ...]

    def letter(self, column: str) -> str:
        return get_column_letter(self.columns.index(column) + 1)

    def range(self, column: str, first: int, last: int) -> str:
        letter = self.letter(column)
        return f"{letter}{first}:{letter}{last}"

    def write_header(self) -> None:
        for index, column in enumerate(self.columns, start=1):
            cell = self.sheet.cell(1, index, COLUMNS.label(column))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        self.sheet.freeze_panes = "C2" if "name" in self.columns[1:2] else "A2"
        print_setup(self.sheet, "landscape")
        self.sheet.print_title_rows = "1:1"


@dataclass(frozen=True)
class ListRefs:
    """Where each drop-down list lives on the hidden sheet (``lists!$A$2:$A$21``)."""

    ids: str
    levels: str
    attendance_kinds: str
    appraisal_kinds: str
    flags: str
    clauses: str


def print_setup(sheet: Worksheet, orientation: Literal["portrait", "landscape"]) -> None:
    """A4, as wide as the page: what a manager who prints the template gets."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def text_cell(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    """A text cell that stays text: never a formula, whatever the roster says."""
    cell = sheet.cell(row, column)
    if not isinstance(cell, Cell):  # pragma: no cover - the template merges no cells
        raise TypeError(f"{sheet.title}!{cell.coordinate} is a merged cell")
    cell.value = value.translate(_CONTROL)
    cell.data_type = "s"  # set after the value: openpyxl makes a formula of "=…"
    cell.number_format = TEXT_FORMAT
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def free_block(table: SheetTable, first: int, last: int) -> None:
    """Empty rows made ready: dates as dates, ids and flags as text, the name derived."""
    sheet, at = table.sheet, {c: i for i, c in enumerate(table.columns, start=1)}
    roster = f"{quote_sheetname(ROSTER_SHEET)}!$A:$B"
    id_letter = table.letter("employee_id")
    for row in range(first, last + 1):
        for column in ("employee_id", "kind", "flags", "note"):
            sheet.cell(row, at[column]).number_format = TEXT_FORMAT
        sheet.cell(row, at["date"]).number_format = DATE_FORMAT
        # The only formula in the workbook, and made here: the name, for the eye only.
        key = f"{id_letter}{row}"
        sheet.cell(
            row, at["name"]
        ).value = f'=IF({key}="","",IFERROR(VLOOKUP({key},{roster},2,FALSE),"?"))'


def common_validations(
    table: SheetTable, month: Month, first: int, last: int, refs: ListRefs, kinds: str
) -> None:
    sheet = table.sheet
    validate_ranges(
        sheet,
        list_validation(refs.ids, "工号 employee_id", "名册中的工号"),
        table.range("employee_id", first, last),
    )
    in_month = DataValidation(
        type="date",
        operator="between",
        formula1=str(serial(month.first_day)),
        formula2=str(serial(month.last_day)),
    )
    explain(in_month, "日期 date", f"{month.first_day} 至 {month.last_day} 之间的日期")
    in_month.errorStyle = "stop"
    validate_ranges(sheet, in_month, table.range("date", first, last))
    validate_ranges(
        sheet,
        list_validation(kinds, "类型 kind", "见「说明」中的类型表"),
        table.range("kind", first, last),
    )
    # Several flags go in one cell ("休息日;调休"), so the list only suggests.
    flag = list_validation(refs.flags, "标记 flags", "多个标记用分号隔开，如 休息日;调休")
    flag.showErrorMessage = False
    validate_ranges(sheet, flag, table.range("flags", first, last))


def list_validation(source: str, title: str, prompt: str) -> DataValidation:
    """A drop-down that warns, not refuses: the reader accepts more spellings than it lists."""
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.errorStyle = "warning"
    explain(validation, title, prompt)
    return validation


def explain(validation: DataValidation, title: str, prompt: str) -> None:
    validation.allow_blank = True
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.promptTitle = validation.errorTitle = title
    validation.prompt = validation.error = prompt


def validate_ranges(sheet: Worksheet, validation: DataValidation, *ranges: str) -> None:
    if ranges:
        for cells in ranges:
            validation.add(cells)
        sheet.add_data_validation(validation)


def spans(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Runs of consecutive rows as (first, last): 2,3,4,6 → (2, 4), (6, 6)."""
    spans: list[tuple[int, int]] = []
    for row in rows:
        if spans and spans[-1][1] == row - 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    return spans


def serial(day: date) -> int:
    """Excel's serial number of a date (1900 date system), for a date validation."""
    return (day - date(1899, 12, 30)).days


def width_of(texts: Iterable[str]) -> float:
    return min(max((display_width(t) for t in texts), default=8) + 2, MAX_WIDTH)


def fit_widths(
    table: SheetTable,
    rows: Iterable[Sequence[str]],
    more: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Widths that fit the header, the text written (rows, in column order) and the
    drop-down choices (``more``), Chinese counted double."""
    columns: list[list[str]] = [[COLUMNS.label(c), "2000-01-01"] for c in table.columns]
    for values in rows:
        for index, value in enumerate(values[: len(columns)]):
            columns[index].append(value)
    for column, texts in (more or {}).items():
        columns[table.columns.index(column)].extend(texts)
    for index, texts in enumerate(columns, start=1):
        table.sheet.column_dimensions[get_column_letter(index)].width = width_of(texts)
