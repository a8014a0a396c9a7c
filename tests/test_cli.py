"""The `appraisal` command line, end to end (interface.md).

Most cases call `appraisal.cli.main` in-process and read what it printed; two run the
installed console script, to prove the command users type works. Input errors must be
printed as ``file:row:column: message``, all of them at once, with a non-zero exit and
nothing written or sealed. A sealed month is reproduced, refused or amended as the
contract says, and `replay` finds every difference, a tampered ledger included.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal import Ledger
from appraisal.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
EXAMPLE_EVENTS = ROOT / "examples" / "events.csv"
SHIPPED_POLICY = ROOT / "policies" / "customer_service.yaml"
POLICY_2027 = ROOT / "policies" / "customer_service_2027.yaml"
CONSOLE_SCRIPT = Path(sys.executable).parent / "appraisal"

EVENT_HEADER = "employee_id,date,kind,value,clause,amount,points,flags,note"
ROSTER_HEADER = "employee_id,name,level,hire_date"
# E001 客服专员 (specialist: base 1000, floating 900), E002 客服组长 (team_lead).
ROSTER_ROWS = ("E001,张三,specialist,2020-01-01", "E002,李四,team_lead,2019-05-06")
# Every criterion met (40) and exam 95 (band A, +10): add 50, so E001 stays above 140.
# E002 is appraised too (every criterion met: 40 + 100 = 140, not below 140), so a month
# can be sealed without --allow-unappraised (scheme.md §4: only the appraised are eligible
# for the award; a sealing run refuses while anyone is not appraised). Rows 2–7 are E001's,
# rows 8–12 E002's; a row added by good_month(..., extra) is row 13 on.
GOOD_MONTH_ROWS = (
    *(f"E001,{{month}}-30,criterion,1,{c},,,,达标" for c in range(1, 6)),
    "E001,{month}-30,exam,95,,,,,月度考试",
    *(f"E002,{{month}}-30,criterion,1,{c},,,,达标" for c in range(1, 6)),
)

PAY_FIELDS = (
    "base",
    "floating",
    "fines",
    "leave_deduction",
    "absence_deduction",
    "overtime",
    "rewards",
    "awards",
    "allowances",
    "settlement",
    "gross",
)
MONEY = re.compile(r"-?\d+\.\d{2}")


# --- helpers -----------------------------------------------------------------------------


def write_lines(path: Path, lines: Sequence[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def roster_file(folder: Path, rows: Sequence[str] = ROSTER_ROWS, name: str = "roster.csv") -> Path:
    return write_lines(folder / name, [ROSTER_HEADER, *rows])


def events_file(folder: Path, rows: Sequence[str], name: str = "events.csv") -> Path:
    return write_lines(folder / name, [EVENT_HEADER, *rows])


def good_month(month: str, *extra: str) -> list[str]:
    return [row.format(month=month) for row in GOOD_MONTH_ROWS] + list(extra)


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run(
    capsys: pytest.CaptureFixture[str],
    month: str,
    roster: Path,
    events: Path | Sequence[Path],
    ledger: Path,
    *extra: object,
) -> tuple[int, str, str]:
    event_args: list[object] = []
    for path in [events] if isinstance(events, Path) else events:
        event_args += ["--events", path]
    return cli(
        capsys, "run", "--month", month, "--roster", roster, *event_args, "--ledger", ledger, *extra
    )


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def assert_reported(err: str, prefix: str, fragment: str) -> None:
    """Some line of stderr starts with ``prefix`` (file:row:column: ) and holds ``fragment``."""
    matching = [line for line in problem_lines(err) if line.startswith(prefix)]
    assert matching, f"no line starts with {prefix!r} in:\n{err}"
    assert any(fragment in line for line in matching), f"{fragment!r} not in {matching}"


def assert_nothing_written(out: str, ledger: Path, results: Path) -> None:
    """A refused run seals nothing and writes no file."""
    assert "Sealed" not in out
    assert not ledger.exists()
    assert not results.exists()


def sealed_results(ledger: Path, month: str) -> dict[str, Any]:
    with Ledger(ledger) as book:
        record = book.current(month)
        assert record is not None
        return record.results


def employee(document: dict[str, Any], employee_id: str) -> dict[str, Any]:
    return next(e for e in document["employees"] if e["employee_id"] == employee_id)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The default --ledger is appraisal.db in the working directory: never the repository's.
    monkeypatch.chdir(tmp_path)


# --- input errors: one row, one problem ------------------------------------------------------

# (id, roster rows or None for the usual two, event rows, file, row, column, message part)
ROW_PROBLEMS = [
    ("ragged_row", None, ["E001,2026-10-05,late"], "events", 2, None, "row has 3 fields"),
    ("value_not_a_number", None, ["E001,2026-10-05,late,abc,,,,,"], "events", 2, "value", "'abc'"),
    (
        "no_such_date",
        None,
        ["E001,2026-13-45,late,10,,,,,"],
        "events",
        2,
        "date",
        "not a date: '2026-13-45'",
    ),
    (
        "unknown_employee",
        None,
        ["E009,2026-10-05,late,10,,,,,"],
        "events",
        2,
        "employee_id",
        "unknown employee 'E009': not in the roster",
    ),
    (
        "unknown_kind",
        None,
        ["E001,2026-10-05,lte,10,,,,,"],
        "events",
        2,
        "kind",
        "did you mean 'late'?",
    ),
    (
        "unknown_reward_clause",
        None,
        ["E001,2026-10-05,reward,,9,100,,,"],
        "events",
        2,
        "clause",
        "unknown reward clause '9'",
    ),
    (
        "penalty_clause_from_attendance",
        None,
        ["E001,2026-10-05,penalty,,4,,,,"],
        "events",
        2,
        "clause",
        "penalty clause 4 comes from attendance rows",
    ),
    (
        "date_outside_month",
        None,
        ["E001,2026-11-05,late,10,,,,,"],
        "events",
        2,
        "date",
        "outside the month 2026-10",
    ),
    (
        "penalty_amount_out_of_range",
        None,
        ["E001,2026-10-05,penalty,,7,300,,,"],
        "events",
        2,
        "amount",
        "amount 300 is outside 50–200",
    ),
    (
        "reward_points_out_of_range",
        None,
        ["E001,2026-10-05,reward,,6,50,20,,"],
        "events",
        2,
        "points",
        "points 20 is outside 5–10",
    ),
    (
        "duplicate_roster_id",
        ["E001,张三,specialist,", "E002,李四,team_lead,", "E001,王五,intern,"],
        ["E002,2026-10-05,late,10,,,,,"],
        "roster",
        4,
        "employee_id",
        "duplicate employee_id 'E001' (also row 2)",
    ),
    (
        "unknown_level",
        ["E001,张三,specalist,", "E002,李四,team_lead,"],
        ["E002,2026-10-05,late,10,,,,,"],
        "roster",
        2,
        "level",
        "did you mean 'specialist'?",
    ),
    (
        "flag_not_for_kind",
        None,
        ["E001,2026-10-05,late,10,,,,holiday,"],
        "events",
        2,
        "flags",
        "'holiday' does not apply to kind late",
    ),
    (
        "promotion_skips_a_level",
        None,
        ["E001,2026-10-30,promotion,,,,,approved,assistant_manager"],
        "events",
        2,
        "note",
        "one level at a time: specialist → team_lead",
    ),
]


def _row_problem_run(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    roster_rows: Sequence[str] | None,
    event_rows: Sequence[str],
) -> tuple[int, str, str, dict[str, Path]]:
    files = {
        "roster": roster_file(tmp_path, roster_rows or ROSTER_ROWS),
        "events": events_file(tmp_path, event_rows),
        "ledger": tmp_path / "ledger.db",
        "json": tmp_path / "results.json",
    }
    code, out, err = run(
        capsys,
        "2026-10",
        files["roster"],
        files["events"],
        files["ledger"],
        "--json",
        files["json"],
    )
    return code, out, err, files


@pytest.mark.parametrize(
    ("roster_rows", "event_rows", "file", "row", "column", "message"),
    [case[1:] for case in ROW_PROBLEMS],
    ids=[case[0] for case in ROW_PROBLEMS],
)
def test_an_input_error_names_file_row_and_column(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    roster_rows: list[str] | None,
    event_rows: list[str],
    file: str,
    row: int,
    column: str | None,
    message: str,
) -> None:
    code, out, err, files = _row_problem_run(capsys, tmp_path, roster_rows, event_rows)
    assert code == 1
    prefix = f"{files[file]}:{row}:" + (f"{column}: " if column else " ")
    assert_reported(err, prefix, message)
    assert "nothing was written or sealed" in err
    assert "Sealed" not in out


@pytest.mark.parametrize(
    ("roster_rows", "event_rows"),
    [case[1:3] for case in ROW_PROBLEMS],
    ids=[case[0] for case in ROW_PROBLEMS],
)
def test_an_input_error_writes_and_seals_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    roster_rows: list[str] | None,
    event_rows: list[str],
) -> None:
    code, _, _, files = _row_problem_run(capsys, tmp_path, roster_rows, event_rows)
    assert code == 1
    assert not files["json"].exists()
    assert not files["ledger"].exists(), "a refused run created the ledger file"


# --- input errors: the whole file ------------------------------------------------------------


def _xlsx_named_csv(folder: Path) -> Path:
    path = folder / "events.csv"
    path.write_bytes(xlsx_bytes([EVENT_HEADER.split(","), ["E001", "2026-10-05", "late", 10]]))
    return path


def _csv_named_xlsx(folder: Path) -> Path:
    return write_lines(folder / "events.xlsx", [EVENT_HEADER, "E001,2026-10-05,late,10,,,,,"])


def _gbk_csv(folder: Path) -> Path:
    return write_lines(
        folder / "events.csv", [EVENT_HEADER, "E001,2026-10-09,late,12,,,,,地铁故障"], "gbk"
    )


def _missing(folder: Path) -> Path:
    return folder / "no_such_events.csv"


FILE_PROBLEMS = [
    ("xlsx_named_csv", _xlsx_named_csv, "not a CSV file (looks like an Excel workbook"),
    ("csv_named_xlsx", _csv_named_xlsx, "not an Excel workbook"),
    ("gbk_csv", _gbk_csv, "GBK"),
    ("missing_file", _missing, "file not found"),
]


@pytest.mark.parametrize(
    ("make", "message"), [c[1:] for c in FILE_PROBLEMS], ids=[c[0] for c in FILE_PROBLEMS]
)
def test_an_unreadable_file_is_named_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Any, message: str
) -> None:
    events = make(tmp_path)
    ledger, results = tmp_path / "ledger.db", tmp_path / "results.json"
    code, out, err = run(
        capsys, "2026-10", roster_file(tmp_path), events, ledger, "--json", results
    )
    assert code == 1
    assert_reported(err, f"{events}: ", message)
    assert_nothing_written(out, ledger, results)


def test_a_gbk_file_says_how_to_save_it_as_utf8(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "2026-10", roster_file(tmp_path), _gbk_csv(tmp_path), tmp_path / "l.db"
    )
    assert code == 1
    assert "CSV UTF-8" in err


def test_an_unreadable_roster_does_not_make_every_event_an_unknown_employee(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The roster could not be read, so "not in the roster" would be false for every row:
    the one real problem must not drown in one line per event."""
    roster = write_lines(tmp_path / "roster.csv", [ROSTER_HEADER, *ROSTER_ROWS], "gbk")
    events = events_file(tmp_path, good_month("2026-10"))
    code, _, err = run(capsys, "2026-10", roster, events, tmp_path / "l.db")
    assert code == 1
    assert_reported(err, f"{roster}: ", "not UTF-8")
    assert "unknown employee" not in err


