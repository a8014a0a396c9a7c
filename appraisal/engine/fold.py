"""The fold: effects applied, in order, to one employee's running month.

Part of the "evaluate" stage. `RunningMonth` is the only mutable thing in the engine:
`appraisal.engine.evaluate` folds into it the effects that the rules return
(`appraisal.engine.effects`), and at the end turns it into an `EmployeeResult`.
Rules see it only through the read-only `SoFar` view of `appraisal.engine.context`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from appraisal.domain.model import Employee, Event, Issue, Source
from appraisal.domain.money import ZERO, cents
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

_NO_YUAN = cents(ZERO)  # a pay field no rule touched, as `PayFields.from_exact` gives it


class RunningMonth:
    """One employee's month while it is being evaluated (implements `SoFar`).

    Plain dicts, not defaultdicts: a rule reading a missing key through the view must
    not add it (``offences`` goes into the result as it stands).
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
        self.review: list[str] = []
        self.issues: list[Issue] = []
        self.money: dict[str, Decimal] = {}
        self.add_points = ZERO
        self.deduct_points = ZERO
        self.late_count = 0
        self.leave_count = 0
        self.serious: set[str] = set()
        self.offences: dict[str, int] = {}
        self.penalty_rows: dict[str, list[Event]] = {}
        self.metrics: dict[str, Decimal] = {}
        self.metric_sources: dict[str, Source | None] = {}
        self._score: ScoreResult | None = None
        self.dismissal_reasons: list[str] = []
        self.demotion_reasons: list[str] = []
        self.next_level: str | None = level.id
        self.promoted_to: str | None = None
        self.titles: list[str] = []

    @property
    def score(self) -> ScoreResult:
        if self._score is None:
            raise RuntimeError("the score is read before the score step ran")
        return self._score

    def apply(self, effects: Effects) -> None:
        """Fold a rule's effects into the month, in the order the rule gave them."""
        for effect in effects:
            # Nearly every effect is a rule that fired: it skips the match of `_tally`,
            # which costs more than these tests on the engine's hottest path.
            if type(effect) is TraceEntry:
                entry = effect
                points = entry.points
                if points:
                    if points > 0:
                        self.add_points += points
                    else:
                        self.deduct_points -= points
            elif type(effect) is AddSide:
                entry = effect.entry
                points = entry.points
                if points:
                    self.add_points += points
            else:
                self._tally(effect)  # type: ignore[arg-type]  # neither of the two above
                continue
            field_name, yuan = entry.pay_field, entry.yuan
            if field_name is not None and yuan is not None:
                money = self.money
                money[field_name] = money.get(field_name, ZERO) + yuan
            self.trace.append(entry)

    def _tally(self, effect: Tally) -> None:
        match effect:
            case Count(tally=tally):
                if tally == "late":
                    self.late_count += 1
                else:
                    self.leave_count += 1
            case Offence(key=key, clause=clause, event=event):
                self.offences[key] = self.offences.get(key, 0) + 1
                self.penalty_rows.setdefault(clause, []).append(event)
            case Serious(clause=clause):
                self.serious.add(clause)
            case Metric(name=name, value=value, source=source):
                self.metrics[name] = value
                self.metric_sources[name] = source
            case Review(text=text):
                self.review.append(text)
            case Problem(issue=issue):
                self.issues.append(issue)
            case Scored(score=score):
                self._score = score
            case Dismissed(trigger=trigger):
                self.dismissal_reasons.append(trigger)
            case DemotionTriggered(trigger=trigger):
                self.demotion_reasons.append(trigger)
            case NextLevel(level=level):
                self.next_level = level
            case Promoted(level=level):
                self.promoted_to = self.next_level = level
            case Title(name=name):
                self.titles.append(name)
            case _:
                assert_never(effect)

    def result(self, appraised: bool = True) -> EmployeeResult:
        """The month as a result; compliance is left to the check stage. ``appraised``:
        whether the month appraised the employee (`completeness`; a dismissal does)."""
        money = self.money
        # Each pay field rounded once (`PayFields.from_exact`); most are untouched: 0.00.
        pay = {
            name: _NO_YUAN if (exact := money.get(name)) is None else cents(exact)
            for name in PAY_FIELDS
        }
        return EmployeeResult(
            employee_id=self.employee.employee_id,
            name=self.employee.name,
            department=self.employee.department,
            level=self.level.id,
            next_level=self.next_level,
            score=self.score,
            pay=PayFields(pay),
            dismissal=bool(self.dismissal_reasons),
            dismissal_reasons=tuple(self.dismissal_reasons),
            demotion_reasons=tuple(self.demotion_reasons),
            promoted_to=self.promoted_to,
            titles=tuple(self.titles),
            compliance=(),
            review=tuple(self.review),
            trace=tuple(self.trace),
            offences=dict(self.offences),
            appraised=appraised or bool(self.dismissal_reasons),
        )
