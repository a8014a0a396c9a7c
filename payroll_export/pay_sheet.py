"""工资调整 (salary adjustment): the sheet payroll pays from, one row per employee.

Every figure is the engine's, rounded once per field; the totals row is =SUM formulas,
so the sheet adds up in any spreadsheet, each stored with the exact sum of the
employees' amounts as its result; 汇总 (summary) refers to the sheet's ranges.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from openpyxl.utils import get_column_letter

from appraisal.domain.results import EmployeeResult
from payroll_export.model import PAY_COLUMNS, PAY_LABELS, LevelLabel, Manifest, level_text, pay_date
from payroll_export.sheet import (
    DEPARTMENT,
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    HEADER_ROWS,
    Book,
    Column,
    Formula,
    Row,
    write_table,
)
from payroll_export.text import money_sum

__all__ = ["PAY_SHEET", "pay_range", "write_pay_sheet"]

PAY_SHEET = "工资调整"
DISMISSED = "开除 dismissed"

_IDENTITY = (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    DEPARTMENT,
    Column("本月职级", "level", max_width=28),
)
COLUMNS = (
    *_IDENTITY,
    *(Column(*PAY_LABELS[name], kind="money") for name in PAY_COLUMNS),
    Column("下月职级", "next_level", max_width=28),
    Column("发薪日", "pay_date", kind="date"),
)
_INDEX = {column.en: index for index, column in enumerate(COLUMNS, 1)}


def pay_range(field: str, people: int, *, absolute_column: bool = True) -> str:
    """The data cells of one column, as a reference from another sheet."""
    letter = get_column_letter(_INDEX[field])
    lock = "$" if absolute_column else ""
    first, last = HEADER_ROWS + 1, HEADER_ROWS + people
    return f"'{PAY_SHEET}'!{lock}{letter}${first}:{lock}{letter}${last}"


def write_pay_sheet(
    book: Book,
    employees: Sequence[EmployeeResult],
    manifest: Manifest,
    ladder: Mapping[str, LevelLabel],
    *,
    max_rows: int,
) -> None:
    paid_on = pay_date(manifest.month, manifest.pay_day_of_month)

    def rows() -> Iterator[Row]:
        for person in employees:
            pay = person.pay
            yield Row(
                (
                    person.employee_id,
                    person.name,
                    person.department,
                    level_text(person.level, ladder),
                    *(pay[name] for name in PAY_COLUMNS),
                    DISMISSED if person.dismissal else level_text(person.next_level, ladder),
                    paid_on,
                )
            )
        yield _totals(employees)

    write_table(book, PAY_SHEET, COLUMNS, rows(), max_rows=max_rows, split=False)


def _totals(employees: Sequence[EmployeeResult]) -> Row:
    people = len(employees)
    first, last = HEADER_ROWS + 1, HEADER_ROWS + people
    sums: list[object] = []
    for name in PAY_COLUMNS:
        letter = get_column_letter(_INDEX[name])
        total = money_sum(person.pay[name] for person in employees)
        sums.append(Formula(f"=SUM({letter}{first}:{letter}{last})", total) if people else "0.00")
    return Row(("合计 total", f"{people} 人 employees", None, None, *sums), total=True)
