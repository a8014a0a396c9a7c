"""What a rule may read: one employee's month, as a read-only view.

Part of the "evaluate" stage. Every rule handler gets a `MonthContext`: the policy in
force, the month, the employee and the level evaluated, the state carried from earlier
months, the money rates of the policy, the employee's rows of the month by kind (read
by the month-end rules), and `so_far`, the tallies of the month as the fold has
applied them until now. Nothing in it can be changed through it (a frozen dataclass;
`Mapping`, `Sequence` and read-only `Protocol` views), so a rule's only way to act is
to return effects (`appraisal.engine.effects`), and mypy flags a rule that tries
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.results import ScoreResult
from appraisal.policy.expr import Expression
from appraisal.policy.loaded import LevelInfo, PolicyInForce

__all__ = ["MonthContext", "Rates", "SoFar"]

T = TypeVar("T")
# Conditions remembered per evaluation before the memo starts again: a month's scores
# take a few hundred values, so this bounds memory, not hits.
CONDITIONS_KEPT = 4096


class Rates:
    """Per-level money rates (daily wage and the like), computed once per level; the
    policy's conditions, once per value of the names they read; and what a rule makes
    of the policy alone (`once`), made once.

    Shared by every employee of one evaluation; the caches only remember what the
    policy's expressions and values give, so reading them never changes a result.
    """

    __slots__ = ("_cache", "_conditions", "_once", "policy")

    def __init__(self, policy: PolicyInForce) -> None:
        self.policy = policy
        self._cache: dict[tuple[str, str], Decimal | None] = {}
        self._conditions: dict[tuple[object, ...], bool] = {}
        self._once: dict[object, Any] = {}

    def holds(self, key: str, names: Mapping[str, Decimal | bool]) -> bool:
        """Whether the policy's condition at ``key`` holds for ``names``.

        A condition is a pure function of the names it reads: it is worked out once
        for each of their values (equal values give the same truth, whatever their
        exponent: `Decimal` compares and computes by value) and remembered.
        """
        expression, reads = self.once(("reads", key), lambda: self._reads(key))
        memo = (key, *[names[name] for name in reads])
        known = self._conditions.get(memo)
        if known is None:
            if len(self._conditions) >= CONDITIONS_KEPT:
                self._conditions.clear()
            known = self._conditions[memo] = expression.holds(names)
        return known

    def _reads(self, key: str) -> tuple[Expression, tuple[str, ...]]:
        expression = self.policy.expr(key)
        return expression, tuple(sorted(expression.names))

    def once(self, key: object, make: Callable[[], T]) -> T:
        """What ``make`` gives, made on the first call for ``key`` and kept: for values
        that depend on the policy in force alone (a text, an allowance's entry)."""
        try:
            made: T = self._once[key]
        except KeyError:
            made = self._once[key] = make()
        return made

    def get(self, key: str, level: LevelInfo) -> Decimal | None:
        """The rate at ``key`` of the policy for ``level``; None where the policy has none."""
        cache_key = (key, level.id)
        if cache_key not in self._cache:
            expression = self.policy.maybe_expr(key)
            self._cache[cache_key] = (
                expression.money(self.policy.rate_names(level)) if expression else None
            )
        return self._cache[cache_key]


class SoFar(Protocol):
    """The month's tallies as the fold has applied them until now, read-only."""

    @property
    def late_count(self) -> int: ...
    @property
    def leave_count(self) -> int: ...
    @property
    def serious(self) -> AbstractSet[str]: ...
    @property
    def offences(self) -> Mapping[str, int]:
        """Offences this month by "penalty.<clause>" (the carried ones are in the state)."""

    @property
    def penalty_rows(self) -> Mapping[str, Sequence[Event]]: ...
    @property
    def metrics(self) -> Mapping[str, Decimal]: ...
    @property
    def metric_sources(self) -> Mapping[str, Source | None]:
        """The input row each metric of ``metrics`` came from."""

    @property
    def add_points(self) -> Decimal: ...
    @property
    def deduct_points(self) -> Decimal: ...
    @property
    def money(self) -> Mapping[str, Decimal]:
        """Exact yuan by pay field so far; a field not yet touched is missing."""

    @property
    def score(self) -> ScoreResult:
        """The month's score; only once the score step has run."""

    @property
    def dismissal_reasons(self) -> Sequence[str]: ...
    @property
    def demotion_reasons(self) -> Sequence[str]: ...
    @property
    def titles(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class MonthContext:
    """One employee's month, as a rule sees it."""

    policy: PolicyInForce
    month: Month
    employee: Employee
    level: LevelInfo  # the level evaluated: the one the ledger carries, else the roster's
    state: CarriedState
    rates: Rates
    rows: Mapping[Kind, Sequence[Event]]  # the employee's rows by kind, in content order
    so_far: SoFar

    def rate(self, key: str) -> Decimal | None:
        """The policy's rate at ``key`` for this employee's level."""
        return self.rates.get(key, self.level)

    def rate_names(self) -> dict[str, Decimal | bool]:
        return self.policy.rate_names(self.level)

    @property
    def appraised(self) -> bool:
        """Appraised this month (scheme.md §4): at least one criterion or exam row."""
        return Kind.CRITERION in self.rows or Kind.EXAM in self.rows

    def score_names(self) -> dict[str, Decimal | bool]:
        """The names a score expression may use (`SCORE_NAMES` of the policy)."""
        score = self.so_far.score
        return {"score": score.total, "add": score.add, "deduct_left": score.deduct_left}
