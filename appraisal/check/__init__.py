"""Check stage: compliance of the month's results with PRC wage law (scheme.md §9).

Runs after evaluation, on its results: every check of `compliance.CHECKS` reads one
employee's result and rows and lists its conflicts, which go on that employee's
result (`EmployeeResult.compliance`) in the order of the list. A check never changes
a figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import localcontext

from appraisal.check.compliance import Checks
from appraisal.domain.model import Event, Kind
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import Conflict, EmployeeResult
from appraisal.policy.loaded import PolicyInForce

__all__ = ["check_month", "check_results"]


def check_month(
    policy: PolicyInForce, events: Sequence[Event], results: Sequence[EmployeeResult]
) -> tuple[EmployeeResult, ...]:
    """The month's results with every compliance conflict listed on its employee."""
    rows_of: defaultdict[str, dict[Kind, list[Event]]] = defaultdict(dict)
    for event in events:
        rows_of[event.employee_id].setdefault(event.kind, []).append(event)
    return check_results(policy, rows_of, results)


def check_results(
    policy: PolicyInForce,
    rows_of: Mapping[str, Mapping[Kind, Sequence[Event]]],
    results: Sequence[EmployeeResult],
) -> tuple[EmployeeResult, ...]:
    """`check_month`, given each employee's rows by id and kind already (``rows_of``, as
    an evaluation shard keeps them: `appraisal.engine.evaluate.Shard.rows_of`)."""
    checks = Checks(policy).bound()  # what the checks read of the policy, once per level
    checked = []
    nothing: Mapping[Kind, Sequence[Event]] = {}
    # The same exact money context as evaluation: a statutory minimum is a division.
    with localcontext(CONTEXT):
        for result in results:
            rows = rows_of.get(result.employee_id, nothing)
            conflicts: list[Conflict] = []
            for check in checks:
                found = check(result, rows)
                if found:  # most checks find nothing for most employees
                    conflicts += found
            checked.append(replace(result, compliance=tuple(conflicts)) if conflicts else result)
    return tuple(checked)
