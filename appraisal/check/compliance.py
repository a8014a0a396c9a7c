"""Compliance: where the policy as written meets PRC wage law (scheme.md §9).

The "check" stage. The engine applies the policy as written and never fixes a figure
silently; these checks list every conflict with the employee, the amount and the law,
for HR to act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from appraisal.domain.model import Event
from appraisal.domain.money import plain, text
from appraisal.domain.results import Conflict, PayFields
from appraisal.policy.loaded import LevelInfo, PolicyInForce

__all__ = ["overtime_conflicts", "pay_conflicts"]

ART_44 = "劳动法 第44条 (Labor Law art. 44)"
ART_16 = "工资支付暂行规定 第16条 (Interim Provisions on Wage Payment art. 16)"
MINIMUM_WAGE = "最低工资规定 (Minimum Wage Provisions)"


def overtime_conflicts(
    policy: PolicyInForce,
    names: Mapping[str, Decimal | bool],
    event: Event,
    day_kind: str,
    paid: Decimal,
) -> list[Conflict]:
    """Overtime paid below the statutory minimum for that kind of day."""
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
                f"statutory-holiday work on {event.date} was repaid with time off (补休); "
                f"the law requires at least 300% pay, {text(owed)} for {plain(days)} day(s)",
                event.source,
            )
        ]
    return [
        Conflict(
            "overtime_below_statutory",
            ART_44,
            owed - paid,
            f"{day_kind.replace('_', '-')} overtime on {event.date} paid {text(paid)}; "
            f"the statutory minimum is {text(owed)}",
            event.source,
        )
    ]


def pay_conflicts(
    policy: PolicyInForce, level: LevelInfo, pay: PayFields, dismissed: bool
) -> list[Conflict]:
    """Deductions above the cap, and pay below the local minimum wage."""
    rules = policy.doc.compliance
    conflicts: list[Conflict] = []
    wage = level.base + level.floating
    if rules.deduction_cap_ratio is not None and not dismissed:
        cap = wage * rules.deduction_cap_ratio
        if pay["fines"] > cap:
            conflicts.append(
                Conflict(
                    "deductions_over_cap",
                    ART_16,
                    pay["fines"] - cap,
                    f"fines {text(pay['fines'])} exceed {rules.deduction_cap_ratio:.0%} of the "
                    f"month's wage {text(wage)} (cap {text(cap)})",
                )
            )
    if rules.minimum_wage is not None and not dismissed:
        counted = pay.gross - pay["overtime"] - pay["allowances"]
        if counted < rules.minimum_wage:
            conflicts.append(
                Conflict(
                    "below_minimum_wage",
                    MINIMUM_WAGE,
                    rules.minimum_wage - counted,
                    f"pay {text(counted)} (gross less overtime and allowances) is below the "
                    f"local minimum wage {text(rules.minimum_wage)}",
                )
            )
    return conflicts
