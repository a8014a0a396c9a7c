"""Completeness: who on the roster was not appraised this month.

Part of the "evaluate" stage. An employee is **not appraised** when the month holds no
criterion row and no exam row for them and they are not dismissed in it: the
attendance export alone, or a managers' template left empty, appraises nobody, and
every criterion would count as not met. The evaluator marks such a result as it makes
it (`RunningMonth.result`: `EmployeeResult.appraised` false, ``"appraised": false`` in
the results); awards read the same test (`MonthContext.appraised`, the name
``appraised`` of an award's ``eligible``).

The refusal is not here but on the sealing path (`appraisal.pipeline.run_month`): a
sealing run refuses while anyone is not appraised, unless it is told to count their
missing criteria as not met (``--allow-unappraised``). `compute`, `evaluate_rows` and
the replays of months sealed before are not refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from appraisal.domain.model import Employee, Issue, Month
from appraisal.domain.results import EmployeeResult
from appraisal.i18n import _

__all__ = ["ALLOW_OPTION", "not_appraised_issues", "unappraised"]

ALLOW_OPTION = "--allow-unappraised"


def unappraised(roster: Sequence[Employee], results: Iterable[EmployeeResult]) -> tuple[str, ...]:
    """The employee ids not appraised, in roster order."""
    missing = {result.employee_id for result in results if not result.appraised}
    return tuple(e.employee_id for e in roster if e.employee_id in missing)


def not_appraised_issues(
    roster: Sequence[Employee], ids: Iterable[str], month: Month
) -> list[Issue]:
    """One problem per employee not appraised, at their roster row."""
    wanted = set(ids)
    return [
        Issue.at(
            e.source,
            None,
            _(
                "{employee} {name} is not appraised: no criterion or exam row in {month}; add "
                "the appraisal rows, or run with {option} to count the missing criteria as not met"
            ).format(employee=e.employee_id, name=e.name, month=month, option=ALLOW_OPTION),
        )
        for e in roster
        if e.employee_id in wanted
    ]
