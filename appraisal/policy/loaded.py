"""Loading a policy and resolving the values in force for a month.

The "resolve policy" stage. `load_policy` reads a policy file, checks it as in force on
every date it changes (so no month can meet an invalid version), compiles every
expression once, checks its names and types and tries it on the policy's own levels and
scores (`appraisal.policy.trial`), and reports every problem at once as
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
from appraisal.files.yamlfile import Path_, dotted
from appraisal.i18n import _
from appraisal.policy.expr import Expression, did_you_mean
from appraisal.policy.messages import date_words, policy_problems
from appraisal.policy.schema import PolicyDoc
from appraisal.policy.slots import compile_slots
from appraisal.policy.source import (
    PolicySource,
    read_policy_bundle,
    read_policy_source,
    resolve_tree,
)
from appraisal.policy.trial import trial_problems

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
        return _rate_names(self.doc, level)

    def level_titles(self) -> dict[str, str]:
        """Each level's id and the title people read (``intern``: 实习客服)."""
        return {level.id: level.title for level in self.levels.values()}


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
        """The values in force on the month's first day."""
        return self.in_force_on(month.first_day)

    def in_force_on(self, day: date) -> PolicyInForce:
        """The values in force on ``day``."""
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


@dataclass
class PolicyAsOf(Policy):
    """A policy whose values in force are those of one month, whatever month asks:
    `appraisal what-if --as-of`, which tries an amendment's values on months before the
    date the amendment gives them."""

    as_of: Month | None = None

    def in_force(self, month: Month) -> PolicyInForce:
        return super().in_force(self.as_of or month)


def as_of(policy: Policy, month: Month) -> Policy:
    """``policy`` with the values it has in force in ``month`` in force in every month."""
    return PolicyAsOf(policy.source, policy.path, as_of=month)


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
    issues = _rule_dates(source)
    seen: set[tuple[str, int | None, str | None, str]] = set()
    for day in source.effective_dates():
        _0, found = _resolve(source, day)
        for issue in found:
            # A problem of every version is reported once, for the first date it has.
            same = (issue.file, issue.row, issue.column, issue.message.removesuffix(_as_of(day)))
            if same not in seen:
                seen.add(same)
                issues.append(issue)
    if issues:
        raise PolicyError(sorted(issues, key=_in_reading_order))
    return Policy(source, path)


def _in_reading_order(issue: Issue) -> tuple[str, int, int, str]:
    return (issue.file, issue.row or 0, int(issue.column or 0), issue.message)


def _rule_dates(source: PolicySource) -> list[Issue]:
    """A `from:` or `until:` that is not a date (2026-11-1) would leave its rule in force
    for ever: each is a problem."""
    issues: list[Issue] = []

    def walk(value: Any, path: Path_) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key in ("from", "until") and not isinstance(item, date):
                    file, line, column = source.locate((*path, key))
                    shown = str(item).lower() if isinstance(item, bool | None) else str(item)
                    message = f"{dotted((*path, key))}: {date_words(shown)}"
                    issues.append(Issue(file, line, _column(column), message))
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(source.tree, ())
    return issues


def _column(column: int | None) -> str | None:
    return None if column is None else str(column)


def _resolve(source: PolicySource, day: date) -> tuple[PolicyInForce | None, list[Issue]]:
    tree = resolve_tree(source.tree, day)
    issues: list[Issue] = []

    def problem(path: tuple[Any, ...], message: str, at_key: bool = False, offset: int = 0) -> None:
        file, line, column = source.locate(path, at_key, day)
        column = None if column is None else column + offset
        issue = Issue(file, line, _column(column), f"{dotted(path)}: {message}{_as_of(day)}")
        if issue not in issues:
            issues.append(issue)

    try:
        doc = PolicyDoc.model_validate(tree)
    except ValidationError as error:
        for found in policy_problems(error, PolicyDoc, tree, source.tree):
            problem(found.path, found.message, found.at_key, found.offset)
        # Expressions are still checked, so one run shows every problem of the file.
        compile_slots(tree, problem)
        return None, issues

    # Compiled from the validated document, so defaults (award eligibility) count too.
    compiled = compile_slots(doc.model_dump(), problem)
    levels = _ladder(doc, problem)
    _cross_check(doc, problem)
    if not issues:
        rates = {level.id: _rate_names(doc, level) for level in levels.values()}
        for path, message in trial_problems(doc, rates, compiled):
            problem(path, message)
    if issues:
        return None, issues
    expressions = {key: item.expression for key, item in compiled.items()}
    resolved = PolicyInForce(
        doc=doc,
        id=doc.id,
        version=doc.version,
        sha256=source.sha256,
        levels=levels,
        expressions=expressions,
    )
    return resolved, []


def _as_of(day: date) -> str:
    return "" if day == date.min else _(" (as in force from {day})").format(day=day)


def _rate_names(doc: PolicyDoc, level: LevelInfo) -> dict[str, Decimal | bool]:
    return {"base": level.base, "floating": level.floating, "pay_day_basis": doc.pay.pay_day_basis}


def _ladder(doc: PolicyDoc, problem: Any) -> dict[str, LevelInfo]:
    levels: dict[str, LevelInfo] = {}
    for track_id, track in doc.ladder.tracks.items():
        ids = list(track.levels)
        for i, level_id in enumerate(ids):
            level = track.levels[level_id]
            if level_id in levels:
                problem(
                    ("ladder", "tracks", track_id, "levels", level_id), _("level id used twice")
                )
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
                    _("no penalty clause {clause!r}{hint}").format(
                        clause=clause, hint=did_you_mean(clause, penalty_clauses)
                    ),
                )
    for tid, dismissal in doc.dismissal.triggers.items():
        if dismissal.penalty is not None and dismissal.penalty not in doc.penalties.items:
            problem(
                ("dismissal", "triggers", tid, "penalty"),
                _("no penalty clause {penalty!r}").format(penalty=dismissal.penalty)
                + did_you_mean(dismissal.penalty, doc.penalties.items),
            )
    bands = doc.score.exam.bands
    if doc.score.exam.below_lowest is not None and doc.score.exam.below_lowest not in bands:
        problem(
            ("score", "exam", "below_lowest"),
            _("no band {below_lowest!r}{hint}").format(
                below_lowest=doc.score.exam.below_lowest,
                hint=did_you_mean(doc.score.exam.below_lowest, bands),
            ),
        )
    for cid, penalty in doc.penalties.items.items():
        if penalty.first_time is not None and penalty.fine is None and penalty.points is None:
            problem(
                ("penalties", "items", cid, "first_time"),
                _("a warning needs a fine or points to waive"),
            )
        if cid in doc.penalties.attendance_clauses:
            problem(("penalties", "items", cid), _("this clause comes from attendance rows"))
