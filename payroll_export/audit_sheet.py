"""审计轨迹 (audit trail) and 合规提示 (compliance): what an auditor follows and checks.

The trail has one row per trace entry, in the engine's order, so each point and each
yuan leads back to an input file and row. It is the one table that can outgrow a sheet
(about ten rows per employee), so it continues on 审计轨迹 (2), (3), … as needed.

合规提示 lists the conflicts with wage law the engine found, and after them the items
it left for a person to review, so that nothing in the results goes unseen.

The workbook is always in Chinese, whatever ``--lang`` says, so that a sealed month's
workbook has one set of bytes (`replay --workbook` compares them): the sealed English
texts (effects, laws, conflicts, review items) are shown in Chinese, or as sealed for a
month an earlier release sealed (`payroll_export.wording`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from appraisal.domain.results import EmployeeResult, number
from payroll_export.model import PAY_LABELS
from payroll_export.sheet import (
    DEPARTMENT,
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    Book,
    Column,
    Part,
    Row,
)
from payroll_export.table import write_table
from payroll_export.wording import label, shown

__all__ = [
    "AUDIT_SHEET",
    "COMPLIANCE_SHEET",
    "CONFLICT",
    "REVIEW",
    "pay_field_text",
    "worded",
    "write_audit_sheets",
    "write_compliance_sheet",
]

AUDIT_SHEET = "审计轨迹"
COMPLIANCE_SHEET = "合规提示"
CONFLICT = ("合规冲突", "合规冲突 wage-law conflict")  # label(now, before 0.2.0)
REVIEW = ("待复核", "待复核 for review")

AUDIT_COLUMNS = (
    Column("序号", "seq", kind="number"),
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    Column("规则", "rule", max_width=34),
    Column("条款", "clause", max_width=40, wrap=True),
    Column("说明", "effect", max_width=50, wrap=True),
    Column("输入文件", "file", max_width=24),
    Column("行", "row", kind="number"),
    Column("分数", "points", kind="number"),
    Column("工资项", "pay_field", max_width=26),
    Column("金额", "yuan", kind="money"),
)
COMPLIANCE_COLUMNS = (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    DEPARTMENT,
    Column("类型", "kind", max_width=28),
    Column("规则", "rule", max_width=32),
    Column("法律依据", "law", max_width=30, wrap=True),
    Column("金额", "amount", kind="money"),
    Column("说明", "message", max_width=60, wrap=True),
    Column("来源", "event", max_width=22),
)


def worded() -> Callable[[str], str]:
    """`shown`, remembering what it has shown: a month's trail repeats its effects
    thousands of times. For one sheet's rows, inside one workbook's wording."""
    memo: dict[str, str] = {}

    def show(text: str) -> str:
        found = memo.get(text)
        if found is None:
            found = memo[text] = shown(text)
        return found

    return show


def pay_field_text(field: str | None) -> str | None:
    """A pay field as the trail shows it: its Chinese label and its name."""
    if field is None:
        return None
    label = PAY_LABELS.get(field)
    return f"{label[0]} {field}" if label else field


def write_audit_sheets(
    book: Book, employees: Sequence[EmployeeResult], *, max_rows: int
) -> list[Part]:
    def rows() -> Iterator[Row]:
        show = worded()
        seq = 0
        for person in employees:
            for entry in person.trace:
                seq += 1
                source = entry.source
                # As in the results: a pay field with the yuan moved into it, or neither.
                moved = entry.pay_field is not None and entry.yuan is not None
                yield Row(
                    (
                        seq,
                        person.employee_id,
                        person.name,
                        entry.rule,
                        entry.clause,
                        show(entry.effect),
                        source.file if source else None,
                        source.row if source else None,
                        None if entry.points is None else number(entry.points),
                        pay_field_text(entry.pay_field) if moved else None,
                        entry.yuan if moved else None,
                    )
                )

    return write_table(
        book, AUDIT_SHEET, AUDIT_COLUMNS, rows(), max_rows=max_rows, split=True, freeze="D3"
    )


def write_compliance_sheet(
    book: Book, employees: Sequence[EmployeeResult], *, max_rows: int
) -> list[Part]:
    def rows() -> Iterator[Row]:
        for person in employees:
            who = (person.employee_id, person.name, person.department)
            for conflict in person.compliance:
                yield Row(
                    (
                        *who,
                        label(*CONFLICT),
                        conflict.rule,
                        shown(conflict.law),
                        conflict.amount,
                        shown(conflict.message),
                        conflict.event,
                    )
                )
        for person in employees:
            who = (person.employee_id, person.name, person.department)
            for note in person.review:
                text = shown(note)
                yield Row((*who, label(*REVIEW), None, None, None, text, None))

    return write_table(
        book, COMPLIANCE_SHEET, COMPLIANCE_COLUMNS, rows(), max_rows=max_rows, split=True
    )
