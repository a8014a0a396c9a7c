"""工资调整 (the pay sheet, 工资表): the sheet payroll pays from, one row per employee.

Titled with the organisation and the month ("南昌迈格文化传媒有限公司 客服部 2026年10月
工资表"); the employees by department, each department closed by a 小计 (subtotal) row,
then the 合计 (grand total) row; with the month's deductions (社保个人, 公积金个人, 个税,
其他扣款), 应发工资 (gross) is followed by them and by 实发工资 (net pay); at the foot the
signature lines 制表人 / 审核人 / 批准人 / 日期.

Every figure is the engine's, rounded once per field. The subtotals and the grand total
are SUBTOTAL(9, …) formulas: the grand total runs over all the rows and SUBTOTAL leaves
out the subtotals among them, so nothing is counted twice (and an auto-filter narrows
both to the rows shown). 实发工资 is a formula of its row, 应发 less the deductions. Each
formula is stored with its exact result, so readers that do not calculate show the
engine's figures. 汇总 (summary) refers to the sheet's ranges through `PayLayout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from appraisal.domain.deductions import DEDUCTION_FIELDS, DEDUCTION_TITLES
from appraisal.domain.results import EmployeeResult, number
from payroll_export.model import (
    DRAFT,
    NOT_APPRAISED,
    PAY_COLUMNS,
    PAY_LABELS,
    LevelLabel,
    Manifest,
    level_text,
    pay_date,
)
from payroll_export.print_layout import first_page_columns
from payroll_export.sheet import (
    DEPARTMENT,
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    HEADER_ROWS,
    Banner,
    Book,
    Column,
    Formula,
    Row,
    Sheet,
)
from payroll_export.text import clean_text, display_width

__all__ = ["PAY_SHEET", "PAY_SHEET_ROWS", "PayLayout", "write_pay_sheet"]

# What the sheet says, Chinese first, in one place.
PAY_SHEET = "工资调整"
TITLE = "工资表"
SUBTITLE = "考核月份：{month}　　发薪日：{pay_date}　　金额单位：元　　政策：{policy} {version}"
DISMISSED = "开除 dismissed"
SUBTOTAL = "小计 subtotal"
TOTAL = "合计 total"
HEAD_COUNT = "{people} 人"
BLANK_DEPARTMENT = "(未填 blank)"
SIGNATURES = ("制表人：", "审核人：", "批准人：", "日期：")

_TITLE_FONT = Font(name="Calibri", size=16, bold=True)
_SUBTITLE_FONT = Font(name="Calibri", size=10, color="404040")
_SIGN_FONT = Font(name="Calibri", size=11, bold=True)
_SIGN_LINE = Border(bottom=Side(style="thin", color="000000"))
# Rows besides the employees' and the subtotals': title and subtitle, the header, the
# total and the signatures' two rows.
PAY_SHEET_ROWS = 2 + HEADER_ROWS + 3
SIGNATURE_HEIGHT = 30  # points: room to sign, above each line
SIGNATURE_GAP = 12  # characters: about the room a label takes

SCORE = Column("总分", "total_score", kind="number")
NET = Column("实发工资", "net", kind="money")
_IDENTITY = (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    DEPARTMENT,
    Column("本月职级", "level", max_width=28),
    SCORE,
)
_PAY = tuple(Column(*PAY_LABELS[name], kind="money") for name in PAY_COLUMNS)
_DEDUCTIONS = tuple(Column(DEDUCTION_TITLES[name], name, kind="money") for name in DEDUCTION_FIELDS)
_AFTER = (
    Column("下月职级", "next_level", max_width=28),
    Column("发薪日", "pay_date", kind="date"),
)
# Where 应发工资 and the deductions are, for 实发工资's formula.
_GROSS = get_column_letter(len(_IDENTITY) + len(_PAY))
_FIRST_DEDUCTION = get_column_letter(len(_IDENTITY) + len(_PAY) + 1)
_LAST_DEDUCTION = get_column_letter(len(_IDENTITY) + len(_PAY) + len(_DEDUCTIONS))
# Only in a month sealed with someone not appraised (--allow-unappraised): who.
APPRAISED = Column("考核", "appraised", max_width=24)


@dataclass(frozen=True)
class PayLayout:
    """Where 工资调整's rows and columns are, for the formulas of other sheets.

    ``first``..``last`` are the rows of the employees and of the department subtotals
    among them: a formula over these rows that must count employees only tells them
    apart by 总分 (a number on an employee's row, empty on a subtotal's).
    """

    columns: tuple[Column, ...]
    first: int
    last: int

    def range(self, field: str, *, absolute_column: bool = True) -> str:
        """The employees' cells of one column (subtotal rows among them), from another sheet."""
        index = next(i for i, column in enumerate(self.columns, 1) if column.en == field)
        letter = get_column_letter(index)
        lock = "$" if absolute_column else ""
        return f"'{PAY_SHEET}'!{lock}{letter}${self.first}:{lock}{letter}${self.last}"

    def employees_only(self) -> str:
        """A SUMPRODUCT factor that is 1 on an employee's row, 0 on a subtotal's."""
        return f"ISNUMBER({self.range(SCORE.en)})"


