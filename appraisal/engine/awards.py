"""Excellence awards (优秀客服代表评选): the monthly title and, in December, the yearly one.

Part of the "evaluate" stage, run once every employee's month is scored, because an
award compares employees with each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from appraisal.domain.model import CarriedState, Month
from appraisal.domain.money import text
from appraisal.policy.loaded import PolicyInForce

if TYPE_CHECKING:
    from appraisal.engine.evaluate import EmployeeMonth

__all__ = ["award"]


def award(
    policy: PolicyInForce, month: Month, drafts: Sequence[EmployeeMonth], state: CarriedState
) -> None:
    """优秀客服代表评选: the monthly title to the top score, the yearly one in December."""
    awards = policy.doc.awards
    if awards.monthly is not None:
        expression = policy.expr("awards.monthly.eligible")
        eligible = [d for d in drafts if expression.holds(award_names(d))]
        if eligible:
            top = max(d.score.total for d in eligible)
            for draft in eligible:
                if draft.score.total == top:
                    draft.titles.append("monthly")
                    draft.fire(
                        "awards.monthly",
                        awards.monthly.clause,
                        f"月度优秀客服代表 (top score {top}): {text(awards.monthly.amount)}",
                        None,
                        None,
                        "awards",
                        awards.monthly.amount,
                    )
    if awards.yearly is not None and month.month == awards.yearly.year_end_month:
        expression = policy.expr("awards.yearly.eligible")
        counts = {
            d.employee.employee_id: state.titles.get(d.employee.employee_id, {}).get(month.year, 0)
            + ("monthly" in d.titles)
            for d in drafts
        }
        eligible = [
            d
            for d in drafts
            if expression.holds(award_names(d)) and counts[d.employee.employee_id] > 0
        ]
        if eligible:
            most = max(counts[d.employee.employee_id] for d in eligible)
            for draft in eligible:
                if counts[draft.employee.employee_id] == most:
                    draft.titles.append("yearly")
                    draft.fire(
                        "awards.yearly",
                        awards.yearly.clause,
                        f"年度最佳客服代表 ({most} monthly titles in {month.year}): {text(awards.yearly.amount)}",
                        None,
                        None,
                        "awards",
                        awards.yearly.amount,
                    )


def award_names(draft: EmployeeMonth) -> dict[str, Decimal | bool]:
    return {
        **draft.score_names(),
        "dismissed": bool(draft.dismissal_reasons),
        "demoted": bool(draft.demotion_reasons),
    }
