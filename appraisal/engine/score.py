"""Score rows and the month's score (基本考核标准, 奖励事项, 处罚事项).

Part of the "evaluate" stage: the handlers `appraisal.engine.evaluate` calls for each
criterion, exam, reward, penalty and metric row, in content order, and the month-end
rules that meet criteria by their metrics (`when`) and bound the add side and the
deduct pool into the score. Each returns its effects (`appraisal.engine.effects`).
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.makers import slotted_maker
from appraisal.domain.model import Event, Issue
from appraisal.domain.money import ZERO, text
from appraisal.domain.results import ScoreResult, TraceEntry
from appraisal.engine.context import MonthContext
from appraisal.engine.effects import (
    AddSide,
    Effect,
    Effects,
    Metric,
    Offence,
    Problem,
    Review,
    Scored,
    Serious,
    fired,
    made,
)
from appraisal.i18n import sealed as texts
from appraisal.policy.expr import Expression
from appraisal.policy.loaded import PolicyInForce
from appraisal.policy.schema import Band, Criterion, Penalty, Range, Reward

__all__ = [
    "criteria_met_by_metrics",
    "criteria_with_when",
    "on_criterion",
    "on_exam",
    "on_metric",
    "on_penalty",
    "on_reward",
    "score",
]


# The row records made once a row (`slotted_maker`): an offence, a metric.
_offence = slotted_maker(Offence)
_metric = slotted_maker(Metric)
# The month's score, made once per employee.
_score = slotted_maker(ScoreResult)
_scored = slotted_maker(Scored)


def on_criterion(ctx: MonthContext, event: Event) -> Effects:
    # What a criterion row says, met (value 1) or not, but for its row: the same for
    # every row of its clause and value (`RowWords`; by value: its words do not show it).
    memo = ctx.rates.row_words["score.criteria"]
    key = (event.clause, event.value)
    known = memo.get(key)
    if known is None:
        met = event.value == 1
        known = ctx.rates.remember(memo, key, _criterion(ctx, event.clause or "", met))
    rule, criterion_clause, effect, points = known
    entry = made(TraceEntry, (rule, criterion_clause, effect, event.source, points, None, None))
    return (made(AddSide, (entry,)),)


def _criterion(ctx: MonthContext, clause: str, met: bool) -> tuple[str, str, str, Decimal]:
    """What a criterion row says, met or not, but for its row: the same for every row."""
    criterion = ctx.policy.doc.score.criteria[clause]
    return (
        f"score.criteria.{clause}",
        criterion.clause,
        (texts.MET if met else texts.NOT_MET).format(title=criterion.title),
        criterion.points if met else ZERO,
    )


def on_exam(ctx: MonthContext, event: Event) -> Effects:
    mark = event.value or ZERO
    # The band of a mark and its words, the same for every row of that mark (`RowWords`).
    memo = ctx.rates.row_words["score.exam"]
    key = (str(mark),)
    known = memo.get(key)
    if known is None:
        known = ctx.rates.remember(memo, key, _exam(ctx, mark))
    chosen, below, clause, words, points = known
    entry: Effect = made(
        TraceEntry, ("score.exam", clause, words, event.source, points, None, None)
    )
    if points is not None:  # band E's -10 counts on the add side (scheme.md §3, Open: the default)
        entry = made(AddSide, (entry,))
    if below:
        return (Review(texts.EXAM_BELOW.format(mark=mark, source=event.source, band=chosen)), entry)
    return (entry,)


def _exam(ctx: MonthContext, mark: Decimal) -> tuple[str | None, bool, str, str, Decimal | None]:
    """The band of ``mark`` (None: none), whether it is below every band, the exam's
    clause, the row's words, and the band's points (None: no band)."""
    exam = ctx.policy.doc.score.exam
    chosen = None
    for band_id, band in ctx.rates.once("score.exam.bands", lambda: _bands_down(ctx)):
        if mark >= band.min:
            chosen = band_id
            break
    below = chosen is None
    if below:
        chosen = exam.below_lowest
    if chosen is None:
        return None, below, exam.clause, texts.EXAM_NO_BAND.format(mark=mark), None
    points = exam.bands[chosen].points
    # "+0 points" as ever: the sign is part of the template, the value has none.
    signed = f"{points:+}"
    template = texts.EXAM_DOWN if signed.startswith("-") else texts.EXAM_UP
    words = template.format(mark=mark, band=chosen, points=signed[1:])
    return chosen, below, exam.clause, words, points


def _bands_down(ctx: MonthContext) -> tuple[tuple[str, Band], ...]:
    """The exam's bands, the highest lower bound first."""
    bands = ctx.policy.doc.score.exam.bands.items()
    return tuple(sorted(bands, key=lambda kv: kv[1].min, reverse=True))


