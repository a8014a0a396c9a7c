"""How every sheet of the workbook is laid out: the one place that makes cells.

Each sheet module describes its table as columns and rows; this module writes them, so
the rules below hold on every sheet:

- two header rows, Chinese over the English field name, frozen, with an auto-filter and
  repeated on every printed page; A4 landscape, never below 8 pt on paper, a wide sheet
  split over pages with its frozen columns repeated (`payroll_export.print_layout`);
- a sheet may have a title above its header (a banner row, merged across the table),
  and may draw its table's own borders instead of printing the grid ("ruled"), so that
  nothing outside the table (a chart, a signature line) is boxed in;
- text from the inputs is always a string cell, whatever it says (``=1+1``, ``#N/A``),
  with a quote prefix when it starts like a formula;
- money is the engine's own decimal text in the cell's number (``<v>``), so the file
  holds the exact cents and no binary float ever rounds them;
- the only formulas are `Formula` values, which only the writer makes, each stored
  with its result as the engine's exact figure, so that readers which do not calculate
  show the same totals as spreadsheets, which do;
- column widths fit the text, counting East Asian wide characters as two, and rows of
  wrapped text are as tall as their lines.

openpyxl makes the frame of each sheet (widths, views, print setup, filter, charts);
the rows are SpreadsheetML text from `payroll_export.rowxml`, in a spool file per sheet
until `appraisal.files.xlsx` splices them in (or deflated elsewhere: ``Sheet.remote``).
Each row shape is prepared once (`rowxml.RowShape`), each value's cell made once while
it recurs: a month's clauses, labels and departments are cleaned and escaped once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter

from payroll_export import rowxml
from payroll_export.columns import NewStyle
from payroll_export.print_layout import first_page_columns, set_print_layout
from payroll_export.rowxml import Formula
from payroll_export.text import clean_text, display_width
from payroll_export.wording import label

__all__ = [
    "DEPARTMENT",
    "EMPLOYEE_ID",
    "EMPLOYEE_NAME",
    "HEADER_ROWS",
    "MAX_SHEET_ROWS",
    "Banner",
    "Book",
    "Column",
    "Formula",
    "Part",
    "Row",
    "Sheet",
]

MAX_SHEET_ROWS = 1_048_576  # Excel's limit on the rows of one sheet
HEADER_ROWS = 2  # 中文 over English
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# Points per line of wrapped 11-point text (CJK fallback fonts stand taller than Latin);
# spreadsheets do not size the rows of wrapped text on opening, so the writer does.
LINE_HEIGHT = 17
CELL_PADDING = 3  # points above and below the text of a cell
SPOOL_IN_MEMORY = 8 * 2**20  # bytes of row XML a sheet keeps in memory, then on disk
SPOOL_BATCH = 256  # rows joined for one write to the spool

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# The default font named: a Font without a name falls back to a serif in LibreOffice.
_HEADER_FONT = Font(name="Calibri", size=11, bold=True)
_FIELD_FONT = Font(name="Calibri", size=9, italic=True, color="595959")
_TOTAL_FONT = Font(name="Calibri", size=11, bold=True)
_RULE = Border(bottom=Side(style="thin", color="808080"))
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOP = Alignment(vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center")
# Text is indented one step, so a label never runs into the figure left of it.
_TEXT_ALIGNMENT = {
    True: Alignment(horizontal="left", wrap_text=True, vertical="top", indent=1),
    False: Alignment(horizontal="left", vertical="top", indent=1),
}


@dataclass(frozen=True)
class Column:
    """One column: its header (Chinese, English) and how its cells are written."""

    zh: str
    en: str
    kind: str = "text"  # text | money | number | date
    max_width: int = 30
    wrap: bool = False  # long text: wrapped at max_width rather than cut off in print


# Who a row is about: the first columns of every sheet that lists employees.
EMPLOYEE_ID = Column("工号", "employee_id", max_width=16)
EMPLOYEE_NAME = Column("姓名", "name", max_width=24)
DEPARTMENT = Column("部门", "department", max_width=20)


class Row(NamedTuple):
    """One row of a table (a tuple: made hundreds of thousands of times a month)."""

    values: Sequence[object]
    total: bool = False  # a totals row: bold, shaded, and outside the auto-filter


@dataclass(frozen=True)
class Banner:
    """A line above a sheet's header (its title), merged across the table's width."""

    text: str
    font: Font
    height: float  # points


@dataclass
class Part:
    """A sheet holding data rows ``first``..``last`` (1-based) of a table split by size."""

    title: str
    first: int
    last: int


def _footer(record_hash: str) -> str:
    return label("账本记录 ", "账本记录 ledger record ") + record_hash[:16]


class _RowHeads(dict[int, str]):
    """The opening of a row by the lines its tallest cell takes, `ROW` for its number."""

    def __missing__(self, lines: int) -> str:
        size = f' ht="{LINE_HEIGHT * lines + CELL_PADDING:g}" customHeight="1"' if lines > 1 else ""
        head = self[lines] = f'<row r="{rowxml.ROW}"{size}>'
        return head


class Book:
    """The workbook being written, and what every sheet's page header and footer say."""

    def __init__(self, month: str, record_hash: str) -> None:
        self.workbook = Workbook(write_only=True)
        self.month = month
        self.record_hash = record_hash
        self.sheets: list[Sheet] = []
        self.style_log: list[tuple[str, tuple[object, ...], dict[str, Any], int]] | None = None

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        freeze: str = "C3",
        *,
        banner: Sequence[Banner] = (),
        ruled: bool = False,
    ) -> Sheet:
        sheet = Sheet(self, title, columns, freeze, banner, ruled)
        self.sheets.append(sheet)
        return sheet

    def sign(self, record_hash: str) -> None:
        """Name the ledger record in every sheet's page footer (known once it is sealed)."""
        self.record_hash = record_hash
        for sheet in self.sheets:
            sheet.ws.oddFooter.left.text = _footer(record_hash)

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.spool.close()


