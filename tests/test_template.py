"""The managers' input workbook: written from a roster and the policy, filled in, read back.

The round trip writes the template for the example roster, fills it the way a manager
would (openpyxl standing in for Excel: dates as date cells, kinds from the drop-down or
typed in Chinese), runs `appraisal run --events input.xlsx` and compares the results
with figures worked by hand from scheme.md and policies/customer_service.yaml. The
other tests read the written file back: its drop-downs and their ranges, the
instructions, names that look like formulas, and byte-identical output.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.cli import main
from appraisal.domain.model import Employee, Month, Source
from appraisal.policy.loaded import PolicyInForce, load_policy
from appraisal.read import parse_roster, read_roster_table, read_table
from appraisal.read.form.template import (
    APPRAISAL_KINDS,
    ATTENDANCE_KINDS,
    FREE_ROWS_MIN,
    template_workbook,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
OCTOBER = Month(2026, 10)


@pytest.fixture(scope="module")
def in_force() -> PolicyInForce:
    return load_policy().in_force(OCTOBER)


@pytest.fixture(scope="module")
def roster() -> list[Employee]:
    table, issues = read_table(EXAMPLE_ROSTER)
    assert table is not None and issues == []
    employees, issues = parse_roster(table)
    assert issues == []
    return employees


@pytest.fixture(scope="module")
def template(roster: list[Employee], in_force: PolicyInForce) -> bytes:
    return template_workbook(OCTOBER, roster, in_force)


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet(book: openpyxl.Workbook, title: str) -> Worksheet:
    found = book[title]
    assert isinstance(found, Worksheet)
    return found


# --- filling it in, as a manager would ---------------------------------------------------


class Filler:
    """Writes into a loaded template: free rows of 考勤 and 考评, prefilled rows' values."""

    def __init__(self, book: openpyxl.Workbook) -> None:
        self.attendance = sheet(book, "考勤")
        self.appraisal = sheet(book, "考评")
        self.next_attendance = 2
        self.next_free = next(
            row
            for row in range(2, self.appraisal.max_row + 1)
            if self.appraisal.cell(row, 1).value is None
        )
        self.rows: dict[str, int] = {}  # label → the row it went to

    def attend(self, label: str, *cells: object) -> None:
        """employee_id, date, kind, value, flags (column B, the name, is derived)."""
        row = self.next_attendance
        self.next_attendance += 1
        employee_id, day, kind, value, *flags = cells
        for column, cell in zip("ACDEF", (employee_id, day, kind, value, *flags), strict=False):
            self.attendance[f"{column}{row}"] = cell
        self.rows[label] = row

    def appraise(self, employee_id: str, clause: str | None, value: object) -> int:
        """Fill the value of an employee's prefilled criterion (clause) or exam (None) row."""
        for row in range(2, self.next_free):
            cells = [self.appraisal.cell(row, c).value for c in (1, 4, 5)]
            if cells[0] == employee_id and (
                (clause is None and cells[1] == "考试 exam")
                or (cells[1] == "考核标准 criterion" and cells[2] == clause)
            ):
                self.appraisal[f"G{row}"] = value
                return row
        raise AssertionError(f"no prefilled row for {employee_id} {clause}")

    def free(self, label: str, **cells: object) -> None:
        columns = {"employee_id": "A", "date": "C", "kind": "D", "clause": "E", "value": "G"}
        columns |= {"amount": "H", "points": "I", "flags": "J", "note": "K"}
        row = self.next_free
        self.next_free += 1
        for name, value in cells.items():
            self.appraisal[f"{columns[name]}{row}"] = value
        self.rows[label] = row


