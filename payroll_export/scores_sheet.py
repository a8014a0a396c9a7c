"""考核评分 (scores): every score item of every employee, then the employee's total.

Long format, one row per score item: the items differ from person to person (six
rewards, thirteen penalties, attendance, each of which may occur twice), so a wide
table would be mostly empty columns and could not show two penalties of one clause
apart. The 类型 (row) column lets HR's filter give either view: 合计 rows alone are the
one-line-per-employee table of totals; one employee's rows are their score sheet.
Effects are shown in Chinese, as the whole workbook (`payroll_export.audit_sheet`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from appraisal.domain.results import EmployeeResult, number
from payroll_export.audit_sheet import worded
from payroll_export.model import explain
from payroll_export.sheet import (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    Book,
    Column,
    Part,
    Row,
)
from payroll_export.table import write_table
from payroll_export.wording import label

__all__ = ["ITEM", "SCORES_SHEET", "TOTAL", "write_scores_sheet"]

SCORES_SHEET = "考核评分"
ITEM = "评分项 item"
TOTAL = "合计 total"
MONTHLY_SCORE = ("月度考核总分", "月度考核总分 monthly score")  # label(now, before 0.2.0)

COLUMNS = (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    Column("类型", "row", max_width=12),
    Column("规则", "rule", max_width=32),
    Column("条款", "clause", max_width=40, wrap=True),
    Column("说明", "effect", max_width=50, wrap=True),
    Column("来源", "event", max_width=22),
    Column("分数", "points", kind="number"),
    Column("加分", "add", kind="number"),
    Column("扣分余额", "deduct_left", kind="number"),
    Column("总分", "total", kind="number"),
    Column("降级原因", "demotion_reasons", max_width=44, wrap=True),
)


def write_scores_sheet(
    book: Book, employees: Sequence[EmployeeResult], *, max_rows: int
) -> list[Part]:
    # Points are written as the results' JSON numbers are (`number`): 147, 8.5.
    def rows() -> Iterator[Row]:
        show = worded()
        for person in employees:
            identity = (person.employee_id, person.name)
            for entry in person.trace:
                if entry.points is None:
                    continue
                yield Row(
                    (
                        *identity,
                        ITEM,
                        entry.rule,
                        entry.clause,
                        show(entry.effect),
                        entry.event,
                        number(entry.points),
                    )
                )
            score = person.score
            reasons, _ = explain(person, "demotion", person.demotion_reasons)
            yield Row(
                (
                    *identity,
                    TOTAL,
                    None,
                    label(*MONTHLY_SCORE),
                    None,
                    None,
                    None,
                    number(score.add),
                    number(score.deduct_left),
                    number(score.total),
                    reasons,
                ),
                total=True,
            )

    return write_table(book, SCORES_SHEET, COLUMNS, rows(), max_rows=max_rows, split=True)
