"""`appraisal run --deductions FILE`: 社保, 公积金, 个税 and other deductions, and the net pay.

The deductions file is a sealed input like the roster and the events: read once, its
sha256 sealed, its rows stored with the month, so `replay` and `reissue` give the same
net pay. Every problem of the file is reported at once as ``file:row:column``; a month
without the file is sealed exactly as before (its record hash is pinned below).

The month used throughout (September 2026, the shipped policy; tests/cases/attendance.yaml
works the same figures):

- E1 甲, specialist (客服专员), no events: score 100 (criteria not met), no award:
  gross = 1000 + 900 + 50 (transport) = 1950.00.
- E2 乙, team_lead (客服组长), late 1 minute (处罚 4: 10 yuan, 3 points): score 97, no
  award: gross = 1100 + 900 − 10 + 50 = 2040.00.

Neither has a criterion or exam row, so neither is appraised: no monthly award (scheme.md
§4), and the month is sealed with ``--allow-unappraised`` (these tests are about the
deductions, not the appraisal).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal import Ledger
from appraisal.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

ROSTER = "employee_id,name,level\nE1,甲,specialist\nE2,乙,team_lead\n"
EVENTS = "employee_id,date,kind,value\nE2,2026-09-03,late,1\n"
# E1: 180.50 + 120.00 + 3.45 + 0.00 = 303.95; net 1950.00 − 303.95 = 1646.05
# E2: 200.00 + 0.00 + 0.00 + 15.50 = 215.50; net 2040.00 − 215.50 = 1824.50
DEDUCTIONS = (
    "工号,姓名,社保个人,公积金个人,个税,其他扣款\nE1,甲,180.50,120,3.45,\nE2,乙,200,,0,15.5\n"
)
EXPECTED = {
    "E1": {
        "social_insurance": "180.50",
        "housing_fund": "120.00",
        "income_tax": "3.45",
        "other": "0.00",
        "total": "303.95",
        "net": "1646.05",
        "file": "deductions.csv",
        "row": 2,
    },
    "E2": {
        "social_insurance": "200.00",
        "housing_fund": "0.00",
        "income_tax": "0.00",
        "other": "15.50",
        "total": "215.50",
        "net": "1824.50",
        "file": "deductions.csv",
        "row": 3,
    },
}
GROSS = {"E1": "1950.00", "E2": "2040.00"}


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def month(tmp_path: Path) -> Path:
    """A folder with the month's roster and events."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    return tmp_path


def run(
    capsys: pytest.CaptureFixture[str], folder: Path, deductions: Path | None, *extra: object
) -> tuple[int, str, str]:
    given = [] if deductions is None else ["--deductions", deductions]
    return cli(
        capsys, "run", "--month", "2026-09", "--roster", folder / "roster.csv",
        "--events", folder / "events.csv", "--ledger", folder / "l.db", "--allow-unappraised",
        *given, *extra,
    )  # fmt: skip


def by_id(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["employee_id"]: e for e in results["employees"]}


def stored(ledger: Path, month: str = "2026-09") -> Any:
    with Ledger(ledger) as book:
        record = book.current(month)
        assert record is not None
        return record


# --- the net pay -------------------------------------------------------------------------


