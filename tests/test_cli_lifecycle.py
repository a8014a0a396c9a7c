"""`appraisal reseal` and `appraisal what-if` on the command line (issue 10, items 5 and 6).

One ledger lived as the issue's Done-when has it: October (the example month),
November and December sealed (the same events moved to the later months, adjusted as
tests/fixtures/ledger_v1/README.md made November: KF013 and KF015 left in October, the
October-only promotions and KF010's first-time warning gone), October amended, then
`reseal --after 2026-10` and `what-if` with the 2027 amendment. The expected figures are
worked by hand from ../shared/spec/scheme.md; every refusal goes through
`appraisal.cli.main` and leaves the ledger as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from appraisal.cli import main
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "ledger_v1"
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
EXAMPLE_EVENTS = ROOT / "examples" / "events.csv"
POLICY_2027 = ROOT / "policies" / "customer_service_2027.yaml"
# KF006 杨磊's serious penalty 7 (业务指标未完成，情况严重) in October, which demoted him
# (scheme §2.3); the amendment strikes it out.
KF006_PENALTY = "KF006,2026-10-29,penalty,,7,200,,serious,"


def later_month(tmp_path: Path, month: str) -> Path:
    """November's events (tests/fixtures/ledger_v1/events_11.csv) moved to ``month``."""
    path = tmp_path / f"events_{month}.csv"
    text = (FIXTURE / "events_11.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("2026-11-", f"{month}-"), encoding="utf-8")
    return path


def run(*arguments: str | Path) -> int:
    return main([str(a) for a in arguments])


def seal(ledger: Path, month: str, roster: Path, events: Path, *amend: str) -> None:
    extra = ["--amend", *amend] if amend else []
    status = run("run", "--month", month, "--roster", roster, "--events", events,
                 "--ledger", ledger, *extra)  # fmt: skip
    assert status == 0


@pytest.fixture
def lived(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """October, November and December sealed; October amended (KF006's penalty struck)."""
    ledger = tmp_path / "appraisal.db"
    seal(ledger, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS)
    for month in ("2026-11", "2026-12"):
        seal(ledger, month, FIXTURE / "roster_11.csv", later_month(tmp_path, month))
    amended = tmp_path / "events_amended.csv"
    lines = EXAMPLE_EVENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(KF006_PENALTY)]
    assert len(kept) == len(lines) - 1
    amended.write_text("".join(kept), encoding="utf-8")
    seal(ledger, "2026-10", EXAMPLE_ROSTER, amended, "处罚7登记有误，撤销")
    capsys.readouterr()
    return ledger


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reseal_then_what_if_as_a_new_user_would(
    lived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Done-when step 4. Hand-worked (scheme §1, §2, §5): without the serious penalty KF006
    # is not demoted in October, so he is 客服组长 (team_lead, base 1100) in November, not
    # 客服专员 (specialist, base 1000): base +100.00, gross 1750.00 → 1850.00. November's
    # own serious penalty demotes him one level for December: specialist (1000 + 900 −
    # fine 200 + transport 50 = 1750.00), where the superseded chain made him an intern
    # (700 + 0, the fine capped at the floating wage 0, + 50 = 750.00): +1000.00.
    # Nobody else's state changes: back pay 1100.00 over the two months.
    changes, workbook = tmp_path / "changes.json", tmp_path / "changes.xlsx"
    status = run("reseal", "--after", "2026-10", "--by", "人事 王", "--ledger", lived,
                 "--json", changes, "--out", workbook)  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert "Re-sealed 2 month(s) after 2026-10" in out
    assert "re-sealed after 2026-10 v2 changed the state it starts from" in out
    assert "2026-11: version 2 supersedes version 1" in out
    assert "2026-12: version 2 supersedes version 1" in out
    november = out.split("2026-11 (v1 → v2)")[1].split("2026-12 (v1 → v2)")[0]
    assert "1 of 18 employees change" in november
    assert "KF006 杨磊" in november
    assert "职级 level specialist → team_lead" in november
    assert "base 1000.00 → 1100.00" in november
    assert "gross 1750.00 → 1850.00 (补发 back pay 100.00)" in november
    december = out.split("2026-12 (v1 → v2)")[1]
    assert "职级 level intern → specialist" in december
    assert "gross 750.00 → 1750.00 (补发 back pay 1000.00)" in december
    assert "补发 back pay 1100.00, 扣回 clawback 0.00, net +1100.00" in out

    document = json.loads(changes.read_text(encoding="utf-8"))
    assert document["totals"] == {"back_pay": "1100.00", "clawback": "0.00", "net": "1100.00"}
    assert [m["month"] for m in document["months"]] == ["2026-11", "2026-12"]
    kf006 = document["months"][0]["changes"][0]
    assert kf006["pay"]["base"] == {"before": "1000.00", "after": "1100.00", "change": "100.00"}
    assert document["months"][0]["departments"][0]["department"] == "电话客服组"
    sheets = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert sheets == ["汇总", "2026-11", "2026-12"]

    with sqlite3.connect(lived) as db:
        reasons = db.execute(
            "SELECT month, version, amend_reason FROM sealed_month WHERE month > '2026-10' "
            "AND version = 2 ORDER BY month"
        ).fetchall()
        # Who re-sealed: the ledger's seal_note (schema 2, outside the hash chain).
        by = db.execute(
            "SELECT n.sealed_by FROM seal_note AS n JOIN sealed_month AS s ON s.seq = n.seq "
            "WHERE s.month > '2026-10' AND s.version = 2"
        ).fetchall()
    assert by == [("人事 王",), ("人事 王",)]
    assert [(m, v) for m, v, _ in reasons] == [("2026-11", 2), ("2026-12", 2)]
    assert all("2026-10 v2" in reason for _, _, reason in reasons)
    assert run("replay", "--month", "2026-12", "--ledger", lived) == 0  # nothing stale now
    capsys.readouterr()

    # Done-when step 5: every clause of the 2027 amendment takes effect on 2027-01-01
    # (its `effective:` and dated values), so October to December come out unchanged.
    before = digest(lived)
    status = run("what-if", "--policy", POLICY_2027, "--from", "2026-10", "--to", "2026-12",
                 "--ledger", lived)  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    draft = load_policy(POLICY_2027)
    assert f"under the draft policy {draft.id} {draft.version}" in out
    assert "nothing was sealed" in out
    for month, heads in (("2026-10", 20), ("2026-11", 18), ("2026-12", 18)):
        assert f"{month} (sealed v2 (cs-appraisal" in out
        assert f"no change for any of {heads} employees" in out
    assert "Total over 3 month(s): 0 change(s)" in out
    assert digest(lived) == before


def test_what_if_over_january_shows_the_2027_clauses(
    lived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # January 2027, sealed under the shipped policy, tried under the 2027 amendment.
    # Hand-worked: KF002 late 12 min → 处罚 4 within 30 min, 10 → 20 yuan: clawback 10.00.
    # KF004 late 45 min → within the hour, 30 → 50 yuan; and CSAT 91.0 ≥ 90 earns the new
    # criterion's 5 points: 40 (criteria 1-5) + 5 (exam 93, band B) + 10 (reward 1) + 95
    # (100 − 5 for the lateness) = 150 → 155; gross 20.00 less.
    assert run("reseal", "--after", "2026-10", "--ledger", lived) == 0
    seal(lived, "2027-01", FIXTURE / "roster_11.csv", later_month(tmp_path, "2027-01"))
    capsys.readouterr()
    before = digest(lived)
    status = run("what-if", "--policy", POLICY_2027, "--from", "2026-12", "--to", "2027-01",
                 "--ledger", lived, "--out", tmp_path / "diff.xlsx")  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    january = out.split("2027-01 (sealed v1")[1]
    assert "KF002 李秀英 (来宾客服组): fines 10.00 → 20.00; gross 2787.13 → 2777.13" in january
    assert "(扣回 clawback 10.00)" in january
    assert "KF004 刘洋 (电话客服组): 总分 score 150 → 155; fines 30.00 → 50.00" in january
    assert "rules: attendance.lateness.within_hour, score.criteria.csat" in january
    assert digest(lived) == before
    # In Chinese the pay fields are named as the pay sheet names them (罚款, not fines).
    assert run("--lang", "zh", "what-if", "--policy", POLICY_2027, "--from", "2027-01",
               "--to", "2027-01", "--ledger", lived) == 0  # fmt: skip
    chinese = capsys.readouterr().out
    assert "KF002 李秀英 (来宾客服组): 罚款 10.00 → 20.00;" in chinese
    assert "fines" not in chinese


# -- refusals ------------------------------------------------------------------------


def test_no_ledger_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    assert run("reseal", "--after", "2026-10", "--ledger", missing) == 1
    assert "none.db: no ledger file" in capsys.readouterr().err
    assert run("what-if", "--policy", POLICY_2027, "--from", "2026-10", "--to", "2026-12",
               "--ledger", missing) == 1  # fmt: skip
    assert "none.db: no ledger file" in capsys.readouterr().err
    assert not missing.exists()


def test_a_month_not_sealed_is_refused_naming_the_sealed_ones(
    lived: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(lived)
    assert run("reseal", "--after", "2026-09", "--ledger", lived) == 1
    assert "2026-09 is not sealed (sealed months: 2026-10, 2026-11, 2026-12)" in (
        capsys.readouterr().err
    )
    assert run("what-if", "--policy", POLICY_2027, "--from", "2026-11", "--to", "2027-02",
               "--ledger", lived) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "2027-01, 2027-02 in 2026-11..2027-02 not sealed" in err
    assert "(sealed months: 2026-10, 2026-11, 2026-12)" in err
    assert digest(lived) == before


def test_reseal_after_a_month_that_is_itself_stale_names_where_to_start(
    lived: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(lived)
    assert run("reseal", "--after", "2026-11", "--ledger", lived) == 1
    err = capsys.readouterr().err
    assert "2026-11 is stale (过期) itself" in err
    assert "appraisal reseal --after 2026-10" in err
    assert digest(lived) == before


def test_from_after_to_is_a_usage_error(lived: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("what-if", "--policy", POLICY_2027, "--from", "2026-12", "--to", "2026-10",
                 "--ledger", lived)  # fmt: skip
    assert status == 2
    assert "--from 2026-12 is after --to 2026-10" in capsys.readouterr().err


def test_a_bad_draft_policy_is_reported_as_check_policy_reports_it(
    lived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        POLICY_2027.read_text(encoding="utf-8")
        .replace(
            "extends: customer_service.yaml", f"extends: {POLICY_2027.parent}/customer_service.yaml"
        )
        .replace('when: "csat >= 90"', 'when: "csatt >= 90"'),
        encoding="utf-8",
    )
    assert run("what-if", "--policy", draft, "--from", "2026-10", "--to", "2026-10",
               "--ledger", lived) == 1  # fmt: skip
    what_if_err = capsys.readouterr().err
    assert run("check-policy", draft) == 1
    check_err = capsys.readouterr().err
    assert f"{draft}:" in what_if_err
    assert "csatt" in what_if_err
    # The same lines; only the closing count says what was not done (written, or not).
    assert what_if_err.splitlines()[:-1] == check_err.splitlines()[:-1]
    assert what_if_err.splitlines()[-1] == "1 problem in the policy; nothing was written."


def test_a_tampered_chain_is_refused_and_nothing_is_sealed(
    lived: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(lived) as db:
        db.execute(
            "UPDATE sealed_month SET results = replace(results, '杨磊', '杨雷') WHERE seq = 2"
        )
    before = digest(lived)
    assert run("reseal", "--after", "2026-10", "--ledger", lived) == 1
    assert "seq 2 (2026-11 v1)" in capsys.readouterr().err
    assert run("what-if", "--policy", POLICY_2027, "--from", "2026-10", "--to", "2026-12",
               "--ledger", lived) == 1  # fmt: skip
    assert "seq 2 (2026-11 v1)" in capsys.readouterr().err
    assert digest(lived) == before


@pytest.mark.parametrize("command", ["reseal", "what-if"])
def test_output_files_that_name_inputs_are_refused_before_any_work(
    lived: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (
        ["reseal", "--after", "2026-10"]
        if command == "reseal"
        else ["what-if", "--policy", str(POLICY_2027), "--from", "2026-10", "--to", "2026-12"]
    )
    before = digest(lived)
    assert run(*args, "--ledger", lived, "--out", lived) == 2
    assert "--out" in capsys.readouterr().err
    assert run(*args, "--ledger", lived, "--out", tmp_path / "changes.csv") == 2
    assert "must end in .xlsx" in capsys.readouterr().err
    assert run(*args, "--ledger", lived, "--json", lived) == 2
    assert "--json" in capsys.readouterr().err
    if command == "what-if":
        assert run(*args, "--ledger", lived, "--json", POLICY_2027) == 2
        assert "--policy" in capsys.readouterr().err
    assert not (tmp_path / "changes.csv").exists()
    assert digest(lived) == before