def on_reward(ctx: MonthContext, event: Event) -> Effects:
    memo = ctx.rates.row_words["rewards"]
    key = (event.clause, str(event.amount), str(event.points))
    known = memo.get(key)
    if known is None:
        known = ctx.rates.remember(memo, key, _reward(ctx, event))
    rule, clause, words, points, amount = known
    entry = made(TraceEntry, (rule, clause, words, event.source, points, "rewards", amount))
    return (made(AddSide, (entry,)),)


def _reward(ctx: MonthContext, event: Event) -> tuple[str, str, str, Decimal, Decimal]:
    """A reward row's rule, clause, words, points and yuan: the same for every row of
    its clause, amount and points."""
    clause = event.clause or ""
    reward: Reward = ctx.policy.doc.rewards.items[clause]
    amount = _given(reward.amount, event.amount)
    points = _given(reward.points, event.points)
    words = texts.REWARD.format(title=reward.title, amount=text(amount), points=points)
    return f"rewards.{clause}", reward.clause, words, points, amount


def on_penalty(ctx: MonthContext, event: Event) -> Effects:
    clause = event.clause or ""
    key = "penalty." + clause
    prior = _prior_offences(ctx, key)
    first = prior == 0
    memo = ctx.rates.row_words["penalties"]
    memo_key = (clause, first, str(event.amount), str(event.points))
    known = memo.get(memo_key)
    if known is None:
        worked = _penalty(ctx, clause, first, event.amount, event.points)
        known = ctx.rates.remember(memo, memo_key, worked)
    penalty_clause, words, points, fine, needs_amount = known
    offence = _offence(key, clause, event)
    entry = made(TraceEntry, (key, penalty_clause, words, event.source, points, "fines", fine))
    if not needs_amount:  # every row but a repeat offence without its amount
        return (offence, Serious(clause), entry) if "serious" in event.flags else (offence, entry)
    # A repeat offence without the amount its clause's range needs: said as a problem.
    penalty: Penalty = ctx.policy.doc.penalties.items[clause]
    assert isinstance(penalty.fine, Range)
    needs = Problem(
        Issue.at(
            event.source,
            "amount",
            f"penalty clause {clause} is a repeat offence for {event.employee_id} "
            f"({prior} before): give an amount {penalty.fine.describe()}",
        )
    )
    serious = (Serious(clause),) if "serious" in event.flags else ()
    return (offence, *serious, needs, entry)


def _penalty(
    ctx: MonthContext,
    clause: str,
    first: bool,
    amount: Decimal | None,
    given_points: Decimal | None,
) -> tuple[str, str, Decimal, Decimal, bool]:
    """A penalty row's clause, words, signed points and fine, and whether a repeat
    offence lacks the amount it needs: the same for every row of its clause, amount and
    points, first offence or not."""
    penalty: Penalty = ctx.policy.doc.penalties.items[clause]
    fine = _charged(penalty.fine, amount)
    points = _given(penalty.points, given_points) if penalty.points is not None else ZERO
    warned = not_charged = needs_amount = False
    charged = fine
    if penalty.first_time is not None and first:
        warned = True
        if not penalty.first_time.fine:
            not_charged = bool(fine)
            fine = ZERO
        if not penalty.first_time.points:
            points = ZERO
    elif isinstance(penalty.fine, Range) and not penalty.fine.optional and amount is None:
        needs_amount = True
    loss = penalty.compensation is not None and amount is not None
    notes = (warned, not_charged, loss)
    template = texts.PENALTY[notes]
    if fine == ZERO and not any(notes) and penalty.fine is not None:
        template = texts.PENALTY_WARNING
    words = template.format(
        title=penalty.title,
        fine=text(fine),
        points=points,
        amount=text(charged),
        loss=text(amount) if amount is not None else "",
    )
    return penalty.clause, words, -points, fine, needs_amount


def _prior_offences(ctx: MonthContext, key: str) -> int:
    """Offences before this row: this month's, and the ledger's unless the window is a month."""
    this_month = ctx.so_far.offences.get(key, 0)
    if ctx.policy.doc.penalties.first_time_window == "month":
        return this_month
    carried = ctx.state.offences.get(ctx.employee.employee_id, {}).get(key, 0)
    return carried + this_month


