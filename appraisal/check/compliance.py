"""Compliance checks: where the policy as written meets PRC wage law (scheme.md §9).

Part of the "check" stage, after evaluation. The engine applies the policy as written
and never fixes a figure silently; each check here reads one employee's result (and
the employee's rows) and lists every conflict with the amount and the law, for HR to
act on. `CHECKS` is the list `appraisal.check.check_month` runs, in this order.
Money is exact; the checks run inside the money context, as `check_month` sets it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from appraisal.domain.model import Event, Kind, Source
from appraisal.domain.money import plain, text
from appraisal.domain.results import Conflict, EmployeeResult, TraceEntry
from appraisal.i18n import sealed as texts
from appraisal.policy.loaded import PolicyInForce

__all__ = [
    "CHECKS",
    "Check",
    "Checks",
    "below_minimum_wage",
    "by_kind",
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
    return Checks(policy).overtime_below_statutory(result, by_kind(events))


def deductions_over_cap(
    policy: PolicyInForce, result: EmployeeResult, events: Sequence[Event]
) -> list[Conflict]:
    """Fines above the policy's share of the month's wage (工资支付暂行规定 第16条).

    Not for the dismissed: the settlement replaced their wage and its deductions.
    """
    return Checks(policy).deductions_over_cap(result, by_kind(events))


def below_minimum_wage(
    policy: PolicyInForce, result: EmployeeResult, events: Sequence[Event]
) -> list[Conflict]:
    """Pay, less overtime and allowances, below the local minimum wage (最低工资规定)."""
    return Checks(policy).below_minimum_wage(result, by_kind(events))


CHECKS: tuple[Check, ...] = (overtime_below_statutory, deductions_over_cap, below_minimum_wage)

BoundCheck = Callable[[EmployeeResult, Mapping[Kind, Sequence[Event]]], list[Conflict]]
"""A check of `CHECKS` bound to a month's policy (`Checks.bound`): (one employee's
result, that employee's rows by kind) → its conflicts."""


def by_kind(events: Sequence[Event]) -> dict[Kind, list[Event]]:
    """``events`` by kind, each kind's in the order given."""
    rows: dict[Kind, list[Event]] = {}
    for event in events:
        rows.setdefault(event.kind, []).append(event)
    return rows


class Checks:
    """The checks of `CHECKS` for one policy in force, over a month's results: what
    they read of the policy alone (a level's daily minimum for overtime, its cap on
    fines) is worked out once per level, not once per employee."""

    __slots__ = ("_cap_ratio", "_caps", "_minimum", "_owed", "_policy")

    def __init__(self, policy: PolicyInForce) -> None:
        self._policy = policy
        self._owed: dict[tuple[str, str], Decimal | None] = {}
        self._caps: dict[str, tuple[Decimal, Decimal]] = {}
        self._cap_ratio = policy.doc.compliance.deduction_cap_ratio
        self._minimum = policy.doc.compliance.minimum_wage

    def bound(self) -> tuple[BoundCheck, ...]:
        """Each check of `CHECKS`, in its order, bound to this month's policy; a check the
        policy leaves with nothing to compare against (no cap on deductions, no minimum
        wage) finds nothing for anyone, and is left out once, not asked per employee."""
        idle = {
            "deductions_over_cap": self._cap_ratio is None,
            "below_minimum_wage": self._minimum is None,
        }
        return tuple(
            getattr(self, check.__name__) for check in CHECKS if not idle.get(check.__name__)
        )

    def overtime_below_statutory(
        self, result: EmployeeResult, rows: Mapping[Kind, Sequence[Event]]
    ) -> list[Conflict]:
        overtime = rows.get(Kind.OVERTIME)
        if not overtime:
            return []
        if len(overtime) > 1:
            overtime = sorted(overtime, key=Event.sort_key)
        entries = _overtime_entries(result.trace)
        conflicts: list[Conflict] = []
        for event in overtime:
            entry = _first_of(entries, event.source)
            if entry is None:
                raise ValueError(
                    f"{result.employee_id}: no overtime trace entry for {event.source}"
                )
            assert entry.yuan is not None
            day_kind = entry.rule.removeprefix("overtime.")
            conflicts += self._overtime_row(result.level, event, day_kind, entry.yuan)
        return conflicts

    def _owed_per_day(self, day_kind: str, level_id: str) -> Decimal | None:
        """The statutory minimum for a day of ``day_kind`` at the level, or None."""
        key = (day_kind, level_id)
        if key not in self._owed:
            policy = self._policy
            expression = policy.maybe_expr(f"compliance.{day_kind}_min_per_day")
            names = policy.rate_names(policy.levels[level_id])
            self._owed[key] = None if expression is None else expression.money(names)
        return self._owed[key]

    def _overtime_row(
        self, level_id: str, event: Event, day_kind: str, paid: Decimal
    ) -> list[Conflict]:
        rules = self._policy.doc.compliance
        if "self_caused" in event.flags:
            return []  # not arranged by the company: the scheme's own exclusion stands
        comp_time = "comp_time" in event.flags
        if day_kind == "rest_day" and comp_time:
            return []  # rest-day work may lawfully be repaid with time off
        if day_kind == "holiday" and comp_time and rules.holiday_comp_time_allowed:
            return []
        per_day = self._owed_per_day(day_kind, level_id)
        if per_day is None:
            return []
        days = event.value or Decimal(0)
        owed = per_day * days
        if paid >= owed:
            return []
        if day_kind == "holiday" and comp_time:
            return [
                Conflict(
                    "holiday_overtime_comp_time",
                    ART_44,
                    owed - paid,
                    texts.HOLIDAY_COMP_TIME.format(
                        date=event.date, owed=text(owed), days=plain(days)
                    ),
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
        self, result: EmployeeResult, rows: Mapping[Kind, Sequence[Event]]
    ) -> list[Conflict]:
        ratio = self._cap_ratio
        if ratio is None or result.dismissal:
            return []
        wage_cap = self._caps.get(result.level)
        if wage_cap is None:
            level = self._policy.levels[result.level]
            wage = level.base + level.floating
            wage_cap = self._caps[result.level] = (wage, wage * ratio)
        wage, cap = wage_cap
        fines = result.pay.values["fines"]
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
        self, result: EmployeeResult, rows: Mapping[Kind, Sequence[Event]]
    ) -> list[Conflict]:
        minimum = self._minimum
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


def _overtime_entries(trace: Sequence[TraceEntry]) -> list[TraceEntry]:
    """The overtime entries of a trace, in its order (a row could give two rows' worth)."""
    return [
        entry
        for entry in trace
        if entry.pay_field == "overtime" and entry.source and entry.rule.startswith("overtime.")
    ]


def _first_of(entries: list[TraceEntry], source: Source) -> TraceEntry | None:
    """The first of ``entries`` made on the row at ``source``, taken out of them."""
    for at, entry in enumerate(entries):
        if entry.source is source or entry.source == source:  # most often the row's own
            return entries.pop(at)
    return None
