"""Attendance exports through the command line (issue 4): `run --events EXPORT.xlsx`
recognises the export by itself, and `appraisal import` converts one for review.

The fixtures (tests/fixtures/attendance, a copy of ../shared/fixtures) are one October
2026 of six specialists (base 1000, floating 900; daily wage = monthly / 21.75).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "attendance"
ROSTER = FIXTURES / "roster_2026-10.csv"
EXPECTED_EVENTS = FIXTURES / "expected_events_2026-10.csv"
DAILY = FIXTURES / "dingtalk_daily_2026-10.xlsx"
MONTHLY = FIXTURES / "dingtalk_monthly_2026-10.xlsx"


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_month(
    capsys: pytest.CaptureFixture[str], folder: Path, events: Path, name: str
) -> tuple[dict[str, Any], str]:
    results = folder / f"{name}.json"
    code, out, err = cli(
        capsys,
        "run",
        "--month",
        "2026-10",
        "--roster",
        ROSTER,
        "--events",
        events,
        "--ledger",
        folder / f"{name}.db",
        "--json",
        results,
        # An attendance export has no criterion or exam rows: the criteria count as not met.
        "--allow-unappraised",
    )
    assert code == 0, err
    document: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    return document, out


def without_sources(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The results with the input file and row taken out of the trail."""
    people = []
    for person in document["employees"]:
        trace = [
            {k: v for k, v in entry.items() if k not in ("event", "file", "row")}
            for entry in person["trace"]
        ]
        people.append({**person, "trace": trace})
    return people


@pytest.mark.parametrize("export", [DAILY, MONTHLY], ids=["daily", "monthly"])
def test_an_export_gives_the_results_of_its_expected_events(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, export: Path
) -> None:
    from_export, out = run_month(capsys, tmp_path, export, "export")
    from_events, _ = run_month(capsys, tmp_path, EXPECTED_EVENTS, "events")
    assert without_sources(from_export) == without_sources(from_events)
    # The trail points at the export's own rows.
    kf001 = next(p for p in from_export["employees"] if p["employee_id"] == "KF001")
    assert {entry.get("file") for entry in kf001["trace"] if entry.get("row")} == {export.name}
    # KF005's missing morning punch reaches the manager, and costs nothing.
    assert "To review (待复核)" in out
    assert "KF005 2026-10-16 上班缺卡" in out


def test_figures_from_the_daily_export_worked_by_hand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document, _ = run_month(capsys, tmp_path, DAILY, "daily")
    people = {p["employee_id"]: p for p in document["employees"]}
    # KF001: late 12 min (≤30: 10 yuan, −3) and 45 min (≤59: 30 yuan, −5).
    assert people["KF001"]["pay"]["fines"] == "40.00"
    assert people["KF001"]["score"] == {"add": 0, "deduct_left": 92, "total": 92}
    # KF002: late 75 min = a day's absence, (1000 + 900) / 21.75 = 87.356… → 87.36, −10;
    # early leave 20 min unexcused counts as lateness: 10 yuan, −3.
    assert people["KF002"]["pay"]["absence_deduction"] == "87.36"
    assert people["KF002"]["pay"]["fines"] == "10.00"
    assert people["KF002"]["score"]["total"] == 87
    # KF003: 事假 1 day 1000 / 21.75 = 45.977…, 病假 half a day at half rate 11.494…;
    # the field is rounded once: 57.471… → 57.47. Two leaves: not "3 or more".
    assert people["KF003"]["pay"]["leave_deduction"] == "57.47"
    assert people["KF003"]["score"]["total"] == 100
    # KF005: a holiday 3 × 1000 / 21.75 = 137.931… and a rest day 2 × 1000 / 21.75 =
    # 91.954…: 229.885… → 229.89.
    assert people["KF005"]["pay"]["overtime"] == "229.89"
    # KF004: 旷工 one day, 87.36 and −10.
    assert people["KF004"]["pay"]["absence_deduction"] == "87.36"
    assert people["KF004"]["score"]["total"] == 90


def test_import_writes_the_events_and_the_review_items(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "events.csv"
    code, out, err = cli(capsys, "import", DAILY, "--month", "2026-10", "-o", out_path)
    assert code == 0, err
    assert "dingtalk_daily — 9 events written" in out
    with out_path.open(encoding="utf-8") as handle:
        written = {
            (r["employee_id"], r["date"], r["kind"], r["value"], r["flags"])
            for r in csv.DictReader(handle)
        }
    with EXPECTED_EVENTS.open(encoding="utf-8") as handle:
        expected = {
            (r["employee_id"], r["date"], r["kind"], r["value"].removesuffix(".0"), r["flags"])
            for r in csv.DictReader(handle)
        }
    assert written == expected
    review = list(csv.DictReader(out_path.with_suffix(".review.csv").open(encoding="utf-8")))
    assert [(r["employee_id"], r["date"], r["what"]) for r in review] == [
        ("KF005", "2026-10-16", "上班缺卡")
    ]
    # The file `import` writes is an events file `run` accepts, giving the same results.
    from_csv, _ = run_month(capsys, tmp_path, out_path, "csv")
    from_export, _ = run_month(capsys, tmp_path, DAILY, "export")
    assert without_sources(from_csv) == without_sources(from_export)


def test_import_matches_names_against_a_roster(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    # The roster knows KF001 by another id: only its exact, unique name can match it.
    roster.write_text(
        ROSTER.read_text(encoding="utf-8").replace("KF001,", "A-0001,"), encoding="utf-8"
    )
    out_path = tmp_path / "events.csv"
    code, _, err = cli(
        capsys, "import", DAILY, "--month", "2026-10", "--roster", roster, "-o", out_path
    )
    assert code == 0, err
    assert "A-0001,2026-10-09,late,12" in out_path.read_text(encoding="utf-8")


def test_import_of_a_file_that_is_not_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["季度", "销售额"])
    sheet.append(["Q1", 1200])
    sales = tmp_path / "sales.xlsx"
    book.save(sales)
    out_path = tmp_path / "events.csv"
    code, _, err = cli(capsys, "import", sales, "--month", "2026-10", "-o", out_path)
    assert code == 1
    assert f"{sales}: not an attendance export this version knows" in err
    assert not out_path.exists()


def test_import_of_another_month_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "events.csv"
    code, _, err = cli(capsys, "import", DAILY, "--month", "2026-11", "-o", out_path)
    assert code == 1
    assert str(DAILY) in err and "2026-10" in err
    assert not out_path.exists()


def test_import_with_an_unknown_profile_suggests_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = cli(
        capsys,
        "import",
        DAILY,
        "--month",
        "2026-10",
        "--profile",
        "dingtalk_dayly",
        "-o",
        tmp_path / "e.csv",
    )
    assert code == 1
    assert "dingtalk_daily" in err


def test_run_with_an_export_and_an_unreadable_roster_reports_the_roster_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "roster.csv"
    code, _, err = cli(
        capsys,
        "run",
        "--month",
        "2026-10",
        "--roster",
        missing,
        "--events",
        DAILY,
        "--ledger",
        tmp_path / "l.db",
    )
    assert code == 1
    assert f"{missing}: file not found" in err
    assert "match" not in err
    assert not (tmp_path / "l.db").exists()
