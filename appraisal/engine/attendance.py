"""Attendance rows: lateness, early leave, absence, leave, overtime (处罚 4, 5; 加班).

Part of the "evaluate" stage: the handlers `appraisal.engine.evaluate` calls for each
attendance row of an employee's month, in content order, and the month-end rule on
frequent leave. Each returns its effects (`appraisal.engine.effects`): the rule that
fired, with its clause and the row, and the tallies later rules read.
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.model import Event
from appraisal.domain.money import ZERO, plain, text
from appraisal.domain.results import TraceEntry
from appraisal.engine.context import MonthContext
from appraisal.engine.effects import LATE, LEAVE, Effects, Review, Serious, fired, made
from appraisal.i18n import sealed as texts
from appraisal.read.vocabulary import LEAVE_TYPES

__all__ = [
    "frequent_leave",
    "on_absent",
    "on_early_leave",
    "on_late",
    "on_overtime",
    "on_paid_leave",
    "on_personal_leave",
    "on_sick_leave",
]

# A serious lateness or absence is a serious case of 处罚 4, a demotion trigger.
_SERIOUS_4 = Serious("4")


# The texts of a lateness: fined, and counted as absence (旷工), by what the row is.
_LATENESS = {
    "late": (texts.LATE, texts.LATE_ABSENCE),
    "early leave": (texts.EARLY, texts.EARLY_ABSENCE),
}


# (rule, clause, words, points, pay field, yuan): a rule that fired, but for its row.
Fired = tuple[str, str, str, Decimal | None, str | None, Decimal | None]


def _late(ctx: MonthContext, event: Event, what: str) -> Effects:
    minutes = event.value or ZERO
    # The same for every row of these minutes at this level (`RowWords`).
    memo = ctx.rates.row_words["attendance.lateness"]
    key = (what, str(minutes), ctx.level.id)
    known = memo.get(key)
    if known is None:
        known = ctx.rates.remember(memo, key, _lateness(ctx, what, minutes))
    rule, clause, words, points, pay_field, yuan = known
    entry = made(TraceEntry, (rule, clause, words, event.source, points, pay_field, yuan))
    return (LATE, _SERIOUS_4, entry) if "serious" in event.flags else (LATE, entry)


def _lateness(ctx: MonthContext, what: str, minutes: Decimal) -> Fired:
    """A lateness of ``minutes``: fined by the first tier (in the policy's order) that
    they fit, or counted as absence (旷工) when that tier says so."""
    tiers = ctx.policy.doc.attendance.lateness.tiers
    for tier_id, tier in tiers.items():  # noqa: B007 - the loop finds the tier
        if tier.max_minutes is None or minutes <= tier.max_minutes:
            break
    rule = f"attendance.lateness.{tier_id}"
    if tier.absence_days is not None:
        late = (_LATENESS[what][1], minutes)
        return _absence(ctx, tier.absence_days, rule, tier.clause, late)
    assert tier.fine is not None and tier.points is not None
    return (
        rule,
        tier.clause,
        _LATENESS[what][0].format(minutes=minutes, fine=text(tier.fine), points=tier.points),
        -tier.points,
        "fines",
        tier.fine,
    )


def _absence(
    ctx: MonthContext,
    days: Decimal,
    rule: str,
    clause: str,
    late: tuple[str, Decimal] | None = None,
) -> Fired:
    """Days of absence; ``late``: the text of the lateness counted as absence, and its minutes."""
    absence = ctx.policy.doc.attendance.absence
    per_day = ctx.rate("attendance.absence.deduction_per_day") or ZERO
    amount = per_day * days
    points = absence.points_per_day * days
    template, minutes = late or (texts.ABSENCE, ZERO)
    return (
        rule,
        clause,
        template.format(
            minutes=minutes, days=plain(days), amount=text(amount), points=plain(points)
        ),
        -points,
        "absence_deduction",
        amount,
    )


def on_late(ctx: MonthContext, event: Event) -> Effects:
    return _late(ctx, event, "late")


def on_early_leave(ctx: MonthContext, event: Event) -> Effects:
    rules = ctx.policy.doc.attendance.early_leave
    treatment = rules.excused if "excused" in event.flags else rules.unexcused
    if treatment == "as_late":
        return _late(ctx, event, "early leave")
    if treatment == "review":
        return (
            Review(
                texts.EARLY_REVIEW_ITEM.format(
                    minutes=event.value, date=event.date, source=event.source
                )
            ),
            fired(
                "attendance.early_leave",
                rules.clause,
                texts.EARLY_REVIEW,
                event.source,
            ),
        )
    return (fired("attendance.early_leave", rules.clause, texts.EARLY_NO_EFFECT, event.source),)


def on_absent(ctx: MonthContext, event: Event) -> Effects:
    days = event.value or ZERO
    memo = ctx.rates.row_words["attendance.absence"]
    key = (str(days), ctx.level.id)
    known = memo.get(key)
    if known is None:
        clause = ctx.policy.doc.attendance.absence.clause
        known = ctx.rates.remember(memo, key, _absence(ctx, days, "attendance.absence", clause))
    rule, clause, words, points, pay_field, yuan = known
    deducted = made(TraceEntry, (rule, clause, words, event.source, points, pay_field, yuan))
    return (_SERIOUS_4, deducted) if "serious" in event.flags else (deducted,)


def _leave(ctx: MonthContext, event: Event, key: str, rule: str, template: str) -> Effects:
    """A leave row: ``key`` names the policy's rate per day, ``rule`` the rule that fired."""
    days = event.value or ZERO
    memo = ctx.rates.row_words[rule]
    memo_key = (str(days), ctx.level.id)
    known = memo.get(memo_key)
    if known is None:
        amount = (ctx.rate(key) or ZERO) * days
        words = template.format(days=plain(days), amount=text(amount))
        clause = ctx.policy.doc.attendance.leave.clause
        known = ctx.rates.remember(memo, memo_key, (clause, words, amount))
    clause, words, amount = known
    entry = made(TraceEntry, (rule, clause, words, event.source, None, "leave_deduction", amount))
    return (LEAVE, entry)


def on_personal_leave(ctx: MonthContext, event: Event) -> Effects:
    return _leave(
        ctx,
        event,
        "attendance.leave.personal_per_day",
        "attendance.leave.personal",
        texts.PERSONAL_LEAVE,
    )


def on_sick_leave(ctx: MonthContext, event: Event) -> Effects:
    return _leave(
        ctx, event, "attendance.leave.sick_per_day", "attendance.leave.sick", texts.SICK_LEAVE
    )


def on_paid_leave(ctx: MonthContext, event: Event) -> Effects:
    """Paid leave (带薪假: 年假 …) costs nothing unless the policy prices it as a share of
    personal leave (attendance.leave.paid_share); it is shown in the trace either way, and
    it is no request for leave that 处罚 5 counts (frequent leave)."""
    leave = ctx.policy.doc.attendance.leave
    days = event.value or ZERO
    clause = event.clause or ""
    kind = LEAVE_TYPES.label(clause) if clause in LEAVE_TYPES.names else "带薪假"
    if not leave.paid_share:
        effect = texts.PAID_LEAVE.format(kind=kind, days=plain(days))
        return (fired("attendance.leave.paid", leave.clause, effect, event.source),)
    per_day = (ctx.rate("attendance.leave.personal_per_day") or ZERO) * leave.paid_share
    amount = per_day * days
    return (
        fired(
            "attendance.leave.paid",
            leave.clause,
            texts.PAID_LEAVE_PRICED.format(
                kind=kind, days=plain(days), amount=text(amount), share=plain(leave.paid_share)
            ),
            event.source,
            None,
            "leave_deduction",
            amount,
        ),
    )


def on_overtime(ctx: MonthContext, event: Event) -> Effects:
    """Overtime pay as the policy writes it; the statutory minimum is the check stage's."""
    days, flags = event.value or ZERO, event.flags
    memo = ctx.rates.row_words["overtime"]
    key = (str(days), flags, ctx.level.id)
    known = memo.get(key)
    if known is None:
        known = ctx.rates.remember(memo, key, _overtime(ctx, days, flags))
    rule, clause, words, amount = known
    return (made(TraceEntry, (rule, clause, words, event.source, None, "overtime", amount)),)


def _overtime(
    ctx: MonthContext, days: Decimal, flags: frozenset[str]
) -> tuple[str, str, str, Decimal]:
    """The rule, clause, words and yuan of ``days`` of overtime with ``flags``."""
    overtime = ctx.policy.doc.overtime
    day_kind = "holiday" if "holiday" in flags else "rest_day" if "rest_day" in flags else "workday"
    unpaid = sorted(set(overtime.unpaid_flags) & flags)
    rate = ctx.rate(f"overtime.{day_kind}_per_day")
    amount = ZERO if unpaid or rate is None else rate * days
    paid, not_paid, not_priced = texts.OVERTIME[day_kind]
    template = not_paid if unpaid else paid if rate is not None else not_priced
    return (
        f"overtime.{day_kind}",
        overtime.clause,
        template.format(days=plain(days), amount=text(amount), flags=", ".join(unpaid)),
        amount,
    )


def frequent_leave(ctx: MonthContext) -> Effects:
    """Month end: 3 or more leave rows in the month cost points (处罚 5)."""
    frequent = ctx.policy.doc.attendance.frequent_leave
    count = ctx.so_far.leave_count
    if count < frequent.at_least:
        return ()
    return (
        fired(
            "attendance.frequent_leave",
            frequent.clause,
            texts.FREQUENT_LEAVE.format(
                count=count, at_least=frequent.at_least, points=frequent.points
            ),
            None,
            -frequent.points,
        ),
    )
