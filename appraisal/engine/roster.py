"""The roster against the ledger: who may be on this month's roster, and who left.

Part of the "validate" stage, with the carried state the ledger gives. An employee the
ledger holds as dismissed in a sealed month is not on a later roster by accident: that is
an input error, unless the roster gives a ``hire_date`` after the dismissal month, which
makes it a re-hire. An employee who had a level last month and is not on this roster has
left; the summary lists them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from appraisal.domain.model import CarriedState, Employee, Issue, Month
from appraisal.i18n import _

__all__ = ["left", "roster_against_ledger"]


def roster_against_ledger(roster: Sequence[Employee], state: CarriedState) -> list[Issue]:
    """Every employee dismissed in a sealed month who is on the roster without being
    re-hired (a ``hire_date`` after the dismissal month)."""
    issues: list[Issue] = []
    for employee in roster:
        dismissed = state.dismissed.get(employee.employee_id)
        if dismissed is None:
            continue
        after = Month.parse(dismissed).next().first_day
        hired = employee.hire_date
        if hired is not None and hired >= after:
            continue  # a re-hire: level_of_month starts them again at the roster's level
        given = (
            ""
            if hired is None
            else _(" with hire_date {isoformat}").format(isoformat=hired.isoformat())
        )
        message = _(
            "{employee_id} was dismissed in {dismissed} (sealed in the ledger) and is on the roster again{given}: remove the row, or, for a re-hire, give a hire_date from {isoformat} on"
        ).format(
            employee_id=employee.employee_id,
            dismissed=dismissed,
            given=given,
            isoformat=after.isoformat(),
        )
        column = "employee_id" if hired is None else "hire_date"
        issues.append(Issue.at(employee.source, column, message))
    return issues


def left(present: Collection[str], state: CarriedState) -> tuple[str, ...]:
    """The employees the ledger carries a level for (on last month's payroll, not
    dismissed) whose ids are not ``present`` on this roster, sorted."""
    return tuple(sorted(emp for emp, level in state.levels.items() if level and emp not in present))
