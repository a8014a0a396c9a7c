"""The changes workbook (变动明细) of `appraisal reseal --out` and `appraisal what-if --out`:
a summary sheet (汇总: per month and department, back pay 补发 and clawback 扣回) and a
sheet per month (one row per employee whose figures change).

`changes_workbook(report)` returns the .xlsx as bytes; like the salary workbook it
imports only the result types and the xlsx packager, and lays its sheets out through
`payroll_export.sheet` (Chinese headings over English field names, money as exact
decimals). The same report always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from appraisal.domain.pauses import without_cycle_collection
from appraisal.files.xlsx import workbook_bytes
from appraisal.i18n import N_, _
from payroll_export.changes_model import ChangeReport, EmployeeChange, MonthChanges
from payroll_export.model import PAY_LABELS
from payroll_export.sheet import (
    DEPARTMENT,
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    MAX_SHEET_ROWS,
    Book,
    Column,
    Row,
)
from payroll_export.table import write_table

__all__ = ["MONTH_COLUMNS", "SUMMARY_COLUMNS", "SUMMARY_SHEET", "changes_workbook"]

SUMMARY_SHEET = "汇总"
ALL_DEPARTMENTS = N_("合计 total")  # in the language of the command, as its report
ALL_MONTHS = N_("总计 all months")
ZERO = Decimal("0.00")
# The pay fields whose difference has a column of its own (gross has three, below).
DIFFERENCE_FIELDS = tuple(name for name in PAY_LABELS if name != "gross")

SUMMARY_COLUMNS = (
    Column("月份", "month", max_width=16),
    Column("部门", "department", max_width=20),
    Column("变动人数", "employees", kind="number"),
    Column("应发 前", "gross_before", kind="money"),
    Column("应发 后", "gross_after", kind="money"),
    Column("补发", "back_pay", kind="money"),
    Column("扣回", "clawback", kind="money"),
    Column("净额", "net", kind="money"),
    Column("比较", "compared", max_width=50, wrap=True),
)

MONTH_COLUMNS = (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    DEPARTMENT,
    Column("月份", "month", max_width=10),
    Column("总分 前", "score_before", kind="number"),
    Column("总分 后", "score_after", kind="number"),
    Column("职级 前", "level_before", max_width=20),
    Column("职级 后", "level_after", max_width=20),
    Column("下月职级 前", "next_level_before", max_width=20),
    Column("下月职级 后", "next_level_after", max_width=20),
    Column("评优 前", "titles_before", max_width=24, wrap=True),
    Column("评优 后", "titles_after", max_width=24, wrap=True),
    *(
        Column(f"{PAY_LABELS[name][0]} 差额", f"{name}_change", kind="money")
        for name in DIFFERENCE_FIELDS
    ),
    Column("应发 前", "gross_before", kind="money"),
    Column("应发 后", "gross_after", kind="money"),
    Column("补发(+)/扣回(−)", "gross_change", kind="money"),
    Column("规则", "rules", max_width=40, wrap=True),
)


@without_cycle_collection()
def changes_workbook(report: ChangeReport, *, max_rows: int = MAX_SHEET_ROWS) -> bytes:
    """The report as an .xlsx: 汇总 first, then one sheet per month, in calendar order."""
    if not report.months:
        raise ValueError(_("a changes workbook needs at least one month"))
    first = report.months[0].month
    book = Book(first, "")
    try:
        write_table(
            book, SUMMARY_SHEET, SUMMARY_COLUMNS, _summary_rows(report),
            max_rows=max_rows, split=False, freeze="C3",
        )  # fmt: skip
        for month in report.months:
            write_table(
                book, month.month, MONTH_COLUMNS, _month_rows(month),
                max_rows=max_rows, split=True, freeze="D3",
            )  # fmt: skip
        for sheet in book.sheets:  # not one sealed record: the footer names the report
            sheet.ws.oddFooter.left.text = report.title
        return workbook_bytes(
            book.workbook,
            rows=[(sheet.ws, sheet.spool) for sheet in book.sheets],
            month=first,
            title=_("变动明细 changes: {title}").format(title=report.title),
            description="; ".join(report.notes),
        )
    finally:
        book.close()


def _summary_rows(report: ChangeReport) -> Iterator[Row]:
    for month in report.months:
        compared = f"{month.before_label} → {month.after_label}"
        for department in month.departments():
            yield Row(
                (
                    month.month,
                    department.department,
                    department.employees,
                    department.gross_before,
                    department.gross_after,
                    department.back_pay,
                    department.clawback,
                    department.net,
                    compared,
                )
            )
        yield Row(
            (
                month.month,
                _(ALL_DEPARTMENTS),
                len(month.changes),
                sum((c.gross.before for c in month.changes), ZERO),
                sum((c.gross.after for c in month.changes), ZERO),
                month.back_pay,
                month.clawback,
                month.net,
                compared,
            ),
            total=True,
        )
    yield Row(
        (
            _(ALL_MONTHS),
            _(ALL_DEPARTMENTS),
            report.changed,
            None,
            None,
            report.back_pay,
            report.clawback,
            report.net,
            report.title,
        ),
        total=True,
    )


def _month_rows(month: MonthChanges) -> Iterator[Row]:
    for change in month.changes:
        yield Row(_change_values(change))


def _change_values(change: EmployeeChange) -> tuple[object, ...]:
    differences = []
    for name in DIFFERENCE_FIELDS:
        field = change.field(name)
        differences.append(field.delta if field is not None else None)
    return (
        change.employee_id,
        change.name,
        change.department,
        change.month,
        change.score_before,
        change.score_after,
        change.level_before,
        change.level_after,
        change.next_level_before,
        change.next_level_after,
        "\n".join(change.titles_before),
        "\n".join(change.titles_after),
        *differences,
        change.gross.before,
        change.gross.after,
        change.gross.delta,
        ", ".join(change.rules),
    )
