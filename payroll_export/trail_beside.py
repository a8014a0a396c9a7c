"""审计轨迹 (the audit trail) written in a forked process beside the other sheets.

The trail is the workbook's largest table: about half of its rows and of its XML. A
second process writes it while this one writes 工资调整, 工资条, 考核评分 and 职级变动,
so that the workbook takes the time of the larger half, on two cores.

The bytes stay the ones written in turn. What one sheet's cells say depends on the
sheets before it in one way only: a cell's style is a number, the workbook's styles
being numbered in the order they are first asked for (and the fonts, fills, borders and
alignments they are made of likewise). So the trail's process first writes the four
sheets before it for the first `SAMPLE` employees alone (their styles, nearly always
all of them), then the whole trail, noting each style it asks for (`Book.style_log`),
deflates the trail's rows (`appraisal.files.deflated.DeflatedRows`) and sends what the
sheets' frames need: their titles, rows and widths, the styles asked for, and the style
tables as they stood before the trail. This process takes the trail (`TrailBeside.adopt`)
only if those tables are its own, once its four sheets are written: it then makes the
same sheets (their frames; the rows stay there), asks for the same styles in the same
order, and gets the same numbers. Otherwise (a style first asked for late in a sheet
before the trail) it writes the trail itself, as before: the same bytes either way.

A sheet's zip entry ends with its frame's tail, which names the ledger record, known
only when the workbook is finished: the trail's process keeps each sheet's deflate
stream open and finishes it when sent the frame (`RemoteRows.entry`). Anything that
goes wrong there is told as `HeadChanged`, on which the workbook is written again in
one process. The process is forked (`os.fork`: the workbook may itself be written in a
daemonic child, which `multiprocessing` lets have none), never touches a file it did not
open, and leaves with ``os._exit``.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any

from appraisal.domain.results import EmployeeResult
from appraisal.files.deflated import DeflatedRows, HeadChanged
from payroll_export.audit_sheet import AUDIT_COLUMNS, write_audit_sheets
from payroll_export.changes_sheet import write_changes_sheet
from payroll_export.model import LevelLabel, Manifest
from payroll_export.pay_sheet import write_pay_sheet
from payroll_export.payslip_sheet import PAYSLIP_SHEET, write_payslip_sheet
from payroll_export.scores_sheet import write_scores_sheet
from payroll_export.sheet import Book, Part
from payroll_export.wording import wording_of

__all__ = ["SAMPLE", "SPLIT_AT", "RemoteRows", "TrailBeside"]

SPLIT_AT = 20_000  # trail rows from which the trail is written beside
SAMPLE = 256  # employees whose sheets before the trail number the styles beforehand
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


def style_tables(book: Book) -> list[list[Any]]:
    """The workbook's style tables as they stand: what numbers the next style asked for."""
    workbook = book.workbook
    tables = [list(getattr(workbook, name)) for name in _TABLES]
    return [*tables, list(workbook.named_styles)]


class RemoteRows:
    """A trail sheet's rows deflated in the trail's process: `DeflatedRows.entry` there."""

    def __init__(self, trail: TrailBeside, index: int, level: int) -> None:
        self._trail, self._index, self.level = trail, index, level

    def entry(self, frame: bytes) -> tuple[bytes, int, int]:
        return self._trail.ask(self._index, frame)