# --- input errors: all at once ---------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    events = events_file(
        tmp_path,
        [
            "E001,2026-10-05,late",  # row 2: wrong shape
            "E001,2026-10-06,late,abc,,,,,",  # row 3: not a number
            "E001,2026-13-45,late,10,,,,,",  # row 4: no such day
            "E001,2026-10-07,lte,10,,,,,",  # row 5: unknown kind
            "E001,2026-11-05,late,10,,,,,",  # row 6: outside the month
            "E009,2026-10-08,late,10,,,,,",  # row 7: unknown employee
        ],
    )
    ledger, results = tmp_path / "ledger.db", tmp_path / "results.json"
    code, _, err = run(capsys, "2026-10", roster_file(tmp_path), events, ledger, "--json", results)
    assert code == 1
    assert_reported(err, f"{events}:2: ", "row has 3 fields")
    assert_reported(err, f"{events}:3:value: ", "'abc'")
    assert_reported(err, f"{events}:4:date: ", "2026-13-45")
    assert_reported(err, f"{events}:5:kind: ", "'lte'")
    assert_reported(err, f"{events}:6:date: ", "outside the month")
    assert_reported(err, f"{events}:7:employee_id: ", "'E009'")
    assert "6 problems in the input" in err
    assert not ledger.exists()
    assert not results.exists()


