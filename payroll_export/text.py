"""What a cell may hold, and how wide it is: text and money as the workbook writes them.

Input text is kept as typed wherever XML can carry it; money is the engine's decimal
text, checked to be yuan to the cent. Widths count East Asian wide characters as two
columns, so the Chinese names and clauses of the scheme fit their columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from appraisal.domain.text import display_width

__all__ = [
    "FORMULA_START",
    "MAX_CELL_TEXT",
    "clean_text",
    "display_width",
    "money_sum",
    "money_text",
    "money_width",
    "rendered_width",
    "text_size",
]

MAX_CELL_TEXT = 32_767  # Excel's limit on the characters of one cell
CENT = Decimal("0.01")

# Characters that XML 1.0 cannot carry: a control character is shown as its Unicode
# "control picture" (␁), the two non-characters as the replacement character, rather
# than refused, so that a stray byte in a roster never stops payroll.
_CONTROL: dict[int, int | str] = {
    **{c: 0x2400 + c for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))},
    0xFFFE: 0xFFFD,
    0xFFFF: 0xFFFD,
}
# Text starting with these is a formula to Excel or LibreOffice once someone edits the
# cell; the quote prefix (') keeps it text then too.
FORMULA_START = ("=", "+", "-", "@", "\t")


@lru_cache(maxsize=65536)  # clauses, rules and names repeat thousands of times a month
def clean_text(text: str) -> str:
    """Input text as a cell can hold it: control characters shown, length within Excel's.

    A line break is stored as LF: XML reads a bare CR as LF anyway.
    """
    text = text.translate(_CONTROL)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def money_text(value: object) -> str:
    """A money figure as exact decimal text with two places; anything else is a bug."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"money {value!r} is not a decimal number") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValueError(f"money {value!r} is not an amount in yuan to the cent")
    return f"{amount:.2f}"


def money_sum(amounts: Iterable[object]) -> Decimal:
    """The exact sum of amounts in yuan, as a total's formula comes to: no float and no
    rounding. The amounts are the results' figures, each checked to be to the cent
    (`money_text`) before the workbook is begun."""
    return sum((a if isinstance(a, Decimal) else Decimal(str(a)) for a in amounts), Decimal(0))


@lru_cache(maxsize=8192)
def rendered_width(text: str) -> float:
    """Width a text takes when drawn, in digit widths, erring wide: a CJK glyph is at
    most two digits wide (SimSun, DengXian; less in LibreOffice's Noto) and a Latin
    letter on average a little under one."""
    wide = display_width(text) - len(text)
    return (len(text) - wide) * 0.9 + wide * 2.0


def text_size(text: str, max_width: int, *, wrap: bool) -> tuple[int, int]:
    """The width a text asks of its column (its longest line), and, in a column that
    wraps, the lines it takes there.

    A wrapping column ends up ``max_width`` wide whenever any of its texts is wider, so
    a text wraps exactly when it is wider than that: its lines are known before the
    column's final width is.
    """
    if "\n" not in text:
        width = display_width(text)
        if not wrap or width <= max_width:
            return width, 1
        return width, math.ceil(rendered_width(text) / max_width)
    parts = text.split("\n")
    width = max(display_width(part) for part in parts)
    if not wrap:
        return width, len(parts)
    lines = sum(max(1, math.ceil(rendered_width(part) / max_width)) for part in parts)
    return width, lines


def money_width(amount: str) -> int:
    """Width of an amount as '#,##0.00' shows it: with a comma every three digits."""
    digits = len(amount) - 3 - amount.startswith("-")
    return len(amount) + max(digits - 1, 0) // 3