class TrailBeside:
    """The trail's process: `start` forks it, `adopt` takes its sheets into a workbook."""

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
        max_rows: int,
        level: int,
        split_at: int = SPLIT_AT,
    ) -> TrailBeside | None:
        """Fork the trail's process if the trail is long enough to gain by it (and the
        system can fork); None otherwise."""
        rows = sum(len(person.trace) for person in employees)
        if rows < split_at or not _can_fork():
            return None
        parent = os.getpid()
        here, there = multiprocessing.Pipe()
        try:
            pid = os.fork()
        except OSError:  # no fork now: the trail is written in turn
            here.close()
            there.close()
            return None
        if pid == 0:  # the trail's process
            here.close()
            code = 1
            try:
                _end_with(parent)
                _write_trail(there, employees, manifest, levels, max_rows, level)
                code = 0
            except BaseException:  # told to the parent by the pipe it closes
                pass
            finally:
                os._exit(code)
        there.close()
        return cls(pid, here)

    def adopt(self, book: Book) -> list[Part] | None:
        """The trail's sheets added to ``book`` (whose sheets before the trail are all
        written), rows and all, and their parts; None if they cannot be (the styles
        numbered otherwise, or the process failed): write the trail here then."""
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
        for index, (title, rows, last_filtered) in enumerate(report["sheets"]):
            sheet = book.sheet(title, AUDIT_COLUMNS, "D3")  # as `write_audit_sheets` makes it
            for key, attributes, number in asked.get(title, ()):
                if sheet.style(key, **attributes) != number:  # the same tables: never
                    raise AssertionError(f"{title}: style {key} numbered otherwise")
            sheet.rows, sheet.last_filtered = rows, last_filtered
            sheet.finish(report["widths"])
            sheet.remote = RemoteRows(self, index, report["level"])
        return [Part(*part) for part in report["parts"]]

    def ask(self, index: int, frame: bytes) -> tuple[bytes, int, int]:
        """The zip entry of trail sheet ``index`` for its ``frame`` (`DeflatedRows.entry`)."""
        try:
            self._connection.send((index, frame))
            kind, entry = self._connection.recv()
        except (EOFError, OSError) as error:
            raise HeadChanged(f"the trail's process is gone: {error}") from None
        if kind != "entry":
            raise HeadChanged(f"trail sheet {index}: {entry}")
        return entry  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the trail's process (it leaves when its pipe closes) and reap it."""
        self._connection.close()
        if self._pid is not None:
            pid, self._pid = self._pid, None
            os.waitpid(pid, 0)


def _can_fork() -> bool:
    """Whether a fork is safe here: the system forks, and this process runs one thread
    (a fork copies no other thread, but would copy a lock another one held: the web
    server's threads write their workbooks in turn)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _end_with(parent: int) -> None:
    """End this process when ``parent`` ends, killed or not (Linux), not a moment after."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before being watched
        os._exit(1)


def _write_trail(
    connection: Connection,
    employees: Sequence[EmployeeResult],
    manifest: Manifest,
    levels: Mapping[str, LevelLabel],
    max_rows: int,
    level: int,
) -> None:
    """The trail's process: the sheets before the trail for the first employees, the
    whole trail, its report, then each sheet's entry as asked, until the pipe closes."""
    book = Book(manifest.month, "")
    with wording_of(manifest.engine_version):
        sample = employees[:SAMPLE]
        write_pay_sheet(book, sample, manifest, levels)
        write_payslip_sheet(book, sample, manifest, PAYSLIP_SHEET)
        write_scores_sheet(book, sample, max_rows=max_rows)
        write_changes_sheet(book, sample, manifest.month, levels, max_rows=max_rows)
        tables = style_tables(book)
        first = len(book.sheets)
        book.style_log = []
        parts = write_audit_sheets(book, employees, max_rows=max_rows)
    sheets = book.sheets[first:]
    connection.send(
        (
            "written",
            {
                "tables": tables,
                "styles": book.style_log,
                "sheets": [(s.title, s.rows, s.last_filtered) for s in sheets],
                "widths": [max(column) for column in zip(*(s.widths for s in sheets), strict=True)],
                "parts": [(part.title, part.first, part.last) for part in parts],
                "level": level,
            },
        )
    )
    deflated = [DeflatedRows(sheet.ws, level).feed(sheet.spool) for sheet in sheets]
    while True:
        try:
            index, frame = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("entry", deflated[index].entry(frame)))
        except HeadChanged as error:
            connection.send(("changed", str(error)))