def test_every_problem_the_policy_reveals_is_reported_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = roster_file(tmp_path, ["E001,张三,specialist,", "E002,李四,specalist,"])
    events = events_file(
        tmp_path,
        [
            "E001,2026-10-05,reward,,9,100,,,",
            "E001,2026-10-05,penalty,,4,,,,",
            "E001,2026-10-05,penalty,,7,300,,,",
            "E001,2026-10-05,reward,,6,50,20,,",
            "E001,2026-10-05,late,10,,,,holiday,",
        ],
    )
    code, _, err = run(capsys, "2026-10", roster, events, tmp_path / "ledger.db")
    assert code == 1
    assert_reported(err, f"{roster}:3:level: ", "'specalist'")
    assert_reported(err, f"{events}:2:clause: ", "reward clause '9'")
    assert_reported(err, f"{events}:3:clause: ", "attendance rows")
    assert_reported(err, f"{events}:4:amount: ", "300")
    assert_reported(err, f"{events}:5:points: ", "20")
    assert_reported(err, f"{events}:6:flags: ", "'holiday'")
    assert "6 problems in the input" in err


def test_problems_found_by_reading_and_by_the_policy_are_reported_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """One run shows every problem of the file (STYLE.md: errors from every stage are
    collected): a bad date must not hide an unknown clause two rows below."""
    events = events_file(
        tmp_path,
        [
            "E001,2026-13-45,late,10,,,,,",  # row 2: found while reading
            "E001,2026-10-05,reward,,9,100,,,",  # row 3: found against the policy
            "E001,2026-10-05,penalty,,7,300,,,",  # row 4: found against the policy
        ],
    )
    code, _, err = run(capsys, "2026-10", roster_file(tmp_path), events, tmp_path / "l.db")
    assert code == 1
    assert_reported(err, f"{events}:2:date: ", "2026-13-45")
    assert_reported(err, f"{events}:3:clause: ", "reward clause '9'")
    assert_reported(err, f"{events}:4:amount: ", "300")


