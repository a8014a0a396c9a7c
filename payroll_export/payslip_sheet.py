"""工资条 (the payslip sheet): printed, then cut into one strip per employee.

Each employee has three rows: a header row (the labels), a value row (the figures) and
an empty spacer row, where the scissors go. Every strip carries its own header, so a
strip read alone says what each figure is. The columns are who (工号, 姓名, 部门),
总分, the pay fields any employee of the month has (基本工资, 浮动工资 and 应发工资
always), and, when the month has deductions, each deduction and 实发工资 (net pay).

The sheet prints A4 landscape at the pay sheet's legible scale (`print_layout.plan`:
never below 8 pt on paper); strips that are wider than a page go on over pages with
工号 and 姓名 repeated, and a page always ends between two strips, never inside one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak

from appraisal.domain.deductions import DEDUCTION_FIELDS, DEDUCTION_TITLES
from appraisal.domain.results import PAY_FIELDS, EmployeeResult
from payroll_export import rowxml
from payroll_export.model import PAY_LABELS, Manifest
from payroll_export.print_layout import set_print_layout
from payroll_export.sheet import Book, Column, Sheet
from payroll_export.text import (
    FORMULA_START,
    MAX_CELL_TEXT,
    clean_text,
    display_width,
    money_text,
    money_width,
)

__all__ = ["PAYSLIP_SHEET", "payslip_columns", "write_payslip_sheet"]

# What the sheet says, Chinese first, in one place.
PAYSLIP_SHEET = "工资条"
TITLE = "{month} 工资条（每人一条：表头、数额、空行，沿空行裁开）"
MONTH = "{year}年{month}月"
NET = "实发工资"
SCORE = "总分"
ALWAYS = ("base", "floating", "gross")  # shown even when every employee's is 0.00

# The strips' text: 9 pt, at the smallest print scale (90 %) 8.1 pt on paper.
STRIP_POINTS = 9
MONEY_FORMAT = "#,##0.00"
ROW_POINTS = 15  # a row of 9-point CJK text, as LibreOffice and Excel draw it, and some
TITLE_POINTS = 24
MARGIN_TOP_INCHES = 0.6
MARGIN_HEADER_INCHES = 0.25
A4_LANDSCAPE_POINTS = 595.3  # the page's height
TITLE_COLUMNS = 2  # 工号 and 姓名, repeated on every page of a strip too wide for one

_TITLE_FONT = Font(name="Calibri", size=14, bold=True)
_FONT = Font(name="Calibri", size=STRIP_POINTS)
_LABEL_FONT = Font(name="Calibri", size=STRIP_POINTS, bold=True)
_LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center")
_LEFT = Alignment(horizontal="left", vertical="center")


def payslip_columns(employees: Sequence[EmployeeResult]) -> tuple[Column, ...]:
    """The strip's columns for this month's employees."""
    used = [
        name
        for name in (*PAY_FIELDS, "gross")
        if name in ALWAYS or any(person.pay[name] for person in employees)
    ]
    columns = [
        Column("工号", "employee_id", max_width=16),
        Column("姓名", "name", max_width=24),
        Column("部门", "department", max_width=20),
        Column(SCORE, "total_score", kind="number"),
        *(Column(PAY_LABELS[name][0], name, kind="money") for name in used),
    ]
    if any(person.deductions is not None for person in employees):
        columns += [Column(DEDUCTION_TITLES[name], name, kind="money") for name in DEDUCTION_FIELDS]
        columns.append(Column(NET, "net", kind="money"))
    return tuple(columns)


def write_payslip_sheet(
    book: Book,
    employees: Sequence[EmployeeResult],
    manifest: Manifest,
    name: str = PAYSLIP_SHEET,
) -> None:
    """Add the 工资条 sheet to ``book``: a title row, then a strip per employee, in the
    order given."""
    columns = payslip_columns(employees)
    sheet = _StripSheet(book, name, columns, "A1", (), True)
    book.sheets.append(sheet)
    year, number = (int(part) for part in manifest.month.split("-"))
    when = MONTH.format(year=year, month=number)
    title = f"{manifest.organisation} {when}" if manifest.organisation else when
    ws = sheet.ws
    ws.freeze_panes = None
    ws.oddHeader.left.text = f"{title} {name}"
    title_style = sheet.style(("strip-title",), font=_TITLE_FONT)
    sheet.append_cells([(1, TITLE.format(month=title), title_style)], TITLE_POINTS)
    styles = _Styles(sheet)
    # Every strip's label row is the same but for its number: made once.
    labels = [
        (rowxml.opening(index), rowxml.text_tail(styles.label, clean_text(column.zh)))
        for index, column in enumerate(columns, 1)
    ]
    widths = [display_width(column.zh) for column in columns]
    shape = rowxml.RowShape(
        [column.kind for column in columns],
        [MAX_CELL_TEXT] * len(columns),  # a strip's figures are never cut to a width
        lambda index, value: styles.cell(columns[index], value),
        widths,
    )
    for number, person in enumerate(employees):
        if number:
            sheet.append_blank()  # the spacer between two strips, where the scissors go
        sheet.rows += 1
        row = str(sheet.rows)
        sheet.write(f'<row r="{row}">{"".join(cell + row + tail for cell, tail in labels)}</row>')
        sheet.rows += 1
        cells, _ = shape.cells(sheet.rows, _values(person, columns))
        sheet.write(f'<row r="{sheet.rows}">{cells}</row>')
    # Widths count characters of the default 11-point font; the strips are set smaller.
    set_widths = [math.ceil(width * STRIP_POINTS / 11) + 1 for width in widths]
    for index, width in enumerate(set_widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _print_setup(ws, set_widths, len(employees), sheet.rows)
    used = f"A1:{get_column_letter(len(columns))}{sheet.rows}"
    ws.calculate_dimension = lambda: used


class _StripSheet(Sheet):
    """A sheet of strips: no header rows at the top, for every strip carries its own."""

    def append_header(self, columns: Sequence[Column]) -> None:
        """Nothing: see the class."""


class _Styles:
    """The strips' cell styles: boxed, `STRIP_POINTS` high; text, money, number, label."""

    def __init__(self, sheet: Sheet) -> None:
        def style(name: str, **attributes: Any) -> int:
            return sheet.style(("strip", name), font=_FONT, border=_BOX, **attributes)

        self.label = sheet.style(
            ("strip", "label"), font=_LABEL_FONT, fill=_LABEL_FILL, border=_BOX, alignment=_CENTRE
        )
        self.text = style("text", alignment=_LEFT)
        self.quoted = style("quoted", alignment=_LEFT, quotePrefix=True)
        self.money = style("money", number_format=MONEY_FORMAT)
        self.number = style("number")

    def cell(self, column: Column, value: object) -> rowxml.Made:
        """A value cell after its reference, and the width its content asks for
        (11-point characters)."""
        if value is None:
            return type(value), rowxml.empty_tail(self.text), 0, 1
        if column.kind == "money":
            amount = money_text(value)
            return type(value), rowxml.number_tail(self.money, amount), money_width(amount), 1
        if column.kind == "number":
            figure = rowxml.number_text(value)
            return type(value), rowxml.number_tail(self.number, figure), len(figure), 1
        text = clean_text(str(value))
        style = self.quoted if text.startswith(FORMULA_START) else self.text
        width = min(display_width(text), column.max_width)
        return type(value), rowxml.text_tail(style, text), width, 1


