"""汇总 (summary): payroll by level and by department, the score distribution, two charts.

The group figures are formulas over 工资调整 (salary adjustment), so the summary can
never disagree with the sheet payroll pays from. They match with EXACT rather than
SUMIF: SUMIF reads its criterion as a pattern (``*``, ``?``, ``<5``, ``=x``), and a
department is free text from the roster; and they count an employee's row only
(ISNUMBER of 总分), never the department subtotals between them. Each formula is stored
with its result, worked out here the way the formula works: the employees whose cell in
工资调整 holds exactly the group's text, and their amounts summed exactly.

The tables draw their own borders and the grid is not printed, so the charts below
them stand on a clean page; the charts' axis labels are sized (and the yuan scale
stepped) so that they never run together.

The score distribution is split at the policy's demotion line (降级线, the manifest's
``demotion_line``): the bands have an edge there, and the bars below it are drawn red.
A policy without a score threshold gets one series of head counts and no line.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.axis import _BaseAxis
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RichTextProperties,
)
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from appraisal.domain.results import EmployeeResult, pay_totals
from payroll_export.model import NOT_APPRAISED, PAY_COLUMNS, PAY_LABELS, LevelLabel, level_text
from payroll_export.pay_sheet import PayLayout
from payroll_export.print_layout import first_page_columns
from payroll_export.sheet import HEADER_ROWS, Book, Column, Formula, Row, Sheet
from payroll_export.text import clean_text, money_sum
from payroll_export.wording import label

__all__ = ["BY_DEPARTMENT", "BY_LEVEL", "SUMMARY_SHEET", "write_summary_sheet"]

SUMMARY_SHEET = "汇总"
# label(now, before 0.2.0): read as the workbook is written, in its wording.
BY_LEVEL = ("按职级", "按职级 by level")
BY_DEPARTMENT = ("按部门", "按部门 by department")
BLANK = ("(未填)", "(未填 blank)")
BAND_WIDTH = 10  # points per bar of the score distribution; bands have an edge at the line
CM_PER_WIDTH = 0.185  # a column width unit in Excel: one digit of Calibri 11, 7 pixels
BELOW_COLOUR = "C00000"  # the bars of scores below the demotion line
BAR_COLOUR = "2E75B6"
AXIS_LABEL_SIZE = 900  # hundredths of a point: 8.1 pt on paper at the smallest print scale
ROTATED = -2_700_000  # sixty-thousandths of a degree: labels at 45°, never run together
ROW_CM = 0.53  # the default row height, 15 pt
CHART_HEIGHT_CM = 8.0  # two charts and their spacing to a printed page

COLUMNS = (
    Column("分组", "grouping", max_width=20),
    Column("组", "group", max_width=30),
    Column("序列", "track", max_width=14),
    Column("人数", "head_count", kind="number"),
    *(Column(*PAY_LABELS[name], kind="money") for name in PAY_COLUMNS),
)
_MONEY_START = 5  # column E: the first pay field

Figures = tuple[int, tuple[Decimal, ...]]  # a group's head count and its pay totals


def _band_columns(demotion_line: int | None) -> tuple[Column, ...]:
    """The score distribution's columns: head counts below and from the line, or, for a
    policy without a score threshold, one head count a band."""
    if demotion_line is None:
        return (Column("分数段", "score_band"), Column("人数", "head_count", kind="number"))
    line = demotion_line
    return (
        Column("分数段", "score_band"),
        Column(
            f"低于{line}分 (降级)",
            label(f"score < {line}", f"below {line} (demotion)"),
            kind="number",
        ),
        Column(f"{line}分及以上", label(f"score >= {line}", f"{line} or more"), kind="number"),
    )


def write_summary_sheet(
    book: Book,
    employees: Sequence[EmployeeResult],
    ladder: Sequence[LevelLabel],
    demotion_line: int | None,
    pay: PayLayout,
) -> None:
    labels = {level.id: level for level in ladder}
    known = [(level_text(level.id, labels), level.track_text) for level in ladder]
    others = sorted({e.level for e in employees} - set(labels))
    levels = known + [(level_text(level, labels), "") for level in others]
    departments = sorted({clean_text(e.department) for e in employees})
    people = len(employees)
    # Who each group's EXACT matches: the text of the employee's cell in 工资调整.
    by_level = _members(employees, lambda e: level_text(e.level, labels))
    by_department = _members(employees, lambda e: e.department)

    first = HEADER_ROWS + 1  # levels, their total, departments, their total
    level_rows = [first + i for i in range(len(levels))]
    department_rows = [first + len(levels) + 1 + i for i in range(len(departments))]
    level_figures = [_figures(by_level[clean_text(label)]) for label, _ in levels]
    department_figures = [_figures(by_department[name]) for name in departments]
    group_rows = [
        *(
            _group(label(*BY_LEVEL), label_, track, "level", people, row, figures, pay)
            for (label_, track), row, figures in zip(levels, level_rows, level_figures, strict=True)
        ),
        *(
            _group(label(*BY_DEPARTMENT), name, "", "department", people, row, figures, pay)
            for name, row, figures in zip(
                departments, department_rows, department_figures, strict=True
            )
        ),
    ]
    sheet = book.sheet(SUMMARY_SHEET, COLUMNS, ruled=True)
    written = [sheet.append(row) for row in group_rows[: len(levels)]]
    level_total = label("按职级合计", "按职级 by level 合计 total")
    sheet.append(_totals(level_total, level_rows, level_figures))
    written += [sheet.append(row) for row in group_rows[len(levels) :]]
    assert written == level_rows + department_rows, "summary rows out of place"
    department_total = label("按部门合计", "按部门 by department 合计 total")
    sheet.append(_totals(department_total, department_rows, department_figures))
    filter_to = sheet.last_filtered

    sheet.append_blank()
    bands = _band_columns(demotion_line)
    sheet.append_header(bands)
    band_rows = [sheet.append(Row(band), bands) for band in _bands(employees, demotion_line)]
    _not_appraised(sheet, employees)

    # The charts below the distribution on a page of their own, one above the other
    # from column A, each as wide as the first printed page (its columns measured as
    # narrow as Excel draws them), so that no page break cuts one and no table cell
    # stands around them.
    set_widths = [width + 2 for width in sheet.widths]
    page = sum(set_widths[: first_page_columns(set_widths, sheet.title_columns)])
    width = max(12.0, page * CM_PER_WIDTH - 0.5)
    height = min(width * 0.6, CHART_HEIGHT_CM)
    chart_rows = math.ceil(height / ROW_CM) + 1
    charts = [band_rows, level_rows]
    first_chart = sheet.rows + 2
    last_row = first_chart + chart_rows * sum(1 for rows in charts if rows)
    sheet.finish(filter_to=filter_to, print_to=last_row)
    if band_rows or level_rows:  # the charts on a page of their own
        sheet.ws.row_breaks.append(Break(id=first_chart - 1))
    if band_rows:
        chart = _score_chart(sheet, band_rows, width, demotion_line)
        chart.height = height
        sheet.ws.add_chart(chart, f"A{first_chart}")
        first_chart += chart_rows
    if level_rows:
        gross = [pay[PAY_COLUMNS.index("gross")] for _, pay in level_figures]
        chart = _payroll_chart(sheet, level_rows, width, gross)
        chart.height = height
        sheet.ws.add_chart(chart, f"A{first_chart}")


def _not_appraised(sheet: Sheet, employees: Sequence[EmployeeResult]) -> None:
    """Who was sealed not appraised (their missing criteria counted as not met), if anyone:
    the count, then one row each."""
    missing = [e for e in employees if not e.appraised]
    if not missing:
        return
    sheet.append_blank()
    said = label("考核标准按未达到计", "考核标准按未达到计 criteria not met")
    sheet.append(Row((NOT_APPRAISED, said, None, len(missing))))
    for person in missing:
        sheet.append(Row((None, f"{person.employee_id} {person.name}")))


def _members(
    employees: Sequence[EmployeeResult], text: Callable[[EmployeeResult], str]
) -> defaultdict[str, list[EmployeeResult]]:
    """Employees by the text of their cell in a column of 工资调整, as written there."""
    groups: defaultdict[str, list[EmployeeResult]] = defaultdict(list)
    for person in employees:
        groups[clean_text(text(person))].append(person)
    return groups


def _figures(members: Sequence[EmployeeResult]) -> Figures:
    """The head count and each pay column's exact sum."""
    totals = pay_totals(members)
    return len(members), tuple(totals[name] for name in PAY_COLUMNS)


