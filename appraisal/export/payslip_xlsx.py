"""A payslip (工资条) as an Excel workbook: the same content as the PDF, one sheet.

The "export" stage's spreadsheet form of `appraisal.export.payslip_content.Slip`, for HR
that mails workbooks rather than PDFs (`appraisal payslips --format xlsx`). Text from
the inputs stays text (`appraisal.read.form.cells.text_cell`), money is a number to the
cent, and the package is written as the salary workbook is (`appraisal.files.xlsx`), so
the same sealed month gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.export.payslip_content import TEXT, Slip, SlipEntry
from appraisal.files.xlsx import workbook_bytes
from appraisal.read.form.cells import print_setup, text_cell

__all__ = ["SHEET", "payslip_xlsx"]

SHEET = "工资条"
MONEY_FORMAT = "#,##0.00"
WIDTHS = {"A": 16, "B": 40, "C": 46, "D": 18}
_BOLD = Font(name="Calibri", size=11, bold=True)
_TITLE = Font(name="Calibri", size=14, bold=True)
_SMALL = Font(name="Calibri", size=9, color="595959")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def payslip_xlsx(slip: Slip, *, record_hash: str) -> bytes:
    """The payslip as the bytes of an .xlsx file."""
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # pragma: no cover - a new workbook has one sheet
        raise TypeError("a new workbook without a worksheet")
    sheet.title = SHEET
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    print_setup(sheet, "portrait")
    writer = _Rows(sheet)
    writer.text(slip.title, font=_TITLE)
    writer.skip()
    for label, value in slip.identity:
        writer.row([label, value], header=True)
    writer.skip()
    writer.text(TEXT["pay"], font=_BOLD)
    writer.row([TEXT["item"], TEXT["amount"]], header=True, heading=True)
    for line in slip.pay:
        writer.row([line.label, line.amount], header=line.total, total=line.total)
    writer.skip()
    writer.text(TEXT["score"], font=_BOLD)
    for key, items in (("add_side", slip.add_items), ("deduct_side", slip.deduct_items)):
        writer.text(TEXT[key], font=_BOLD)
        writer.entries(items, TEXT["points"])
    for label, value in slip.score_lines:
        writer.row([label, float(value) if "." in value else int(value)], header=True, total=True)
    writer.skip()
    writer.text(TEXT["details"], font=_BOLD)
    if not slip.details:
        writer.text(TEXT["none"])
    for label, entries in slip.details:
        writer.text(label, font=_BOLD)
        writer.entries(entries, TEXT["amount"])
    if slip.levels:
        writer.skip()
        writer.text(TEXT["levels"], font=_BOLD)
        writer.entries(slip.levels, "")
    writer.skip()
    writer.text(slip.footer, font=_SMALL)
    return workbook_bytes(
        workbook,
        month=slip.month,
        title=slip.title,
        description=f"{slip.employee_id} {slip.name}; ledger record {record_hash}",
    )


class _Rows:
    """The sheet's rows, written top to bottom."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet, self.at = sheet, 0

    def skip(self) -> None:
        self.at += 1

    def text(self, value: str, *, font: Font | None = None) -> None:
        self.at += 1
        cell = text_cell(self.sheet, self.at, 1, value)
        if font is not None:
            cell.font = font

    def row(
        self,
        values: Sequence[str | Decimal | int | float],
        *,
        header: bool = False,
        heading: bool = False,
        total: bool = False,
    ) -> None:
        """One row of a table; the first cell a label (bold when ``header``)."""
        self.at += 1
        for column, value in enumerate(values, start=1):
            if isinstance(value, Decimal):
                cell = self.sheet.cell(self.at, column, value)
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, (int, float)):  # points
                cell = self.sheet.cell(self.at, column, value)
            else:
                cell = text_cell(self.sheet, self.at, column, value)
                cell.alignment = _WRAP
            cell.border = _BOX
            if heading or (header and column == 1) or total:
                cell.font = _BOLD
            if heading or (header and column == 1 and not total):
                cell.fill = _HEADER_FILL
            elif total:
                cell.fill = _TOTAL_FILL

    def entries(self, entries: Sequence[SlipEntry], figure_title: str) -> None:
        """Trace entries: figure, clause, what happened, input row."""
        if not entries:
            self.text(TEXT["none"])
            return
        self.row([figure_title, TEXT["clause"], TEXT["effect"], TEXT["source"]], heading=True)
        for entry in entries:
            self.row([entry.figure, entry.clause, entry.effect, entry.source])
