"""A salary workbook's 说明 (manifest) sheet read back: which sealed month and version it is.

The export stage's reader of its own writing (`payroll_export.manifest_sheet` writes the
sheet). `appraisal replay --workbook F` learns here which month and version of the ledger
the file claims to be, then rebuilds that version from the ledger and compares. A draft
workbook (`appraisal run --dry-run`: 草稿, no record hash) belongs to no version.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from appraisal.domain.errors import InputError
from appraisal.domain.model import Issue, Month
from appraisal.files.zipcheck import XLSX_ERRORS, xlsx_problem
from appraisal.i18n import _
from payroll_export.manifest_sheet import MANIFEST_SHEET, MONTH_ITEM, RECORD_ITEM

__all__ = ["DRAFT_MARK", "WorkbookManifest", "read_manifest"]

DRAFT_MARK = "草稿"
# The manifest's rows as `payroll_export.manifest_sheet` writes them, (项目, 名称) → 值:
# labelled in Chinese from 0.2.0, bilingually before (`payroll_export.wording`).
MONTH_ROWS = tuple((item, None) for item in MONTH_ITEM)
VERSION_ROWS = tuple((item, "version") for item in RECORD_ITEM)
HASH_ROWS = tuple((item, "record_hash") for item in RECORD_ITEM)
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Far more than the manifest of any month: it lists the input files and the split sheets.
MAX_MANIFEST_ROWS = 10_000


@dataclass(frozen=True)
class WorkbookManifest:
    """What a workbook's 说明 sheet says it is. ``draft``: a preview, sealed as nothing;
    then ``version`` and ``record_hash`` are None."""

    month: str
    version: int | None
    record_hash: str | None
    draft: bool


def read_manifest(data: bytes, path: Path | str) -> WorkbookManifest:
    """The month and ledger version a salary workbook's 说明 sheet names.

    Raises `InputError` naming the file, sheet, row and column of every problem (not a
    workbook, no 说明 sheet, no month, a version that is not a number).
    """
    where = f"{path}[{MANIFEST_SHEET}]"
    problem = (
        _("the file is not an Excel workbook")
        if not data.startswith(b"PK\x03\x04")
        else xlsx_problem(data)
    )
    if problem is not None:
        raise InputError([Issue(str(path), None, None, problem)], what="workbook")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        message = _("cannot be read as a workbook: {error}").format(error=error)
        raise InputError([Issue(str(path), None, None, message)], what="workbook") from error
    try:
        if MANIFEST_SHEET not in book.sheetnames:
            message = _(
                "no {sheet} (manifest) sheet: not a salary-adjustment workbook written by "
                "appraisal run or export"
            ).format(sheet=MANIFEST_SHEET)
            raise InputError([Issue(str(path), None, None, message)], what="workbook")
        cells = _cells(book[MANIFEST_SHEET])
    finally:
        book.close()
    return _manifest(cells, where)


def _cells(sheet: object) -> dict[tuple[str, str | None], tuple[int, str]]:
    """Each (项目, 名称) of the sheet → (row, 值); the first of a pair counts."""
    cells: dict[tuple[str, str | None], tuple[int, str]] = {}
    rows = sheet.iter_rows(max_row=MAX_MANIFEST_ROWS, max_col=3, values_only=True)  # type: ignore[attr-defined]
    for number, row in enumerate(rows, start=1):
        item, name, value = (*row, None, None, None)[:3]
        if item is None:
            continue
        key = (str(item).strip(), None if name in (None, "") else str(name).strip())
        cells.setdefault(key, (number, "" if value is None else str(value).strip()))
    return cells


def _row(
    cells: dict[tuple[str, str | None], tuple[int, str]],
    keys: tuple[tuple[str, str | None], ...],
) -> tuple[int, str] | None:
    """The row of the first of ``keys`` the sheet has (its label as one release wrote it)."""
    return next((cells[key] for key in keys if key in cells), None)


def _manifest(cells: dict[tuple[str, str | None], tuple[int, str]], where: str) -> WorkbookManifest:
    value_column = get_column_letter(3)
    issues: list[Issue] = []
    month_at = _row(cells, MONTH_ROWS)
    month = ""
    if month_at is None:
        issues.append(Issue(where, None, None, _("no 考核月份 month row: which month is this?")))
    else:
        try:
            month = str(Month.parse(month_at[1]))
        except ValueError as error:
            issues.append(
                Issue(where, month_at[0], value_column, _("the month: {error}").format(error=error))
            )
    # Only the sheet's own labels count, and a value that starts with the mark: an amend
    # reason that mentions 草稿 does not make a sealed month's workbook a draft.
    draft = any(
        DRAFT_MARK in item or DRAFT_MARK in (name or "") or value.startswith(DRAFT_MARK)
        for (item, name), (_number, value) in cells.items()
    )
    hash_at = _row(cells, HASH_ROWS)
    if hash_at is None or not _SHA256.fullmatch(hash_at[1]):
        draft = True  # a preview has no record: no hash to tie it to the ledger
    if draft:
        if issues:
            raise InputError(issues, what="workbook")
        return WorkbookManifest(month, None, None, True)
    assert hash_at is not None
    version_at = _row(cells, VERSION_ROWS)
    version = None
    if version_at is None:
        issues.append(Issue(where, None, None, _("no 账本记录 ledger record version row")))
    elif not version_at[1].isdigit():
        message = _("the ledger version is {value}, not a version number").format(
            value=repr(version_at[1])
        )
        issues.append(Issue(where, version_at[0], value_column, message))
    else:
        version = int(version_at[1])
    if issues:
        raise InputError(issues, what="workbook")
    return WorkbookManifest(month, version, hash_at[1], False)
