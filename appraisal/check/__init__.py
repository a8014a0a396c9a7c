"""Check stage: compliance of the month's results with PRC wage law (scheme.md §9).

Runs after evaluation, on its results: every check of `compliance.CHECKS` reads one
employee's result and rows and lists its conflicts, which go on that employee's
result (`EmployeeResult.compliance`) in the order of the list. A check never changes
a figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import localcontext

from appraisal.check.compliance import CHECKS
from appraisal.domain.model import Event
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import EmployeeResult
from appraisal.policy.loaded import PolicyInForce

__all__ = ["check_month"]


def check_month(
    policy: PolicyInForce, events: Sequence[Event], results: Sequence[EmployeeResult]
) -> tuple[EmployeeResult, ...]:
    """The month's results with every compliance conflict listed on its employee."""
    by_employee: defaultdict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_employee[event.employee_id].append(event)
    checked = []
    # The same exact money context as evaluation: a statutory minimum is a division.
    with localcontext(CONTEXT):
        for result in results:
            own = by_employee.get(result.employee_id, ())
            conflicts = tuple(c for check in CHECKS for c in check(policy, result, own))
            checked.append(replace(result, compliance=conflicts) if conflicts else result)
    return tuple(checked)
