"""A payslip (工资条) as a PDF: A4, a CJK font embedded, optionally encrypted, always the
same bytes for the same sealed month.

The "export" stage's PDF writer for `appraisal.export.payslip_content.Slip`, with fpdf2.
What makes the bytes repeatable: the creation date is the first day of the month (never
the clock), the document id is a hash of the ledger record and the employee, and the
producer is named by the program, not by the library's version.

Encryption (AES-256, PDF 2.0's standard security handler, revision 6) draws a file
key, salts and an IV per string and stream, which the handler takes from the operating
system's random source. Here they are drawn from a stream seeded by the employee's
password stretched with PBKDF2 over a salt of the record hash and the employee id, so
the same month and password give the same bytes. The password is part of the seed
because the record hash and the employee id are not secret (the workbook prints the
hash): a key derived from them alone would open every payslip without its password.
The stretching costs more per guess than the handler's own password check, so the
seed is never the cheaper way in.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from fpdf import FPDF, FontFace
from fpdf.enums import EncryptionMethod, WrapMode

from appraisal.export.payslip_content import TEXT, PayLine, Slip, SlipEntry
from appraisal.export.payslip_font import FontPair

__all__ = ["PBKDF2_ITERATIONS", "payslip_pdf", "yuan"]

PBKDF2_ITERATIONS = 200_000  # about 0.1 s a payslip: dearer than revision 6's own check
PRODUCER = "appraisal"
MARGIN = 15  # mm
# Sizes in points: nothing on paper is smaller than 8 pt.
TITLE_PT, HEADING_PT, TEXT_PT, SMALL_PT = 16, 11.5, 9.5, 8
LINE_MM = 5.2
_HEADING_FILL = (221, 235, 247)  # the workbook's header blue (payroll_export.sheet)
_TOTAL_FILL = (242, 242, 242)
_GREY = (89, 89, 89)
# The columns of the trace tables, as fractions of the text width: figure, clause,
# what happened, input row.
_ENTRY_WIDTHS = (11, 37, 38, 14)


def payslip_pdf(
    slip: Slip,
    font: FontPair,
    *,
    record_hash: str,
    password: str | None = None,
) -> bytes:
    """The payslip's PDF bytes; with ``password``, encrypted (AES-256) to open with it."""
    pdf = _Document(slip, _document_id(record_hash, slip.employee_id))
    pdf.add_font("cjk", "", str(font.regular.path), collection_font_number=font.regular.index)
    pdf.add_font("cjk", "B", str(font.bold.path), collection_font_number=font.bold.index)
    year, month = (int(part) for part in slip.month.split("-"))
    pdf.set_creation_date(datetime(year, month, 1, tzinfo=UTC))
    pdf.set_title(slip.title)
    pdf.set_subject(f"{slip.employee_id} {slip.name}")
    pdf.set_creator(PRODUCER)
    pdf.set_producer(PRODUCER)
    pdf.set_lang("zh-CN")
    if password is not None:
        pdf.set_encryption(password, password, encryption_method=EncryptionMethod.AES_256)
        draw = _SeededBytes(_seed(password, record_hash, slip.employee_id))
        # The handler is made by set_encryption; only its random source is replaced.
        setattr(pdf._security_handler, "get_random_bytes", draw)  # noqa: B010
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + 5)
    pdf.add_page()
    _title(pdf, slip)
    _identity(pdf, slip)
    _pay(pdf, slip)
    _score(pdf, slip)
    _details(pdf, slip)
    if slip.levels:
        _heading(pdf, TEXT["levels"])
        _entries(pdf, slip.levels, figure=False)
    return bytes(pdf.output())


