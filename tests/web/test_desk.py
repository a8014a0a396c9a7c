"""The desk (issue 13), below HTTP: a real ledger with a draft of the DingTalk fixture and
a filled input workbook, worked as a department manager, HR and an auditor would.

Figures are the ones verified by hand in docs/verification/issue-10-walkthrough.md: six
employees; KF005's leave line −57.47 before the decision on its 缺卡 day and −103.45
after ``personal_leave``; gross 11901.72 after that decision (11947.70 before); and the
2027 amendment as of 2027-01 raising KF001's fines 40.00 → 70.00 (gross 1910.00 →
1880.00, clawback 30.00) and KF002's 10.00 → 20.00 (1852.64 → 1842.64)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from appraisal.audit import export_month
from appraisal.cli import main
from appraisal.domain.errors import InputError
from appraisal.domain.model import Month
from appraisal.i18n import speaking
from appraisal.web.desk import Desk
from appraisal.web.errors import Forbidden, Invalid, Refused
from appraisal.web.users import User

from .conftest import fill

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "attendance"
DINGTALK = FIXTURES / "dingtalk_daily_2026-10.xlsx"
OCTOBER = Month.parse("2026-10")
ONE = ("KF001", "KF002", "KF003")  # 客服一组
TWO = ("KF004", "KF005", "KF006")  # 客服二组

HR = User("人事", "hr")
AUDITOR = User("审计", "auditor")
FIRST = User("张经理", "manager", ("客服一组",))
SECOND = User("王经理", "manager", ("客服二组",))


def roster_bytes() -> bytes:
    """The fixture roster with a department column: KF001–KF003 一组, KF004–KF006 二组."""
    text = (FIXTURES / "roster_2026-10.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], "department"])
    for row in rows[1:]:
        writer.writerow([*row, "客服一组" if row[0] in ONE else "客服二组"])
    return out.getvalue().encode("utf-8")


def filled_workbook(folder: Path) -> bytes:
    """`appraisal template` filled as /work/why/walk10.py's fill(): every criterion met, exam 90."""
    roster, template = folder / "roster.csv", folder / "input.xlsx"
    roster.write_bytes(roster_bytes())
    code = main(["template", "--month", "2026-10", "--roster", str(roster), "--out", str(template)])
    assert code == 0
    fill(template)
    return template.read_bytes()


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, Path, bytes]]:
    folder = tmp_path_factory.mktemp("desk")
    with speaking("en"):
        yield Desk(folder / "l.db"), folder, filled_workbook(folder)


def item_of(desk: Desk, user: User) -> str:
    page = desk.draft(OCTOBER, user)
    (item,) = [r for r in page.review if r.employee_id == "KF005" and r.date == "2026-10-16"]
    return item.id


