"""`appraisal run --dry-run` (issue 10, item 1): a month evaluated as a run would
evaluate it, on the ledger's opening state, and sealed nowhere.

It prints the summary, the review items and who is not appraised; it writes --json and
--out marked 草稿 (draft), the workbook's 说明 giving no record hash; it creates no
ledger and leaves an existing one byte for byte as it was.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.pipeline import preview, read_inputs, run_month
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ATTENDANCE = ROOT / "tests" / "fixtures" / "attendance"
DINGTALK = ATTENDANCE / "dingtalk_daily_2026-10.xlsx"
DINGTALK_ROSTER = ATTENDANCE / "roster_2026-10.csv"
IDS = ["KF001", "KF002", "KF003", "KF004", "KF005", "KF006"]


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def dingtalk(ledger: Path, *more: object) -> list[object]:
    return [
        "run", "--month", "2026-10", "--roster", DINGTALK_ROSTER, "--events", DINGTALK,
        "--ledger", ledger, *more,
    ]  # fmt: skip


def example(ledger: Path, *more: object) -> list[object]:
    return [
        "run", "--month", "2026-10", "--roster", EXAMPLES / "roster.csv",
        "--events", EXAMPLES / "events.csv", "--ledger", ledger, *more,
    ]  # fmt: skip


def rows(book: Any, sheet: str) -> list[list[object]]:
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_the_dingtalk_fixture_previews_six_not_appraised_and_creates_no_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger, results, workbook = tmp_path / "l.db", tmp_path / "r.json", tmp_path / "o.xlsx"
    code, out, err = cli(
        capsys, *dingtalk(ledger, "--dry-run", "--json", results, "--out", workbook)
    )
    assert code == 0, err
    assert "6 of 6 not appraised" in out
    for row, employee_id in enumerate(IDS, start=2):
        assert f"{DINGTALK_ROSTER}:{row}: {employee_id} " in out
    assert "Head count: 6" in out  # the summary
    assert "KF005 2026-10-16 上班缺卡" in out  # the review item of the export
    assert "Sealed" not in out and "Record hash" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.xlsx", "r.json"]  # no ledger
    document = json.loads(results.read_text(encoding="utf-8"))
    assert "草稿" in document["draft"]
    assert [p["appraised"] for p in document["employees"]] == [False] * 6
    # Nobody appraised: nobody is the month's best employee.
    assert all(p["pay"]["awards"] == "0.00" for p in document["employees"])
    book = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()), read_only=True)
    try:
        assert "草稿" in (book.properties.title or "")
        title = next(cell for cell in rows(book, "工资调整")[0] if cell)  # the banner
        assert str(title).startswith("草稿")
        manifest = rows(book, "说明")
        assert manifest[2][0] == "草稿"  # the first item, below the two header rows
        assert not any(row[1] == "record_hash" for row in manifest)
        assert not any("replay" in str(row[2]) for row in manifest)
    finally:
        book.close()
    # and the run itself refuses, naming them, and still creates no ledger
    code, out, err = cli(capsys, *dingtalk(ledger))
    assert code == 1
    assert all(f"{employee_id} " in err for employee_id in IDS)
    assert not ledger.exists()


def test_a_dry_run_gives_the_results_the_run_then_seals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger, draft, sealed = tmp_path / "l.db", tmp_path / "draft.json", tmp_path / "sealed.json"
    code, out, err = cli(capsys, *example(ledger, "--dry-run", "--json", draft))
    assert code == 0, err
    assert "all 20 appraised" in out
    assert not ledger.exists()
    code, _, err = cli(capsys, *example(ledger, "--json", sealed))
    assert code == 0, err
    previewed = json.loads(draft.read_text(encoding="utf-8"))
    assert previewed.pop("draft")
    assert previewed == json.loads(sealed.read_text(encoding="utf-8"))


def test_a_dry_run_leaves_an_existing_ledger_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "l.db"
    assert cli(capsys, *example(ledger))[0] == 0
    before = ledger.read_bytes()
    files = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = cli(capsys, *example(ledger, "--dry-run"))
    assert code == 0, err
    assert "sealed already (version 1)" in out
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_a_dry_run_starts_from_the_ledgers_state(tmp_path: Path) -> None:
    # October sealed with everyone unappraised: 100 points each, below 140, so each
    # specialist is demoted and starts November as an intern (700 base, no floating).
    policy = load_policy(None)
    october, _ = read_inputs(Month.parse("2026-10"), DINGTALK_ROSTER, (DINGTALK,))
    ledger = tmp_path / "l.db"
    run_month(policy, october, ledger, allow_unappraised=True)
    events = tmp_path / "november.csv"
    lines = ["employee_id,date,kind,value,clause"]
    lines += [f"{i},2026-11-30,criterion,1,{c}" for i in IDS for c in range(1, 6)]
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    november, _ = read_inputs(Month.parse("2026-11"), DINGTALK_ROSTER, (events,))
    before = ledger.read_bytes()
    seen = preview(policy, november, ledger)
    assert seen.issues == [] and seen.computed is not None
    assert seen.unappraised == ()
    assert {e.level for e in seen.computed.results.employees} == {"intern"}
    assert {e.pay["base"] for e in seen.computed.results.employees} == {700}
    assert ledger.read_bytes() == before
    # with no ledger, the roster's level stands
    fresh = preview(policy, november, tmp_path / "none.db")
    assert fresh.computed is not None
    assert {e.level for e in fresh.computed.results.employees} == {"specialist"}
    assert not (tmp_path / "none.db").exists()


def test_a_dry_run_verifies_the_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "l.db"
    assert cli(capsys, *example(ledger))[0] == 0
    with sqlite3.connect(ledger) as db:
        db.execute("UPDATE sealed_month SET results = replace(results, '杨磊', '杨雷')")
    db.close()
    code, out, err = cli(capsys, *example(ledger, "--dry-run"))
    assert code != 0
    assert "草稿" not in out
    assert "chain" in err.lower() or "tamper" in err.lower(), err


def test_a_dry_run_with_input_problems_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        "employee_id,date,kind,value,clause\nKF999,2026-10-01,criterion,1,1\n", encoding="utf-8"
    )
    results = tmp_path / "r.json"
    code, _, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", DINGTALK_ROSTER, "--events", events,
        "--ledger", tmp_path / "l.db", "--dry-run", "--json", results,
    )  # fmt: skip
    assert code == 1
    assert "KF999" in err
    assert not results.exists() and not (tmp_path / "l.db").exists()
