"""考核评分, 职级变动 and 审计轨迹 written in a process of their own beside the other
sheets (issue 11 item 1): the workbook's bytes are the ones written in one process,
whatever happens to that process, and whatever styles the sheets before them number
first."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appraisal.domain.model import Month
from appraisal.domain.results import MonthResults
from appraisal.export.workbook import ladder_of, manifest_of
from appraisal.pipeline import read_inputs, run_month
from appraisal.policy.loaded import load_policy
from payroll_export import tables_beside
from payroll_export.model import LevelLabel, Manifest
from payroll_export.tables_beside import TablesBeside
from payroll_export.workbook import prepare_workbook

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2026-10"
Month_ = tuple[MonthResults, Manifest, tuple[LevelLabel, ...]]


def _sealed(folder: Path, roster: Path) -> Month_:
    """A month of the shipped example (with ``roster``) sealed, as the ledger gives it back."""
    policy = load_policy(None)
    inputs, issues = read_inputs(Month.parse(MONTH), roster, [ROOT / "examples" / "events.csv"])
    assert not issues, issues
    record = run_month(policy, inputs, folder / "ledger.db").record
    in_force = policy.in_force(Month.parse(MONTH))
    typed = MonthResults.from_json(record.results)
    return typed, manifest_of(record, in_force), ladder_of(in_force)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Month_:
    return _sealed(tmp_path_factory.mktemp("trail"), ROOT / "examples" / "roster.csv")


@pytest.fixture(autouse=True)
def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a run's workbook child: no other thread (earlier tests may leave some idle)."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def test_a_process_running_other_threads_writes_the_tables_in_turn(
    example: Month_, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork copies no other thread but would copy a lock one held: the web server's
    threads write their workbooks in one process."""
    monkeypatch.undo()
    typed, manifest, ladder = example
    running = threading.Event()
    other = threading.Thread(target=running.wait, daemon=True)
    other.start()
    try:
        prepared = prepare_workbook(typed, manifest, ladder, beside=1)
        assert prepared.tables == [None, None]
        prepared.close()
    finally:
        running.set()
        other.join()


@pytest.fixture
def adopted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether the tables written beside were taken (True) or written here instead."""
    taken: list[bool] = []
    adopt = TablesBeside.adopt

    def spy(self: TablesBeside, book: Any) -> Any:
        parts = adopt(self, book)
        taken.append(parts is not None)
        return parts

    monkeypatch.setattr(TablesBeside, "adopt", spy)
    yield taken


def _in_turn(month: Month_, **options: Any) -> bytes:
    typed, manifest, ladder = month
    return prepare_workbook(typed, manifest, ladder, beside=0, **options).finish(manifest)


def _beside(month: Month_, **options: Any) -> bytes:
    typed, manifest, ladder = month
    return prepare_workbook(typed, manifest, ladder, beside=1, **options).finish(manifest)


def test_the_tables_written_beside_give_the_bytes_written_in_turn(
    example: Month_, adopted: list[bool]
) -> None:
    assert _beside(example) == _in_turn(example)
    assert adopted == [True, True]  # 考核评分 and 职级变动; 审计轨迹


def test_tables_over_several_sheets_are_taken_whole(example: Month_, adopted: list[bool]) -> None:
    trail = sum(len(person.trace) for person in example[0].employees)
    assert trail > 2 * 40  # 审计轨迹, 审计轨迹 (2), (3) at least; 考核评分 (2) too
    assert _beside(example, max_rows=40) == _in_turn(example, max_rows=40)
    assert adopted == [True, True]


def test_tables_of_a_short_trail_are_written_in_turn(example: Month_, adopted: list[bool]) -> None:
    typed, manifest, ladder = example
    prepared = prepare_workbook(typed, manifest, ladder, beside=10**9)
    assert prepared.tables == [None, None]
    prepared.close()
    assert adopted == []


def test_a_style_first_asked_for_after_the_sample_leaves_the_tables_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, adopted: list[bool]
) -> None:
    """The third employee's name starts like a formula: 工资调整 quotes it, with a style
    of its own that the tables' process, having written the first employee alone, has
    not numbered; so the tables are written here, and the bytes are the same."""
    lines = (ROOT / "examples" / "roster.csv").read_text(encoding="utf-8").splitlines()
    third = lines[3].split(",")
    third[1] = "=张伟"
    lines[3] = ",".join(third)
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    month = _sealed(tmp_path, roster)
    monkeypatch.setattr(tables_beside, "SAMPLE", 1)
    assert _beside(month) == _in_turn(month)
    assert adopted == [False, False]
    monkeypatch.setattr(tables_beside, "SAMPLE", 100)  # all of them: the styles agree
    assert _beside(month) == _in_turn(month)
    assert adopted == [False, False, True, True]


def test_a_tables_process_that_fails_leaves_the_tables_to_this_process(
    example: Month_, monkeypatch: pytest.MonkeyPatch, adopted: list[bool]
) -> None:
    def fails(*_: object) -> None:
        raise MemoryError

    monkeypatch.setattr(tables_beside, "_write_tables", fails)
    assert _beside(example) == _in_turn(example)
    assert adopted == [False, False]


def test_a_tables_process_gone_before_the_finish_writes_the_workbook_again(
    example: Month_, adopted: list[bool]
) -> None:
    typed, manifest, ladder = example
    prepared = prepare_workbook(typed, manifest, ladder, beside=1)
    assert adopted == [True, True] and prepared.tables[1] is not None
    pid = prepared.tables[1]._pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert prepared.finish(manifest) == _in_turn(example)


def test_no_tables_process_outlives_its_workbook(example: Month_) -> None:
    typed, manifest, ladder = example
    for finished in (True, False):
        prepared = prepare_workbook(typed, manifest, ladder, beside=1)
        pids = [tables._pid for tables in prepared.tables if tables is not None]
        assert len(pids) == 2 and None not in pids
        if finished:
            prepared.finish(replace(manifest, record_hash="0" * 64))
        else:
            prepared.close()
        assert prepared.tables == []
        for pid in pids:
            with pytest.raises(ChildProcessError):  # reaped
                os.waitpid(pid or 0, os.WNOHANG)


def _holds_tables(month: Month_, out: Any) -> None:
    """A workbook's process whose tables' process is busy (for a minute): it says the
    tables' pid, and waits."""
    typed, manifest, ladder = month
    employees = sorted(typed.employees, key=lambda person: person.employee_id)
    levels = {level.id: level for level in ladder}
    tables = TablesBeside.start(
        employees, manifest, levels, tables=("audit",), max_rows=10**6, level=2, split_at=1
    )
    out.send(tables._pid if tables else None)
    signal.pause()


