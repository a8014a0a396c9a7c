"""How a sheet prints: A4 landscape, never smaller than 8 pt on paper.

A sheet that fits the page's width at a legible scale is printed at that scale, one
page wide. A wider one (工资调整 with its twenty-odd columns) is not shrunk onto one
page: it prints at `MIN_PRINT_SCALE`, its columns split over pages at breaks set here,
the header rows and the columns frozen on screen (工号, 姓名) repeated on every page, and
the pages of one band of rows printed side by side (over, then down).

The scale is set explicitly, never "fit to page": a spreadsheet program's fit shrinks
without a floor, and the smallest font on paper is the point of the exercise. Column
widths are in characters of the default font, which each program turns into
centimetres by its own font: Excel's Calibri takes 7 pixels a character, LibreOffice
without Calibri (DejaVu Sans in its place) some 9.5. The breaks are set for the wider,
so that no program breaks a page of its own before ours and leaves a sliver of a page
between them; in Excel a page is then some three quarters full.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, ColBreak
from openpyxl.worksheet.properties import PageSetupProperties

__all__ = [
    "MARGIN_INCHES",
    "MIN_PRINT_SCALE",
    "PAPER_A4",
    "SMALLEST_FONT",
    "column_cm",
    "first_page_columns",
    "plan",
    "set_print_layout",
]

PAPER_A4 = 9  # the paperSize code of ISO A4 in SpreadsheetML
A4_LANDSCAPE_CM = 29.7
MARGIN_INCHES = 0.4  # left and right
MARGIN_TOP_INCHES = 0.6  # and bottom: room for the page header and footer
MARGIN_HEADER_INCHES = 0.25  # from the edge to the page header (and footer)
PRINTABLE_CM = A4_LANDSCAPE_CM - 2 * MARGIN_INCHES * 2.54
SMALLEST_FONT = 9  # points: the English field names under the headers
MIN_PRINT_SCALE = 90  # per cent: the smallest font is 8.1 pt on paper
FILL = 0.97  # of a page's width the columns may take
PIXELS_PER_CHARACTER = 9.5  # of a column width, at 96 pixels an inch, erring wide (above)
assert SMALLEST_FONT * MIN_PRINT_SCALE / 100 >= 8, "a font below 8 pt on paper"


def column_cm(width: float) -> float:
    """The printed width at 100 % of a column ``width`` characters wide, in centimetres."""
    return (width * PIXELS_PER_CHARACTER + 5) / 96 * 2.54


def plan(widths: Sequence[float], title_columns: int) -> tuple[int, list[int]]:
    """The scale (per cent) a sheet prints at, and the columns after which a page ends."""
    needed = sum(column_cm(width) for width in widths)
    fit = math.floor(100 * PRINTABLE_CM * FILL / needed) if needed else 100
    scale = max(MIN_PRINT_SCALE, min(100, fit))
    return scale, column_breaks(widths, title_columns, PRINTABLE_CM * FILL * 100 / scale)


def set_print_layout(
    ws: Any, widths: Sequence[float], *, title_columns: int, title_rows: str | None, last_row: int
) -> int:
    """Print setup of a sheet whose columns are ``widths`` wide (as set on the sheet):
    A4 landscape at a legible scale, the print area, the print titles and, when the
    columns do not fit one page, the column breaks. Returns the scale, in per cent."""
    scale, breaks = plan(widths, title_columns)
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = scale
    ws.page_setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_margins.left = ws.page_margins.right = MARGIN_INCHES
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_INCHES
    ws.page_margins.header = ws.page_margins.footer = MARGIN_HEADER_INCHES
    if title_rows is not None:
        ws.print_title_rows = title_rows
    if title_columns:
        ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
    ws.print_area = f"A1:{get_column_letter(len(widths))}{last_row}"
    if breaks:
        ws.col_breaks = ColBreak()
        for column in breaks:
            ws.col_breaks.append(Break(id=column))
    return scale


def first_page_columns(widths: Sequence[float], title_columns: int) -> int:
    """How many columns the first printed page shows."""
    _, breaks = plan(widths, title_columns)
    return breaks[0] if breaks else len(widths)


def column_breaks(widths: Sequence[float], title_columns: int, page_cm: float) -> list[int]:
    """The columns after which a new page begins, filling each page from the left with
    the title columns repeated on it; a column wider than a page gets a page alone."""
    repeated = sum(column_cm(width) for width in widths[:title_columns])
    breaks: list[int] = []
    used = repeated
    for index in range(title_columns, len(widths)):
        width = column_cm(widths[index])
        if used + width > page_cm and used > repeated:
            breaks.append(index)  # after column `index` (1-based), before this one
            used = repeated
        used += width
    return breaks