def pay_columns(with_deductions: bool, with_unappraised: bool = False) -> tuple[Column, ...]:
    marks = (APPRAISED,) if with_unappraised else ()
    if with_deductions:
        return (*_IDENTITY, *_PAY, *_DEDUCTIONS, NET, *_AFTER, *marks)
    return (*_IDENTITY, *_PAY, *_AFTER, *marks)


def sheet_title(manifest: Manifest) -> str:
    """ "南昌迈格文化传媒有限公司 客服部 2026年10月 工资表"; the month alone without an organisation."""
    year, month = (int(part) for part in manifest.month.split("-"))
    when = f"{year}年{month}月 {TITLE}"
    title = f"{manifest.organisation} {when}" if manifest.organisation else when
    return f"{DRAFT} {title}" if manifest.draft else title


def write_pay_sheet(
    book: Book,
    employees: Sequence[EmployeeResult],
    manifest: Manifest,
    ladder: Mapping[str, LevelLabel],
) -> PayLayout:
    with_deductions = any(person.deductions is not None for person in employees)
    with_unappraised = not all(person.appraised for person in employees)
    columns = pay_columns(with_deductions, with_unappraised)
    money = [index for index, column in enumerate(columns) if column.kind == "money"]
    subtitle = SUBTITLE.format(
        month=manifest.month,
        pay_date=pay_date(manifest.month, manifest.pay_day_of_month).isoformat(),
        policy=manifest.policy_id,
        version=manifest.policy_version,
    )
    banner = (Banner(sheet_title(manifest), _TITLE_FONT, 30), Banner(subtitle, _SUBTITLE_FONT, 18))
    top = len(banner) + HEADER_ROWS
    sheet = book.sheet(PAY_SHEET, columns, f"C{top + 1}", banner=banner, ruled=True)
    sheet.ws.oddHeader.left.text = sheet_title(manifest)
    first = top + 1
    everyone: list[tuple[Decimal, ...]] = []  # each employee's money figures, as shown
    for department, members in _by_department(employees):
        start = sheet.rows + 1
        figures = []
        for person in members:
            row = _employee_row(person, manifest, ladder, with_deductions, sheet.rows + 1)
            if with_unappraised:
                row = Row((*row.values, None if person.appraised else NOT_APPRAISED))
            sheet.append(row)
            figures.append(tuple(_figure(row.values[index]) for index in money))
        everyone += figures
        labels = (SUBTOTAL, HEAD_COUNT.format(people=len(members)), department or BLANK_DEPARTMENT)
        sheet.append(_sums(labels, columns, money, figures, start, sheet.rows))
    last = sheet.rows
    head_count = HEAD_COUNT.format(people=len(employees))
    if employees:
        sheet.append(_sums((TOTAL, head_count), columns, money, everyone, first, last))
    else:
        sheet.append(Row((TOTAL, head_count, *(None for _ in columns[2:])), total=True))
    _signatures(sheet)
    sheet.finish(filter_to=last)
    return PayLayout(columns, first, last)


