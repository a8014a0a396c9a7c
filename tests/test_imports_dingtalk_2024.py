"""DingTalk as it really writes (issue 15, items 3, 4 and 5), and paid leave in the engine.

The four-sheet 2024 workbook is built by tests/fixtures/imports_real/make.py (March 2024,
shift 09:00–18:00, 8 hours a day); every event and item below is worked from the cells
that script writes (MONTHLY_CELLS, DAILY_DAYS), not copied from the program's output.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from datetime import date, time
from decimal import Decimal, localcontext
from pathlib import Path

import openpyxl
import pytest

from appraisal.cli import main
from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import TraceEntry
from appraisal.engine import attendance
from appraisal.engine.context import MonthContext, Rates
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import PolicyInForce, load_policy
from appraisal.read import parse_events
from appraisal.read.imports import Imported, import_export, load_profile
from appraisal.read.imports.values import as_punch
from appraisal.read.tables import Table

HERE = Path(__file__).parent / "fixtures" / "imports_real"
SHIPPED = Path(__file__).parent.parent / "policies" / "customer_service.yaml"
MARCH = Month(2024, 3)
PEOPLE = [("KF001", "王芳", "0000007919"), ("KF002", "李强", "0000015838"), ("KF003", "张敏", "0000023757")]  # fmt: skip
ROSTER = [Employee(i, n, "specialist", Source("roster.csv", 2)) for i, n, _ in PEOPLE]
LEAVE_CLAUSE = "处罚 5: 请事假半天扣除当日半天基本工资，一天扣除全天基本工资；病假扣除事假规定的50%"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("imports_real_make", HERE / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.dingtalk_2024(tmp_path_factory.mktemp("dingtalk") / "dingtalk_2024-03.xlsx")
    return path


def events(imported: Imported) -> list[tuple[str, ...]]:
    assert imported.issues == ()
    parsed, issues = parse_events(imported.table, MARCH)
    assert issues == [] and len(parsed) == len(imported.table.rows)
    return [cells[:5] for _, cells in imported.table.rows]


def reviews(imported: Imported) -> list[tuple[str, str, str, str]]:
    return [(r.employee_id, r.date.isoformat(), r.what, r.cell) for r in imported.review]


# --- item 4: the four-sheet workbook ------------------------------------------------------


def test_the_four_sheet_workbook_is_read_once_from_its_daily_sheet(workbook: Path) -> None:
    """每日统计 is read (rank 1); 月度汇总 and 原始记录 only cross-check it, so each
    lateness is one event, not three. 迟到时长 has no unit: minutes, and said so once."""
    imported = import_export(workbook, MARCH, ROSTER)
    assert imported.profile == "dingtalk_daily"
    assert events(imported) == [
        ("KF001", "2024-03-04", "late", "12", ""),
        ("KF001", "2024-03-05", "late", "65", ""),
        ("KF002", "2024-03-06", "personal_leave", "1", ""),  # 事假(小时) 8 = 1 day of 8 hours
        ("KF002", "2024-03-07", "sick_leave", "0.5", ""),  # 病假(小时) 4
        ("KF003", "2024-03-08", "paid_leave", "1", ""),  # 年假(天) 1: costs nothing, still traced
    ]
    assert reviews(imported) == [
        # 迟到时长 is column R; its first value is KF001's on 4 March.
        ("KF001", "2024-03-04", "迟到时长: 表头未注明单位，整列按分钟读入（dingtalk_daily 的默认单位 minute）", "每日统计!R3"),
        # 月度汇总 says 下班早退5分钟 on 11 March (day 11: column 35 + 11 = AT), 每日统计 nothing.
        ("KF002", "2024-03-11", "早退：每日统计 无，月度汇总 5分钟（工作表不一致，按每日统计导入，请核对）", "月度汇总!AT6"),
        # A Saturday only the other sheets review: 休息并打卡 (day 9: AR), and the raw punches
        # (KF003's rows start at 87: 1 March's two, then 4–7 March's eight).
        ("KF003", "2024-03-09", "休息并打卡（休息日打卡，加班？请按审批录入）", "月度汇总!AR7"),
        ("KF003", "2024-03-09", "非工作日打卡 10:00 15:00（加班？请按审批录入）", "原始记录!I97"),
    ]  # fmt: skip


def test_the_hidden_userid_column_is_read_like_any_other(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["每日统计"]
    assert sheet.column_dimensions["F"].hidden and sheet["F3"].value == "UserId"
    by_user_id = [Employee(u, n, "specialist", Source("roster.csv", 2)) for _, n, u in PEOPLE]
    imported = import_export(workbook, MARCH, by_user_id)
    assert [row[0] for row in events(imported)] == [
        "0000007919", "0000007919", "0000015838", "0000015838", "0000023757",
    ]  # fmt: skip


# --- item 3: day cells as DingTalk words them -----------------------------------------------


def test_monthly_day_cells_as_dingtalk_words_them(workbook: Path) -> None:
    imported = import_export(workbook, MARCH, ROSTER, profile=load_profile("dingtalk_monthly"))
    assert events(imported) == [
        ("KF001", "2024-03-04", "late", "12", ""),  # 上班迟到12分钟
        ("KF001", "2024-03-05", "late", "65", ""),  # 上班迟到1小时5分钟
        ("KF002", "2024-03-06", "personal_leave", "1", ""),  # 事假03-06 09:00到03-06 18:00 8小时
        ("KF002", "2024-03-07", "sick_leave", "0.5", ""),  # 病假… 4小时
        ("KF002", "2024-03-11", "early_leave", "5", ""),  # 下班早退5分钟
        ("KF003", "2024-03-08", "paid_leave", "1", ""),  # 年假… 1天
    ]
    assert reviews(imported) == [
        ("KF003", "2024-03-09", "休息并打卡（休息日打卡，加班？请按审批录入）", "月度汇总!AR7")
    ]


def test_an_unknown_wording_is_still_an_error_naming_its_cell(
    workbook: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book["月度汇总"]
    sheet["AU5"] = "上班迟到十分钟"  # KF001, day 12 (column 35 + 12)
    sheet["AV5"] = "调休03-13 09:00到03-13 18:00 1周"
    book.save(tmp_path / "m.xlsx")
    imported = import_export(tmp_path / "m.xlsx", MARCH, ROSTER, profile=load_profile("dingtalk_monthly"))  # fmt: skip
    assert [(i.column, i.message) for i in imported.issues] == [
        ("月度汇总!AU5", "day cell '上班迟到十分钟': '上班迟到十分钟' is not a wording the profile knows"),
        ("月度汇总!AV5", "day cell '调休03-13 09:00到03-13 18:00 1周': unit '周' is not understood (known: 分钟, 分, 小时, 时, 天, 日)"),
    ]  # fmt: skip


def test_a_profile_rule_takes_a_duration_or_a_value_not_both(tmp_path: Path) -> None:
    text = (Path(load_profile.__code__.co_filename).parent / "profiles" / "dingtalk_monthly.yaml").read_text("utf-8")  # fmt: skip
    broken = text.replace("(上班)?(严重)?迟到(?P<duration>", "(上班)?(严重)?迟到(?P<value>\\d+)(?P<duration>", 1)  # fmt: skip
    assert broken != text
    (tmp_path / "p.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(Exception, match="a \\(\\?P<duration>…\\) group takes the place of value and unit"):  # fmt: skip
        load_profile(tmp_path / "p.yaml")


# --- item 5: 次日 / 昨日 -----------------------------------------------------------------------


def test_next_and_previous_day_punch_times() -> None:
    assert as_punch("次日 00:30") == (time(0, 30), 1)
    assert as_punch("昨日 23:50") == (time(23, 50), -1)
    assert as_punch("18:05") == (time(18, 5), 0)
    assert as_punch("2024-03-12 18:05") == (time(18, 5), 0)


def test_a_clock_out_after_midnight_is_not_an_early_leave(tmp_path: Path) -> None:
    """原始记录 says 早退 for a 下班 punch of 次日 00:30 against 18:00: it is 390 minutes
    after the shift's end, not 1050 before it, so the manager decides, and nothing is
    charged. 每日统计 splits two early leaves of a shift ending 次日01:00 by their punches."""
    book = openpyxl.Workbook()
    raw = book.active
    assert raw is not None
    raw.title = "原始记录"
    raw.append(["原始记录 统计日期：2024-03-01 至 2024-03-31"])
    raw.append(["姓名", "工号", "考勤日期", "考勤时间", "打卡时间", "打卡结果"])
    raw.append(["王芳", "KF001", "2024-03-12", "上班 09:00", "09:00", "正常"])
    raw.append(["王芳", "KF001", "2024-03-12", "下班 18:00", "次日 00:30", "早退"])
    book.save(tmp_path / "raw.xlsx")
    imported = import_export(tmp_path / "raw.xlsx", MARCH, ROSTER)
    assert events(imported) == []
    assert reviews(imported) == [("KF001", "2024-03-12", "早退（打卡次日 00:30，考勤时间18:00）", "原始记录!F4")]  # fmt: skip
    book = openpyxl.Workbook()
    daily = book.active
    assert daily is not None
    daily.title = "每日统计"
    daily.append(["每日统计 统计日期：2024-03-01 至 2024-03-31"])
    daily.append(["姓名", "工号", "日期", "班次", "下班1打卡时间", "下班2打卡时间", "迟到次数", "迟到时长",
                  "早退次数", "早退时长", "旷工天数", "上班缺卡次数", "下班缺卡次数"])  # fmt: skip
    daily.append(["王芳", "KF001", "2024-03-12", "晚班 09:00-12:00 13:00-次日01:00", "11:50",
                  "次日 00:40", 0, 0, 2, 30, 0, 0, 0])  # fmt: skip
    book.save(tmp_path / "daily.xlsx")
    imported = import_export(tmp_path / "daily.xlsx", MARCH, ROSTER)
    assert events(imported) == [
        ("KF001", "2024-03-12", "early_leave", "10", ""),  # 11:50 for 12:00
        ("KF001", "2024-03-12", "early_leave", "20", ""),  # 次日 00:40 for 次日 01:00
    ]
    unit = "早退时长: 表头未注明单位，整列按分钟读入（dingtalk_daily 的默认单位 minute）"
    assert reviews(imported) == [("KF001", "2024-03-12", unit, "每日统计!J2")]


# --- paid leave: a kind that costs nothing unless the policy prices it ------------------------


@pytest.fixture
def money() -> Iterator[None]:
    with localcontext(CONTEXT):
        yield


def context(policy: PolicyInForce) -> MonthContext:
    employee = ROSTER[0]
    running = RunningMonth(employee, policy.levels["specialist"])
    level = policy.levels["specialist"]
    return MonthContext(policy, MARCH, employee, level, CarriedState(), Rates(policy), {}, running)


def paid(clause: str | None = "annual", days: str = "1") -> Event:
    return Event("KF001", date(2024, 3, 8), Kind.PAID_LEAVE, Source("events.csv", 2), Decimal(days), clause)  # fmt: skip


def test_paid_leave_reads_its_type_in_english_or_chinese() -> None:
    header = ("employee_id", "date", "kind", "value", "clause")
    rows = ((2, ("KF001", "2024-03-08", "带薪假", "1", "年假")), (3, ("KF001", "2024-03-11", "paid_leave", "0.5", "婚假 marriage")),
            (4, ("KF001", "2024-03-12", "paid_leave", "1", "holiday")), (5, ("KF001", "2024-03-13", "paid_leave", "2", "")))  # fmt: skip
    parsed, issues = parse_events(Table("e.csv", "e.csv", header, rows), MARCH)
    assert [(e.date.day, e.kind, e.value, e.clause) for e in parsed] == [
        (8, Kind.PAID_LEAVE, Decimal(1), "annual"),
        (11, Kind.PAID_LEAVE, Decimal("0.5"), "marriage"),
    ]
    assert [(i.row, i.column, i.message.split(";")[0]) for i in issues] == [
        (4, "clause", "unknown paid leave type 'holiday'"),
        (5, "value", "days of leave must be 0.5 or 1: a row is one date, and a date holds at most one day, got '2'"),
    ]  # fmt: skip


def test_paid_leave_costs_nothing_under_the_shipped_policy_and_is_traced(money: None) -> None:
    policy = load_policy().in_force(MARCH)
    assert attendance.on_paid_leave(context(policy), paid()) == (
        TraceEntry(
            "attendance.leave.paid",
            LEAVE_CLAUSE,
            "paid leave (年假 annual) 1 day(s): no deduction",
            Source("events.csv", 2),
        ),
    )


def test_a_policy_may_price_paid_leave(money: None, tmp_path: Path) -> None:
    path = tmp_path / "priced.yaml"
    path.write_text(
        f"extends: {SHIPPED}\noverride:\n  attendance:\n    leave:\n      paid_share: 0.5\n",
        encoding="utf-8",
    )
    policy = load_policy(path).in_force(MARCH)
    (entry,) = attendance.on_paid_leave(context(policy), paid("maternity", "0.5"))
    # Half of a day of 事假 (base 1000 / 21.75) for half a day: 1000 / 21.75 × 0.5 × 0.5.
    assert entry.pay_field == "leave_deduction"
    assert entry.yuan == Decimal(1000) / Decimal("21.75") * Decimal("0.5") * Decimal("0.5")
    assert (
        entry.effect
        == "paid leave (产假 maternity) 0.5 day(s): deduct 11.49 (0.5 of personal leave)"
    )


def test_paid_leave_reaches_the_trace_of_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Needs appraisal/engine/evaluate.py's HANDLERS to hold Kind.PAID_LEAVE."""
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,name,level\nKF001,王芳,specialist\n", encoding="utf-8")
    events_file = tmp_path / "events.csv"
    events_file.write_text("employee_id,date,kind,value,clause\nKF001,2024-03-08,paid_leave,1,年假\n", "utf-8")  # fmt: skip
    out = tmp_path / "r.json"
    args = ["run", "--month", "2024-03", "--roster", str(roster), "--events", str(events_file)]
    args += ["--allow-unappraised"]  # no criterion or exam row: the leave is what is checked
    assert main([*args, "--ledger", str(tmp_path / "l.db"), "--json", str(out)]) == 0
    (employee,) = json.loads(out.read_text("utf-8"))["employees"]
    assert employee["pay"]["leave_deduction"] == "0.00"
    assert {"rule": "attendance.leave.paid", "event": "events.csv:2", "effect": "paid leave (年假 annual) 1 day(s): no deduction"}.items() <= next(t for t in employee["trace"] if t["rule"] == "attendance.leave.paid").items()  # fmt: skip