def _busy(*_: object, **__: object) -> None:
    time.sleep(60)


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}  # a zombie has ended: only its parent has not reaped it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux: prctl(PR_SET_PDEATHSIG)")
def test_the_tables_process_ends_with_the_workbooks_process(
    example: Month_, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed (`Beside.cancel` terminates the run's workbook child), the workbook's
    process takes the tables' process with it, at work or not."""
    monkeypatch.setattr(tables_beside, "write_audit_sheets", _busy)
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe()
    holder = context.Process(target=_holds_tables, args=(example, there), daemon=True)
    holder.start()
    pid = here.recv()
    assert pid is not None and not _ended(pid)
    holder.kill()
    holder.join()
    deadline = time.monotonic() + 10
    while not _ended(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(pid)


def test_money_not_to_the_cent_is_refused_and_ends_the_tables_process(
    example: Month_, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The money is checked while the tables' process begins: refused, nothing is
    written and that process is ended."""
    typed, manifest, ladder = example
    person = typed.employees[0]
    moved = next(i for i, entry in enumerate(person.trace) if entry.yuan is not None)
    trace = list(person.trace)
    trace[moved] = trace[moved]._replace(yuan=Decimal("0.005"))
    bad = replace(typed, employees=(replace(person, trace=tuple(trace)), *typed.employees[1:]))
    started: list[TablesBeside] = []
    start = TablesBeside.start.__func__  # type: ignore[attr-defined]

    def spy(cls: type[TablesBeside], *args: Any, **options: Any) -> TablesBeside | None:
        tables = start(cls, *args, **options)
        started.append(tables)
        return tables

    monkeypatch.setattr(TablesBeside, "start", classmethod(spy))
    with pytest.raises(ValueError, match=r"0\.005"):
        prepare_workbook(bad, manifest, ladder, beside=1)
    assert len(started) == 2 and [tables._pid for tables in started] == [None, None]


@pytest.mark.parametrize("amount", ["sNaN", "NaN", "12.345"])
def test_money_checked_once_a_figure_still_names_a_figure_that_is_not_money(
    example: Month_, amount: str
) -> None:
    """Each distinct figure is checked once; one that cannot even be compared (a
    signalling NaN) is refused as the others are, naming it."""
    typed, manifest, ladder = example
    people = list(typed.employees)
    for at in (0, len(people) - 1):  # the first's checked, then the same one again
        person = people[at]
        moved = next(i for i, entry in enumerate(person.trace) if entry.yuan is not None)
        trace = list(person.trace)
        trace[moved] = trace[moved]._replace(yuan=Decimal(amount))
        people[at] = replace(person, trace=tuple(trace))
    with pytest.raises(ValueError, match="not an amount in yuan to the cent"):
        prepare_workbook(replace(typed, employees=tuple(people)), manifest, ladder, beside=0)
