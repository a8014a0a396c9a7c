"""A sheet's rows deflated before its workbook is packed: the zip entry's bytes, made early.

A sheet's part is its frame's head (everything before ``<sheetData>``: its views,
format and column widths), its rows, then its frame's tail (filter, print setup, page
header and footer, drawing). The head is known once the sheet's rows are written and
its widths set; the tail names the ledger record in its footer, known only once the
month is sealed. So the head and the rows, nearly all of the part, are deflated and
checksummed as soon as the sheet is written (`DeflatedRows`), and the tail added when
the package is written (`appraisal.files.xlsx.normalised_zip`). The deflate stream is
the one `zipfile` makes of the whole part: zlib's output does not depend on how its
input is cut into pieces. The head openpyxl writes then is checked against the one
deflated; should it differ, `HeadChanged` says so and the caller writes the part whole.
"""

from __future__ import annotations

import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO
from typing import IO, Any, Protocol
from zipfile import ZipFile, ZipInfo

from openpyxl.worksheet._writer import WorksheetWriter

__all__ = [
    "DeflatedEntry",
    "DeflatedRows",
    "Deflater",
    "HeadChanged",
    "sheet_head",
    "write_deflated",
]

SHEET_DATA = b"<sheetData>"
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"  # what openpyxl writes for a sheet of no rows
CHUNK = 2**20


class HeadChanged(Exception):
    """A sheet's frame before its rows is not the one its rows were deflated after."""


def sheet_head(ws: Any) -> bytes:
    """What openpyxl writes of a write-only sheet before its rows, as it now stands.

    Writing the columns sets their outline level, which the sheet's format (written
    before them) shows from then on: it is put back, so the sheet is written as if for
    the first time when the package is."""
    outline = ws.column_dimensions.max_outline, ws.sheet_format.outlineLevelCol
    out = BytesIO()
    writer = WorksheetWriter(ws, out=out)
    try:
        writer.write_top()
        writer.write_rows()  # empty: the sheet's rows are written apart (`payroll_export`)
        writer.close()
    finally:
        ws.column_dimensions.max_outline, ws.sheet_format.outlineLevelCol = outline
    head, found, _ = out.getvalue().partition(EMPTY_SHEET_DATA)
    if not found:
        raise HeadChanged(f"{ws.title}: openpyxl wrote no empty sheetData")
    return bytes(head)


class DeflatedEntry(Protocol):
    """A sheet's head and rows deflated, here (`DeflatedRows`) or in another process."""

    @property
    def level(self) -> int: ...

    def entry(self, frame: bytes) -> tuple[bytes, int, int]: ...


class DeflatedRows:
    """A sheet's head and rows, deflated at ``level`` as the start of its zip entry: the
    head as the sheet now stands, the rows as `feed` is given them."""

    def __init__(self, ws: Any, level: int) -> None:
        self.head = sheet_head(ws)
        self.level = level
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._chunks: list[bytes] = []
        self._crc = 0
        self._size = 0
        self._add(self.head + SHEET_DATA)

    def feed(self, rows: IO[bytes]) -> DeflatedRows:
        """Deflate the sheet's rows (UTF-8 row XML, from its start), then close ``rows``."""
        with rows:
            rows.seek(0)
            while chunk := rows.read(CHUNK):
                self._add(chunk)
        return self

    def _add(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        if deflated := self._deflate.compress(data):
            self._chunks.append(deflated)

    def entry(self, frame: bytes) -> tuple[bytes, int, int]:
        """The entry's deflated bytes, CRC-32 and size, for the sheet's ``frame`` as
        openpyxl writes it now (its head, no rows, its tail); `HeadChanged` if its head
        is not the one deflated. The rows are kept: an entry can be made again."""
        head, found, tail = frame.partition(EMPTY_SHEET_DATA)
        if not found or head != self.head:
            raise HeadChanged("a sheet's frame changed after its rows were deflated")
        ending = b"</sheetData>" + tail
        deflate = self._deflate.copy()
        data = b"".join((*self._chunks, deflate.compress(ending), deflate.flush()))
        return data, zlib.crc32(ending, self._crc), self._size + len(ending)


def write_deflated(
    archive: ZipFile, info: ZipInfo, entry: tuple[bytes, int, int], *, zip64: bool
) -> None:
    """Add an entry already deflated to ``archive`` (seekable, being written) exactly as
    ``archive.open(info, "w", force_zip64=zip64)`` would write its content (Python's
    `zipfile`, 3.11 to 3.13: tests/test_workbook_writer.py compares the two)."""
    data, crc, size = entry
    info.flag_bits = 0x00
    if not info.external_attr:
        info.external_attr = 0o600 << 16  # as zipfile sets it: ?rw-------
    info.compress_size, info.CRC, info.file_size = len(data), crc, size
    out = archive.fp
    if out is None:
        raise ValueError("the archive is closed")
    out.seek(archive.start_dir)
    info.header_offset = out.tell()
    archive._writecheck(info)  # type: ignore[attr-defined]
    archive._didModify = True  # type: ignore[attr-defined]
    out.write(info.FileHeader(zip64))
    out.write(data)
    archive.start_dir = out.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info


class Deflater:
    """Sheets deflated one after the other in a thread of their own while the next ones
    are written: zlib and the spool's reads let go of the interpreter meanwhile, so a
    second core deflates while the first makes rows. The bytes are the same as deflated
    here: each sheet's stream is its own."""

    def __init__(self, level: int) -> None:
        self.level = level
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deflate")
        self._started: list[tuple[Any, Future[DeflatedEntry]]] = []

    def add(self, ws: Any, rows: IO[bytes]) -> None:
        """Deflate a written sheet: its head now (openpyxl's objects stay in this
        thread), its rows (``rows``, every row written) beside."""
        start = DeflatedRows(ws, self.level)
        self._started.append((ws, self._pool.submit(start.feed, rows)))

    def add_deflated(self, ws: Any, rows: DeflatedEntry) -> None:
        """A written sheet whose rows are deflated already (in another process)."""
        done: Future[DeflatedEntry] = Future()
        done.set_result(rows)
        self._started.append((ws, done))

    def added(self) -> int:
        return len(self._started)

    def done(self) -> list[tuple[Any, DeflatedEntry]]:
        """Every sheet added, deflated (an error of the thread raised here)."""
        try:
            return [(ws, future.result()) for ws, future in self._started]
        finally:
            self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
