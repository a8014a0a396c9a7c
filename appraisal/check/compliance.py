"""Compliance checks: where the policy as written meets PRC wage law (scheme.md §9).

Part of the "check" stage, after evaluation. The engine applies the policy as written
and never fixes a figure silently; each check here reads one employee's result (and
the employee's rows) and lists every conflict with the amount and the law, for HR to
act on. `CHECKS` is the list `appraisal.check.check_month` runs, in this order.
Money is exact; the checks run inside the money context, as `check_month` sets it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from appraisal.domain.model import Event, Kind, Source
from appraisal.domain.money import plain, text
from appraisal.domain.results import Conflict, EmployeeResult, TraceEntry
from appraisal.i18n import sealed as texts
from appraisal.policy.loaded import PolicyInForce

__all__ = [
    "CHECKS",
    "Check",
    "below_minimum_wage",
    "deductions_over_cap",
    "overtime_below_statutory",
]

ART_44 = texts.ART_44
ART_16 = texts.ART_16
MINIMUM_WAGE = texts.MINIMUM_WAGE

Check = Callable[[PolicyInForce, EmployeeResult, Sequence[Event]], list[Conflict]]
"""(policy in force, one employee's result, that employee's rows) → its conflicts."""


def overtime_below_statutory(
    policy: PolicyInForce, result: EmployeeResult, events: Sequence[Event]
) -> list[Conflict]:
    """Overtime paid below the statutory minimum for its kind of day (劳动法 第44条).

    One conflict at most per overtime row, in the order the engine evaluated the rows.
    What was paid, and for which kind of day, is read from the row's trace entry
    (rule ``overtime.<day_kind>``, pay field ``overtime``).
    """
    overtime = sorted((e for e in events if e.kind is Kind.OVERTIME), key=Event.sort_key)
    if not overtime:
        return []
    paid = _overtime_paid(result.trace)
    names = policy.rate_names(policy.levels[result.level])
    conflicts: list[Conflict] = []
    for event in overtime:
        entries = paid.get(event.source)
        if not entries:
            raise ValueError(f"{result.employee_id}: no overtime trace entry for {event.source}")
        entry = entries.pop(0)
        assert entry.yuan is not None
        day_kind = entry.rule.removeprefix("overtime.")
        conflicts += _overtime_row(policy, names, event, day_kind, entry.yuan)
    return conflicts


def _overtime_paid(trace: Sequence[TraceEntry]) -> dict[Source, list[TraceEntry]]:
    """The overtime entries of a trace by row (a list: a row could give two rows' worth)."""
    paid: dict[Source, list[TraceEntry]] = {}
    for entry in trace:
        if entry.pay_field == "overtime" and entry.rule.startswith("overtime.") and entry.source:
            paid.setdefault(entry.source, []).append(entry)
    return paid


def _overtime_row(
    policy: PolicyInForce,
    names: dict[str, Decimal | bool],
    event: Event,
    day_kind: str,
    paid: Decimal,
) -> list[Conflict]:
    rules = policy.doc.compliance
    if "self_caused" in event.flags:
        return []  # not arranged by the company: the scheme's own exclusion stands
    comp_time = "comp_time" in event.flags
    if day_kind == "rest_day" and comp_time:
        return []  # rest-day work may lawfully be repaid with time off
    if day_kind == "holiday" and comp_time and rules.holiday_comp_time_allowed:
        return []
    expression = policy.maybe_expr(f"compliance.{day_kind}_min_per_day")
    if expression is None:
        return []
    days = event.value or Decimal(0)
    owed = expression.money(names) * days
    if paid >= owed:
        return []
    if day_kind == "holiday" and comp_time:
        return [
            Conflict(
                "holiday_overtime_comp_time",
                ART_44,
                owed - paid,
                texts.HOLIDAY_COMP_TIME.format(date=event.date, owed=text(owed), days=plain(days)),
                event.source,
            )
        ]
    return [
        Conflict(
            "overtime_below_statutory",
            ART_44,
            owed - paid,
            texts.OVERTIME_BELOW[day_kind].format(
                date=event.date, paid=text(paid), minimum=text(owed)
            ),
            event.source,
        )
    ]


def deductions_over_cap(
    policy: PolicyInForce, result: EmployeeResult, events: Sequence[Event]
) -> list[Conflict]:
    """Fines above the policy's share of the month's wage (工资支付暂行规定 第16条).

    Not for the dismissed: the settlement replaced their wage and its deductions.
    """
    ratio = policy.doc.compliance.deduction_cap_ratio
    if ratio is None or result.dismissal:
        return []
    level = policy.levels[result.level]
    wage = level.base + level.floating
    cap = wage * ratio
    fines = result.pay["fines"]
    if fines <= cap:
        return []
    return [
        Conflict(
            "deductions_over_cap",
            ART_16,
            fines - cap,
            texts.FINES_OVER_CAP.format(
                fines=text(fines), percent=f"{ratio * 100:.0f}", wage=text(wage), cap=text(cap)
            ),
        )
    ]


def below_minimum_wage(
    policy: PolicyInForce, result: EmployeeResult, events: Sequence[Event]
) -> list[Conflict]:
    """Pay, less overtime and allowances, below the local minimum wage (最低工资规定)."""
    minimum = policy.doc.compliance.minimum_wage
    if minimum is None or result.dismissal:
        return []
    counted = result.pay.gross - result.pay["overtime"] - result.pay["allowances"]
    if counted >= minimum:
        return []
    return [
        Conflict(
            "below_minimum_wage",
            MINIMUM_WAGE,
            minimum - counted,
            texts.BELOW_MINIMUM.format(counted=text(counted), minimum=text(minimum)),
        )
    ]


CHECKS: tuple[Check, ...] = (overtime_below_statutory, deductions_over_cap, below_minimum_wage)
