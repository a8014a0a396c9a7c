"""Synthetic month for benchmarking: a roster and an events file the engine accepts.

    python bench/generate.py --employees 10000 --events-per-employee 10 \\
        --month 2026-10 --out DIR [--seed 1]

writes ``DIR/roster.csv`` and ``DIR/events.csv`` (the columns of interface.md). Every
row is valid under interface.md and docs/semantics.md: each employee gets the five base
criteria (基本考核标准) and a product-knowledge exam (产品知识考试) at month end, and the
rest of their rows come from a realistic mix of attendance (迟到, 早退, 旷工, 事假, 病假),
overtime (加班), rewards (奖励), penalties (处罚), metrics and the occasional level change.
Amounts and points always lie inside the ranges of the scheme. A few employees per
thousand take the rare paths (dismissal under clause 1/2 or a ``serious`` clause 8,
``serious`` cases of clauses 4/6/7/9, major faults, unfit certifications, promotions), so a
benchmark run exercises dismissal and demotion too; with 11 or more events per employee a
few habitual latecomers (迟到早退五次以上) are dismissed as well.

The output depends only on the arguments: one ``random.Random(seed)`` drives everything.
Files are UTF-8. Weekends are rest days, and ``HOLIDAYS`` lists the statutory holidays
(1–7 October for the usual benchmark month).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from appraisal import read

__all__ = ["EVENT_COLUMNS", "ROSTER_COLUMNS", "generate", "main"]

ROSTER_COLUMNS = list(read.ROSTER_COLUMNS)
EVENT_COLUMNS = list(read.EVENT_COLUMNS)

MANAGEMENT = ["intern", "specialist", "team_lead", "assistant_manager", "supervisor", "manager"]
LECTURERS = ["junior_lecturer", "mid_lecturer", "senior_lecturer"]
NEXT_LEVEL = {
    track[i]: track[i + 1] for track in (MANAGEMENT, LECTURERS) for i in range(len(track) - 1)
}
# Head-count weights: a pyramid on the management ladder, a small lecturer track.
LEVEL_WEIGHTS = {
    "intern": 8,
    "specialist": 48,
    "team_lead": 14,
    "assistant_manager": 5,
    "supervisor": 3,
    "manager": 1,
    "junior_lecturer": 10,
    "mid_lecturer": 7,
    "senior_lecturer": 4,
}
SERVICE_TEAMS = ["电话客服组", "来宾客服组", "在线客服组"]
LECTURER_TEAM = "讲师组"

# Statutory holidays (法定节假日) by month; other weekdays are working days.
HOLIDAYS: dict[int, range] = {1: range(1, 2), 5: range(1, 6), 10: range(1, 8)}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑"
    "梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯鹏晨婷雪琳慧佳欣怡"

# Rewards (奖励事项): clause -> (lowest, highest) amount in yuan. Clauses 3 and 4 pay "by
# benefit / improvement" with no bound in the scheme; the spread here is only plausible.
REWARD_AMOUNTS: dict[int, tuple[int, int]] = {
    1: (30, 200),
    2: (50, 200),
    3: (0, 2000),
    4: (0, 1000),
    5: (50, 200),
    6: (30, 100),
}
REWARD_NOTES = {
    1: "特殊情况下牺牲个人利益支援团队",
    2: "合理化建议被采纳",
    3: "建议被采纳，带来直接效益",
    4: "带动小组业绩整体提升",
    5: "业务量达标，客户多次表扬",
    6: "额外完成职责外工作",
}
# Everyday penalties (处罚事项) by weight; dismissal clauses 1 and 2 are drawn separately.
PENALTY_WEIGHTS = {3: 8, 6: 10, 7: 8, 8: 3, 9: 10, 10: 6, 11: 12, 12: 12, 13: 10}
PENALTY_NOTES = {
    1: "严重违反职业道德",
    2: "私自截留客户款项",
    3: "工作失误造成问题",
    6: "客户投诉服务态度差",
    7: "未完成上级下达的业务指标",
    8: "在同事中散布不良情绪",
    9: "上班时间做与工作无关的事",
    10: "缺乏团队精神，单独行事",
    11: "值日未做",
    12: "例会迟到",
    13: "着装不规范",
}

Row = dict[str, str]

DISMISSAL_RATE = 0.003  # share of employees dismissed under penalty clause 1 or 2
LATECOMER_RATE = 0.002  # share late or leaving early 5 times (needs 5 free rows)
PROMOTION_RATE = 0.03  # share of employees with a promotion application (70% approved)
SERIOUS_RATE = 0.02  # share of clause 6/7/8/9 penalties (and 0.5% of lateness) flagged serious


def _event(employee_id: str, day: date, kind: str, **fields: object) -> Row:
    row = dict.fromkeys(EVENT_COLUMNS, "")
    row.update({"employee_id": employee_id, "date": day.isoformat(), "kind": kind})
    row.update({key: str(value) for key, value in fields.items()})
    return row


class _Calendar:
    """The month's days sorted into working days, rest days (周末) and holidays."""

    def __init__(self, month: str) -> None:
        try:
            year, number = (int(part) for part in month.split("-"))
            first = date(year, number, 1)
        except ValueError:
            raise ValueError(f"month must be YYYY-MM, got {month!r}") from None
        following = date(year + number // 12, number % 12 + 1, 1)
        days = [first + timedelta(days=n) for n in range((following - first).days)]
        holidays = {date(year, number, d) for d in HOLIDAYS.get(number, range(0))}
        self.first = first
        self.holidays = sorted(holidays)
        self.rest_days = [d for d in days if d.weekday() >= 5 and d not in holidays]
        self.working_days = [d for d in days if d.weekday() < 5 and d not in holidays]
        self.month_end = self.working_days[-1]  # criteria, exam and metrics are dated here


class _Month:
    """One employee's month: the calendar, the random source and the days already used.

    Attendance and overtime rows of one employee fall on distinct days while free days
    remain, so nobody is late, on leave and doing overtime on the same date.
    """

    def __init__(self, employee_id: str, calendar: _Calendar, rng: random.Random) -> None:
        self.employee_id = employee_id
        self.calendar = calendar
        self.rng = rng
        self._used: set[date] = set()

    def day(self, candidates: Sequence[date]) -> date:
        free = [d for d in candidates if d not in self._used] or list(candidates)
        chosen = self.rng.choice(free)
        self._used.add(chosen)
        return chosen

    def half_days(self) -> str:
        return self.rng.choice(["0.5", "1"])

    def event(self, day: date, kind: str, **fields: object) -> Row:
        return _event(self.employee_id, day, kind, **fields)


def _roster(employees: int, calendar: _Calendar, rng: random.Random) -> list[Row]:
    width = max(3, len(str(employees)))
    levels = list(LEVEL_WEIGHTS)
    weights = list(LEVEL_WEIGHTS.values())
    roster: list[Row] = []
    for number in range(1, employees + 1):
        level = rng.choices(levels, weights)[0]
        if level == "intern":  # probation 1–3 months (实习期限为1–3个月)
            hired = calendar.first - timedelta(days=rng.randint(20, 90))
        else:
            hired = calendar.first - timedelta(days=rng.randint(120, 365 * 10))
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        team = LECTURER_TEAM if level in LECTURERS else rng.choice(SERVICE_TEAMS)
        roster.append(
            {
                "employee_id": f"KF{number:0{width}d}",
                "name": name,
                "level": level,
                "hire_date": hired.isoformat(),
                "department": team,
            }
        )
    return roster


def _month_end_rows(m: _Month) -> list[Row]:
    day = m.calendar.month_end
    rows = [
        m.event(day, "criterion", value=int(m.rng.random() < 0.96), clause=clause)
        for clause in range(1, 6)
    ]
    # Mostly B–C, some A, and a thin tail of weak results down to E and below 60.
    weak = m.rng.random() < 0.03
    score = m.rng.uniform(50, 80) if weak else min(100.0, m.rng.gauss(88, 6))
    exam = round(score) if m.rng.random() < 0.8 else round(score, 1)
    rows.append(m.event(day, "exam", value=exam, note="产品知识考试"))
    return rows


def _attendance(m: _Month) -> Row:
    day = m.day(m.calendar.working_days)
    roll = m.rng.random()
    if roll < 0.45:
        minutes = m.rng.randint(1, 30) if m.rng.random() < 0.7 else m.rng.randint(31, 90)
        flags = "serious" if m.rng.random() < SERIOUS_RATE / 4 else ""
        return m.event(day, "late", value=minutes, flags=flags, note="迟到")
    if roll < 0.6:
        excused = m.rng.random() < 0.4
        return m.event(
            day,
            "early_leave",
            value=m.rng.randint(10, 120),
            flags="excused" if excused else "",
            note="事先请示，经批准" if excused else "无故早退",
        )
    if roll < 0.68:
        return m.event(day, "absent", value=m.half_days(), note="旷工")
    if roll < 0.88:
        return m.event(day, "personal_leave", value=m.half_days(), note="事假")
    return m.event(day, "sick_leave", value=m.half_days(), note="病假")


def _overtime(m: _Month) -> Row:
    roll = m.rng.random()
    calendar = m.calendar
    if roll < 0.3 and calendar.holidays:
        day, flags = m.day(calendar.holidays), ["holiday"]
    elif roll < 0.85 and calendar.rest_days:
        day, flags = m.day(calendar.rest_days), ["rest_day"]
    else:
        day, flags = m.day(calendar.working_days), []  # working-day overtime: unpaid
    extra = m.rng.random()
    if extra < 0.15 and flags:
        flags.append("comp_time")  # 补休 instead of pay
    elif extra < 0.2:
        flags.append("self_caused")  # own low efficiency: unpaid
    return m.event(day, "overtime", value=m.half_days(), flags=";".join(flags), note="加班")


def _reward(m: _Month) -> Row:
    clause = m.rng.choice(list(REWARD_AMOUNTS))
    low, high = REWARD_AMOUNTS[clause]
    return m.event(
        m.day(m.calendar.working_days),
        "reward",
        clause=clause,
        amount=m.rng.randint(low // 10, high // 10) * 10,
        points=m.rng.randint(5, 10) if clause == 6 else "",
        note=REWARD_NOTES[clause],
    )


def _penalty(m: _Month) -> Row:
    clause = m.rng.choices(list(PENALTY_WEIGHTS), list(PENALTY_WEIGHTS.values()))[0]
    draw = m.rng.randint  # fines are whole tens of yuan: draw(5, 20) * 10 is 50–200
    amount: object = ""
    points: object = ""
    if clause == 3:  # fine "as decided", optional
        points, amount = draw(5, 20), m.rng.choice(["", draw(1, 20) * 10])
    elif clause in (6, 7):  # clause 6: not charged on a first offence (首次警告)
        amount = draw(5, 20) * 10
    elif clause == 8:  # serious: harms company interests, dismissal
        amount = draw(10, 20) * 10
    elif clause == 9:  # no amount = a warning
        points, amount = draw(5, 10), m.rng.choice(["", draw(3, 10) * 10])
    elif clause == 10:
        points, amount = draw(5, 10), draw(3, 10) * 10
    serious = clause in (6, 7, 8, 9) and m.rng.random() < SERIOUS_RATE
    return m.event(
        m.day(m.calendar.working_days),
        "penalty",
        clause=clause,
        amount=amount,
        points=points,
        flags="serious" if serious else "",
        note=PENALTY_NOTES[clause],
    )


def _metric(m: _Month) -> Row:
    csat = round(min(100.0, max(60.0, m.rng.gauss(91, 4))), 1)
    return m.event(m.calendar.month_end, "metric", value=csat, clause="csat", note="客户满意度")


def _fault(m: _Month) -> Row:
    if m.rng.random() < 0.5:
        return m.event(m.day(m.calendar.working_days), "major_fault", note="重大过错")
    return m.event(m.calendar.month_end, "unfit", note="经观察不能胜任本岗位，领导已批准")


# The mix of an employee's rows beyond the six month-end ones, by weight.
MIX: list[tuple[Callable[[_Month], Row], float]] = [
    (_attendance, 40),
    (_overtime, 12),
    (_reward, 14),
    (_penalty, 16),
    (_metric, 12),
    (_fault, 0.3),
]


def _special_rows(m: _Month, level: str, room: int) -> list[Row]:
    """At most one of: a dismissal with its 开除 settlement row, five late arrivals or
    unexcused early leaves, or a promotion application."""
    if room >= 5 and m.rng.random() < LATECOMER_RATE:
        return [
            m.event(m.day(m.calendar.working_days), "late", value=m.rng.randint(5, 40), note="迟到")
            for _ in range(4)
        ] + [m.event(m.day(m.calendar.working_days), "early_leave", value=30, note="无故早退")]
    if room >= 2 and m.rng.random() < DISMISSAL_RATE:
        clause = m.rng.choice([1, 2])
        loss = m.rng.randint(10, 500) * 10 if clause == 2 else ""  # reported, not deducted
        worked = m.rng.randint(1, len(m.calendar.working_days))
        leaving = m.calendar.working_days[worked - 1]
        return [
            m.event(leaving, "penalty", clause=clause, amount=loss, note=PENALTY_NOTES[clause]),
            m.event(leaving, "termination", value=worked, note="开除"),
        ]
    target = NEXT_LEVEL.get(level)
    if room >= 1 and target and m.rng.random() < PROMOTION_RATE:
        flags = "approved" if m.rng.random() < 0.7 else ""
        return [m.event(m.calendar.month_end, "promotion", flags=flags, note=target)]
    return []


def _extra_rows(m: _Month, level: str, count: int) -> list[Row]:
    makers = [maker for maker, _ in MIX]
    weights = [weight for _, weight in MIX]
    rows = _special_rows(m, level, count)
    has_metric = False
    while len(rows) < count:
        maker = m.rng.choices(makers, weights)[0]
        if maker is _metric and has_metric:
            maker = _attendance  # one CSAT figure a month
        has_metric = has_metric or maker is _metric
        rows.append(maker(m))
    return rows


def generate(
    employees: int, events_per_employee: int, month: str, seed: int
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return (roster rows, event rows) of a synthetic month, both keyed by column name.

    ``events_per_employee`` counts every row of an employee, the five criteria and the
    exam included, so it must be at least 6.
    """
    if employees < 1:
        raise ValueError("employees must be at least 1")
    if events_per_employee < 6:
        raise ValueError("events_per_employee must be at least 6 (five criteria and an exam)")
    rng = random.Random(seed)
    calendar = _Calendar(month)
    roster = _roster(employees, calendar, rng)
    events: list[Row] = []
    for employee in roster:
        m = _Month(employee["employee_id"], calendar, rng)
        events.extend(_month_end_rows(m))
        events.extend(_extra_rows(m, employee["level"], events_per_employee - 6))
    return roster, events


def _write(path: Path, columns: Sequence[str], rows: list[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic month for benchmarking.")
    parser.add_argument("--employees", type=int, required=True)
    parser.add_argument("--events-per-employee", type=int, required=True)
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        roster, events = generate(args.employees, args.events_per_employee, args.month, args.seed)
    except ValueError as error:
        parser.error(str(error))
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "roster.csv", ROSTER_COLUMNS, roster)
    _write(args.out / "events.csv", EVENT_COLUMNS, events)
    elapsed = time.perf_counter() - started
    print(
        f"{len(roster)} employees, {len(events)} events -> {args.out} ({elapsed:.2f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
