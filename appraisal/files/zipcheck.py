"""An .xlsx checked before any library parses it: a zip bomb or a sheet too big is refused.

openpyxl and calamine trust what a workbook says about itself. A 2 MB file that inflates
to 2 GB, or one cell at column XFD below thousands of rows (calamine builds the sheet as
a dense rows × columns grid, 32 bytes a cell), exhausts memory before either says a word.
`xlsx_problem` reads the zip directory, then inflates every part as a stream with a cap
(never trusting the sizes the directory declares), checks its CRC, and scans each
worksheet's XML as it goes by: the declared ``<dimension ref="A1:…">``, the number of
rows, and every cell reference that lies beyond the declared dimension. It builds
nothing and holds at most one chunk of a part in memory.

The limits are named here and quoted by the messages. The biggest legitimate inputs
pass: a 100,000-employee roster or events workbook (about 1,000,000 rows, 450 MB of
sheet XML as openpyxl writes it, 12:1), the managers' form and the ZKTeco and DingTalk
exports.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from xml.etree.ElementTree import ParseError

from openpyxl.utils.exceptions import InvalidFileException

from appraisal.files.package import package_problem
from appraisal.i18n import _

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "XLSX_ERRORS",
    "xlsx_problem",
]

MAX_UNCOMPRESSED_BYTES = 1024 * 2**20  # every part together, inflated: 1 GiB
MAX_RATIO = 100  # inflated : compressed, for each part over RATIO_GRACE_BYTES
RATIO_GRACE_BYTES = 2**20  # a small part (an empty sheet) may compress better than that
MAX_MEMBERS = 10_000  # parts in the package
MAX_ROWS = 1_048_576  # a sheet's rows: Excel's own limit
MAX_COLUMNS = 16_384  # a sheet's columns: Excel's own limit, column XFD
MAX_CELLS = 20_000_000  # a sheet's used range, rows × columns (calamine holds it whole)

# What openpyxl raises, while it opens a workbook or streams its rows, for a file that
# passed `xlsx_problem` but is still malformed: a part missing (KeyError), XML cut short
# (ParseError), a bad value in styles.xml (TypeError, ValueError), a shared-string index
# out of range (IndexError), a bad t="d" date (ValueError, OverflowError). Callers catch
# these around the library's calls only, so that a bug in their own code still shows.
XLSX_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    zlib.error,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OverflowError,
    AttributeError,
    EOFError,
    OSError,
    struct.error,
)

_CHUNK = 2**20  # inflated bytes scanned at a time
_CARRY = 64  # bytes kept from the end of a chunk, for a reference cut in two
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … name length, extra length
_WORKSHEET = re.compile(rb"<(?:[\w.-]+:)?worksheet[\s>]")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)")
_ROW_REF = re.compile(rb'row r="([0-9]+)"')
# any ``r`` attribute (``showRuler="0"`` too, which only adds a harmless row 0)
_ANY_REF = re.compile(rb"r\s*=\s*[\"']\$?([A-Za-z]{0,3})\$?([0-9]+)")
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]+)?(?::\$?([A-Za-z]{1,3})?\$?([0-9]+)?)?")
_ROW_TAGS = (b"<row", b":row")  # <rowBreaks> is counted too: one more row at most


# An events workbook is checked by the export detector and again by the events reader:
# the second check of the same bytes is remembered, not inflated again.
@lru_cache(maxsize=2)
def xlsx_problem(data: bytes) -> str | None:
    """What makes ``data`` unsafe or unfit to parse as a workbook, or None when it may be."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return _("a damaged zip archive ({error})").format(error=error)
    if len(members) > MAX_MEMBERS:
        return _("{members:,} parts in the zip archive; at most {max_members:,} are read").format(
            members=len(members), max_members=MAX_MEMBERS
        )
    declared = sum(info.file_size for info in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        return _too_big(declared)
    budget = MAX_UNCOMPRESSED_BYTES
    for info in members:
        problem, size = _inflate(data, info, budget)
        if problem is not None:
            return problem
        budget -= size
    return package_problem(data)


def _too_big(size: int) -> str:
    return _(
        "inflates to {size} or more; at most {max_uncompressed_bytes} (MAX_UNCOMPRESSED_BYTES) is read"
    ).format(size=_mb(size), max_uncompressed_bytes=_mb(MAX_UNCOMPRESSED_BYTES))


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: int) -> tuple[str | None, int]:
    """Inflate one part as a stream, at most ``budget`` bytes; its problem and its size."""
    part = info.filename
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
        return _("a damaged zip archive (no local header for {part})").format(part=part), 0
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[1:]
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    compressed = memoryview(data)[begin : begin + info.compress_size]
    if len(compressed) < info.compress_size:
        return _("a damaged zip archive ({part} is cut short)").format(part=part), 0
    if info.flag_bits & 0x1:
        return _("{part} is encrypted: a password-protected workbook cannot be read").format(
            part=part
        ), 0
    if info.compress_type == zipfile.ZIP_STORED:
        inflate = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        return _("{part} is compressed with method {compress_type}; only deflate is read").format(
            part=part, compress_type=info.compress_type
        ), 0
    cap = min(budget, max(info.file_size, 0)) + 1  # one byte more than declared is a lie
    scan = _SheetScan(part) if _is_sheet_name(part) else None
    size, crc, position, pending = 0, 0, 0, b""
    while True:
        if inflate is None:
            chunk = bytes(compressed[position : position + _CHUNK])
            position += len(chunk)
        else:
            if not pending:
                pending = bytes(compressed[position : position + _CHUNK])
                position += len(pending)
            try:
                chunk = inflate.decompress(pending, min(_CHUNK, cap - size))
            except zlib.error as error:
                return _("a damaged zip archive ({part}: corrupt compressed data, {error})").format(
                    part=part, error=error
                ), size
            pending = inflate.unconsumed_tail
        if not chunk:
            if inflate is not None and not inflate.eof and (pending or position < len(compressed)):
                continue
            break
        size += len(chunk)
        if size >= cap:
            if size > budget:
                return _too_big(MAX_UNCOMPRESSED_BYTES - budget + size), size
            return _("a damaged zip archive ({part} inflates to more than it declares)").format(
                part=part
            ), size
        if size > RATIO_GRACE_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            return (
                _("{part} inflates more than {max_ratio}:1 (MAX_RATIO), as a zip bomb does").format(
                    part=part, max_ratio=MAX_RATIO
                ),
                size,
            )
        crc = zlib.crc32(chunk, crc)
        if scan is None and size == len(chunk) and _WORKSHEET.search(chunk[:4096]):
            scan = _SheetScan(part)
        if scan is not None and (problem := scan.feed(chunk)) is not None:
            return problem, size
    if inflate is not None and not inflate.eof:
        return _("a damaged zip archive ({part} is cut short)").format(part=part), size
    if size != info.file_size or crc != info.CRC:
        return _("a damaged zip archive ({part} fails its checksum)").format(part=part), size
    return (scan.finish() if scan is not None else None), size