def _group(
    grouping: str,
    name: str,
    track: str,
    field: str,
    people: int,
    row: int,
    figures: Figures,
    pay: PayLayout,
) -> Row:
    """One group's head count and pay totals, as formulas over 工资调整 with ``figures``
    as their results: the employees' rows (not the subtotals') whose ``field`` is the
    group's text.

    The group is named by the text in column B of its own row: no input text is ever
    copied into a formula (where Excel would also cap it at 255 characters).
    """
    if not people:
        return Row((grouping, name or label(*BLANK), track, 0, *("0.00" for _ in PAY_COLUMNS)))
    criterion = f"$B{row}" if name else '""'  # a blank department is shown as BLANK
    members = f"EXACT({pay.range(field)},{criterion})*{pay.employees_only()}"
    head_count, totals = figures
    count = Formula(f"=SUMPRODUCT({members})", head_count)
    sums = (
        Formula(f"=SUMPRODUCT({members}*{pay.range(pay_field)})", total)
        for pay_field, total in zip(PAY_COLUMNS, totals, strict=True)
    )
    return Row((grouping, name or label(*BLANK), track, count, *sums))


def _totals(label: str, rows: Sequence[int], groups: Sequence[Figures]) -> Row:
    """The SUM of the group rows above, with the sum of their figures as its results."""
    if not rows:
        return Row((label, None, None, 0, *("0.00" for _ in PAY_COLUMNS)), total=True)
    first, last = rows[0], rows[-1]
    results: list[Decimal | int] = [sum(count for count, _ in groups)]
    results += [money_sum(pay[i] for _, pay in groups) for i in range(len(PAY_COLUMNS))]
    columns = (get_column_letter(c) for c in range(4, _MONEY_START + len(PAY_COLUMNS)))
    sums = [
        Formula(f"=SUM({letter}{first}:{letter}{last})", result)
        for letter, result in zip(columns, results, strict=True)
    ]
    return Row((label, None, None, *sums), total=True)