def on_metric(ctx: MonthContext, event: Event) -> Effects:
    name = event.clause or ""
    memo = ctx.rates.row_words["score.metrics"]
    key = (name, str(event.value))
    known = memo.get(key)
    if known is None:
        metric = ctx.policy.doc.score.metrics[name]
        words = texts.METRIC.format(title=metric.title, value=event.value)
        known = ctx.rates.remember(memo, key, (f"score.metrics.{name}", metric.clause, words))
    rule, clause, words = known
    source = event.source
    return (
        _metric(name, event.value or ZERO, source),
        made(TraceEntry, (rule, clause, words, source, None, None, None)),
    )


def criteria_met_by_metrics(ctx: MonthContext) -> Effects:
    """Month end: criteria whose `when` the month's metrics meet (e.g. CSAT ≥ 90)."""
    metrics = ctx.so_far.metrics
    effects: list[Effect] = []
    when = ctx.rates.once("score.criteria.when", criteria_with_when, ctx.policy)
    for cid, criterion, expression in when:
        # A criterion on a metric the month did not measure is not met.
        key = f"score.criteria.{cid}.when"
        if expression.names <= metrics.keys() and ctx.rates.holds(key, metrics):
            # Its source is the row of the metric that met it (the first by name, when a
            # criterion reads several), so the trail still ends at an input row.
            source = next(
                (s for name in sorted(expression.names) if (s := ctx.so_far.metric_sources[name])),
                None,
            )
            effects.append(
                AddSide(
                    fired(
                        f"score.criteria.{cid}",
                        criterion.clause,
                        texts.MET.format(title=criterion.title),
                        source,
                        criterion.points,
                    )
                )
            )
    return tuple(effects)


def criteria_with_when(policy: PolicyInForce) -> tuple[tuple[str, Criterion, Expression], ...]:
    """The policy's criteria met by metrics (those with a `when`), in its order: none, and
    `criteria_met_by_metrics` does nothing for anyone (`evaluate.month_end_in_force`)."""
    return tuple(
        (cid, criterion, expression)
        for cid, criterion in policy.doc.score.criteria.items()
        if (expression := policy.maybe_expr(f"score.criteria.{cid}.when")) is not None
    )


def score(ctx: MonthContext) -> Effects:
    """Month end: the add side within its bounds plus what is left of the deduct pool."""
    so_far = ctx.so_far
    add_points, deduct_points = so_far.add_points, so_far.deduct_points
    # The same for every month of these two sides, whose words show them as written
    # (`RowWords`, by their text): worked out once per pair, and the score shared.
    memo = ctx.rates.row_words["score"]
    key = (str(add_points), str(deduct_points))
    known = memo.get(key)
    if known is None:
        known = ctx.rates.remember(memo, key, _bounded(ctx, add_points, deduct_points))
    return known


def _bounded(ctx: MonthContext, add_points: Decimal, deduct_points: Decimal) -> Effects:
    """The score of a month of ``add_points`` and ``deduct_points``, and the rules that
    bounded either side."""
    rules = ctx.policy.doc.score
    add = min(max(add_points, rules.add_floor), rules.add_max)
    pool_left = rules.deduct_pool - deduct_points
    deduct_left = max(pool_left, rules.deduct_floor)
    scored = _scored(_score(add, deduct_left, add + deduct_left))
    if add == add_points and deduct_left == pool_left:  # most months: within the bounds
        return (scored,)
    effects: list[Effect] = []
    if add != add_points:
        effects.append(
            fired(
                "score.add_bounds",
                rules.clause,
                texts.ADD_BOUNDS.format(
                    points=add_points, floor=rules.add_floor, ceiling=rules.add_max, add=add
                ),
                None,
            )
        )
    if deduct_left != pool_left:
        effects.append(
            fired(
                "score.deduct_floor",
                rules.clause,
                texts.DEDUCT_FLOOR.format(floor=rules.deduct_floor),
                None,
            )
        )
    effects.append(scored)
    return tuple(effects)


def _given(rule: Decimal | Range, given: Decimal | None) -> Decimal:
    """The fixed value of a rule, or the value the row gives within the rule's range."""
    if isinstance(rule, Range):
        return abs(given) if given is not None else ZERO
    return rule


def _charged(rule: Decimal | Range | None, given: Decimal | None) -> Decimal:
    if rule is None:
        return ZERO
    return _given(rule, given)
