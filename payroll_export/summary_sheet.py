"""汇总 (summary): payroll by level and by department, the score distribution, two charts.

The group figures are formulas over 工资调整 (salary adjustment), so the summary can
never disagree with the sheet payroll pays from. They match with EXACT rather than
SUMIF: SUMIF reads its criterion as a pattern (``*``, ``?``, ``<5``, ``=x``), and a
department is free text from the roster.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.utils import get_column_letter

from payroll_export.model import DEMOTION_LINE, PAY_COLUMNS, PAY_LABELS, LevelLabel, level_text
from payroll_export.pay_sheet import pay_range
from payroll_export.sheet import HEADER_ROWS, Book, Column, Formula, Row, Sheet
from payroll_export.text import clean_text

__all__ = ["BY_DEPARTMENT", "BY_LEVEL", "SUMMARY_SHEET", "write_summary_sheet"]

SUMMARY_SHEET = "汇总"
BY_LEVEL = "按职级 by level"
BY_DEPARTMENT = "按部门 by department"
BLANK = "(未填 blank)"
BAND_WIDTH = 10  # points per bar of the score distribution; 140 falls on a band edge
CM_PER_WIDTH = 0.19  # a column width unit is one digit of the default font, about 0.19 cm

COLUMNS = (
    Column("分组", "grouping", max_width=20),
    Column("组", "group", max_width=30),
    Column("序列", "track", max_width=14),
    Column("人数", "head_count", kind="number"),
    *(Column(*PAY_LABELS[name], kind="money") for name in PAY_COLUMNS),
)
BAND_COLUMNS = (
    Column("分数段", "score_band"),
    Column(f"低于{DEMOTION_LINE}分 (降级)", f"below {DEMOTION_LINE} (demotion)", kind="number"),
    Column(f"{DEMOTION_LINE}分及以上", f"{DEMOTION_LINE} or more", kind="number"),
)
_MONEY_START = 5  # column E: the first pay field


def write_summary_sheet(
    book: Book,
    employees: Sequence[Mapping[str, Any]],
    ladder: Sequence[LevelLabel],
) -> None:
    labels = {level.id: level for level in ladder}
    known = [(level_text(level.id, labels), level.track) for level in ladder]
    others = sorted({e["level"] for e in employees} - set(labels))
    levels = known + [(level_text(level, labels), "") for level in others]
    departments = sorted({clean_text(e["department"]) for e in employees})
    people = len(employees)

    first = HEADER_ROWS + 1  # levels, their total, departments, their total
    level_rows = [first + i for i in range(len(levels))]
    department_rows = [first + len(levels) + 1 + i for i in range(len(departments))]
    group_rows = [
        *(
            _group(BY_LEVEL, label, track, "level", people, row)
            for (label, track), row in zip(levels, level_rows, strict=True)
        ),
        *(
            _group(BY_DEPARTMENT, name, "", "department", people, row)
            for name, row in zip(departments, department_rows, strict=True)
        ),
    ]
    sheet = book.sheet(SUMMARY_SHEET, COLUMNS)
    written = [sheet.append(row) for row in group_rows[: len(levels)]]
    sheet.append(_totals(f"{BY_LEVEL} 合计 total", level_rows))
    written += [sheet.append(row) for row in group_rows[len(levels) :]]
    assert written == level_rows + department_rows, "summary rows out of place"
    sheet.append(_totals(f"{BY_DEPARTMENT} 合计 total", department_rows))
    filter_to = sheet.last_filtered

    sheet.append_blank()
    anchor = sheet.rows + 1
    sheet.append_header(BAND_COLUMNS)
    band_rows = [sheet.append(Row(band), BAND_COLUMNS) for band in _bands(employees)]
    sheet.finish(filter_to=filter_to)

    # The charts stand side by side right of the distribution they draw, as wide as
    # the table above, so that fit-to-width prints them large and beside their data.
    widths = [width + 2 for width in sheet.widths]
    room = sum(widths[len(BAND_COLUMNS) :]) * CM_PER_WIDTH
    width = max(12.0, room / 2 - 0.3)
    first_chart = get_column_letter(len(BAND_COLUMNS) + 1)
    if band_rows:
        chart = _score_chart(sheet, band_rows, width)
        sheet.ws.add_chart(chart, f"{first_chart}{anchor}")
    if level_rows:
        beside = _column_after(widths, centimetres=width + 0.3, start=len(BAND_COLUMNS))
        sheet.ws.add_chart(_payroll_chart(sheet, level_rows, width), f"{beside}{anchor}")


def _group(grouping: str, name: str, track: str, field: str, people: int, row: int) -> Row:
    """One group's head count and pay totals, as formulas over 工资调整.

    The group is named by the text in column B of its own row: no input text is ever
    copied into a formula (where Excel would also cap it at 255 characters).
    """
    if not people:
        return Row((grouping, name or BLANK, track, 0, *("0.00" for _ in PAY_COLUMNS)))
    criterion = f"$B{row}" if name else '""'  # a blank department is shown as BLANK
    keys = pay_range(field, people)
    count = Formula(f"=SUMPRODUCT(--EXACT({keys},{criterion}))", width=6)
    sums = (
        Formula(f"=SUMPRODUCT(EXACT({keys},{criterion})*{pay_range(pay_field, people)})")
        for pay_field in PAY_COLUMNS
    )
    return Row((grouping, name or BLANK, track, count, *sums))


def _totals(label: str, rows: Sequence[int]) -> Row:
    if not rows:
        return Row((label, None, None, 0, *("0.00" for _ in PAY_COLUMNS)), total=True)
    first, last = rows[0], rows[-1]
    sums = [
        Formula(f"=SUM({letter}{first}:{letter}{last})")
        for letter in (get_column_letter(c) for c in range(4, _MONEY_START + len(PAY_COLUMNS)))
    ]
    return Row((label, None, None, *sums), total=True)


def _bands(employees: Sequence[Mapping[str, Any]]) -> list[tuple[str, int, int]]:
    """Head count per score band, every band from the lowest score to the highest."""
    scores = [Decimal(str(e["score"]["total"])) for e in employees]
    if not scores:
        return []
    counts = Counter(math.floor(s / BAND_WIDTH) * BAND_WIDTH for s in scores)
    whole = all(s == s.to_integral_value() for s in scores)
    bands = []
    for low in range(min(counts), max(counts) + 1, BAND_WIDTH):
        high = f"{low + BAND_WIDTH - 1}" if whole else f"<{low + BAND_WIDTH}"
        below = counts[low] if low < DEMOTION_LINE else 0
        above = counts[low] if low >= DEMOTION_LINE else 0
        bands.append((f"{low}–{high}", below, above))
    return bands


def _score_chart(sheet: Sheet, rows: Sequence[int], width: float) -> BarChart:
    # Two series, split at the demotion line: the colour changes where 140 falls, and
    # the legend names the line.
    chart = _bar_chart(
        f"分数分布 score distribution ({DEMOTION_LINE}分降级线 demotion line)",
        "总分 total score",
        "人数 head count",
        width,
    )
    first, last = rows[0], rows[-1]
    for column, colour in ((2, "C00000"), (3, "2E75B6")):
        series = Series(
            Reference(sheet.ws, min_col=column, min_row=first, max_row=last),
            title=f"{BAND_COLUMNS[column - 1].zh} {BAND_COLUMNS[column - 1].en}",
        )
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
        chart.series.append(series)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    chart.overlap = 100  # the two series share each band's place
    chart.gapWidth = 40
    chart.y_axis.majorUnit = None
    chart.y_axis.number_format = "0"
    return chart


def _payroll_chart(sheet: Sheet, rows: Sequence[int], width: float) -> BarChart:
    chart = _bar_chart("各职级应发工资 payroll (gross) by level", "职级 level", "元 yuan", width)
    gross = _MONEY_START + PAY_COLUMNS.index("gross")
    series = Series(
        Reference(sheet.ws, min_col=gross, min_row=rows[0], max_row=rows[-1]),
        title="应发工资 gross",
    )
    series.graphicalProperties.solidFill = "2E75B6"
    chart.series.append(series)
    chart.set_categories(Reference(sheet.ws, min_col=2, min_row=rows[0], max_row=rows[-1]))
    # Bars lying down, so that the level titles read across; the ladder from the top.
    chart.type = "bar"
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"  # and the yuan scale below them
    chart.y_axis.number_format = "#,##0"
    chart.legend = None
    return chart


def _bar_chart(title: str, x_title: str, y_title: str, width: float) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then draws none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = round(width), width * 0.55  # centimetres
    if chart.legend is not None:
        chart.legend.position = "b"
    return chart


def _column_after(widths: Sequence[int], centimetres: float, start: int) -> str:
    """The first column right of a chart this wide anchored after column ``start``."""
    reach = 0.0
    for index in range(start, len(widths)):
        reach += widths[index] * CM_PER_WIDTH
        if reach >= centimetres:
            return get_column_letter(index + 2)
    return get_column_letter(len(widths) + 1)
