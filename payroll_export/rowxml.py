"""The rows of a sheet as SpreadsheetML, written directly.

openpyxl's write-only cells go through a pure-Python XML serialiser at some 30 µs a
cell: 70 s for the two million cells of a 10,000-employee month. The workbook's frame
(styles, views, print setup, filters, charts, the package) is still openpyxl's; only
the ``<row>`` elements are made here, as text, and spliced into each sheet's
``<sheetData>`` when the package is written (`payroll_export.package`).

Writing the XML ourselves also fixes what each cell is: a text is always an inline
string (never a formula or an error value, whatever it says), money is the engine's
decimal text in ``<v>``, and a formula only ever comes from the writer, with the
engine's own figure stored as its result.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from openpyxl.utils import get_column_letter

__all__ = [
    "date_cell",
    "empty_cell",
    "formula_cell",
    "number_cell",
    "number_text",
    "row_xml",
    "text_cell",
]

EPOCH = date(1899, 12, 30)  # day 0 of the 1900 date system: serial 1 is 1900-01-01


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def text_cell(column: int, row: int, style: int, text: str) -> str:
    """An inline string; spaces at either end kept (xml:space), as Excel writes them."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    ref = f"{get_column_letter(column)}{row}"
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def empty_cell(column: int, row: int, style: int) -> str:
    """A cell with a style (its borders) and no value."""
    return f'<c r="{get_column_letter(column)}{row}" s="{style}"/>'


def number_cell(column: int, row: int, style: int, text: str) -> str:
    """A number, given as the decimal text to store (see `number_text`)."""
    return f'<c r="{get_column_letter(column)}{row}" s="{style}" t="n"><v>{text}</v></c>'


def date_cell(column: int, row: int, style: int, day: date) -> str:
    return number_cell(column, row, style, str((day - EPOCH).days))


def formula_cell(column: int, row: int, style: int, formula: str, result: str) -> str:
    """A formula (without its "=") and its cached result, the decimal text of ``<v>``.

    The result is what readers that do not calculate show (pandas, openpyxl's
    ``data_only``, mail previews); spreadsheets compute the formula again on opening.
    """
    ref = f"{get_column_letter(column)}{row}"
    text = _escape(formula.removeprefix("="))
    return f'<c r="{ref}" s="{style}"><f>{text}</f><v>{result}</v></c>'


def number_text(value: object) -> str:
    """A score, count or row number as the text of ``<v>``: exact for an int or a Decimal,
    the shortest text that reads back as the same float for a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be stored as a number")
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value) if isinstance(value, float) else str(value)


def row_xml(row: int, cells: list[str], height: float | None = None) -> str:
    """A ``<row>``; ``height`` in points when the writer sizes it (wrapped text)."""
    size = f' ht="{height:g}" customHeight="1"' if height else ""
    return f'<row r="{row}"{size}>{"".join(cells)}</row>'
