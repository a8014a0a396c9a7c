"""Attendance exports → canonical events: the four shipped profiles on the shared fixtures.

The fixtures (tests/fixtures/attendance, a copy of ../shared/fixtures with its README) are one October 2026 laid out like the
exports of DingTalk (每日统计, 月度汇总, 原始记录) and ZKTeco. Each expected event and
review item below was worked out by hand from the fixture's cells (row, column, wording)
and the scheme's units, not copied from the program's output.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from appraisal.domain.model import Employee, Issue, Month
from appraisal.read import parse_events, parse_roster, read_table
from appraisal.read.imports import (
    Imported,
    ReviewItem,
    detect_profile,
    import_export,
    load_profile,
    shipped_profiles,
    write_events_csv,
)

FIXTURES = Path(__file__).parent / "fixtures" / "attendance"  # copied from ../shared/fixtures
OCTOBER = Month(2026, 10)
DAILY = FIXTURES / "dingtalk_daily_2026-10.xlsx"
MONTHLY = FIXTURES / "dingtalk_monthly_2026-10.xlsx"
RAW = FIXTURES / "dingtalk_raw_2026-10.xlsx"
ZKTECO = FIXTURES / "zkteco_2026-10.xlsx"


@pytest.fixture(scope="module")
def roster() -> list[Employee]:
    table, issues = read_table(FIXTURES / "roster_2026-10.csv")
    assert table is not None and not issues
    employees, issues = parse_roster(table)
    assert not issues
    return employees


def content(imported: Imported) -> set[tuple[str, str, str, Decimal, str]]:
    """(employee_id, date, kind, value, flags) of each event, decimals normalised."""
    position = {name: i for i, name in enumerate(imported.table.header)}
    return {
        (
            cells[position["employee_id"]],
            cells[position["date"]],
            cells[position["kind"]],
            Decimal(cells[position["value"]]).normalize(),
            cells[position["flags"]],
        )
        for _, cells in imported.table.rows
    }


def expected_events() -> set[tuple[str, str, str, Decimal, str]]:
    with open(FIXTURES / "expected_events_2026-10.csv", encoding="utf-8") as handle:
        return {
            (r["employee_id"], r["date"], r["kind"], Decimal(r["value"]).normalize(), r["flags"])
            for r in csv.DictReader(handle)
        }


def review_tuples(imported: Imported) -> list[tuple[str, str, str, str]]:
    return [(r.employee_id, r.date.isoformat(), r.what, r.cell) for r in imported.review]


def assert_parses_cleanly(imported: Imported) -> None:
    events, issues = parse_events(imported.table, OCTOBER)
    assert issues == []
    assert len(events) == len(imported.table.rows)


# --- the shipped profiles ----------------------------------------------------------------


def test_four_profiles_are_shipped() -> None:
    assert [(p.id, p.layout) for p in shipped_profiles()] == [
        ("dingtalk_daily", "day_rows"),
        ("dingtalk_monthly", "day_columns"),
        ("dingtalk_raw", "punch_rows"),
        ("zkteco", "punch_grid"),
    ]
    assert load_profile("zkteco") is shipped_profiles()[3]


@pytest.mark.parametrize(
    ("path", "profile"),
    [
        (DAILY, "dingtalk_daily"),
        (MONTHLY, "dingtalk_monthly"),
        (RAW, "dingtalk_raw"),
        (ZKTECO, "zkteco"),
    ],
)
def test_each_fixture_is_detected_as_its_export(path: Path, profile: str) -> None:
    found = detect_profile(path)
    assert found is not None and found.id == profile


# --- 钉钉每日统计 -----------------------------------------------------------------------------


def test_daily_statistics_import_to_the_expected_events(roster: list[Employee]) -> None:
    imported = import_export(DAILY, OCTOBER, roster)
    assert imported.issues == ()
    assert imported.profile == "dingtalk_daily"
    assert content(imported) == expected_events()
    # Row numbers are the export's, the note names the cell: the audit trail points there.
    title = "钉钉每日统计 每日统计!"
    assert imported.table.rows == (
        (13, ("KF001", "2026-10-09", "late", "12", "", title + "R13 迟到时长(分钟)=12")),
        (17, ("KF001", "2026-10-13", "late", "45", "", title + "R17 迟到时长(分钟)=45")),
        (49, ("KF002", "2026-10-14", "late", "75", "", title + "R49 迟到时长(分钟)=75")),
        (55, ("KF002", "2026-10-20", "early_leave", "20", "", title + "W55 早退时长(分钟)=20")),
        (81, ("KF003", "2026-10-15", "personal_leave", "1", "", title + "AC81 事假(天)=1")),
        (88, ("KF003", "2026-10-22", "sick_leave", "0.5", "", title + "AD88 病假(天)=0.5")),
        (118, ("KF004", "2026-10-21", "absent", "1", "", title + "Z118 旷工天数=1")),
        # 8 hours on the 节假日 / 休息日 columns of 加班 at 8 hours a day.
        (
            130,
            ("KF005", "2026-10-02", "overtime", "1", "holiday", title + "AJ130 节假日(转加班费)=8"),
        ),
        (
            138,
            (
                "KF005",
                "2026-10-10",
                "overtime",
                "1",
                "rest_day",
                title + "AI138 休息日(转加班费)=8",
            ),
        ),
    )
    assert imported.table.header == ("employee_id", "date", "kind", "value", "flags", "note")
    assert imported.table.file == str(DAILY)
    assert imported.table.name == "dingtalk_daily_2026-10.xlsx"
    # 上班缺卡次数 1 on KF005's 16 October (X144): for the manager, not an event.
    assert review_tuples(imported) == [("KF005", "2026-10-16", "上班缺卡", "每日统计!X144")]
    assert_parses_cleanly(imported)


def test_a_review_item_prints_where_it_is_and_that_no_penalty_applies(
    roster: list[Employee],
) -> None:
    (item,) = import_export(DAILY, OCTOBER, roster).review
    assert item == ReviewItem("KF005", date(2026, 10, 16), "上班缺卡", str(DAILY), "每日统计!X144")
    assert str(item) == (
        f"{DAILY}:每日统计!X144: KF005 2026-10-16 上班缺卡 — to review, no penalty applied"
    )


# --- 钉钉月度汇总 -----------------------------------------------------------------------------


def test_monthly_summary_imports_to_the_expected_events_from_its_day_cells(
    roster: list[Employee],
) -> None:
    imported = import_export(MONTHLY, OCTOBER, roster)
    assert imported.issues == ()
    assert content(imported) == expected_events()
    # Day 9 is column AF (X is day 1); each employee's events share the employee's row.
    notes = [(row, cells[5]) for row, cells in imported.table.rows]
    assert notes == [
        (5, "钉钉月度汇总 月度汇总!AF5 9日=迟到12分钟"),
        (5, "钉钉月度汇总 月度汇总!AJ5 13日=迟到45分钟"),
        (6, "钉钉月度汇总 月度汇总!AK6 14日=迟到75分钟"),
        (6, "钉钉月度汇总 月度汇总!AQ6 20日=早退20分钟"),
        (7, "钉钉月度汇总 月度汇总!AL7 15日=事假1天"),
        (7, "钉钉月度汇总 月度汇总!AS7 22日=病假0.5天"),
        (8, "钉钉月度汇总 月度汇总!AR8 21日=旷工"),
        (9, "钉钉月度汇总 月度汇总!Y9 2日=节假日加班8小时"),
        (9, "钉钉月度汇总 月度汇总!AG9 10日=休息日加班8小时"),
    ]
    assert review_tuples(imported) == [("KF005", "2026-10-16", "上班缺卡", "月度汇总!AM9")]
    assert_parses_cleanly(imported)


# --- 钉钉原始记录 -----------------------------------------------------------------------------


def test_raw_punches_give_the_lateness_they_show_and_review_the_rest(
    roster: list[Employee],
) -> None:
    """Punches reproduce the ground truth's lateness and early leave. Leave, absence and
    overtime they cannot know: KF003's 事假 (15th) and KF004's 旷工 (21st) are punchless
    working days, KF005's 加班 on the 2nd and 10th are punches on days off, and KF003's
    13:00 clock-out on the 22nd (half a day's 病假) is 正常 by DingTalk's own verdict."""
    imported = import_export(RAW, OCTOBER, roster)
    assert imported.issues == ()
    note = "钉钉原始记录 原始记录!"
    assert imported.table.rows == (
        (5, ("KF001", "2026-10-09", "late", "12", "", note + "H5 打卡时间=2026-10-09 09:12（上班 09:00，迟到）")),
        (9, ("KF001", "2026-10-13", "late", "45", "", note + "H9 打卡时间=2026-10-13 09:45（上班 09:00，迟到）")),
        (45, ("KF002", "2026-10-14", "late", "75", "", note + "H45 打卡时间=2026-10-14 10:15（上班 09:00，迟到）")),
        (54, ("KF002", "2026-10-20", "early_leave", "20", "", note + "H54 打卡时间=2026-10-20 17:40（下班 18:00，早退）")),
    )  # fmt: skip
    assert content(imported) == {e for e in expected_events() if e[2] in ("late", "early_leave")}
    off_day = "非工作日打卡 {}（加班？请按审批录入）"
    assert review_tuples(imported) == [
        # KF003's and KF004's rows start at 71 and 103: a punchless day points at the first.
        ("KF003", "2026-10-15", "工作日无打卡记录", "原始记录!F71"),
        ("KF004", "2026-10-21", "工作日无打卡记录", "原始记录!F103"),
        ("KF005", "2026-10-02", off_day.format("08:55 17:00"), "原始记录!H135"),
        ("KF005", "2026-10-10", off_day.format("08:57 17:02"), "原始记录!H141"),
        ("KF005", "2026-10-16", "上班缺卡", "原始记录!H151"),  # only the 下班 punch
    ]
    assert_parses_cleanly(imported)


# --- 中控 ZKTeco --------------------------------------------------------------------------


def test_zkteco_punches_are_checked_against_the_shift(roster: list[Employee]) -> None:
    """09:00–18:00 without grace: the ground truth's lateness and early leave, and the
    rest for review, KF003's 13:00 clock-out included (300 minutes early is more likely
    the half day's 病假 the device cannot see)."""
    imported = import_export(ZKTECO, OCTOBER, roster)
    assert imported.issues == ()
    note = "中控考勤记录 刷卡记录!"
    assert imported.table.rows == (
        (6, ("KF001", "2026-10-09", "late", "12", "", note + "I6 9日=09:1218:04（上班09:12，班次09:00）")),
        (6, ("KF001", "2026-10-13", "late", "45", "", note + "M6 13日=09:4518:08（上班09:45，班次09:00）")),
        (8, ("KF002", "2026-10-14", "late", "75", "", note + "N8 14日=10:1518:02（上班10:15，班次09:00）")),
        (8, ("KF002", "2026-10-20", "early_leave", "20", "", note + "T8 20日=08:5717:40（下班17:40，班次18:00）")),
    )  # fmt: skip
    off_day = "非工作日打卡 {}（加班？请按审批录入）"
    assert review_tuples(imported) == [
        ("KF003", "2026-10-15", "工作日无打卡记录", "刷卡记录!O10"),
        ("KF003", "2026-10-22", "下班打卡 13:00，早退300分钟（请假？）", "刷卡记录!V10"),
        ("KF004", "2026-10-21", "工作日无打卡记录", "刷卡记录!U12"),
        ("KF005", "2026-10-02", off_day.format("08:55 17:00"), "刷卡记录!B14"),
        ("KF005", "2026-10-10", off_day.format("08:57 17:02"), "刷卡记录!J14"),
        ("KF005", "2026-10-16", "上班缺卡", "刷卡记录!P14"),  # a lone 18:04
    ]
    assert_parses_cleanly(imported)


# --- writing ------------------------------------------------------------------------------


def test_written_events_read_back_as_the_same_events(
    roster: list[Employee], tmp_path: Path
) -> None:
    imported = import_export(DAILY, OCTOBER, roster)
    events_path = tmp_path / "events.csv"
    review_path = write_events_csv(imported, events_path)
    assert review_path == tmp_path / "events.review.csv"
    data = events_path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8
    assert data.decode("utf-8").splitlines()[:2] == [
        "employee_id,date,kind,value,clause,amount,points,flags,note",
        "KF001,2026-10-09,late,12,,,,,钉钉每日统计 每日统计!R13 迟到时长(分钟)=12",
    ]
    table, issues = read_table(events_path)
    assert table is not None and issues == []
    events, issues = parse_events(table, OCTOBER)
    assert issues == []
    assert {
        (e.employee_id, e.date.isoformat(), e.kind.value, e.value, ";".join(e.flags))
        for e in events
    } == expected_events()
    assert review_path.read_text(encoding="utf-8").splitlines() == [
        "employee_id,date,what,file,cell",
        f"KF005,2026-10-16,上班缺卡,{DAILY},每日统计!X144",
    ]


def test_the_review_file_is_always_written_and_an_import_with_issues_never(
    roster: list[Employee], tmp_path: Path
) -> None:
    failed = import_export(MONTHLY, OCTOBER, [])  # nobody matches an empty roster
    assert failed.issues
    with pytest.raises(ValueError, match="an import with issues has no events to write"):
        write_events_csv(failed, tmp_path / "events.csv")
    assert not (tmp_path / "events.csv").exists()
    stale = tmp_path / "events.review.csv"
    stale.write_text("left from an earlier run\n", encoding="utf-8")
    raw = import_export(RAW, OCTOBER, roster)
    assert write_events_csv(raw, tmp_path / "events.csv") == stale
    assert stale.read_text(encoding="utf-8").splitlines()[0] == "employee_id,date,what,file,cell"
    nothing = Imported("dingtalk_daily", raw.table, (), ())
    write_events_csv(nothing, tmp_path / "events.csv")
    assert stale.read_text(encoding="utf-8") == "employee_id,date,what,file,cell\n"


# --- what is not an attendance export ------------------------------------------------------


def test_files_that_are_not_exports_are_not_detected(tmp_path: Path) -> None:
    canonical = tmp_path / "events.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        ["employee_id", "date", "kind", "value", "clause", "amount", "points", "flags", "note"]
    )
    sheet.append(["KF001", "2026-10-09", "late", 12, None, None, None, None, "迟到"])
    workbook.save(canonical)
    numbers = tmp_path / "numbers.xlsx"  # a row of day numbers alone is no punch report
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(range(1, 32)))
    sheet.append(["合计", 100])
    workbook.save(numbers)
    chinese = tmp_path / "events_zh.csv"  # the managers' template names columns in Chinese
    chinese.write_text("工号,姓名,日期,类型,数值,备注\nKF001,王芳,2026-10-09,迟到,12,\n", "utf-8")
    assert detect_profile(canonical) is None
    assert detect_profile(numbers) is None
    assert detect_profile(chinese) is None
    assert detect_profile(FIXTURES / "expected_events_2026-10.csv") is None
    assert detect_profile(FIXTURES / "roster_2026-10.csv") is None
    assert detect_profile(tmp_path / "missing.xlsx") is None


