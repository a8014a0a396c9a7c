"""Checking typed input against the policy in force.

The "validate" stage: `appraisal.read` has already checked the shape of every row
(columns, types, dates in the month, kinds and flags); this stage checks what only the
policy knows: levels, clauses, allowed ranges of amounts and points, which flags mean
something for which kind, metric names, and the quantities a day can hold
(`appraisal.engine.quantities`). Every problem is an `Issue`; nothing is raised.

A level may be named by its id (``manager``) or by its title in the policy in force
(客服经理), in the roster's ``level`` and in a promotion's target (its note); a title
two levels share is refused, naming both. `validate_inputs` hands on the rows with the
id in place of the title: the id is what the engine uses and what the ledger seals,
and each row keeps its source, so the trail still points at the row as written.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from operator import attrgetter

from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Source
from appraisal.domain.pauses import without_cycle_collection
from appraisal.engine.quantities import quantities
from appraisal.engine.roster import roster_against_ledger
from appraisal.i18n import N_, _
from appraisal.policy.expr import did_you_mean
from appraisal.policy.loaded import LevelInfo, PolicyInForce
from appraisal.policy.schema import Range
from appraisal.read.inputs import MonthInputs

__all__ = ["MESSAGES", "LevelNames", "validate", "validate_inputs", "with_level_ids"]

# What a person reads, Chinese first, kept together for a message catalogue to take over.
MESSAGES = {
    "ambiguous": N_(
        "职级名称 {text} 对应多个职级：{choices}；请写职级 id (the title {text} names more "
        "than one level: {choices}; write the level's id)"
    ),
}

# Which flags mean something for which kind (interface.md); others are refused.
FLAGS_BY_KIND: dict[Kind, frozenset[str]] = {
    Kind.LATE: frozenset({"serious"}),
    Kind.EARLY_LEAVE: frozenset({"excused", "serious"}),
    Kind.ABSENT: frozenset({"serious"}),
    Kind.OVERTIME: frozenset({"holiday", "rest_day", "comp_time", "self_caused"}),
    Kind.PENALTY: frozenset({"serious"}),
    Kind.PROMOTION: frozenset({"approved"}),
}


class LevelNames:
    """The levels of the policy in force by id and by title (客服经理 → manager)."""

    def __init__(self, levels: Mapping[str, LevelInfo]) -> None:
        self.levels = levels
        self.by_title: dict[str, list[str]] = defaultdict(list)
        for level in levels.values():
            self.by_title[_compact(level.title)].append(level.id)

    def ids(self, text: str) -> list[str]:
        """Every level ``text`` names: its id, or each level with that title."""
        named = {text} if text in self.levels else set()
        return sorted(named | set(self.by_title.get(_compact(text), ())))

    def id_of(self, text: str) -> str:
        """The id ``text`` names when it names one level; else ``text`` as it is."""
        ids = self.ids(text)
        return ids[0] if len(ids) == 1 else text

    def problem(self, text: str, unknown: str) -> str | None:
        """Why ``text`` names no one level, or None. ``unknown`` begins the message for
        a text that names none (``unknown level 'x'``)."""
        ids = self.ids(text)
        if len(ids) == 1:
            return None
        if ids:
            choices = "、".join(f"{i} ({self.levels[i].title})" for i in ids)
            return _(MESSAGES["ambiguous"]).format(text=repr(text), choices=choices)
        names = [*self.levels, *(level.title for level in self.levels.values())]
        known = ", ".join(f"{level.id} ({level.title})" for level in self.levels.values())
        message = _("{unknown}{hint}; levels: {known}")
        return message.format(unknown=unknown, hint=did_you_mean(text, names), known=known)


def _compact(text: str) -> str:
    # A title as typed: full-width forms folded (NFKC), spaces anywhere dropped.
    return "".join(unicodedata.normalize("NFKC", text).split())


@without_cycle_collection()
def validate(
    policy: PolicyInForce, roster: Sequence[Employee], events: Sequence[Event]
) -> list[Issue]:
    """Every problem of the roster and events that the policy in force reveals."""
    issues: list[Issue] = []
    names = LevelNames(policy.levels)
    # A month names a few levels and a few hundred distinct rows thousands of times over:
    # each is checked once, and its problems given to every row like it (`_content`).
    level_problems: dict[str, str | None] = {}
    for employee in roster:
        level = employee.level
        if level not in level_problems:
            unknown = _("unknown level {level!r}").format(level=level)
            level_problems[level] = names.problem(level, unknown)
        problem = level_problems[level]
        if problem is not None:
            issues.append(Issue.at(employee.source, "level", problem))
    metrics_seen: dict[tuple[str, str], Event] = {}
    approvals: dict[str, list[Event]] = defaultdict(list)
    checked: dict[tuple[object, ...], list[tuple[str, str]]] = {}
    for event in events:
        # What `_check_event` reads of the row, by kind, and nothing else; numbers as
        # text, as a message shows them (5 and 5.0 are equal, and hash alike).
        kind = event.kind
        if kind in _MINUTES:
            key: tuple[object, ...] = (kind, event.flags, str(event.value))
        elif kind in _QUANTITIES:
            key = (kind, event.flags, event.clause, str(event.amount), str(event.points))
        elif kind is Kind.PROMOTION:
            key = (kind, event.flags, event.note)
        else:
            key = (kind, event.flags, event.clause)
        found = checked.get(key)
        if found is None:
            found = checked[key] = _check_event(policy, event, names)
        if found:
            issues.extend(Issue.at(event.source, column, message) for column, message in found)
        if kind is Kind.METRIC and event.clause:
            metric = (event.employee_id, event.clause)
            if metric in metrics_seen:
                issues.append(
                    _issue(
                        event,
                        "clause",
                        _("metric {clause} given twice (also row {row})").format(
                            clause=event.clause, row=metrics_seen[metric].source.row
                        ),
                    )
                )
            metrics_seen[metric] = event
        if kind is Kind.PROMOTION and "approved" in event.flags:
            approvals[event.employee_id].append(event)
    issues.extend(quantities(policy, events))
    for rows in approvals.values():
        for extra in rows[1:]:
            issues.append(
                _issue(
                    extra,
                    "kind",
                    _("a second approved promotion this month (also row {row})").format(
                        row=rows[0].source.row
                    ),
                )
            )
    return issues


def _issue(event: Event, column: str, message: str) -> Issue:
    return Issue.at(event.source, column, message)


_MINUTES = (Kind.LATE, Kind.EARLY_LEAVE)
_KIND = attrgetter("kind")
_EMPLOYEE_ID = attrgetter("employee_id")
_QUANTITIES = (Kind.REWARD, Kind.PENALTY)


def _check_event(policy: PolicyInForce, event: Event, names: LevelNames) -> list[tuple[str, str]]:
    """The problems of one row, as (column, message): they depend on the parts of it
    `validate` keys them by alone."""
    doc = policy.doc
    issues: list[tuple[str, str]] = []
    allowed = FLAGS_BY_KIND.get(event.kind, frozenset())
    for flag in sorted(event.flags - allowed):
        where = (
            _("; it applies to {allowed}").format(allowed=", ".join(sorted(allowed)))
            if allowed
            else ""
        )
        issues.append(
            (
                "flags",
                _("flag {flag!r} does not apply to kind {value}{where}").format(
                    flag=flag, value=event.kind.value, where=where
                ),
            )
        )
    clause = event.clause or ""
    if event.kind in _MINUTES and event.value is not None:
        if event.value != event.value.to_integral_value():
            issues.append(
                (
                    "value",
                    _("minutes must be a whole number, not {value}").format(value=event.value),
                )
            )
    elif event.kind is Kind.CRITERION:
        criterion = doc.score.criteria.get(clause)
        if criterion is None:
            choices = [c for c, v in doc.score.criteria.items() if v.when is None]
            issues.append(_unknown_clause("criterion", clause, choices))
        elif criterion.when is not None:
            issues.append(
                (
                    "clause",
                    _("criterion {clause} is computed from metric rows ({when})").format(
                        clause=clause, when=criterion.when
                    ),
                )
            )
    elif event.kind is Kind.METRIC:
        if clause not in doc.score.metrics:
            issues.append(_unknown_clause("metric", clause, list(doc.score.metrics)))
    elif event.kind is Kind.REWARD:
        reward = doc.rewards.items.get(clause)
        if reward is None:
            issues.append(_unknown_clause("reward", clause, list(doc.rewards.items)))
        else:
            what = _("reward clause {clause}").format(clause=clause)
            issues.extend(_quantity("amount", what, reward.amount, event.amount))
            issues.extend(_quantity("points", what, reward.points, event.points))
    elif event.kind is Kind.PENALTY:
        penalty = doc.penalties.items.get(clause)
        if clause in doc.penalties.attendance_clauses:
            issues.append(
                (
                    "clause",
                    _(
                        "penalty clause {clause} comes from attendance rows (late, early_leave, absent, personal_leave, sick_leave), not from a penalty row"
                    ).format(clause=clause),
                )
            )
        elif penalty is None:
            issues.append(_unknown_clause("penalty", clause, list(doc.penalties.items)))
        else:
            what = _("penalty clause {clause}").format(clause=clause)
            money_rule = penalty.fine if penalty.fine is not None else penalty.compensation
            issues.extend(
                _quantity("amount", what, money_rule, event.amount, repeat_only=penalty.first_time)
            )
            points = abs(event.points) if event.points is not None else None
            issues.extend(_quantity("points", what, penalty.points, points))
    elif event.kind is Kind.PROMOTION:
        target = event.note.strip()
        problem = target and names.problem(
            target, _("promotion target {target!r} is not a level").format(target=target)
        )
        if problem:  # an empty note is read's to report
            issues.append(("note", problem))
    return issues


def with_level_ids(
    policy: PolicyInForce, roster: Sequence[Employee], events: Sequence[Event]
) -> tuple[tuple[Employee, ...], tuple[Event, ...]]:
    """The rows with each level named by its id: a roster's ``level`` and a promotion's
    target. A title that names no one level is left as written (`validate` reports it)."""
    names = LevelNames(policy.levels)
    people = tuple(
        e if e.level in policy.levels else replace(e, level=names.id_of(e.level)) for e in roster
    )
    # Promotion rows are few: found by one C scan of the kinds, not a look at every row.
    rows = list(events)
    kinds = list(map(_KIND, rows))
    at = -1
    for _promotion in range(kinds.count(Kind.PROMOTION)):
        at = kinds.index(Kind.PROMOTION, at + 1)
        row = rows[at]
        if row.note.strip() not in policy.levels:
            rows[at] = row._replace(note=names.id_of(row.note.strip()))
    return people, tuple(rows)


def validate_inputs(
    in_force: PolicyInForce, inputs: MonthInputs, state: CarriedState
) -> tuple[MonthInputs, list[Issue]]:
    """Validate stage: the rows the policy in force accepts, levels named by their ids,
    and the problems of the rest.

    A refused roster row takes its employee's events with it, so that one mistake is
    reported once, not again as an event for someone unknown. The roster is checked
    against the ledger's state too: the dismissed are not on it by accident.
    """
    found = validate(in_force, inputs.roster, inputs.events)
    found += roster_against_ledger(inputs.roster, state)
    refused = {(i.file, i.row) for i in found}

    def kept(source: Source) -> bool:
        return (source.where, source.row) not in refused

    people, rows = with_level_ids(in_force, inputs.roster, inputs.events)
    if refused:  # most months: none, and no row's source need be looked up
        roster = tuple(e for e in people if kept(e.source))
        known = {e.employee_id for e in roster}
        events = tuple(e for e in rows if kept(e.source) and e.employee_id in known)
    else:
        known = {e.employee_id for e in people}
        roster, events = people, rows
        if not known.issuperset(map(_EMPLOYEE_ID, rows)):  # most months: all are known
            events = tuple(e for e in rows if e.employee_id in known)
    return replace(inputs, roster=roster, events=events), found


def _unknown_clause(what: str, clause: str, choices: list[str]) -> tuple[str, str]:
    return (
        "clause",
        f"unknown {what} clause {clause!r}{did_you_mean(clause, choices)}; clauses: {', '.join(choices)}",
    )


def _quantity(
    column: str,
    what: str,
    rule: Decimal | Range | None,
    given: Decimal | None,
    repeat_only: object = None,
) -> list[tuple[str, str]]:
    """An amount or points against the rule: a fixed value, a range, or nothing."""
    if rule is None:
        if given is not None and given != 0:
            return [(column, _("{what} takes no {column}").format(what=what, column=column))]
        return []
    if isinstance(rule, Range):
        if given is None:
            # A "first time: warning" clause may leave the amount out; a repeat is checked
            # by the evaluator, which knows the offence history.
            if rule.optional or repeat_only is not None:
                return []
            return [(column, f"{what} needs {column} {rule.describe()}")]
        if not rule.contains(given):
            return [
                (
                    column,
                    _("{column} {given} is outside {describe} for {what}").format(
                        column=column, given=given, describe=rule.describe(), what=what
                    ),
                )
            ]
        return []
    if given is not None and given != rule:
        return [
            (
                column,
                _("{what} has a fixed {column} of {rule}; {given} is not allowed").format(
                    what=what, column=column, rule=rule, given=given
                ),
            )
        ]
    return []