def test_the_month_worked_by_each_role(month: tuple[Desk, Path, bytes]) -> None:
    desk, folder, workbook = month
    ledger = folder / "l.db"
    assert desk.months(HR) == [] and not ledger.exists()  # no ledger made by looking

    # The roster comes first, from HR: a manager may neither send it nor anything before it.
    with pytest.raises(Forbidden):
        desk.add_file(OCTOBER, "roster", "roster.csv", roster_bytes(), FIRST)
    with pytest.raises(Refused):
        desk.add_file(OCTOBER, "events", "input.xlsx", workbook, FIRST)
    added = desk.add_file(OCTOBER, "roster", "roster.csv", roster_bytes(), HR)
    assert [(a.role, a.name, a.status, a.by) for a in added] == [
        ("roster", "roster.csv", "added", "人事")
    ]
    assert added[0].recognised is not None and added[0].recognised.matched == ONE + TWO

    # A manager's file naming the other department's employees: refused, every row named.
    with pytest.raises(Forbidden) as refused:
        desk.add_file(OCTOBER, "events", "input.xlsx", workbook, FIRST)
    named = " ".join(refused.value.messages)
    assert all(e in named for e in TWO) and not any(f"employee {e} " in named for e in ONE)
    assert all(re.match(r"input\.xlsx:\d+: employee KF00[456] ", m) for m in refused.value.messages)
    assert desk.draft(OCTOBER, HR).files[0].name == "roster.csv"  # nothing stored
    assert len(desk.draft(OCTOBER, HR).files) == 1

    added = desk.add_file(OCTOBER, "events", DINGTALK.name, DINGTALK.read_bytes(), HR)
    seen = added[0].recognised
    # expected_events_2026-10.csv: 9 events, of KF001–KF005 (KF006 has nothing to record)
    assert seen is not None and seen.profile == "dingtalk_daily" and seen.rows == 9
    assert seen.matched == (*ONE, "KF004", "KF005") and seen.unmatched == ()
    assert desk.add_file(OCTOBER, "events", "input.xlsx", workbook, HR)[0].status == "added"
    assert desk.add_file(OCTOBER, "events", "again.xlsx", workbook, HR)[0].status == "same"

    # The draft: HR sees all six, the review item on KF005's 16 October, and the preview.
    page = desk.draft(OCTOBER, HR)
    assert [f.role for f in page.files] == ["roster", "events", "events"]
    assert page.has_roster and page.unappraised == () and page.problems == ()
    item = item_of(desk, HR)
    row = next(r for r in page.review if r.id == item)
    assert (row.name, row.department, row.decision) == ("陈静", "客服二组", None)
    assert "上班缺卡" in row.what and row.where.startswith("dingtalk_daily_2026-10.xlsx:每日统计!")
    assert page.preview is not None and page.preview.head_count == 6
    assert page.preview.gross == Decimal("11947.70")  # before the decision (walkthrough)

    # The first manager sees none of 二组's items, may not decide them, gets no preview.
    mine = desk.draft(OCTOBER, FIRST)
    assert mine.preview is None and all(r.employee_id in ONE for r in mine.review)
    assert item not in {r.id for r in mine.review}
    # HR sent every file: a manager is told their names, not whom they name.
    assert [f.name for f in mine.files] == [f.name for f in page.files]
    assert mine.recognised == () and len(page.recognised) == 2
    with pytest.raises(Forbidden):
        desk.resolve(OCTOBER, item, "personal_leave", "事假条补交", FIRST)
    with pytest.raises(Invalid):
        desk.resolve(OCTOBER, item, "holiday", "事假条补交", SECOND)
    done = desk.resolve(OCTOBER, item, "personal_leave", "事假条补交", SECOND)
    assert (done.decision.resolution, done.decision.by) == ("personal_leave", "王经理")
    assert done.line.startswith(f"Resolved {item} ")
    page = desk.draft(OCTOBER, HR)
    assert page.preview is not None and page.preview.gross == Decimal("11901.72")
    decided = next(r for r in page.review if r.id == item).decision
    assert decided is not None and decided.reason == "事假条补交"
    draft_statement = desk.statement(OCTOBER, "KF005", HR)
    # One day of 事假: base 1000.00 / 21.75 days = 45.977 → 45.98, the month's leave total
    # going −57.47 → −103.45 (walkthrough), and the gross 11947.70 − 45.98 = 11901.72.
    assert draft_statement.version is None and draft_statement.department == "客服二组"
    assert any(re.fullmatch(r"\s*leave_deduction\s+45\.98", line) for line in draft_statement.lines)
    leave = [r for r in draft_statement.rules if r.source == f"draft decision {item}:1"]
    assert [(r.to_json()["pay_field"], r.to_json()["amount"]) for r in leave] == [
        ("leave_deduction", "45.98")
    ]

    # The seal: HR only.
    for user in (SECOND, AUDITOR):
        with pytest.raises(Forbidden):
            desk.seal(OCTOBER, user)
    sealed = desk.seal(OCTOBER, HR)
    assert (sealed.version, sealed.standing, sealed.sealed_by, sealed.stale) == (
        1,
        "current",
        "人事",
        False,
    )
    assert sealed.figures.head_count == 6 and sealed.figures.gross == Decimal("11901.72")
    assert sealed.figures.summary and sealed.lines
    people = {e.employee_id: e for e in sealed.figures.employees}
    assert people["KF001"].gross == Decimal("1910.00") and people["KF002"].gross == Decimal(
        "1852.64"
    )
    # Scores (walkthrough): KF001 137, KF002 132, KF004 135 below the line of 140 (§ 4),
    # so demoted 客服专员 → 实习客服; KF003, KF005, KF006 at 145.
    assert [(b.label, b.count) for b in sealed.figures.charts.bands] == [
        ("<140", 3),
        ("140-159", 3),
        ("160-179", 0),
        ("180-200", 0),
    ]
    kf001 = people["KF001"]
    assert (kf001.score, kf001.demoted) == (Decimal(137), True)
    assert (kf001.level_title, kf001.next_level_title) == ("客服专员", "实习客服")
    assert people["KF003"].next_level_title in (None, "客服专员") and not people["KF003"].demoted
    assert {d.department: d.head_count for d in sealed.figures.charts.departments} == {
        "客服一组": 3,
        "客服二组": 3,
    }

    # The months, and what a manager sees of the sealed month: their three employees.
    (row_hr,) = desk.months(HR)
    assert (row_hr.status, row_hr.version, row_hr.head_count, row_hr.gross) == (
        "sealed",
        1,
        6,
        Decimal("11901.72"),
    )
    (row_first,) = desk.months(FIRST)
    assert row_first.head_count == 3
    assert row_first.gross == sum((people[e].gross for e in ONE), Decimal(0))
    theirs = desk.sealed(OCTOBER, FIRST)
    assert tuple(e.employee_id for e in theirs.figures.employees) == ONE
    assert theirs.figures.summary == ()  # the summary lines are of the whole month
    with pytest.raises(Forbidden):
        desk.statement(OCTOBER, "KF005", FIRST)
    statement = desk.statement(OCTOBER, "KF005", SECOND)
    assert (
        statement.version == 1
        and statement.lines == draft_statement.lines[:1] + statement.lines[1:]
    )
    assert any(re.fullmatch(r"\s*leave_deduction\s+45\.98", line) for line in statement.lines)
    assert any(r.source == f"draft decision {item}:1" for r in statement.rules)
    assert desk.sealed(OCTOBER, HR).to_json()["figures"]["gross"] == "11901.72"  # type: ignore[index]

    # Downloads: HR and auditors; the workbook is export's, byte for byte.
    with pytest.raises(Forbidden):
        desk.workbook(OCTOBER, FIRST)
    book = desk.workbook(OCTOBER, HR)
    export_month(OCTOBER, ledger, workbook_path=folder / "exported.xlsx")
    assert book.data == (folder / "exported.xlsx").read_bytes()
    assert book.filename == "salary_2026-10_v1.xlsx"
    results = desk.results(OCTOBER, AUDITOR).data
    export_month(OCTOBER, ledger, json_path=folder / "exported.json")
    assert results == (folder / "exported.json").read_bytes()
    grosses = [Decimal(e["pay"]["gross"]) for e in json.loads(results)["employees"]]
    assert len(grosses) == 6 and sum(grosses) == Decimal("11901.72")
    slips = zipfile.ZipFile(io.BytesIO(desk.payslips(OCTOBER, HR).data))
    assert len(slips.namelist()) == 6 and all(n.endswith(".pdf") for n in slips.namelist())

    # Replay: auditors only, identical.
    with pytest.raises(Forbidden):
        desk.replay(OCTOBER, HR)
    replayed = desk.replay(OCTOBER, AUDITOR)
    assert replayed.identical and replayed.differences == () and replayed.version == 1

    # What-if of the 2027 amendment as of 2027-01: KF001 and KF002 fined more.
    policy = ROOT / "policies" / "customer_service_2027.yaml"
    with pytest.raises(Forbidden):
        desk.what_if(policy.name, policy.read_bytes(), OCTOBER, OCTOBER, HR)
    trial = desk.what_if(
        policy.name, policy.read_bytes(), OCTOBER, OCTOBER, AUDITOR, as_of=Month.parse("2027-01")
    )
    changed = {c.employee_id: c for c in trial.changes}
    assert set(changed) == {"KF001", "KF002"}
    assert (changed["KF001"].before, changed["KF001"].after, changed["KF001"].difference) == (
        Decimal("1910.00"),
        Decimal("1880.00"),
        Decimal("-30.00"),
    )
    assert "fines: 40.00 → 70.00" in changed["KF001"].details
    assert (trial.back_pay, trial.clawback, trial.net) == (
        Decimal("0.00"),
        Decimal("40.00"),
        Decimal("-40.00"),
    )
    assert desk.what_if(policy.name, policy.read_bytes(), OCTOBER, OCTOBER, AUDITOR).changes == ()


