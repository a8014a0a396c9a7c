"""ZKTeco reports as the time clocks write them (issue 15, items 1, 2 and 6).

Two genuine KQ803 weekly reports (../shared/fixtures/real, copied to
tests/fixtures/real) must import to exactly the events worked by hand beside them, and a
`run` on an import must give the results of a `run` on those events. The 考勤汇总表
workbook is built by tests/fixtures/imports_real/make.py; its events and review items
below are worked from the cells that script writes.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from appraisal.cli import main
from appraisal.domain.model import Employee, Month, Source
from appraisal.read import parse_events
from appraisal.read.imports import Imported, detect_profile, import_export

REAL = Path(__file__).parent / "fixtures" / "real"
HERE = Path(__file__).parent / "fixtures" / "imports_real"
SEPTEMBER = Month(2021, 9)
ROSTER = [
    Employee(f"KF00{n}", name, "specialist", Source("roster.csv", n + 1))
    for n, name in enumerate(["王芳", "李强", "张敏"], start=1)
]


def make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("imports_real_make", HERE / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def events(imported: Imported, month: Month) -> list[tuple[str, ...]]:
    """(employee_id, date, kind, value, flags) of each event; they must parse cleanly."""
    assert imported.issues == ()
    parsed, issues = parse_events(imported.table, month)
    assert issues == [] and len(parsed) == len(imported.table.rows)
    return [cells[:5] for _, cells in imported.table.rows]


def reviews(imported: Imported) -> list[tuple[str, str, str, str]]:
    return [(r.employee_id, r.date.isoformat(), r.what, r.cell) for r in imported.review]


# --- the two real reports ----------------------------------------------------------------


def expected(name: str) -> list[dict[str, str]]:
    with open(REAL / f"{name}.expected.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("campus", ["a", "b"])
def test_a_real_weekly_report_imports_to_exactly_its_expected_events(
    campus: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"zkteco_campus-{campus}_2017-07"
    out = tmp_path / "events.csv"
    roster = REAL / f"{name}.roster.csv"
    export = REAL / f"{name}.xlsx"
    args = ["import", str(export), "--month", "2017-07", "-o", str(out), "--roster", str(roster)]
    assert main(args) == 0
    with open(out, encoding="utf-8") as handle:
        imported = list(csv.DictReader(handle))
    columns = ("employee_id", "date", "kind", "value", "clause", "amount", "points", "flags")
    want = expected(name)
    assert [[r[c] for c in columns] for r in imported] == [[r[c] for c in columns] for r in want]
    for got, said in zip(imported, want, strict=True):
        cell, text = said["note"].split(" ", 1)  # "Sheet1!B6 09:3421:24"
        assert f" {cell} " in got["note"] and text in got["note"]
    capsys.readouterr()
    # A run on the import gives the results of a run on the expected events.
    results = []
    for events_file in (out, REAL / f"{name}.expected.csv"):
        json_path = tmp_path / f"{events_file.stem}.json"
        args = ["run", "--month", "2017-07", "--roster", str(roster), "--events", str(events_file)]
        args += ["--allow-unappraised"]  # a punch-clock report has no criterion or exam rows
        ledger = tmp_path / f"{events_file.stem}.db"
        assert main([*args, "--ledger", str(ledger), "--json", str(json_path)]) == 0
        results.append(json_path.read_text(encoding="utf-8").replace(events_file.name, "EVENTS"))
    assert results[0] == results[1]
    assert json.loads(results[0])["employees"]  # the people of the roster were evaluated


def test_the_real_report_a_lone_punch_is_reviewed_not_charged() -> None:
    """Campus A, Mary (7) on 5 July: a lone 17:34. Nearer the end of the 09:00–18:00 shift,
    so the clock-in is missing; 26 minutes before 18:00 is named, never an early leave
    (the profile's first version charged 187.36 yuan for it)."""
    name = "zkteco_campus-a_2017-07"
    roster = [Employee(i, n, "specialist", Source("r.csv", 2)) for i, n in (("7", "Mary"), ("8", "Bob"), ("9", "Jack"))]  # fmt: skip
    imported = import_export(REAL / f"{name}.xlsx", Month(2017, 7), roster)
    assert events(imported, Month(2017, 7)) == [("7", "2017-07-02", "late", "34", "")]
    assert (
        "7",
        "2017-07-05",
        "上班缺卡，仅一次打卡 17:34（早退26分钟，未计）",
        "Sheet1!E6",
    ) in reviews(imported)
    found = detect_profile(REAL / f"{name}.xlsx")
    assert found is not None and found.id == "zkteco"


# --- item 1: the 考勤汇总表 workbook and other report shapes -------------------------------


def test_the_punch_sheet_of_a_four_sheet_zkteco_workbook_is_read(tmp_path: Path) -> None:
    """刷卡记录 is the third sheet; 排班信息 before it has day numbers too, but no labels.
    Period 2021/09/01 ~ 09/30 (客服中心); 工 号： with a full-width colon; punches on lines
    of their own, apart with a space, or run together. Shift 09:00–18:00."""
    path = make().zkteco_summary(tmp_path / "z.xlsx")
    found = detect_profile(path)
    assert found is not None and found.id == "zkteco"
    imported = import_export(path, SEPTEMBER, ROSTER)
    assert events(imported, SEPTEMBER) == [
        ("KF001", "2021-09-06", "late", "27", ""),  # 09:27\n18:54\n
        ("KF002", "2021-09-08", "early_leave", "20", ""),  # "08:50 17:40"
        ("KF003", "2021-09-13", "late", "5", ""),  # 09:0518:00
    ]
    assert (
        imported.table.rows[0][1][5]
        == "中控考勤记录 刷卡记录!F6 6日=09:27 18:54（上班09:27，班次09:00）"
    )
    assert reviews(imported) == [
        ("KF001", "2021-09-07", "上班缺卡，仅一次打卡 17:34（早退26分钟，未计）", "刷卡记录!G6"),
        ("KF002", "2021-09-09", "工作日无打卡记录", "刷卡记录!I8"),
        ("KF003", "2021-09-11", "非工作日打卡 09:00 12:00（加班？请按审批录入）", "刷卡记录!K10"),
    ]


def report(path: Path, period: str, days: list[int], punches: list[list[str | None]]) -> Path:
    """A KQ803 report on its own sheet, after two empty sheets as the device writes it."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Sheet2"
    book.create_sheet("Sheet3")
    sheet = book.create_sheet("Sheet1")
    sheet.append(["考 勤 记 录 表"])
    sheet.append([])
    sheet.append(["考勤时间", None, period])
    sheet.append(days)
    for n, cells in enumerate(punches, start=1):
        sheet.append(["工 号:", None, f"KF00{n}", None, None, None, None, None, "姓 名:", None, ROSTER[n - 1].name])  # fmt: skip
        sheet.append(cells)
    book.save(path)
    return path


@pytest.mark.parametrize(
    "period",
    ["2021-09-06 ~ 2021-09-08", "2021/09/06 ~ 09/08", "2021-09-06 至 09-08（客服中心）"],
)
def test_a_report_of_three_days_with_any_period_wording(tmp_path: Path, period: str) -> None:
    # 6–8 September 2021 (Monday to Wednesday); both punched each day: all working days.
    path = report(
        tmp_path / "w.xlsx",
        period,
        [6, 7, 8],
        [
            ["09:1018:00", "08:5918:00", "09:00\n17:50\n"],
            ["08:5018:05", "08:5518:10", "08:5718:01"],
        ],
    )
    imported = import_export(path, SEPTEMBER, ROSTER)
    assert events(imported, SEPTEMBER) == [
        ("KF001", "2021-09-06", "late", "10", ""),
        ("KF001", "2021-09-08", "early_leave", "10", ""),
    ]
    assert reviews(imported) == []


def test_a_one_day_report_and_a_report_across_the_months_end(tmp_path: Path) -> None:
    one = report(tmp_path / "one.xlsx", "2021/09/30 ~ 09/30", [30], [["09:2018:00"], ["17:55"]])
    imported = import_export(one, SEPTEMBER, ROSTER)
    assert events(imported, SEPTEMBER) == [("KF001", "2021-09-30", "late", "20", "")]
    assert reviews(imported) == [("KF002", "2021-09-30", "上班缺卡，仅一次打卡 17:55（早退5分钟，未计）", "Sheet1!A8")]  # fmt: skip
    # 26 … 31 1 … 25: the period runs into October, which is not the month being run.
    across = report(
        tmp_path / "x.xlsx", "2021/08/26 ~ 09/25", [*range(26, 32), *range(1, 26)], [[]]
    )
    issues = import_export(across, SEPTEMBER, ROSTER).issues
    assert [(i.column, i.message) for i in issues] == [
        (
            "Sheet1!C3",
            "the export covers 2021-08-26 to 2021-09-25, not the month being run (2021-09)",
        )
    ]


# --- item 2: a lone punch is never a penalty -------------------------------------------------


@pytest.mark.parametrize(
    ("punch", "what"),
    [
        ("07:30", "下班缺卡"),  # early for the clock-in: nothing to name
        ("10:45", "下班缺卡，仅一次打卡 10:45（迟到105分钟，未计）"),
        ("13:40", "上班缺卡，仅一次打卡 13:40（早退260分钟，未计）"),
        ("17:34", "上班缺卡，仅一次打卡 17:34（早退26分钟，未计）"),
        ("23:10", "上班缺卡"),
    ],
)
def test_a_lone_punch_is_an_item_whatever_its_time(tmp_path: Path, punch: str, what: str) -> None:
    path = report(tmp_path / "l.xlsx", "2021-09-06 ~ 2021-09-06", [6], [[punch], ["08:5518:00"]])
    imported = import_export(path, SEPTEMBER, ROSTER)
    assert events(imported, SEPTEMBER) == []
    assert reviews(imported) == [("KF001", "2021-09-06", what, "Sheet1!A6")]  # row 6: the punches


def test_a_lone_punch_with_dingtalks_verdict_is_an_item_too(tmp_path: Path) -> None:
    """原始记录: the day's only punch, 09:40 严重迟到, and a 缺卡 row for the clock-out."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "原始记录"
    sheet.append(["原始记录 统计日期：2021-09-01 至 2021-09-30"])
    sheet.append(["姓名", "工号", "考勤日期", "考勤时间", "打卡时间", "打卡结果"])
    sheet.append(["王芳", "KF001", "2021-09-06", "上班 09:00", "2021-09-06 09:40", "严重迟到"])
    sheet.append(["王芳", "KF001", "2021-09-06", "下班 18:00", None, "缺卡"])
    sheet.append(["李强", "KF002", "2021-09-06", "上班 09:00", "2021-09-06 09:05", "迟到"])
    sheet.append(["李强", "KF002", "2021-09-06", "下班 18:00", "2021-09-06 18:00", "正常"])
    book.save(tmp_path / "raw.xlsx")
    imported = import_export(tmp_path / "raw.xlsx", SEPTEMBER, ROSTER)
    assert events(imported, SEPTEMBER) == [("KF002", "2021-09-06", "late", "5", "")]
    assert [r[2:] for r in reviews(imported) if r[0] == "KF001"] == [  # in the export's order
        ("下班缺卡，仅一次打卡 09:40（迟到40分钟，未计）", "原始记录!E3"),
        ("下班缺卡", "原始记录!F4"),
    ]


def test_the_fixtures_in_the_repository_are_what_make_py_builds(tmp_path: Path) -> None:
    builder = make()
    for name, build in (("zkteco_summary_2021-09.xlsx", builder.zkteco_summary), ("dingtalk_2024-03.xlsx", builder.dingtalk_2024)):  # fmt: skip
        fresh = build(tmp_path / name)
        for kept, made in zip(openpyxl.load_workbook(HERE / name), openpyxl.load_workbook(fresh), strict=True):  # fmt: skip
            assert kept.title == made.title
            assert list(kept.values) == list(made.values)
    assert re.fullmatch(r"employee_id,name,level,hire_date\n(KF00\d,\S+,specialist,2020-01-01\n){3}", (HERE / "roster.csv").read_text("utf-8"))  # fmt: skip
