"""Layout ``punch_rows``: one row per punch (钉钉原始记录).

Each row gives the scheduled time (考勤时间 ``上班 09:00``), the punch (打卡时间) and
the system's verdict (打卡结果). The verdict decides: it already counts flexible hours
and approvals (a half day's 病假 makes a 13:00 clock-out 正常), so lateness is taken
only where it says so, with the minutes between the scheduled time and the punch (a
punch written ``次日 00:30`` is on the next day: a clock-out after midnight is not early).
A day's only punch is never a penalty: its verdict becomes an item to review. Days
without punches and missing punches are left to `schedule.check_days`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from appraisal.i18n import _
from appraisal.read.imports.locate import Column
from appraisal.read.imports.profile import PunchRows, ResultRule, Schedule
from appraisal.read.imports.reading import Reading, cell_text
from appraisal.read.imports.records import Who
from appraisal.read.imports.schedule import (
    OFF,
    ON,
    Punch,
    PunchLog,
    check_days,
    judge_by_duty,
    month_days,
)
from appraisal.read.imports.values import as_punch, as_time, minutes_between, normalise
from appraisal.read.imports.workbook import Row

__all__ = ["read_punch_rows"]


@dataclass(frozen=True)
class _Columns:
    date: int
    scheduled: int
    punched: int
    result: int


def read_punch_rows(reading: Reading) -> None:
    spec = reading.profile.punch_rows
    schedule = reading.profile.schedule
    assert spec is not None and schedule is not None
    who_of = reading.employee_reader()
    found = [
        reading.column((spec.date,), "date"),
        reading.column((spec.scheduled,), "scheduled time"),
        reading.column((spec.punched,), "punch time"),
        reading.column((spec.result,), "punch result"),
    ]
    if who_of is None or reading.issues:
        return
    columns = _Columns(*(column.index for column in found if isinstance(column, Column)))
    rules: dict[str, ResultRule | None] = {}  # a month has few distinct results
    log = PunchLog()
    pending: list[_Verdict] = []
    for row, values in reading.located.rows:
        who = who_of(values, row)
        if who is None:
            continue
        log.home.setdefault(who, (row, columns.date))
        day = reading.day(_at(values, columns.date), reading.cell(row, columns.date))
        if day is None:
            continue
        result = normalise(cell_text(_at(values, columns.result)))
        if result not in rules:
            rules[result] = next((r for r in spec.results if re.fullmatch(r.match, result)), None)
        rule = rules[result]
        if rule is None:
            message = _("{result} {result2!r} is not a result the profile knows").format(
                result=spec.result, result2=result
            )
            reading.issue(reading.cell(row, columns.result), message)
            continue
        _read_punch(reading, spec, log, pending, who, day, row, values, columns, rule, result)
    reading.finish()
    if reading.issues:
        return
    _charge(reading, schedule, log, pending)
    period = reading.located.period
    start, end = period if period else (reading.month.first_day, reading.month.last_day)
    check_days(reading, schedule, log, month_days(start, end), judge_by_duty)


def _at(values: Row, index: int) -> object:
    return values[index] if index < len(values) else None


def _read_punch(
    reading: Reading,
    spec: PunchRows,
    log: PunchLog,
    pending: list[_Verdict],
    who: Who,
    day: date,
    row: int,
    values: Row,
    columns: _Columns,
    rule: ResultRule,
    result: str,
) -> None:
    scheduled_text = unicodedata.normalize("NFKC", cell_text(_at(values, columns.scheduled)))
    scheduled = re.search(spec.scheduled_pattern, scheduled_text)
    duty = None
    if scheduled is not None:
        duty = ON if normalise(scheduled["duty"]) == normalise(spec.on_duty) else OFF
    if rule.review is not None:
        said = normalise(scheduled["duty"]) if scheduled is not None else ""
        reading.review(who, day, row, columns.result, rule.review.format(duty=said))
        if duty is not None:
            log.reviewed.add((who, day, duty))
    found = as_punch(_at(values, columns.punched))
    if found is None:
        if rule.review is None:  # a 缺卡 row has no time; any other row needs one
            message = _("no punch time in {punched}").format(punched=spec.punched)
            reading.issue(reading.cell(row, columns.punched), message)
        return
    punched, days_later = found  # 次日 01:10: the next day's 01:10
    shown = cell_text(_at(values, columns.punched))
    log.add(who, day, Punch(punched, row, columns.punched, duty, shown))
    if rule.event is None:
        return
    due = as_time(scheduled["time"]) if scheduled is not None else None
    if due is None:
        message = _(
            "{result} {result2!r} needs the time in {scheduled}: {scheduled_text!r}"
        ).format(
            result=spec.result,
            result2=result,
            scheduled=spec.scheduled,
            scheduled_text=scheduled_text,
        )
        reading.issue(reading.cell(row, columns.scheduled), message)
        return
    minutes = minutes_between(due, punched, days_later)
    if rule.event == "early_leave":
        minutes = -minutes
    if minutes <= 0:  # the verdict and the times disagree: the manager decides
        what = f"{result}（打卡{shown}，考勤时间{due:%H:%M}）"
        reading.review(who, day, row, columns.result, what)
        return
    note = f"{spec.punched}={shown}（{scheduled_text}，{result}）"
    pending.append(_Verdict(who, day, row, columns.punched, rule.event, minutes, note, punched))


@dataclass(frozen=True)
class _Verdict:
    """A lateness or early leave the export's verdict gave, kept until the day's punches
    are all read: the only punch of a day is never a penalty."""

    who: Who
    day: date
    row: int
    column: int
    kind: str
    minutes: int
    note: str
    at: time


def _charge(reading: Reading, schedule: Schedule, log: PunchLog, verdicts: list[_Verdict]) -> None:
    texts = schedule.reviews
    for v in verdicts:
        if len(log.punches.get(v.who, {}).get(v.day, [])) == 1:
            missing, word = (
                (texts.missing_off, "迟到") if v.kind == "late" else (texts.missing_on, "早退")
            )
            what = texts.lone_punch.format(
                missing=missing, time=f"{v.at:%H:%M}", deviation=f"{word}{v.minutes}分钟"
            )
            reading.review(v.who, v.day, v.row, v.column, what)
            continue
        amount = Decimal(v.minutes)
        reading.event(v.who, v.day, v.row, v.column, v.kind, amount, "minute", shown=v.note)