def _bands(
    employees: Sequence[EmployeeResult], demotion_line: int | None
) -> list[tuple[object, ...]]:
    """Head count per score band, every band from the lowest score to the highest; the
    bands are laid so that the demotion line is the lower edge of one."""
    scores = [e.score.total for e in employees]
    if not scores:
        return []
    offset = demotion_line % BAND_WIDTH if demotion_line is not None else 0
    counts = Counter(math.floor((s - offset) / BAND_WIDTH) * BAND_WIDTH + offset for s in scores)
    whole = all(s == s.to_integral_value() for s in scores)
    bands: list[tuple[object, ...]] = []
    for low in range(min(counts), max(counts) + 1, BAND_WIDTH):
        high = f"{low + BAND_WIDTH - 1}" if whole else f"<{low + BAND_WIDTH}"
        label = f"{low}–{high}"
        if demotion_line is None:
            bands.append((label, counts[low]))
        elif low < demotion_line:
            bands.append((label, counts[low], 0))
        else:
            bands.append((label, 0, counts[low]))
    return bands


def _score_chart(
    sheet: Sheet, rows: Sequence[int], width: float, demotion_line: int | None
) -> BarChart:
    # Split at the demotion line, two series: the colour changes where the line falls,
    # and the legend names it. Without a line, one series needs no legend.
    title = label("分数分布", "分数分布 score distribution")
    if demotion_line is not None:
        title += label(f"（{demotion_line}分降级线）", f" ({demotion_line}分降级线 demotion line)")
    axes = label("总分", "总分 total score"), label("人数", "人数 head count")
    chart = _bar_chart(title, *axes, width)
    columns = _band_columns(demotion_line)
    colours = (BAR_COLOUR,) if demotion_line is None else (BELOW_COLOUR, BAR_COLOUR)
    first, last = rows[0], rows[-1]
    for column, colour in enumerate(colours, start=2):
        series = Series(
            Reference(sheet.ws, min_col=column, min_row=first, max_row=last),
            title=label(
                columns[column - 1].zh, f"{columns[column - 1].zh} {columns[column - 1].en}"
            ),
        )
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
        chart.series.append(series)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    chart.overlap = 100  # the two series share each band's place
    chart.gapWidth = 40
    chart.y_axis.majorUnit = None
    chart.y_axis.number_format = "0"
    _label_size(chart.x_axis, rotated=True)  # "100–109" on one line, never "100-/109"
    _label_size(chart.y_axis)
    if demotion_line is None:
        chart.legend = None
    return chart


def _payroll_chart(
    sheet: Sheet, rows: Sequence[int], width: float, gross_totals: Sequence[Decimal]
) -> BarChart:
    chart = _bar_chart(
        label("各职级应发工资", "各职级应发工资 payroll (gross) by level"),
        label("职级", "职级 level"),
        label("元", "元 yuan"),
        width,
    )
    gross = _MONEY_START + PAY_COLUMNS.index("gross")
    series = Series(
        Reference(sheet.ws, min_col=gross, min_row=rows[0], max_row=rows[-1]),
        title=label("应发工资", "应发工资 gross"),
    )
    series.graphicalProperties.solidFill = BAR_COLOUR
    chart.series.append(series)
    chart.set_categories(Reference(sheet.ws, min_col=2, min_row=rows[0], max_row=rows[-1]))
    # Bars lying down, so that the level titles read across; the ladder from the top.
    chart.type = "bar"
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"  # and the yuan scale below them
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.numFmt.sourceLinked = False  # the axis's own format, not the cells'
    chart.y_axis.majorUnit = _step(max(gross_totals, default=Decimal(0)))
    chart.y_axis.scaling.min = 0
    _label_size(chart.x_axis)
    _label_size(chart.y_axis, rotated=True)  # "5,000  10,000  15,000" apart, at 45°
    chart.legend = None
    return chart


def _step(largest: Decimal) -> float:
    """A round step for the yuan scale (1, 2 or 5 times a power of ten) giving at most
    five steps to the largest bar, so that the labels have room."""
    top = float(largest)
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top / 5))
    return next(power * m for m in (1, 2, 5, 10) if top / (power * m) <= 5)


def _label_size(axis: _BaseAxis, *, rotated: bool = False) -> None:
    """Tick labels at `AXIS_LABEL_SIZE`, at 45° when ``rotated``."""
    text = CharacterProperties(sz=AXIS_LABEL_SIZE)
    axis.txPr = RichText(
        bodyPr=RichTextProperties(rot=ROTATED if rotated else 0, vert="horz"),
        p=[Paragraph(pPr=ParagraphProperties(defRPr=text), endParaRPr=text)],
    )


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
    chart.width, chart.height = round(width), width * 0.8  # centimetres: room for the labels
    if chart.legend is not None:
        chart.legend.position = "b"
    return chart
