"""Payslips (工资条): one file per employee of a sealed month, and the check of one.

The "export" stage, from the sealed record alone (`appraisal payslips --month M --out DIR`):
the month is read through the ledger with its chain verified (`read_sealed`, or the
version asked for), each employee's payslip is laid out (`payslip_content.slip_of`) and
written as a PDF (`payslip_pdf`, a CJK font embedded, encrypted with the employee's
password when a passwords file is given) or a workbook (`payslip_xlsx`), named
``工号_姓名_YYYY-MM.pdf``. The same sealed month gives the same bytes, so
`verify_payslip` proves a file by making it again and comparing, as `replay --workbook`
proves the workbook.

Nothing is written while anything is wrong: a missing password, two employees whose
file names would be the same, an unreadable passwords file are all reported, together,
before the first file. The files are made in a hidden folder inside DIR, each written
atomically, and moved into place only when every one of them is made, so an error (or
Ctrl-C) part way leaves no payslip half written and DIR as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from appraisal.domain.errors import AppraisalError, InputError, WriteFailed
from appraisal.domain.model import Issue, Month
from appraisal.domain.results import EmployeeResult
from appraisal.domain.suggest import closest
from appraisal.export.payslip_content import Slip, slip_characters, slip_of
from appraisal.export.payslip_font import cut_down, find_font
from appraisal.export.payslip_pdf import payslip_pdf
from appraisal.export.payslip_read import payslip_differences, read_passwords
from appraisal.export.payslip_xlsx import payslip_xlsx
from appraisal.export.statement import UnknownEmployee
from appraisal.files.output import write_atomic
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.writer import read_sealed
from appraisal.policy.loaded import load_policy_bundle
from payroll_export.model import pay_date
from payroll_export.wording import wording_of

__all__ = [
    "FORMATS",
    "PayslipCheck",
    "payslip_bytes",
    "payslip_name",
    "verify_payslip",
    "write_payslips",
]

FORMATS = ("pdf", "xlsx")
MAX_NAME_BYTES = 255  # a file name on ext4, APFS, NTFS (in UTF-16 units there; fewer bytes)
# Characters no file name may hold on one system or another (Windows refuses these).
_UNSAFE = set('/\\:*?"<>|')


def write_payslips(
    ledger_path: str | Path,
    month: Month | str,
    out_dir: str | Path,
    *,
    version: int | None = None,
    fmt: str = "pdf",
    passwords: str | Path | None = None,
) -> list[Path]:
    """Write every employee's payslip of a sealed month into ``out_dir``; return the paths.

    ``version`` is a version of the month in the ledger (default: the current one);
    ``passwords`` a .csv or .xlsx of employee_id (工号) and password (密码): every PDF is
    then encrypted (AES-256) to open with its employee's password. Raises `LedgerError`
    (`NotSealed`, `ChainBroken`), `InputError` (the passwords file, names that clash),
    `AppraisalError` (no CJK font; passwords with xlsx) or `WriteFailed`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if passwords is not None and fmt != "pdf":
        raise AppraisalError("--passwords encrypts PDF payslips only: use --format pdf")
    record = read_sealed(ledger_path, month, version)
    book = _Payslips(record)
    secrets = _passwords_for(book.employees, passwords)
    names = _names(book.employees, record.month, fmt)
    slips = [book.slip(person) for person in book.employees]
    font = find_font() if fmt == "pdf" else None
    target = Path(out_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target, prefix=".payslips-"))
    except OSError as error:
        raise WriteFailed(str(target), error.strerror or str(error)) from error
    try:
        made = staging / "made"
        made.mkdir()
        if font is not None:
            font = cut_down(font, slip_characters(slips), staging)
        for slip in slips:
            if font is None:
                data = payslip_xlsx(slip, record_hash=record.record_hash)
            else:
                password = None if secrets is None else secrets[slip.employee_id]
                data = payslip_pdf(slip, font, record_hash=record.record_hash, password=password)
            write_atomic(made / names[slip.employee_id], data)
        written = []
        for slip in slips:
            name = names[slip.employee_id]
            os.replace(made / name, target / name)
            written.append(target / name)
        return written
    except OSError as error:
        raise WriteFailed(error.filename or str(target), error.strerror or str(error)) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def payslip_bytes(
    record: SealedMonth, employee_id: str, *, fmt: str = "pdf", password: str | None = None
) -> bytes:
    """One employee's payslip of a sealed record, the very bytes `write_payslips` writes."""
    book = _Payslips(record)
    slip = book.slip(book.find(employee_id))
    if fmt == "xlsx":
        return payslip_xlsx(slip, record_hash=record.record_hash)
    slips = [book.slip(person) for person in book.employees]
    with tempfile.TemporaryDirectory(prefix="appraisal-payslip-") as folder:
        font = cut_down(find_font(), slip_characters(slips), Path(folder))
        return payslip_pdf(slip, font, record_hash=record.record_hash, password=password)


