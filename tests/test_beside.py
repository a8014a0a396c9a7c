"""The workbook begun beside the seal (issue 11 item 1): a forked child that prepares
while the parent seals, finishes with the record it is sent, and never outlives the run.

Whether a child made the workbook or the run made it itself, the bytes are the same;
a child that fails gives way to the run, which raises what goes wrong as it would."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from appraisal import pipeline
from appraisal.domain.model import Month
from appraisal.domain.results import MonthResults
from appraisal.export import beside as beside_module
from appraisal.export.beside import Beside, WorkbookChild, can_fork
from appraisal.ledger.errors import AlreadySealed
from appraisal.pipeline import RunRequest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")


def _pid_then(text: str, suffix: str) -> bytes:
    return f"{os.getpid()}:{text}{suffix}".encode()


def test_the_child_prepares_then_finishes_with_what_it_is_sent() -> None:
    with Beside(lambda: "prepared in the child", _pid_then) as child:
        child.send(" and finished")
        answer = child.result()
    assert answer is not None
    pid, _, text = answer.decode().partition(":")
    assert text == "prepared in the child and finished"
    assert int(pid) != os.getpid()  # the work was done in another process
    assert multiprocessing.active_children() == []


def _fails() -> str:
    raise RuntimeError("the child cannot prepare")


def test_a_child_that_fails_answers_nothing_and_is_gone() -> None:
    with Beside(_fails, _pid_then) as child:
        child.send("x")
        assert child.result() is None
    assert multiprocessing.active_children() == []


def test_a_child_never_sent_its_argument_is_ended_when_the_block_is_left() -> None:
    with pytest.raises(ValueError, match="a refused seal"), Beside(str, _pid_then):
        assert len(multiprocessing.active_children()) == 1
        raise ValueError("a refused seal")
    assert multiprocessing.active_children() == []


def _request(folder: Path, ledger: Path) -> RunRequest:
    return RunRequest(
        month=Month.parse("2026-10"),
        roster=EXAMPLES / "roster.csv",
        events=(EXAMPLES / "events.csv",),
        ledger=ledger,
        json_path=folder / "results.json",
        workbook_path=folder / "salary.xlsx",
    )


def test_the_workbook_made_beside_is_the_workbook_made_in_turn(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    beside, alone = tmp_path / "beside", tmp_path / "alone"
    beside.mkdir()
    alone.mkdir()
    started: list[object] = []
    real = WorkbookChild.begin

    def counted(child: WorkbookChild, results: MonthResults) -> None:
        started.append(results)
        real(child, results)

    monkeypatch.setattr(WorkbookChild, "begin", counted)
    pipeline.run(_request(beside, beside / "l.db"))
    assert len(started) == 1  # the workbook was made by a child

    monkeypatch.setattr(pipeline, "can_fork", lambda: False)
    pipeline.run(_request(alone, alone / "l.db"))
    assert len(started) == 1  # and this one was not
    assert (beside / "salary.xlsx").read_bytes() == (alone / "salary.xlsx").read_bytes()
    assert (beside / "results.json").read_bytes() == (alone / "results.json").read_bytes()
    assert multiprocessing.active_children() == []


def test_a_child_that_fails_leaves_the_run_to_make_the_workbook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean, failed = tmp_path / "clean", tmp_path / "failed"
    clean.mkdir()
    failed.mkdir()
    pipeline.run(_request(clean, clean / "l.db"))
    failing: list[Beside[str, str]] = []

    def begin(child: WorkbookChild, results: MonthResults) -> None:
        failing.append(Beside(_fails, _pid_then))
        child._begun = (results, failing[-1])  # type: ignore[assignment]

    monkeypatch.setattr(WorkbookChild, "begin", begin)
    pipeline.run(_request(failed, failed / "l.db"))
    assert len(failing) == 1  # a child was begun, and gave nothing
    assert (failed / "salary.xlsx").read_bytes() == (clean / "salary.xlsx").read_bytes()


def test_a_refused_seal_leaves_no_child_and_writes_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    ledger = tmp_path / "l.db"
    pipeline.run(_request(first, ledger))
    other = tmp_path / "events.csv"  # other inputs for the sealed month: refused
    other.write_text(
        (EXAMPLES / "events.csv").read_text(encoding="utf-8").rsplit("\n", 2)[0] + "\n",
        encoding="utf-8",
    )
    request = _request(second, ledger)
    with pytest.raises(AlreadySealed):
        pipeline.run(RunRequest(**{**request.__dict__, "events": (other,)}))
    assert multiprocessing.active_children() == []
    assert list(second.iterdir()) == []


def test_a_fork_refused_leaves_the_run_to_make_the_workbook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean, refused = tmp_path / "clean", tmp_path / "refused"
    clean.mkdir()
    refused.mkdir()
    pipeline.run(_request(clean, clean / "l.db"))

    def no_fork(*args: object, **options: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")  # EAGAIN, as fork gives it

    monkeypatch.setattr(beside_module.Beside, "__init__", no_fork)
    pipeline.run(_request(refused, refused / "l.db"))
    assert (refused / "salary.xlsx").read_bytes() == (clean / "salary.xlsx").read_bytes()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_run_on_either_ledger_writes_the_workbook_beside_to_the_same_bytes(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    """The child shares the parent's ledger connection by the fork and never uses it: the
    seal commits, and the workbook the child made is the one made in turn."""
    from appraisal.cli import main

    alone = tmp_path / "alone"
    alone.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "can_fork", lambda: False)
        pipeline.run(_request(alone, alone / "l.db"))
    ledger = (
        str(tmp_path / "l.db")
        if backend == "sqlite"
        else request.getfixturevalue("postgres_ledger")
    )
    out = tmp_path / "salary.xlsx"
    arguments = ["run", "--month", "2026-10", "--roster", str(EXAMPLES / "roster.csv")]
    arguments += ["--events", str(EXAMPLES / "events.csv"), "--ledger", ledger]
    assert main([*arguments, "--out", str(out), "--quiet"]) == 0
    assert out.read_bytes() == (alone / "salary.xlsx").read_bytes()
    assert main(["replay", "--month", "2026-10", "--ledger", ledger, "--quiet"]) == 0
    assert multiprocessing.active_children() == []
