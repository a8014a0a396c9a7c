"""工资调整 as a pay sheet HR pays from (issue 12, items 3 and 5).

The shipped example month, with deductions added here by hand (the `--deductions` input
may not be there yet): every employee pays 社保 100.00, 公积金 50.00 and 个税 10.00, and
KF001 (王建国) 25.50 of other deductions besides. The figures worked by hand:

- the roster's departments: 来宾客服组 7 (KF002 supervisor 1,600, KF005 team lead
  1,100, KF010 and KF011 specialists 1,000 each, KF013 and KF015 dismissed, so no base
  wage, KF017 intern 700: base 5,400.00), 电话客服组 10 (2,000 + 1,200 + 1,100 +
  1,100 + 5 × 1,000 + 700 = 11,100.00), 讲师组 3 (1,000 + 1,200 + 1,400 = 3,600.00);
  base 20,100.00 in all; 交通补贴 50 each: 350.00, 500.00, 150.00;
- the deductions by department: 社保 700.00 / 1,000.00 / 300.00, 公积金 350.00 /
  500.00 / 150.00, 个税 70.00 / 100.00 / 30.00, 其他 0.00 / 25.50 / 0.00; in all
  2,000.00 + 1,000.00 + 200.00 + 25.50 = 3,225.50;
- 实发 in all: the month's gross, 37,439.07 (as `appraisal run` prints it), less
  3,225.50: 34,213.57.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from test_workbook import (
    EXAMPLE_EVENTS,
    EXAMPLE_ROSTER,
    PAY_FIELDS_ROW,
    SUBTOTAL,
    TOTAL,
    Month_,
    cents,
    formulas,
    pay_people,
    pay_table,
    seal,
    sheet_xml,
)
from test_workbook_libreoffice import through_libreoffice

from appraisal.domain.deductions import Deductions
from appraisal.domain.results import MonthResults
from payroll_export import salary_workbook
from payroll_export.print_layout import PRINTABLE_CM, column_cm

DEPARTMENTS = {  # head count, base, allowances: worked by hand above
    "来宾客服组": (7, Decimal("5400.00"), Decimal("350.00")),
    "电话客服组": (10, Decimal("11100.00"), Decimal("500.00")),
    "讲师组": (3, Decimal("3600.00"), Decimal("150.00")),
}
DEDUCTED = {  # 社保, 公积金, 个税, 其他 by department
    "来宾客服组": ("700.00", "350.00", "70.00", "0.00"),
    "电话客服组": ("1000.00", "500.00", "100.00", "25.50"),
    "讲师组": ("300.00", "150.00", "30.00", "0.00"),
}
DEDUCTION_COLUMNS = ("social_insurance", "housing_fund", "income_tax", "other")
GROSS = Decimal("37439.07")
NET = Decimal("34213.57")
TITLE = "南昌迈格文化传媒有限公司 客服部 2026年10月 工资表"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Month_:
    return seal(EXAMPLE_ROSTER, [EXAMPLE_EVENTS], tmp_path_factory.mktemp("l") / "l.db")


def with_deductions(month: Month_) -> MonthResults:
    typed = MonthResults.from_json(month.results)
    employees = tuple(
        replace(
            person,
            deductions=Deductions(
                {
                    "social_insurance": Decimal("100.00"),
                    "housing_fund": Decimal("50.00"),
                    "income_tax": Decimal("10.00"),
                    "other": Decimal("25.50" if person.employee_id == "KF001" else "0.00"),
                }
            ),
        )
        for person in typed.employees
    )
    return replace(typed, employees=employees)


@pytest.fixture(scope="module")
def deducted_xlsx(example: Month_) -> bytes:
    return salary_workbook(with_deductions(example), example.manifest, example.ladder)


@pytest.fixture(scope="module")
def deducted(deducted_xlsx: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(deducted_xlsx), data_only=True)


@pytest.fixture(scope="module")
def plain(example: Month_) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(example.workbook()))


def check_department_sums(rows: list[dict[str, Any]], deductions: bool) -> None:
    """Each 小计 and the 合计 are the hand-worked sums, whoever computed them."""
    subtotals = {row["department"]: row for row in rows if row["employee_id"] == SUBTOTAL}
    assert set(subtotals) == set(DEPARTMENTS)
    for department, (people, base, allowances) in DEPARTMENTS.items():
        row = subtotals[department]
        assert row["name"] == f"{people} 人"
        assert cents(row["base"]) == base, department
        assert cents(row["allowances"]) == allowances, department
        if deductions:
            for field, amount in zip(DEDUCTION_COLUMNS, DEDUCTED[department], strict=True):
                assert cents(row[field]) == Decimal(amount), (department, field)
    total = rows[-1]
    assert total["employee_id"] == TOTAL and total["name"] == "20 人"
    assert cents(total["base"]) == Decimal("20100.00")
    assert cents(total["allowances"]) == Decimal("1000.00")
    assert cents(total["gross"]) == GROSS
    if deductions:
        assert cents(total["net"]) == NET
        assert cents(total["other"]) == Decimal("25.50")


# ------------------------------------------------------------------------ the sheet's content


def test_the_title_names_the_organisation_and_the_month(plain: openpyxl.Workbook) -> None:
    ws = plain["工资调整"]
    assert ws["C1"].value == TITLE
    assert "2026-11-05" in str(ws["C2"].value) and "元" in str(ws["C2"].value)
    assert ws.oddHeader.left.text == TITLE


def test_the_total_score_stands_beside_each_employee(
    example: Month_, plain: openpyxl.Workbook
) -> None:
    scores = {row["employee_id"]: row["total_score"] for row in pay_people(plain["工资调整"])}
    assert scores == {p["employee_id"]: p["score"]["total"] for p in example.results["employees"]}


def test_without_deductions_the_sheet_stops_at_gross(plain: openpyxl.Workbook) -> None:
    fields = [cell.value for cell in plain["工资调整"][PAY_FIELDS_ROW]]
    assert fields.index("gross") + 1 == fields.index("next_level")
    assert "net" not in fields and "social_insurance" not in fields


def test_with_deductions_gross_is_followed_by_each_deduction_and_net(
    deducted: openpyxl.Workbook,
) -> None:
    ws = deducted["工资调整"]
    fields = [cell.value for cell in ws[PAY_FIELDS_ROW]]
    start = fields.index("gross")
    assert fields[start : start + 7] == ["gross", *DEDUCTION_COLUMNS, "net", "next_level"]
    titles = [cell.value for cell in ws[PAY_FIELDS_ROW - 1]][start : start + 6]
    assert titles == ["应发工资", "社保个人", "公积金个人", "个税", "其他扣款", "实发工资"]


def test_net_is_gross_less_the_deductions_to_the_cent_for_every_employee(
    example: Month_, deducted: openpyxl.Workbook, deducted_xlsx: bytes
) -> None:
    rows = {row["employee_id"]: row for row in pay_people(deducted["工资调整"])}
    assert len(rows) == 20
    for person in example.results["employees"]:
        row = rows[person["employee_id"]]
        gross = Decimal(person["pay"]["gross"])
        assert cents(row["gross"]) == gross
        other = Decimal("25.50") if person["employee_id"] == "KF001" else Decimal(0)
        assert [cents(row[f]) for f in DEDUCTION_COLUMNS] == [100, 50, 10, other]
        assert cents(row["net"]) == gross - Decimal("160.00") - other, person["employee_id"]
    # 王建国 (KF001), 客服经理: 2,000 + 1,000 − 200 fines + 50 = 2,850.00 gross.
    assert cents(rows["KF001"]["net"]) == Decimal("2850.00") - Decimal("185.50")
    # 实发 is a formula of its row: 应发 less the sum of the deductions.
    found = formulas(sheet_xml(deducted_xlsx)["工资调整"])
    # Columns: A–E who and 总分, F–P the pay fields to 应发 (P), Q–T the deductions, U 实发.
    assert found["U5"] == "P5-SUM(Q5:T5)"


def test_subtotals_and_the_total_are_subtotal_formulas(
    deducted: openpyxl.Workbook, deducted_xlsx: bytes
) -> None:
    check_department_sums(pay_table(deducted["工资调整"]), deductions=True)
    found = formulas(sheet_xml(deducted_xlsx)["工资调整"])
    sums = [text for text in found.values() if not text.startswith("P")]
    assert sums and all(re.fullmatch(r"SUBTOTAL\(9,[A-Z]+\d+:[A-Z]+\d+\)", t) for t in sums)
    # The total runs over every employee's row from the first (row 5) to the last
    # subtotal, which SUBTOTAL leaves out.
    total_row = PAY_FIELDS_ROW + 20 + 3 + 1
    assert found[f"F{total_row}"] == f"SUBTOTAL(9,F5:F{total_row - 1})"


def test_the_signature_block_is_below_the_total(deducted: openpyxl.Workbook) -> None:
    ws = deducted["工资调整"]
    total_row = PAY_FIELDS_ROW + 20 + 3 + 1
    below = [c.value for row in ws.iter_rows(min_row=total_row + 1) for c in row if c.value]
    assert below == ["制表人：", "审核人：", "批准人：", "日期："]
    lines = [c for row in ws.iter_rows(min_row=total_row + 1) for c in row if c.border.bottom.style]
    assert len(lines) >= 4 and all(c.value is None for c in lines)


def test_the_same_month_with_deductions_gives_the_same_bytes(
    example: Month_, deducted_xlsx: bytes
) -> None:
    again = salary_workbook(with_deductions(example), example.manifest, example.ladder)
    assert again == deducted_xlsx


def test_libreoffice_recalculates_the_subtotals_to_the_hand_sums(
    deducted_xlsx: bytes, example: Month_, tmp_path: Path
) -> None:
    """LibreOffice recomputes every formula on loading (its profile says so); the
    subtotals, the total and each 实发 come back as worked by hand."""
    converted = through_libreoffice(
        {"deducted": deducted_xlsx, "plain": example.workbook()}, tmp_path
    )
    check_department_sums(pay_table(converted["deducted"]["工资调整"]), deductions=True)
    check_department_sums(pay_table(converted["plain"]["工资调整"]), deductions=False)
    for row in pay_people(converted["deducted"]["工资调整"]):
        deducted = sum((cents(row[f]) for f in DEDUCTION_COLUMNS), Decimal(0))
        assert cents(row["net"]) == cents(row["gross"]) - deducted, row["employee_id"]


# ------------------------------------------------------------------------ how it prints


def smallest_font_on_paper(ws: Worksheet) -> float:
    scale = int(ws.page_setup.scale) / 100
    sizes = [float(cell.font.sz or 11) for row in ws.iter_rows() for cell in row if cell.value]
    return min(sizes) * scale


@pytest.mark.parametrize("book", ["plain", "deducted"])
def test_the_pay_sheet_prints_legibly_on_a4_landscape_over_pages(
    book: str, request: pytest.FixtureRequest
) -> None:
    ws = request.getfixturevalue(book)["工资调整"]
    assert ws.page_setup.paperSize in (9, "9") and ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage  # never shrunk onto one page
    assert smallest_font_on_paper(ws) >= 8
    assert ws.print_title_rows == "$3:$4"  # the header, on every page
    assert ws.print_title_cols == "$A:$B"  # 工号 and 姓名, on every page
    assert ws.print_area == f"'工资调整'!$A$1:${ws.cell(1, ws.max_column).column_letter}$30"
    # The columns split over pages, each page no wider than the paper at that scale.
    breaks = [brk.id for brk in ws.col_breaks.brk]
    assert breaks
    widths = [ws.column_dimensions[cell.column_letter].width for cell in ws[PAY_FIELDS_ROW]]
    page = PRINTABLE_CM * 100 / int(ws.page_setup.scale)
    repeated = sum(column_cm(w) for w in widths[:2])
    for first, last in zip([2, *breaks], [*breaks, len(widths)], strict=True):
        assert repeated + sum(column_cm(w) for w in widths[first:last]) <= page


def test_every_sheet_prints_at_8_pt_or_more(plain: openpyxl.Workbook) -> None:
    for ws in plain.worksheets:
        assert smallest_font_on_paper(ws) >= 8, ws.title


# ------------------------------------------------------------------------ 汇总


def test_the_summary_shows_track_titles(plain: openpyxl.Workbook) -> None:
    rows = list(plain["汇总"].iter_rows(min_row=3, values_only=True))
    tracks = {row[2] for row in rows if row[0] == "按职级"}
    assert tracks == {"管理序列", "讲师序列"}


def test_the_summary_counts_employees_not_subtotals(
    example_summary_formulas: dict[str, str],
) -> None:
    groups = [f for f in example_summary_formulas.values() if f.startswith("SUMPRODUCT")]
    assert groups and all("ISNUMBER('工资调整'!$E$5:$E$27)" in f for f in groups)


@pytest.fixture(scope="module")
def example_summary_formulas(example: Month_) -> dict[str, str]:
    return formulas(sheet_xml(example.workbook())["汇总"])


def test_no_bordered_cell_around_the_charts(plain: openpyxl.Workbook) -> None:
    """The grid is not printed and only the tables' cells have borders: nothing boxes
    in the charts, which stand below the tables on a page of their own."""
    ws = plain["汇总"]
    assert not ws.print_options.gridLines
    last_table_row = max(cell.row for (cell,) in ws.iter_rows(max_col=1) if cell.value)
    for row in ws.iter_rows(min_row=last_table_row + 1):
        for cell in row:
            assert not cell.border.left.style and not cell.border.bottom.style, cell.coordinate
    charts = ws._charts
    assert len(charts) == 2
    assert all(chart.anchor._from.row >= last_table_row for chart in charts)
    assert [brk.id for brk in ws.row_breaks.brk] == [charts[0].anchor._from.row]


def test_the_chart_axes_have_room_for_their_labels(plain: openpyxl.Workbook) -> None:
    scores, payroll = plain["汇总"]._charts
    for axis in (scores.x_axis, payroll.y_axis):  # score bands; the yuan scale
        (paragraph,) = axis.txPr.p
        assert paragraph.pPr.defRPr.sz >= 900  # 9 pt, 8.1 on paper at 90 %
        assert axis.txPr.bodyPr.rot == -2_700_000  # at 45°: "100–109" on one line
    # The largest level's gross: nine 客服专员 at 1,000 + 900 + 50 a month, 17,550.00
    # before fines and deductions, and over 10,000 after them: a step of 5,000 gives at
    # most five labels, 0 to 20,000.
    assert payroll.y_axis.majorUnit == 5000
    assert payroll.y_axis.number_format.formatCode == "#,##0"
