"""Loading a policy and resolving the values in force for a month.

The "resolve policy" stage. `load_policy` reads a policy file, checks it as in force on
every date it changes (so no month can meet an invalid version), compiles every
expression once and checks its names, and reports every problem at once as
``file:line: message`` in a `PolicyError` (a `BadFile`: see `appraisal.domain.errors`).
`Policy.in_force(month)` then gives the evaluator a
`PolicyInForce`: one consistent set of values, with the ladder laid out for promotion
and demotion. The evaluator never compares dates itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appraisal.domain.errors import PolicyError
from appraisal.domain.model import Issue, Month
from appraisal.files.yamlfile import dotted, model_problems
from appraisal.policy.expr import Expression, ExpressionError, compile_expression, did_you_mean
from appraisal.policy.schema import PolicyDoc
from appraisal.policy.source import (
    POLICY_YAML,
    PolicySource,
    read_policy_bundle,
    read_policy_source,
    resolve_tree,
)

__all__ = [
    "LevelInfo",
    "Policy",
    "PolicyError",
    "PolicyInForce",
    "default_policy_path",
    "load_policy",
    "load_policy_bundle",
]

DEFAULT_POLICY = "customer_service.yaml"

# The names each kind of expression may use.
RATE_NAMES = frozenset({"base", "floating", "pay_day_basis"})
SCORE_NAMES = frozenset({"score", "add", "deduct_left"})
FLOATING_NAMES = RATE_NAMES | SCORE_NAMES
PROMOTION_NAMES = SCORE_NAMES | {"demoted", "avg_score_3m", "months_scored"}
AWARD_NAMES = SCORE_NAMES | {"dismissed", "demoted"}


@dataclass(frozen=True)
class LevelInfo:
    """A level of the job ladder, with its neighbours on the same track."""

    id: str
    title: str
    track: str
    base: Decimal
    floating: Decimal
    up: str | None
    down: str | None
    decided_by_general_manager: bool


@dataclass(frozen=True)
class PolicyInForce:
    """A policy as in force on a month's first day: values, compiled expressions, ladder."""

    doc: PolicyDoc
    id: str
    version: str
    sha256: str
    levels: dict[str, LevelInfo]
    expressions: dict[str, Expression] = field(repr=False)

    def expr(self, key: str) -> Expression:
        return self.expressions[key]

    def maybe_expr(self, key: str) -> Expression | None:
        return self.expressions.get(key)

    def rate_names(self, level: LevelInfo) -> dict[str, Decimal | bool]:
        """What a rate expression (`RATE_NAMES`) may use, for one level of the ladder."""
        return {
            "base": level.base,
            "floating": level.floating,
            "pay_day_basis": self.doc.pay.pay_day_basis,
        }


@dataclass
class Policy:
    """A loaded policy file (with whatever it extends), valid on every date it changes."""

    source: PolicySource
    path: Path | None
    _cache: dict[date, PolicyInForce] = field(default_factory=dict, repr=False)

    @property
    def sha256(self) -> str:
        return self.source.sha256

    @property
    def texts(self) -> dict[str, str]:
        return dict(self.source.texts)

    def in_force(self, month: Month) -> PolicyInForce:
        day = month.first_day
        key = max(d for d in self.source.effective_dates() if d <= day)
        if key not in self._cache:
            resolved, issues = _resolve(self.source, day)
            if resolved is None:
                raise PolicyError(issues)
            self._cache[key] = resolved
        return self._cache[key]

    @property
    def id(self) -> str:
        return str(self.source.tree.get("id", ""))

    @property
    def version(self) -> str:
        return str(self.source.tree.get("version", ""))