class _Document(FPDF):
    """A payslip's PDF: its own document id, and the record on every page's foot."""

    def __init__(self, slip: Slip, document_id: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._slip, self._document_id = slip, document_id

    def file_id(self) -> str:
        return self._document_id

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font("cjk", "", SMALL_PT)
        self.set_text_color(*_GREY)
        page = f"{self.page_no()} / {{nb}}"
        self.cell(0, 4, self._slip.footer, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, page, align="R")
        self.set_text_color(0, 0, 0)


def _title(pdf: FPDF, slip: Slip) -> None:
    pdf.set_font("cjk", "B", TITLE_PT)
    pdf.cell(0, 10, slip.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _identity(pdf: FPDF, slip: Slip) -> None:
    pdf.set_font("cjk", "", TEXT_PT)
    cells = list(slip.identity)
    label = FontFace(emphasis="BOLD", fill_color=_HEADING_FILL)
    with pdf.table(
        col_widths=(12, 21, 12, 21, 12, 22),
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=LINE_MM,
        wrapmode=WrapMode.WORD,
    ) as table:
        for start in range(0, len(cells), 3):
            row = table.row()
            for name, value in cells[start : start + 3]:
                row.cell(name, style=label)
                row.cell(value)
    pdf.ln(4)


def _heading(pdf: FPDF, text: str) -> None:
    _keep_with_next(pdf, 40)
    pdf.ln(1)
    pdf.set_font("cjk", "B", HEADING_PT)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", TEXT_PT)


def _subheading(pdf: FPDF, text: str) -> None:
    _keep_with_next(pdf, 32)
    pdf.set_font("cjk", "B", TEXT_PT)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", TEXT_PT)


def _keep_with_next(pdf: FPDF, height: float) -> None:
    """A heading starts a new page rather than stand alone at the foot of one."""
    if pdf.will_page_break(height):
        pdf.add_page()


def _pay(pdf: FPDF, slip: Slip) -> None:
    """The pay lines in two columns of label and amount; each total (gross, then the net
    after the deductions) across the width below the lines it closes."""
    _heading(pdf, TEXT["pay"])
    total = FontFace(emphasis="BOLD", fill_color=_TOTAL_FILL)
    groups: list[list[PayLine]] = [[]]
    for line in slip.pay:
        groups[-1].append(line)
        if line.total:
            groups.append([])
    with pdf.table(
        col_widths=(30, 20, 30, 20),
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEADING_FILL),
        text_align=("LEFT", "RIGHT", "LEFT", "RIGHT"),
        line_height=LINE_MM,
    ) as table:
        heading = table.row()
        for text in (TEXT["item"], TEXT["amount"], TEXT["item"], TEXT["amount"]):
            heading.cell(text)
        for group in groups:
            lines = [line for line in group if not line.total]
            half = (len(lines) + 1) // 2
            for pair in itertools.zip_longest(lines[:half], lines[half:]):
                row = table.row()
                for line in pair:
                    row.cell(line.label if line else "")
                    row.cell(yuan(line.amount) if line else "")
            for line in group:
                if line.total:
                    row = table.row(style=total)
                    row.cell(line.label, colspan=3)
                    row.cell(yuan(line.amount))


def yuan(amount: Decimal) -> str:
    """An amount as the payslip prints it: 1,600.00."""
    return f"{amount:,.2f}"


def _score(pdf: FPDF, slip: Slip) -> None:
    _heading(pdf, TEXT["score"])
    for key, items in (("add_side", slip.add_items), ("deduct_side", slip.deduct_items)):
        _subheading(pdf, TEXT[key])
        _entries(pdf, items, figure=True, figure_title=TEXT["points"])
    total = FontFace(emphasis="BOLD", fill_color=_TOTAL_FILL)
    with pdf.table(
        col_widths=(30, 20, 30, 20, 30, 20),
        first_row_as_headings=False,
        text_align=("LEFT", "RIGHT") * 3,
        line_height=LINE_MM,
    ) as table:
        row = table.row(style=total)
        for label, value in slip.score_lines:
            row.cell(label)
            row.cell(value)


def _details(pdf: FPDF, slip: Slip) -> None:
    _heading(pdf, TEXT["details"])
    if not slip.details:
        pdf.cell(0, 6, TEXT["none"], new_x="LMARGIN", new_y="NEXT")
    for label, entries in slip.details:
        _subheading(pdf, label)
        _entries(pdf, entries, figure=True, figure_title=TEXT["amount"])


def _entries(
    pdf: FPDF, entries: Sequence[SlipEntry], *, figure: bool, figure_title: str = ""
) -> None:
    """Trace entries as a table: figure (points or yuan), clause, what happened, input row."""
    if not entries:
        pdf.cell(0, 6, TEXT["none"], new_x="LMARGIN", new_y="NEXT")
        return
    titles = [TEXT["clause"], TEXT["effect"], TEXT["source"]]
    widths: tuple[int, ...] = _ENTRY_WIDTHS[1:]
    align: tuple[str, ...] = ("LEFT", "LEFT", "LEFT")
    if figure:
        titles.insert(0, figure_title)
        widths, align = _ENTRY_WIDTHS, ("RIGHT", *align)
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEADING_FILL),
        text_align=align,
        line_height=LINE_MM,
        wrapmode=WrapMode.WORD,
    ) as table:
        heading = table.row()
        for text in titles:
            heading.cell(text)
        for entry in entries:
            row = table.row()
            cells = [entry.clause, entry.effect, entry.source]
            for text in [entry.figure, *cells] if figure else cells:
                row.cell(text)
    pdf.ln(2)


def _document_id(record_hash: str, employee_id: str) -> str:
    """The PDF's /ID: both halves the same, as for a file first written (PDF 1.7 §14.4)."""
    digest = hashlib.sha256(f"{record_hash}\0{employee_id}".encode()).hexdigest()[:32].upper()
    return f"<{digest}><{digest}>"


def _seed(password: str, record_hash: str, employee_id: str) -> bytes:
    salt = hashlib.sha256(f"appraisal payslip\0{record_hash}\0{employee_id}".encode()).digest()
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, PBKDF2_ITERATIONS)


class _SeededBytes:
    """HMAC-SHA256 in counter mode: bytes no one can tell from random without the seed."""

    def __init__(self, seed: bytes) -> None:
        self._seed, self._counter = seed, 0

    def __call__(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            block = self._counter.to_bytes(8, "big")
            out += hmac.new(self._seed, block, hashlib.sha256).digest()
            self._counter += 1
        return out[:size]