@dataclass(frozen=True)
class PayslipCheck:
    """A payslip file compared with the one the ledger gives for its employee and month."""

    identical: bool  # byte for byte
    differences: tuple[str, ...]  # empty when identical


def verify_payslip(
    found: bytes | str | Path,
    ledger_path: str | Path,
    month: Month | str,
    employee_id: str,
    *,
    version: int | None = None,
    password: str | None = None,
) -> PayslipCheck:
    """`replay --payslip`: is this file the payslip of ``employee_id`` in the sealed month?

    The payslip is made again from the ledger (the current version, or ``version``), in
    the file's format (PDF or xlsx), and compared byte for byte; an encrypted PDF needs
    its ``password`` to be made again. When the bytes differ, the differences say how:
    lines of text that differ, or the same text saved again by another program.
    """
    data = found if isinstance(found, bytes) else Path(found).read_bytes()
    record = read_sealed(ledger_path, month, version)
    fmt = "xlsx" if data.startswith(b"PK\x03\x04") else "pdf"
    if not data.startswith((b"%PDF", b"PK\x03\x04")):
        return PayslipCheck(False, ("the file is neither a PDF nor an Excel workbook",))
    expected = payslip_bytes(record, employee_id, fmt=fmt, password=password)
    if expected == data:
        return PayslipCheck(True, ())
    return PayslipCheck(False, tuple(payslip_differences(expected, data, fmt, password)))


def payslip_name(employee_id: str, name: str, month: str, fmt: str) -> str:
    """``工号_姓名_YYYY-MM.pdf``, safe as a file name on any system: no path separator,
    control or reserved character (each becomes ``_``), no leading dot (a hidden file), no
    trailing dot or space, and at most `MAX_NAME_BYTES` bytes of UTF-8 (the name cut)."""
    tail = f"_{month}.{fmt}"
    person = _safe(employee_id)
    full_name = _safe(name)
    while len(f"{person}_{full_name}{tail}".encode()) > MAX_NAME_BYTES and full_name:
        full_name = full_name[:-1]
    stem = f"{person}_{full_name}".lstrip(". ").rstrip(". ") or "_"
    return f"{stem}{tail}"


def _safe(text: str) -> str:
    kept = "".join(
        "_" if c in _UNSAFE or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in text
    )
    return kept.strip() or "_"


class _Payslips:
    """What every payslip of a record shares: the policy's titles, the pay day, the footer."""

    def __init__(self, record: SealedMonth) -> None:
        self.record = record
        in_force = load_policy_bundle(record.policy_sources).in_force(record.period)
        self.level_titles = in_force.level_titles()
        # The organisation's name is a policy setting (issue 12) a policy may not have yet.
        found = getattr(in_force.doc, "organisation", None)
        self.organisation = found if isinstance(found, str) and found.strip() else None
        self.pay_date = pay_date(record.month, in_force.doc.pay.pay_day_of_month).isoformat()
        results = record.month_results()
        self.employees = tuple(sorted(results.employees, key=lambda p: p.employee_id))

    def find(self, employee_id: str) -> EmployeeResult:
        for person in self.employees:
            if person.employee_id == employee_id:
                return person
        ids = [person.employee_id for person in self.employees]
        raise UnknownEmployee(employee_id, closest(employee_id, ids))

    def slip(self, person: EmployeeResult) -> Slip:
        record = self.record
        with wording_of(record.engine_version):  # as the release that sealed it worded it
            return slip_of(
                person,
                month=record.month,
                organisation=self.organisation,
                level_titles=self.level_titles,
                pay_date=self.pay_date,
                record=record.record_hash,
                version=record.version,
                policy=(record.policy_id, record.policy_version),
            )


def _passwords_for(
    employees: Sequence[EmployeeResult], path: str | Path | None
) -> Mapping[str, str] | None:
    """Each employee's password, or None without a passwords file; every employee of the
    month must have one, and every problem is reported at once (`InputError`)."""
    if path is None:
        return None
    found, issues = read_passwords(path)
    issues += [
        Issue(str(path), None, "employee_id", f"no password for {p.employee_id} ({p.name})")
        for p in employees
        if p.employee_id not in found
    ]
    if issues:
        raise InputError(issues, what="passwords")
    return found


def _names(employees: Sequence[EmployeeResult], month: str, fmt: str) -> dict[str, str]:
    """Each employee's file name; two that would be the same file (on a system that does
    not tell case apart too) are an `InputError` naming both, before anything is written."""
    names: dict[str, str] = {}
    taken: dict[str, str] = {}
    issues = []
    for person in employees:
        name = payslip_name(person.employee_id, person.name, month, fmt)
        other = taken.setdefault(name.casefold(), person.employee_id)
        if other != person.employee_id:
            issues.append(
                Issue(
                    name,
                    None,
                    None,
                    f"the payslips of {other} and {person.employee_id} would have the same "
                    "file name: make their employee ids or names differ",
                )
            )
        names[person.employee_id] = name
    if issues:
        raise InputError(issues, what="payslips")
    return names