def _values(person: EmployeeResult, columns: Sequence[Column]) -> list[object]:
    deductions = person.deductions
    pay = person.pay.values
    gross = person.pay.gross
    values: list[object] = []
    for column in columns:
        name = column.en
        if name == "employee_id":
            values.append(person.employee_id)
        elif name == "name":
            values.append(person.name)
        elif name == "department":
            values.append(person.department)
        elif name == "total_score":
            values.append(person.score.total)
        elif name == "net":
            values.append(deductions.net(gross) if deductions else gross)
        elif name in DEDUCTION_FIELDS:
            values.append(deductions.values[name] if deductions else None)
        else:
            values.append(gross if name == "gross" else pay[name])
    return values


def _print_setup(ws: Any, widths: Sequence[int], strips: int, last_row: int) -> None:
    """A4 landscape at a legible scale; a page ends between strips, never inside one.
    No header rows repeat: every strip carries its own."""
    scale = set_print_layout(
        ws, widths, title_columns=TITLE_COLUMNS, title_rows=None, last_row=last_row
    )
    ws.print_options.gridLines = False
    per_page = strips_per_page(scale)
    # Row 1 is the title; strip k (from 0) takes rows 2 + 3k .. 4 + 3k. The breaks are
    # given at once: `RowBreak.append` converts every break before it again, which at
    # 100,000 employees (9,000 pages) took seconds.
    breaks = [Break(id=1 + 3 * first) for first in range(per_page, strips, per_page)]
    ws.row_breaks = RowBreak(brk=breaks)


def strips_per_page(scale: int) -> int:
    """How many strips a printed page holds at ``scale`` per cent, the title's row allowed
    for, with room to spare for a program that draws rows taller."""
    printable = A4_LANDSCAPE_POINTS - 2 * MARGIN_TOP_INCHES * 72 - TITLE_POINTS
    strip = 3 * ROW_POINTS * scale / 100
    return max(1, math.floor(printable * 0.95 / strip))
