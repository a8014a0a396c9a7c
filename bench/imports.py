"""Benchmark: importing a DingTalk 每日统计 export of a large month.

    python bench/imports.py [--employees 2000] [--month 2026-10] [--seed 1] [--repeat 3]
                            [--engine auto|openpyxl|calamine] [--keep FILE.xlsx [--reuse]]

Generates a daily-statistics export laid out like the real one (title and
generation-time rows, the two-row header with 请假 and 加班 merged over their columns, one
row per employee per day: 2,000 employees × 31 days = 62,000 rows), with lateness, early
leave, absence, leave, overtime and missing punches mixed in. Generation is
deterministic (one ``random.Random(seed)``) and happens before the clock starts; then
`appraisal.imports.import_export` is timed, detection included, and the best of
``--repeat`` runs is printed with rows per second. ``--keep`` writes the export to a file
of your choice, and ``--reuse`` reads that file again instead of generating it anew
(for comparing engines on one file; the same arguments make the same file anyway).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from appraisal.domain.model import Employee, Month, Source
from appraisal.read.imports import import_export

TOP = [
    "姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次",
    "上班1打卡时间", "上班1打卡结果", "下班1打卡时间", "下班1打卡结果", "关联的审批单",
    "出勤天数", "休息天数", "工作时长(分钟)", "迟到次数", "迟到时长(分钟)", "严重迟到次数",
    "严重迟到时长(分钟)", "旷工迟到天数", "早退次数", "早退时长(分钟)", "上班缺卡次数",
    "下班缺卡次数", "旷工天数", "出差时长", "外出时长",
    "请假", None, None, None, "加班", None, None, None, None, None, None,
]  # fmt: skip
SUB = [None] * 28 + [
    "事假(天)", "病假(天)", "年假(天)", "调休(天)", "加班总时长(小时)",
    "工作日（转加班费）", "休息日（转加班费）", "节假日（转加班费）",
    "工作日（转调休）", "休息日（转调休）", "节假日（转调休）",
]  # fmt: skip
WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
HOLIDAYS = {date(2026, 10, d) for d in range(1, 8)}  # 国庆 in the benchmark month
COLUMN = {name: i for i, name in enumerate(TOP) if name}
COLUMN.update({name: i for i, name in enumerate(SUB) if name})


def roster_of(employees: int) -> list[Employee]:
    """The roster the generated export matches: 工号 KF00001, KF00002, …"""
    return [
        Employee(f"KF{n + 1:05d}", f"员工{n + 1:05d}", "specialist", Source("roster.csv", n + 2))
        for n in range(employees)
    ]


def generate(path: Path, employees: int, month: Month, seed: int) -> None:
    """Write the export of ``employees`` people for ``month`` to ``path``."""
    rng = random.Random(seed)
    days = [month.first_day + timedelta(days=n) for n in range(month.last_day.day)]
    # A normal (not write-only) workbook, as exports are: it stores the sheet's
    # dimension, without which openpyxl would scan the whole sheet once more to size it.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "每日统计"
    sheet.append([f"每日统计表 统计日期：{month.first_day} 至 {month.last_day}"])
    sheet.append([f"报表生成时间：{month.next().first_day} 09:12"])
    sheet.append(TOP)
    sheet.append(SUB)
    for employee in roster_of(employees):
        employee_id, name, n = employee.employee_id, employee.name, employee.source.row - 2
        person = [
            name,
            "客服部考勤",
            f"客服{n % 7 + 1}组",
            employee_id,
            "客服专员",
            f"{n * 7919:010d}",
        ]
        for day in days:
            sheet.append(person + _day(rng, day))
    workbook.save(path)


def _day(rng: random.Random, day: date) -> list[object]:
    cells: list[object] = [None] * (len(TOP) - 6)

    def put(column: str, value: object) -> None:
        cells[COLUMN[column] - 6] = value

    put("日期", f"{day:%y-%m-%d} {WEEKDAYS[day.weekday()]}")
    for column in ("迟到次数", "迟到时长(分钟)", "早退次数", "早退时长(分钟)", "上班缺卡次数"):
        put(column, 0)
    for column in (
        "下班缺卡次数",
        "旷工天数",
        "严重迟到次数",
        "严重迟到时长(分钟)",
        "旷工迟到天数",
    ):
        put(column, 0)
    if day in HOLIDAYS or day.weekday() >= 5:
        put("班次", "休息")
        if rng.random() < 0.02:
            put("节假日（转加班费）" if day in HOLIDAYS else "休息日（转调休）", 8)
        return cells
    put("班次", "正常班 09:00-18:00")
    roll = rng.random()
    arrive, leave = f"08:{rng.randint(40, 59)}", f"18:{rng.randint(0, 20):02d}"
    if roll < 0.05:
        minutes = rng.choice((3, 12, 25, 45, 75))
        arrive = f"{9 + minutes // 60:02d}:{minutes % 60:02d}"
        put("迟到次数", 1)
        put("迟到时长(分钟)", minutes)
    elif roll < 0.07:
        put("早退次数", 1)
        put("早退时长(分钟)", 20)
        leave = "17:40"
    elif roll < 0.08:
        put("事假(天)", rng.choice((0.5, 1)))
    elif roll < 0.09:
        put("病假(天)", 1)
    elif roll < 0.095:
        put("旷工天数", 1)
        return cells
    elif roll < 0.1:
        put("上班缺卡次数", 1)
        arrive = ""
    put("上班1打卡时间", arrive or None)
    put("上班1打卡结果", "正常" if arrive else "缺卡")
    put("下班1打卡时间", leave)
    put("下班1打卡结果", "正常")
    return cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=("auto", "openpyxl", "calamine"), default="auto")
    parser.add_argument("--keep", type=Path, help="write the generated export here")
    parser.add_argument("--reuse", action="store_true", help="read --keep again if it exists")
    args = parser.parse_args(argv)
    month = Month.parse(args.month)
    roster = roster_of(args.employees)
    rows = args.employees * month.last_day.day
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "每日统计.xlsx"
        if args.reuse and path.exists():
            print(f"reading {path} again")
        else:
            started = time.perf_counter()
            generate(path, args.employees, month, args.seed)
            print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s")
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            imported = import_export(path, month, roster, engine=args.engine)
            best = min(best, time.perf_counter() - started)
            if imported.issues:
                print("\n".join(str(issue) for issue in imported.issues[:10]), file=sys.stderr)
                return 1
        events, review = len(imported.table.rows), len(imported.review)
        print(
            f"imported {rows:,} rows ({events:,} events, {review:,} review items) "
            f"in {best:.2f} s: {rows / best:,.0f} rows/s (engine {args.engine}, "
            f"best of {args.repeat})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