def _is_sheet_name(part: str) -> bool:
    return part.startswith("xl/worksheets/") and part.endswith(".xml")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater(text: str, alphabet: str, longest: int) -> bytes:
    """A regex for every string of ``alphabet`` after ``text`` in its order (longer
    first, then place by place), up to ``longest`` long: columns after ``AM``, rows
    after ``110001``."""
    low, high = alphabet[0], alphabet[-1]
    lead = alphabet[1] if low == "0" else low  # a number has no leading zero
    choices = []
    if len(text) < longest:
        choices.append(f"[{lead}-{high}][{low}-{high}]{{{len(text)},{longest - 1}}}")
    for i, char in enumerate(text):
        above = alphabet[alphabet.index(char) + 1 :]
        if above:
            rest = len(text) - i - 1
            choices.append(f"{text[:i]}[{above[0]}-{high}][{low}-{high}]{{{rest}}}")
    return "|".join(choices or ["(?!)"]).encode()


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0


class _SheetScan:
    """A worksheet's XML, chunk by chunk: its dimension, rows and far cell references.

    Rows are counted by their tags; the used range is the declared dimension, unless a
    cell or row reference lies beyond it, and then every reference from there on is
    read (references before it lay inside the dimension).
    """

    def __init__(self, part: str) -> None:
        self.part = part
        self.carry = b""
        self.row_tags = 0
        self.row_tags_of: tuple[bytes, ...] = _ROW_TAGS[:1]
        self.seen_start = False
        self.dimension: _Extent | None = None
        self.found = _Extent()
        self.beyond: re.Pattern[bytes] | None = None
        self.exact = False

    def feed(self, chunk: bytes) -> str | None:
        text = self.carry + chunk
        edge = len(self.carry)
        for tag in self.row_tags_of:
            # a tag that starts in the carried bytes was not whole in the last chunk
            self.row_tags += text.count(tag, max(0, edge - len(tag) + 1))
        if self.row_tags > MAX_ROWS:
            return self._rows_problem(self.row_tags, last_row=False)
        if not self.seen_start:
            self.seen_start = True
            root = _WORKSHEET.search(text)
            if root is not None and b":" in root.group():  # <x:worksheet>: prefixed tags
                self.row_tags_of = _ROW_TAGS
                self.row_tags += text.count(b":row")
            if (problem := self._start(text)) is not None:
                return problem
        if not self.exact and self.beyond is not None and self.beyond.search(text):
            self.exact = True
        if self.exact:
            for letters, digits in _ANY_REF.findall(text):
                self._note(int(digits), column_number(letters.decode()) if letters else 0)
        else:
            for digits in _ROW_REF.findall(text):
                self._note(int(digits), 0)
        self.carry = text[-_CARRY:]
        return self._extent_problem()

    def _start(self, text: bytes) -> str | None:
        """The dimension, which comes before the rows; without one every reference is read."""
        match = _DIMENSION.search(text)
        data_start = text.find(b"sheetData")
        if match is None or (data_start >= 0 and match.start() > data_start):
            self.exact = True
            return None
        extent = _range_extent(match.group(1).decode("ascii", "replace"))
        if extent is None:
            self.exact = True
            return None
        self.dimension = extent
        if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS:
            return self._dimension_problem(extent)
        if extent.rows * extent.columns > MAX_CELLS:
            return self._dimension_problem(extent)
        columns = _greater(column_letters(extent.columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3)
        # A row past the dimension with as many digits is found by its row tag (every
        # tag is read); a cell's own reference is only checked for more digits, which
        # keeps this one scan cheap.
        self.beyond = re.compile(
            rb'r="(?:(?:'
            + columns
            + rb"|[A-Z]{4,})[0-9]|[A-Z]{1,3}[0-9]{%d})" % (len(str(extent.rows)) + 1)
        )
        return None

    def _note(self, row: int, column: int) -> None:
        self.found.rows = max(self.found.rows, row)
        self.found.columns = max(self.found.columns, column)

    def _used(self) -> _Extent:
        declared = self.dimension or _Extent()
        rows = max(self.found.rows, declared.rows, self.row_tags)
        columns = max(self.found.columns, declared.columns)
        return _Extent(rows, columns)

    def _extent_problem(self) -> str | None:
        used = self._used()
        if used.rows > MAX_ROWS:
            return self._rows_problem(used.rows, last_row=True)
        if used.columns > MAX_COLUMNS:
            return _(
                "the sheet {part} has a cell in column {columns:,}; at most "
                "{max_columns:,} (MAX_COLUMNS, column {letters}) are read"
            ).format(
                part=self.part,
                columns=used.columns,
                max_columns=MAX_COLUMNS,
                letters=column_letters(MAX_COLUMNS),
            )
        if used.rows * max(used.columns, 1) > MAX_CELLS:
            return _(
                "the sheet {part} uses {rows:,} rows × {columns:,} columns "
                "(up to {last_cell}) = {cells:,} cells; at most {max_cells:,} (MAX_CELLS) are read"
            ).format(
                part=self.part,
                rows=used.rows,
                columns=used.columns,
                last_cell=f"{column_letters(used.columns)}{used.rows}",
                cells=used.rows * used.columns,
                max_cells=MAX_CELLS,
            )
        return None

    def finish(self) -> str | None:
        return self._extent_problem()

    def _rows_problem(self, rows: int, *, last_row: bool) -> str:
        if last_row:
            message = _(
                "the sheet {part} has {rows:,} as its last row; at most {max_rows:,} (MAX_ROWS) are read"
            )
        else:
            message = _(
                "the sheet {part} has {rows:,} rows; at most {max_rows:,} (MAX_ROWS) are read"
            )
        return message.format(part=self.part, rows=rows, max_rows=MAX_ROWS)

    def _dimension_problem(self, extent: _Extent) -> str:
        where = f"A1:{column_letters(extent.columns)}{extent.rows}"
        return _(
            "the sheet {part} declares its size as {where} ({rows:,} rows × "
            "{columns:,} columns); at most {max_rows:,} rows (MAX_ROWS), "
            "{max_columns:,} columns (MAX_COLUMNS) and {max_cells:,} cells (MAX_CELLS) are read"
        ).format(
            part=self.part,
            where=where,
            rows=extent.rows,
            columns=extent.columns,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
            max_cells=MAX_CELLS,
        )


def _range_extent(text: str) -> _Extent | None:
    """The far corner of a range such as ``A1:XFD1048576`` (or ``B3``); None if unreadable."""
    match = _RANGE.fullmatch(text.strip())
    if match is None:
        return None
    first_col, first_row, last_col, last_row = match.groups()
    letters = last_col or first_col
    digits = last_row or first_row
    if letters is None or digits is None:
        return None
    return _Extent(int(digits), column_number(letters))
