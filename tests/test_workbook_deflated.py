"""A sheet's rows deflated before the package is written (issue 11): the entry is the one
`zipfile` makes of the whole part, and the sheet is written as if never looked at."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from appraisal.files import xlsx
from appraisal.files.deflated import DeflatedRows, HeadChanged, sheet_head, write_deflated
from payroll_export.sheet import Book, Column, Row
from payroll_export.table import write_table

COLUMNS = (Column("工号", "id"), Column("金额", "yuan", kind="money"))
ROWS = [Row((f"E{n:05d}", n * 37 % 100_000)) for n in range(2000)]


def zipped(parts: list[tuple[str, bytes]], *, early: bool, level: int = 2) -> bytes:
    """A zip of ``parts`` in canonical entries, each written by zipfile or deflated first."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for index, (name, content) in enumerate(parts):
            info = xlsx.zip_entry(name, level)
            zip64 = index % 2 == 0
            if early:
                deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
                data = deflate.compress(content) + deflate.flush()
                write_deflated(
                    archive, info, (data, zlib.crc32(content), len(content)), zip64=zip64
                )
            else:
                with archive.open(info, "w", force_zip64=zip64) as entry:
                    entry.write(content)
    return out.getvalue()


def test_an_entry_deflated_first_is_written_as_zipfile_writes_it() -> None:
    parts = [("a.xml", b"<a>" * 5000), ("b/c.xml", bytes(range(256)) * 40), ("d", b"")]
    assert zipped(parts, early=True) == zipped(parts, early=False)
    with zipfile.ZipFile(io.BytesIO(zipped(parts, early=True))) as archive:
        assert archive.testzip() is None
        assert [archive.read(name) for name, _ in parts] == [content for _, content in parts]


def book_with_rows() -> Book:
    book = Book("2026-10", "0" * 64)
    write_table(book, "t", COLUMNS, ROWS, max_rows=10_000, split=False)
    return book


def packed(book: Book, *, early: bool) -> bytes:
    sheet = book.sheets[0]
    deflated = [(sheet.ws, DeflatedRows(sheet.ws, 2).feed(sheet.spool))] if early else []
    return xlsx.workbook_bytes(
        book.workbook,
        rows=[] if early else [(sheet.ws, sheet.spool)],
        deflated=deflated,
        month="2026-10",
        title="t",
        description="d",
    )


def test_a_sheet_deflated_early_gives_the_bytes_of_one_spliced_in() -> None:
    early, late = book_with_rows(), book_with_rows()
    try:
        assert packed(early, early=True) == packed(late, early=False)
    finally:
        early.close()
        late.close()


def test_looking_at_a_sheets_head_leaves_the_sheet_as_it_was() -> None:
    """openpyxl's first writing of the columns sets an outline level its sheet format
    then shows (outlineLevelCol="0"): the head is looked at without that."""
    looked, untouched = book_with_rows(), book_with_rows()
    try:
        head = sheet_head(looked.sheets[0].ws)
        assert b"outlineLevelCol" not in head
        assert head == sheet_head(looked.sheets[0].ws)
        assert packed(looked, early=False) == packed(untouched, early=False)
    finally:
        looked.close()
        untouched.close()


def test_a_frame_changed_after_its_rows_were_deflated_is_refused() -> None:
    book = book_with_rows()
    try:
        sheet = book.sheets[0]
        deflated = DeflatedRows(sheet.ws, 2).feed(sheet.spool)
        frame = deflated.head + b"<sheetData></sheetData><pageMargins/></worksheet>"
        first = deflated.entry(frame)
        assert deflated.entry(frame) == first  # made again, the same
        part = zlib.decompress(first[0], -15)
        assert (len(part), zlib.crc32(part)) == (first[2], first[1])
        assert part.startswith(deflated.head + b'<sheetData><row r="1">')
        assert part.endswith(b"</row></sheetData><pageMargins/></worksheet>")
        with pytest.raises(HeadChanged):
            deflated.entry(frame.replace(b"<cols>", b"<cols><col/>"))
    finally:
        book.close()
