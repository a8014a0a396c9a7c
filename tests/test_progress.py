"""Progress by stage on a terminal's stderr, and nothing anywhere else (issue 14, item 2).

The pipeline reports its stages to a `Progress` it is given; the command line draws them
with rich on stderr when stderr is a terminal, only after a delay, and never with
``--quiet``. The terminal cases run the real command under a pseudo-terminal (`os.openpty`)
with the delay set to 0 by ``APPRAISAL_PROGRESS_DELAY``, on the shipped example month,
and check that stdout and the exit status are those of the same command without one.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from appraisal.audit import reissue, replay_month
from appraisal.cli.progress import DELAY_VARIABLE, TerminalProgress, progress_for
from appraisal.domain.errors import InputError
from appraisal.domain.model import Month
from appraisal.pipeline import RunRequest, run
from appraisal.progress import NO_PROGRESS

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "roster.csv"
EVENTS = ROOT / "examples" / "events.csv"
MONTH = "2026-10"
RUN_ARGS = ("run", "--month", MONTH, "--roster", str(ROSTER), "--events", str(EVENTS))
# What a terminal does not show: colours, cursor moves, the cursor hidden and shown again.
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RUN_STAGES = ["reading", "evaluating", "sealing", "writing the results", "writing the workbook"]


class Recorder:
    """A `Progress` that keeps what it was told."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.advanced = 0

    def stage(self, name: str, total: int | None = None) -> None:
        self.stages.append((name, total))

    def advance(self, n: int = 1) -> None:
        self.advanced += n

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.stages]


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal, as rich and the command line ask."""

    def isatty(self) -> bool:
        return True


# ---- the pipeline says its stages --------------------------------------------------------


def request(folder: Path) -> RunRequest:
    return RunRequest(
        month=Month.parse(MONTH),
        roster=ROSTER,
        events=(EVENTS,),
        ledger=folder / "ledger.db",
        json_path=folder / "results.json",
        workbook_path=folder / "salary.xlsx",
    )


def test_a_run_reports_each_stage_in_order_and_gives_the_same_files(tmp_path: Path) -> None:
    told = Recorder()
    (tmp_path / "told").mkdir()
    (tmp_path / "silent").mkdir()
    run(request(tmp_path / "told"), told)
    run(request(tmp_path / "silent"))  # the default: NO_PROGRESS
    assert told.names == RUN_STAGES
    for name in ("results.json", "salary.xlsx"):
        assert (tmp_path / "told" / name).read_bytes() == (tmp_path / "silent" / name).read_bytes()


def test_a_refused_run_stops_at_the_stage_that_refused_it(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("employee_id,date,kind,value\nNOBODY,2026-10-05,late,10\n", encoding="utf-8")
    told = Recorder()
    bad = RunRequest(Month.parse(MONTH), ROSTER, (events,), tmp_path / "ledger.db")
    with pytest.raises(InputError):
        run(bad, told)
    assert told.names == ["reading", "evaluating"]  # never sealing, never writing


def test_replay_and_reissue_report_their_stages(tmp_path: Path) -> None:
    run(request(tmp_path))
    replayed, reissued = Recorder(), Recorder()
    outcome = replay_month(Month.parse(MONTH), tmp_path / "ledger.db", replayed)
    assert outcome.differences == []
    assert replayed.names == ["reading the ledger", "evaluating", "comparing"]
    reissue(MONTH, tmp_path / "ledger.db", workbook_path=tmp_path / "again.xlsx", progress=reissued)
    assert reissued.names == ["reading the ledger", "writing the workbook"]
    assert (tmp_path / "again.xlsx").read_bytes() == (tmp_path / "salary.xlsx").read_bytes()


# ---- which progress a command gets ---------------------------------------------------------


def test_no_progress_unless_stderr_is_a_terminal_and_not_quiet() -> None:
    assert progress_for(io.StringIO(), quiet=False) is NO_PROGRESS
    assert progress_for(FakeTerminal(), quiet=True) is NO_PROGRESS
    assert isinstance(progress_for(FakeTerminal(), quiet=False), TerminalProgress)


def test_a_counted_stage_shows_its_count_and_is_full_when_it_ends() -> None:
    screen = FakeTerminal()
    with TerminalProgress(screen, delay=0) as progress:
        progress.stage("evaluating", total=10_000)
        progress.advance(2_500)
    assert "evaluating" in screen.getvalue()
    assert "10,000/10,000" in screen.getvalue()  # done: the bar is full


def test_a_stage_that_fails_keeps_the_count_it_reached() -> None:
    screen = FakeTerminal()
    with pytest.raises(RuntimeError), TerminalProgress(screen, delay=0) as progress:
        progress.stage("evaluating", total=10_000)
        progress.advance(2_500)
        raise RuntimeError("stop")
    assert "2,500/10,000" in screen.getvalue()
    assert "10,000/10,000" not in screen.getvalue()


def test_nothing_is_drawn_before_the_delay() -> None:
    screen = FakeTerminal()
    with TerminalProgress(screen, delay=60) as progress:
        progress.stage("reading")
        progress.stage("evaluating", total=3)
        progress.advance(3)
    assert not progress.shown
    assert screen.getvalue() == ""


def test_the_display_starts_by_itself_once_the_delay_is_over() -> None:
    # A stage that never advances (one long call, like writing the workbook) must
    # still be shown: the timer starts the display, not the next call.
    screen = FakeTerminal()
    with TerminalProgress(screen, delay=0.05) as progress:
        progress.stage("writing the workbook")
        started = threading.Event()
        for _ in range(200):
            if progress.shown:
                started.set()
                break
            started.wait(0.01)
    assert started.is_set()
    assert "writing the workbook" in screen.getvalue()


# ---- the command under a real terminal -----------------------------------------------------


def command(*args: str, cwd: Path, terminal: bool, delay: str = "0") -> tuple[int, str, str]:
    """The exit status, stdout and stderr of `python -m appraisal ARGS`; stderr is a
    pseudo-terminal when ``terminal``, a pipe otherwise. stdout is always a pipe."""
    env = {**os.environ, DELAY_VARIABLE: delay, "COLUMNS": "100", "TERM": "xterm"}
    argv = [sys.executable, "-m", "appraisal", *args]
    if not terminal:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    leader, follower = os.openpty()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(process.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the command has closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    reader.join(timeout=120)
    status = process.wait(timeout=120)
    return status, b"".join(out).decode(), screen.decode(errors="replace")


def test_a_run_on_a_terminal_shows_its_stages_and_prints_the_same(tmp_path: Path) -> None:
    (tmp_path / "tty").mkdir()
    (tmp_path / "pipe").mkdir()
    outputs = ("--ledger", "l.db", "--json", "r.json", "--out", "s.xlsx")
    status, out, screen = command(*RUN_ARGS, *outputs, cwd=tmp_path / "tty", terminal=True)
    piped_status, piped_out, piped_err = command(
        *RUN_ARGS, *outputs, cwd=tmp_path / "pipe", terminal=False
    )
    assert (status, out) == (piped_status, piped_out) == (0, piped_out)
    assert piped_err == ""  # not a terminal: nothing at all on stderr
    for stage in RUN_STAGES:
        assert f"✓ {stage}" in screen  # each stage ended, with its tick
    assert (
        screen.index("✓ reading")
        < screen.index("✓ sealing")
        < screen.index("✓ writing the workbook")
    )
    assert "Sealed 2026-10 in l.db" in out and "Sealed" not in screen


@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_quiet_shows_nothing_on_a_terminal(tmp_path: Path, where: str) -> None:
    args = ("--quiet", *RUN_ARGS) if where == "before the command" else (*RUN_ARGS, "-q")
    status, out, screen = command(*args, "--ledger", "l.db", cwd=tmp_path, terminal=True)
    assert status == 0
    assert "Sealed 2026-10" in out
    assert screen == ""


def test_a_quick_command_shows_nothing_within_the_delay(tmp_path: Path) -> None:
    status, out, screen = command(
        *RUN_ARGS, "--ledger", "l.db", cwd=tmp_path, terminal=True, delay="60"
    )
    assert status == 0 and "Sealed 2026-10" in out
    assert screen == ""


def test_problems_are_printed_whole_after_the_display_ends(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("employee_id,date,kind,value\nNOBODY,2026-10-05,late,10\n", encoding="utf-8")
    args = ("run", "--month", MONTH, "--roster", str(ROSTER), "--events", str(events))
    status, out, screen = command(*args, "--ledger", "l.db", cwd=tmp_path, terminal=True)
    piped_status, _, piped_err = command(*args, "--ledger", "l.db", cwd=tmp_path, terminal=False)
    assert status == piped_status == 1
    assert out == ""
    # Every line the pipe got is on the terminal too, whole and after the display.
    lines = CONTROL.sub("", screen).replace("\r\n", "\n").splitlines()
    for line in piped_err.splitlines():
        assert line in lines
    assert screen.rindex("evaluating") < screen.index(piped_err.splitlines()[0])
