"""The managers' input workbook (input.xlsx): the month's form that `appraisal run` reads.

`appraisal template --month M --roster FILE --out input.xlsx` writes it; managers fill it
in; `appraisal run --events input.xlsx` reads it back (`appraisal.tables.read_event_tables`)
at the start of the pipeline. It is the input side's twin of the salary workbook:

- 说明  instructions in Chinese, written from the policy in force (kinds, clauses, flags);
- 名册  the roster, prefilled; `--roster input.xlsx` reads it too;
- 考勤  attendance rows (late, leave, overtime, termination …), empty and ready;
- 考评  the appraisal: a prefilled row per employee for each criterion and the exam, whose
        value stays empty until filled (empty = not met, and the row is skipped), then free
        rows for rewards, penalties and the rest;
- lists hidden: the drop-down lists, which may be longer than Excel's 255-character limit
        for lists written inside a validation.

Headers are ``中文 english`` (`appraisal.vocabulary`), which the reader accepts, as it
does the kinds and flags the drop-downs offer (``迟到 late``). The 姓名 and 条款内容
columns of 考勤/考评 are for the eye and are never read. Text from the roster is always
written as text, never as a formula. The same month, roster and policy give the same
bytes: fixed document and zip entry times (`payroll_export.package`).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.domain.model import Employee, Kind, Month
from appraisal.domain.text import display_width
from appraisal.files.xlsx import workbook_bytes
from appraisal.policy.loaded import PolicyInForce
from appraisal.read.form.cells import (
    DATE_FORMAT,
    HEADER_FONT,
    LINE_HEIGHT,
    PREFILLED_FILL,
    TEXT_FORMAT,
    WRAP,
    ListRefs,
    SheetTable,
    common_validations,
    explain,
    fit_widths,
    free_block,
    list_validation,
    print_setup,
    spans,
    text_cell,
    validate_ranges,
    width_of,
)
from appraisal.read.form.guide import guide_rows
from appraisal.read.tables import EVENT_SHEETS, ROSTER_SHEET
from appraisal.read.vocabulary import COLUMNS, FLAGS, KINDS

__all__ = [
    "APPRAISAL_COLUMNS",
    "APPRAISAL_KINDS",
    "ATTENDANCE_COLUMNS",
    "ATTENDANCE_KINDS",
    "GUIDE_SHEET",
    "LISTS_SHEET",
    "ROSTER_COLUMNS",
    "appraisal_rows",
    "template_workbook",
]

GUIDE_SHEET = "说明"
LISTS_SHEET = "lists"

ROSTER_COLUMNS = ("employee_id", "name", "level", "hire_date", "department")
ATTENDANCE_COLUMNS = ("employee_id", "name", "date", "kind", "value", "flags", "note")
APPRAISAL_COLUMNS = (
    "employee_id",
    "name",
    "date",
    "kind",
    "clause",
    "clause_title",
    "value",
    "amount",
    "points",
    "flags",
    "note",
)
ATTENDANCE_KINDS = (
    Kind.LATE,
    Kind.EARLY_LEAVE,
    Kind.ABSENT,
    Kind.PERSONAL_LEAVE,
    Kind.SICK_LEAVE,
    Kind.OVERTIME,
    Kind.TERMINATION,
)
APPRAISAL_KINDS = (
    Kind.CRITERION,
    Kind.EXAM,
    Kind.REWARD,
    Kind.PENALTY,
    Kind.MAJOR_FAULT,
    Kind.UNFIT,
    Kind.PROMOTION,
    Kind.METRIC,
)

# Empty rows made ready (formats, drop-downs, the derived name) on 考勤 and below the
# prefilled rows of 考评; a manager who needs more inserts rows inside the block.
FREE_ROWS_MIN = 100
FREE_ROWS_PER_EMPLOYEE = 5
# Rows below the roster where 名册's drop-down still works, for a late joiner.
ROSTER_SPARE_ROWS = 20


def template_workbook(month: Month, roster: Sequence[Employee], in_force: PolicyInForce) -> bytes:
    """The input workbook for one month, as the bytes of an .xlsx file."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    _guide_sheet(guide, month, in_force)
    sheets = [book.create_sheet(title) for title in (ROSTER_SHEET, *EVENT_SHEETS, LISTS_SHEET)]
    roster_sheet, attendance, appraisal, lists = sheets
    lists.sheet_state = "hidden"
    refs = _lists(lists, roster, in_force)
    _roster_sheet(roster_sheet, roster, refs)
    _attendance_sheet(attendance, month, roster, refs)
    _appraisal_sheet(appraisal, month, roster, refs, in_force)
    return _xlsx_bytes(book, month)


