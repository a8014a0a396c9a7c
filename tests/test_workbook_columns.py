"""The writer's fast path (issue 11): a table's rows a batch at a time, column by column
(`payroll_export.columns`). It must write what the row-by-row path writes, byte for
byte: the same cells, widths, row heights and filter, and the cell styles numbered in
the same order even when a style is first needed in the middle of a batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from appraisal.files import xlsx
from payroll_export.columns import batch_xml
from payroll_export.rowxml import CACHE_LIMIT, ROW, Formula, Made, RowShape
from payroll_export.sheet import Book, Column, Row, Sheet
from payroll_export.table import BATCH, extend, write_table

COLUMNS = (
    Column("序号", "seq", kind="number"),
    Column("名", "name", max_width=12),
    Column("说明", "effect", max_width=10, wrap=True),
    Column("行", "row", kind="number"),
    Column("分", "points", kind="number"),
    Column("金额", "yuan", kind="money"),
    Column("日", "day", kind="date"),
)


def varied_rows(count: int) -> list[Row]:
    """Rows of every kind of value a column meets: whole numbers that never recur, some
    missing; equal numbers of other types; texts that recur, wrap or start like a
    formula (first in column C at row 400, then in column B at row 450, in one batch:
    column by column they would be met the other way round); totals rows; rows short
    and long."""
    rows = []
    for n in range(count):
        effect = "扣分 late" if n % 3 else "迟到三次以上，按制度第十二条扣除当月绩效分数"
        points: object = (n % 5, 0.5, -0.0, 0.0, Decimal("1.50"))[n % 5]
        values: list[object] = [
            n + 1,
            "+86 员工" if n >= 450 and n % 50 == 0 else f"员工{n // 4}",
            "=SUM(A1)" if n >= 400 and n % 50 == 0 else effect,
            None if n % 7 == 0 else n * 3,
            points,
            Decimal(n % 9) if n % 2 else n % 9,
            date(2026, 10, 1 + n % 28),
        ]
        if n % 11 == 0:
            rows.append(Row(tuple(values[:3])))  # short
        elif n % 13 == 0:
            rows.append(Row((*values, "more than the columns")))
        elif n % 17 == 0:
            rows.append(Row((None, "合计", None, None, None, Formula("SUM(F3:F9)", 9)), total=True))
        else:
            rows.append(Row(tuple(values)))
    return rows


def workbook(write: str, rows: Sequence[Row], ruled: bool = False) -> bytes:
    """The workbook of ``rows`` written by `write_table`, or one `Sheet.append` a row."""
    book = Book("2026-10", "0" * 64)
    try:
        if write == "table" and not ruled:
            write_table(book, "t", COLUMNS, rows, max_rows=10_000, split=False)
        else:
            sheet = book.sheet("t", COLUMNS, ruled=ruled)
            if write == "table":
                extend(sheet, iter(rows), len(rows))
            else:
                for row in rows:
                    sheet.append(row)
            sheet.finish(sheet.widths)
        return xlsx.workbook_bytes(
            book.workbook,
            rows=[(sheet.ws, sheet.spool) for sheet in book.sheets],
            month="2026-10",
            title="t",
            description="d",
        )
    finally:
        book.close()


def test_batches_write_the_bytes_rows_one_by_one_write() -> None:
    rows = varied_rows(3 * BATCH + 5)
    assert workbook("table", rows) == workbook("append", rows)


def test_a_ruled_table_boxes_the_same_empty_cells_either_way() -> None:
    rows = varied_rows(BATCH + 40)
    assert workbook("table", rows, ruled=True) == workbook("append", rows, ruled=True)


def _shape(widths: list[int]) -> RowShape:
    """Two columns, text and number, with tails simple enough to write out by hand."""

    def make(index: int, value: object) -> Made:
        if value is None:
            return type(value), None, 0, 1
        if index == 0:
            text = str(value)
            return type(value), f'" t="inlineStr"><is><t>{text}</t></is></c>', len(text), len(text)
        return type(value), f'"><v>{value}</v></c>', len(str(value)), 1

    return RowShape(["text", "number"], [10, 10], make, widths)


class _Heads(dict[int, str]):
    def __missing__(self, lines: int) -> str:
        return f'<row r="{ROW}" ht="{lines}">' if lines > 1 else f'<row r="{ROW}">'


def test_a_batch_written_out_by_hand() -> None:
    """Rows 3 to 6: a text of two lines (its row as tall), a number looked up after it
    was made, a missing cell, and a totals row, which the filter leaves out."""
    widths = [0, 0]
    shape = _shape(widths)
    batch = [(("甲", 7), False), (("乙乙", 12345), False), ((None, 7), False), (("甲",), True)]
    xml, last = batch_xml(shape, shape, batch, 3, _Heads())
    assert xml == (
        '<row r="3"><c r="A3" t="inlineStr"><is><t>甲</t></is></c><c r="B3"><v>7</v></c></row>'
        '<row r="4" ht="2"><c r="A4" t="inlineStr"><is><t>乙乙</t></is></c>'
        '<c r="B4"><v>12345</v></c></row>'
        '<row r="5"><c r="B5"><v>7</v></c></row>'
        '<row r="6"><c r="A6" t="inlineStr"><is><t>甲</t></is></c></row>'
    )
    assert last == 5
    assert widths == [2, 5]  # 乙乙 counted as the made tail says (len 2), 12345 five


def test_whole_numbers_are_as_wide_as_the_longest_of_them() -> None:
    """After the first, whole numbers of a number column are written without a lookup;
    the widest is the longest text, a minus sign counted: -1234 is five wide."""
    widths = [0, 0]
    shape = _shape(widths)
    batch_xml(shape, shape, [((None, 7), False)], 1, _Heads())
    xml, _ = batch_xml(
        shape,
        shape,
        [((None, 88), False), ((None, -1234), False), ((None, None), False)],
        2,
        _Heads(),
    )
    assert xml == (
        '<row r="2"><c r="B2"><v>88</v></c></row><row r="3"><c r="B3"><v>-1234</v></c></row>'
        '<row r="4"></row>'
    )
    assert widths == [0, 5]


def test_a_sheet_numbers_a_new_style_in_row_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """A quote-prefixed text first met at row 400, inside the second batch: that batch
    is written row by row, the first of the sheet's batches to be but the first."""
    alone: list[int] = []
    rows_xml = Sheet.rows_xml

    def counted(sheet: Sheet, *args: Any) -> tuple[str, int | None]:
        alone.append(sheet.rows)
        return rows_xml(sheet, *args)

    monkeypatch.setattr(Sheet, "rows_xml", counted)
    rows = varied_rows(2 * BATCH)
    book = Book("2026-10", "0" * 64)
    try:
        write_table(book, "t", COLUMNS, rows, max_rows=10_000, split=False)
        spool = book.sheets[0].spool
        spool.seek(0)
        xml = spool.read().decode()
    finally:
        book.close()
    assert alone == [2, 2 + BATCH]  # after the header rows; then the batch of row 400
    quoted = xml.split("=SUM(A1)")[0].rsplit('<c r="C', 1)[1]
    plain = xml.split("迟到三次以上")[0].rsplit('<c r="C', 1)[1]
    assert quoted.split('s="')[1].split('"')[0] != plain.split('s="')[1].split('"')[0]


