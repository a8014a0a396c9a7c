"""The .xlsx file itself: the same content always gives the same bytes.

openpyxl writes the package around the sheets (styles, views, print setup, charts);
each sheet's rows, written as text by `payroll_export.rowxml`, are spliced into its
``<sheetData>`` here. openpyxl also stamps the save time into the document properties
and into every zip entry: here the properties come from the month and the entries are
rewritten with a fixed time, a fixed order and fixed compression, so two runs of one
sealed month (or a replay a year later) produce identical files, and a file's sha256
identifies it. (Deflate's output is zlib's: machines with another zlib version may
compress the same parts to other bytes.)

Every entry is deflated at `COMPRESS_LEVEL`, set on the entry itself: an entry opened
with a `ZipInfo` of its own keeps zlib's default level (6) whatever the archive says.
Level 2 (zlib's fast strategy) was chosen by measurement on the workbook of 10,000
employees (176 MB of XML): 0.40 s and 19.0 MB, where level 6 takes 1.18 s for 15.6 MB
and level 1 as long as 2 for 21.0 MB (bench/workbook.py --levels prints the table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from io import BytesIO
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from appraisal.files.deflated import (
    CHUNK,
    EMPTY_SHEET_DATA,
    DeflatedEntry,
    HeadChanged,
    write_deflated,
)

__all__ = [
    "COMPRESS_LEVEL",
    "ZIP_TIME",
    "deflate_level",
    "normalised_zip",
    "workbook_bytes",
    "zip_entry",
]

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can record
COMPRESS_LEVEL = 2
CREATOR = "appraisal"
# The package's own parts first, as Office writes them; then every part by name.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def workbook_bytes(
    workbook: Workbook,
    *,
    month: str,
    title: str,
    description: str,
    rows: Sequence[tuple[Any, IO[bytes]]] = (),
    level: int | None = None,
    deflated: Sequence[tuple[Any, DeflatedEntry]] = (),
) -> bytes:
    """Save a workbook with properties fixed by the month, then make its zip canonical.

    ``rows`` pairs a write-only worksheet with the spool of its row XML (UTF-8), to splice in;
    a workbook whose cells openpyxl holds itself (the input template) passes none.
    ``deflated`` pairs others with their rows deflated already (`DeflatedRows`, at
    ``level``): `HeadChanged` if one's frame changed since. ``level`` is the deflate
    level (`COMPRESS_LEVEL` unless given).
    """
    props = workbook.properties
    stamp = datetime.strptime(month, "%Y-%m")  # the first day of the month, 00:00
    props.created = props.modified = stamp
    props.creator = props.lastModifiedBy = CREATOR
    props.title = title
    props.description = description
    # The formulas' stored results are for readers that do not calculate; spreadsheets
    # are told to compute every formula on opening all the same, so what they show is
    # what the formulas say of the cells, never merely what the writer stored.
    workbook.calculation.fullCalcOnLoad = True
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        # ExcelWriter rather than Workbook.save, which sets `modified` to the clock.
        ExcelWriter(workbook, archive).write_data()
    # A sheet's part name is known once openpyxl has numbered the sheets, on writing.
    spliced = {str(ws.path).lstrip("/"): spool for ws, spool in rows}
    early = {str(ws.path).lstrip("/"): part for ws, part in deflated}
    return normalised_zip(buffer.getvalue(), spliced, level, early)


def normalised_zip(
    data: bytes,
    rows: Mapping[str, IO[bytes]] | None = None,
    level: int | None = None,
    deflated: Mapping[str, DeflatedEntry] | None = None,
) -> bytes:
    """The same entries with fixed times, attributes, order and compression (``level``,
    `COMPRESS_LEVEL` unless given), and the rows of ``rows`` (part name → spool of row
    XML) in their sheets' ``<sheetData>``, or of ``deflated`` (part name → its head and
    rows deflated at that level already: `appraisal.files.deflated`)."""
    rows = rows or {}
    deflated = deflated or {}
    out = BytesIO()
    with (
        ZipFile(BytesIO(data)) as source,
        ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as target,
    ):
        for name in sorted(source.namelist(), key=_order):
            info = zip_entry(name, level)
            content = source.read(name)
            if name in deflated:
                if deflated[name].level != getattr(info, _LEVEL_ATTRIBUTE):
                    raise HeadChanged(f"{name} was deflated at another level")
                write_deflated(target, info, deflated[name].entry(content), zip64=True)
                continue
            with target.open(info, "w", force_zip64=name in rows) as entry:
                if name in rows:
                    _splice(content, rows[name], entry)
                else:
                    entry.write(content)
    return out.getvalue()


def zip_entry(name: str, level: int | None = None) -> ZipInfo:
    """A zip entry of the canonical form: fixed time and attributes, deflated at ``level``
    (`COMPRESS_LEVEL` unless given)."""
    info = ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = ZIP_DEFLATED
    info.create_system = 0  # not the writer's operating system
    info.external_attr = 0
    # ZipFile.open(info, "w") deflates at the entry's own level: `compress_level` from
    # Python 3.13, `_compresslevel` before (3.11, 3.12), None being zlib's default.
    setattr(info, _LEVEL_ATTRIBUTE, deflate_level(level))
    return info


def deflate_level(level: int | None = None) -> int:
    """The level an entry is deflated at: ``level``, or `COMPRESS_LEVEL`."""
    return COMPRESS_LEVEL if level is None else level


_LEVEL_ATTRIBUTE = "compress_level" if hasattr(ZipInfo, "compress_level") else "_compresslevel"


def _splice(sheet: bytes, spool: IO[bytes], out: IO[bytes]) -> None:
    head, found, tail = sheet.partition(EMPTY_SHEET_DATA)
    if not found or EMPTY_SHEET_DATA in tail:
        raise AssertionError("a sheet written with rows of its own; expected empty sheetData")
    out.write(head + b"<sheetData>")
    spool.seek(0)
    while chunk := spool.read(CHUNK):
        out.write(chunk)
    out.write(b"</sheetData>" + tail)


def _order(name: str) -> tuple[int, str]:
    return (_FIRST.index(name), "") if name in _FIRST else (len(_FIRST), name)
