"""Many rows of a table at a time, column by column: the writer's fast path.

A month's long tables (审计轨迹, 考核评分) are some hundred thousand rows of a dozen
cells, nearly all of which a column has made before (`rowxml.RowShape`). Looking them
up row by row costs a Python loop a cell; here a batch of rows is turned into columns
(`zip`), each column is looked up in one `map` over the values of one type, the cells
are joined a row at a time by `str.join` and numbered by `str.replace`, all in C. Only
the values a column has not met are made in Python, as the row-by-row path makes them.

The bytes are the row-by-row path's: the cells are the same strings, and what a cell
adds to its sheet is the same in any order (a column's width is the widest asked, a
kept cell is kept whatever was asked first), except the numbering of cell styles,
which follows the order in which they are first asked for. So a batch runs with its
sheet's styles fixed: a cell that would need a new one raises `NewStyle`, and that
batch is written row by row instead (a sheet's first rows, and a rare new style later).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from itertools import compress, repeat, zip_longest
from operator import is_, itemgetter
from typing import cast

from payroll_export.rowxml import CACHE_LIMIT, MISSING, ROW, Missing, RowShape, plain_text

__all__ = ["NewStyle", "batch_xml"]

_VALUES = itemgetter(0)  # Row.values
_TOTAL = itemgetter(1)  # Row.total


class NewStyle(Exception):
    """A cell asked for a style its sheet has not numbered yet (see the module)."""


def batch_xml(
    data: RowShape,
    totals: RowShape,
    batch: Sequence[tuple[Sequence[object], bool]],
    first: int,
    head: dict[int, str],
) -> tuple[str, int | None]:
    """The XML of ``batch`` (`Row` values), numbered from ``first``, and the number of
    its last row that is not a totals row (None if none). ``head[lines]`` is the
    opening of a row whose tallest cell takes ``lines`` (`ROW` for its number)."""
    flags = list(map(_TOTAL, batch))
    if True in flags:
        made = iter(rows_of(data, [row[0] for row in batch if not row[1]], head))
        summed = iter(rows_of(totals, [row[0] for row in batch if row[1]], head))
        rows = [next(summed) if total else next(made) for total in flags]
    else:
        rows = rows_of(data, list(map(_VALUES, batch)), head)
    numbers = map(str, range(first, first + len(batch)))
    xml = "".join(map(str.replace, rows, repeat(ROW), numbers))
    if False not in flags:
        return xml, None
    return xml, first + len(flags) - 1 - flags[::-1].index(False)


def rows_of(shape: RowShape, rows: Sequence[Sequence[object]], head: dict[int, str]) -> list[str]:
    """Each row's XML with `ROW` for its number: its opening (``head``, by the lines its
    tallest cell takes), its cells, its end."""
    if not rows:
        return []
    width = len(shape.openings)
    columns: list[Sequence[object]] = []
    columns.extend(itertools.islice(zip_longest(*rows, fillvalue=MISSING), width))
    columns.extend([(MISSING,) * len(rows)] * (width - len(columns)))
    made = [column_cells(shape, index, values) for index, values in enumerate(columns)]
    tall = [list(map(shape.tall.get, made[index], repeat(1))) for index in shape.tall_columns]
    lines = tall[0] if len(tall) == 1 else map(max, *tall) if tall else repeat(1)
    return list(map("".join, zip(map(head.__getitem__, lines), *made, repeat("</row>"))))


def column_cells(shape: RowShape, index: int, values: Sequence[object]) -> list[str]:
    """The cells of column ``index`` holding ``values``, looked up, or made if new."""
    kinds = set(map(type, values))
    by_type = shape.kept[index]
    counting = shape.numbers[index]
    numbered: list[str | None] | None = None
    if counting is not None and int in kinds:  # sequences and input rows: not looked up
        whole = cast(
            Sequence[int], values if kinds == {int} else [v for v in values if type(v) is int]
        )
        digits = min(max(len(str(max(whole))), len(str(min(whole)))), shape.limits[index])
        if digits > shape.widths[index]:
            shape.widths[index] = digits
        number = f"{shape.openings[index]}{counting}{{}}</v></c>".format
        if kinds == {int}:
            return list(map(number, values))
        numbered = [number(value) if type(value) is int else None for value in values]
        kinds.discard(int)
    found: list[str | None]
    try:
        if len(kinds) == 1 and numbered is None:
            found = list(map(by_type[next(iter(kinds))].get, values))
        else:
            kept = map(by_type.__getitem__, map(type, values))
            found = list(map(dict.get, kept, values, numbered or repeat(None)))
    except TypeError:  # unhashable: made one by one
        return _fill(shape, index, numbered or [None] * len(values), values)
    if None not in found:
        return found  # type: ignore[return-value]
    if kinds == {str} and (start := shape.plain[index]) is not None:
        found = _plain_texts(shape, index, start, values, found)
        if None not in found:
            return found  # type: ignore[return-value]
    if not kinds - {Missing} <= shape.same[index]:  # values whose equals may be other cells
        return _fill(shape, index, found, values)
    # Each value not found made once, wherever it recurs in the batch.
    keys = list(zip(map(type, values), values, strict=True))
    missing = dict.fromkeys(compress(keys, map(is_, found, repeat(None))))
    made = {key: shape.cell(index, key[1]) for key in missing}
    return list(map(made.get, keys, found))  # type: ignore[arg-type]


def _plain_texts(
    shape: RowShape, index: int, start: str, values: Sequence[object], found: list[str | None]
) -> list[str | None]:
    """``found`` with the plain texts not found made, all at once, as ``shape.make`` makes
    each (`rowxml.plain_text`, one line: most ids and input references, which seldom
    recur), and kept."""
    limit, wrap = shape.limits[index], shape.wraps[index]
    missing = cast(dict[str, None], dict.fromkeys(compress(values, map(is_, found, repeat(None)))))
    plain = [text for text in missing if plain_text(text) and (not wrap or len(text) <= limit)]
    if not plain:
        return found
    head = shape.openings[index] + start
    made = dict(zip(plain, [head + text + "</t></is></c>" for text in plain], strict=True))
    width = min(max(map(len, plain)), limit)
    if width > shape.widths[index]:
        shape.widths[index] = width
    kept = shape.kept[index][str]
    if len(kept) + len(made) > CACHE_LIMIT:  # as `RowShape.cell` forgets, a batch at once
        for forgotten in kept.values():
            shape.tall.pop(forgotten, None)
        kept.clear()
    if len(made) <= CACHE_LIMIT:
        kept.update(made)
    return list(map(made.get, values, found))  # type: ignore[arg-type]


def _fill(
    shape: RowShape, index: int, found: list[str | None], values: Sequence[object]
) -> list[str]:
    """``found`` with each cell not found made (or found kept by one made before it)."""
    at = -1
    for _ in range(found.count(None)):
        at = found.index(None, at + 1)
        found[at] = shape.cell(index, values[at])
    return found  # type: ignore[return-value]
