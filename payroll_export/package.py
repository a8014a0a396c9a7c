"""The .xlsx file itself: the same content always gives the same bytes.

openpyxl stamps the save time into the document properties and into every zip entry.
Here the properties come from the month and the entries are rewritten with a fixed
time, a fixed order and fixed compression, so two runs of one sealed month (or a
replay a year later) produce identical files, and a file's sha256 identifies it.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

__all__ = ["ZIP_TIME", "normalised_zip", "workbook_bytes"]

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can record
COMPRESS_LEVEL = 6
CREATOR = "appraisal"
# The package's own parts first, as Office writes them; then every part by name.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def workbook_bytes(workbook: Workbook, *, month: str, title: str, description: str) -> bytes:
    """Save a workbook with properties fixed by the month, then make its zip canonical."""
    props = workbook.properties
    stamp = datetime.strptime(month, "%Y-%m")  # the first day of the month, 00:00
    props.created = props.modified = stamp
    props.creator = props.lastModifiedBy = CREATOR
    props.title = title
    props.description = description
    # No formula result is stored, so any spreadsheet must compute them on opening.
    workbook.calculation.fullCalcOnLoad = True
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        # ExcelWriter rather than Workbook.save, which sets `modified` to the clock.
        ExcelWriter(workbook, archive).write_data()
    return normalised_zip(buffer.getvalue())


def normalised_zip(data: bytes) -> bytes:
    """The same entries with fixed times, attributes, order and compression."""
    out = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(out, "w", allowZip64=True) as target:
        for name in sorted(source.namelist(), key=_order):
            info = ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = ZIP_DEFLATED
            info.create_system = 0  # not the writer's operating system
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=COMPRESS_LEVEL)
    return out.getvalue()


def _order(name: str) -> tuple[int, str]:
    return (_FIRST.index(name), "") if name in _FIRST else (len(_FIRST), name)
