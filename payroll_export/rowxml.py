"""The rows of a sheet as SpreadsheetML, written directly.

openpyxl's write-only cells go through a pure-Python XML serialiser at some 30 µs a
cell: 70 s for the two million cells of a 10,000-employee month. The workbook's frame
(styles, views, print setup, filters, charts, the package) is still openpyxl's; only
the ``<row>`` elements are made here, as text, and spliced into each sheet's
``<sheetData>`` when the package is written (`appraisal.files.xlsx`).

Writing the XML ourselves also fixes what each cell is: a text is always an inline
string (never a formula or an error value, whatever it says), money is the engine's
decimal text in ``<v>``, and a formula only ever comes from the writer, with the
engine's own figure stored as its result.

A cell is its opening ``<c r="`` and column letter, the row number, and the rest (its
tail: style, type, value), which depends on the column and the value alone. `RowShape`
prepares the openings of a row shape once and keeps the tail of each value it has
made, so that a clause, a label or a department repeated on thousands of rows is
cleaned, measured and escaped once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Protocol, cast

from openpyxl.utils import get_column_letter

from payroll_export.text import (
    FORMULA_START,
    MAX_CELL_TEXT,
    clean_text,
    money_text,
    money_width,
    text_size,
)

__all__ = [
    "CACHE_LIMIT",
    "MISSING",
    "ROW",
    "ColumnKind",
    "Formula",
    "Made",
    "Missing",
    "RowShape",
    "date_cell",
    "date_tail",
    "empty_cell",
    "empty_tail",
    "formula_cell",
    "formula_tail",
    "inline_string",
    "number_cell",
    "number_tail",
    "number_text",
    "opening",
    "plain_text",
    "row_xml",
    "text_cell",
    "text_tail",
    "value_tail",
]

EPOCH = date(1899, 12, 30)  # day 0 of the 1900 date system: serial 1 is 1900-01-01
CACHE_LIMIT = 8192  # values a column remembers; past that it starts again (ids, names)
ROW = "\0"  # a row number's place in a kept cell: no cell's text holds NUL (`clean_text`)
# What a column made of a value: the value's type, the cell's tail (None: no cell),
# the width it asks of its column (at most the column's), and the lines it takes.
Made = tuple[type, str | None, int, int]
# Values whose equals always make the same cell (a Decimal only as money: 8.5 and 8.50
# are equal numbers with different texts; -0.0 and 0.0 likewise, so no float).
_SAME_CELL: frozenset[type] = frozenset({str, int, bool, date, type(None)})
_SAME_CELLS = {"money": _SAME_CELL | {Decimal}, "number": _SAME_CELL - {int}}
# What a plain text may not start with: a formula's first characters (`FORMULA_START`,
# the tab being no printable character) and a space (kept with xml:space).
_NOT_PLAIN_START = "".join(FORMULA_START) + " "


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def opening(column: int) -> str:
    """A cell's opening up to its row number: ``<c r="B``."""
    return f'<c r="{get_column_letter(column)}'


def text_tail(style: int, text: str) -> str:
    """An inline string; spaces at either end kept (xml:space), as Excel writes them."""
    return f'" s="{style}"{inline_string(text)}'