class Sheet:
    """One worksheet: its frame (views, print setup), then its rows as they come.

    The rows go to a spool as SpreadsheetML; the column widths, measured on the way,
    and the auto-filter are set by `finish`, since openpyxl writes a write-only sheet's
    frame only when the package is saved.
    """

    def __init__(
        self,
        book: Book,
        title: str,
        columns: Sequence[Column],
        freeze: str,
        banner: Sequence[Banner],
        ruled: bool,
    ) -> None:
        self.ws: Any = book.workbook.create_sheet(title)
        self.title, self.book = title, book
        self.remote: Any = None  # its rows deflated elsewhere (`payroll_export.tables_beside`)
        self.columns, self.rows = tuple(columns), 0
        self.top, self.ruled = len(banner), ruled  # rows above the header; own borders
        self.last_filtered = self.top + HEADER_ROWS
        # The columns frozen on screen (工号, 姓名) are the ones repeated on paper.
        self.title_columns = column_index_from_string(freeze.rstrip("0123456789")) - 1
        self.widths = [0] * len(columns)  # the widest content of each column so far
        # Open until the package is written; `Book.close` closes it. Rows are written
        # to it a batch at a time (`write`), as a file write costs more than a row.
        self._spool: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=SPOOL_IN_MEMORY
        )
        self._batch: list[str] = []
        self._styles: dict[tuple[object, ...], int] = {}
        self.styles_fixed = False  # no new style while a batch is written (`columns`)
        self.heads = _RowHeads()
        self._shapes: dict[tuple[tuple[Column, ...] | None, bool], rowxml.RowShape] = {}
        ws = self.ws
        ws.freeze_panes = freeze  # the header rows, and the columns naming the employee
        ws.print_options.gridLines = not ruled
        ws.oddHeader.left.text = f"{book.month} {title}"
        ws.oddHeader.right.text = "&P / &N"
        ws.oddFooter.left.text = _footer(book.record_hash)
        for line in banner:  # merged across the first printed page by `finish`
            style = self.style(("banner", line.font), font=line.font, alignment=_CENTRE)
            self.append_cells([(self.title_columns + 1, line.text, style)], line.height)
        self.append_header(columns)

    @property
    def spool(self) -> IO[bytes]:
        """The sheet's row XML so far (UTF-8), every row written."""
        self.flush()
        return self._spool

    def flush(self) -> None:
        if self._batch:
            self._spool.write("".join(self._batch).encode())
            self._batch.clear()

    def write(self, xml: str) -> None:
        """Add rows' XML to the spool."""
        self._batch.append(xml)
        if len(self._batch) >= SPOOL_BATCH:
            self.flush()

    def append_header(self, columns: Sequence[Column]) -> None:
        for labels, font in (
            ([c.zh for c in columns], _HEADER_FONT),
            ([c.en for c in columns], _FIELD_FONT),
        ):
            border = _BOX if self.ruled else _RULE
            style = self.style(("header", font), font=font, fill=_HEADER_FILL, border=border)
            self.rows += 1
            for index, heading in enumerate(labels, 1):
                self._fit(index, display_width(heading), columns[index - 1])
            cells = [rowxml.text_cell(i, self.rows, style, h) for i, h in enumerate(labels, 1)]
            self.write(rowxml.row_xml(self.rows, cells))

    def append(self, row: Row, columns: Sequence[Column] | None = None) -> int:
        """Write one row, by the sheet's columns or by ``columns``; return its row number."""
        shape = self._shapes.get((None, row.total)) if columns is None else None
        shape = shape or self.shape(columns, row.total)
        xml, last = self.rows_xml(shape, shape, (row,))
        self.write(xml)
        self.rows += 1
        self.last_filtered = last or self.last_filtered
        return self.rows

    def rows_xml(
        self, data: rowxml.RowShape, totals: rowxml.RowShape, batch: Sequence[Row]
    ) -> tuple[str, int | None]:
        """Rows numbered on from the last, one by one, and the last not a totals row's number."""
        xml = []
        last = None
        for number, row in enumerate(batch, self.rows + 1):
            cells, lines = (totals if row.total else data).template(row.values)
            xml.append((self.heads[lines] + cells + "</row>").replace(rowxml.ROW, str(number)))
            last = last if row.total else number
        return "".join(xml), last

    def shape(self, columns: Sequence[Column] | None, total: bool) -> rowxml.RowShape:
        """The prepared cells of a row of ``columns`` (the sheet's), a totals row or not."""
        kinds = self.columns if columns is None else tuple(columns)
        key = (None if columns is None else kinds, total)
        shape = self._shapes.get(key)
        if shape is None:
            empty: list[str | None] = [None] * len(kinds)
            plain: list[str | None] = [None] * len(kinds)  # a plain text's tail up to it

            def make(index: int, value: object) -> rowxml.Made:
                column = kinds[index]
                # A plain text (`rowxml.value_tail`'s first case) after the column's first.
                text = value if type(value) is str and rowxml.plain_text(value) else None
                start = plain[index]
                if text and start and (not column.wrap or len(text) <= column.max_width):
                    return str, f"{start}{text}</t></is></c>", min(len(text), column.max_width), 1
                if value is None or value == "":
                    if not self.ruled:
                        return type(value), None, 0, 1
                    if empty[index] is None:  # an empty cell of the table still has its borders
                        empty[index] = rowxml.empty_tail(self._column_style(column, total))
                    return type(value), empty[index], 0, 1
                tail, width, lines = rowxml.value_tail(
                    column,
                    value,
                    lambda quoted: self._column_style(column, total, quoted),
                    self.title,
                )
                if text is not None and column.kind == "text" and lines == 1:
                    plain[index] = tail[: len(tail) - len(f"{text}</t></is></c>")]
                return type(value), tail, min(width, column.max_width), lines

            shape = self._shapes[key] = rowxml.RowShape(
                [c.kind for c in kinds], [c.max_width for c in kinds], make, self.widths
            )
            shape.wraps, shape.plain = tuple(c.wrap for c in kinds), plain  # for `columns`
        return shape

    def append_blank(self) -> None:
        self.rows += 1

    def append_cells(
        self, cells: Sequence[tuple[int, str | None, int]], height: float | None = None
    ) -> int:
        """A row outside the table (a title, signature lines): (column, text or None for
        an empty cell, style) each; returns its row number."""
        self.rows += 1
        xml = [
            rowxml.empty_cell(column, self.rows, style)
            if text is None
            else rowxml.text_cell(column, self.rows, style, clean_text(text))
            for column, text, style in cells
        ]
        self.write(rowxml.row_xml(self.rows, xml, height))
        return self.rows

    def finish(
        self,
        widths: Sequence[int] | None = None,
        filter_to: int | None = None,
        print_to: int | None = None,
    ) -> None:
        """Column widths (the content's, or ``widths``), the auto-filter (the header and
        the data rows, never the totals below or ``filter_to``'s end), and how the sheet
        prints, down to ``print_to`` (the last row, unless a chart reaches further)."""
        set_widths = [width + 2 for width in widths or self.widths]
        # The title, over the first page right of the repeated columns (not repeated).
        start = get_column_letter(self.title_columns + 1)
        across = get_column_letter(first_page_columns(set_widths, self.title_columns))
        for row in range(1, self.top + 1):
            self.ws.merged_cells.add(f"{start}{row}:{across}{row}")
        for index, width in enumerate(set_widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        last = get_column_letter(len(self.columns))
        header = self.top + HEADER_ROWS
        self.ws.auto_filter.ref = f"A{header}:{last}{filter_to or self.last_filtered}"
        set_print_layout(
            self.ws,
            set_widths,
            title_columns=self.title_columns,
            title_rows=f"{self.top + 1}:{header}",
            last_row=print_to or self.rows,
        )
        # <dimension>, which openpyxl writes from this method (a write-only sheet has none)
        # and readers that stream rows (read-only openpyxl, pandas) size the sheet by.
        used = f"A1:{last}{self.rows}"
        self.ws.calculate_dimension = lambda: used

    def _fit(self, index: int, width: int, column: Column) -> None:
        if width > self.widths[index - 1]:
            self.widths[index - 1] = min(width, column.max_width)

    def _column_style(self, column: Column, total: bool, quoted: bool = False) -> int:
        key = (column.kind, column.wrap, total, quoted)
        found = self._styles.get(key)
        if found is not None:
            return found
        return self.style(
            key,
            alignment=_TEXT_ALIGNMENT[column.wrap] if column.kind == "text" else _TOP,
            number_format={"money": MONEY_FORMAT, "date": DATE_FORMAT}.get(column.kind),
            font=_TOTAL_FONT if total else None,
            fill=_TOTAL_FILL if total else None,
            quotePrefix=quoted or None,
            border=_BOX if self.ruled else None,
        )

    def style(self, key: tuple[object, ...], **attributes: Any) -> int:
        """The workbook's index of a cell style, registered through an openpyxl cell (and
        noted in `Book.style_log` if it is a list: sheet, key, attributes, index)."""
        if key not in self._styles:
            if self.styles_fixed:
                raise NewStyle(key)
            cell = WriteOnlyCell(self.ws)
            for name, value in attributes.items():
                if value is not None:
                    setattr(cell, name, value)
            self._styles[key] = cell.style_id
            if self.book.style_log is not None:
                self.book.style_log.append((self.title, key, attributes, cell.style_id))
        return self._styles[key]
