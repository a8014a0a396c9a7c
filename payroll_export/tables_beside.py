"""考核评分, 职级变动 and 审计轨迹 written in a forked process beside the other sheets.

These three long tables are more than half of the workbook's rows and of its XML. A
second process writes them while this one writes 工资调整 and 工资条, then takes them
(`TablesBeside.adopt`) and writes the sheets after them, so that the workbook takes the
time of the larger half, on two cores.

The bytes stay the ones written in turn. What one sheet's cells say depends on the
sheets before it in one way only: a cell's style is a number, the workbook's styles
being numbered in the order they are first asked for (and the fonts, fills, borders and
alignments they are made of likewise). So the tables' process first writes the sheets
before them for the first `SAMPLE` employees alone (their styles, nearly always all of
them), then the three tables whole, noting each style it asks for (`Book.style_log`),
and sends what the sheets' frames need: their titles, columns, rows and widths, the
styles asked for, and the style tables as they stood before the first table. This
process takes the tables only if those style tables are its own: it then makes the
same sheets (their frames; the rows stay there), asks for the same styles in the same
order, and gets the same numbers. Otherwise (a style first asked for after the first
employees of 工资调整 or 工资条) it writes the tables itself, as before: the same bytes
either way.

A sheet's zip entry ends with its frame's tail, which names the ledger record, known
only when the workbook is finished: the tables' process deflates each sheet's rows as
it goes (`appraisal.files.deflated.Deflater`), keeps the deflate streams open and
finishes each when sent its frame (`RemoteRows.entry`). Anything that goes wrong there
is told as `HeadChanged`, on which the workbook is written again in one process. The
process is forked (`os.fork`: the workbook may itself be written in a daemonic child,
which `multiprocessing` lets have none) only from a process of one thread, ends when
its parent does, never touches a file it did not open, and leaves with ``os._exit``.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any

from appraisal.domain.results import EmployeeResult
from appraisal.files.deflated import Deflater, HeadChanged
from appraisal.files.forked import can_fork_alone
from payroll_export.audit_sheet import write_audit_sheets
from payroll_export.changes_sheet import write_changes_sheet
from payroll_export.model import LevelLabel, Manifest
from payroll_export.pay_sheet import write_pay_sheet
from payroll_export.payslip_sheet import PAYSLIP_SHEET, write_payslip_sheet
from payroll_export.scores_sheet import write_scores_sheet
from payroll_export.sheet import Book, Part, Sheet
from payroll_export.table import shared_widths
from payroll_export.wording import wording_of

__all__ = ["GROUPS", "SAMPLE", "SPLIT_AT", "RemoteRows", "TablesBeside", "write_long_table"]

# The long tables in the workbook's order, and how they are shared out: a process of
# its own for each group (考核评分 and 职级变动; 审计轨迹), about as long as the other.
LONG_TABLES = ("scores", "changes", "audit")
GROUPS: tuple[tuple[str, ...], ...] = (("scores", "changes"), ("audit",))
SPLIT_AT = 20_000  # trail rows from which the tables are written beside
SAMPLE = 256  # employees whose sheets before the tables number the styles beforehand
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends
# The workbook's style tables, in the order openpyxl numbers their entries.
_TABLES = (
    "_fonts",
    "_fills",
    "_borders",
    "_alignments",
    "_protections",
    "_number_formats",
    "_date_formats",
    "_cell_styles",
)


def write_long_table(
    name: str,
    book: Book,
    employees: Sequence[EmployeeResult],
    manifest: Manifest,
    levels: Mapping[str, LevelLabel],
    max_rows: int,
) -> list[Part]:
    """Write the long table ``name`` (`LONG_TABLES`) to ``book``; its parts."""
    if name == "scores":
        return write_scores_sheet(book, employees, max_rows=max_rows)
    if name == "changes":
        return write_changes_sheet(book, employees, manifest.month, levels, max_rows=max_rows)
    return write_audit_sheets(book, employees, max_rows=max_rows)


def style_tables(book: Book) -> list[list[Any]]:
    """The workbook's style tables as they stand: what numbers the next style asked for."""
    workbook = book.workbook
    tables = [list(getattr(workbook, name)) for name in _TABLES]
    return [*tables, list(workbook.named_styles)]


class RemoteRows:
    """A table's sheet's rows deflated in the tables' process: `DeflatedRows.entry` there."""

    def __init__(self, tables: TablesBeside, index: int, level: int) -> None:
        self._tables, self._index, self.level = tables, index, level

    def entry(self, frame: bytes) -> tuple[bytes, int, int]:
        return self._tables.ask(self._index, frame)


