"""Import profiles are data: checked when loaded, every problem at its line, and enough on
their own to read an export of a new layout vendor without code."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from appraisal.domain.model import Employee, Issue, Month, Source
from appraisal.read.imports import ProfileError, import_export, load_profile, shipped_profiles

OCTOBER = Month(2026, 10)


def problems(tmp_path: Path, text: str) -> list[Issue]:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(error.value) == "\n".join(str(i) for i in error.value.issues)
    return error.value.issues


def test_the_shipped_profiles_load_by_id() -> None:
    titles = {p.id: p.title for p in shipped_profiles()}
    assert titles == {
        "dingtalk_daily": "钉钉每日统计",
        "dingtalk_monthly": "钉钉月度汇总",
        "dingtalk_raw": "钉钉原始记录",
        "zkteco": "中控考勤记录",
    }
    assert load_profile("dingtalk_monthly").layout == "day_columns"


def test_an_unknown_profile_id_suggests_the_nearest() -> None:
    with pytest.raises(ProfileError) as error:
        load_profile("dingtalk_dialy")
    assert [str(i) for i in error.value.issues] == [
        "dingtalk_dialy: no shipped import profile 'dingtalk_dialy' (did you mean "
        "'dingtalk_daily'?) (shipped: dingtalk_daily, dingtalk_monthly, dingtalk_raw, zkteco)"
    ]


def test_a_missing_profile_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ProfileError) as error:
        load_profile(missing)
    assert error.value.issues == [Issue(str(missing), None, None, "profile file not found")]


HEAD = """\
id: my_export
title: 我的导出
layout: day_rows
header:
  required: [姓名, 日期]
units: {分钟: minute}
employee:
  ids: [工号]
"""


def test_an_unknown_key_is_named_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    text = HEAD + "day_rows:\n  date: 日期\n  colums:\n    - {name: 迟到时长, event: late}\n"
    file = str(tmp_path / "profile.yaml")
    assert problems(tmp_path, text) == [
        Issue(file, 9, None, "day_rows.columns: missing"),
        Issue(file, 11, None, "day_rows.colums: unknown key 'colums' (did you mean 'columns'?)"),
    ]


def test_every_problem_of_a_profile_is_reported_at_its_line(tmp_path: Path) -> None:
    text = HEAD + (
        "day_rows:\n"  # line 9
        "  date: 日期\n"
        "  columns:\n"
        "    - {name: 迟到时长, event: late, review: 迟到}\n"  # line 12
        "    - {name: 加班, event: overtime, flags: [weekend]}\n"  # line 13
        "    - {name: 缺卡次数}\n"  # line 14
    )
    file = str(tmp_path / "profile.yaml")
    assert problems(tmp_path, text) == [
        Issue(file, 12, None, "day_rows.columns.0: give either event or review, not both"),
        Issue(
            file,
            13,
            None,
            "day_rows.columns.1.flags.0: Input should be 'holiday', 'rest_day' or 'comp_time'",
        ),
        Issue(file, 14, None, "day_rows.columns.2: a column needs an event or a review"),
    ]


def test_regular_expressions_and_times_are_checked(tmp_path: Path) -> None:
    text = """\
id: grid
title: 打卡表
layout: punch_grid
period: {pattern: '(?P<start>\\S+) ~ (?P<end>\\S+)', required: true}
units: {分钟: minute}
employee: {ids: [工号]}
punch_grid: {day_header: '(\\d+', punch: '\\d{1,2}:\\d{2}'}
schedule:
  start: '09:00'
  end: 18:00
  reviews: {no_punch: 无打卡, missing_on: 上班缺卡, missing_off: 下班缺卡, off_day: '休息日打卡 {when}', long_late: x, long_early: y}
"""
    file = str(tmp_path / "profile.yaml")
    assert problems(tmp_path, text) == [
        Issue(file, 7, None, "punch_grid.day_header: not a valid regular expression: missing ), unterminated subpattern at position 0"),
        Issue(file, 10, None, "schedule.end: write a time of day in quotes, e.g. '09:00'"),
        Issue(file, 11, None, "schedule.reviews: '休息日打卡 {when}': unknown placeholder when (allowed: ['times'])"),
    ]  # fmt: skip


def test_a_section_of_another_layout_is_refused(tmp_path: Path) -> None:
    text = (
        HEAD
        + "day_columns:\n  day_header: '(?P<day>\\d+)'\n  separators: ','\n  rules: [{match: 正常}]\n"
    )
    file = str(tmp_path / "profile.yaml")
    assert problems(tmp_path, text) == [
        Issue(file, 1, None, "(top): day_columns: belongs to layout day_columns, not day_rows")
    ]


def test_text_that_is_not_yaml_is_refused_at_its_line(tmp_path: Path) -> None:
    file = str(tmp_path / "profile.yaml")
    assert problems(tmp_path, "id: x\ntitle: [unclosed\nlayout: day_rows\n") == [
        Issue(file, 3, None, "not valid YAML: expected ',' or ']', but got ':'")
    ]


def test_a_new_vendors_export_needs_only_a_profile(tmp_path: Path) -> None:
    """A daily sheet in English with its own names, units and date format."""
    profile_path = tmp_path / "acme.yaml"
    profile_path.write_text(
        """\
id: acme_daily
title: ACME daily attendance
layout: day_rows
header: {required: [Staff No, Day]}
units: {min: minute, hrs: hour, days: day}
employee: {ids: [Staff No], name: Staff}
day_rows:
  date: Day
  columns:
    - {name: Late, event: late, required: true}
    - {name: Absent, event: absent, unit: day}
    - {name: Holiday OT, event: overtime, flags: [holiday]}
    - {name: Missed clock-in, review: 上班缺卡}
""",
        encoding="utf-8",
    )
    profile = load_profile(profile_path)
    path = tmp_path / "acme.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    rows: list[list[object]] = [
        ["Staff", "Staff No", "Day", "Late (min)", "Absent", "Holiday OT (hrs)", "Missed clock-in"],
        ["Wang Fang", "KF001", "2026/10/09", 12, 0, 0, 0],
        ["Li Qiang", "KF002", "2026/10/02", 0, 0, 4, 0],
        ["Li Qiang", "KF002", "2026/10/12", 0, 1, 0, 1],
    ]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    roster = [
        Employee("KF001", "王芳", "specialist", Source("roster.csv", 2)),
        Employee("KF002", "李强", "specialist", Source("roster.csv", 3)),
    ]
    imported = import_export(path, OCTOBER, roster, profile=profile)
    assert imported.issues == ()
    assert [cells[:5] for _, cells in imported.table.rows] == [
        ("KF001", "2026-10-09", "late", "12", ""),
        ("KF002", "2026-10-02", "overtime", "0.5", "holiday"),
        ("KF002", "2026-10-12", "absent", "1", ""),
    ]
    assert imported.table.rows[1][1][5] == "ACME daily attendance Sheet!F3 Holiday OT (hrs)=4"
    assert [(r.employee_id, r.what, r.cell) for r in imported.review] == [
        ("KF002", "上班缺卡", "Sheet!G4")
    ]