# --- input errors that need the ledger's history -------------------------------------------


def test_a_repeat_clause_6_offence_needs_an_amount(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster, ledger = roster_file(tmp_path), tmp_path / "ledger.db"
    september = events_file(
        tmp_path, good_month("2026-09", "E001,2026-09-10,penalty,,6,,,,首次投诉"), "sep.csv"
    )
    code, _, err = run(capsys, "2026-09", roster, september, ledger)
    assert code == 0, err
    first = sealed_results(ledger, "2026-09")
    assert employee(first, "E001")["pay"]["fines"] == "0.00"  # first time: a warning
    assert employee(first, "E001")["next_level"] == "specialist"  # 140 is not below 140

    october = events_file(
        tmp_path, good_month("2026-10", "E001,2026-10-12,penalty,,6,,,,再次投诉"), "oct.csv"
    )
    results = tmp_path / "oct.json"
    code, _, err = run(capsys, "2026-10", roster, october, ledger, "--json", results)
    assert code == 1
    assert_reported(err, f"{october}:13:amount: ", "repeat offence")
    assert "50–200" in err
    assert not results.exists()
    with Ledger(ledger) as book:
        assert book.sealed_months() == ["2026-09"]

    # The same row with an amount is charged: the refusal was about the missing amount.
    charged = events_file(
        tmp_path, good_month("2026-10", "E001,2026-10-12,penalty,,6,80,,,再次投诉"), "oct2.csv"
    )
    code, _, err = run(capsys, "2026-10", roster, charged, ledger)
    assert code == 0, err
    assert employee(sealed_results(ledger, "2026-10"), "E001")["pay"]["fines"] == "80.00"


# --- usage and policy errors -----------------------------------------------------------------


@pytest.mark.parametrize("month", ["2026-13", "26-10", "2026/10", "October", "2026-00"])
def test_a_bad_month_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, month: str
) -> None:
    ledger = tmp_path / "ledger.db"
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "run",
                "--month",
                month,
                "--roster",
                str(EXAMPLE_ROSTER),
                "--events",
                str(EXAMPLE_EVENTS),
                "--ledger",
                str(ledger),
            ]
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--month" in err
    assert repr(month) in err
    assert not ledger.exists()


