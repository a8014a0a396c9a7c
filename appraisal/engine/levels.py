"""The level of the month and the level for the next (晋升和降职, 开除).

Part of the "evaluate" stage. Before the rows, `level_of_month` picks the level the
month is evaluated at. Once the month is scored, the month-end rules decide the level
for the next month: a dismissal trigger ends employment; any number of demotion
triggers moves down the track by the policy's steps (never below its bottom, and for
the manager only as a proposal); an approved application moves up one level. Each
returns its effects (`appraisal.engine.effects`).
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.model import CarriedState, Employee, Issue, Kind, Source
from appraisal.domain.money import ZERO
from appraisal.engine.context import MonthContext
from appraisal.engine.effects import (
    DemotionTriggered,
    Dismissed,
    Effect,
    Effects,
    NextLevel,
    Problem,
    Promoted,
    Review,
    fired,
)
from appraisal.i18n import sealed as texts
from appraisal.policy.loaded import LevelInfo, PolicyInForce
from appraisal.policy.schema import DemotionTrigger

__all__ = ["demotion", "demotion_triggers", "dismissal", "level_of_month", "promotion"]


def level_of_month(
    policy: PolicyInForce, employee: Employee, state: CarriedState
) -> tuple[LevelInfo, Effects]:
    """The level the ledger carries for the employee, else the roster's; a rehire starts
    again at the roster's."""
    emp_id = employee.employee_id
    carried = state.levels.get(emp_id)
    level_id = employee.level
    effects: Effects = ()
    if emp_id in state.dismissed:
        effects = (Review(texts.REHIRED.format(month=state.dismissed[emp_id], level=level_id)),)
    elif carried is not None and carried not in policy.levels:
        effects = (
            Problem(
                Issue.at(
                    employee.source,
                    "level",
                    f"the ledger carries level {carried!r} for {emp_id} from earlier months, "
                    "but the policy in force has no such level",
                )
            ),
        )
    elif carried is not None:
        if carried != level_id:
            effects = (Review(texts.LEDGER_LEVEL.format(roster=level_id, carried=carried)),)
        level_id = carried
    return policy.levels[level_id], effects


def dismissal(ctx: MonthContext) -> Effects:
    """Every dismissal trigger of the policy that this month fires; no level follows."""
    so_far = ctx.so_far
    penalty_rows = so_far.penalty_rows
    # Most months have no penalty row and too few latenesses for any trigger.
    fewest = ctx.rates.once("dismissal.fewest_latenesses", _fewest_latenesses, ctx)
    if not penalty_rows and (fewest is None or so_far.late_count < fewest):
        return ()
    effects: list[Effect] = []
    for trigger_id, trigger in ctx.policy.doc.dismissal.triggers.items():
        fired_on = None
        if trigger.penalty is not None:
            rows = penalty_rows.get(trigger.penalty)  # most months: none of any clause
            if not rows:
                continue
            if trigger.serious:
                rows = [e for e in rows if "serious" in e.flags]
                if not rows:
                    continue
            fired_on = rows[0].source
        else:
            assert trigger.lateness_count_at_least is not None
            if so_far.late_count < trigger.lateness_count_at_least:
                continue
        effects.append(Dismissed(trigger_id))
        effects.append(fired(f"dismissal.{trigger_id}", trigger.clause, texts.DISMISSAL, fired_on))
    if effects:
        effects.append(NextLevel(None))
    return tuple(effects)


def _fewest_latenesses(ctx: MonthContext) -> int | None:
    """The fewest latenesses that any dismissal trigger counts (None: no trigger counts)."""
    counts = [
        trigger.lateness_count_at_least
        for trigger in ctx.policy.doc.dismissal.triggers.values()
        if trigger.penalty is None and trigger.lateness_count_at_least is not None
    ]
    return min(counts, default=None)


def demotion_triggers(ctx: MonthContext) -> Effects:
    """Every demotion trigger that this month fires, dismissed or not."""
    effects: list[Effect] = []
    rates, rows, so_far = ctx.rates, ctx.rows, ctx.so_far
    serious = so_far.serious
    for rule, trigger, when_key, kind, clauses, triggered in rates.once(
        "demotion.triggers", _demotion_triggers, ctx
    ):
        source = None
        if when_key is not None:
            score = so_far.score
            if not rates.holds_for_score(when_key, score):  # on the score alone
                continue
            # Its entry names the total as written, and no row: the same for every month
            # of that total (`RowWords`, by the total's text), made once. A low score is
            # the trigger most months fire, so this is asked for most employees.
            memo = rates.row_words[rule]
            total = str(score.total)
            known = memo.get((total,))
            if known is None:
                detail = texts.DEMOTION_SCORE.format(when=trigger.when, score=total)
                entry = fired(rule, trigger.clause, detail, None)
                known = rates.remember(memo, (total,), (entry,))
            effects += (triggered, known[0])
            continue
        if kind is not None:
            of_kind = rows.get(kind)
            if not of_kind:  # most months: no such row
                continue
            source = of_kind[0].source
            detail = texts.DEMOTION_EVENT.format(event=trigger.event)
        else:
            found = sorted(serious & clauses, key=int) if serious else ()
            if not found:
                continue
            detail = texts.DEMOTION_SERIOUS.format(clauses=", ".join(found))
        effects.append(triggered)
        effects.append(fired(rule, trigger.clause, detail, source))
    return tuple(effects)  # () when none fired: the one empty tuple


