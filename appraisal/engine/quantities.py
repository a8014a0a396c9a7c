"""Quantities a day can hold, checked against the policy in force.

Part of the "validate" stage. The read stage has refused numbers no column can hold and
a leave or absence row of more than one day; what is left needs the policy:

- a lateness or early leave is at most one working day (attendance.hours_per_day);
- on one date, one employee's absence, personal leave and sick leave, and a lateness
  or early leave counted as a day's absence (处罚 4: 迟到一小时或以上视为旷工一日), add
  up to at most one day, so no day's wage is deducted twice;
- overtime on one date is at most the 24 hours of a day, in days of hours_per_day.

Each excess is an `Issue` naming the rows; nothing is clamped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from appraisal.domain.model import Event, Issue, Kind
from appraisal.domain.money import plain
from appraisal.i18n import _
from appraisal.policy.loaded import PolicyInForce

__all__ = ["absence_days_of_lateness", "quantities"]

HOURS_IN_A_DAY = Decimal(24)
_ONE_DAY = Decimal(1)
_MINUTES = (Kind.LATE, Kind.EARLY_LEAVE)
_DAYS = (Kind.ABSENT, Kind.PERSONAL_LEAVE, Kind.SICK_LEAVE, Kind.PAID_LEAVE)
_COUNTED = frozenset((*_MINUTES, *_DAYS, Kind.OVERTIME))


def absence_days_of_lateness(policy: PolicyInForce, event: Event) -> Decimal | None:
    """The days of absence a lateness or early leave counts as under the policy's tiers
    (处罚 4), or None when it counts as none: the tier the engine applies."""
    attendance = policy.doc.attendance
    if event.kind is Kind.EARLY_LEAVE:
        rules = attendance.early_leave
        treatment = rules.excused if "excused" in event.flags else rules.unexcused
        if treatment != "as_late":
            return None
    minutes = event.value
    if minutes is None:
        return None
    for tier in attendance.lateness.tiers.values():
        if tier.max_minutes is None or minutes <= tier.max_minutes:
            return tier.absence_days
    return None  # pragma: no cover - the schema makes the last tier cover the rest


def quantities(policy: PolicyInForce, events: Sequence[Event]) -> list[Issue]:
    """Every lateness longer than a working day, every date holding more than one day of
    absence and leave, and every date with more overtime than a day has hours."""
    hours = policy.doc.attendance.hours_per_day
    working_day = hours * 60
    issues: list[Issue] = []
    days: dict[tuple[str, date], list[tuple[Event, Decimal]]] = defaultdict(list)
    overtime: dict[tuple[str, date], list[Event]] = defaultdict(list)
    for event in events:
        kind = event.kind
        if kind not in _COUNTED:  # criteria, exams, rewards…: most rows, and nothing to add up
            continue
        value = event.value
        if value is None:
            continue
        key = (event.employee_id, event.date)
        if kind in _MINUTES:
            if value > working_day:
                what = _("minutes late") if kind is Kind.LATE else _("minutes left early")
                message = _(
                    "{what} must be at most {working_day}, one working day of {hours} hours (attendance.hours_per_day), got {value}"
                ).format(
                    what=what,
                    working_day=plain(working_day),
                    hours=plain(hours),
                    value=plain(value),
                )
                issues.append(Issue.at(event.source, "value", message))
            elif (counted := absence_days_of_lateness(policy, event)) is not None:
                days[key].append((event, counted))
        elif kind in _DAYS:
            days[key].append((event, value))
        elif kind is Kind.OVERTIME:
            overtime[key].append(event)
    for (employee_id, day), rows in days.items():
        total = sum((counted for _0, counted in rows), Decimal(0))
        if total > _ONE_DAY:
            message = _(
                "{employee_id} on {day}: absence, leave and lateness counted as absence add up to {total} days ({rows}); a date holds at most one day (处罚 4, 5)"
            ).format(employee_id=employee_id, day=day, total=plain(total), rows=_rows(rows))
            issues.append(Issue.at(rows[-1][0].source, "value", message))
    for (employee_id, day), worked in overtime.items():
        total = sum((event.value or Decimal(0) for event in worked), Decimal(0))
        if total * hours > HOURS_IN_A_DAY:
            most = plain(HOURS_IN_A_DAY / hours)
            message = _(
                "{employee_id} on {day}: overtime of {total} days is {total2} hours ({value}); a day has 24 hours, at most {most} days of {hours} hours (attendance.hours_per_day)"
            ).format(
                employee_id=employee_id,
                day=day,
                total=plain(total),
                total2=plain(total * hours),
                value=_rows([(e, e.value) for e in worked]),
                most=most,
                hours=plain(hours),
            )
            issues.append(Issue.at(worked[-1].source, "value", message))
    return issues


def _rows(rows: Sequence[tuple[Event, Decimal | None]]) -> str:
    """'row 2: absent 1 day, row 3: late 90 min = 1 day', naming another file's rows."""
    last = rows[-1][0].source
    named = []
    for event, counted in rows:
        where = _("row {row}").format(row=event.source.row)
        if event.source.where != last.where:
            where = f"{event.source.where}:{event.source.row}"
        value = plain(event.value) if event.value is not None else ""
        if event.kind in _MINUTES:
            said = _("{kind} {value} min = {days} day").format(
                kind=event.kind.value, value=value, days=plain(counted or Decimal(0))
            )
        elif event.value == 1:
            said = _("{kind} {value} day").format(kind=event.kind.value, value=value)
        else:
            said = _("{kind} {value} days").format(kind=event.kind.value, value=value)
        named.append(_("{where}: {said}").format(where=where, said=said))
    return ", ".join(named)