def filled_template(template: bytes, path: Path) -> dict[str, int]:
    """Fill three employees' month; return the row each labelled entry went to."""
    book = load(template)
    fill = Filler(book)
    # KF007 赵敏, specialist (base 1000, floating 900)
    fill.attend("kf007_late", "KF007", datetime(2026, 10, 9), "迟到 late", 12)
    fill.attend("kf007_overtime", "KF007", datetime(2026, 10, 3), "加班", 1, "节假日 holiday")
    for clause in "12345":
        fill.appraise("KF007", clause, 1)
    fill.appraise("KF007", None, 96)
    fill.free(
        "kf007_reward",
        employee_id="KF007",
        date=datetime(2026, 10, 20),
        kind="奖励 reward",
        clause="2",
        amount=80,
        note="=建议被采纳",  # a note that looks like a formula stays a note
    )
    # KF010 吴强, specialist
    fill.attend("kf010_personal", "KF010", "2026-10-15", "事假", 0.5)
    fill.attend("kf010_sick", "KF010", datetime(2026, 10, 16), "sick_leave", 1)
    for clause, value in (("1", 1), ("2", 1), ("3", 1), ("4", 0)):  # 5 and the exam left empty
        fill.appraise("KF010", clause, value)
    fill.free(
        "kf010_penalty",
        employee_id="KF010",
        date=datetime(2026, 10, 29),
        kind="处罚 penalty",
        clause="7",
        amount=100,
    )
    # KF012 孙鹏, specialist
    fill.attend("kf012_overtime", "KF012", datetime(2026, 10, 18), "加班", 1, "休息日;调休")
    for clause in "12345":
        fill.appraise("KF012", clause, 1)
    fill.rows["kf012_exam"] = fill.appraise("KF012", None, 90)
    fill.free(
        "kf012_penalty",
        employee_id="KF012",
        date=datetime(2026, 10, 21),
        kind="处罚",
        clause=9,  # typed as a number
        amount=50,
        points=8,
        flags="严重",
    )
    book.save(path)
    return fill.rows


def run_month(tmp_path: Path, events: Path, roster: Path = EXAMPLE_ROSTER) -> dict[str, Any]:
    code = main(
        [
            "run",
            "--month",
            str(OCTOBER),
            "--roster",
            str(roster),
            "--events",
            str(events),
            "--ledger",
            str(tmp_path / "l.db"),
            "--json",
            str(tmp_path / "r.json"),
            # The managers fill a few employees' rows only: the others are not appraised,
            # their criteria count as not met.
            "--allow-unappraised",
        ]
    )
    assert code == 0
    document: dict[str, Any] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    return document


def person(document: dict[str, Any], employee_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        p for p in document["employees"] if p["employee_id"] == employee_id
    )
    return found


def test_round_trip_through_the_pipeline(template: bytes, tmp_path: Path) -> None:
    filled = tmp_path / "input.xlsx"
    rows = filled_template(template, filled)
    document = run_month(tmp_path, filled)

    # KF007: criteria 1–5 met 5+5+10+10+10 = 40; exam 96 ≥ 95 band A +10; reward 2 (range
    # 50–200 yuan, 5 points) +5 → add 55. Late 12 min ≤ 30: fine 10, −3 → deduct_left 97.
    # Total 152, the month's top score (everyone left unfilled has 0 + 100 = 100, and is
    # not appraised, so not eligible anyway; KF010 and KF012 are demoted, scheme.md §4), so
    # the monthly title: +100. Holiday overtime 1 day: 3 × 1000 / 21.75 = 137.931… → 137.93.
    # Gross 1000 + 900 − 10 + 137.93 + 80 + 100 + 50 (transport) = 2257.93.
    kf007 = person(document, "KF007")
    assert kf007["score"] == {"add": 55, "deduct_left": 97, "total": 152}
    assert kf007["pay"]["fines"] == "10.00"
    assert kf007["pay"]["overtime"] == "137.93"
    assert kf007["pay"]["rewards"] == "80.00"
    assert kf007["pay"]["awards"] == "100.00"
    assert kf007["pay"]["gross"] == "2257.93"
    assert kf007["titles"] == ["monthly"] and kf007["next_level"] == "specialist"
    late = next(t for t in kf007["trace"] if t["rule"] == "attendance.lateness.within_30")
    assert (late["event"], late["points"], late["yuan"]) == (
        f"input.xlsx[考勤]:{rows['kf007_late']}",
        -3,
        "10.00",
    )
    reward = next(t for t in kf007["trace"] if t["rule"] == "rewards.2")
    assert (reward["file"], reward["row"]) == ("input.xlsx[考评]", rows["kf007_reward"])

    # KF010: criteria 1, 2, 3 met 5+5+10 = 20; 4 is 0, 5 and the exam left empty (not met,
    # no exam) → add 20. Penalty 7: fine 100, −10 → deduct_left 90; total 110 < 140:
    # demoted to intern. Leave: personal ½ day 0.5 × 1000 / 21.75 = 22.988…, sick 1 day
    # half of that rate, 22.988… → 45.977… → 45.98. Gross 1000 + 900 − 100 − 45.98 + 50.
    kf010 = person(document, "KF010")
    assert kf010["score"] == {"add": 20, "deduct_left": 90, "total": 110}
    assert kf010["pay"]["leave_deduction"] == "45.98"
    assert kf010["pay"]["fines"] == "100.00"
    assert kf010["pay"]["gross"] == "1804.02"
    assert kf010["demotion_reasons"] == ["low_score"] and kf010["next_level"] == "intern"
    criteria = [t for t in kf010["trace"] if t["rule"].startswith("score.criteria.")]
    assert [t["rule"] for t in criteria] == [f"score.criteria.{c}" for c in "1234"]
    assert not [t for t in kf010["trace"] if t["rule"] == "score.exam"]

    # KF012: criteria 40 + exam 90 band B +5 = 45. Penalty 9 (30–100 yuan, 5–10 points,
    # serious): fine 50, −8 → deduct_left 92; total 137 < 140, and clause 9 serious is
    # the third demotion trigger. Rest-day overtime with 调休 is unpaid.
    # Gross 1000 + 900 − 50 + 0 + 50 = 1900.00.
    kf012 = person(document, "KF012")
    assert kf012["score"] == {"add": 45, "deduct_left": 92, "total": 137}
    assert kf012["pay"]["overtime"] == "0.00" and kf012["pay"]["fines"] == "50.00"
    assert kf012["pay"]["gross"] == "1900.00"
    assert set(kf012["demotion_reasons"]) == {"low_score", "serious_case"}
    exam = next(t for t in kf012["trace"] if t["rule"] == "score.exam")
    assert exam["event"] == f"input.xlsx[考评]:{rows['kf012_exam']}"

    # Nobody else has a row: the prefilled rows nobody filled were skipped.
    kf001 = person(document, "KF001")
    assert kf001["score"] == {"add": 0, "deduct_left": 100, "total": 100}
    assert [t for t in kf001["trace"] if "file" in t] == []


