"""`appraisal replay --all` and a replay that does not slow with history (issue 11, item 5).

`replay --all` replays every sealed month's current version in worker processes, a line a
month and a total, exit 1 when any month differs; the chain is checked once, every record
of it (the superseded versions too). A replay of one month reads that month's record
whole and only the links of the others. Scores are worked by hand from scheme.md: every
criterion met (+40) and exam 95 (band A, +10) add 50; the deduct pool starts at 100, and
a first clause-6 complaint is a warning of −10 points (§5 penalty 6): 150, or 140.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from english import english_prose
from test_ledger_integrity import cli, edit_column, example_run, run, set_gross

from appraisal.audit import replay_month
from appraisal.domain.model import Month
from appraisal.ledger import chain as stored_module  # where a stored record is hashed
from appraisal.ledger.chain import record_from_stored
from appraisal.scale import replay_all

MONTHS = ("2026-10", "2026-11", "2026-12")


@pytest.fixture
def three_months(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """October with a first complaint (140), November and December clean (150 each)."""
    ledger = tmp_path / "l.db"
    assert run(capsys, tmp_path, ledger, "2026-10", "complaint")[0] == 0
    for month in MONTHS[1:]:
        assert run(capsys, tmp_path, ledger, month)[0] == 0
    return ledger


def totals(ledger: Path, month: str) -> list[str]:
    with sqlite3.connect(ledger) as db:
        (text,) = db.execute(
            "SELECT results FROM sealed_month WHERE month = ?", (month,)
        ).fetchone()
    return [e["score"]["total"] for e in json.loads(text)["employees"]]


def test_replay_all_gives_a_line_a_month_and_a_total(
    capsys: pytest.CaptureFixture[str], three_months: Path
) -> None:
    assert [totals(three_months, m) for m in MONTHS] == [[140], [150], [150]]
    code, out, err = cli(capsys, "replay", "--all", "--jobs", "2", "--ledger", three_months)
    assert code == 0, err
    assert out.splitlines() == [
        "2026-10 v1: 1 employees, identical.",
        "2026-11 v1: 1 employees, identical.",
        "2026-12 v1: 1 employees, identical.",
        "Replay of 3 sealed month(s), 3 employee-months: all identical to the sealed results;"
        " ledger chain intact.",
    ]
    assert err == ""


def test_replay_all_names_the_month_that_differs_and_exits_1(
    capsys: pytest.CaptureFixture[str], three_months: Path
) -> None:
    edit_column(three_months, "results", "2026-11", lambda r: set_gross(r, "E001", "1.00"))
    code, out, err = cli(capsys, "replay", "--all", "--jobs", "2", "--ledger", three_months)
    assert code == 1
    assert "2026-10 v1: 1 employees, identical." in out.splitlines()
    assert "2026-12 v1: 1 employees, identical." in out.splitlines()
    assert "2026-11" not in out
    lines = err.splitlines()
    assert (
        "2026-11: ledger chain: seq 2 (2026-11 v1): record_hash does not match the record's content"
        in lines
    )
    assert any(
        line.startswith("2026-11: results.employees[E001].pay.gross: sealed '1.00', recomputed '")
        for line in lines
    )
    assert lines[-2].startswith("2026-11 v1: 1 employees, ")
    assert lines[-2].endswith(" difference(s).")
    assert lines[-1] == (
        "Replay of 3 sealed month(s): 1 differ (2026-11); 0 problem(s) in the ledger chain."
    )


def test_replay_all_checks_the_superseded_versions_and_the_stale_months(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    assert run(capsys, tmp_path, ledger, "2026-10", "complaint")[0] == 0
    assert run(capsys, tmp_path, ledger, "2026-11")[0] == 0
    # The complaint was someone else's: October v2 scores 150, and November, sealed on the
    # state October v1 handed on (the offence counted), is stale.
    assert run(capsys, tmp_path, ledger, "2026-10", "--amend", "投诉记错人")[0] == 0
    with sqlite3.connect(ledger) as db:  # v1, superseded, edited behind the ledger's back
        (text,) = db.execute("SELECT results FROM sealed_month WHERE seq = 1").fetchone()
        edited = text.replace('"total":140', '"total":150')
        assert edited != text
        db.execute("UPDATE sealed_month SET results = ? WHERE seq = 1", (edited,))
    code, out, err = cli(capsys, "replay", "--all", "--ledger", ledger, "--jobs", "1")
    assert code == 1
    assert out.splitlines() == ["2026-10 v2: 1 employees, identical."]
    lines = err.splitlines()
    assert lines[0] == (
        "ledger chain: seq 1 (2026-10 v1): record_hash does not match the record's content"
    )
    assert (
        "2026-11: 2026-11 is stale (过期): its state before differs from the state 2026-10"
        " hands on: 2026-10 was amended after 2026-11 was sealed; re-seal with --amend: 2026-11"
    ) in lines
    assert lines[-1] == (
        "Replay of 2 sealed month(s): 1 differ (2026-11); 1 problem(s) in the ledger chain."
    )


def test_replay_all_is_the_same_whatever_the_jobs(three_months: Path) -> None:
    edit_column(three_months, "results", "2026-12", lambda r: set_gross(r, "E001", "2.00"))
    alone, spread = replay_all(three_months, jobs=1), replay_all(three_months, jobs=3)
    assert alone == spread
    assert [m.month for m in alone.months] == list(MONTHS)
    assert [bool(m.differences) for m in alone.months] == [False, False, True]


def test_a_replay_reads_whole_only_the_record_it_replays(
    three_months: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[Any] = []
    hashed: list[Any] = []
    real_parse, real_check = record_from_stored, stored_module.stored_hash

    def parse(stored: dict[str, Any]) -> Any:
        parsed.append(stored["month"])
        return real_parse(stored)

    def check(stored: dict[str, Any]) -> str:
        hashed.append(stored["month"])
        return real_check(stored)

    monkeypatch.setattr("appraisal.audit.record_from_stored", parse)
    monkeypatch.setattr(stored_module, "stored_hash", check)
    outcome = replay_month(Month.parse("2026-12"), three_months)
    assert outcome.differences == []
    assert parsed == ["2026-12"]
    assert hashed == ["2026-12"]


def test_a_replay_still_finds_a_broken_link_anywhere_in_the_chain(
    capsys: pytest.CaptureFixture[str], three_months: Path
) -> None:
    with sqlite3.connect(three_months) as db:
        db.execute("UPDATE sealed_month SET record_hash = 'x' WHERE seq = 2")
    code, _, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", three_months)
    assert code == 1
    assert "ledger chain: seq 3 (2026-12 v1): prev_hash does not match the record before it" in err


def test_replay_all_refuses_options_of_one_month(
    capsys: pytest.CaptureFixture[str], three_months: Path
) -> None:
    code, _, err = cli(capsys, "replay", "--all", "--version", "1", "--ledger", three_months)
    assert code == 2
    assert "replay --all replays the current version of every month: drop --version" in err
    code, _, err = cli(
        capsys, "replay", "--month", "2026-10", "--scheduler", "tcp://127.0.0.1:1",
        "--ledger", three_months,
    )  # fmt: skip
    assert code == 2
    assert "give --all instead of --month" in err
    with pytest.raises(SystemExit) as exited:  # argparse: --month or --all, one of them
        cli(capsys, "replay", "--ledger", three_months)
    assert exited.value.code == 2
    assert "one of the arguments --month --all is required" in capsys.readouterr().err


def test_replay_all_without_a_ledger_file_fails_and_creates_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "replay", "--all", "--ledger", tmp_path / "none.db")
    assert code == 1
    assert "no ledger file" in err
    assert not (tmp_path / "none.db").exists()


def test_replay_months_and_export_in_chinese_print_no_english_prose(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    assert example_run(capsys, ledger)[0] == 0
    commands = [
        ["replay", "--month", "2026-10", "--ledger", ledger],
        ["replay", "--all", "--ledger", ledger],
        ["months", "--ledger", ledger],
        ["export", "--month", "2026-10", "--ledger", ledger, "--json", tmp_path / "r.json"],
    ]
    for command in commands:
        code, out, err = cli(capsys, "--lang", "zh", *command)
        assert code == 0, err
        assert out.strip()
        assert english_prose(out + err) == [], (command, out)
    code, out, _ = cli(capsys, "--lang", "zh", "replay", "--month", "2026-10", "--ledger", ledger)
    assert "与封存结果一致" in out
