"""Where a policy holds expressions, the names each may use, and what each must give.

Part of the "resolve policy" stage. A formula of yuan (a day's wage, the floating wage,
a settlement) must give a number; a condition (a criterion's `when`, a demotion
trigger, promotion and award eligibility) must give yes/no. `compile_slots` compiles
every expression of a policy tree once, against the names and the kind of result of
the field it sits in; `appraisal.policy.trial` then evaluates each on the policy's own
levels and scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from appraisal.files.yamlfile import Path_
from appraisal.policy.expr import NUMBER, YES_NO, Expression, ExpressionError, compile_expression

__all__ = [
    "AWARD_NAMES",
    "FLOATING_NAMES",
    "PROMOTION_NAMES",
    "RATE_NAMES",
    "SCORE_NAMES",
    "SLOTS",
    "YES_NO_NAMES",
    "Compiled",
    "Slot",
    "compile_slots",
]

# The names each kind of expression may use.
RATE_NAMES = frozenset({"base", "floating", "pay_day_basis"})
SCORE_NAMES = frozenset({"score", "add", "deduct_left"})
FLOATING_NAMES = RATE_NAMES | SCORE_NAMES
PROMOTION_NAMES = SCORE_NAMES | {"demoted", "avg_score_3m", "months_scored"}
# appraised: at least one criterion or exam row in the month (scheme.md §4)
AWARD_NAMES = SCORE_NAMES | {"appraised", "dismissed", "demoted"}
#: The names that hold yes/no; every other name holds a number.
YES_NO_NAMES = frozenset({"appraised", "demoted", "dismissed"})


@dataclass(frozen=True)
class Slot:
    """A place in a policy that holds an expression ("*": any key)."""

    pattern: tuple[str, ...]
    names: frozenset[str] | None  # None: the policy's metric names
    result: str  # NUMBER (a yuan amount) or YES_NO


SLOTS: tuple[Slot, ...] = (
    Slot(("pay", "floating_formula"), FLOATING_NAMES, NUMBER),
    Slot(("score", "criteria", "*", "when"), None, YES_NO),
    Slot(("attendance", "absence", "deduction_per_day"), RATE_NAMES, NUMBER),
    Slot(("attendance", "leave", "personal_per_day"), RATE_NAMES, NUMBER),
    Slot(("attendance", "leave", "sick_per_day"), RATE_NAMES, NUMBER),
    *(
        Slot(("overtime", f"{kind}_per_day"), RATE_NAMES, NUMBER)
        for kind in ("holiday", "rest_day", "workday")
    ),
    *(
        Slot(("compliance", f"{kind}_min_per_day"), RATE_NAMES, NUMBER)
        for kind in ("holiday", "rest_day", "workday")
    ),
    Slot(("demotion", "triggers", "*", "when"), SCORE_NAMES, YES_NO),
    Slot(("promotion", "eligible"), PROMOTION_NAMES, YES_NO),
    Slot(("dismissal", "settlement", "below_threshold"), RATE_NAMES, NUMBER),
    Slot(("dismissal", "settlement", "at_or_above_threshold"), RATE_NAMES, NUMBER),
    Slot(("awards", "monthly", "eligible"), AWARD_NAMES, YES_NO),
    Slot(("awards", "yearly", "eligible"), AWARD_NAMES, YES_NO),
)


@dataclass(frozen=True)
class Compiled:
    """An expression of a policy, compiled, with its place and its slot."""

    path: Path_
    expression: Expression
    slot: Slot


def metric_names(tree: Any) -> frozenset[str]:
    """The metric names a policy tree declares (only names written as text count)."""
    score = tree.get("score") if isinstance(tree, dict) else None
    metrics = score.get("metrics") if isinstance(score, dict) else None
    if not isinstance(metrics, dict):
        return frozenset()
    return frozenset(name for name in metrics if isinstance(name, str))


def compile_slots(tree: Any, problem: Callable[[Path_, str], None]) -> dict[str, Compiled]:
    """Compile every expression of a policy tree, keyed by its dotted path.

    Also run on a tree that failed validation, so one run reports its expression
    errors along with the rest.
    """
    metrics = metric_names(tree)
    compiled: dict[str, Compiled] = {}

    def walk(node: Any, slot: Slot, rest: tuple[str, ...], path: Path_) -> None:
        if not rest:
            if isinstance(node, str):
                names = metrics if slot.names is None else slot.names
                try:
                    expression = compile_expression(
                        node, names, yes_no_names=YES_NO_NAMES & names, result=slot.result
                    )
                except ExpressionError as error:
                    problem(path, str(error))
                else:
                    compiled[".".join(str(p) for p in path)] = Compiled(path, expression, slot)
            return
        if not isinstance(node, dict):
            return
        keys = list(node) if rest[0] == "*" else [rest[0]] if rest[0] in node else []
        for key in keys:
            walk(node[key], slot, rest[1:], (*path, key))

    for slot in SLOTS:
        walk(tree, slot, slot.pattern, ())
    return compiled
