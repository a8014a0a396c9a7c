"""Pay at month end: allowances, base, floating, the fines cap, and the settlement.

Part of the "evaluate" stage, once the month's level is decided. Base and floating
wage come from the level (the floating wage may be scaled by the policy's formula),
fines are capped at the floating wage, leave and absence deductions at what is left
of the wage (when the policy says so), allowances are added, and a dismissed
employee's wage is replaced by the settlement (开除人员待遇结算). Each rule returns its
effects (`appraisal.engine.effects`); a correction is a trace entry with negative yuan.
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.model import Kind
from appraisal.domain.money import ZERO, cents, plain, text
from appraisal.engine.context import MonthContext
from appraisal.engine.effects import Effect, Effects, Review, fired
from appraisal.i18n import sealed as texts
from appraisal.policy.expr import Expression

__all__ = ["allowances", "termination_without_dismissal", "wage"]

_TWO_CENTS = Decimal("0.02")


def allowances(ctx: MonthContext) -> Effects:
    """Every allowance of the policy (交通补贴, 通讯补贴), dismissed or not: the same
    entries for everyone, made once per evaluation."""
    return ctx.rates.once("pay.allowances", _allowances, ctx)


def _allowances(ctx: MonthContext) -> Effects:
    return tuple(
        [
            fired(
                f"pay.allowances.{allowance_id}",
                allowance.clause,
                texts.ALLOWANCE.format(label=allowance.label, amount=text(allowance.amount)),
                None,
                None,
                "allowances",
                allowance.amount,
            )
            for allowance_id, allowance in ctx.policy.doc.pay.allowances.items()
        ]
    )


def wage(ctx: MonthContext) -> Effects:
    """The wage of the level, fines capped at its floating part; for the dismissed, the
    settlement instead."""
    so_far = ctx.so_far
    if so_far.dismissal_reasons:
        return _settlement(ctx)
    formula, fines_capped, deductions_capped = ctx.rates.once("pay.rules", _pay_rules, ctx)
    level = ctx.level
    floating = level.floating
    entries: Effects
    if formula is None:  # the level's wage as it stands: one pair of entries per level
        entries = ctx.rates.once(("pay.wage", level.id), _wage, ctx, floating)
    else:
        floating = max(formula.money({**ctx.rate_names(), **ctx.score_names()}), ZERO)
        entries = _wage(ctx, floating)
    money = so_far.money
    fines = money.get("fines", ZERO)
    over = fines_capped and fines > floating
    capped = deductions_capped and ("leave_deduction" in money or "absence_deduction" in money)
    # What leave and absence deductions beyond the wage left give back: most months,
    # nothing (none taken, or within the wage).
    fines_kept = floating if over else fines
    excess_deducted = _deductions_cap(ctx, level.base + floating - fines_kept) if capped else ()
    if not over and not excess_deducted:  # most months: the wage's entries alone
        return entries
    doc = ctx.policy.doc
    effects: list[Effect] = list(entries)
    if over:
        # Taking the excess back off leaves exactly the floating wage in fines.
        excess = fines - floating
        effects.append(
            Review(
                texts.FINES_OVER.format(
                    fines=text(fines), floating=text(floating), excess=text(excess)
                )
            )
        )
        effects.append(
            fired(
                "pay.fines_cap",
                doc.penalties.clause,
                texts.FINES_CAP.format(excess=text(excess)),
                None,
                None,
                "fines",
                -excess,
            )
        )
    effects.extend(excess_deducted)
    return tuple(effects)


def _pay_rules(ctx: MonthContext) -> tuple[Expression | None, bool, bool]:
    """What the wage step asks of the policy, once per evaluation: the floating wage's
    formula (None: the level's), whether fines are capped at the floating wage, and
    whether leave and absence deductions are capped at the wage left."""
    pay = ctx.policy.doc.pay
    formula = ctx.policy.maybe_expr("pay.floating_formula")
    return formula, pay.fines_cap == "floating_wage", pay.deductions_cap is not None


def _wage(ctx: MonthContext, floating: Decimal) -> Effects:
    """Base and floating wage of the level (``floating`` as the formula makes it)."""
    clause, level = ctx.policy.doc.pay.clause, ctx.level
    return (
        fired(
            "pay.base",
            clause,
            texts.BASE.format(title=level.title, amount=text(level.base)),
            None,
            None,
            "base",
            level.base,
        ),
        fired(
            "pay.floating",
            clause,
            texts.FLOATING.format(amount=text(floating)),
            None,
            None,
            "floating",
            floating,
        ),
    )


def _deductions_cap(ctx: MonthContext, wage_left: Decimal) -> Effects:
    """Leave and absence deductions together never exceed the wage left after fines
    (scheme.md §5): the excess is taken back off the leave deduction first, then off the
    absence deduction, and reported, never carried over.

    Compared as the payslip shows them, each field rounded to the cent: the fields the
    cap leaves are then whole cents that add up to the cap exactly, so gross is never a
    cent below the allowances.
    """
    cap = ctx.policy.doc.pay.deductions_cap
    assert cap is not None
    leave = ctx.so_far.money.get("leave_deduction", ZERO)
    absence = ctx.so_far.money.get("absence_deduction", ZERO)
    if not leave and not absence:  # nothing deducted fits any room, even none
        return ()
    # Each rounding moves a figure by half a cent at most: deductions two cents or more
    # within the wage left are within it rounded too (most months), without rounding.
    if leave + absence + _TWO_CENTS <= wage_left:
        return ()
    room = max(cents(wage_left), ZERO)  # fines beyond the wage (no fines cap) leave nothing
    deducted = cents(leave) + cents(absence)
    if deducted <= room:
        return ()
    kept_absence = min(absence, room)
    kept_leave = room - cents(kept_absence)
    effects: list[Effect] = [
        Review(
            texts.DEDUCTIONS_OVER.format(
                deducted=text(deducted), room=text(room), excess=text(deducted - room)
            )
        )
    ]
    for field_name, before, after in (
        ("leave_deduction", leave, kept_leave),
        ("absence_deduction", absence, kept_absence),
    ):
        if before > after:
            effects.append(
                fired(
                    "pay.deductions_cap",
                    cap.clause,
                    texts.DEDUCTIONS_CAP[field_name].format(
                        before=text(before),
                        after=text(after),
                        room=text(room),
                        excess=text(before - after),
                    ),
                    None,
                    None,
                    field_name,
                    after - before,
                )
            )
    return tuple(effects)


def _settlement(ctx: MonthContext) -> Effects:
    settlement = ctx.policy.doc.dismissal.settlement
    rows = ctx.rows.get(Kind.TERMINATION, ())
    days = rows[0].value if rows and rows[0].value is not None else None
    whole_month = days is None
    worked = ctx.policy.doc.pay.pay_day_basis if days is None else days
    key = "below_threshold" if worked < settlement.threshold_days else "at_or_above_threshold"
    amount = ctx.policy.expr(f"dismissal.settlement.{key}").money(ctx.rate_names())
    effects: list[Effect] = []
    for field_name in ("fines", "leave_deduction", "absence_deduction"):
        # The settlement replaces the month's deductions: each is taken back to zero.
        deducted = ctx.so_far.money.get(field_name, ZERO)
        if deducted:
            effects.append(
                fired(
                    "dismissal.settlement",
                    settlement.clause,
                    texts.REPLACED[field_name].format(amount=text(deducted)),
                    None,
                    None,
                    field_name,
                    -deducted,
                )
            )
    template = texts.SETTLEMENT_MONTH if whole_month else texts.SETTLEMENT_DAYS
    effects.append(
        fired(
            "dismissal.settlement",
            settlement.clause,
            template.format(days=plain(worked), amount=text(amount)),
            rows[0].source if rows else None,
            None,
            "settlement",
            amount,
        )
    )
    return tuple(effects)


def termination_without_dismissal(ctx: MonthContext) -> Effects:
    """A termination row with no dismissal clause fired: paid as a normal month, reviewed."""
    termination = ctx.rows.get(Kind.TERMINATION)
    if not termination or ctx.so_far.dismissal_reasons:
        return ()
    return (Review(texts.TERMINATION.format(source=termination[0].source)),)
