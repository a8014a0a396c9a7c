"""`appraisal replay --all --scheduler tcp://HOST:PORT`: the same per-month map on a Dask
distributed cluster gives what the local run gives (issue 11, item 6).

A `LocalCluster` of 2 workers, threads in this process (``processes=False``: starting
worker processes takes seconds on a busy CI machine, and the records still travel to the
workers through the scheduler as they would over the network, pickled). Skipped only when
Dask is not installed; CI installs it (the ``dev`` extra holds ``dask[distributed]``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from test_ledger_integrity import cli, edit_column, run, set_gross  # noqa: E402

from appraisal.scale import replay_all  # noqa: E402

MONTHS = ("2026-10", "2026-11", "2026-12")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield str(cluster.scheduler_address)


@pytest.fixture
def ledger(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """October with a first complaint (140), November and December clean (150 each),
    and December's gross edited behind the ledger's back."""
    path = tmp_path / "l.db"
    assert run(capsys, tmp_path, path, "2026-10", "complaint")[0] == 0
    for month in MONTHS[1:]:
        assert run(capsys, tmp_path, path, month)[0] == 0
    edit_column(path, "results", "2026-12", lambda r: set_gross(r, "E001", "2.00"))
    return path


def test_the_cluster_gives_what_the_local_run_gives(ledger: Path, scheduler: str) -> None:
    local = replay_all(ledger, jobs=2)
    remote = replay_all(ledger, scheduler=scheduler)
    assert remote == local
    assert [m.month for m in remote.months] == list(MONTHS)
    assert [m.employees for m in remote.months] == [1, 1, 1]
    assert [bool(m.differences) for m in remote.months] == [False, False, True]
    assert any("sealed '2.00', recomputed" in d for d in remote.months[2].differences)


def test_replay_all_on_the_cluster_from_the_command_line(
    capsys: pytest.CaptureFixture[str], ledger: Path, scheduler: str
) -> None:
    with sqlite3.connect(ledger) as db:  # December as sealed again: every month identical
        db.execute("DELETE FROM sealed_month WHERE month = '2026-12'")
    code, out, err = cli(capsys, "replay", "--all", "--scheduler", scheduler, "--ledger", ledger)
    assert code == 0, err
    assert out.splitlines() == [
        "2026-10 v1: 1 employees, identical.",
        "2026-11 v1: 1 employees, identical.",
        "Replay of 2 sealed month(s), 2 employee-months: all identical to the sealed results;"
        " ledger chain intact.",
    ]


def test_no_scheduler_at_the_address_is_said_plainly(
    capsys: pytest.CaptureFixture[str], ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("appraisal.scale.cluster.CONNECT_SECONDS", 1)
    code, _, err = cli(
        capsys, "replay", "--all", "--scheduler", "tcp://127.0.0.1:9", "--ledger", ledger
    )
    assert code == 1
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err