def test_a_policy_with_errors_is_refused_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = write_lines(
        tmp_path / "broken.yaml",
        [
            f"extends: {SHIPPED_POLICY}",
            "override:",
            "  pay:",
            '    floating_formula: "floatng * score / 200"',  # line 4
            "    pay_dya_basis: 21.75",  # line 5
        ],
    )
    ledger, results = tmp_path / "ledger.db", tmp_path / "results.json"
    code, out, err = run(
        capsys,
        "2026-10",
        EXAMPLE_ROSTER,
        EXAMPLE_EVENTS,
        ledger,
        "--policy",
        policy,
        "--json",
        results,
    )
    assert code == 1
    assert_reported(err, f"{policy}:5:5: ", "did you mean 'pay_day_basis'")
    assert_nothing_written(out, ledger, results)


# --- sealing, reproducing, refusing, amending ----------------------------------------------


def test_run_seals_the_month_and_prints_a_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger, results = tmp_path / "ledger.db", tmp_path / "results.json"
    code, out, err = run(
        capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger, "--json", results
    )
    assert code == 0, err
    document = json.loads(results.read_text(encoding="utf-8"))
    people = document["employees"]
    assert f"Head count: {len(people)}" in out
    assert len(people) == 20
    assert "Scores (总分):" in out
    totals = [e["score"]["total"] for e in people]
    for label, low, high in (("140-159", 140, 160), ("100-139", 100, 140), ("0-99", 0, 100)):
        count = sum(1 for total in totals if low <= total < high)
        assert re.search(rf"^\s+{label}\s+{count}\b", out, re.MULTILINE), (label, out)
    demoted = [e for e in people if e["next_level"] and e["next_level"] != e["level"]]
    demoted = [e for e in demoted if e["demotion_reasons"]]
    assert f"Demotions (降级): {len(demoted)}" in out
    dismissed = [e["employee_id"] for e in people if e["dismissal"]]
    assert dismissed == ["KF013", "KF015"]  # five times late; clause 2 (贪污)
    assert "Dismissals (开除): 2" in out
    gross = sum((Decimal(e["pay"]["gross"]) for e in people), Decimal(0))
    assert f"Payroll (应发): gross {gross:,.2f}" in out
    assert f"Sealed 2026-10 in {ledger}" in out
    with Ledger(ledger) as book:
        versions = book.versions("2026-10")
    assert [v.version for v in versions] == [1]
    assert versions[0].results == document


def test_the_same_run_again_stores_nothing_new_and_writes_the_same_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.db"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    code, _, _ = run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger, "--json", first)
    assert code == 0
    ledger_bytes = ledger.read_bytes()
    code, out, _ = run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger, "--json", second)
    assert code == 0
    assert "nothing new stored" in out
    assert second.read_bytes() == first.read_bytes()
    assert ledger.read_bytes() == ledger_bytes
    with Ledger(ledger) as book:
        assert len(book.versions("2026-10")) == 1


def _changed_example_events(folder: Path) -> Path:
    # KF002's lateness: 12 minutes (10 yuan, -3) becomes 45 minutes (30 yuan, -5).
    text = EXAMPLE_EVENTS.read_text(encoding="utf-8")
    changed = text.replace("KF002,2026-10-09,late,12,", "KF002,2026-10-09,late,45,")
    assert changed != text
    path = folder / "events.csv"
    path.write_text(changed, encoding="utf-8")
    return path


def test_other_inputs_for_a_sealed_month_are_refused_without_amend(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger, results = tmp_path / "ledger.db", tmp_path / "second.json"
    assert run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger)[0] == 0
    ledger_bytes = ledger.read_bytes()
    changed = _changed_example_events(tmp_path)
    code, out, err = run(capsys, "2026-10", EXAMPLE_ROSTER, changed, ledger, "--json", results)
    assert code == 1
    assert "--amend" in err
    assert "already sealed" in err
    assert "Sealed" not in out
    assert ledger.read_bytes() == ledger_bytes
    assert not results.exists()


