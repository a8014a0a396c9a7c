"""A large events CSV is read in two halves at once (`appraisal.read.halves`, issue 11):
whatever the file holds, the month's inputs and problems are those of one pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from appraisal.domain.model import Month
from appraisal.files import forked
from appraisal.read import halves
from appraisal.read.inputs import MonthInputs, read_inputs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate  # noqa: E402

MONTH = Month(2026, 10)


@pytest.fixture
def month_files(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A generated month of 40 employees: the roster, the events, the events' lines."""
    roster_rows, event_rows = generate(40, 9, str(MONTH), 7)
    _write(tmp_path / "roster.csv", ROSTER_COLUMNS, roster_rows)
    _write(tmp_path / "events.csv", EVENT_COLUMNS, event_rows)
    text = (tmp_path / "events.csv").read_text(encoding="utf-8")
    assert '"' not in text and "'" not in text  # else it is read in one pass anyway
    return tmp_path / "roster.csv", tmp_path / "events.csv", text.splitlines(keepends=True)


def _both(
    monkeypatch: pytest.MonkeyPatch, roster: Path, events: Path
) -> tuple[tuple[MonthInputs, list[str]], tuple[MonthInputs, list[str]], list[bool]]:
    """The inputs and problems read in one pass, then in halves; whether halves were used."""
    used: list[bool] = []
    real = halves.read_events_in_halves

    def spied(*args: object) -> object:
        made = real(*args)  # type: ignore[arg-type]
        used.append(made is not None)
        return made

    monkeypatch.setattr(halves, "SPLIT_BYTES", 1 << 40)
    one, found = read_inputs(MONTH, roster, [events])
    monkeypatch.setattr(halves, "SPLIT_BYTES", 100)
    # Threads other tests left behind are no concern here (see the last test).
    monkeypatch.setattr(halves, "can_fork_alone", can_fork_alone_here)
    monkeypatch.setattr("appraisal.read.inputs.read_events_in_halves", spied)
    two, found_two = read_inputs(MONTH, roster, [events])
    return (one, [str(i) for i in found]), (two, [str(i) for i in found_two]), used


def test_a_clean_file_is_read_in_halves_to_the_same_events(
    monkeypatch: pytest.MonkeyPatch, month_files: tuple[Path, Path, list[str]]
) -> None:
    roster, events, _lines = month_files
    (one, found), (two, found_two), used = _both(monkeypatch, roster, events)
    assert used == [True] and found == found_two == []
    assert two.events == one.events and len(two.events) == 360
    assert [e.source.row for e in two.events] == [e.source.row for e in one.events]
    assert two.files == one.files and two.paths == one.paths


@pytest.mark.parametrize(
    ("start", "delimiter", "end"),
    [("", ",", "\r\n"), ("\ufeff", ",", "\n"), ("\ufeff", "\t", "\r\n"), ("", "\t", "\n")],
)
def test_windows_line_ends_a_bom_and_other_delimiters_are_read_in_halves_too(
    monkeypatch: pytest.MonkeyPatch,
    month_files: tuple[Path, Path, list[str]],
    start: str,
    delimiter: str,
    end: str,
) -> None:
    """As Excel saves a CSV: a byte order mark, line ends of Windows, tabs ("Text")."""
    roster, events, lines = month_files
    text = "".join(line.replace(",", delimiter).replace("\n", end) for line in lines)
    events.write_bytes((start + text).encode())
    (one, found), (two, found_two), used = _both(monkeypatch, roster, events)
    assert used == [True] and two.events == one.events and found == found_two == []
    assert len(two.events) == 360


def test_a_once_a_month_row_repeated_across_the_halves_is_said_as_one_pass_says_it(
    monkeypatch: pytest.MonkeyPatch, month_files: tuple[Path, Path, list[str]]
) -> None:
    roster, events, lines = month_files
    exam = next(line for line in lines[1:20] if ",exam," in line)  # in the first half
    events.write_text("".join([*lines, exam]), encoding="utf-8")  # again, at the end
    (one, found), (two, found_two), used = _both(monkeypatch, roster, events)
    assert used == [False]  # the halves gave way to one pass
    assert found_two == found and len(found) == 1 and "more than one exam row" in found[0]
    assert two.events == one.events


@pytest.mark.parametrize(
    ("bad", "in_halves"),
    [
        # no one on the roster: said across the files, once every row is read
        ("KF99999,2026-10-05,late,15,,,,,\n", True),
        ("KF00001,2026-11-05,late,15,,,,,\n", False),  # a date outside the month
        ("KF00001,2026-10-05,lateish,15,,,,,\n", False),  # an unknown kind
        ("KF00001,2026-10-05,late,15\n", False),  # too few fields
        ('"KF00001",2026-10-05,late,15,,,,,\n', False),  # a quote: one pass, always
        ("KF00001,2026-10-05,late,15,,,,,\rKF00002,2026-10-06,late,5,,,,,\n", False),  # a CR
    ],
)
def test_a_problem_in_the_second_half_is_said_as_one_pass_says_it(
    monkeypatch: pytest.MonkeyPatch,
    month_files: tuple[Path, Path, list[str]],
    bad: str,
    in_halves: bool,
) -> None:
    roster, events, lines = month_files
    events.write_text("".join([*lines[:-3], bad, *lines[-3:]]), encoding="utf-8")
    (one, found), (two, found_two), used = _both(monkeypatch, roster, events)
    assert used == [in_halves] and found_two == found and found
    assert two.events == one.events


THREADS = {"count": 1}  # how many threads `can_fork_alone_here` sees


def can_fork_alone_here() -> bool:
    """`can_fork_alone` as it would answer with `THREADS` threads in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forked.threading, "active_count", lambda: THREADS["count"])
        return forked.can_fork_alone()


def test_a_process_of_more_than_one_thread_reads_in_one_pass(
    monkeypatch: pytest.MonkeyPatch, month_files: tuple[Path, Path, list[str]]
) -> None:
    """A fork copies no other thread, but would copy a lock one held (the web server)."""
    roster, events, _lines = month_files
    monkeypatch.setitem(THREADS, "count", 2)
    (one, found), (two, found_two), used = _both(monkeypatch, roster, events)
    assert used == [False] and two.events == one.events and found_two == found == []
    assert not can_fork_alone_here()
    monkeypatch.setitem(THREADS, "count", 1)
    assert can_fork_alone_here() == forked.can_fork()
