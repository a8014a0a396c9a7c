"""A table written to a sheet, or over as many sheets as its size needs.

`write_table` is how the long tables (审计轨迹, 考核评分, 职级变动, 合规提示, 说明) are
written: their rows a batch at a time (`payroll_export.columns`), a batch that would
number a new cell style row by row (`Sheet.rows_xml`), so the bytes are the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from payroll_export.columns import NewStyle, batch_xml
from payroll_export.sheet import HEADER_ROWS, Book, Column, Part, Row, Sheet

__all__ = ["extend", "shared_widths", "write_table"]

BATCH = 256  # rows turned into columns at a time


def extend(sheet: Sheet, rows: Iterator[Row], room: int) -> int:
    """Write up to ``room`` rows from ``rows``, by the sheet's columns, a batch at a
    time (`payroll_export.columns`); return how many."""
    data, totals = sheet.shape(None, False), sheet.shape(None, True)
    written = 0
    while written < room:
        batch = list(itertools.islice(rows, min(BATCH, room - written)))
        if not batch:
            break
        try:
            sheet.styles_fixed = True
            xml, last = batch_xml(data, totals, batch, sheet.rows + 1, sheet.heads)
        except NewStyle:  # written row by row, its styles numbered in order
            sheet.styles_fixed = False
            xml, last = sheet.rows_xml(data, totals, batch)
        finally:
            sheet.styles_fixed = False
        sheet.write(xml)
        sheet.flush()  # a batch is a few hundred rows already: to the spool now
        sheet.rows += len(batch)
        sheet.last_filtered = last or sheet.last_filtered
        written += len(batch)
    return written


def write_table(
    book: Book,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    max_rows: int,
    split: bool,
    freeze: str = "C3",
) -> list[Part]:
    """Write a table to a sheet, or, when ``split``, over as many sheets as its size needs.

    ``rows`` are written as they come, never held together in memory. The parts of a
    split table share their column widths. A table that must not split and does not
    fit is a ValueError: a cut-off payroll would be worse than none.
    """
    capacity = max_rows - HEADER_ROWS
    if capacity < 1:
        raise ValueError(f"max_rows {max_rows} leaves no room below the {HEADER_ROWS} header rows")
    sheets = [book.sheet(title, columns, freeze)]
    parts = [Part(title, 1, 0)]
    left = iter(rows)
    while written := extend(sheets[-1], left, capacity):
        parts[-1].last += written
        following = next(left, None)
        if following is None:
            break
        if not split:
            raise ValueError(f"{title}: more than {capacity:,} rows do not fit on one sheet")
        sheets.append(book.sheet(f"{title} ({len(parts) + 1})", columns, freeze))
        parts.append(Part(sheets[-1].title, parts[-1].last + 1, parts[-1].last))
        left = itertools.chain((following,), left)
    widths = shared_widths(sheets)
    for sheet in sheets:
        sheet.finish(widths)
    return parts


def shared_widths(sheets: Sequence[Sheet]) -> list[int]:
    """The widths the sheets of one table share: each column's widest on any of them."""
    return [max(column) for column in zip(*(sheet.widths for sheet in sheets), strict=True)]