def _by_department(
    employees: Sequence[EmployeeResult],
) -> list[tuple[str, list[EmployeeResult]]]:
    """The employees by the text of their department, in its order; each group in the
    order given (employee_id)."""
    groups: dict[str, list[EmployeeResult]] = {}
    for person in employees:
        groups.setdefault(clean_text(person.department), []).append(person)
    return sorted(groups.items())


def _employee_row(
    person: EmployeeResult,
    manifest: Manifest,
    ladder: Mapping[str, LevelLabel],
    with_deductions: bool,
    row: int,
) -> Row:
    pay = person.pay.values
    gross = person.pay.gross
    after: tuple[object, ...] = ()
    if with_deductions:
        deductions = person.deductions
        net = deductions.net(gross) if deductions else gross
        after = (
            *(deductions.values[name] if deductions else None for name in DEDUCTION_FIELDS),
            Formula(f"={_GROSS}{row}-SUM({_FIRST_DEDUCTION}{row}:{_LAST_DEDUCTION}{row})", net),
        )
    return Row(
        (
            person.employee_id,
            person.name,
            person.department,
            level_text(person.level, ladder),
            number(person.score.total),
            *(gross if name == "gross" else pay[name] for name in PAY_COLUMNS),
            *after,
            DISMISSED if person.dismissal else level_text(person.next_level, ladder),
            pay_date(manifest.month, manifest.pay_day_of_month),
        )
    )


def _figure(value: object) -> Decimal:
    """A money cell's figure: its amount, a formula's result, 0 for an empty cell."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Formula):
        return Decimal(value.result)
    return Decimal(0) if value is None else Decimal(str(value))


def _sums(
    labels: tuple[str, ...],
    columns: Sequence[Column],
    money: Sequence[int],
    figures: Sequence[tuple[Decimal, ...]],
    first: int,
    last: int,
) -> Row:
    """A subtotal or total row: SUBTOTAL(9, …) over rows ``first``..``last`` of every
    money column, each stored with the exact sum of the rows' ``figures`` (one tuple a
    row, a figure a money column)."""
    values: list[object] = [*labels, *(None for _ in columns[len(labels) :])]
    for place, index in enumerate(money):
        letter = get_column_letter(index + 1)
        total = sum((row[place] for row in figures), Decimal(0))
        values[index] = Formula(f"=SUBTOTAL(9,{letter}{first}:{letter}{last})", total)
    return Row(values, total=True)


def _signatures(sheet: Sheet) -> None:
    """制表人 / 审核人 / 批准人 / 日期, two a row, each with a line to sign, below the
    table, between the repeated columns and the end of the first printed page: a label
    in the next column wide enough for it, its line under the columns after it, half
    the room left wide."""
    label = sheet.style(
        ("signature",), font=_SIGN_FONT, alignment=Alignment(horizontal="right", vertical="bottom")
    )
    line = sheet.style(("signature line",), border=_SIGN_LINE)
    widths = sheet.widths[: first_page_columns([w + 2 for w in sheet.widths], sheet.title_columns)]
    room = sum(width + 2 for width in widths[sheet.title_columns :])
    for pair in (SIGNATURES[:2], SIGNATURES[2:]):
        cells: list[tuple[int, str | None, int]] = []
        column = sheet.title_columns  # 0-based index into widths
        for text in pair:
            while column < len(widths) - 1 and widths[column] < display_width(text):
                column += 1
            cells.append((column + 1, text, label))
            column += 1
            drawn = 0
            while column < len(widths) and drawn < room / 2 - SIGNATURE_GAP:
                cells.append((column + 1, None, line))
                drawn += widths[column] + 2
                column += 1
        sheet.append_cells(cells, SIGNATURE_HEIGHT)
