"""Progress on the terminal: a line a stage on stderr, for a command that takes a while.

A 10,000-employee month takes tens of seconds, and without this the terminal stays
silent until the summary. `progress_for` gives the `Progress` the pipeline reports to
(`appraisal.progress`): on a terminal, a rich display that shows each stage with a
spinner, a bar (with a count where the stage can count) and its time, but only once
the command has run for `DELAY_SECONDS`, so a quick command prints exactly what it
printed before. When stderr is not a terminal (a pipe, a file, CI) or with
``--quiet``, it is `NO_PROGRESS`: nothing at all is written.

Only stderr is drawn on; stdout is never touched (rich's redirection is off), so what a
command prints, and its exit status, are the same with or without a terminal. A command
ends the display (leaving each stage's line with its time) before it prints its results.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from appraisal.i18n import N_, _
from appraisal.progress import NO_PROGRESS, NoProgress

if TYPE_CHECKING:  # rich is imported when a display is made: most runs make none
    from rich.progress import ProgressColumn, TaskID

__all__ = ["DELAY_SECONDS", "DELAY_VARIABLE", "STAGES", "TerminalProgress", "progress_for"]

#: The stages the commands report (`Progress.stage`), for the catalogue.
STAGES = (
    N_("reading"),
    N_("reading the roster"),
    N_("reading the export"),
    N_("reading the ledger"),
    N_("checking the events"),
    N_("checking the workbook"),
    N_("evaluating"),
    N_("comparing"),
    N_("sealing"),
    N_("making the workbook"),
    N_("writing the events"),
    N_("writing the payslips"),
    N_("writing the workbook"),
    N_("writing the results"),
)

DELAY_SECONDS = 2.0  # a command done sooner shows no progress at all
# Seconds before the display starts, instead of DELAY_SECONDS (0: at once; for tests).
DELAY_VARIABLE = "APPRAISAL_PROGRESS_DELAY"
REFRESHES_PER_SECOND = 4  # the machine is busy with the month, not the spinner


def progress_for(stream: TextIO, *, quiet: bool) -> TerminalProgress | NoProgress:
    """The progress a command shows on ``stream``: none unless it is a terminal and not quiet."""
    if quiet or not _is_terminal(stream):
        return NO_PROGRESS
    return TerminalProgress(stream, delay=_delay())


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _delay() -> float:
    text = os.environ.get(DELAY_VARIABLE, "")
    try:
        seconds = float(text)
    except ValueError:
        return DELAY_SECONDS
    return seconds if seconds >= 0 else DELAY_SECONDS


class TerminalProgress:
    """A `Progress` drawn with rich on a terminal, from ``delay`` seconds after it is entered.

    Use it as a context manager around the work: leaving it ends the display. Stages
    entered before the display starts are shown as done, with their times.
    """

    def __init__(self, stream: TextIO, *, delay: float = DELAY_SECONDS) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        console = Console(file=stream, force_terminal=True, highlight=False)
        self._bars = RichProgress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=30),
            _count_column(),
            TimeElapsedColumn(),
            console=console,
            refresh_per_second=REFRESHES_PER_SECOND,
            redirect_stdout=False,  # stdout is the command's own: never drawn on or moved
            redirect_stderr=False,
        )
        self._delay = delay
        self._lock = threading.Lock()  # the timer's thread starts the display
        self._timer: threading.Timer | None = None
        self._task: TaskID | None = None
        self._counted = False
        self._shown = False
        self._closed = False

    @property
    def shown(self) -> bool:
        """Whether the display has started (the command outlasted the delay)."""
        return self._shown

    def __enter__(self) -> TerminalProgress:
        if self._delay <= 0:
            self._show()
        else:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True
            self._end_stage(done=kind is None)  # a stage that failed keeps its place
            if self._shown:
                self._bars.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        with self._lock:
            self._end_stage(done=True)
            self._counted = total is not None
            # The stage's name as the catalogue words it (STAGES lists the names).
            self._task = self._bars.add_task(_(name), total=total, counted=self._counted)

    def advance(self, n: int = 1) -> None:
        task = self._task
        if task is not None:
            self._bars.advance(task, n)

    def _show(self) -> None:
        with self._lock:
            if not self._closed and not self._shown:
                self._bars.start()
                self._shown = True

    def _end_stage(self, *, done: bool) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        if done and self._counted:
            total = self._bars.tasks[-1].total  # the current stage is the last task
            self._bars.update(task, completed=total)
        elif done:  # a stage without a count fills its bar when it ends
            self._bars.update(task, total=1, completed=1)
        self._bars.stop_task(task)  # its time stops here


def _count_column() -> ProgressColumn:
    """The count of a stage that counts ("1,250/10,000"); nothing for one that does not."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Task) -> Text:
            if task.total is None or not task.fields.get("counted"):
                return Text("")
            return Text(f"{int(task.completed):,}/{int(task.total):,}", style="progress.download")

    return Count()
