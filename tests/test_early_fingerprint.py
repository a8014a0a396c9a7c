"""The seal's fingerprint taken in a child while the month is evaluated (issue 11): the
record sealed is the one sealed without it, byte for byte, whatever the child does."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from appraisal import pipeline
from appraisal.domain.model import CarriedState, Month
from appraisal.ledger import early as early_module
from appraisal.ledger.early import EarlyFingerprint
from appraisal.ledger.sealing import Fingerprinted
from appraisal.pipeline import read_inputs, run_month
from appraisal.policy.loaded import load_policy
from appraisal.read.inputs import MonthInputs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MONTH = Month.parse("2026-10")


def _inputs() -> MonthInputs:
    inputs, issues = read_inputs(MONTH, EXAMPLES / "roster.csv", [EXAMPLES / "events.csv"])
    assert not issues, issues
    return inputs


def _stored(ledger: Path) -> list[tuple[Any, ...]]:
    """Every column of every sealed record, as the ledger stores it."""
    with sqlite3.connect(ledger) as db:
        return db.execute("SELECT * FROM sealed_month ORDER BY seq").fetchall()


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether each seal took the child's fingerprint (True) or took it itself."""
    seen: list[bool] = []
    take = EarlyFingerprint.taken

    def spy(self: EarlyFingerprint, *args: Any) -> Fingerprinted | None:
        made = take(self, *args)
        seen.append(made is not None)
        return made

    monkeypatch.setattr(EarlyFingerprint, "taken", spy)
    yield seen


@pytest.fixture(scope="module")
def in_turn(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, ...]]:
    ledger = tmp_path_factory.mktemp("in-turn") / "l.db"
    run_month(load_policy(None), _inputs(), ledger)
    return _stored(ledger)


def test_the_record_sealed_is_the_one_sealed_without_a_child(
    tmp_path: Path, in_turn: list[tuple[Any, ...]], taken: list[bool]
) -> None:
    outcome = run_month(load_policy(None), _inputs(), tmp_path / "l.db", early=True)
    assert taken == [True]
    assert _stored(tmp_path / "l.db") == in_turn
    with sqlite3.connect(tmp_path / "l.db") as db:
        assert [(outcome.record.fingerprint,)] == db.execute(
            "SELECT fingerprint FROM sealed_month"
        ).fetchall()
    assert multiprocessing.active_children() == []


def test_a_rerun_with_the_same_inputs_changes_nothing(tmp_path: Path, taken: list[bool]) -> None:
    policy = load_policy(None)
    assert run_month(policy, _inputs(), tmp_path / "l.db", early=True).status == "sealed"
    assert run_month(policy, _inputs(), tmp_path / "l.db", early=True).status == "unchanged"
    assert taken == [True, True]


def test_a_child_that_fails_leaves_the_fingerprint_to_the_seal(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_turn: list[tuple[Any, ...]],
    taken: list[bool],
) -> None:
    def fails(*_: object) -> Fingerprinted:
        raise MemoryError

    monkeypatch.setattr(early_module, "fingerprinted", fails)  # in the child, forked after
    run_month(load_policy(None), _inputs(), tmp_path / "l.db", early=True)
    assert taken == [False]
    assert _stored(tmp_path / "l.db") == in_turn


def test_a_fork_refused_leaves_the_fingerprint_to_the_seal(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_turn: list[tuple[Any, ...]],
    taken: list[bool],
) -> None:
    def no_fork(*args: object, **options: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")  # EAGAIN, as fork gives it

    monkeypatch.setattr(early_module.Beside, "__init__", no_fork)
    run_month(load_policy(None), _inputs(), tmp_path / "l.db", early=True)
    assert taken == [False]
    assert _stored(tmp_path / "l.db") == in_turn


def test_the_fingerprint_of_other_inputs_or_another_state_is_not_taken() -> None:
    policy = load_policy(None)
    inputs = _inputs()
    with ExitStack() as stack:
        early = EarlyFingerprint(policy.sha256, CarriedState(), stack)
        early.begin(inputs)
        computed, issues = pipeline.compute(policy, inputs, CarriedState())
        assert computed is not None, issues
        other = _inputs()  # equal, but not the inputs begun
        new = pipeline.NewSeal.of(
            other, policy, CarriedState(), computed.state_after, computed.results, "x"
        )
        assert early.taken(new, "2026-10") is None
        carried = pipeline.NewSeal.of(
            inputs, policy, computed.state_after, computed.state_after, computed.results, "x"
        )
        assert early.taken(carried, "2026-10") is None  # another state before