def test_amend_seals_a_second_version_and_keeps_the_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.db"
    assert run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger)[0] == 0
    with Ledger(ledger) as book:
        (original,) = book.versions("2026-10")
    changed = _changed_example_events(tmp_path)
    reason = "KF002 迟到分钟数录入错误"
    code, out, err = run(capsys, "2026-10", EXAMPLE_ROSTER, changed, ledger, "--amend", reason)
    assert code == 0, err
    assert "version 2" in out
    with Ledger(ledger) as book:
        versions = book.versions("2026-10")
        current = book.current("2026-10")
    assert len(versions) == 2
    assert versions[0] == original
    assert current is not None and current.version == 2
    assert current.amend_reason == reason
    assert employee(original.results, "KF002")["pay"]["fines"] == "10.00"
    assert employee(current.results, "KF002")["pay"]["fines"] == "30.00"


def test_amend_of_a_month_never_sealed_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.db"
    code, _, err = run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger, "--amend", "更正")
    assert code == 1
    assert "not sealed yet" in err
    if ledger.exists():
        with Ledger(ledger) as book:
            assert book.sealed_months() == []


def _two_sealed_months(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[Path, Path, Path]:
    """2026-09 with E001's first clause-6 offence (a warning), then 2026-10 sealed on it."""
    roster, ledger = roster_file(folder), folder / "ledger.db"
    september = events_file(
        folder, good_month("2026-09", "E001,2026-09-10,penalty,,6,,,,首次投诉"), "sep.csv"
    )
    october = events_file(
        folder, good_month("2026-10", "E001,2026-10-12,penalty,,6,80,,,再次投诉"), "oct.csv"
    )
    assert run(capsys, "2026-09", roster, september, ledger)[0] == 0
    assert run(capsys, "2026-10", roster, october, ledger)[0] == 0
    return roster, ledger, september


def test_amending_an_earlier_month_names_the_later_months_to_reseal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster, ledger, _ = _two_sealed_months(capsys, tmp_path)
    # The complaint was logged against the wrong person: 2026-09 without it changes the
    # offence history that 2026-10 was computed on.
    corrected = events_file(tmp_path, good_month("2026-09"), "sep_fixed.csv")
    code, out, err = run(capsys, "2026-09", roster, corrected, ledger, "--amend", "投诉记错人")
    assert code == 0, err
    assert "must be re-sealed" in out
    assert "2026-10" in out.split("must be re-sealed")[1]

    code, out, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger)
    assert code != 0
    assert "2026-09 was amended after 2026-10 was sealed" in err
    assert "identical" not in out
    assert cli(capsys, "replay", "--month", "2026-09", "--ledger", ledger)[0] == 0


def test_amending_without_changing_the_carried_state_names_no_later_month(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster, ledger, september = _two_sealed_months(capsys, tmp_path)
    renoted = september.read_text(encoding="utf-8").replace("首次投诉", "首次投诉 (补充说明)")
    corrected = tmp_path / "sep_renoted.csv"
    corrected.write_text(renoted, encoding="utf-8")
    code, out, err = run(capsys, "2026-09", roster, corrected, ledger, "--amend", "补充备注")
    assert code == 0, err
    assert "version 2" in out
    assert "re-sealed" not in out
    assert cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger)[0] == 0


# --- replay --------------------------------------------------------------------------------


def test_replay_of_a_sealed_month_is_identical(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.db"
    assert run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger)[0] == 0
    code, out, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger)
    assert code == 0, err
    assert "identical to the sealed results" in out
    assert hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest() in out


def test_replay_finds_a_result_changed_behind_the_ledgers_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.db"
    assert run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger)[0] == 0
    with sqlite3.connect(ledger) as db:
        (text,) = db.execute("SELECT results FROM sealed_month WHERE month = '2026-10'").fetchone()
        results = json.loads(text)
        assert employee(results, "KF002")["pay"]["gross"] != "9999.00"
        employee(results, "KF002")["pay"]["gross"] = "9999.00"
        db.execute(
            "UPDATE sealed_month SET results = ? WHERE month = '2026-10'",
            (json.dumps(results, ensure_ascii=False, sort_keys=True, separators=(",", ":")),),
        )
    code, out, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger)
    assert code == 1
    assert "results.employees[KF002].pay.gross: sealed '9999.00'" in err
    assert "record_hash does not match" in err
    assert "identical" not in out


