"""Attendance rows: lateness, early leave, absence, leave, overtime (处罚 4, 5; 加班).

Part of the "evaluate" stage: handlers that `appraisal.evaluate` calls for each
attendance row of an employee's month, in content order. Each one fires the rule it
applies, with the clause and the row, into the employee's month.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from appraisal.check.compliance import overtime_conflicts
from appraisal.domain.model import Event
from appraisal.domain.money import ZERO, plain, text

if TYPE_CHECKING:
    from appraisal.engine.evaluate import EmployeeMonth

__all__ = [
    "on_absent",
    "on_early_leave",
    "on_late",
    "on_overtime",
    "on_personal_leave",
    "on_sick_leave",
]


def _late(draft: EmployeeMonth, event: Event, what: str) -> None:
    lateness = draft.policy.doc.attendance.lateness
    minutes = event.value or ZERO
    for tier_id, tier in lateness.tiers.items():  # noqa: B007 - the loop finds the tier
        if tier.max_minutes is None or minutes <= tier.max_minutes:
            break
    draft.late_count += 1
    if "serious" in event.flags:
        draft.serious.add("4")
    rule = f"attendance.lateness.{tier_id}"
    if tier.absence_days is not None:
        _absence(draft, event, tier.absence_days, rule, tier.clause, f"{what} {minutes} min: ")
        return
    assert tier.fine is not None and tier.points is not None
    draft.fire(
        rule,
        tier.clause,
        f"{what} {minutes} min: fine {text(tier.fine)}, -{tier.points} points",
        event.source,
        -tier.points,
        "fines",
        tier.fine,
    )


def _absence(
    draft: EmployeeMonth, event: Event, days: Decimal, rule: str, clause: str, prefix: str = ""
) -> None:
    absence = draft.policy.doc.attendance.absence
    per_day = draft.rates.get("attendance.absence.deduction_per_day", draft.level) or ZERO
    amount = per_day * days
    points = absence.points_per_day * days
    draft.fire(
        rule,
        clause,
        f"{prefix}{plain(days)} day(s) of absence (旷工): deduct {text(amount)}, -{plain(points)} points",
        event.source,
        -points,
        "absence_deduction",
        amount,
    )


def on_late(draft: EmployeeMonth, event: Event) -> None:
    _late(draft, event, "late")


def on_early_leave(draft: EmployeeMonth, event: Event) -> None:
    rules = draft.policy.doc.attendance.early_leave
    treatment = rules.excused if "excused" in event.flags else rules.unexcused
    if treatment == "as_late":
        _late(draft, event, "early leave")
    elif treatment == "review":
        draft.review.append(
            f"excused early leave {event.value} min on {event.date} ({event.source}): case by case"
        )
        draft.fire(
            "attendance.early_leave",
            rules.clause,
            "excused early leave: for review",
            event.source,
        )
    else:
        draft.fire("attendance.early_leave", rules.clause, "early leave: no effect", event.source)


def on_absent(draft: EmployeeMonth, event: Event) -> None:
    if "serious" in event.flags:
        draft.serious.add("4")
    absence = draft.policy.doc.attendance.absence
    _absence(draft, event, event.value or ZERO, "attendance.absence", absence.clause)


def _leave(draft: EmployeeMonth, event: Event, key: str, label: str) -> None:
    leave = draft.policy.doc.attendance.leave
    days = event.value or ZERO
    amount = (draft.rates.get(f"attendance.leave.{key}", draft.level) or ZERO) * days
    draft.leave_count += 1
    draft.fire(
        f"attendance.leave.{key.removesuffix('_per_day')}",
        leave.clause,
        f"{label} {plain(days)} day(s): deduct {text(amount)}",
        event.source,
        None,
        "leave_deduction",
        amount,
    )


def on_personal_leave(draft: EmployeeMonth, event: Event) -> None:
    _leave(draft, event, "personal_per_day", "personal leave (事假)")


def on_sick_leave(draft: EmployeeMonth, event: Event) -> None:
    _leave(draft, event, "sick_per_day", "sick leave (病假)")


def on_overtime(draft: EmployeeMonth, event: Event) -> None:
    overtime = draft.policy.doc.overtime
    days = event.value or ZERO
    day_kind = (
        "holiday"
        if "holiday" in event.flags
        else "rest_day"
        if "rest_day" in event.flags
        else "workday"
    )
    unpaid = sorted(set(overtime.unpaid_flags) & event.flags)
    rate = draft.rates.get(f"overtime.{day_kind}_per_day", draft.level)
    amount = ZERO if unpaid or rate is None else rate * days
    why = (
        f" (unpaid: {', '.join(unpaid)})"
        if unpaid
        else ""
        if rate is not None
        else " (the policy pays nothing)"
    )
    draft.fire(
        f"overtime.{day_kind}",
        overtime.clause,
        f"{day_kind} overtime {plain(days)} day(s): {text(amount)}{why}",
        event.source,
        None,
        "overtime",
        amount,
    )
    draft.conflicts.extend(
        overtime_conflicts(draft.policy, draft.rates.names(draft.level), event, day_kind, amount)
    )