def default_policy_path() -> Path:
    """The shipped customer-service policy (policies/customer_service.yaml)."""
    return Path(str(resources.files("policies").joinpath(DEFAULT_POLICY)))


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and check a policy; raise PolicyError with every problem found."""
    path = Path(path) if path is not None else default_policy_path()
    return _checked(lambda: read_policy_source(path), path)


def load_policy_bundle(texts: Mapping[str, str]) -> Policy:
    """The policy a ledger stored, from its texts alone (replay never reads today's files)."""
    return _checked(lambda: read_policy_bundle(texts), None)


def _checked(read: Callable[[], PolicySource], path: Path | None) -> Policy:
    source = read()
    issues: list[Issue] = []
    for day in source.effective_dates():
        _, found = _resolve(source, day)
        issues.extend(i for i in found if i not in issues)
    if issues:
        raise PolicyError(sorted(issues, key=lambda i: (i.file, i.row or 0, i.message)))
    return Policy(source, path)


def _resolve(source: PolicySource, day: date) -> tuple[PolicyInForce | None, list[Issue]]:
    tree = resolve_tree(source.tree, day)
    issues: list[Issue] = []

    def problem(path: tuple[Any, ...], message: str) -> None:
        file, line = source.locate(path)
        when = "" if day == date.min else f" (as in force from {day})"
        issue = Issue(file, line, None, f"{dotted(path)}: {message}{when}")
        if issue not in issues:
            issues.append(issue)

    try:
        doc = PolicyDoc.model_validate(tree)
    except ValidationError as error:
        for path, message in model_problems(error, PolicyDoc, POLICY_YAML):
            problem(path, message)
        # Expressions are still checked, so one run shows every problem of the file.
        _compile_expressions(tree, problem)
        return None, issues

    # Compiled from the validated document, so defaults (award eligibility) count too.
    expressions = _compile_expressions(doc.model_dump(), problem)
    levels = _ladder(doc, problem)
    _cross_check(doc, problem)
    if issues:
        return None, issues
    resolved = PolicyInForce(
        doc=doc,
        id=doc.id,
        version=doc.version,
        sha256=source.sha256,
        levels=levels,
        expressions=expressions,
    )
    return resolved, []


# Where expressions live in a policy, and the names each may use ("*": any key).
_EXPRESSION_SLOTS: tuple[tuple[tuple[str, ...], frozenset[str] | None], ...] = (
    (("pay", "floating_formula"), FLOATING_NAMES),
    (("score", "criteria", "*", "when"), None),  # None: the policy's metric names
    (("attendance", "absence", "deduction_per_day"), RATE_NAMES),
    (("attendance", "leave", "personal_per_day"), RATE_NAMES),
    (("attendance", "leave", "sick_per_day"), RATE_NAMES),
    *((("overtime", f"{kind}_per_day"), RATE_NAMES) for kind in ("holiday", "rest_day", "workday")),
    *(
        (("compliance", f"{kind}_min_per_day"), RATE_NAMES)
        for kind in ("holiday", "rest_day", "workday")
    ),
    (("demotion", "triggers", "*", "when"), SCORE_NAMES),
    (("promotion", "eligible"), PROMOTION_NAMES),
    (("dismissal", "settlement", "below_threshold"), RATE_NAMES),
    (("dismissal", "settlement", "at_or_above_threshold"), RATE_NAMES),
    (("awards", "monthly", "eligible"), AWARD_NAMES),
    (("awards", "yearly", "eligible"), AWARD_NAMES),
)


def _compile_expressions(tree: Any, problem: Any) -> dict[str, Expression]:
    """Compile every expression slot of a policy tree, keyed by its dotted path.

    Also run on a tree that failed validation, so one run reports its expression
    errors along with the rest.
    """
    metrics = tree.get("score", {}).get("metrics", {}) if isinstance(tree, dict) else {}
    metric_names = frozenset(metrics) if isinstance(metrics, dict) else frozenset()
    compiled: dict[str, Expression] = {}

    def walk(
        node: Any, pattern: tuple[str, ...], path: tuple[Any, ...], names: frozenset[str]
    ) -> None:
        if not pattern:
            if isinstance(node, str):
                try:
                    compiled[".".join(str(p) for p in path)] = compile_expression(node, names)
                except ExpressionError as error:
                    problem(path, str(error))
            return
        if not isinstance(node, dict):
            return
        keys = list(node) if pattern[0] == "*" else [pattern[0]] if pattern[0] in node else []
        for key in keys:
            walk(node[key], pattern[1:], (*path, key), names)

    for pattern, names in _EXPRESSION_SLOTS:
        walk(tree, pattern, (), metric_names if names is None else names)
    return compiled


def _ladder(doc: PolicyDoc, problem: Any) -> dict[str, LevelInfo]:
    levels: dict[str, LevelInfo] = {}
    for track_id, track in doc.ladder.tracks.items():
        ids = list(track.levels)
        for i, level_id in enumerate(ids):
            level = track.levels[level_id]
            if level_id in levels:
                problem(("ladder", "tracks", track_id, "levels", level_id), "level id used twice")
                continue
            levels[level_id] = LevelInfo(
                id=level_id,
                title=level.title,
                track=track_id,
                base=level.base,
                floating=level.floating,
                up=ids[i + 1] if i + 1 < len(ids) else None,
                down=ids[i - 1] if i > 0 else None,
                decided_by_general_manager=level.decided_by_general_manager,
            )
    return levels


def _cross_check(doc: PolicyDoc, problem: Any) -> None:
    penalty_clauses = set(doc.penalties.items) | set(doc.penalties.attendance_clauses)
    for tid, trigger in doc.demotion.triggers.items():
        for clause in trigger.serious_clauses or []:
            if clause not in penalty_clauses:
                problem(
                    ("demotion", "triggers", tid, "serious_clauses"),
                    f"no penalty clause {clause!r}{did_you_mean(clause, penalty_clauses)}",
                )
    for tid, dismissal in doc.dismissal.triggers.items():
        if dismissal.penalty is not None and dismissal.penalty not in doc.penalties.items:
            problem(
                ("dismissal", "triggers", tid, "penalty"),
                f"no penalty clause {dismissal.penalty!r}"
                + did_you_mean(dismissal.penalty, doc.penalties.items),
            )
    bands = doc.score.exam.bands
    if doc.score.exam.below_lowest is not None and doc.score.exam.below_lowest not in bands:
        problem(
            ("score", "exam", "below_lowest"),
            f"no band {doc.score.exam.below_lowest!r}{did_you_mean(doc.score.exam.below_lowest, bands)}",
        )
    for cid, penalty in doc.penalties.items.items():
        if penalty.first_time is not None and penalty.fine is None and penalty.points is None:
            problem(
                ("penalties", "items", cid, "first_time"),
                "a warning needs a fine or points to waive",
            )
        if cid in doc.penalties.attendance_clauses:
            problem(("penalties", "items", cid), "this clause comes from attendance rows")