def _demotion_triggers(
    ctx: MonthContext,
) -> tuple[
    tuple[str, DemotionTrigger, str | None, Kind | None, frozenset[str], DemotionTriggered], ...
]:
    """The policy's demotion triggers as each month reads them, made once: its rule, the
    key of a score condition, the kind of row, the serious clauses, and the effect it
    records."""
    return tuple(
        (
            f"demotion.{trigger_id}",
            trigger,
            f"demotion.triggers.{trigger_id}.when" if trigger.when is not None else None,
            Kind(trigger.event) if trigger.when is None and trigger.event is not None else None,
            frozenset(trigger.serious_clauses or ()),
            DemotionTriggered(trigger_id),
        )
        for trigger_id, trigger in ctx.policy.doc.demotion.triggers.items()
    )


def demotion(ctx: MonthContext) -> Effects:
    """Down the track by the policy's steps, when a trigger fired and no dismissal did."""
    reasons = ctx.so_far.demotion_reasons
    if not reasons or ctx.so_far.dismissal_reasons:
        return ()
    level = ctx.level
    if level.decided_by_general_manager:
        return (
            Review(texts.DEMOTION_PROPOSED.format(reasons=", ".join(reasons), title=level.title)),
        )
    # The same for everyone demoted from a level: made once per level.
    return ctx.rates.once(("demotion", level.id), _demoted, ctx)


def _demoted(ctx: MonthContext) -> Effects:
    doc = ctx.policy.doc
    level = ctx.level
    target = level
    for _ in range(doc.demotion.steps):
        if target.down is None:
            break
        target = ctx.policy.levels[target.down]
    if target is level:
        return (Review(texts.DEMOTION_LOWEST.format(title=level.title)),)
    return (
        NextLevel(target.id),
        fired(
            "demotion",
            doc.demotion.clause,
            texts.LEVEL_CHANGE.format(level=level.id, target=target.id, month=ctx.month.next()),
            None,
        ),
    )


def promotion(ctx: MonthContext) -> Effects:
    """Approved applications, one level up, unless a dismissal or demotion stands in the way."""
    applications = ctx.rows.get(Kind.PROMOTION)
    if not applications or ctx.so_far.dismissal_reasons:  # most months: none
        return ()
    rules = ctx.policy.doc.promotion
    level = ctx.level
    demoted = bool(ctx.so_far.demotion_reasons)
    effects: list[Effect] = []
    promoted_to: str | None = None
    for event in applications:
        target = event.note.strip()
        if rules.requires_flag and rules.requires_flag not in event.flags:
            effects.append(
                Review(texts.PROMOTION_AWAITS.format(target=target, source=event.source))
            )
            effects.append(
                fired(
                    "promotion.pending",
                    rules.clause,
                    texts.PROMOTION_PENDING.format(target=target),
                    event.source,
                )
            )
            continue
        if target != level.up:
            expected = level.up or "none (top of the track)"
            effects.append(
                _problem(
                    event.source,
                    "note",
                    f"promotion is one level at a time: {level.id} → {expected}, not {target}",
                )
            )
            continue
        if demoted and rules.blocked_by_demotion:
            effects.append(Review(texts.PROMOTION_DEMOTED.format(target=target)))
            effects.append(
                fired("promotion.blocked", rules.clause, texts.PROMOTION_BLOCKED, event.source)
            )
            continue
        eligible = ctx.policy.maybe_expr("promotion.eligible")
        if eligible is not None and not ctx.rates.holds(
            "promotion.eligible", _promotion_names(ctx, demoted)
        ):
            effects.append(
                Review(texts.PROMOTION_INELIGIBLE.format(target=target, eligible=rules.eligible))
            )
            effects.append(
                fired(
                    "promotion.ineligible",
                    rules.clause,
                    texts.INELIGIBLE.format(eligible=rules.eligible),
                    event.source,
                )
            )
            continue
        if promoted_to is not None:
            effects.append(
                _problem(
                    event.source,
                    "kind",
                    "a second approved promotion this month",
                )
            )
            continue
        promoted_to = target
        effects.append(Promoted(target))
        effects.append(
            fired(
                "promotion",
                rules.clause,
                texts.LEVEL_CHANGE.format(level=level.id, target=target, month=ctx.month.next()),
                event.source,
            )
        )
    return tuple(effects)


def _problem(source: Source, column: str, message: str) -> Problem:
    return Problem(Issue.at(source, column, message))


def _promotion_names(ctx: MonthContext, demoted: bool) -> dict[str, Decimal | bool]:
    history = [total for _, total in ctx.state.scores.get(ctx.employee.employee_id, ())]
    recent = [*history[-2:], ctx.so_far.score.total]
    return {
        **ctx.score_names(),
        "demoted": demoted,
        "avg_score_3m": sum(recent, ZERO) / len(recent),
        "months_scored": Decimal(len(history) + 1),
    }
