"""The fold: effects applied, in order, to one employee's running month.

Part of the "evaluate" stage. `RunningMonth` is the only mutable thing in the engine:
`appraisal.engine.evaluate` folds into it the effects that the rules return
(`appraisal.engine.effects`), and at the end turns it into an `EmployeeResult`.
Rules see it only through the read-only `SoFar` view of `appraisal.engine.context`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, TypeVar

from appraisal.domain.makers import slotted_maker
from appraisal.domain.model import Employee, Event, Issue, Source
from appraisal.domain.money import CENT, CONTEXT, ZERO, cents
from appraisal.domain.results import (
    PAY_FIELDS,
    EmployeeResult,
    PayFields,
    ScoreResult,
    TraceEntry,
)
from appraisal.engine.effects import (
    AddSide,
    Count,
    DemotionTriggered,
    Dismissed,
    Effects,
    Metric,
    NextLevel,
    Offence,
    Problem,
    Promoted,
    Review,
    Scored,
    Serious,
    Tally,
    Title,
)
from appraisal.policy.loaded import LevelInfo

__all__ = ["RunningMonth"]

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = MappingProxyType({})  # what a month has none of, read-only
_NO_CLAUSES: frozenset[str] = frozenset()
_NO_YUAN = cents(ZERO)  # a pay field no rule touched, as `PayFields.from_exact` gives it
# Every pay field untouched, in the order of `PAY_FIELDS`: a result's pay starts as a copy.
_UNTOUCHED = dict.fromkeys(PAY_FIELDS, _NO_YUAN)
# The result and its pay, made a slot at a time (`slotted_maker`): once per employee.
_result = slotted_maker(EmployeeResult)
_pay = slotted_maker(PayFields)


class RunningMonth:
    """One employee's month while it is being evaluated (implements `SoFar`).

    Plain dicts, not defaultdicts: a rule reading a missing key through the view must
    not add it (``offences`` goes into the result as it stands). What most months leave
    empty starts as the one shared empty tuple, set or mapping, not ten new containers:
    review items and problems (one a row, at most) become a list of the month's own on
    the first; reasons and titles (one a trigger or award) grow as tuples, which the
    result takes as they are; serious cases, offences and metrics (one a clause or
    metric of the policy) are replaced, not changed, and a clause's penalty rows are a
    list of the month's own.
    """

    __slots__ = (
        "_score",
        "add_points",
        "deduct_points",
        "demotion_reasons",
        "dismissal_reasons",
        "employee",
        "issues",
        "late_count",
        "leave_count",
        "level",
        "metric_sources",
        "metrics",
        "money",
        "next_level",
        "offences",
        "penalty_rows",
        "promoted_to",
        "review",
        "serious",
        "titles",
        "trace",
    )

    def __init__(self, employee: Employee, level: LevelInfo) -> None:
        self.employee = employee
        self.level = level
        self.trace: list[TraceEntry] = []
        self.review: Sequence[str] = ()
        self.issues: Sequence[Issue] = ()
        self.money: dict[str, Decimal] = {}
        self.add_points = ZERO
        self.deduct_points = ZERO
        self.late_count = 0
        self.leave_count = 0
        self.serious: frozenset[str] = _NO_CLAUSES
        self.offences: Mapping[str, int] = _EMPTY
        self.penalty_rows: Mapping[str, list[Event]] = _EMPTY
        self.metrics: Mapping[str, Decimal] = _EMPTY
        self.metric_sources: Mapping[str, Source | None] = _EMPTY
        self._score: ScoreResult | None = None
        self.dismissal_reasons: tuple[str, ...] = ()
        self.demotion_reasons: tuple[str, ...] = ()
        self.next_level: str | None = level.id
        self.promoted_to: str | None = None
        self.titles: tuple[str, ...] = ()

    @property
    def score(self) -> ScoreResult:
        if self._score is None:
            raise RuntimeError("the score is read before the score step ran")
        return self._score

    def apply(self, effects: Effects) -> None:
        """Fold a rule's effects into the month, in the order the rule gave them."""
        for effect in effects:
            # Nearly every effect is a rule that fired: tested first, on the engine's
            # hottest path; any other goes to its fold by one lookup (`_TALLIES`).
            kind = type(effect)
            if kind is AddSide:
                entry: TraceEntry = effect.entry  # type: ignore[union-attr]  # an AddSide
                points = entry.points
                if points:
                    self.add_points += points
            elif kind is TraceEntry:
                entry = effect  # type: ignore[assignment]  # tested just above
                points = entry.points
                if points:
                    if points > ZERO:
                        self.add_points += points
                    else:
                        self.deduct_points -= points
            else:
                _TALLIES[kind](self, effect)  # type: ignore[index]  # neither of the two above
                continue
            yuan = entry.yuan
            if yuan is not None:
                field_name = entry.pay_field
                if field_name is not None:
                    money = self.money
                    money[field_name] = money.get(field_name, ZERO) + yuan
            self.trace.append(entry)

    def _count(self, effect: Count) -> None:
        if effect.tally == "late":
            self.late_count += 1
        else:
            self.leave_count += 1

    def _offence(self, effect: Offence) -> None:
        key, clause, offences, rows = effect.key, effect.clause, self.offences, self.penalty_rows
        self.offences = {**offences, key: offences.get(key, 0) + 1}  # a key per clause, at most
        same = rows.get(clause)
        if same is None:  # a clause's first row: a new mapping, and a list of this month's own
            self.penalty_rows = {**rows, clause: [effect.event]}
        else:  # any later row joins its list: never copied, however many rows a clause has
            same.append(effect.event)

    def _serious(self, effect: Serious) -> None:
        self.serious |= {effect.clause}

    def _metric(self, effect: Metric) -> None:
        self.metrics = {**self.metrics, effect.name: effect.value}
        self.metric_sources = {**self.metric_sources, effect.name: effect.source}

    def _review(self, effect: Review) -> None:
        self.review = _added(self.review, effect.text)

    def _problem(self, effect: Problem) -> None:
        self.issues = _added(self.issues, effect.issue)

    def _scored(self, effect: Scored) -> None:
        self._score = effect.score

    def _dismissed(self, effect: Dismissed) -> None:
        self.dismissal_reasons += (effect.trigger,)

    def _demotion_triggered(self, effect: DemotionTriggered) -> None:
        self.demotion_reasons += (effect.trigger,)

    def _next_level(self, effect: NextLevel) -> None:
        self.next_level = effect.level

    def _promoted(self, effect: Promoted) -> None:
        self.promoted_to = self.next_level = effect.level

    def _title(self, effect: Title) -> None:
        self.titles += (effect.name,)

    def result(self, appraised: bool = True) -> EmployeeResult:
        """The month as a result; compliance is left to the check stage. ``appraised``:
        whether the month appraised the employee (`completeness`; a dismissal does)."""
        # Each pay field rounded once (`PayFields.from_exact`); most are untouched: 0.00,
        # so only the touched ones are rounded, into a copy of the untouched month.
        pay = dict(_UNTOUCHED)
        for name, exact in self.money.items():
            if name in pay:  # `cents(exact)`, without the call: seven a month, or so
                pay[name] = exact.quantize(CENT, ROUND_HALF_UP, CONTEXT)
        dismissal_reasons, offences, review = self.dismissal_reasons, self.offences, self.review
        return _result(
            self.employee.employee_id,
            self.employee.name,
            self.employee.department,
            self.level.id,
            self.next_level,
            self.score,
            _pay(pay),
            bool(dismissal_reasons),
            dismissal_reasons,
            self.demotion_reasons,
            self.promoted_to,
            self.titles,
            (),  # compliance: the check stage's
            tuple(review) if review else (),
            tuple(self.trace),
            dict(offences) if offences else {},  # its own, as it stands
            None,  # deductions: `net.net_pay`'s
            appraised or bool(dismissal_reasons),
        )


def _added(items: Sequence[T], item: T) -> list[T]:
    """``items`` with ``item`` after them: the month's own list, made on its first item
    (until then, the shared empty tuple)."""
    if isinstance(items, list):
        items.append(item)
        return items
    return [item]


# How each tally folds into the month, by its type: every type of `Tally` has its
# entry (tests/test_engine_row_words.py).
_TALLIES: dict[type[Tally], Callable[[RunningMonth, Any], None]] = {
    Count: RunningMonth._count,
    Offence: RunningMonth._offence,
    Serious: RunningMonth._serious,
    Metric: RunningMonth._metric,
    Review: RunningMonth._review,
    Problem: RunningMonth._problem,
    Scored: RunningMonth._scored,
    Dismissed: RunningMonth._dismissed,
    DemotionTriggered: RunningMonth._demotion_triggered,
    NextLevel: RunningMonth._next_level,
    Promoted: RunningMonth._promoted,
    Title: RunningMonth._title,
}