# --- sheets ------------------------------------------------------------------------------


def _lists(sheet: Worksheet, roster: Sequence[Employee], in_force: PolicyInForce) -> ListRefs:
    """Write the drop-down lists, one a column, each under a title row."""
    lists = {
        "ids": (COLUMNS.label("employee_id"), [e.employee_id for e in roster]),
        "levels": (COLUMNS.label("level"), list(in_force.levels)),
        "attendance_kinds": ("考勤类型 kind", [KINDS.label(k) for k in ATTENDANCE_KINDS]),
        "appraisal_kinds": ("考评类型 kind", [KINDS.label(k) for k in APPRAISAL_KINDS]),
        "flags": (COLUMNS.label("flags"), [FLAGS.label(f) for f in FLAGS.names]),
        "clauses": (COLUMNS.label("clause"), _clause_ids(in_force)),
    }
    refs: dict[str, str] = {}
    for index, (key, (title, items)) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, title).font = HEADER_FONT
        for row, item in enumerate(items, start=2):
            text_cell(sheet, row, index, item)
        sheet.column_dimensions[letter].width = width_of([title, *items])
        last = max(len(items), 1) + 1
        refs[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    return ListRefs(**refs)


def _roster_sheet(sheet: Worksheet, roster: Sequence[Employee], refs: ListRefs) -> None:
    table = SheetTable(sheet, ROSTER_COLUMNS)
    table.write_header()
    for row, employee in enumerate(roster, start=2):
        values = {
            "employee_id": employee.employee_id,
            "name": employee.name,
            "level": employee.level,
            "department": employee.department,
        }
        for column, value in values.items():
            text_cell(sheet, row, table.columns.index(column) + 1, value)
        hire = sheet.cell(row, table.columns.index("hire_date") + 1, employee.hire_date)
        hire.number_format = DATE_FORMAT
    last = len(roster) + 1 + ROSTER_SPARE_ROWS
    level = list_validation(
        refs.levels, "职级 level", "政策中的职级 id 或名称（如 客服专员），见「说明」"
    )
    validate_ranges(sheet, level, table.range("level", 2, last))
    fit_widths(table, [[e.employee_id, e.name, e.level, "", e.department] for e in roster])


def _attendance_sheet(
    sheet: Worksheet, month: Month, roster: Sequence[Employee], refs: ListRefs
) -> None:
    table = SheetTable(sheet, ATTENDANCE_COLUMNS)
    table.write_header()
    last = 1 + _free_rows(roster)
    free_block(table, 2, last)
    common_validations(table, month, 2, last, refs, refs.attendance_kinds)
    amount = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    explain(amount, "数值 value", "分钟数、天数（0.5 = 半天）或工作日数，见「说明」")
    validate_ranges(sheet, amount, table.range("value", 2, last))
    kinds = [KINDS.label(k) for k in ATTENDANCE_KINDS]
    fit_widths(table, [[e.employee_id, e.name] for e in roster], {"kind": kinds})


def _appraisal_sheet(
    sheet: Worksheet,
    month: Month,
    roster: Sequence[Employee],
    refs: ListRefs,
    in_force: PolicyInForce,
) -> None:
    doc = in_force.doc
    table = SheetTable(sheet, APPRAISAL_COLUMNS)
    table.write_header()
    at = {column: index for index, column in enumerate(table.columns, start=1)}
    # Criteria computed from metric rows (a `when:` expression) take no manager's row.
    criteria = [(cid, c) for cid, c in doc.score.criteria.items() if c.when is None]
    criterion_rows: list[int] = []
    exam_rows: list[int] = []
    row = 2
    shown: list[list[str]] = []
    for employee in roster:
        items = [
            *((Kind.CRITERION, cid, f"{c.title} (+{c.points})") for cid, c in criteria),
            (Kind.EXAM, "", "产品知识考试 0–100"),
        ]
        for kind, clause, title in items:
            for column, value in (
                ("employee_id", employee.employee_id),
                ("name", employee.name),
                ("kind", KINDS.label(kind)),
                ("clause", clause),
                ("clause_title", title),
            ):
                text_cell(sheet, row, at[column], value).fill = PREFILLED_FILL
            day = sheet.cell(row, at["date"], month.last_day)
            day.number_format, day.fill = DATE_FORMAT, PREFILLED_FILL
            for column in ("flags", "note"):
                sheet.cell(row, at[column]).number_format = TEXT_FORMAT
            (criterion_rows if kind is Kind.CRITERION else exam_rows).append(row)
            shown.append([employee.employee_id, employee.name, "", "", clause, title])
            row += 1
    first_free, last = row, row - 1 + _free_rows(roster)
    free_block(table, first_free, last)
    for free in range(first_free, last + 1):  # clause 7 or csat, typed: text, not a number
        sheet.cell(free, at["clause"]).number_format = TEXT_FORMAT

    common_validations(table, month, 2, last, refs, refs.appraisal_kinds)
    clauses = list_validation(
        refs.clauses, "条款 clause", "考核标准、奖励、处罚的条款号或指标名，见「说明」"
    )
    validate_ranges(sheet, clauses, table.range("clause", 2, last))
    met = list_validation(
        '"1,0"', "数值 value", "1 = 达到，0 = 未达到；留空 = 未填写（视为未达到）"
    )
    met.errorStyle = "stop"
    validate_ranges(sheet, met, *(table.range("value", a, b) for a, b in spans(criterion_rows)))
    exam = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
    explain(exam, "考试分数 exam", "0–100；留空 = 未考试")
    validate_ranges(sheet, exam, *(table.range("value", a, b) for a, b in spans(exam_rows)))
    for column in ("amount", "points"):
        positive = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        explain(positive, COLUMNS.label(column), "不小于 0 的数；扣分也写正数")
        validate_ranges(sheet, positive, table.range(column, first_free, last))
    fit_widths(table, shown, {"kind": [KINDS.label(k) for k in APPRAISAL_KINDS]})


def _guide_sheet(sheet: Worksheet, month: Month, in_force: PolicyInForce) -> None:
    for row, cells in enumerate(guide_rows(month, in_force), start=1):
        for column, value in enumerate(cells, start=1):
            cell = text_cell(sheet, row, column, value)
            if len(cells) > 1:  # a heading alone on its row runs on across the columns
                cell.alignment = WRAP
            if column == 1 or len(cells) == 1:
                cell.font = HEADER_FONT
    widths = (18, 36, 24, 60)
    for letter, width in zip("ABCD", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    # Neither Excel nor LibreOffice grows a row to its wrapped text when a file opens,
    # so the guide sets each row's height, or its sentences would be cut off.
    for row, cells in enumerate(guide_rows(month, in_force), start=1):
        if len(cells) == 1:
            continue
        lines = max(
            (
                sum(-(-display_width(part) // (width - 2)) or 1 for part in value.split("\n"))
                for value, width in zip(cells, widths, strict=False)
            ),
            default=1,
        )
        if lines > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT * lines
    print_setup(sheet, "portrait")


def _clause_ids(in_force: PolicyInForce) -> list[str]:
    """Criteria, reward and penalty clause ids, then metric names: one drop-down for all."""
    doc = in_force.doc
    numbers = {*doc.score.criteria, *doc.rewards.items, *doc.penalties.items}
    numbered = sorted(numbers, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))
    return [*numbered, *(m for m in doc.score.metrics if m not in numbers)]


def appraisal_rows(roster: Sequence[Employee], in_force: PolicyInForce) -> int:
    """The rows of the 考评 sheet: the header, one per employee and criterion a manager
    marks, one per employee for the exam, then the free rows."""
    marked = sum(1 for c in in_force.doc.score.criteria.values() if c.when is None)
    return 1 + len(roster) * (marked + 1) + _free_rows(roster)


def _free_rows(roster: Sequence[Employee]) -> int:
    return max(FREE_ROWS_MIN, FREE_ROWS_PER_EMPLOYEE * len(roster))


# --- the file ----------------------------------------------------------------------------


def _xlsx_bytes(book: Workbook, month: Month) -> bytes:
    """The workbook's bytes, the same for the same content (`payroll_export.package`)."""
    return workbook_bytes(
        book,
        month=str(month),
        title=f"{month} 客服绩效考核录入表 (appraisal input workbook)",
        description=f"appraisal run --month {month} --roster FILE --events THIS.xlsx",
    )
