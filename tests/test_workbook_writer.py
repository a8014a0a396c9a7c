"""The workbook writer's own machinery (issue 11): cells prepared once a row shape and
a value, the deflate level each zip entry really gets, and the workbook made beside in
a child process. What the sheets say is tested in test_workbook*.py; here, that the
shortcuts never change a cell and that the level set is the level used."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from appraisal.files import xlsx
from payroll_export import rowxml
from payroll_export.sheet import Book, Column, Row
from payroll_export.table import write_table

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEET = "xl/worksheets/sheet1.xml"


def raw_entries(data: bytes) -> dict[str, tuple[bytes, bytes]]:
    """Each entry of a zip: (its deflated bytes as stored, its content)."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            # the local header: 30 bytes, then the name and the extra field
            name_length, extra_length = struct.unpack(
                "<HH", data[info.header_offset + 26 : info.header_offset + 30]
            )
            start = info.header_offset + 30 + name_length + extra_length
            found[info.filename] = (
                data[start : start + info.compress_size],
                archive.read(info),
            )
    return found


def deflated(content: bytes, level: int) -> bytes:
    deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
    return deflate.compress(content) + deflate.flush()


def table_bytes(columns: Sequence[Column], rows: Sequence[Row]) -> bytes:
    book = Book("2026-10", "0" * 64)
    try:
        write_table(book, "t", columns, rows, max_rows=10_000, split=False)
        return xlsx.workbook_bytes(
            book.workbook,
            rows=[(sheet.ws, sheet.spool) for sheet in book.sheets],
            month="2026-10",
            title="t",
            description="d",
        )
    finally:
        book.close()


def many_rows() -> list[Row]:
    """Rows enough for the levels to deflate differently (about 400 kB of XML)."""
    return [
        Row((f"E{n:05d}", f"员工{n * 7919 % 10007}", Decimal(n * 37 % 100_000) / 100))
        for n in range(3000)
    ]


COLUMNS = (Column("工号", "id"), Column("姓名", "name"), Column("金额", "yuan", kind="money"))


# --- the deflate level -----------------------------------------------------------------


@pytest.mark.parametrize("level", [1, 9])
def test_every_entry_is_deflated_at_the_level_set(
    level: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows spliced into a sheet and the parts openpyxl wrote alike: each entry's
    stored bytes are zlib's raw deflate of its content at exactly that level."""
    monkeypatch.setattr(xlsx, "COMPRESS_LEVEL", level)
    entries = raw_entries(table_bytes(COLUMNS, many_rows()))
    assert len(entries[SHEET][1]) > 300_000
    for name, (stored, content) in entries.items():
        assert stored == deflated(content, level), name


def test_the_levels_differ_so_the_test_above_can_tell_them_apart() -> None:
    content = raw_entries(table_bytes(COLUMNS, many_rows()))[SHEET][1]
    sizes = {level: len(deflated(content, level)) for level in (1, 6, 9)}
    assert len(set(sizes.values())) == 3


def test_the_workbooks_are_deflated_at_the_chosen_level_by_default() -> None:
    assert xlsx.COMPRESS_LEVEL == 2
    for name, (stored, content) in raw_entries(table_bytes(COLUMNS, many_rows())).items():
        assert stored == deflated(content, 2), name
        assert stored != deflated(content, 6) or len(content) < 200, name


def test_the_same_table_gives_the_same_bytes() -> None:
    assert table_bytes(COLUMNS, many_rows()) == table_bytes(COLUMNS, many_rows())


# --- cells made once a value ----------------------------------------------------------


def cells(data: bytes) -> list[list[tuple[str, str | None, str | None]]]:
    """Each row below the two header rows: (reference, style, value text) a cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read(SHEET))
    rows = []
    for row in list(root.iter(f"{MAIN}row"))[2:]:
        found = []
        for cell in row:
            text = cell.find(f"{MAIN}v")
            if text is None:
                text = cell.find(f"{MAIN}is/{MAIN}t")
            found.append((str(cell.get("r")), cell.get("s"), None if text is None else text.text))
        rows.append(found)
    return rows


NUMBERS = (Column("文本", "text"), Column("数", "number", kind="number"))


def test_equal_values_with_different_texts_are_never_taken_for_each_other() -> None:
    """8.5 and 8.50 are equal Decimals, 1, 1.0 and True equal numbers, 0.0 and -0.0 equal
    floats: each is written as itself, whichever came first."""
    rows = [
        Row((1, Decimal("8.5"))),
        Row((1.0, Decimal("8.50"))),
        Row((True, 8.5)),
        Row(("1", 0.0)),
        Row((Decimal("1.0"), -0.0)),
        Row((1, 7)),
        Row((1, 12345)),
    ]
    written = [[value for _, _, value in row] for row in cells(table_bytes(NUMBERS, rows))]
    assert written == [
        ["1", "8.5"],
        ["1.0", "8.50"],
        ["True", "8.5"],
        ["1", "0.0"],
        ["1.0", "-0.0"],
        ["1", "7"],
        ["1", "12345"],
    ]


def test_money_is_the_same_cell_for_equal_amounts_and_never_a_bool() -> None:
    money = (Column("金额", "yuan", kind="money"),)
    rows = [Row((Decimal("1.00"),)), Row((Decimal("1"),)), Row((1,)), Row(("1.5",))]
    written = [row[0][2] for row in cells(table_bytes(money, rows))]
    assert written == ["1.00", "1.00", "1.00", "1.50"]
    with pytest.raises(ValueError, match="money True is not a decimal number"):
        table_bytes(money, [Row((Decimal("1"),)), Row((True,))])


def test_a_repeated_text_keeps_its_quote_prefix_spaces_and_escapes() -> None:
    """The second and later rows of a text are the first's cell, on their own row."""
    rows = [Row(("=1+1", " a<b & c ")) for _ in range(3)] + [Row(("plain", "x"))]
    data = table_bytes((Column("甲", "a"), Column("乙", "b")), rows)
    written = cells(data)
    assert [row[0][0] for row in written] == ["A3", "A4", "A5", "A6"]
    assert [row[1][2] for row in written[:3]] == [" a<b & c "] * 3
    quoted = {row[0][1] for row in written[:3]}
    assert len(quoted) == 1 and quoted != {written[3][0][1]}  # the quote-prefix style
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(SHEET).decode()
    assert xml.count('<t xml:space="preserve"> a&lt;b &amp; c </t>') == 3


def test_past_the_limit_a_column_starts_again_and_stays_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rowxml, "CACHE_LIMIT", 2)
    names = ["甲", "乙", "丙", "丁", "甲", "乙", "丙", "丁", "甲"]
    written = cells(table_bytes((Column("名", "name"),), [Row((name,)) for name in names]))
    assert [row[0][2] for row in written] == names
    assert [row[0][0] for row in written] == [f"A{n}" for n in range(3, 12)]


def test_a_column_is_as_wide_as_its_widest_cell_however_often_it_recurs() -> None:
    """Widths are measured on every row, cached or not: 12345 is five wide, 员工 four."""
    book = Book("2026-10", "0" * 64)
    try:
        sheet = book.sheet("t", (Column("名", "n"), Column("数", "k", kind="number")))
        for values in (("员工", 7), ("员工", 12345), ("员工", 7)):
            sheet.append(Row(values))
        assert sheet.widths == [4, 5]  # the header 名 (2) and 数 (2) are narrower
    finally:
        book.close()
