"""Export stage: whether a workbook file is the one the ledger gives, and if not, where not.

`workbook_differences` compares a file (as given back by a user, or saved again by
another program) with the workbook of its sealed month, cell by cell
(`appraisal replay --workbook`, `appraisal check-workbook`, payslip checks).
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from appraisal.files.zipcheck import XLSX_ERRORS, xlsx_problem

__all__ = ["workbook_differences"]


def workbook_differences(expected: bytes, found: bytes, limit: int = 20) -> list[str]:
    """How a workbook file differs from the one the ledger gives, cell by cell.

    Empty when the bytes are identical, or when only the compression of the zip
    differs (another zlib version compresses the same parts to other bytes) and every
    part, in the same order, is the same. A file with the same values whose parts
    differ was saved again by another program, which is said as such.
    """
    if expected == found:
        return []
    if not found.startswith(b"PK\x03\x04"):
        return ["the file is not an Excel workbook"]
    if problem := xlsx_problem(found):  # checked before any part is inflated whole
        return [f"the file is not a readable Excel workbook: {problem}"]
    if _same_parts(expected, found):
        return []
    try:
        theirs = openpyxl.load_workbook(io.BytesIO(found), read_only=True)
    except XLSX_ERRORS as error:
        return [f"the file is not a readable Excel workbook ({type(error).__name__}: {error})"]
    ours = openpyxl.load_workbook(io.BytesIO(expected), read_only=True)
    problems: list[str] = []
    try:
        if ours.sheetnames != theirs.sheetnames:
            problems.append(f"sheets: ledger {ours.sheetnames}, file {theirs.sheetnames}")
        for name in ours.sheetnames:
            if name not in theirs.sheetnames:
                continue
            rows = itertools.zip_longest(
                ours[name].iter_rows(values_only=True), _their_rows(theirs[name], name)
            )
            for number, (mine, other) in enumerate(rows, start=1):
                cells = itertools.zip_longest(mine or (), other or ())
                for column, (a, b) in enumerate(cells, start=1):
                    if a != b and len(problems) < limit:
                        where = f"{name}!{get_column_letter(column)}{number}"
                        problems.append(f"{where}: ledger {a!r}, file {b!r}")
    except _Unreadable as error:
        problems.append(str(error))
    finally:
        ours.close()
        theirs.close()
    return problems or [
        "the cell values are the same, but the bytes are not: the file was saved again "
        "by another program"
    ]


# zipfile also raises these for a part it cannot inflate (a method it lacks, encryption)
_PART_ERRORS: tuple[type[Exception], ...] = (*XLSX_ERRORS, NotImplementedError, RuntimeError)


class _Unreadable(Exception):
    """The file's sheet broke while it was read."""


def _their_rows(sheet: Any, name: str) -> Iterator[tuple[object, ...]]:
    """The file's rows; what openpyxl raises on a malformed sheet becomes `_Unreadable`."""
    read = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            yield values
            read += 1
    except XLSX_ERRORS as error:
        where = f"{name}!A{read + 1}"
        detail = f"{type(error).__name__}: {str(error).strip()[:200]}"
        raise _Unreadable(f"{where}: the sheet cannot be read ({detail})") from None


def _same_parts(expected: bytes, found: bytes) -> bool:
    try:
        with (
            zipfile.ZipFile(io.BytesIO(expected)) as ours,
            zipfile.ZipFile(io.BytesIO(found)) as theirs,
        ):
            names = [info.filename for info in ours.infolist()]
            if names != [info.filename for info in theirs.infolist()]:
                return False
            return all(ours.read(name) == theirs.read(name) for name in names)
    except _PART_ERRORS:
        return False  # unreadable parts are not the same parts; the caller says why
