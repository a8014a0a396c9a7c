"""Completeness and award eligibility (issue 10, item 2).

Not appraised: no criterion row and no exam row in the month, and not dismissed in it.
A sealing run refuses while anyone is not appraised, naming each at their roster row;
``--allow-unappraised`` seals anyway, their missing criteria counted as not met, and
the summary, the JSON (``"appraised": false``) and the workbook say who. Awards go to
the appraised who are neither dismissed nor demoted (scheme.md §4).

Figures are worked by hand from scheme.md: criteria 1–5 are worth 5 + 5 + 10 + 10 + 10
= 40 points, the deduct pool is 100, a score below 140 demotes, a major fault demotes,
reward clause 1 is +10 points, and the monthly award is 100 yuan.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.cli import main
from appraisal.domain.errors import InputError
from appraisal.domain.model import Month
from appraisal.pipeline import read_inputs, run_month
from appraisal.policy.loaded import load_policy
from appraisal.rows import evaluate_rows

ROOT = Path(__file__).resolve().parents[1]
ATTENDANCE = ROOT / "tests" / "fixtures" / "attendance"
DINGTALK = ATTENDANCE / "dingtalk_daily_2026-10.xlsx"
DINGTALK_ROSTER = ATTENDANCE / "roster_2026-10.csv"
# The fixture roster, as its file gives it (row 1 is the header).
FIXTURE_PEOPLE = [
    ("KF001", "王芳", 2),
    ("KF002", "李强", 3),
    ("KF003", "张敏", 4),
    ("KF004", "刘洋", 5),
    ("KF005", "陈静", 6),
    ("KF006", "赵磊", 7),
]
DAY = "2026-10-31"


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def criteria(employee_id: str) -> list[dict[str, object]]:
    """Criteria 1–5 met: +40."""
    return [
        {"employee_id": employee_id, "date": DAY, "kind": "criterion", "clause": c, "value": 1}
        for c in range(1, 6)
    ]


def reward(employee_id: str) -> dict[str, object]:
    """Reward clause 1: +10 points, 30 yuan."""
    return {"employee_id": employee_id, "date": DAY, "kind": "reward", "clause": 1, "amount": 30}


def people(*ids: str) -> list[dict[str, object]]:
    return [{"employee_id": i, "name": i, "level": "specialist"} for i in ids]


def by_id(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {person["employee_id"]: person for person in results["employees"]}


# -- award eligibility, hand-worked ---------------------------------------------------


def test_the_demoted_top_scorer_and_the_unappraised_get_no_award() -> None:
    # A: 40 + 10 (reward) = add 50, total 150, but a major fault demotes A.
    # B: 40, total 140: not below 140, not demoted: the eligible top score.
    # C: no criterion or exam row; five rewards, +50: total 150, the top, not appraised.
    # D: exam 95 alone (band A, +10): total 110, below 140: demoted, though appraised.
    events = [
        *criteria("A"),
        reward("A"),
        {"employee_id": "A", "date": DAY, "kind": "major_fault"},
        *criteria("B"),
        *(reward("C") for _ in range(5)),
        {"employee_id": "D", "date": DAY, "kind": "exam", "value": 95},
    ]
    results = by_id(evaluate_rows("2026-10", people("A", "B", "C", "D"), events))
    totals = {key: person["score"]["total"] for key, person in results.items()}
    assert totals == {"A": 150, "B": 140, "C": 150, "D": 110}
    assert results["A"]["next_level"] == "intern" and results["D"]["next_level"] == "intern"
    assert results["B"]["titles"] == ["monthly"]
    assert results["B"]["pay"]["awards"] == "100.00"
    for other in ("A", "C", "D"):
        assert results[other]["titles"] == []
        assert results[other]["pay"]["awards"] == "0.00"
    # the mark: only C, and the key only when false
    assert results["C"]["appraised"] is False
    assert all("appraised" not in results[k] for k in ("A", "B", "D"))


def test_a_dismissed_employee_without_rows_is_not_counted_unappraised() -> None:
    events = [
        *criteria("A"),
        {"employee_id": "B", "date": DAY, "kind": "penalty", "clause": 1},  # dismissal
    ]
    results = by_id(evaluate_rows("2026-10", people("A", "B"), events))
    assert results["B"]["dismissal"] is True
    assert "appraised" not in results["B"]
    assert results["A"]["titles"] == ["monthly"]


def test_appraised_is_a_name_of_award_expressions(tmp_path: Path) -> None:
    # A policy that awards only the unappraised: the name is known and yes/no.
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "id: cs-appraisal\nversion: t1\ntitle: t\nextends: "
        f"{ROOT / 'policies' / 'customer_service.yaml'}\n"
        "override:\n  awards:\n    monthly:\n      eligible: not appraised\n",
        encoding="utf-8",
    )
    events = [*criteria("A"), reward("B")]  # A 140, B 110 and not appraised
    results = by_id(evaluate_rows("2026-10", people("A", "B"), events, policy=policy))
    assert results["B"]["titles"] == ["monthly"] and results["A"]["titles"] == []


def test_the_shipped_policies_award_the_appraised_not_dismissed_not_demoted() -> None:
    wanted = "appraised and not dismissed and not demoted"
    for name in ("customer_service.yaml", "customer_service_2027.yaml"):
        in_force = load_policy(ROOT / "policies" / name).in_force(Month.parse("2027-12"))
        assert in_force.doc.awards.monthly is not None and in_force.doc.awards.yearly is not None
        assert in_force.doc.awards.monthly.eligible == wanted
        assert in_force.doc.awards.yearly.eligible == wanted


# -- the refusal on the sealing path --------------------------------------------------


def test_run_month_refuses_and_names_every_unappraised_row(tmp_path: Path) -> None:
    policy = load_policy(None)
    inputs, _ = read_inputs(Month.parse("2026-10"), DINGTALK_ROSTER, (DINGTALK,))
    ledger = tmp_path / "l.db"
    with pytest.raises(InputError) as refused:
        run_month(policy, inputs, ledger)
    where = [(issue.file, issue.row) for issue in refused.value.issues]
    assert where == [(str(DINGTALK_ROSTER), row) for _, _, row in FIXTURE_PEOPLE]
    assert not ledger.exists()
    outcome = run_month(policy, inputs, ledger, allow_unappraised=True)
    assert outcome.status == "sealed"
    assert [p["appraised"] for p in outcome.results_json["employees"]] == [False] * 6


def test_the_dingtalk_fixture_alone_is_refused_naming_all_six(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "l.db"
    code, _, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", DINGTALK_ROSTER,
        "--events", DINGTALK, "--ledger", ledger,
    )  # fmt: skip
    assert code == 1
    for employee_id, name, row in FIXTURE_PEOPLE:
        assert (
            f"{DINGTALK_ROSTER}:{row}: {employee_id} {name} is not appraised: no criterion or "
            "exam row in 2026-10; add the appraisal rows, or run with --allow-unappraised"
        ) in err
    assert "nothing was written or sealed" in err
    assert not ledger.exists()


def test_allow_unappraised_seals_and_says_who(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger, results, workbook = tmp_path / "l.db", tmp_path / "r.json", tmp_path / "o.xlsx"
    code, out, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", DINGTALK_ROSTER,
        "--events", DINGTALK, "--ledger", ledger, "--allow-unappraised",
        "--json", results, "--out", workbook,
    )  # fmt: skip
    assert code == 0, err
    assert "Not appraised (未考核" in out and ": 6 — KF001 王芳" in out
    document = json.loads(results.read_text(encoding="utf-8"))
    assert [p["appraised"] for p in document["employees"]] == [False] * 6
    # Nobody appraised, so nobody is the month's best employee.
    assert all(p["titles"] == [] and p["pay"]["awards"] == "0.00" for p in document["employees"])
    book = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()), read_only=True)
    try:
        pay = [list(row) for row in book["工资调整"].iter_rows(values_only=True)]
        header = pay[2]
        column = header.index("考核")
        marks = {row[0]: row[column] for row in pay if row[0] in {p[0] for p in FIXTURE_PEOPLE}}
        assert marks == {p[0]: "未考核" for p in FIXTURE_PEOPLE}
        summary = [list(row) for row in book["汇总"].iter_rows(values_only=True)]
        count = next(row for row in summary if row and row[0] == "未考核")
        assert count[3] == 6
        listed = {row[1] for row in summary if row and row[0] is None and row[1]}
        assert {f"{i} {n}" for i, n, _ in FIXTURE_PEOPLE} <= listed
    finally:
        book.close()


def test_the_example_month_seals_without_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # KF015 has no criterion row, but is dismissed: not unappraised.
    ledger, results = tmp_path / "l.db", tmp_path / "r.json"
    code, out, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", ROOT / "examples" / "roster.csv",
        "--events", ROOT / "examples" / "events.csv", "--ledger", ledger, "--json", results,
    )  # fmt: skip
    assert code == 0, err
    assert "Not appraised" not in out
    document = json.loads(results.read_text(encoding="utf-8"))
    assert all("appraised" not in person for person in document["employees"])


def test_an_identical_rerun_of_a_month_sealed_with_the_flag_is_not_refused(
    tmp_path: Path,
) -> None:
    policy = load_policy(None)
    inputs, _ = read_inputs(Month.parse("2026-10"), DINGTALK_ROSTER, (DINGTALK,))
    ledger = tmp_path / "l.db"
    run_month(policy, inputs, ledger, allow_unappraised=True)
    assert run_month(policy, inputs, ledger).status == "unchanged"