class TablesBeside:
    """The tables' process: `start` forks it, `adopt` takes their sheets into a workbook."""

    def __init__(self, pid: int, connection: Connection) -> None:
        self._pid: int | None = pid
        self._connection = connection

    @classmethod
    def start(
        cls,
        employees: Sequence[EmployeeResult],
        manifest: Manifest,
        levels: Mapping[str, LevelLabel],
        *,
        tables: Sequence[str],
        max_rows: int,
        level: int,
        split_at: int = SPLIT_AT,
    ) -> TablesBeside | None:
        """Fork a process to write ``tables`` (consecutive `LONG_TABLES`) if the trail is
        long enough to gain by it, and a fork is safe here (`can_fork_alone`: the web
        server's threads write their workbooks in turn); else None."""
        rows = sum(len(person.trace) for person in employees)
        if rows < split_at or not can_fork_alone():
            return None
        parent = os.getpid()
        here, there = multiprocessing.Pipe()
        try:
            pid = os.fork()
        except OSError:  # no fork now: the tables are written in turn
            here.close()
            there.close()
            return None
        if pid == 0:  # the tables' process
            here.close()
            code = 1
            try:
                _end_with(parent)
                _write_tables(there, tables, employees, manifest, levels, max_rows, level)
                code = 0
            except BaseException:  # told to the parent by the pipe it closes
                pass
            finally:
                os._exit(code)
        there.close()
        return cls(pid, here)

    def adopt(self, book: Book) -> list[list[Part]] | None:
        """The tables' sheets added to ``book`` (whose sheets before them are all written),
        rows and all, and each table's parts; None if they cannot be (the styles numbered
        otherwise, or the process failed): write the tables here then."""
        try:
            kind, report = self._connection.recv()
        except (EOFError, OSError):
            kind, report = "failed", None
        if kind != "written" or report["tables"] != style_tables(book):
            self.close()
            return None
        asked: dict[str, list[tuple[tuple[object, ...], dict[str, Any], int]]] = {}
        for title, key, attributes, number in report["styles"]:
            asked.setdefault(title, []).append((key, attributes, number))
        index = 0
        for columns, freeze, sheets, widths, _ in report["written"]:
            made: list[Sheet] = []
            for title, rows, last_filtered in sheets:
                sheet = book.sheet(title, columns, freeze)  # as `write_table` makes it
                for key, attributes, number in asked.get(title, ()):
                    if sheet.style(key, **attributes) != number:  # the same tables: never
                        raise AssertionError(f"{title}: style {key} numbered otherwise")
                sheet.rows, sheet.last_filtered = rows, last_filtered
                sheet.remote = RemoteRows(self, index, report["level"])
                made.append(sheet)
                index += 1
            for sheet in made:
                sheet.finish(widths)
        return [[Part(*part) for part in parts] for *_, parts in report["written"]]

    def ask(self, index: int, frame: bytes) -> tuple[bytes, int, int]:
        """The zip entry of the tables' sheet ``index`` for its ``frame`` (`DeflatedRows.entry`)."""
        try:
            self._connection.send((index, frame))
            kind, entry = self._connection.recv()
        except (EOFError, OSError) as error:
            raise HeadChanged(f"the tables' process is gone: {error}") from None
        if kind != "entry":
            raise HeadChanged(f"the tables' sheet {index}: {entry}")
        return entry  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the tables' process, done or not (its rows are let go), and reap it."""
        self._connection.close()
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _end_with(parent: int) -> None:
    """End this process when ``parent`` ends, killed or not (Linux), not a moment after."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before being watched
        os._exit(1)


def _write_tables(
    connection: Connection,
    names: Sequence[str],
    employees: Sequence[EmployeeResult],
    manifest: Manifest,
    levels: Mapping[str, LevelLabel],
    max_rows: int,
    level: int,
) -> None:
    """The tables' process: the sheets before the tables for the first employees, the
    tables ``names`` whole (each deflated as the next is written), the report, then each
    sheet's entry as asked, until the pipe closes."""
    book = Book(manifest.month, "")
    deflater = Deflater(level)
    written: list[tuple[object, ...]] = []

    def table(parts: list[Part], first: int) -> None:
        sheets = book.sheets[first:]
        widths = shared_widths(sheets)
        for sheet in sheets:
            if sheet.top or sheet.ruled:  # `write_table` makes neither
                raise ValueError(f"{sheet.title}: not a plain table")
            deflater.add(sheet.ws, sheet.spool)
        found = [(s.title, s.rows, s.last_filtered) for s in sheets]
        freeze = sheets[0].ws.freeze_panes
        parted = [(part.title, part.first, part.last) for part in parts]
        written.append((sheets[0].columns, freeze, found, widths, parted))

    with wording_of(manifest.engine_version):
        sample = employees[:SAMPLE]
        write_pay_sheet(book, sample, manifest, levels)
        write_payslip_sheet(book, sample, manifest, PAYSLIP_SHEET)
        for before in LONG_TABLES[: LONG_TABLES.index(names[0])]:
            write_long_table(before, book, sample, manifest, levels, max_rows)
        tables = style_tables(book)
        book.style_log = []
        for name in names:
            first = len(book.sheets)
            table(write_long_table(name, book, employees, manifest, levels, max_rows), first)
    report = {"tables": tables, "styles": book.style_log, "written": written, "level": level}
    connection.send(("written", report))
    deflated = [rows for _, rows in deflater.done()]
    while True:
        try:
            index, frame = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("entry", deflated[index].entry(frame)))
        except HeadChanged as error:
            connection.send(("changed", str(error)))
