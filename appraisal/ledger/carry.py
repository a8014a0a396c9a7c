"""What a month hands to the next: levels, offence history, titles, recent scores.

Part of the "seal" stage: a pure function of the state before a month and the month's
results. The ledger stores both states with every sealed month, so an auditor can see
that each month started from exactly what the one before it left.
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.model import CarriedState, Month
from appraisal.domain.results import EmployeeResult

__all__ = ["carry"]

RECENT_SCORES = 12


def carry(state: CarriedState, month: Month, results: Sequence[EmployeeResult]) -> CarriedState:
    levels = dict(state.levels)
    offences = {emp: dict(rules) for emp, rules in state.offences.items()}
    titles = {emp: dict(years) for emp, years in state.titles.items()}
    scores = dict(state.scores)
    dismissed = dict(state.dismissed)
    for result in results:
        emp = result.employee_id
        levels[emp] = result.next_level
        if result.dismissal:
            dismissed[emp] = str(month)
        else:
            dismissed.pop(emp, None)
        for rule, count in result.offences.items():
            history = offences.setdefault(emp, {})
            history[rule] = history.get(rule, 0) + count
        if "monthly" in result.titles:
            years = titles.setdefault(emp, {})
            years[month.year] = years.get(month.year, 0) + 1
        scores[emp] = (*scores.get(emp, ()), (str(month), result.score.total))[-RECENT_SCORES:]
    return CarriedState(levels, offences, titles, scores, dismissed)