def test_each_employee_gets_the_deductions_of_the_file_and_net_pay(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    (month / "deductions.csv").write_text(DEDUCTIONS, encoding="utf-8")
    code, out, err = run(capsys, month, month / "deductions.csv", "--json", month / "r.json")
    assert code == 0, err
    people = by_id(json.loads((month / "r.json").read_text(encoding="utf-8")))
    for employee_id, expected in EXPECTED.items():
        assert people[employee_id]["pay"]["gross"] == GROSS[employee_id]
        assert people[employee_id]["deductions"] == expected
    # 1646.05 + 1824.50 = 3470.55; 1950 + 2040 = 3990.00; 303.95 + 215.50 = 519.45
    assert "实发工资合计 3470.55 = 应发 3990.00 − 扣款 519.45" in out


def test_english_and_bilingual_headers_and_an_xlsx_file_read_the_same(
    capsys: pytest.CaptureFixture[str], month: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    rows = [
        ["employee_id", "社保个人 social_insurance", "housing_fund", "个税(income_tax)", "OTHER"],
        ["E1", "180.5", "120.00", "3.45", None],
        ["E2", 200, None, 0, 15.5],
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(month / "deductions.xlsx")
    code, _, err = run(capsys, month, month / "deductions.xlsx", "--json", month / "r.json")
    assert code == 0, err
    people = by_id(json.loads((month / "r.json").read_text(encoding="utf-8")))
    for employee_id, expected in EXPECTED.items():
        assert people[employee_id]["deductions"] == {**expected, "file": "deductions.xlsx"}


def test_deductions_larger_than_gross_are_refused_naming_the_row(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    # E2: 2000 + 40.01 = 2040.01 > gross 2040.00 by a cent; E1: exactly 1950.00 leaves 0.00.
    text = "employee_id,social_insurance,income_tax\nE1,1900,50\nE2,2000,40.01\n"
    (month / "deductions.csv").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, month, month / "deductions.csv")
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith(f"{month / 'deductions.csv'}:3: 扣款合计 2040.01") for line in lines)
    assert "exceed the gross pay of E2, 2040.00" in err
    assert ":2:" not in err.replace(str(month), "")  # E1's net of 0.00 may be paid
    assert "Sealed" not in out and not (month / "l.db").exists()


def test_every_problem_of_the_file_is_reported_at_once(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    text = (
        "工号,姓名,社保个人,公积金个人,个税,其他扣款,应发\n"
        "E3,丙,1,,,,\n"  # row 2: not on the roster (E1 or E2 meant)
        "E2,丁,-5,1.234,abc,,\n"  # row 3: negative, a tenth of a cent, not a number, name
        "E2,乙,1e30,,,,\n"  # row 4: E2 again, and more digits than a deduction has
        ",乙,,,,,\n"  # row 5: no 工号
    )
    path = month / "deductions.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, month, path, "--json", month / "r.json")
    assert code == 1
    expected = [
        (f"{path}:employee_id: ", "no deductions row for E1 of the roster"),
        (f"{path}:1:应发: ", "unknown column '应发'"),
        (f"{path}:2:employee_id: ", "unknown employee 'E3': not in the roster"),
        (f"{path}:3:social_insurance: ", "扣款不能为负数 (a deduction must not be negative)"),
        (f"{path}:3:housing_fund: ", "at most 10 digits before the point and 2 after"),
        (f"{path}:3:income_tax: ", "不是数字 (not a number): 'abc'"),
        (f"{path}:3:name: ", "姓名 '丁' 与名册中 E2 的姓名 乙 不符"),
        (f"{path}:4:employee_id: ", "duplicate employee_id 'E2', also row 3"),
        (f"{path}:4:social_insurance: ", "got '1e30'"),
        (f"{path}:5:employee_id: ", "缺少工号"),
    ]
    lines = err.splitlines()
    for prefix, fragment in expected:
        assert any(line.startswith(prefix) and fragment in line for line in lines), (prefix, err)
    assert "did you mean 'E1'?" in err or "did you mean 'E2'?" in err
    assert "10 problems in the input; nothing was written or sealed." in err
    assert "Traceback" not in err and "Sealed" not in out
    assert not (month / "l.db").exists() and not (month / "r.json").exists()


def test_a_net_below_zero_is_reported_with_the_other_problems_of_the_file(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    # E1: 1900 + 60 = 1960.00 > gross 1950.00; row 3 is E2's with a figure that is no number.
    text = "employee_id,social_insurance,income_tax\nE1,1900,60\nE2,x,\n"
    path = month / "deductions.csv"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, month, path)
    assert code == 1
    assert f"{path}:2: 扣款合计 1960.00 超过 E1 的应发工资 1950.00" in err
    assert f"{path}:3:social_insurance: 不是数字 (not a number): 'x'" in err
    assert "2 problems in the input" in err


def test_a_file_with_no_deduction_column_is_refused(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    (month / "deductions.csv").write_text("工号,姓名\nE1,甲\nE2,乙\n", encoding="utf-8")
    code, _, err = run(capsys, month, month / "deductions.csv")
    assert code == 1
    assert f"{month / 'deductions.csv'}:1: 没有扣款列 (no deduction column)" in err


# --- sealed like any input ---------------------------------------------------------------


def test_the_deductions_are_sealed_and_replay_and_reissue_reproduce_the_net_pay(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    path = month / "deductions.csv"
    path.write_text(DEDUCTIONS, encoding="utf-8")
    code, _, err = run(capsys, month, path, "--json", month / "r.json")
    assert code == 0, err
    record = stored(month / "l.db")
    assert record.input_files["deductions.csv"] == hashlib.sha256(path.read_bytes()).hexdigest()
    rows = {row["employee_id"]: row for row in record.inputs["deductions"]}
    assert rows["E1"] == {
        "employee_id": "E1",
        "social_insurance": "180.50",
        "housing_fund": "120.00",
        "income_tax": "3.45",
        "other": "0.00",
        "source": ["deductions.csv", 2],
    }
    path.unlink()  # replay and reissue read the ledger alone
    code, out, err = cli(capsys, "replay", "--month", "2026-09", "--ledger", month / "l.db")
    assert code == 0, err
    assert "identical to the sealed results" in out
    code, _, err = cli(
        capsys, "reissue", "--month", "2026-09", "--ledger", month / "l.db",
        "--json", month / "again.json",
    )  # fmt: skip
    assert code == 0, err
    assert (month / "again.json").read_bytes() == (month / "r.json").read_bytes()
    again = by_id(json.loads((month / "again.json").read_text(encoding="utf-8")))
    assert again["E2"]["deductions"]["net"] == "1824.50"


def test_replay_finds_a_net_pay_edited_in_the_ledger(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    (month / "deductions.csv").write_text(DEDUCTIONS, encoding="utf-8")
    assert run(capsys, month, month / "deductions.csv")[0] == 0
    with sqlite3.connect(month / "l.db") as db:
        (inputs,) = db.execute("SELECT inputs FROM sealed_month").fetchone()
        db.execute("UPDATE sealed_month SET inputs = ?", (inputs.replace("180.50", "180.00"),))
    code, _, err = cli(capsys, "replay", "--month", "2026-09", "--ledger", month / "l.db")
    assert code == 1
    assert "record_hash does not match" in err


def test_other_deductions_for_a_sealed_month_need_amend(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    path = month / "deductions.csv"
    path.write_text(DEDUCTIONS, encoding="utf-8")
    assert run(capsys, month, path)[0] == 0
    code, out, _ = run(capsys, month, path)
    assert code == 0 and "Already sealed with these inputs" in out
    path.write_text(DEDUCTIONS.replace("3.45", "4.45"), encoding="utf-8")
    code, _, err = run(capsys, month, path)
    assert code == 1 and "already sealed" in err
    code, out, err = run(
        capsys, month, path, "--amend", "个税 corrected", "--json", month / "r.json"
    )
    assert code == 0, err
    assert "Amended" in out
    # E1: 180.50 + 120.00 + 4.45 = 304.95; net 1950.00 − 304.95 = 1645.05
    people = by_id(json.loads((month / "r.json").read_text(encoding="utf-8")))
    assert people["E1"]["deductions"]["net"] == "1645.05"


def test_a_month_without_deductions_is_sealed_as_before(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The example month's sealed inputs, byte for byte as before deductions existed
    (their sha256 taken from main at 0860686, where the record hash was be6b5a5a…).

    A record hash covers the inputs, the input files' hashes, the policy text, the states,
    the results and the engine version; of these a deductions file touches only the
    inputs and the results, which are pinned here, and not the rest. The record hash
    itself is not pinned: the policy text changes with the pay sheet's `organisation`.
    """
    code, _, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", EXAMPLES / "roster.csv",
        "--events", EXAMPLES / "events.csv", "--ledger", tmp_path / "l.db",
    )  # fmt: skip
    assert code == 0, err
    with sqlite3.connect(tmp_path / "l.db") as db:
        inputs, input_files = db.execute("SELECT inputs, input_files FROM sealed_month").fetchone()
    assert sorted(json.loads(inputs)) == ["events", "roster"]
    inputs_sha = hashlib.sha256(inputs.encode("utf-8")).hexdigest()
    assert inputs_sha == "30008a19ccd44b8b947f0e8bcb70d099b2a8e1f1612016461a2d7c38aebcd545"
    assert sorted(json.loads(input_files)) == ["events.csv", "roster.csv"]
    results = stored(tmp_path / "l.db", "2026-10").results
    assert all("deductions" not in person for person in results["employees"])


# --- the file itself ---------------------------------------------------------------------


def test_an_output_naming_the_deductions_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    path = month / "deductions.csv"
    path.write_text(DEDUCTIONS, encoding="utf-8")
    code, _, err = run(capsys, month, path, "--json", path)
    assert code == 2
    assert f"{path}: --json names the file --deductions reads" in err
    assert path.read_text(encoding="utf-8") == DEDUCTIONS


@pytest.mark.parametrize("other", ["roster.csv", "events.csv"])
def test_the_roster_or_events_given_as_deductions_is_refused(
    capsys: pytest.CaptureFixture[str], month: Path, other: str
) -> None:
    copy = month / "copy.csv"  # the same bytes under another name: still the same file
    copy.write_bytes((month / other).read_bytes())
    code, _, err = run(capsys, month, copy)
    assert code == 1
    option = "--roster" if other == "roster.csv" else "--events"
    assert f"{copy}: --deductions 与 {option} 是同一个文件" in err
    assert f"(--deductions is the same file as {option} {month / other}" in err


def test_a_deductions_file_named_like_another_input_is_refused(
    capsys: pytest.CaptureFixture[str], month: Path
) -> None:
    (month / "hr").mkdir()
    path = month / "hr" / "events.csv"  # the trail could not tell its rows from the events'
    path.write_text(DEDUCTIONS, encoding="utf-8")
    code, _, err = run(capsys, month, path)
    assert code == 1
    assert f"{path}: 另一个输入文件也叫 events.csv" in err


@pytest.mark.parametrize(
    ("given", "message"),
    [("missing.csv", "file not found"), (".", "is a directory, not a file")],
)
def test_a_deductions_path_that_is_not_a_file_is_an_input_error(
    capsys: pytest.CaptureFixture[str], month: Path, given: str, message: str
) -> None:
    code, _, err = run(capsys, month, month / given)
    assert code == 1
    assert message in err and "Traceback" not in err
