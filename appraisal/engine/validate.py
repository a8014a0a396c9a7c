"""Checking typed input against the policy in force.

The "validate" stage: `appraisal.read` has already checked the shape of every row
(columns, types, dates in the month, kinds and flags); this stage checks what only the
policy knows: levels, clauses, allowed ranges of amounts and points, which flags mean
something for which kind, metric names, and the quantities a day can hold
(`appraisal.engine.quantities`). Every problem is an `Issue`; nothing is raised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from appraisal.domain.model import Employee, Event, Issue, Kind
from appraisal.engine.quantities import quantities
from appraisal.policy.expr import did_you_mean
from appraisal.policy.loaded import PolicyInForce
from appraisal.policy.schema import Range

__all__ = ["validate"]

# Which flags mean something for which kind (interface.md); others are refused.
FLAGS_BY_KIND: dict[Kind, frozenset[str]] = {
    Kind.LATE: frozenset({"serious"}),
    Kind.EARLY_LEAVE: frozenset({"excused", "serious"}),
    Kind.ABSENT: frozenset({"serious"}),
    Kind.OVERTIME: frozenset({"holiday", "rest_day", "comp_time", "self_caused"}),
    Kind.PENALTY: frozenset({"serious"}),
    Kind.PROMOTION: frozenset({"approved"}),
}


def validate(
    policy: PolicyInForce, roster: Sequence[Employee], events: Sequence[Event]
) -> list[Issue]:
    """Every problem of the roster and events that the policy in force reveals."""
    issues: list[Issue] = []
    for employee in roster:
        if employee.level not in policy.levels:
            issues.append(
                Issue.at(
                    employee.source,
                    "level",
                    f"unknown level {employee.level!r}{did_you_mean(employee.level, policy.levels)}; "
                    f"levels: {', '.join(policy.levels)}",
                )
            )
    metrics_seen: dict[tuple[str, str], Event] = {}
    approvals: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        issues.extend(_check_event(policy, event))
        if event.kind is Kind.METRIC and event.clause:
            key = (event.employee_id, event.clause)
            if key in metrics_seen:
                issues.append(
                    _issue(
                        event,
                        "clause",
                        f"metric {event.clause} given twice (also row {metrics_seen[key].source.row})",
                    )
                )
            metrics_seen[key] = event
        if event.kind is Kind.PROMOTION and "approved" in event.flags:
            approvals[event.employee_id].append(event)
    issues.extend(quantities(policy, events))
    for rows in approvals.values():
        for extra in rows[1:]:
            issues.append(
                _issue(
                    extra,
                    "kind",
                    f"a second approved promotion this month (also row {rows[0].source.row})",
                )
            )
    return issues


def _issue(event: Event, column: str, message: str) -> Issue:
    return Issue.at(event.source, column, message)


def _check_event(policy: PolicyInForce, event: Event) -> list[Issue]:
    doc = policy.doc
    issues: list[Issue] = []
    allowed = FLAGS_BY_KIND.get(event.kind, frozenset())
    for flag in sorted(event.flags - allowed):
        where = f"; it applies to {', '.join(sorted(allowed))}" if allowed else ""
        issues.append(
            _issue(
                event, "flags", f"flag {flag!r} does not apply to kind {event.kind.value}{where}"
            )
        )
    clause = event.clause or ""
    if event.kind in (Kind.LATE, Kind.EARLY_LEAVE) and event.value is not None:
        if event.value != event.value.to_integral_value():
            issues.append(
                _issue(event, "value", f"minutes must be a whole number, not {event.value}")
            )
    elif event.kind is Kind.CRITERION:
        criterion = doc.score.criteria.get(clause)
        if criterion is None:
            choices = [c for c, v in doc.score.criteria.items() if v.when is None]
            issues.append(_unknown_clause(event, "criterion", clause, choices))
        elif criterion.when is not None:
            issues.append(
                _issue(
                    event,
                    "clause",
                    f"criterion {clause} is computed from metric rows ({criterion.when})",
                )
            )
    elif event.kind is Kind.METRIC:
        if clause not in doc.score.metrics:
            issues.append(_unknown_clause(event, "metric", clause, list(doc.score.metrics)))
    elif event.kind is Kind.REWARD:
        reward = doc.rewards.items.get(clause)
        if reward is None:
            issues.append(_unknown_clause(event, "reward", clause, list(doc.rewards.items)))
        else:
            issues.extend(
                _quantity(event, "amount", f"reward clause {clause}", reward.amount, event.amount)
            )
            issues.extend(
                _quantity(event, "points", f"reward clause {clause}", reward.points, event.points)
            )
    elif event.kind is Kind.PENALTY:
        penalty = doc.penalties.items.get(clause)
        if clause in doc.penalties.attendance_clauses:
            issues.append(
                _issue(
                    event,
                    "clause",
                    f"penalty clause {clause} comes from attendance rows "
                    "(late, early_leave, absent, personal_leave, sick_leave), not from a penalty row",
                )
            )
        elif penalty is None:
            issues.append(_unknown_clause(event, "penalty", clause, list(doc.penalties.items)))
        else:
            what = f"penalty clause {clause}"
            money_rule = penalty.fine if penalty.fine is not None else penalty.compensation
            issues.extend(
                _quantity(
                    event, "amount", what, money_rule, event.amount, repeat_only=penalty.first_time
                )
            )
            points = abs(event.points) if event.points is not None else None
            issues.extend(_quantity(event, "points", what, penalty.points, points))
    elif event.kind is Kind.PROMOTION:
        target = event.note.strip()
        if target and target not in policy.levels:
            issues.append(
                _issue(
                    event,
                    "note",
                    f"promotion target {target!r} is not a level{did_you_mean(target, policy.levels)}",
                )
            )
    return issues


def _unknown_clause(event: Event, what: str, clause: str, choices: list[str]) -> Issue:
    return _issue(
        event,
        "clause",
        f"unknown {what} clause {clause!r}{did_you_mean(clause, choices)}; clauses: {', '.join(choices)}",
    )


def _quantity(
    event: Event,
    column: str,
    what: str,
    rule: Decimal | Range | None,
    given: Decimal | None,
    repeat_only: object = None,
) -> list[Issue]:
    """An amount or points against the rule: a fixed value, a range, or nothing."""
    if rule is None:
        if given is not None and given != 0:
            return [_issue(event, column, f"{what} takes no {column}")]
        return []
    if isinstance(rule, Range):
        if given is None:
            # A "first time: warning" clause may leave the amount out; a repeat is checked
            # by the evaluator, which knows the offence history.
            if rule.optional or repeat_only is not None:
                return []
            return [_issue(event, column, f"{what} needs {column} {rule.describe()}")]
        if not rule.contains(given):
            return [
                _issue(event, column, f"{column} {given} is outside {rule.describe()} for {what}")
            ]
        return []
    if given is not None and given != rule:
        return [
            _issue(event, column, f"{what} has a fixed {column} of {rule}; {given} is not allowed")
        ]
    return []
