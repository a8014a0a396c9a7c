"""The salary-adjustment workbook (工资调整表): the "export" stage's spreadsheet.

read → validate → resolve policy → evaluate → check → seal → **export**

`salary_workbook` reads the results of one sealed month (`MonthResults`, interface.md
"Results") and returns the .xlsx as bytes; the caller decides where they go. Each sheet has a
module of its own; this function is their table of contents, in the order HR reads
them. Employees appear in employee_id order and the trail in the engine's order, so the
same results and manifest always give the same bytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import EmployeeResult, MonthResults
from appraisal.files.deflated import DeflatedEntry, Deflater, HeadChanged
from appraisal.files.xlsx import deflate_level, workbook_bytes
from payroll_export.audit_sheet import write_compliance_sheet
from payroll_export.manifest_sheet import write_manifest_sheet
from payroll_export.model import DRAFT, PAY_COLUMNS, LevelLabel, Manifest, check_matches
from payroll_export.pay_sheet import PAY_SHEET_ROWS, write_pay_sheet
from payroll_export.payslip_sheet import PAYSLIP_SHEET, write_payslip_sheet
from payroll_export.sheet import MAX_SHEET_ROWS, Book, Part
from payroll_export.summary_sheet import write_summary_sheet
from payroll_export.tables_beside import GROUPS, SPLIT_AT, TablesBeside, write_long_table
from payroll_export.text import clean_text, money_text
from payroll_export.wording import compress_level, label, wording_of

__all__ = ["RECORD_FIELDS", "PreparedWorkbook", "prepare_workbook", "salary_workbook"]


# What only the ledger record says: the 说明 sheet, the page footers and the file's
# properties show them, and nothing else reads them (`PreparedWorkbook.finish`).
RECORD_FIELDS = ("input_files", "record_hash", "ledger_version", "ledger_seq", "amend_reason")


@without_cycle_collection()  # tens of thousands of rows, no reference cycles
def salary_workbook(
    results: MonthResults,
    manifest: Manifest,
    ladder: Sequence[LevelLabel] = (),
    *,
    max_rows: int = MAX_SHEET_ROWS,
) -> bytes:
    """The month's salary-adjustment workbook, as the bytes of an .xlsx file.

    ``ladder`` gives the levels' titles and the order of the summary; without it levels
    show by id. ``max_rows`` is the most rows a sheet may hold (Excel's limit unless a
    test asks for less); a longer audit trail, score list, change list or compliance
    list goes on over further sheets, and 说明 (manifest) says so. Raises ValueError
    when the manifest describes another month or policy, or a figure is not money.
    """
    return prepare_workbook(results, manifest, ladder, max_rows=max_rows).finish(manifest)


class PreparedWorkbook:
    """A workbook whose every sheet but 说明 is written, before its ledger record exists.

    `prepare_workbook` does the work of the rows (nearly all of it); `finish` adds what
    the record says (`RECORD_FIELDS`) and packs the file, once. The bytes are
    `salary_workbook`'s for the manifest given to `finish`.
    """

    def __init__(
        self,
        results: MonthResults,
        manifest: Manifest,
        ladder: Sequence[LevelLabel],
        max_rows: int,
    ) -> None:
        self.results, self.manifest, self.ladder, self.max_rows = (
            results,
            manifest,
            ladder,
            max_rows,
        )
        self.book: Book | None = None
        self.employees: Sequence[EmployeeResult] = ()
        self.parts: dict[str, list[Part]] = {}
        self.deflated: list[tuple[Any, DeflatedEntry]] = []  # (worksheet, its rows deflated)
        self.tables: list[TablesBeside | None] = []  # the processes writing the long tables

    @without_cycle_collection()
    def finish(self, manifest: Manifest) -> bytes:
        """The file, for ``manifest`` (the prepared one with the record's fields): its
        说明 sheet, page footers and properties. A manifest that differs from the
        prepared one in more than the record's fields, or a second call, writes the
        whole workbook again, so the bytes are always `salary_workbook`'s."""
        book = self.book
        unread = {name: getattr(self.manifest, name) for name in RECORD_FIELDS}
        if book is None or replace(manifest, **unread) != self.manifest:
            self.close()
            return self._again(manifest, deflate=True)
        try:
            return self._finish(book, manifest)
        except HeadChanged:  # never seen: the sheets' rows spliced in, as before
            return self._again(manifest, deflate=False)
        finally:
            self.close()

    def _again(self, manifest: Manifest, *, deflate: bool) -> bytes:
        again = prepare_workbook(
            self.results, manifest, self.ladder, max_rows=self.max_rows, deflate=deflate, beside=0
        )
        return again.finish(manifest)

    def _finish(self, book: Book, manifest: Manifest) -> bytes:
        early = {id(ws) for ws, _ in self.deflated}
        with wording_of(manifest.engine_version):
            book.sign(manifest.record_text)
            write_manifest_sheet(
                book,
                manifest,
                employees=len(self.employees),
                trace_entries=sum(len(person.trace) for person in self.employees),
                parts=self.parts,
                max_rows=self.max_rows,
            )
            return workbook_bytes(
                book.workbook,
                rows=[(s.ws, s.spool) for s in book.sheets if id(s.ws) not in early],
                month=manifest.month,
                title=_title(manifest),
                description=_description(manifest),
                level=compress_level(manifest.engine_version),  # as its release deflated it
                deflated=self.deflated,
            )

    def close(self) -> None:
        """Let go of the rows written (and of the tables' processes), finished or not."""
        if self.book is not None:
            self.book.close()
            self.book = None
        for tables in self.tables:
            if tables is not None:
                tables.close()
        self.tables = []


@without_cycle_collection()
def prepare_workbook(
    results: MonthResults,
    manifest: Manifest,
    ladder: Sequence[LevelLabel] = (),
    *,
    max_rows: int = MAX_SHEET_ROWS,
    deflate: bool = True,
    beside: int = SPLIT_AT,
) -> PreparedWorkbook:
    """Every sheet of `salary_workbook` but 说明, from a manifest whose `RECORD_FIELDS`
    may be anything (the record is not sealed yet): see `PreparedWorkbook`. Each sheet's
    rows are deflated as its zip entry will hold them, unless not ``deflate``; with a
    trail of ``beside`` rows or more, the long tables are written in processes of their
    own (0: never), with the same bytes (`payroll_export.tables_beside`)."""
    check_matches(results, manifest)
    employees = sorted(results.employees, key=lambda person: person.employee_id)
    departments = len({clean_text(person.department) for person in employees})
    # the title, the header, the employees, a subtotal a department, the total, the
    # blank row and the signatures
    if PAY_SHEET_ROWS + len(employees) + departments > max_rows:
        raise ValueError(
            f"工资调整 (salary adjustment): {len(employees):,} employees and their totals "
            f"do not fit on one sheet of {max_rows:,} rows"
        )
    # 工资条: a title row, then a strip (header, values, spacer) each; a month whose
    # strips pass a sheet's rows goes on over 工资条 (2), (3)…, as the other long parts do.
    strips = max(max_rows // 3, 1)
    levels = {level.id: level for level in ladder}
    prepared = PreparedWorkbook(results, manifest, tuple(ladder), max_rows)
    book = Book(manifest.month, "")
    # Sealed texts worded as the release that sealed the month worded them.
    level = deflate_level(compress_level(manifest.engine_version))
    if deflate and beside:  # forked before this process starts a thread (`Deflater`)
        prepared.tables = [
            TablesBeside.start(
                employees,
                manifest,
                levels,
                tables=group,
                max_rows=max_rows,
                level=level,
                split_at=beside,
            )
            for group in GROUPS
        ]
    try:  # the money checked while the tables' process begins them: nothing written yet
        _check_money(employees)
    except BaseException:
        prepared.close()
        raise
    deflater = Deflater(level)

    def written() -> None:  # the sheets written so far deflated beside (`Deflater`)
        for sheet in book.sheets[deflater.added() :] if deflate else ():
            if sheet.remote is not None:
                deflater.add_deflated(sheet.ws, sheet.remote)
            else:
                deflater.add(sheet.ws, sheet.spool)

    with wording_of(manifest.engine_version):
        try:
            layout = write_pay_sheet(book, employees, manifest, levels)
            for part, start in enumerate(range(0, max(len(employees), 1), strips), 1):
                name = PAYSLIP_SHEET if part == 1 else f"{PAYSLIP_SHEET} ({part})"
                write_payslip_sheet(book, employees[start : start + strips], manifest, name)
            written()
            parts: dict[str, list[Part]] = {}  # the long tables, written beside or here
            for group, beside_us in itertools.zip_longest(GROUPS, prepared.tables):
                adopted = beside_us.adopt(book) if beside_us is not None else None
                for index, name in enumerate(group):
                    parts[name] = (
                        adopted[index]
                        if adopted is not None
                        else write_long_table(name, book, employees, manifest, levels, max_rows)
                    )
                    written()
            scores, changes, audit = (parts[name] for name in ("scores", "changes", "audit"))
            compliance = write_compliance_sheet(book, employees, max_rows=max_rows)
            write_summary_sheet(book, employees, ladder, manifest.demotion_line, layout)
            written()
            prepared.deflated = deflater.done()
            prepared.parts = {
                label("考核评分", "考核评分 scores"): scores,
                label("职级变动", "职级变动 level changes"): changes,
                label("审计轨迹", "审计轨迹 audit trail"): audit,
                label("合规提示", "合规提示 compliance"): compliance,
            }
        except BaseException:
            deflater.close()
            book.close()
            prepared.close()
            raise
    prepared.book, prepared.employees = book, employees
    return prepared


def _title(manifest: Manifest) -> str:
    title = f"{manifest.month} 工资调整表 salary adjustment"
    return f"{DRAFT} {title}" if manifest.draft else title


def _description(manifest: Manifest) -> str:
    if manifest.draft:
        return f"{DRAFT}：未封存，无账本记录；制度 sha256 {manifest.policy_sha256}"
    return (
        f"ledger record {manifest.record_hash} "
        f"(version {manifest.ledger_version}, seq {manifest.ledger_seq}); "
        f"policy sha256 {manifest.policy_sha256}"
    )


def _check_money(employees: Sequence[EmployeeResult]) -> None:
    """Every figure is money to the cent, checked before a sheet is begun: a workbook
    is never left half written. In order, each distinct figure once (equal figures are
    to the cent alike): a month has a few thousand of them, a million times over."""
    checked: set[object] = set()

    def check(amounts: Iterable[object]) -> None:
        for amount in amounts:
            try:
                if amount in checked:
                    continue
            except TypeError:  # unhashable, a signalling NaN: money_text says what it is
                pass
            money_text(amount)
            checked.add(amount)

    for person in employees:
        check(person.pay[name] for name in PAY_COLUMNS)
        if person.deductions is not None:
            check(person.deductions.values.values())
        check(entry.yuan for entry in person.trace if entry.yuan is not None)
        check(conflict.amount for conflict in person.compliance)