def test_replay_of_a_month_not_sealed_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.db"
    assert run(capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger)[0] == 0
    code, _, err = cli(capsys, "replay", "--month", "2026-11", "--ledger", ledger)
    assert code == 1
    assert "2026-11 is not sealed" in err
    assert "2026-10" in err


def test_replay_without_a_ledger_file_fails_and_creates_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "missing.db"
    code, _, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger)
    assert code == 1
    assert "no ledger file" in err
    assert not ledger.exists()


def _policy_pair(folder: Path, extends: str) -> Path:
    """A copy of the shipped policy in child/base/, and a policy in child/ that extends it."""
    (folder / "child" / "base").mkdir(parents=True)
    (folder / "child" / "base" / "shipped.yaml").write_bytes(SHIPPED_POLICY.read_bytes())
    return write_lines(
        folder / "child" / "local.yaml",
        [f"extends: {extends}", "id: cs-local", 'version: "local-1"'],
    )


def _raise_base_lateness_fine(folder: Path) -> None:
    """Edit the base policy on disk after sealing: 10 → 15 yuan for lateness ≤ 30 min."""
    base = folder / "child" / "base" / "shipped.yaml"
    text = base.read_text(encoding="utf-8")
    edited = text.replace("max_minutes: 30, fine: 10", "max_minutes: 30, fine: 15")
    assert edited != text
    base.write_text(edited, encoding="utf-8")


@pytest.mark.parametrize("absolute", [True, False])
def test_replay_of_a_month_sealed_with_a_policy_extending_a_path(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    absolute: bool,
) -> None:
    """Replay recomputes from the policy texts the ledger stored, whatever path the
    policy used to name its base, and never from today's files; it writes no file."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # keep replay's files in tmp_path
    base = tmp_path / "child" / "base" / "shipped.yaml"
    policy = _policy_pair(tmp_path, str(base) if absolute else "base/shipped.yaml")
    ledger = tmp_path / "ledger.db"
    code, _, err = run(
        capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger, "--policy", policy
    )
    assert code == 0, err
    _raise_base_lateness_fine(tmp_path)
    code, out, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger)
    assert code == 0, err
    assert "cs-local local-1" in out
    assert sorted(scratch.rglob("*")) == []


def test_a_policy_may_not_extend_a_file_above_its_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """'../base/shipped.yaml' leaves the extending policy's folder: refused, nothing sealed."""
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "shipped.yaml").write_bytes(SHIPPED_POLICY.read_bytes())
    (tmp_path / "child").mkdir()
    policy = write_lines(
        tmp_path / "child" / "local.yaml",
        ["extends: ../base/shipped.yaml", "id: cs-local", 'version: "local-1"'],
    )
    ledger = tmp_path / "ledger.db"
    code, _, err = run(
        capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, ledger, "--policy", policy
    )
    assert code == 1
    assert "extends ../base/shipped.yaml: a policy extends only a file in its own folder" in err
    assert not ledger.exists()


# --- the results JSON ---------------------------------------------------------------------


