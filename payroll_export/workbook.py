"""The salary-adjustment workbook (工资调整表): the "export" stage's spreadsheet.

read → validate → resolve policy → evaluate → check → seal → **export**

`salary_workbook` reads the results of one sealed month (`MonthResults`, interface.md
"Results") and returns the .xlsx as bytes; the caller decides where they go. Each sheet has a
module of its own; this function is their table of contents, in the order HR reads
them. Employees appear in employee_id order and the trail in the engine's order, so the
same results and manifest always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import EmployeeResult, MonthResults
from appraisal.files.xlsx import workbook_bytes
from payroll_export.audit_sheet import write_audit_sheets, write_compliance_sheet
from payroll_export.changes_sheet import write_changes_sheet
from payroll_export.manifest_sheet import write_manifest_sheet
from payroll_export.model import DRAFT, PAY_COLUMNS, LevelLabel, Manifest, check_matches
from payroll_export.pay_sheet import PAY_SHEET_ROWS, write_pay_sheet
from payroll_export.payslip_sheet import PAYSLIP_SHEET, write_payslip_sheet
from payroll_export.scores_sheet import write_scores_sheet
from payroll_export.sheet import MAX_SHEET_ROWS, Book
from payroll_export.summary_sheet import write_summary_sheet
from payroll_export.text import clean_text, money_text
from payroll_export.wording import compress_level, label, wording_of

__all__ = ["salary_workbook"]


@without_cycle_collection()  # tens of thousands of rows, no reference cycles
def salary_workbook(
    results: MonthResults,
    manifest: Manifest,
    ladder: Sequence[LevelLabel] = (),
    *,
    max_rows: int = MAX_SHEET_ROWS,
) -> bytes:
    """The month's salary-adjustment workbook, as the bytes of an .xlsx file.

    ``ladder`` gives the levels' titles and the order of the summary; without it levels
    show by id. ``max_rows`` is the most rows a sheet may hold (Excel's limit unless a
    test asks for less); a longer audit trail, score list, change list or compliance
    list goes on over further sheets, and 说明 (manifest) says so. Raises ValueError
    when the manifest describes another month or policy, or a figure is not money.
    """
    check_matches(results, manifest)
    employees = sorted(results.employees, key=lambda person: person.employee_id)
    _check_money(employees)
    departments = len({clean_text(person.department) for person in employees})
    # the title, the header, the employees, a subtotal a department, the total, the
    # blank row and the signatures
    if PAY_SHEET_ROWS + len(employees) + departments > max_rows:
        raise ValueError(
            f"工资调整 (salary adjustment): {len(employees):,} employees and their totals "
            f"do not fit on one sheet of {max_rows:,} rows"
        )
    # 工资条: a title row, then a strip (header, values, spacer) each; a month whose
    # strips pass a sheet's rows goes on over 工资条 (2), (3)…, as the other long parts do.
    strips = max(max_rows // 3, 1)
    levels = {level.id: level for level in ladder}
    book = Book(manifest.month, manifest.record_text)
    # Sealed texts worded as the release that sealed the month worded them.
    with wording_of(manifest.engine_version):
        try:
            layout = write_pay_sheet(book, employees, manifest, levels)
            for part, start in enumerate(range(0, max(len(employees), 1), strips), 1):
                name = PAYSLIP_SHEET if part == 1 else f"{PAYSLIP_SHEET} ({part})"
                write_payslip_sheet(book, employees[start : start + strips], manifest, name)
            parts = {
                label("考核评分", "考核评分 scores"): write_scores_sheet(
                    book, employees, max_rows=max_rows
                ),
                label("职级变动", "职级变动 level changes"): write_changes_sheet(
                    book, employees, manifest.month, levels, max_rows=max_rows
                ),
                label("审计轨迹", "审计轨迹 audit trail"): write_audit_sheets(
                    book, employees, max_rows=max_rows
                ),
                label("合规提示", "合规提示 compliance"): write_compliance_sheet(
                    book, employees, max_rows=max_rows
                ),
            }
            write_summary_sheet(book, employees, ladder, manifest.demotion_line, layout)
            write_manifest_sheet(
                book,
                manifest,
                employees=len(employees),
                trace_entries=sum(len(person.trace) for person in employees),
                parts=parts,
                max_rows=max_rows,
            )
            return workbook_bytes(
                book.workbook,
                rows=[(sheet.ws, sheet.spool) for sheet in book.sheets],
                month=manifest.month,
                title=_title(manifest),
                description=_description(manifest),
                level=compress_level(manifest.engine_version),  # as its release deflated it
            )
        finally:
            book.close()


def _title(manifest: Manifest) -> str:
    title = f"{manifest.month} 工资调整表 salary adjustment"
    return f"{DRAFT} {title}" if manifest.draft else title


def _description(manifest: Manifest) -> str:
    if manifest.draft:
        return f"{DRAFT}：未封存，无账本记录；制度 sha256 {manifest.policy_sha256}"
    return (
        f"ledger record {manifest.record_hash} "
        f"(version {manifest.ledger_version}, seq {manifest.ledger_seq}); "
        f"policy sha256 {manifest.policy_sha256}"
    )


def _check_money(employees: Sequence[EmployeeResult]) -> None:
    """Every figure is money to the cent, checked before a sheet is begun: a workbook
    is never left half written."""
    for person in employees:
        for name in PAY_COLUMNS:
            money_text(person.pay[name])
        if person.deductions is not None:
            for amount in person.deductions.values.values():
                money_text(amount)
        for entry in person.trace:
            if entry.yuan is not None:
                money_text(entry.yuan)
        for conflict in person.compliance:
            money_text(conflict.amount)
