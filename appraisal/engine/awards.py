"""Excellence awards (优秀客服代表评选): the monthly title and, in December, the yearly one.

Part of the "evaluate" stage, run once every employee's month is scored and paid,
because an award compares employees with each other. Each award reads every
employee's month and returns the effects on each, in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from appraisal.domain.model import Month
from appraisal.domain.money import text
from appraisal.engine.context import MonthContext
from appraisal.engine.effects import Effects, Title, fired
from appraisal.i18n import sealed as texts
from appraisal.policy.loaded import PolicyInForce

__all__ = ["award_names", "monthly", "yearly"]


def monthly(policy: PolicyInForce, month: Month, months: Sequence[MonthContext]) -> list[Effects]:
    """月度优秀客服代表: the title to the top score among the eligible; ties all win."""
    effects: list[Effects] = [()] * len(months)
    award = policy.doc.awards.monthly
    if award is None:
        return effects
    expression = policy.expr("awards.monthly.eligible")
    eligible = [i for i, ctx in enumerate(months) if expression.holds(award_names(ctx))]
    if not eligible:
        return effects
    top = max(months[i].so_far.score.total for i in eligible)
    for i in eligible:
        if months[i].so_far.score.total == top:
            effects[i] = (
                Title("monthly"),
                fired(
                    "awards.monthly",
                    award.clause,
                    texts.AWARD_MONTHLY.format(top=top, amount=text(award.amount)),
                    None,
                    None,
                    "awards",
                    award.amount,
                ),
            )
    return effects


def yearly(policy: PolicyInForce, month: Month, months: Sequence[MonthContext]) -> list[Effects]:
    """年度最佳客服代表, in the year's last month: the most monthly titles of the year,
    this month's included."""
    effects: list[Effects] = [()] * len(months)
    award = policy.doc.awards.yearly
    if award is None or month.month != award.year_end_month:
        return effects
    expression = policy.expr("awards.yearly.eligible")
    counts = {
        ctx.employee.employee_id: ctx.state.titles.get(ctx.employee.employee_id, {}).get(
            month.year, 0
        )
        + ("monthly" in ctx.so_far.titles)
        for ctx in months
    }
    eligible = [
        i
        for i, ctx in enumerate(months)
        if expression.holds(award_names(ctx)) and counts[ctx.employee.employee_id] > 0
    ]
    if not eligible:
        return effects
    most = max(counts[months[i].employee.employee_id] for i in eligible)
    for i in eligible:
        if counts[months[i].employee.employee_id] == most:
            effects[i] = (
                Title("yearly"),
                fired(
                    "awards.yearly",
                    award.clause,
                    texts.AWARD_YEARLY.format(
                        count=most, year=month.year, amount=text(award.amount)
                    ),
                    None,
                    None,
                    "awards",
                    award.amount,
                ),
            )
    return effects


def award_names(ctx: MonthContext) -> dict[str, Decimal | bool]:
    """The names an award's `eligible` may use (`AWARD_NAMES` of the policy)."""
    return {
        **ctx.score_names(),
        "appraised": ctx.appraised,
        "dismissed": bool(ctx.so_far.dismissal_reasons),
        "demoted": bool(ctx.so_far.demotion_reasons),
    }
