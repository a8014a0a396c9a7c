"""An employee's month as the engine's rules see it, for the tests of single rules and
folds: its view (`MonthContext`) and its running month, on the shipped policy."""

from __future__ import annotations

from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.engine.context import MonthContext, Rates
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import PolicyInForce, load_policy

__all__ = ["MONTH", "POLICY", "month_of"]

MONTH = Month(2026, 10)
POLICY: PolicyInForce = load_policy().in_force(MONTH)


def month_of(
    rates: Rates, level: str = "specialist", employee_id: str = "KF001"
) -> tuple[MonthContext, RunningMonth]:
    """A new month of ``employee_id`` at ``level``, its rows empty, sharing ``rates``."""
    employee = Employee(employee_id, "王芳", level, Source("roster.csv", 2))
    running = RunningMonth(employee, POLICY.levels[level])
    rows: dict[Kind, list[Event]] = {}
    ctx = MonthContext(
        POLICY, MONTH, employee, POLICY.levels[level], CarriedState(), rates, rows, running
    )
    return ctx, running
