"""Level changes at month end: dismissal, demotion and promotion (晋升和降职, 开除).

Part of the "evaluate" stage. Once an employee's month is scored, these decide the
level for the next month: a dismissal trigger ends employment; any number of
demotion triggers moves down the track by the policy's steps (never below its bottom,
and for the manager only as a proposal); an approved application moves up one level.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from appraisal.domain.model import Issue, Kind
from appraisal.domain.money import ZERO

if TYPE_CHECKING:
    from appraisal.engine.evaluate import EmployeeMonth

__all__ = ["decide_dismissal", "decide_level"]


def decide_dismissal(draft: EmployeeMonth) -> None:
    """Every dismissal trigger of the policy that this month fires."""
    for trigger_id, trigger in draft.policy.doc.dismissal.triggers.items():
        fired = None
        if trigger.penalty is not None:
            rows = [
                e
                for e in draft.penalty_rows.get(trigger.penalty, [])
                if not trigger.serious or "serious" in e.flags
            ]
            fired = rows[0].source if rows else None
            hit = bool(rows)
        else:
            assert trigger.lateness_count_at_least is not None
            hit = draft.late_count >= trigger.lateness_count_at_least
        if hit:
            draft.dismissal_reasons.append(trigger_id)
            draft.fire(f"dismissal.{trigger_id}", trigger.clause, "dismissal (开除)", fired)


def decide_level(draft: EmployeeMonth) -> None:
    """Demotion triggers, then the level for next month (a dismissal leaves none)."""
    doc = draft.policy.doc
    names = draft.score_names()
    for trigger_id, trigger in doc.demotion.triggers.items():
        source = None
        if trigger.when is not None:
            hit = draft.policy.expr(f"demotion.triggers.{trigger_id}.when").holds(names)
            detail = f"{trigger.when} with score {draft.score.total}"
        elif trigger.event is not None:
            rows = draft.events_of.get(Kind(trigger.event), [])
            hit, source, detail = bool(rows), rows[0].source if rows else None, trigger.event
        else:
            found = sorted(draft.serious & set(trigger.serious_clauses or ()), key=int)
            hit, detail = bool(found), f"serious case of clause {', '.join(found)}"
        if hit:
            draft.demotion_reasons.append(trigger_id)
            draft.fire(
                f"demotion.{trigger_id}", trigger.clause, f"demotion trigger: {detail}", source
            )
    if draft.dismissal_reasons:
        draft.next_level = None
        return
    if draft.demotion_reasons:
        _demote(draft)
    _promote(draft, demoted=bool(draft.demotion_reasons))


def _demote(draft: EmployeeMonth) -> None:
    doc = draft.policy.doc
    if draft.level.decided_by_general_manager:
        draft.review.append(
            f"demotion proposed ({', '.join(draft.demotion_reasons)}): the {draft.level.title}'s level "
            "is decided by the general manager (总经理和副总经理决定); no change applied"
        )
        return
    target = draft.level
    for _ in range(doc.demotion.steps):
        if target.down is None:
            break
        target = draft.policy.levels[target.down]
    if target is draft.level:
        draft.review.append(
            f"demotion trigger at the lowest level ({draft.level.title}): no change, for review"
        )
        return
    draft.next_level = target.id
    draft.fire(
        "demotion",
        doc.demotion.clause,
        f"{draft.level.id} → {target.id} from {draft.month.next()}",
        None,
    )


def _promote(draft: EmployeeMonth, demoted: bool) -> None:
    rules = draft.policy.doc.promotion
    for event in draft.events_of.get(Kind.PROMOTION, []):
        target = event.note.strip()
        if rules.requires_flag and rules.requires_flag not in event.flags:
            draft.review.append(f"promotion to {target} awaits approval ({event.source})")
            draft.fire(
                "promotion.pending",
                rules.clause,
                f"application to {target}: not yet approved",
                event.source,
            )
            continue
        if target != draft.level.up:
            expected = draft.level.up or "none (top of the track)"
            draft.issues.append(
                Issue(
                    event.source.file,
                    event.source.row,
                    "note",
                    f"promotion is one level at a time: {draft.level.id} → {expected}, not {target}",
                )
            )
            continue
        if demoted and rules.blocked_by_demotion:
            draft.review.append(
                f"approved promotion to {target} not applied: demotion trigger this month"
            )
            draft.fire(
                "promotion.blocked", rules.clause, "blocked by a demotion trigger", event.source
            )
            continue
        eligible = draft.policy.maybe_expr("promotion.eligible")
        if eligible is not None and not eligible.holds(_promotion_names(draft, demoted)):
            draft.review.append(
                f"approved promotion to {target} not applied: not eligible ({rules.eligible})"
            )
            draft.fire(
                "promotion.ineligible",
                rules.clause,
                f"not eligible: {rules.eligible}",
                event.source,
            )
            continue
        if draft.promoted_to is not None:
            draft.issues.append(
                Issue(
                    event.source.file,
                    event.source.row,
                    "kind",
                    "a second approved promotion this month",
                )
            )
            continue
        draft.promoted_to = draft.next_level = target
        draft.fire(
            "promotion",
            rules.clause,
            f"{draft.level.id} → {target} from {draft.month.next()}",
            event.source,
        )


def _promotion_names(draft: EmployeeMonth, demoted: bool) -> dict[str, Decimal | bool]:
    history = [total for _, total in draft.state.scores.get(draft.employee.employee_id, ())]
    recent = [*history[-2:], draft.score.total]
    return {
        **draft.score_names(),
        "demoted": demoted,
        "avg_score_3m": sum(recent, ZERO) / len(recent),
        "months_scored": Decimal(len(history) + 1),
    }
