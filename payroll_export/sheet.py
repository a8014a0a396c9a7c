"""How every sheet of the workbook is laid out: the one place that makes cells.

Each sheet module describes its table as columns and rows; this module writes them, so
the rules below hold on every sheet:

- two header rows, Chinese over the English field name, frozen, with an auto-filter and
  repeated on every printed page (A4 landscape, fit to width);
- text from the inputs is always a string cell, whatever it says (``=1+1``, ``#N/A``),
  with a quote prefix when it starts like a formula;
- money is the engine's own decimal text in the cell's number (``<v>``), so the file
  holds the exact cents and no binary float ever rounds them;
- the only formulas are `Formula` values, which only the writer makes;
- column widths fit the text, counting East Asian wide characters as two, and rows of
  wrapped text are as tall as their lines.

openpyxl makes the frame of each sheet (widths, views, print setup, filter, charts);
the rows are SpreadsheetML text from `payroll_export.rowxml`, kept in a spool file per
sheet until `payroll_export.package` splices them in.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from payroll_export import rowxml
from payroll_export.text import (
    FORMULA_START,
    clean_text,
    display_width,
    money_text,
    rendered_width,
)

__all__ = [
    "HEADER_ROWS",
    "MAX_SHEET_ROWS",
    "Book",
    "Column",
    "Formula",
    "Part",
    "Row",
    "Sheet",
    "measure",
    "write_table",
]

MAX_SHEET_ROWS = 1_048_576  # Excel's limit on the rows of one sheet
HEADER_ROWS = 2  # 中文 over English
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PAPER_A4 = 9  # the paperSize code of ISO A4 in SpreadsheetML
# Points per line of wrapped 11-point text (CJK fallback fonts stand taller than Latin);
# spreadsheets do not size the rows of wrapped text on opening, so the writer does.
LINE_HEIGHT = 17
CELL_PADDING = 3  # points above and below the text of a cell
SPOOL_IN_MEMORY = 8 * 2**20  # characters of row XML a sheet keeps in memory, then on disk
_LINES = re.compile(r"\r\n|\n|\r")

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# The default font named: a Font without a name falls back to a serif in LibreOffice.
_HEADER_FONT = Font(name="Calibri", size=11, bold=True)
_FIELD_FONT = Font(name="Calibri", size=9, italic=True, color="595959")
_TOTAL_FONT = Font(name="Calibri", size=11, bold=True)
_RULE = Border(bottom=Side(style="thin", color="808080"))
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


@dataclass(frozen=True)
class Column:
    """One column: its header (Chinese, English) and how its cells are written."""

    zh: str
    en: str
    kind: str = "text"  # text | money | number | date
    max_width: int = 30
    wrap: bool = False  # long text: wrapped at max_width rather than cut off in print


@dataclass(frozen=True)
class Formula:
    """A formula the writer made; no other value is ever written as a formula."""

    text: str
    width: int = 14  # its result is unknown when widths are measured


@dataclass(frozen=True)
class Row:
    values: Sequence[object]
    total: bool = False  # a totals row: bold, shaded, and outside the auto-filter


@dataclass
class Part:
    """A sheet holding data rows ``first``..``last`` (1-based) of a table split by size."""

    title: str
    first: int
    last: int


class Book:
    """The workbook being written, and what every sheet's page header and footer say."""

    def __init__(self, month: str, record_hash: str) -> None:
        self.workbook = Workbook(write_only=True)
        self.month = month
        self.record_hash = record_hash
        self.sheets: list[Sheet] = []

    def sheet(
        self, title: str, columns: Sequence[Column], widths: Sequence[int], freeze: str = "C3"
    ) -> Sheet:
        sheet = Sheet(self, title, columns, widths, freeze)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.spool.close()


