"""Read stage: the text of one cell becomes a number, a date, a kind, flags or a clause.

Used by `appraisal.read.parse` for every roster and events table. Chinese keyboards
type full-width digits and punctuation, so every parser reads them as ASCII; each
table's parser caches what it has parsed, since a month has few distinct values.
Header names are checked here too, with a suggestion for a misspelt one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from appraisal.domain.deductions import DEDUCTION_FIELDS
from appraisal.domain.model import Issue, Kind
from appraisal.domain.suggest import closest
from appraisal.i18n import _
from appraisal.read.tables import Table, plain_header
from appraisal.read.vocabulary import COLUMNS, KINDS, Vocabulary
from appraisal.read.vocabulary import FLAGS as FLAG_WORDS

__all__ = [
    "NUMBER_LIMITS",
    "CellValues",
    "cell_at",
    "chinese_names",
    "fits",
    "header_columns",
    "number_limit",
    "shown",
    "suggest_word",
]

# Chinese keyboards and IMEs type full-width digits and punctuation (１２．５, 2026／10／09).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋／", "0123456789.-+/")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_WHOLE = re.compile(r"\d+(?:\.0*)?", re.ASCII)
# 2026-10-09, 2026/10/9 (Excel's Chinese-locale CSV), optionally with a midnight time part.
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII)
_FLAG_SEPARATORS = re.compile(r"[;,；，、]")
# The numbers a column can hold: (digits before the point, digits after it). A figure
# beyond them is a slip or a hostile file; refused with the limit named, it never reaches
# the arithmetic (1e400 minutes, an amount of 1E+999 yuan). Money: up to 9999999999.99
# yuan; points: one row never moves more than the 200-point score; values: minutes, days
# and scores, at the four places an import writes.
# A deduction (社保个人 … 其他扣款) is yuan to the cent, as an amount is.
NUMBER_LIMITS = {
    "value": (10, 4),
    "amount": (10, 2),
    "points": (3, 2),
    **dict.fromkeys(DEDUCTION_FIELDS, (10, 2)),
}


def shown(text: str, limit: int = 24) -> str:
    """A cell's text in a message: quoted, and cut short when it is long."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"


def fits(number: Decimal, before: int, after: int) -> bool:
    """Whether ``number`` has at most ``before`` digits before the point and ``after``
    after it (trailing zeros aside). Integer work on its digits: no arithmetic context
    can overflow, whatever its exponent."""
    if number.is_zero():
        return True
    if number.adjusted() >= before:
        return False
    _0, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # a finite number: cells.number admits no other
    places = -exponent
    for digit in reversed(digits):
        if places <= after or digit != 0:
            break
        places -= 1
    return places <= after


def number_limit(column: str) -> str:
    """What a column of `NUMBER_LIMITS` holds, for the message refusing a number."""
    before, after = NUMBER_LIMITS[column]
    largest = f"{'9' * before}.{'9' * after}"
    if column == "amount":
        message = _(
            "an amount (yuan) holds at most {before} digits before the point and {after} "
            "after (up to {largest})"
        )
    elif column == "points":
        message = _(
            "points hold at most {before} digits before the point and {after} after "
            "(up to {largest})"
        )
    elif column in DEDUCTION_FIELDS:
        message = _(
            "a deduction (yuan) holds at most {before} digits before the point and {after} "
            "after (up to {largest})"
        )
    else:
        message = _(
            "a value holds at most {before} digits before the point and {after} after "
            "(up to {largest})"
        )
    return message.format(before=before, after=after, largest=largest)


def suggest_word(word: str, choices: Iterable[str], chinese: Iterable[str] = ()) -> str:
    """'; did you mean X?' from the ids and their Chinese names, or the list of ids."""
    options = sorted(choices)
    if (match := closest(word, [*options, *chinese])) is not None:
        return _("; did you mean {match!r}?").format(match=match)
    return _(" (expected one of: {options})").format(options=", ".join(options))


def chinese_names(vocabulary: Vocabulary, words: Iterable[str]) -> list[str]:
    return [name for word in words for name in vocabulary.names.get(word, ())]


