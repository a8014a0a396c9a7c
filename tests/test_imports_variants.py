"""Attendance exports as real files vary: built here with openpyxl, imported, checked exactly.

Each test writes a small export the way a DingTalk or ZKTeco version might lay it out
(columns moved, an extra title row, spaces and full-width brackets in names, hours for
minutes, dates as serials or text, several lateness a day) or breaks it the way users
do (another month, an unknown unit, people missing from the roster), and spells out the
events, review items or issues it must give, worked out by hand from the cells written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from appraisal.domain.model import Employee, Issue, Month, Source
from appraisal.read import parse_events
from appraisal.read.imports import Imported, detect_profile, import_export, load_profile

OCTOBER = Month(2026, 10)
NAMES = ["王芳", "李强", "张敏", "刘洋", "陈静", "赵磊"]
ROSTER = [
    Employee(f"KF00{n}", name, "specialist", Source("roster.csv", n + 1))
    for n, name in enumerate(NAMES, start=1)
]
TITLE = "每日统计表 统计日期：2026-10-01 至 2026-10-31"
SHIFT = "正常班 09:00-18:00"

Header = Sequence[tuple[str | None, str | None]]  # (top row, second row) per column


def save(
    path: Path, rows: Sequence[Sequence[object]], sheet: str, merges: Sequence[str] = ()
) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for cells in merges:
        worksheet.merge_cells(cells)
    workbook.save(path)
    return path


def daily(
    path: Path,
    header: Header,
    days: Sequence[dict[str, object]],
    *,
    above: Sequence[Sequence[object]] = ([TITLE], ["报表生成时间：2026-11-01 09:12"]),
) -> Path:
    """A 每日统计 export: rows ``above``, a header (two rows when any column has a
    second-row name, merged like DingTalk's), one row per day keyed by the column's name."""
    two_rows = any(sub for _, sub in header)
    top = [t for t, _ in header]
    rows: list[Sequence[object]] = [*above, top]
    merges: list[str] = []
    first = len(above) + 1
    if two_rows:
        rows.append([sub for _, sub in header])
        for i, (name, sub) in enumerate(header):
            letter = get_column_letter(i + 1)
            if name and not sub:
                merges.append(f"{letter}{first}:{letter}{first + 1}")
            elif name:  # a parent over this column and the nameless ones after it
                span = next((j for j in range(i + 1, len(header)) if header[j][0]), len(header))
                merges.append(f"{letter}{first}:{get_column_letter(span)}{first}")
    names = [sub or name for name, sub in header]
    for day in days:
        rows.append([day.get(str(name), 0 if "次数" in str(name) else None) for name in names])
    return save(path, rows, "每日统计", merges)


def events(imported: Imported) -> list[tuple[str, ...]]:
    """(employee_id, date, kind, value, flags) of each event; they must parse cleanly."""
    assert imported.issues == ()
    parsed, issues = parse_events(imported.table, OCTOBER)
    assert issues == [] and len(parsed) == len(imported.table.rows)
    return [cells[:5] for _, cells in imported.table.rows]


def reviews(imported: Imported) -> list[tuple[str, str, str, str]]:
    return [(r.employee_id, r.date.isoformat(), r.what, r.cell) for r in imported.review]


def failed(imported: Imported) -> list[Issue]:
    assert imported.table.rows == () and imported.review == ()  # nothing imported
    return list(imported.issues)


# --- 钉钉每日统计 variants -------------------------------------------------------------------

SHUFFLED: Header = [
    ("旷工天数", None),
    ("请假", "事假（小时）"),
    (None, "病假（小时）"),
    ("早退 时长（小时）", None),
    ("早退次数", None),
    ("日期", None),
    ("工 号", None),
    ("姓 名", None),
    ("迟到 时长（小时）", None),
    ("迟到次数", None),
    ("班次", None),
    ("下班缺卡次数", None),
    ("上班缺卡次数", None),
    ("加班", "休息日（转调休）"),
    (None, "节假日（转加班费）"),
    ("UserId", None),
]


def person(n: int, **cells: object) -> dict[str, object]:
    return {"工 号": f"KF00{n}", "姓 名": NAMES[n - 1], "班次": SHIFT, **cells}


def test_moved_columns_an_extra_title_row_spaced_names_and_hours_still_import(
    tmp_path: Path,
) -> None:
    path = daily(
        tmp_path / "每日统计.xlsx",
        SHUFFLED,
        [
            person(1, 日期=datetime(2026, 10, 9), **{"迟到 时长（小时）": 0.2, "迟到次数": 1}),
            person(1, 日期="2026/10/13", **{"迟到 时长（小时）": 0.75, "迟到次数": 1}),
            # An Excel serial without a date format: 46315 days after 1899-12-30.
            person(2, 日期=46315, **{"早退 时长（小时）": 0.5, "早退次数": 1}),
            person(3, 日期="2026-10-15", **{"事假（小时）": 8}),
            person(3, 日期="26-10-22 星期四", **{"病假（小时）": 4}),
            person(4, 日期="10-21 星期三", 旷工天数=1),  # no year: the month's
            person(5, 日期="2026-10-10", 班次="休息", **{"休息日（转调休）": 4}),
            person(5, 日期="2026-10-02", 班次="休息", **{"节假日（转加班费）": 12}),
            person(5, 日期="2026-10-16", 上班缺卡次数=1),
            person(6, 日期="２０２６－１０－０８"),  # full-width, and nothing happened
        ],
        above=[["钉钉智能考勤"], [TITLE], ["报表生成时间：2026-11-01 09:12"], []],
    )
    assert date(1899, 12, 30).toordinal() + 46315 == date(2026, 10, 20).toordinal()
    found = detect_profile(path)
    assert found is not None and found.id == "dingtalk_daily"
    imported = import_export(path, OCTOBER, ROSTER)
    assert events(imported) == [
        ("KF001", "2026-10-09", "late", "12", ""),  # 0.2 h
        ("KF001", "2026-10-13", "late", "45", ""),  # 0.75 h
        ("KF002", "2026-10-20", "early_leave", "30", ""),  # 0.5 h
        ("KF003", "2026-10-15", "personal_leave", "1", ""),  # 8 h at 8 h a day
        ("KF003", "2026-10-22", "sick_leave", "0.5", ""),  # 4 h
        ("KF004", "2026-10-21", "absent", "1", ""),
        ("KF005", "2026-10-10", "overtime", "0.5", "rest_day;comp_time"),  # 4 h, 转调休
        ("KF005", "2026-10-02", "overtime", "1.5", "holiday"),  # 12 h
    ]
    # The header is rows 5-6 (after four rows above it): data from row 7.
    assert [row for row, _ in imported.table.rows] == [7, 8, 9, 10, 11, 12, 13, 14]
    assert imported.table.rows[0][1][5] == "钉钉每日统计 每日统计!I7 迟到 时长(小时)=0.2"
    assert reviews(imported) == [("KF005", "2026-10-16", "上班缺卡", "每日统计!M15")]


def test_hours_become_days_at_the_policys_hours_per_day(tmp_path: Path) -> None:
    path = daily(
        tmp_path / "d.xlsx",
        SHUFFLED,
        [
            person(3, 日期="2026-10-15", **{"事假（小时）": 7.5}),
            person(5, 日期="2026-10-02", **{"节假日（转加班费）": 15}),
        ],
    )
    imported = import_export(path, OCTOBER, ROSTER, hours_per_day=Decimal("7.5"))
    assert events(imported) == [
        ("KF003", "2026-10-15", "personal_leave", "1", ""),
        ("KF005", "2026-10-02", "overtime", "2", "holiday"),
    ]


def test_leave_that_is_not_whole_or_half_days_rounds_to_the_half_day_for_review(
    tmp_path: Path,
) -> None:
    # 3 h at 8 h a day = 0.375 day; half up to the half day (issue 9 item 12): 0.5.
    path = daily(
        tmp_path / "d.xlsx", SHUFFLED, [person(3, 日期="2026-10-15", **{"事假（小时）": 3})]
    )
    imported = import_export(path, OCTOBER, ROSTER)
    assert events(imported) == [("KF003", "2026-10-15", "personal_leave", "0.5", "")]
    assert reviews(imported) == [
        (
            "KF003",
            "2026-10-15",
            "事假(小时)=3 = 0.375 day, imported as 0.5 day (rounded half up, 四舍五入)",
            "每日统计!B5",
        )
    ]


TWO_SHIFTS: Header = [
    ("姓名", None),
    ("工号", None),
    ("日期", None),
    ("班次", None),
    ("上班1打卡时间", None),
    ("上班1打卡结果", None),
    ("下班1打卡时间", None),
    ("上班2打卡时间", None),
    ("下班2打卡时间", None),
    ("迟到次数", None),
    ("迟到时长(分钟)", None),
    ("早退次数", None),
    ("早退时长(分钟)", None),
    ("上班缺卡次数", None),
    ("下班缺卡次数", None),
    ("旷工天数", None),
]


def split_day(n: int, day: str, **cells: object) -> dict[str, object]:
    times = {"上班1打卡时间": "08:58", "下班1打卡时间": "12:01", "上班2打卡时间": "13:59"}
    base = {
        "姓名": NAMES[n - 1],
        "工号": f"KF00{n}",
        "日期": day,
        "班次": "早晚班 09:00-12:00 14:00-18:00",
    }
    return {**base, **times, "下班2打卡时间": "18:02", **cells}


def test_several_lateness_in_a_day_are_one_event_each(tmp_path: Path) -> None:
    path = daily(
        tmp_path / "d.xlsx",
        TWO_SHIFTS,
        [
            # 09:10 and 14:15 against 09:00 and 14:00: 10 and 15 minutes, 25 in all.
            split_day(1, "2026-10-09", 上班1打卡时间="09:10", 上班2打卡时间="14:15", 迟到次数=2, **{"迟到时长(分钟)": 25}),
            # The same punches, but a total they do not account for: the manager decides.
            split_day(2, "2026-10-09", 上班1打卡时间="09:10", 上班2打卡时间="14:15", 迟到次数=2, **{"迟到时长(分钟)": 30}),
            # Leaving at 11:40 and 17:30: 20 and 30 minutes early.
            split_day(3, "2026-10-12", 下班1打卡时间="11:40", 下班2打卡时间="17:30", 早退次数=2, **{"早退时长(分钟)": 50}),
        ],
    )  # fmt: skip
    imported = import_export(path, OCTOBER, ROSTER)
    assert events(imported) == [
        ("KF001", "2026-10-09", "late", "10", ""),
        ("KF001", "2026-10-09", "late", "15", ""),
        ("KF003", "2026-10-12", "early_leave", "20", ""),
        ("KF003", "2026-10-12", "early_leave", "30", ""),
    ]
    # Two rows above a one-row header: the data starts on row 4.
    notes = [cells[5] for _, cells in imported.table.rows]
    assert notes[:2] == [
        "钉钉每日统计 每日统计!E4 上班1打卡时间=09:10（班次09:00，共2次）",
        "钉钉每日统计 每日统计!H4 上班2打卡时间=14:15（班次14:00，共2次）",
    ]
    assert reviews(imported) == [
        (
            "KF002",
            "2026-10-09",
            "迟到次数=2，迟到时长(分钟)=30（无法按打卡逐次拆分）",
            "每日统计!K5",
        )
    ]


def test_an_approved_missing_punch_is_a_normal_day(tmp_path: Path) -> None:
    path = daily(
        tmp_path / "d.xlsx",
        TWO_SHIFTS,
        [
            split_day(
                1, "2026-10-09", 上班1打卡时间=None, 上班1打卡结果="补卡审批通过", 上班缺卡次数=1
            ),
            split_day(2, "2026-10-09", 上班1打卡时间=None, 上班1打卡结果="缺卡", 上班缺卡次数=1),
        ],
    )
    imported = import_export(path, OCTOBER, ROSTER)
    assert events(imported) == []
    assert reviews(imported) == [("KF002", "2026-10-09", "上班缺卡", "每日统计!N5")]


def test_people_match_by_id_then_by_a_name_only_one_employee_has(tmp_path: Path) -> None:
    roster = [
        *ROSTER,
        Employee("KF007", "王芳", "specialist", Source("roster.csv", 8)),  # a second 王芳
        Employee("0000015838", "李四", "specialist", Source("roster.csv", 9)),  # id = UserId
    ]
    rows: list[dict[str, object]] = [
        {"姓 名": "张敏", "日期": "2026-10-09", "旷工天数": 1},  # no ids: the name is unique
        {
            "姓 名": "李四",
            "工 号": "A-17",
            "UserId": "0000015838",
            "日期": "2026-10-09",
            "旷工天数": 1,
        },
        {"姓 名": "王芳", "日期": "2026-10-09", "旷工天数": 1},  # two 王芳: no match
        {"姓 名": "王五", "工 号": "KF009", "日期": "2026-10-09"},  # a clean day, still unknown
        {"姓 名": "王五", "工 号": "KF009", "日期": "2026-10-12"},
    ]
    path = daily(tmp_path / "d.xlsx", SHUFFLED, rows)
    assert failed(import_export(path, OCTOBER, roster)) == [
        Issue(
            str(path),
            None,
            None,
            "2 people in the export matched no roster employee by id or by a name only one "
            "roster employee has: 王芳 at 每日统计!H7 (the name is shared by KF001, KF007); "
            "王五 (工号 KF009) at 每日统计!H8",
        )
    ]
    del rows[2:]
    path = daily(tmp_path / "d.xlsx", SHUFFLED, rows)
    assert events(import_export(path, OCTOBER, roster)) == [
        ("KF003", "2026-10-09", "absent", "1", ""),
        ("0000015838", "2026-10-09", "absent", "1", ""),
    ]


def test_an_export_of_another_month_is_refused(tmp_path: Path) -> None:
    september = "每日统计表 统计日期：2026-09-01 至 2026-09-30"
    path = daily(tmp_path / "d.xlsx", SHUFFLED, [person(1, 日期="2026-09-30")], above=[[september]])
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(str(path), None, "每日统计!A1", "the export covers 2026-09-01 to 2026-09-30, not the month being run (2026-10)")
    ]  # fmt: skip
    untitled = daily(
        tmp_path / "untitled.xlsx",
        SHUFFLED,
        [person(1, 日期="2026-09-30"), person(1, 日期="2026-10-01"), person(1, 日期="2026-11-01")],
        above=[],
    )
    assert failed(import_export(untitled, OCTOBER, ROSTER)) == [
        Issue(str(untitled), None, "每日统计!F3", "2 rows dated outside the month being run (2026-10), the first 2026-09-30")
    ]  # fmt: skip


def test_cells_that_cannot_be_read_name_their_cell(tmp_path: Path) -> None:
    path = daily(
        tmp_path / "d.xlsx",
        SHUFFLED,
        [
            person(1, 日期="昨天"),
            person(2, 日期="2026-10-09", 旷工天数="一天"),
            {"姓 名": "王五", "工 号": "KF009", "日期": "2026-10-09"},
        ],
    )
    # One run shows every problem: the cells, and the people the roster lacks.
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(str(path), None, "每日统计!F5", "not a date: '昨天'"),
        Issue(str(path), None, "每日统计!A6", "旷工天数: not a number of at least 0: '一天'"),
        Issue(
            str(path),
            None,
            None,
            "1 person in the export matched no roster employee by id or by a name only one "
            "roster employee has: 王五 (工号 KF009) at 每日统计!H7",
        ),
    ]


def test_an_export_without_rows_is_refused(tmp_path: Path) -> None:
    path = daily(tmp_path / "d.xlsx", SHUFFLED, [])
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(str(path), None, None, "no employee rows in 每日统计 below the header (row 3)")
    ]


def test_a_unit_that_is_not_understood_is_refused(tmp_path: Path) -> None:
    header = [
        ("迟到时长(秒)", None) if name == "迟到 时长（小时）" else (name, sub)
        for name, sub in SHUFFLED
    ]
    path = daily(
        tmp_path / "d.xlsx", header, [{"姓 名": "王芳", "日期": "2026-10-09", "迟到时长(秒)": 720}]
    )
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(
            str(path),
            None,
            "每日统计!I3",
            "unit '秒' of column '迟到时长(秒)' is not understood (known: 分钟, 分, min, 小时, 时, h, 天, 日)",
        )
    ]  # fmt: skip


def test_a_required_column_missing_is_refused(tmp_path: Path) -> None:
    header = [column for column in SHUFFLED if column[0] != "旷工天数"]
    path = daily(tmp_path / "d.xlsx", header, [person(1, 日期="2026-10-09")])
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(
            str(path),
            None,
            "每日统计!A3",
            "the header has no required column '旷工天数' (钉钉每日统计)",
        )
    ]


def test_a_file_that_is_not_what_its_extension_says_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "export.xlsx"
    text.write_text("姓名,日期\n王芳,2026-10-09\n", encoding="utf-8")
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    xls = tmp_path / "export.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert failed(import_export(text, OCTOBER, ROSTER)) == [
        Issue(
            str(text),
            None,
            None,
            "not an Excel workbook (looks like a text file, perhaps a CSV renamed)",
        )
    ]
    assert failed(import_export(old, OCTOBER, ROSTER)) == [
        Issue(str(old), None, None, "not an Excel workbook (looks like an old .xls workbook or a password-protected workbook)")
    ]  # fmt: skip
    assert failed(import_export(xls, OCTOBER, ROSTER, engine="openpyxl")) == [
        Issue(str(xls), None, None, "an old .xls workbook: open it in Excel and save it as .xlsx")
    ]
    assert detect_profile(text) is None and detect_profile(old) is None


def test_a_profile_that_names_a_sheet_refuses_a_workbook_without_it(tmp_path: Path) -> None:
    text = (
        resources.files("appraisal.read.imports")
        .joinpath("profiles/dingtalk_daily.yaml")
        .read_text("utf-8")
    )
    custom = tmp_path / "named_sheet.yaml"
    custom.write_text(
        text.replace("layout: day_rows\n", "layout: day_rows\nsheet: 每日统计\n"), "utf-8"
    )
    profile = load_profile(custom)
    path = tmp_path / "d.xlsx"
    save(path, [[TITLE], ["姓名", "日期", "班次"]], "Sheet1")
    assert failed(import_export(path, OCTOBER, ROSTER, profile=profile)) == [
        Issue(
            str(path),
            None,
            None,
            "no sheet named like '每日统计' for 钉钉每日统计 (the workbook has: Sheet1)",
        )
    ]


# --- 钉钉月度汇总 variants -------------------------------------------------------------------


def monthly(
    path: Path, people: Sequence[tuple[int, dict[int, str]]], *, title: str | None = None
) -> Path:
    """A 月度汇总 export: totals columns, then day numbers 1-31 with weekdays below."""
    title = title or "月度汇总 统计日期：2026-10-01 至 2026-10-31"
    totals = ["姓名", "工号", "UserId", "出勤天数", "迟到次数", "迟到时长(分钟)"]
    weekdays = "一二三四五六日"
    rows: list[Sequence[object]] = [
        [title],
        [*totals, *range(1, 32)],
        [
            *[None] * len(totals),
            *(f"星期{weekdays[date(2026, 10, d).weekday()]}" for d in range(1, 32)),
        ],
    ]
    for n, cells in people:
        days = [cells.get(d, "正常") for d in range(1, 32)]
        rows.append([NAMES[n - 1], f"KF00{n}", None, 22, 0, 0, *days])
    return save(path, rows, "月度汇总")


def test_monthly_wordings_several_in_a_cell_comp_time_and_full_width(tmp_path: Path) -> None:
    path = monthly(
        tmp_path / "m.xlsx",
        [
            (
                1,
                {
                    9: "迟到5分钟,早退10分钟",
                    12: "迟到１２分钟",
                    13: "严重迟到45分钟",
                    14: "补卡审批通过",
                },
            ),
            (
                5,
                {
                    10: "休息日加班4小时(转调休)",
                    11: "休息日加班8小时（转加班费）",
                    3: "节假日加班1天",
                },
            ),
            (3, {15: "年假1天", 16: "事假4小时", 19: "下班缺卡", 20: "病假1天；上班缺卡"}),
        ],
    )
    found = detect_profile(path)
    assert found is not None and found.id == "dingtalk_monthly"
    imported = import_export(path, OCTOBER, ROSTER)
    # Day d is column G + d - 1 (six totals columns before day 1).
    assert events(imported) == [
        ("KF001", "2026-10-09", "late", "5", ""),
        ("KF001", "2026-10-09", "early_leave", "10", ""),
        ("KF001", "2026-10-12", "late", "12", ""),
        ("KF001", "2026-10-13", "late", "45", ""),
        ("KF005", "2026-10-03", "overtime", "1", "holiday"),
        ("KF005", "2026-10-10", "overtime", "0.5", "rest_day;comp_time"),
        ("KF005", "2026-10-11", "overtime", "1", "rest_day"),
        ("KF003", "2026-10-15", "paid_leave", "1", ""),  # 年假1天: paid leave (issue 15)
        ("KF003", "2026-10-16", "personal_leave", "0.5", ""),
        ("KF003", "2026-10-20", "sick_leave", "1", ""),
    ]
    assert reviews(imported) == [
        ("KF003", "2026-10-19", "下班缺卡", "月度汇总!Y6"),
        ("KF003", "2026-10-20", "上班缺卡", "月度汇总!Z6"),
    ]


def test_a_wording_or_unit_no_rule_knows_stops_the_import(tmp_path: Path) -> None:
    path = monthly(tmp_path / "m.xlsx", [(1, {9: "迟到十二分钟", 12: "事假1周"})])
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(str(path), None, "月度汇总!O4", "day cell '迟到十二分钟': '迟到十二分钟' is not a wording the profile knows"),
        Issue(str(path), None, "月度汇总!R4", "day cell '事假1周': unit '周' is not understood (known: 分钟, 分, 小时, 时, 天, 日)"),
    ]  # fmt: skip


def test_a_monthly_summary_must_say_its_month(tmp_path: Path) -> None:
    path = monthly(tmp_path / "m.xlsx", [(1, {})], title="月度汇总")
    assert failed(import_export(path, OCTOBER, ROSTER)) == [
        Issue(
            str(path),
            None,
            None,
            "the export does not say which dates it covers (no cell above the header matches "
            "'统计日期:?\\\\s*(?P<start>[\\\\d/.-]+)\\\\s*至\\\\s*(?P<end>[\\\\d/.-]+)'); "
            "its days are numbers without a month",
        )
    ]


# --- 钉钉原始记录 and ZKTeco variants --------------------------------------------------------

RAW_HEADER = ["姓名", "工号", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果"]


def raw(path: Path, punches: Sequence[tuple[int, str, str, str, str]]) -> Path:
    rows: list[Sequence[object]] = [["原始记录 统计日期：2026-10-01 至 2026-10-31"], RAW_HEADER]
    rows += [
        [NAMES[n - 1], f"KF00{n}", None, day, due, at, result]
        for n, day, due, at, result in punches
    ]
    return save(path, rows, "原始记录")


def test_raw_results_decide_and_missing_punches_go_to_review(tmp_path: Path) -> None:
    day = "2026-10-09"
    path = raw(
        tmp_path / "r.xlsx",
        [
            (1, day, "上班 09:00", f"{day} 09:07", "严重迟到"),
            (1, day, "下班 18:00", f"{day} 18:00", "正常"),
            (2, day, "上班 09:00", "", "缺卡"),
            (2, day, "下班 18:00", f"{day} 18:03", "正常"),
            (3, day, "上班 09:00", f"{day} 09:20", "补卡审批通过"),
            (3, day, "下班 18:00", f"{day} 18:03", "正常"),
        ],
    )
    imported = import_export(path, OCTOBER, ROSTER)
    assert events(imported) == [("KF001", day, "late", "7", "")]
    # One item for the missing punch: the row's 考勤时间 says which one it is.
    assert reviews(imported) == [("KF002", day, "上班缺卡", "原始记录!G5")]
    bad = raw(tmp_path / "bad.xlsx", [(1, day, "上班 09:00", f"{day} 09:07", "迟到了")])
    assert failed(import_export(bad, OCTOBER, ROSTER)) == [
        Issue(str(bad), None, "原始记录!G3", "打卡结果 '迟到了' is not a result the profile knows")
    ]


def zkteco(
    path: Path, punches: dict[int, dict[int, str]], period: str = "2026-10-01 ~ 2026-10-31"
) -> Path:
    rows: list[Sequence[object]] = [
        ["考勤记录表"],
        [],
        ["考勤日期:", None, period],
        list(range(1, 32)),
    ]
    for n, days in punches.items():
        rows.append(
            ["工 号:", None, f"KF00{n}", None, None, None, None, None, "姓 名:", None, NAMES[n - 1]]
        )
        rows.append([days.get(d) for d in range(1, 32)])
    return save(path, rows, "刷卡记录")


def test_zkteco_lone_punches_many_punches_and_hours_late(tmp_path: Path) -> None:
    week = {d: "08:5518:02" for d in (12, 13, 14, 15, 16)}  # Monday to Friday
    path = zkteco(
        tmp_path / "z.xlsx",
        {
            1: {**week, 12: "08:5512:0113:0218:03", 13: "09:05"},
            2: {**week, 14: "11:3018:00", 15: "08:5917:55"},
        },
    )
    imported = import_export(path, OCTOBER, ROSTER)
    assert events(imported) == [  # a lone 09:05 is never a penalty (issue 15): only reviewed
        ("KF002", "2026-10-15", "early_leave", "5", ""),
    ]
    assert reviews(imported) == [
        ("KF001", "2026-10-13", "下班缺卡，仅一次打卡 09:05（迟到5分钟，未计）", "刷卡记录!M6"),
        ("KF002", "2026-10-14", "上班打卡 11:30，迟到150分钟（请假？）", "刷卡记录!N8"),
    ]
    september = zkteco(tmp_path / "s.xlsx", {1: week}, period="2026-09-01 ~ 2026-09-30")
    assert failed(import_export(september, OCTOBER, ROSTER)) == [
        Issue(str(september), None, "刷卡记录!C3", "the export covers 2026-09-01 to 2026-09-30, not the month being run (2026-10)")
    ]  # fmt: skip


@pytest.mark.parametrize("engine", ["openpyxl"])
def test_the_engine_can_be_chosen(tmp_path: Path, engine: str) -> None:
    path = zkteco(tmp_path / "z.xlsx", {1: {12: "09:1018:00"}})
    assert events(import_export(path, OCTOBER, ROSTER, engine=engine)) == [
        ("KF001", "2026-10-12", "late", "10", "")
    ]
