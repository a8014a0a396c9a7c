"""Punches against a schedule, for the punch-only layouts (钉钉原始记录, 中控 ZKTeco).

A punch-only export lists punches, not days: it cannot tell approved leave from absence,
nor a holiday from a day nobody came. So this module never makes an absence or a leave:
a working day without punches, a missing punch, punches on a day off are review items
for the manager, and so is a day with a single punch, whatever its time (`lone_punch`).
Which days are working days comes from the export itself: a day on which at least the
profile's ``workday_quorum`` of its employees punched (public holidays and 调休 make-up
days included, which a format profile cannot know per year).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from appraisal.read.imports.profile import Schedule
from appraisal.read.imports.reading import Reading
from appraisal.read.imports.records import Who
from appraisal.read.imports.values import minutes_between

__all__ = ["OFF", "ON", "Punch", "PunchLog", "check_days", "judge_by_shift", "lone_punch"]

ON, OFF = "on", "off"  # clock-in (上班), clock-out (下班)


@dataclass(frozen=True)
class Punch:
    at: time
    row: int
    column: int
    duty: str | None  # ON or OFF when the export says; None when only the time is known
    shown: str  # the cell's text, for notes


@dataclass
class PunchLog:
    """Each person's punches by day, and where to point a review item of a day without any."""

    punches: dict[Who, dict[date, list[Punch]]] = field(default_factory=dict)
    day_cells: dict[tuple[Who, date], tuple[int, int]] = field(default_factory=dict)
    home: dict[Who, tuple[int, int]] = field(default_factory=dict)  # a person's first cell
    reviewed: set[tuple[Who, date, str]] = field(default_factory=set)  # missing punches the
    # export itself listed (a 缺卡 row), not to be reviewed twice

    def add(self, who: Who, day: date, punch: Punch) -> None:
        self.punches.setdefault(who, {}).setdefault(day, []).append(punch)


Judge = Callable[[Reading, Schedule, PunchLog, Who, date, list[Punch]], None]


def check_days(
    reading: Reading, schedule: Schedule, log: PunchLog, days: Iterable[date], judge: Judge
) -> None:
    """Review items for each person's days, and ``judge`` for each worked working day."""
    days = list(days)
    people = list(reading.people)
    if not people:
        return
    punched_on = {
        day: sum(1 for who in people if log.punches.get(who, {}).get(day)) for day in days
    }
    quorum = schedule.workday_quorum
    workdays = {day for day in days if Decimal(punched_on[day]) / len(people) >= quorum}
    texts = schedule.reviews
    for who in people:
        by_day = log.punches.get(who, {})
        for day in days:
            punches = sorted(by_day.get(day, []), key=lambda p: (p.at, p.row, p.column))
            if day not in workdays:
                if punches:
                    times = " ".join(f"{p.at:%H:%M}" for p in punches)
                    first = punches[0]
                    reading.review(
                        who, day, first.row, first.column, texts.off_day.format(times=times)
                    )
            elif not punches:
                row, column = log.day_cells.get((who, day)) or log.home[who]
                reading.review(who, day, row, column, texts.no_punch)
            else:
                judge(reading, schedule, log, who, day, punches)


def month_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def judge_by_duty(
    reading: Reading, schedule: Schedule, log: PunchLog, who: Who, day: date, punches: list[Punch]
) -> None:
    """An export that says which punch is which (原始记录): only a missing one to review;
    its lateness came from the export's own result column."""
    duties = {p.duty for p in punches}
    texts = schedule.reviews
    first = punches[0]
    for duty, text in ((ON, texts.missing_on), (OFF, texts.missing_off)):
        if duty not in duties and (who, day, duty) not in log.reviewed:
            reading.review(who, day, first.row, first.column, text)


def judge_by_shift(
    reading: Reading, schedule: Schedule, log: PunchLog, who: Who, day: date, punches: list[Punch]
) -> None:
    """An export of bare times (ZKTeco): the first punch is the clock-in, the last the
    clock-out. A lone punch is only an item to review, whatever its time: it is whichever
    end of the shift it is nearer to, and the other end is missing."""
    start, end = schedule.start, schedule.end
    assert start is not None and end is not None
    if len(punches) == 1:
        lone_punch(reading, schedule, who, day, punches[0])
        return
    first, last = punches[0], punches[-1]
    late = minutes_between(start, first.at)
    _deviation(reading, schedule, who, day, first, "late", late, schedule.reviews.long_late, start)
    early = minutes_between(last.at, end)
    long_early = schedule.reviews.long_early
    _deviation(reading, schedule, who, day, last, "early_leave", early, long_early, end)


def lone_punch(reading: Reading, schedule: Schedule, who: Who, day: date, punch: Punch) -> None:
    """A day's only punch: the other end of the shift is missing (上班缺卡 or 下班缺卡), and
    the punch is never a lateness or early leave (a forgotten punch cannot tell which it
    was), so minutes off its end of the shift are named in the item, not charged."""
    start, end = schedule.start, schedule.end
    assert start is not None and end is not None
    texts = schedule.reviews
    if abs(minutes_between(start, punch.at)) <= abs(minutes_between(punch.at, end)):
        missing, minutes, word = texts.missing_off, minutes_between(start, punch.at), "迟到"
    else:
        missing, minutes, word = texts.missing_on, minutes_between(punch.at, end), "早退"
    what = missing
    if minutes > schedule.grace_minutes:
        deviation = f"{word}{minutes}分钟"
        what = texts.lone_punch.format(
            missing=missing, time=f"{punch.at:%H:%M}", deviation=deviation
        )
    reading.review(who, day, punch.row, punch.column, what)


def _deviation(
    reading: Reading,
    schedule: Schedule,
    who: Who,
    day: date,
    punch: Punch,
    kind: str,
    minutes: int,
    long_text: str,
    shift_time: time,
) -> None:
    if minutes <= schedule.grace_minutes:
        return
    beyond = schedule.review_beyond_minutes
    if beyond is not None and minutes > beyond:
        # Hours late or early is more likely a half day's leave the punches cannot see.
        what = long_text.format(time=f"{punch.at:%H:%M}", minutes=minutes)
        reading.review(who, day, punch.row, punch.column, what)
        return
    shown = f"{day.day}日={punch.shown}（{'上班' if kind == 'late' else '下班'}{punch.at:%H:%M}，班次{shift_time:%H:%M}）"
    order = 0 if kind == "late" else 1
    reading.event(
        who,
        day,
        punch.row,
        punch.column,
        kind,
        Decimal(minutes),
        "minute",
        shown=shown,
        order=order,
    )