class Sheet:
    """One worksheet: header rows, page setup and widths first, then rows as they come."""

    def __init__(
        self,
        book: Book,
        title: str,
        columns: Sequence[Column],
        widths: Sequence[int],
        freeze: str = "C3",
    ) -> None:
        self.ws: Any = book.workbook.create_sheet(title)
        self.title = title
        self.columns = tuple(columns)
        self.widths = tuple(widths)
        self.rows = 0
        self.last_filtered = HEADER_ROWS
        # Open until the package is written; `Book.close` closes it.
        self.spool: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
        )
        self._styles: dict[tuple[object, ...], int] = {}
        ws = self.ws
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = freeze  # the header rows, and the columns naming the employee
        ws.print_title_rows = f"1:{HEADER_ROWS}"
        ws.page_setup.paperSize = PAPER_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.gridLines = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddHeader.left.text = f"{book.month} {title}"
        ws.oddHeader.right.text = "&P / &N"
        ws.oddFooter.left.text = f"账本记录 ledger record {book.record_hash[:16]}"
        self.append_header(columns)

    def append_header(self, columns: Sequence[Column]) -> None:
        for labels, font in (
            ([c.zh for c in columns], _HEADER_FONT),
            ([c.en for c in columns], _FIELD_FONT),
        ):
            style = self._style(("header", font), font=font, fill=_HEADER_FILL, border=_RULE)
            self.rows += 1
            cells = [
                rowxml.text_cell(index, self.rows, style, label)
                for index, label in enumerate(labels, 1)
            ]
            self.spool.write(rowxml.row_xml(self.rows, cells))

    def append(self, row: Row, columns: Sequence[Column] | None = None) -> int:
        """Write one row, by the sheet's columns or by ``columns``; return its row number."""
        kinds = self.columns if columns is None else columns
        self.rows += 1
        cells = [
            xml
            for index, (column, value) in enumerate(zip(kinds, row.values, strict=False), 1)
            if (xml := self._cell(index, column, value, row.total)) is not None
        ]
        lines = self._lines(kinds, row.values)
        height = LINE_HEIGHT * lines + CELL_PADDING if lines > 1 else None
        self.spool.write(rowxml.row_xml(self.rows, cells, height))
        if not row.total:
            self.last_filtered = self.rows
        return self.rows

    def append_blank(self) -> None:
        self.rows += 1

    def finish(self) -> None:
        """The auto-filter covers the header and the data rows, never the totals below."""
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A{HEADER_ROWS}:{last}{self.last_filtered}"

    def _lines(self, columns: Sequence[Column], values: Sequence[object]) -> int:
        """Lines the tallest wrapped cell of a row takes, at the column's width."""
        lines = 1
        for column, width, value in zip(columns, self.widths, values, strict=False):
            if column.wrap and isinstance(value, str) and value:
                usable = max(width - 2, 1)
                wrapped = sum(
                    max(1, math.ceil(rendered_width(part) / usable)) for part in _LINES.split(value)
                )
                lines = max(lines, wrapped)
        return lines

    def _cell(self, index: int, column: Column, value: object, total: bool) -> str | None:
        if value is None or value == "":
            return None
        row, kind = self.rows, column.kind
        if isinstance(value, Formula):
            return rowxml.formula_cell(index, row, self._column_style(column, total), value.text)
        if kind == "text":
            text = clean_text(str(value))
            quoted = text.startswith(FORMULA_START)
            return rowxml.text_cell(index, row, self._column_style(column, total, quoted), text)
        style = self._column_style(column, total)
        if kind == "money":
            return rowxml.number_cell(index, row, style, money_text(value))
        if kind == "date" and isinstance(value, date):
            return rowxml.date_cell(index, row, style, value)
        if kind == "number":
            return rowxml.number_cell(index, row, style, rowxml.number_text(value))
        raise TypeError(f"{self.title}: {column.en}: {value!r} is not a {kind}")

    def _column_style(self, column: Column, total: bool, quoted: bool = False) -> int:
        key = (column.kind, column.wrap, total, quoted)
        found = self._styles.get(key)
        if found is not None:
            return found
        return self._style(
            key,
            alignment=_WRAP if column.wrap else _TOP,
            number_format={"money": MONEY_FORMAT, "date": DATE_FORMAT}.get(column.kind),
            font=_TOTAL_FONT if total else None,
            fill=_TOTAL_FILL if total else None,
            quotePrefix=quoted or None,
        )

    def _style(self, key: tuple[object, ...], **attributes: Any) -> int:
        """The workbook's index of a cell style, registered through an openpyxl cell."""
        if key not in self._styles:
            cell = WriteOnlyCell(self.ws)
            for name, value in attributes.items():
                if value is not None:
                    setattr(cell, name, value)
            self._styles[key] = cell.style_id
        return self._styles[key]


def measure(columns: Sequence[Column], rows: Iterable[Row]) -> list[int]:
    """Column widths that fit the headers and every value, within each column's cap."""
    widths = [max(display_width(c.zh), len(c.en)) for c in columns]
    for row in rows:
        for index, (column, value) in enumerate(zip(columns, row.values, strict=False)):
            if value is None or widths[index] >= column.max_width:
                continue
            widths[index] = max(widths[index], _value_width(column, value))
    return [min(w, c.max_width) + 2 for w, c in zip(widths, columns, strict=True)]


def _value_width(column: Column, value: object) -> int:
    if isinstance(value, Formula):
        return value.width
    if column.kind == "money":
        return len(f"{Decimal(str(value)):,.2f}")
    if column.kind == "date":
        return 10
    if column.kind == "number":
        return len(str(value))
    # The longest line counts: a wrapped or multi-line text is as wide as that.
    return max(display_width(line) for line in _LINES.split(str(value)))


def write_table(
    book: Book,
    title: str,
    columns: Sequence[Column],
    rows: Callable[[], Iterable[Row]],
    *,
    max_rows: int,
    split: bool,
    freeze: str = "C3",
) -> list[Part]:
    """Write a table to a sheet, or, when ``split``, over as many sheets as its size needs.

    ``rows`` is called twice (once to measure the widths, once to write), so a large
    table is never held in memory. A table that must not split and does not fit is a
    ValueError: a cut-off payroll would be worse than none.
    """
    capacity = max_rows - HEADER_ROWS
    if capacity < 1:
        raise ValueError(f"max_rows {max_rows} leaves no room below the {HEADER_ROWS} header rows")
    widths = measure(columns, rows())
    parts: list[Part] = []
    sheet = book.sheet(title, columns, widths, freeze)
    parts.append(Part(title, 1, 0))
    for index, row in enumerate(rows(), 1):
        if sheet.rows - HEADER_ROWS == capacity:
            if not split:
                raise ValueError(f"{title}: more than {capacity:,} rows do not fit on one sheet")
            sheet.finish()
            sheet = book.sheet(f"{title} ({len(parts) + 1})", columns, widths, freeze)
            parts.append(Part(sheet.title, index, index - 1))
        sheet.append(row)
        parts[-1].last = index
    sheet.finish()
    return parts