def test_a_bad_upload_names_file_row_and_column(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "l.db")
    with speaking("en"):
        desk.add_file(OCTOBER, "roster", "roster.csv", roster_bytes(), HR)
        bad = (
            b"employee_id,date,kind,value,clause,amount,points,flags,note\n"
            b"KF001,2026-10-32,late,10,,,,,\n"
            b"KF009,2026-10-05,late,10,,,,,\n"
        )
        with pytest.raises(InputError) as refused:
            desk.add_file(OCTOBER, "events", "../folder/bad\x07.csv", bad, HR)
    said = [str(issue) for issue in refused.value.issues]
    assert len(said) >= 2
    assert any(line.startswith("bad.csv:2:date:") for line in said), said
    assert any(line.startswith("bad.csv:3:") and "KF009" in line for line in said), said
    assert all("appraisal-web-" not in line for line in said)
    assert len(desk.draft(OCTOBER, HR).files) == 1  # nothing stored


def test_a_managers_file_with_an_id_not_on_the_roster_gets_the_clis_problems(
    tmp_path: Path,
) -> None:
    """Not "not of your departments" for an id nobody has: the file's problems as
    `draft add` words them, every one, the closest roster id suggested."""
    desk = Desk(tmp_path / "l.db")
    desk.add_file(OCTOBER, "roster", "roster.csv", roster_bytes(), HR)
    events = (
        "employee_id,date,kind,value,clause,amount,points,flags,note\n"
        "KF009,2026-10-05,late,12,,,,,\n"
        "KF001,2026-10-45,late,12,,,,,\n"
    )
    with pytest.raises(InputError) as refused:
        desk.add_file(OCTOBER, "events", "team1.csv", events.encode(), FIRST)
    said = [str(issue) for issue in refused.value.issues]
    assert any(s.startswith("team1.csv:2:") and "KF009" in s for s in said), said
    assert any(s.startswith("team1.csv:3:date:") for s in said), said
    assert len(desk.draft(OCTOBER, HR).files) == 1  # nothing stored