def header_columns(
    table: Table, required: Sequence[str], known: Sequence[str], issues: list[Issue]
) -> dict[str, int]:
    """Map each known column to its position; report missing, unknown and repeated names."""
    positions: dict[str, int] = {}
    titles = table.titles or table.header
    for position, column in enumerate(table.header):
        if not column:  # a nameless column is harmless while it stays empty
            for row, cells in table.rows:
                if cells[position].strip():
                    message = _(
                        "a value in column {position}, which has no name in the header"
                    ).format(position=position + 1)
                    issues.append(Issue(table.file, row, None, message))
                    break
        elif column in positions:
            first = positions[column]
            twice = _("columns {first} and {position}").format(
                first=first + 1, position=position + 1
            )
            message = _("column {column!r} appears twice ({twice})").format(
                column=column, twice=twice
            )
            if plain_header(titles[first]) != plain_header(titles[position]):
                # Two spellings of one column, such as 工号 and employee_id.
                message = _(
                    "columns {first_title!r} and {second_title!r} both mean {column!r} ({twice}); keep one of them"
                ).format(
                    first_title=titles[first],
                    second_title=titles[position],
                    column=column,
                    twice=twice,
                )
            issues.append(Issue(table.file, table.header_row, column, message))
        else:
            positions[column] = position
            if column not in known:
                shown = plain_header(titles[position])  # as written: 条款内容, not clause_title
                hint = suggest_word(shown, known, chinese_names(COLUMNS, known))
                issues.append(
                    Issue(
                        table.file,
                        table.header_row,
                        shown,
                        _("unknown column {shown!r}{hint}").format(shown=shown, hint=hint),
                    )
                )
    for column in required:
        if column not in positions:
            message = _("missing required column {column!r}").format(column=column)
            issues.append(Issue(table.file, table.header_row, column, message))
    return {column: i for column, i in positions.items() if column in known}


class CellValues:
    """Cell parsers with per-table caches: a month has few distinct dates, numbers and flags."""

    def __init__(self) -> None:
        self._numbers: dict[str, Decimal | None] = {}
        self._dates: dict[str, date | str] = {}
        self._flags: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        self._clauses: dict[str, str] = {}
        self._kinds: dict[str, Kind | None] = {}

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
            result: date | str
            if match:
                year, month, day = int(match[1]), int(match[3]), int(match[4])
                try:
                    result = date(year, month, day)
                except ValueError:
                    result = _("not a date: {text!r} (no such day)").format(text=text)
            else:  # worded only when needed: a roster has thousands of dates, all good
                result = _("not a date: {text!r} (expected YYYY-MM-DD)").format(text=text)
            self._dates[text] = result
        return self._dates[text]

    def flags(self, text: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """(known flags, unknown words) of a `;`-separated list: serious;严重;节假日 holiday."""
        if text not in self._flags:
            words = {w.strip() for w in _FLAG_SEPARATORS.split(text)} - {""}
            named = {word: FLAG_WORDS.lookup(word) for word in words}
            known = frozenset(flag for flag in named.values() if flag is not None)
            unknown = {word.lower() for word, flag in named.items() if flag is None}
            self._flags[text] = (known, tuple(sorted(unknown)))
        return self._flags[text]

    def kind(self, text: str) -> Kind | None:
        """The kind a cell names: late, LATE, 迟到 or 迟到 late."""
        if text not in self._kinds:
            word = KINDS.lookup(text)
            self._kinds[text] = Kind(word) if word is not None else None
        return self._kinds[text]

    def clause(self, text: str) -> str:
        """'11', ' 11 ', '11.0' and '１１' are clause '11'; other text (metric names) as is."""
        if text not in self._clauses:
            ascii_text = text.translate(_FULL_WIDTH)
            whole = _WHOLE.fullmatch(ascii_text)
            # Leading zeros dropped as text: int() of a 5000-digit clause would raise.
            number = ascii_text.split(".")[0].lstrip("0") or "0"
            self._clauses[text] = number if whole else text
        return self._clauses[text]


def cell_at(cells: tuple[str, ...], position: int | None) -> str:
    return cells[position].strip() if position is not None else ""