def test_results_json_has_the_shape_of_the_contract(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    results = tmp_path / "results.json"
    code, _, err = run(
        capsys, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS, tmp_path / "l.db", "--json", results
    )
    assert code == 0, err
    document = json.loads(results.read_text(encoding="utf-8"))
    assert document["month"] == "2026-10"
    assert document["policy"] == {
        "id": "cs-appraisal",
        "version": "2010-07-28.4",
        "sha256": hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest(),
    }
    roster_ids = [line.split(",")[0] for line in EXAMPLE_ROSTER.read_text("utf-8").splitlines()[1:]]
    assert [e["employee_id"] for e in document["employees"]] == roster_ids
    for person in document["employees"]:
        who = person["employee_id"]
        score = person["score"]
        assert set(score) >= {"add", "deduct_left", "total"}, who
        assert all(type(score[k]) is int for k in ("add", "deduct_left", "total")), (who, score)
        assert score["total"] == score["add"] + score["deduct_left"], who
        pay = person["pay"]
        assert set(pay) >= set(PAY_FIELDS), who
        for field in PAY_FIELDS:
            assert isinstance(pay[field], str) and MONEY.fullmatch(pay[field]), (who, field, pay)
        money = {field: Decimal(pay[field]) for field in PAY_FIELDS}
        extras = money["overtime"] + money["rewards"] + money["awards"] + money["allowances"]
        if person["dismissal"] is True:
            assert person["next_level"] is None, who
            assert money["gross"] == money["settlement"] + extras, who
        else:
            assert person["dismissal"] is False, who
            assert person["next_level"], who
            expected = (
                money["base"]
                + money["floating"]
                - money["fines"]
                - money["leave_deduction"]
                - money["absence_deduction"]
                + extras
            )
            assert money["gross"] == expected, who
        assert isinstance(person["demotion_reasons"], list), who
        assert isinstance(person["compliance"], list), who
        assert person["trace"], who
        for step in person["trace"]:
            assert {"rule", "event", "effect"} <= set(step), (who, step)

    # Hand-worked: KF015 (客服专员, base 1000) dismissed under clause 2 after 12 working
    # days: settlement = half the base = 500; + transport allowance 50.
    kf015 = employee(document, "KF015")["pay"]
    assert (kf015["settlement"], kf015["allowances"], kf015["gross"]) == (
        "500.00",
        "50.00",
        "550.00",
    )
    # KF013, dismissed for lateness, has no termination row: the whole month, full base.
    assert employee(document, "KF013")["pay"]["settlement"] == "1000.00"
    # Every yuan goes back to a row: KF001's clause-7 fine is row 2 of events.csv.
    fine = [t for t in employee(document, "KF001")["trace"] if t["rule"] == "penalty.7"]
    assert [t["event"] for t in fine] == ["events.csv:2"]


# --- check-policy ----------------------------------------------------------------------------


def test_check_policy_on_the_shipped_policy_prints_its_sha256(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = cli(capsys, "check-policy", SHIPPED_POLICY)
    assert code == 0, err
    assert f"sha256 {hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest()}" in out
    assert "cs-appraisal" in out


@pytest.mark.parametrize(("month", "fine"), [("2027-01", 20), ("2026-12", 10)])
def test_check_policy_shows_the_lateness_fine_in_force(
    capsys: pytest.CaptureFixture[str], month: str, fine: int
) -> None:
    code, out, err = cli(capsys, "check-policy", "--month", month, POLICY_2027)
    assert code == 0, err
    assert f"in force for {month}:" in out
    (line,) = [line for line in out.splitlines() if "lateness within_30" in line]
    assert f"fine {fine}," in line


def test_check_policy_on_a_broken_policy_exits_1_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = write_lines(
        tmp_path / "typo.yaml",
        [f"extends: {SHIPPED_POLICY}", "override:", "  pay:", '    floating_formula: "floatng"'],
    )
    code, _, err = cli(capsys, "check-policy", policy)
    assert code == 1
    assert_reported(err, f"{policy}:4:23: ", "did you mean 'floating'")


# --- the installed console script -------------------------------------------------------------


def test_the_console_script_runs_and_replays_a_month(tmp_path: Path) -> None:
    ledger, results = tmp_path / "ledger.db", tmp_path / "results.json"
    sealed = subprocess.run(
        [
            str(CONSOLE_SCRIPT),
            "run",
            "--month",
            "2026-10",
            "--roster",
            str(EXAMPLE_ROSTER),
            "--events",
            str(EXAMPLE_EVENTS),
            "--ledger",
            str(ledger),
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert sealed.returncode == 0, sealed.stderr
    assert "Head count: 20" in sealed.stdout
    assert json.loads(results.read_text(encoding="utf-8"))["month"] == "2026-10"
    replayed = subprocess.run(
        [str(CONSOLE_SCRIPT), "replay", "--month", "2026-10", "--ledger", str(ledger)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert replayed.returncode == 0, replayed.stderr
    assert "identical" in replayed.stdout


def test_the_console_script_reports_input_errors_on_stderr(tmp_path: Path) -> None:
    events = events_file(tmp_path, ["E001,2026-10-05,late,abc,,,,,"])
    done = subprocess.run(
        [
            str(CONSOLE_SCRIPT),
            "run",
            "--month",
            "2026-10",
            "--roster",
            str(roster_file(tmp_path)),
            "--events",
            str(events),
            "--ledger",
            str(tmp_path / "ledger.db"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1
    assert f"{events}:2:value: not a number: 'abc'" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "ledger.db").exists()