@lru_cache(maxsize=65536)  # labels, clauses, departments: escaped once
def inline_string(text: str) -> str:
    """A text cell after its style: ``t="inlineStr"`` and the text, escaped."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def empty_tail(style: int) -> str:
    """A cell with a style (its borders) and no value."""
    return f'" s="{style}"/>'


def number_tail(style: int, text: str) -> str:
    """A number, given as the decimal text to store (see `number_text`)."""
    return f'" s="{style}" t="n"><v>{text}</v></c>'


def date_tail(style: int, day: date) -> str:
    return number_tail(style, str((day - EPOCH).days))


def formula_tail(style: int, formula: str, result: str) -> str:
    """A formula (without its "=") and its cached result, the decimal text of ``<v>``.

    The result is what readers that do not calculate show (pandas, openpyxl's
    ``data_only``, mail previews); spreadsheets compute the formula again on opening.
    """
    return f'" s="{style}"><f>{_escape(formula.removeprefix("="))}</f><v>{result}</v></c>'


def text_cell(column: int, row: int, style: int, text: str) -> str:
    return f"{opening(column)}{row}{text_tail(style, text)}"


def empty_cell(column: int, row: int, style: int) -> str:
    return f"{opening(column)}{row}{empty_tail(style)}"


def number_cell(column: int, row: int, style: int, text: str) -> str:
    return f"{opening(column)}{row}{number_tail(style, text)}"


def date_cell(column: int, row: int, style: int, day: date) -> str:
    return f"{opening(column)}{row}{date_tail(style, day)}"


def formula_cell(column: int, row: int, style: int, formula: str, result: str) -> str:
    return f"{opening(column)}{row}{formula_tail(style, formula, result)}"


@dataclass(frozen=True)
class Formula:
    """A formula the writer made; no other value is ever written as a formula.

    ``result`` is what the formula comes to, worked out exactly from the results
    (money as a Decimal, a head count as an int): it is stored as the cell's cached
    value, written as its column's kind is, and sizes the column like any figure.
    """

    text: str
    result: Decimal | int


class ColumnKind(Protocol):
    """What a column says of its cells (`payroll_export.sheet.Column`)."""

    @property
    def en(self) -> str: ...
    @property
    def kind(self) -> str: ...  # text | money | number | date
    @property
    def max_width(self) -> int: ...
    @property
    def wrap(self) -> bool: ...


def value_tail(
    column: ColumnKind, value: object, style: Callable[[bool], int], sheet: str
) -> tuple[str, int, int]:
    """The tail of a cell of ``column`` holding ``value`` (not empty), the width its
    content asks for, and the lines it takes; ``style(quoted)`` is the cell's style, for
    a text quoted as starting like a formula or not."""
    kind = column.kind
    if isinstance(value, Formula):
        if kind == "money":
            result = money_text(value.result)
            width = money_width(result)
        elif kind == "number":
            result = number_text(value.result)
            width = len(result)
        else:
            raise TypeError(f"{sheet}: {column.en}: a formula in a {kind} column")
        return formula_tail(style(False), value.text, result), width, 1
    if kind == "text":
        if type(value) is str and plain_text(value):
            width = len(value)
            if not column.wrap or width <= column.max_width:
                return f'" s="{style(False)}" t="inlineStr"><is><t>{value}</t></is></c>', width, 1
        text = clean_text(str(value))
        width, lines = text_size(text, column.max_width, wrap=column.wrap)
        return text_tail(style(text.startswith(FORMULA_START)), text), width, lines
    if kind == "money":
        amount = money_text(value)
        return number_tail(style(False), amount), money_width(amount), 1
    if kind == "date" and isinstance(value, date):
        return date_tail(style(False), value), 10, 1
    if kind == "number":
        number = number_text(value)
        return number_tail(style(False), number), len(number), 1
    raise TypeError(f"{sheet}: {column.en}: {value!r} is not a {kind}")


def plain_text(text: str) -> bool:
    """Whether a cell holds ``text`` as it is, one line as wide as its length: printable
    ASCII (no control character to show), no character XML escapes, no space at either
    end, not starting like a formula; most ids, codes and input references are."""
    return (
        text.isascii()
        and text.isprintable()
        and text[:1] not in _NOT_PLAIN_START  # "" is in every str: the empty text is not plain
        and text[-1] != " "
        and "&" not in text
        and "<" not in text
        and ">" not in text
        and len(text) <= MAX_CELL_TEXT
    )


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


def row_xml(row: int, cells: list[str] | str, height: float | None = None) -> str:
    """A ``<row>``; ``height`` in points when the writer sizes it (wrapped text)."""
    size = f' ht="{height:g}" customHeight="1"' if height else ""
    return f'<row r="{row}"{size}>{"".join(cells)}</row>'


class RowShape:
    """The cells of one row shape (a sheet's columns, in a data or a totals row).

    ``make(index, value)`` makes the tail of a cell of column ``index`` (from 0) holding
    ``value``: its `Made`. It is asked once a value, while the value recurs, for the
    values whose equals always make the same cell (whole numbers too, in a number
    column); others are made every time. ``limits`` are the columns' widest widths;
    ``widths`` (the sheet's, from column A) is widened to what each value asks when its
    cell is made: a value asks the same each time it recurs, so a row whose cells are
    all known widens nothing.

    A cell is kept whole but for its row number, `ROW` in its place (the cell ``B7`` of
    a text is ``<c r="B\0" s="3" t="inlineStr">…``), and as "" for a value with no cell;
    a row is its cells joined, its number put in once. The cells are kept by column,
    then by the value's type (1, True and Decimal("1") are equal keys, but not the same
    cell), then by the value. `payroll_export.columns` writes many rows at a time.
    """

    def __init__(
        self,
        kinds: Sequence[str],
        limits: Sequence[int],
        make: Callable[[int, object], Made],
        widths: list[int],
    ) -> None:
        self.openings = tuple(opening(index) + ROW for index in range(1, len(kinds) + 1))
        self.make = make
        self.limits = tuple(limits)
        self.widths = widths
        self.kept: list[defaultdict[type, dict[object, str]]] = [
            defaultdict(dict, {Missing: {MISSING: ""}}) for _ in kinds
        ]
        self.same = tuple(_SAME_CELLS.get(kind, _SAME_CELL) for kind in kinds)
        self.counted = tuple(kind == "number" for kind in kinds)
        self.numbers: list[str | None] = [None] * len(kinds)  # '" s="7" t="n"><v>'
        self.typed: dict[tuple[type, ...], list[dict[object, str]]] = {}
        self.tall: dict[str, int] = {}  # the cells of more than one line, and their lines
        self.tall_columns: set[int] = set()
        # Set by the maker of the shape (`Sheet.shape`): each column's wrap, and the tail
        # of its plain texts' cells up to the text, once known (``make`` gives the same).
        self.wraps: tuple[bool, ...] = (False,) * len(kinds)
        self.plain: list[str | None] = [None] * len(kinds)

    def cells(self, row: int, values: Sequence[object]) -> tuple[str, int]:
        """Row ``row``'s cells, as XML, and the most lines one of them takes."""
        cells, lines = self.template(values)
        return cells.replace(ROW, str(row)), lines

    def template(self, values: Sequence[object]) -> tuple[str, int]:
        """A row's cells with `ROW` for its number, and the most lines one takes."""
        types = tuple(map(type, values))
        kept = self.typed.get(types)
        if kept is None:
            kept = self.typed[types] = [
                by_type[kind] for by_type, kind in zip(self.kept, types, strict=False)
            ]
        found: list[str | None]
        try:
            found = list(map(dict.get, kept, values))
        except TypeError:  # unhashable: made every time
            found = [None] * len(kept)
        if None in found:
            index = -1
            for _ in range(found.count(None)):
                index = found.index(None, index + 1)
                found[index] = self.cell(index, values[index])
        cells = cast(list[str], found)
        tall = self.tall
        if tall and not tall.keys().isdisjoint(cells):
            return "".join(cells), max(tall.get(cell, 1) for cell in cells)
        return "".join(cells), 1

    def cell(self, index: int, value: object) -> str:
        """The cell of column ``index`` holding ``value``, kept if its equals make the same."""
        kind = type(value)
        kept: dict[object, str] | None = self.kept[index][kind]
        try:
            cell = kept.get(value) if kept is not None else None
        except TypeError:  # unhashable
            cell = kept = None
        if cell is not None:
            return cell
        counting = self.numbers[index]
        if counting is not None and kind is int:  # a sequence, an input row, points
            text = str(value)
            cell = f"{self.openings[index]}{counting}{text}</v></c>"
            width = min(len(text), self.limits[index])
        else:
            _, tail, width, lines = self.make(index, value)
            cell = "" if tail is None else self.openings[index] + tail
            if tail is not None and ROW in tail:  # never: every text is cleaned
                raise ValueError(f"a cell holding {value!r} has a NUL character")
            if tail is not None and kind is int and self.counted[index]:
                self.numbers[index] = tail.partition("<v>")[0] + "<v>"
            if lines > 1:
                self.tall[cell] = lines
                self.tall_columns.add(index)
        if kept is not None and (kind in self.same[index] or (kind is int and self.counted[index])):
            if len(kept) >= CACHE_LIMIT:
                for forgotten in kept.values():
                    self.tall.pop(forgotten, None)
                kept.clear()
            kept[value] = cell
        if width > self.widths[index]:
            self.widths[index] = width
        return cell


class Missing:
    """No value: the end of a row shorter than its shape, where no cell is written."""


MISSING = Missing()
