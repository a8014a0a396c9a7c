"""What the payslips read: the passwords file, and a payslip file to compare with the ledger's.

Part of the "export" stage, beside `appraisal.export.payslips`. The passwords file is a
.csv or .xlsx read as every table is (`appraisal.read.tables.read_table`), with the
columns employee_id (工号) and password (密码); its problems are `Issue` values naming
file, row and column. A payslip that is not the ledger's is told apart as the workbook
is: its text, read back with pypdf, line by line against the text of the one the ledger
gives, or the same text in other bytes (the file was saved again).
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterator
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import PyPdfError

from appraisal.domain.model import Issue
from appraisal.export.workbook import workbook_differences
from appraisal.read.tables import read_table

__all__ = ["PASSWORD_COLUMNS", "payslip_differences", "payslip_text", "read_passwords"]

PASSWORD_COLUMNS = ("password", "密码")


def read_passwords(path: str | Path) -> tuple[dict[str, str], list[Issue]]:
    """Employee id → password, and every problem of the file (an empty password, an id
    given twice, a column missing)."""
    table, issues = read_table(path)
    if table is None:
        return {}, issues
    file = str(path)
    column = next((name for name in PASSWORD_COLUMNS if name in table.header), None)
    missing = [
        name
        for name, present in (
            ("employee_id (工号)", "employee_id" in table.header),
            ("password (密码)", column),
        )
        if not present
    ]
    if missing:
        message = f"no {' and no '.join(missing)} column; the header is {', '.join(table.titles)}"
        return {}, [*issues, Issue(file, table.header_row, None, message)]
    assert column is not None
    at_id, at_password = table.header.index("employee_id"), table.header.index(column)
    found: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        employee_id, password = cells[at_id].strip(), cells[at_password]
        if not employee_id and not password:
            continue
        if not employee_id:
            issues.append(Issue(file, row, "employee_id", "no employee id for this password"))
        elif employee_id in first_row:
            again = (
                f"{employee_id} is given a password again (first on row {first_row[employee_id]})"
            )
            issues.append(Issue(file, row, "employee_id", again))
        elif not password:
            issues.append(Issue(file, row, column, f"the password of {employee_id} is empty"))
        else:
            found[employee_id], first_row[employee_id] = password, row
    return found, issues


def payslip_text(data: bytes, password: str | None = None) -> list[str]:
    """The lines of a payslip PDF's text, page after page. Raises ValueError, saying why,
    for a file that is not a readable PDF or that its password (or none) does not open."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            if password is None:
                raise ValueError("the payslip is encrypted: its password is needed to read it")
            if reader.decrypt(password) == PasswordType.NOT_DECRYPTED:
                raise ValueError("the password given does not open the payslip")
        # pypdf reads the CMap that fpdf2 embeds as the encoding of a CID-keyed CFF font
        # (Noto Sans CJK) as if each character were two, the first a NUL; the text
        # itself is right, as poppler's pdftotext shows (tests/test_payslips.py).
        text = (page.extract_text().replace("\x00", "") for page in reader.pages)
        return [line for page in text for line in page.splitlines()]
    except (PyPdfError, KeyError, TypeError, OSError) as error:
        raise ValueError(
            f"the file is not a readable PDF ({type(error).__name__}: {error})"
        ) from None


def payslip_differences(
    expected: bytes, found: bytes, fmt: str, password: str | None = None, limit: int = 20
) -> list[str]:
    """How a payslip file differs from the one the ledger gives; [] when the bytes agree."""
    if expected == found:
        return []
    if fmt == "xlsx":
        return workbook_differences(expected, found, limit)
    try:
        theirs = payslip_text(found, password)
    except ValueError as error:
        return [str(error)]
    ours = payslip_text(expected, password)
    problems = list(_line_differences(ours, theirs))
    return problems[:limit] or [
        "the text is the same, but the bytes are not: the file was saved again by another "
        "program (or made with another version of the font)"
    ]


def _line_differences(ours: list[str], theirs: list[str]) -> Iterator[str]:
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for offset in range(max(a1 - a0, b1 - b0)):
            mine = ours[a0 + offset] if a0 + offset < a1 else None
            other = theirs[b0 + offset] if b0 + offset < b1 else None
            yield f"line {a0 + offset + 1}: ledger {mine!r}, file {other!r}"
