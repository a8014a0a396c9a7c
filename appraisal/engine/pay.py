"""Pay at month end: base, floating, the fines cap, allowances and the settlement.

Part of the "evaluate" stage. Base and floating wage come from the level (the
floating wage may be scaled by the policy's formula), fines are capped at the floating
wage, allowances are added, and a dismissed employee's wage is replaced by the
settlement (开除人员待遇结算).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from appraisal.domain.model import Kind
from appraisal.domain.money import ZERO, plain, text
from appraisal.domain.results import TraceEntry

if TYPE_CHECKING:
    from appraisal.engine.evaluate import EmployeeMonth

__all__ = ["settle_pay"]


def settle_pay(draft: EmployeeMonth) -> None:
    """Allowances, then the wage of the level or, for the dismissed, the settlement."""
    doc = draft.policy.doc
    names = draft.rates.names(draft.level)
    for allowance_id, allowance in doc.pay.allowances.items():
        draft.fire(
            f"pay.allowances.{allowance_id}",
            allowance.clause,
            f"{allowance.label} {text(allowance.amount)}",
            None,
            None,
            "allowances",
            allowance.amount,
        )
    if draft.dismissal_reasons:
        _settle(draft, names)
        return
    draft.fire(
        "pay.base",
        doc.pay.clause,
        f"base wage ({draft.level.title}) {text(draft.level.base)}",
        None,
        None,
        "base",
        draft.level.base,
    )
    floating = draft.level.floating
    formula = draft.policy.maybe_expr("pay.floating_formula")
    if formula is not None:
        floating = max(formula.money({**names, **draft.score_names()}), ZERO)
    draft.fire(
        "pay.floating",
        doc.pay.clause,
        f"floating wage {text(floating)}",
        None,
        None,
        "floating",
        floating,
    )
    fines = draft.money["fines"]
    if doc.pay.fines_cap == "floating_wage" and fines > floating:
        excess = fines - floating
        draft.money["fines"] = floating
        draft.review.append(
            f"fines {text(fines)} exceed the floating wage {text(floating)}: {text(excess)} not deducted"
        )
        draft.trace.append(
            TraceEntry(
                "pay.fines_cap",
                doc.penalties.clause,
                f"fines capped at the floating wage; {text(excess)} reported, not carried over",
                None,
                None,
                "fines",
                -excess,
            )
        )


def _settle(draft: EmployeeMonth, names: Mapping[str, Decimal | bool]) -> None:
    settlement = draft.policy.doc.dismissal.settlement
    rows = draft.events_of.get(Kind.TERMINATION, [])
    days = rows[0].value if rows and rows[0].value is not None else None
    whole_month = days is None
    worked = draft.policy.doc.pay.pay_day_basis if days is None else days
    key = "below_threshold" if worked < settlement.threshold_days else "at_or_above_threshold"
    amount = draft.policy.expr(f"dismissal.settlement.{key}").money(names)
    for field_name in ("fines", "leave_deduction", "absence_deduction"):
        if draft.money[field_name]:
            draft.trace.append(
                TraceEntry(
                    "dismissal.settlement",
                    settlement.clause,
                    f"{field_name} {text(draft.money[field_name])} not applied: replaced by the settlement",
                    None,
                    None,
                    field_name,
                    -draft.money[field_name],
                )
            )
        draft.money[field_name] = ZERO
    worked_text = "the whole month" if whole_month else f"{plain(worked)} working day(s)"
    draft.fire(
        "dismissal.settlement",
        settlement.clause,
        f"settlement for {worked_text}: {text(amount)}",
        rows[0].source if rows else None,
        None,
        "settlement",
        amount,
    )
