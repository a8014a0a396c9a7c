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

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.results import ScoreResult
from appraisal.policy.expr import Expression
from appraisal.policy.loaded import LevelInfo, PolicyInForce

__all__ = ["MonthContext", "Rates", "RowWords", "SoFar"]

T = TypeVar("T")
# Conditions remembered per evaluation before the memo starts again: a month's scores
# take a few hundred values, so this bounds memory, not hits.
CONDITIONS_KEPT = 4096
# Rows' words remembered per rule before its memo starts again (`Rates.remember`): a
# month's rows take a few hundred values, so this bounds memory, not hits.
ROWS_KEPT = 4096


class Rates:
    """Per-level money rates (daily wage and the like), computed once per level; the
    policy's conditions, once per value of the names they read; and what a rule makes
    of the policy alone (`once`), made once.

    Shared by every employee of one evaluation; the caches only remember what the
    policy's expressions and values give, so reading them never changes a result.
    """

    __slots__ = (
        "_cache",
        "_compiled",
        "_conditions",
        "_on_score",
        "_once",
        "policy",
        "row_words",
    )

    def __init__(self, policy: PolicyInForce) -> None:
        self.policy = policy
        self._cache: dict[tuple[str, str], Decimal | None] = {}
        self._conditions: dict[tuple[object, ...], bool] = {}
        # `holds_for_score`'s: by condition, how to read a score and what it gave.
        self._on_score: dict[str, tuple[Callable[[ScoreResult], object], dict[object, bool]]]
        self._on_score = {}
        self._compiled: dict[str, tuple[Expression, tuple[str, ...]]] = {}
        # What a rule makes of a row but for its source, by rule: see `RowWords`.
        self.row_words: defaultdict[str, RowWords] = defaultdict(dict)
        self._once: dict[object, Any] = {}

    def holds(self, key: str, names: Mapping[str, Decimal | bool]) -> bool:
        """Whether the policy's condition at ``key`` holds for ``names``.

        A condition is a pure function of the names it reads: it is worked out once
        for each of their values (equal values give the same truth, whatever their
        exponent: `Decimal` compares and computes by value) and remembered.
        """
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._reads(key)
        expression, reads = compiled
        memo = (key, *map(names.__getitem__, reads))
        known = self._conditions.get(memo)
        if known is None:
            if len(self._conditions) >= CONDITIONS_KEPT:
                self._conditions.clear()
            known = self._conditions[memo] = expression.holds(names)
        return known

    def _reads(self, key: str) -> tuple[Expression, tuple[str, ...]]:
        expression = self.policy.expr(key)
        return expression, tuple(sorted(expression.names))

    def once(self, key: object, make: Callable[..., T], *args: Any) -> T:
        """What ``make(*args)`` gives, made on the first call for ``key`` and kept: for
        values that depend on the policy in force alone (a text, an allowance's entry).
        The arguments are given, not closed over: a month-end rule asks once per employee,
        and a closure made for each ask costs more than the lookup."""
        try:
            made: T = self._once[key]
        except KeyError:
            made = self._once[key] = make(*args)
        return made

    def holds_for_score(self, key: str, score: ScoreResult) -> bool:
        """`holds` for a condition on the month's score alone (`SCORE_NAMES`: ``score``,
        ``add``, ``deduct_left``), remembered, in a memo of its own, by the values of the
        score that it reads (``score < 140``: the total alone), read in one C call: the
        names are put together only the first time those values are seen."""
        reading = self._on_score.get(key)
        if reading is None:
            _, reads = self._compiled.get(key) or self._reads(key)
            fields = [_SCORE_FIELDS[name] for name in reads] or ["total"]
            reading = self._on_score[key] = (attrgetter(*fields), {})
        read, memo = reading
        values = read(score)
        known = memo.get(values)
        if known is None:
            names = {"score": score.total, "add": score.add, "deduct_left": score.deduct_left}
            known = self.holds(key, names)
            if len(memo) >= CONDITIONS_KEPT:
                memo.clear()
            memo[values] = known
        return known

    def remember(
        self, memo: RowWords, key: tuple[object, ...], made: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        """``made`` kept in ``memo`` (one of `row_words`) at ``key``, and given back; the memo
        starts again when it holds `ROWS_KEPT` entries."""
        if len(memo) >= ROWS_KEPT:
            memo.clear()
        memo[key] = made
        return made

    def get(self, key: str, level: LevelInfo) -> Decimal | None:
        """The rate at ``key`` of the policy for ``level``; None where the policy has none."""
        cache_key = (key, level.id)
        try:
            return self._cache[cache_key]
        except KeyError:
            expression = self.policy.maybe_expr(key)
            rate = expression.money(self.policy.rate_names(level)) if expression else None
            self._cache[cache_key] = rate
            return rate


# The kinds that appraise a month (`MonthContext.appraised`), read once: a member read
# from its enum goes through the enum's own lookup (50 ns on 3.11, a plain name 4 ns),
# and the month of each employee is asked twice.
_CRITERION, _EXAM = Kind.CRITERION, Kind.EXAM

# The score's field for each name a score condition may read (`SCORE_NAMES`).
_SCORE_FIELDS = {"score": "total", "add": "add", "deduct_left": "deduct_left"}

RowWords = dict[tuple[object, ...], tuple[Any, ...]]
"""What a rule makes of a row but for its source (its words, points and yuan), once per
evaluation for each set of the row's values and the level (`Rates.row_words`).

Keyed by each number as written (``str`` of a `Decimal`: its value and its form), not
by its value alone: two equal numbers written differently ("90", "90.0") are words
apart, and what is computed from them may differ in form too.
"""


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
        return _CRITERION in self.rows or _EXAM in self.rows

    def score_names(self) -> dict[str, Decimal | bool]:
        """The names a score expression may use (`SCORE_NAMES` of the policy)."""
        score = self.so_far.score
        return {"score": score.total, "add": score.add, "deduct_left": score.deduct_left}