def test_forcing_a_profile_on_a_canonical_events_file_says_what_it_looked_for(
    roster: list[Employee], tmp_path: Path
) -> None:
    path = tmp_path / "events.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(["employee_id", "date", "kind", "value"])
    sheet.append(["KF001", "2026-10-09", "late", 12])
    workbook.save(path)
    imported = import_export(path, OCTOBER, roster, profile=load_profile("dingtalk_daily"))
    assert imported.issues == (
        Issue(
            str(path),
            None,
            None,
            "not a 钉钉每日统计 export: no header row with 姓名, 日期, 班次 "
            "in the first 20 rows of sheet Sheet1",
        ),
    )
    assert imported.table.rows == () and imported.review == ()
    unknown = import_export(path, OCTOBER, roster)
    assert [i.message for i in unknown.issues] == [
        "not an attendance export this version knows (known: dingtalk_daily (钉钉每日统计), "
        "dingtalk_monthly (钉钉月度汇总), dingtalk_raw (钉钉原始记录), zkteco (中控考勤记录)); "
        "name a profile for another layout"
    ]


@pytest.mark.parametrize("path", [DAILY, MONTHLY, RAW, ZKTECO])
def test_python_calamine_reads_an_export_as_openpyxl_does(
    roster: list[Employee], path: Path
) -> None:
    pytest.importorskip("python_calamine")  # an optional extra: faster, and reads .xls
    by_openpyxl = import_export(path, OCTOBER, roster, engine="openpyxl")
    by_calamine = import_export(path, OCTOBER, roster, engine="calamine")
    assert by_calamine == by_openpyxl
