"""`--jobs N`: the month spread over worker processes gives the same results, byte for byte.

The awards rank every employee, so each shard is evaluated up to them, the standings
are ranked together, and each shard finishes with the one ranking
(`appraisal.check.shards`). The results JSON of N=1 and N=3 are compared byte for byte
on the example month and on generated months (bench/generate.py): October, and a
December, where the yearly title counts the monthly one won in another shard.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from english import english_prose

from appraisal.check import shards
from appraisal.cli import main
from appraisal.domain.model import CarriedState, Month
from appraisal.export.results_file import results_file_bytes
from appraisal.pipeline import compute, read_inputs
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate  # noqa: E402


def run(folder: Path, roster: Path, events: Path, month: str, *more: str) -> bytes:
    folder.mkdir()
    code = main(
        [
            "run",
            "--month",
            month,
            "--roster",
            str(roster),
            "--events",
            str(events),
            "--ledger",
            str(folder / "l.db"),
            "--json",
            str(folder / "r.json"),
            "--allow-unappraised",
            *more,
        ]
    )
    assert code == 0
    return (folder / "r.json").read_bytes()


def generated(folder: Path, employees: int, month: str) -> tuple[Path, Path]:
    roster_rows, event_rows = generate(employees, 12, month, 7)
    _write(folder / "roster.csv", ROSTER_COLUMNS, roster_rows)
    _write(folder / "events.csv", EVENT_COLUMNS, event_rows)
    return folder / "roster.csv", folder / "events.csv"


def test_the_example_is_the_same_with_one_job_and_three(tmp_path: Path) -> None:
    roster, events = ROOT / "examples" / "roster.csv", ROOT / "examples" / "events.csv"
    one = run(tmp_path / "one", roster, events, "2026-10", "--jobs", "1")
    three = run(tmp_path / "three", roster, events, "2026-10", "--jobs", "3")
    assert one == three
    assert b'"monthly"' in one  # a title was ranked over the shards


@pytest.mark.parametrize("month", ["2026-10", "2026-12"])
def test_a_generated_month_is_the_same_with_one_job_and_three(tmp_path: Path, month: str) -> None:
    roster, events = generated(tmp_path, 240, month)
    policy = load_policy()
    inputs, problems = read_inputs(Month.parse(month), roster, [events])
    assert not problems
    one, issues = compute(policy, inputs, CarriedState(), jobs=1)
    three, _ = compute(policy, inputs, CarriedState(), jobs=3)
    assert one is not None and three is not None, issues[:3]
    assert results_file_bytes(one.results_json) == results_file_bytes(three.results_json)
    assert one.state_after == three.state_after and one.unappraised == three.unappraised
    titles = [t for person in one.results_json["employees"] for t in person["titles"]]
    assert "monthly" in titles
    if month == "2026-12":  # the year's last month: the yearly title too
        assert "yearly" in titles


def test_compute_takes_jobs_and_the_command_s_jobs_in_force(tmp_path: Path) -> None:
    roster, events = generated(tmp_path, 30, "2026-10")
    policy = load_policy()
    inputs, problems = read_inputs(Month.parse("2026-10"), roster, [events])
    assert not problems
    one, _ = compute(policy, inputs, CarriedState(), jobs=1)
    two, _ = compute(policy, inputs, CarriedState(), jobs=2)
    with shards.jobs_in_force(3):
        assert shards.current_jobs() == 3
        three, _ = compute(policy, inputs, CarriedState())
    assert shards.current_jobs() == 1
    assert one is not None and two is not None and three is not None
    assert one.results_json == two.results_json == three.results_json
    assert one.state_after == three.state_after


def test_shards_are_consecutive_employees_with_their_own_rows(tmp_path: Path) -> None:
    roster, events = generated(tmp_path, 7, "2026-10")
    month = Month.parse("2026-10")
    in_force = load_policy().in_force(month)
    inputs, _ = read_inputs(month, roster, [events])
    parts = shards._split(in_force, inputs, CarriedState(), True, 3)
    assert [len(p.roster) for p in parts] == [3, 2, 2]  # 7 over 3: the first takes the extra
    ids = [e.employee_id for p in parts for e in p.roster]
    assert ids == sorted(e.employee_id for e in inputs.roster)
    for part in parts:
        own = {e.employee_id for e in part.roster}
        assert {e.employee_id for e in part.events} <= own
    assert sum(len(p.events) for p in parts) == len(inputs.events)


def test_an_error_in_a_worker_is_raised_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster, events = generated(tmp_path, 6, "2026-10")
    month = Month.parse("2026-10")
    policy = load_policy()
    inputs, _ = read_inputs(month, roster, [events])
    last = max(e.employee_id for e in inputs.roster)

    real = shards.Shard

    def failing(policy, month, roster, events, state):  # type: ignore[no-untyped-def]
        if any(e.employee_id == last for e in roster):  # only the last shard, a worker's
            raise ValueError(f"shard of {last} failed")
        return real(policy, month, roster, events, state)

    monkeypatch.setattr(shards, "Shard", failing)
    with pytest.raises(ValueError, match=f"shard of {last} failed"):
        compute(policy, inputs, CarriedState(), jobs=3)


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_jobs_is_a_whole_number_of_one_or_more(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(
            ["run", "--month", "2026-10", "--roster", "r.csv", "--events", "e.csv", "--jobs", value]
        )
    assert f"{value} is not a whole number of 1 or more" in capsys.readouterr().err


def test_run_in_chinese_prints_no_english_prose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster, events = ROOT / "examples" / "roster.csv", ROOT / "examples" / "events.csv"
    run(
        tmp_path / "zh",
        roster,
        events,
        "2026-10",
        "--out",
        str(tmp_path / "w.xlsx"),
        "--lang",
        "zh",
    )
    again = run(tmp_path / "zh2", roster, events, "2026-10", "--lang", "zh")
    printed = capsys.readouterr().out
    assert "已将 2026-10 封存于" in printed and "记录哈希" in printed and "结果已写入" in printed
    assert "工资调整表已写入" in printed
    assert english_prose(printed) == []
    assert again  # the same month in another ledger: sealed again, in Chinese too