def test_a_bad_cell_is_reported_with_the_sheet_and_row(
    template: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = tmp_path / "input.xlsx"
    book = load(template)
    fill = Filler(book)
    row = fill.appraise("KF003", "2", 2)  # read stage: a criterion is 1 or 0
    # validate stage: reward 2 pays 50–200 yuan
    fill.free("reward", employee_id="KF003", date=datetime(2026, 10, 9), kind="奖励", clause="2")
    fill.appraisal[f"H{fill.rows['reward']}"] = 500
    book.save(filled)
    arguments = ["--roster", str(EXAMPLE_ROSTER), "--events", str(filled)]
    code = main(["run", "--month", "2026-10", *arguments, "--ledger", str(tmp_path / "l.db")])
    assert code == 1
    err = capsys.readouterr().err
    assert (
        f"{filled}[考评]:{row}:value: a criterion value must be 1 (met) or 0 (not met), got '2'"
        in err
    )
    assert f"{filled}[考评]:{fill.rows['reward']}:amount: amount 500 is outside 50–200" in err
    assert not (tmp_path / "l.db").exists()


def test_the_template_serves_as_the_roster_too(template: bytes, tmp_path: Path) -> None:
    filled = tmp_path / "input.xlsx"
    filled.write_bytes(template)
    document = run_month(tmp_path, filled, roster=filled)
    assert [p["employee_id"] for p in document["employees"]] == [f"KF{n:03d}" for n in range(1, 21)]


# --- what the file holds -----------------------------------------------------------------


def validations(ws: Worksheet) -> dict[str, tuple[str, str | None, str | None]]:
    """Each validated range → (type, formula1, formula2)."""
    return {
        str(v.sqref): (str(v.type), v.formula1, v.formula2)
        for v in ws.data_validations.dataValidation
    }


def list_items(book: openpyxl.Workbook, reference: str | None) -> list[str]:
    """The items of a drop-down kept on the hidden sheet ('lists'!$A$2:$A$21)."""
    assert reference is not None
    title, cells = reference.split("!")
    area = sheet(book, title.strip("'"))[cells.replace("$", "")]
    assert isinstance(area, tuple)
    return [str(row[0].value) for row in area]


def test_drop_downs_cover_the_right_ranges(
    template: bytes, roster: list[Employee], in_force: PolicyInForce
) -> None:
    book = load(template)
    assert book.sheetnames == ["说明", "名册", "考勤", "考评", "lists"]
    assert sheet(book, "lists").sheet_state == "hidden"
    ids = [e.employee_id for e in roster]
    # 名册: the level, for each roster row and 20 spare ones.
    (levels,) = validations(sheet(book, "名册")).items()
    assert levels[0] == "C2:C41" and levels[1][0] == "list"
    assert list_items(book, levels[1][1]) == list(in_force.levels)

    last = 1 + FREE_ROWS_MIN  # 20 employees × 5 < 100: the minimum of free rows
    attendance = validations(sheet(book, "考勤"))
    assert list_items(book, attendance[f"A2:A{last}"][1]) == ids
    # 2026-10-01 and 2026-10-31 as Excel's serial dates.
    assert attendance[f"C2:C{last}"] == ("date", "46296", "46326")
    assert list_items(book, attendance[f"D2:D{last}"][1]) == [
        "迟到 late",
        "早退 early_leave",
        "旷工 absent",
        "事假 personal_leave",
        "病假 sick_leave",
        "加班 overtime",
        "离职 termination",
    ]
    assert len(ATTENDANCE_KINDS) == 7
    assert list_items(book, attendance[f"F2:F{last}"][1])[0] == "严重 serious"
    assert attendance[f"E2:E{last}"][0] == "decimal"

    ws = sheet(book, "考评")
    prefilled = 20 * 6  # criteria 1–5 and the exam for each of 20 employees
    last = 1 + prefilled + FREE_ROWS_MIN
    appraisal = validations(ws)
    kinds = [str(ws.cell(r, 4).value) for r in range(2, 2 + prefilled)]
    criterion_rows = [r for r, k in enumerate(kinds, start=2) if k == "考核标准 criterion"]
    exam_rows = [r for r, k in enumerate(kinds, start=2) if k == "考试 exam"]
    assert len(criterion_rows) == 100 and exam_rows == list(range(7, 2 + prefilled, 6))
    met = next(v for v in ws.data_validations.dataValidation if v.formula1 == '"1,0"')
    assert {c.coord for r in met.sqref.ranges for c in _cells(r)} == {
        f"G{r}" for r in criterion_rows
    }
    exam = next(v for v in ws.data_validations.dataValidation if v.formula2 == "100")
    assert {c.coord for r in exam.sqref.ranges for c in _cells(r)} == {f"G{r}" for r in exam_rows}
    assert list_items(book, appraisal[f"A2:A{last}"][1]) == ids
    assert list_items(book, appraisal[f"D2:D{last}"][1])[:2] == ["考核标准 criterion", "考试 exam"]
    assert len(APPRAISAL_KINDS) == len(list_items(book, appraisal[f"D2:D{last}"][1]))
    clauses = list_items(book, appraisal[f"E2:E{last}"][1])
    assert clauses == [*(str(n) for n in range(1, 14)), "csat", "fcr"]
    assert appraisal[f"H{2 + prefilled}:H{last}"][0] == "decimal"  # amounts, on free rows
    assert ws.freeze_panes == "C2" and sheet(book, "考勤").freeze_panes == "C2"


class _Cell:
    def __init__(self, coord: str) -> None:
        self.coord = coord


def _cells(cell_range: Any) -> list[_Cell]:
    return [_Cell(f"{openpyxl.utils.get_column_letter(c)}{r}") for r, c in cell_range.cells]


def test_headers_are_bilingual_and_read_back(template: bytes) -> None:
    book = load(template)
    assert [c.value for c in sheet(book, "考勤")[1]] == [
        "工号 employee_id",
        "姓名 name",
        "日期 date",
        "类型 kind",
        "数值 value",
        "标记 flags",
        "备注 note",
    ]
    widths = sheet(book, "考评").column_dimensions
    # 条款内容 holds criterion titles of 23 Chinese characters: wide enough for them.
    assert widths["F"].width is not None and widths["F"].width >= 40


def test_the_instructions_sheet(template: bytes, in_force: PolicyInForce) -> None:
    text = "\n".join(
        " | ".join(str(c.value) for c in row if c.value is not None)
        for row in sheet(load(template), "说明").iter_rows()
    )
    assert "appraisal run --month 2026-10" in text and "--events" in text
    assert "2026-10-01 至 2026-10-31" in text
    assert "数值为空即视为未填写，读取时跳过" in text
    for clause, item in in_force.doc.penalties.items.items():
        assert f"{clause} | {item.title}" in text
    for clause, reward in in_force.doc.rewards.items.items():
        assert f"{clause} | {reward.title}" in text
    assert "迟到 late | 考勤 | 迟到分钟数" in text
    assert "休息日;调休" in text
    assert "7 | 上级交代业务额度不能完成 (50-200元/次，扣10分) | 50–200 | 10" in text


FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1-2", "-3", "@SUM(A1)", "=1+1"]


def test_roster_text_is_never_a_formula(in_force: PolicyInForce, tmp_path: Path) -> None:
    roster = [
        Employee(f"=E{n}" if n == 4 else f"E{n}", name, "specialist", Source("r.csv", n + 2))
        for n, name in enumerate(FORMULA_LIKE)
    ]
    data = template_workbook(OCTOBER, roster, in_force)
    book = load(data)
    names = sheet(book, "名册")
    for row, employee in enumerate(roster, start=2):
        for column, value in ((1, employee.employee_id), (2, employee.name)):
            cell = names.cell(row, column)
            assert (cell.value, cell.data_type) == (value, "s")
            assert cell.quotePrefix == value.startswith(("=", "+", "-", "@"))
    appraisal = sheet(book, "考评")
    assert (appraisal["B2"].value, appraisal["B2"].data_type) == (FORMULA_LIKE[0], "s")
    # The only formulas are the derived names of free rows, which the writer makes.
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert ws.title in ("考勤", "考评") and cell.column == 2
                    assert str(cell.value).startswith("=IF(A")
    path = tmp_path / "input.xlsx"
    path.write_bytes(data)
    table, issues = read_roster_table(path)
    assert issues == [] and table is not None
    assert [e.name for e in parse_roster(table)[0]] == FORMULA_LIKE


def test_the_same_inputs_give_the_same_bytes(
    template: bytes, roster: list[Employee], in_force: PolicyInForce
) -> None:
    again = template_workbook(OCTOBER, roster, in_force)
    assert again == template
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-10-01T00:00:00Z") == 2  # created and modified
    november = template_workbook(Month(2026, 11), roster, in_force)
    assert november != template


def test_an_empty_roster_still_makes_a_workbook(in_force: PolicyInForce) -> None:
    book = load(template_workbook(OCTOBER, [], in_force))
    ids = validations(sheet(book, "考勤"))[f"A2:A{1 + FREE_ROWS_MIN}"][1]
    assert list_items(book, ids) == ["None"]  # one empty cell: Excel wants a range


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_by_libreoffice_reads_the_same(template: bytes, tmp_path: Path) -> None:
    """LibreOffice recalculates the derived names and rewrites every part of the file."""
    filled = tmp_path / "input.xlsx"
    filled_template(template, filled)
    direct = run_month(_made(tmp_path / "direct"), filled)
    resaved = tmp_path / "lo"
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"  # not the user's own
    convert = ["--convert-to", "xlsx", "--outdir", str(resaved), str(filled)]
    subprocess.run(
        ["soffice", "--headless", "--norestore", profile, *convert],
        check=True,
        capture_output=True,
        timeout=180,
    )
    book = openpyxl.load_workbook(resaved / "input.xlsx", data_only=True)
    assert sheet(book, "考勤")["B2"].value == "赵敏"  # the derived name, now computed
    again = run_month(_made(tmp_path / "again"), resaved / "input.xlsx")
    assert again["employees"] == direct["employees"]


def _made(path: Path) -> Path:
    path.mkdir()
    return path


def test_every_visible_sheet_prints_on_a4_with_nothing_cut_off(template: bytes) -> None:
    book = load(template)
    for ws in book.worksheets:
        if ws.sheet_state == "hidden":
            continue
        assert int(ws.page_setup.paperSize or 0) == 9, ws.title  # A4
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr is not None
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    for title in ("名册", "考勤", "考评"):
        assert sheet(book, title).print_title_rows == "$1:$1"
    # The guide's long sentences wrap, and their rows are tall enough to show them:
    # LibreOffice and Excel do not grow a row to wrapped text when a file opens.
    guide = book.worksheets[0]
    tall = [
        row for row in range(1, guide.max_row + 1) if (guide.row_dimensions[row].height or 0) > 16
    ]
    assert tall, "no guide row was given the height of its wrapped text"
    for row in tall:
        assert guide.cell(row, 2).alignment.wrap_text
