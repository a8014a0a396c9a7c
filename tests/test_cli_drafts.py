"""`appraisal draft …` and `appraisal seal` on the command line (issue 10, item 3): a month
assembled from several submissions, reviewed, sealed; and every refusal, without a traceback."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.drafts import seal_draft
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "roster.csv"
EVENTS = ROOT / "examples" / "events.csv"
FIXTURES = ROOT / "tests" / "fixtures" / "attendance"
DINGTALK = FIXTURES / "dingtalk_daily_2026-10.xlsx"
DINGTALK_ROSTER = FIXTURES / "roster_2026-10.csv"


def cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    try:
        code = main(list(arguments))
    except SystemExit as usage:  # argparse's refusal of an argument
        code = int(usage.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def draft(
    capsys: pytest.CaptureFixture[str], ledger: Path, step: str, *rest: str
) -> tuple[int, str, str]:
    return cli(capsys, "draft", step, "--month", "2026-10", "--ledger", str(ledger), *rest)


def record_hash(out: str) -> str:
    found = re.search(r"Record hash ([0-9a-f]{64})", out)
    assert found is not None, out
    return found.group(1)


def test_a_sealed_draft_is_the_record_run_makes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drafted, ran = tmp_path / "drafted.db", tmp_path / "ran.db"
    code, out, _ = draft(capsys, drafted, "add", "--roster", str(ROSTER), "--by", "hr")
    assert code == 0 and "Added roster roster.csv" in out and "from hr" in out
    code, out, _ = draft(capsys, drafted, "add", "--events", str(EVENTS), "--by", "张经理")
    assert code == 0 and "Added events events.csv" in out
    code, sealed, _ = cli(capsys, "seal", "--month", "2026-10", "--ledger", str(drafted))
    assert code == 0 and "Sealed 2026-10" in sealed and "draft is cleared" in sealed
    arguments = ["--roster", str(ROSTER), "--events", str(EVENTS), "--ledger", str(ran)]
    code, run_out, _ = cli(capsys, "run", "--month", "2026-10", *arguments)
    assert code == 0
    assert record_hash(sealed) == record_hash(run_out)
    # the draft is gone: showing or sealing it again is refused
    code, _, err = draft(capsys, drafted, "show")
    assert code == 1 and "no draft for 2026-10" in err
    code, _, err = cli(capsys, "seal", "--month", "2026-10", "--ledger", str(drafted))
    assert code == 1 and "no draft for 2026-10" in err
    with sqlite3.connect(drafted) as db:
        assert db.execute("SELECT count(*) FROM draft_file").fetchone() == (0,)


def test_the_same_bytes_twice_and_a_second_roster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "l.db"
    assert draft(capsys, ledger, "add", "--roster", str(ROSTER))[0] == 0
    code, out, _ = draft(capsys, ledger, "add", "--roster", str(ROSTER))
    assert code == 0 and "already in the 2026-10 draft" in out and "nothing new stored" in out
    other = tmp_path / "roster.csv"
    other.write_bytes(ROSTER.read_bytes().replace(b"\xe7\x8e\x8b\xe5\xbb\xba\xe5\x9b\xbd", b"X"))
    code, out, _ = draft(capsys, ledger, "add", "--roster", str(other))
    assert code == 0 and "It replaces the roster roster.csv" in out
    with sqlite3.connect(ledger) as db:
        rows = db.execute("SELECT role, content FROM draft_file").fetchall()
    assert rows == [("roster", other.read_bytes())]


def test_a_bad_file_is_refused_with_its_rows_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "l.db"
    assert draft(capsys, ledger, "add", "--roster", str(ROSTER))[0] == 0
    bad = tmp_path / "events.csv"
    bad.write_text(
        "employee_id,date,kind,value,clause,amount,points,flags,note\n"
        "KF001,2026-10-40,late,5,,,,,\n"
        "KF999,2026-10-05,late,5,,,,,\n",
        encoding="utf-8",
    )
    code, _, err = draft(capsys, ledger, "add", "--events", str(bad))
    assert code == 1
    assert f"{bad}:2:date" in err and f"{bad}:3" in err and "KF999" in err
    assert "problems in the input; nothing was stored." in err
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT count(*) FROM draft_file WHERE role = 'events'").fetchone() == (
            0,
        )


def test_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "l.db"
    code, _, err = draft(capsys, ledger, "show")
    assert code == 1 and "no ledger at" in err
    assert not ledger.exists()  # show never creates a ledger
    code, _, err = cli(capsys, "seal", "--month", "2026-10", "--ledger", str(ledger))
    assert code == 1 and "no ledger at" in err
    code, _, err = draft(capsys, ledger, "add")
    assert code == 2 and "at least one of --roster" in err
    code, _, err = draft(capsys, ledger, "add", "--events", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv: file not found" in err
    assert draft(capsys, ledger, "add", "--events", str(EVENTS))[0] == 0
    code, out, _ = draft(capsys, ledger, "show")
    assert code == 0 and "No roster yet" in out
    code, _, err = cli(capsys, "seal", "--month", "2026-10", "--ledger", str(ledger))
    assert code == 1 and "no roster; nothing to seal" in err
    code, _, err = cli(capsys, "draft", "show", "--month", "2026-11", "--ledger", str(ledger))
    assert code == 1 and "no draft for 2026-11" in err
    code, _, err = draft(
        capsys, ledger, "resolve", "R-KF001-1001-0000", "--as", "sometimes", "--reason", "x"
    )
    assert code == 2 and "'sometimes' is not one of normal, absent" in err
    code, _, err = draft(
        capsys, ledger, "resolve", "R-KF001-1001-0000", "--as", "late:-5", "--reason", "x"
    )
    assert code == 2 and "late:MIN takes whole minutes above 0" in err
    code, _, err = draft(
        capsys, ledger, "resolve", "R-KF001-1001-0000", "--as", "absent", "--reason", "x"
    )
    assert code == 1 and "no roster yet" in err
    assert draft(capsys, ledger, "add", "--roster", str(ROSTER))[0] == 0
    code, _, err = draft(
        capsys, ledger, "resolve", "R-KF001-1001-0000", "--as", "absent", "--reason", "x"
    )
    assert code == 1 and "no review item R-KF001-1001-0000 in the 2026-10 draft" in err
    assert "its items: none" in err
    code, _, err = draft(capsys, ledger, "remove", "event.csv")
    assert code == 1 and "no file or decision event.csv" in err and "did you mean" in err
    code, out, _ = draft(capsys, ledger, "remove", "events.csv")
    assert code == 0 and "Removed events" in out


def fill_template(template: Path, employees: list[str]) -> None:
    """Every criterion of every employee met (1) and an exam of 90, as managers fill it."""
    book = openpyxl.load_workbook(template)
    sheet = book["考评"]
    for row in range(2, sheet.max_row + 1):
        who, kind = sheet.cell(row, 1).value, sheet.cell(row, 4).value
        if who in employees and kind == "考核标准 criterion":
            sheet[f"G{row}"] = 1
        elif who in employees and kind == "考试 exam":
            sheet[f"G{row}"] = 90
    book.save(template)


def test_the_month_as_people_live_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10, "Done when" step 2, in one ledger: the DingTalk export and a filled template
    added, shown, KF005's 缺卡 day resolved, then sealed."""
    ledger, template = tmp_path / "l.db", tmp_path / "input.xlsx"
    arguments = ["--month", "2026-10", "--roster", str(DINGTALK_ROSTER), "--out", str(template)]
    assert cli(capsys, "template", *arguments)[0] == 0
    fill_template(template, [f"KF00{n}" for n in range(1, 7)])
    code, out, err = draft(
        capsys,
        ledger,
        "add",
        "--roster",
        str(DINGTALK_ROSTER),
        "--events",
        str(DINGTALK),
        "--by",
        "考勤员",
    )
    assert code == 0, err
    code, out, err = draft(capsys, ledger, "add", "--events", str(template), "--by", "客服经理")
    assert code == 0, err
    code, shown, err = draft(capsys, ledger, "show")
    assert code == 0, err
    assert (
        "dingtalk_daily_2026-10.xlsx" in shown and "input.xlsx" in shown and "by 客服经理" in shown
    )
    assert "Everyone on the roster is appraised." in shown
    assert "appraisal-draft-" not in shown  # files named as sent, not where they were read
    assert "dingtalk_daily_2026-10.xlsx:每日统计!" in shown
    found = re.search(r"(R-KF005-1016-[0-9a-f]{4})\s.*上班缺卡", shown)
    assert found is not None, shown
    item = found.group(1)
    assert draft(capsys, ledger, "show")[1].count(item) == shown.count(item)  # stable
    code, out, err = draft(
        capsys,
        ledger,
        "resolve",
        item,
        "--as",
        "personal_leave",
        "--by",
        "主管",
        "--reason",
        "事假条补交",
    )
    assert code == 0 and f"Resolved {item}" in out, err
    code, shown, _ = draft(capsys, ledger, "show")
    assert "resolved as personal_leave by 主管" in shown and "事假条补交" in shown
    results = tmp_path / "r.json"
    code, out, err = cli(
        capsys,
        "seal",
        "--month",
        "2026-10",
        "--ledger",
        str(ledger),
        "--by",
        "HR",
        "--json",
        str(results),
    )
    assert code == 0, err
    assert "Sealed 2026-10" in out and item not in out.split("draft is cleared")[1]
    with sqlite3.connect(ledger) as db:
        (inputs,) = db.execute("SELECT inputs FROM sealed_month").fetchone()
    decided = [
        e for e in json.loads(inputs)["events"] if e["source"][0] == f"draft decision {item}"
    ]
    assert len(decided) == 1
    event = decided[0]
    assert (event["employee_id"], event["date"], event["kind"]) == (
        "KF005",
        "2026-10-16",
        "personal_leave",
    )
    assert event["value"] == "1" and "主管" in event["note"] and "事假条补交" in event["note"]
    assert len(json.loads(results.read_text(encoding="utf-8"))["employees"]) == 6
    # sealed already: a draft of the month is sealed again only with --amend
    assert draft(capsys, ledger, "add", "--roster", str(DINGTALK_ROSTER))[0] == 0
    code, _, err = cli(capsys, "seal", "--month", "2026-10", "--ledger", str(ledger))
    assert code == 1 and "--amend" in err


def test_the_seal_and_the_clearing_of_the_draft_are_one_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the draft cannot be cleared, the month is not sealed either: both or neither."""
    ledger = tmp_path / "l.db"
    assert draft(capsys, ledger, "add", "--roster", str(ROSTER), "--events", str(EVENTS))[0] == 0

    def fails(*_: object) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("appraisal.drafts.clear_draft", fails)
    with pytest.raises(RuntimeError, match="the disk went away"):
        seal_draft(ledger, Month.parse("2026-10"), load_policy(None))
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT count(*) FROM sealed_month").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM draft_file").fetchone() == (2,)