def test_plain_texts_made_a_batch_at_once_are_the_cells_made_one_by_one() -> None:
    """Ids and input references that never recur (ASCII, printable: `plain_text`), more
    of them than a column remembers (`CACHE_LIMIT`), some wider than a wrapping column
    (made apart: they take more than a line), some starting like a formula or with a
    space at the end (not plain), written column by column: the bytes of rows written
    one by one, widths and row heights included."""
    rows = []
    for n in range(CACHE_LIMIT + 3 * BATCH):
        name = f"K{n % 10} " if n % 97 == 0 else f"K{n}"  # the widest made at once
        effect = f"e{n}" if n % 5 else f"events.csv:{n}"  # wider than 10: two lines
        rows.append(Row((n + 1, name, "=" + effect if n % 501 == 0 else effect)))
    assert workbook("table", rows) == workbook("append", rows)


def test_plain_texts_made_at_once_go_to_a_column_that_already_has_its_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A column's first batch of plain texts is made one by one (the first gives the
    cell's tail up to the text); the batches after it, at once."""
    made: list[object] = []
    cell = RowShape.cell

    def counted(shape: RowShape, index: int, value: object) -> str:
        made.append(value)
        return cell(shape, index, value)

    monkeypatch.setattr(RowShape, "cell", counted)
    book = Book("2026-10", "0" * 64)
    try:
        sheet = book.sheet("t", COLUMNS)
        data = sheet.shape(None, False)
        batch = [((1, f"id{n}"), False) for n in range(5)]
        first, _ = batch_xml(data, data, batch, 3, sheet.heads)
        more, _ = batch_xml(data, data, [((1, "id-5"), False)], 8, sheet.heads)
    finally:
        book.close()
    # The first batch one by one (the column's tail up to the text not known yet, nor
    # the number's); the second at once.
    assert made == [1] * 5 + [f"id{n}" for n in range(5)]
    cells = [part.split("</t>")[0] for part in (first + more).split("<t>")[1:]]
    assert cells == ["id0", "id1", "id2", "id3", "id4", "id-5"]
    assert '<c r="B8" s="' in more
