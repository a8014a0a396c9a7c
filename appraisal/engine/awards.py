"""Excellence awards (优秀客服代表评选): the monthly title and, in December, the yearly one.

Part of the "evaluate" stage, run once every employee's month is scored and paid,
because an award compares employees with each other. That comparison is the month's
only barrier between employees, so it is split in three (`appraisal.check.shards`
runs the first and the last per shard of employees, in worker processes):

1. `standing`: what the ranking needs of one employee — eligibility and score for the
   monthly title, eligibility and the titles carried this year for the yearly one;
2. `rank`: the one reduction over every employee's standing, in roster order (the top
   score and the most titles);
3. `award`: the effects on one employee, given the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from appraisal.domain.makers import slotted_maker
from appraisal.domain.model import Month
from appraisal.domain.money import text
from appraisal.engine.context import MonthContext
from appraisal.engine.effects import Effects, Title, fired
from appraisal.i18n import sealed as texts
from appraisal.policy.loaded import PolicyInForce

__all__ = ["Ranking", "Standing", "award", "award_names", "rank", "standing"]


@dataclass(frozen=True, slots=True)
class Standing:
    """One employee's month as the awards compare it: small, so shards send it cheaply."""

    monthly: bool  # eligible for the monthly title
    total: Decimal  # the month's score
    yearly: bool  # eligible for the yearly title (before counting titles)
    titles: int  # monthly titles carried from earlier months of the year


_standing = slotted_maker(Standing)  # once per employee


@dataclass(frozen=True, slots=True)
class Ranking:
    """The month's reduction: the top score among the monthly-eligible (None: no title)
    and the most monthly titles among the yearly-eligible (None: no yearly title)."""

    top: Decimal | None
    most: int | None


def standing(policy: PolicyInForce, month: Month, ctx: MonthContext) -> Standing:
    """What the ranking needs of ``ctx``'s month, once it is scored and paid."""
    rates = ctx.rates
    in_force = ("awards.in_force", month.year, month.month)
    monthly_award, yearly_month, on_score = rates.once(in_force, _in_force, policy, month)
    so_far = ctx.so_far
    score = so_far.score
    if not monthly_award and not yearly_month:  # no title this month: nothing to ask
        return _standing(False, score.total, False, 0)
    # Eligibility is a function of `award_names` alone: worked out once per set of their
    # values and remembered, like every condition's truth; the score's values are in
    # the key only when a condition reads them (the shipped ones do not).
    key: tuple[object, ...] = (
        ctx.appraised,
        bool(so_far.dismissal_reasons),
        bool(so_far.demotion_reasons),
    )
    if on_score:
        key += (score.total, score.add, score.deduct_left)
    memo = rates.row_words["awards.eligible"]
    known = memo.get(key)
    if known is None:
        names = award_names(ctx)
        holds = rates.holds
        monthly = monthly_award and holds("awards.monthly.eligible", names)
        yearly = yearly_month and holds("awards.yearly.eligible", names)
        known = rates.remember(memo, key, (monthly, yearly))
    monthly, yearly = known
    carried = ctx.state.titles.get(ctx.employee.employee_id, {}).get(month.year, 0) if yearly else 0
    return _standing(monthly, score.total, yearly, carried)


def _in_force(policy: PolicyInForce, month: Month) -> tuple[bool, bool, bool]:
    """Whether the policy gives a monthly title, and a yearly one this month, and whether
    the eligibility of either reads the score (``score``, ``add``, ``deduct_left``)."""
    monthly, yearly = policy.doc.awards.monthly is not None, _yearly_month(policy, month)
    reads: set[str] = set()
    for asked, key in ((monthly, "awards.monthly.eligible"), (yearly, "awards.yearly.eligible")):
        expression = policy.maybe_expr(key) if asked else None
        if expression is not None:
            reads |= expression.names
    return monthly, yearly, not reads.isdisjoint(("score", "add", "deduct_left"))


def rank(policy: PolicyInForce, month: Month, standings: Sequence[Standing]) -> Ranking:
    """月度优秀客服代表 goes to the top score among the eligible (ties all win); 年度最佳
    in the year's last month to the most monthly titles of the year, this month's
    included. ``standings`` in roster order: of equal scores the first is the top."""
    eligible = [s.total for s in standings if s.monthly]
    top = max(eligible) if eligible else None
    counts = [_count(s, top) for s in standings if s.yearly]
    most = max(counts, default=0) if _yearly_month(policy, month) else 0
    return Ranking(top, most or None)


def award(policy: PolicyInForce, month: Month, ranking: Ranking, mine: Standing) -> Effects:
    """The titles one employee wins, given the month's ranking: the monthly title's
    effects first, then the yearly one's."""
    effects: Effects = ()
    awards = policy.doc.awards
    won = ranking.top is not None and mine.monthly and mine.total == ranking.top
    if won and awards.monthly is not None:
        amount = awards.monthly.amount
        effects += (
            Title("monthly"),
            fired(
                "awards.monthly",
                awards.monthly.clause,
                texts.AWARD_MONTHLY.format(top=ranking.top, amount=text(amount)),
                None,
                None,
                "awards",
                amount,
            ),
        )
    yearly = mine.yearly and _count(mine, ranking.top) == ranking.most
    if yearly and awards.yearly is not None:
        amount = awards.yearly.amount
        effects += (
            Title("yearly"),
            fired(
                "awards.yearly",
                awards.yearly.clause,
                texts.AWARD_YEARLY.format(count=ranking.most, year=month.year, amount=text(amount)),
                None,
                None,
                "awards",
                amount,
            ),
        )
    return effects


def _count(mine: Standing, top: Decimal | None) -> int:
    """Monthly titles of the year with this month's: carried, and one if won now."""
    return mine.titles + (top is not None and mine.monthly and mine.total == top)


def _yearly_month(policy: PolicyInForce, month: Month) -> bool:
    award = policy.doc.awards.yearly
    return award is not None and month.month == award.year_end_month


def award_names(ctx: MonthContext) -> dict[str, Decimal | bool]:
    """The names an award's `eligible` may use (`AWARD_NAMES` of the policy): the score's
    (`MonthContext.score_names`), and whether the month appraised, dismissed or demoted."""
    so_far = ctx.so_far
    score = so_far.score
    return {
        "score": score.total,
        "add": score.add,
        "deduct_left": score.deduct_left,
        "appraised": ctx.appraised,
        "dismissed": bool(so_far.dismissal_reasons),
        "demoted": bool(so_far.demotion_reasons),
    }
