"""The evaluator: (policy in force, roster, events, carried state) → results.

The "evaluate" stage, a pure function: no file, clock, database or randomness. Each
employee's events are applied in content order (never row order), every rule that fires
leaves a `TraceEntry` naming its clause and the input row, and money stays exact until
`PayFields.from_exact` rounds each field once. Problems that only the carried state can
reveal (a repeat offence that needs an amount, a promotion that skips a level) come back
as `Issue` values, like every other input problem.

This module holds one employee's month (`EmployeeMonth`), the score rows (criteria,
exam, rewards, penalties, metrics) and the month-end order; attendance rows, level
changes, pay and awards have modules of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from appraisal.check.compliance import pay_conflicts
from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
from appraisal.domain.money import CONTEXT, ZERO, text
from appraisal.domain.results import Conflict, EmployeeResult, PayFields, ScoreResult, TraceEntry
from appraisal.engine import attendance, awards, levels, pay
from appraisal.policy.loaded import LevelInfo, PolicyInForce
from appraisal.policy.schema import Penalty, Range, Reward

__all__ = ["Evaluation", "evaluate"]


@dataclass(frozen=True)
class Evaluation:
    results: tuple[EmployeeResult, ...]
    issues: tuple[Issue, ...]


def evaluate(
    policy: PolicyInForce,
    month: Month,
    roster: Sequence[Employee],
    events: Sequence[Event],
    state: CarriedState,
) -> Evaluation:
    """Apply the policy in force to one month of events for every employee."""
    with localcontext(CONTEXT):
        by_employee: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            by_employee[event.employee_id].append(event)
        rates = _Rates(policy)
        issues: list[Issue] = []
        drafts = []
        for employee in sorted(roster, key=lambda e: e.employee_id):
            own = sorted(by_employee.get(employee.employee_id, ()), key=Event.sort_key)
            draft = EmployeeMonth(policy, month, employee, state, rates, issues)
            for event in own:
                draft.apply(event)
            draft.close()
            drafts.append(draft)
        awards.award(policy, month, drafts, state)
        results = tuple(d.result() for d in drafts)
        return Evaluation(results, tuple(issues))


class _Rates:
    """Per-level money rates (daily wage and the like), computed once per level."""

    def __init__(self, policy: PolicyInForce) -> None:
        self.policy = policy
        self._cache: dict[tuple[str, str], Decimal | None] = {}

    def names(self, level: LevelInfo) -> dict[str, Decimal | bool]:
        return {
            "base": level.base,
            "floating": level.floating,
            "pay_day_basis": self.policy.doc.pay.pay_day_basis,
        }

    def get(self, key: str, level: LevelInfo) -> Decimal | None:
        cache_key = (key, level.id)
        if cache_key not in self._cache:
            expression = self.policy.maybe_expr(key)
            self._cache[cache_key] = expression.money(self.names(level)) if expression else None
        return self._cache[cache_key]


@dataclass
class EmployeeMonth:
    """One employee's month while it is being evaluated."""

    policy: PolicyInForce
    month: Month
    employee: Employee
    state: CarriedState
    rates: _Rates
    issues: list[Issue]
    level: LevelInfo = field(init=False)
    trace: list[TraceEntry] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    money: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    add_points: Decimal = ZERO
    deduct_points: Decimal = ZERO
    late_count: int = 0
    leave_count: int = 0
    serious: set[str] = field(default_factory=set)
    penalty_rows: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    events_of: dict[Kind, list[Event]] = field(default_factory=lambda: defaultdict(list))
    metrics: dict[str, Decimal] = field(default_factory=dict)
    offences: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    score: ScoreResult = field(init=False)
    dismissal_reasons: list[str] = field(default_factory=list)
    demotion_reasons: list[str] = field(default_factory=list)
    next_level: str | None = None
    promoted_to: str | None = None
    titles: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        emp_id = self.employee.employee_id
        carried = self.state.levels.get(emp_id)
        level_id = self.employee.level
        if emp_id in self.state.dismissed:
            self.review.append(
                f"rehired: dismissed in {self.state.dismissed[emp_id]}; level {level_id} from the roster"
            )
        elif carried is not None and carried not in self.policy.levels:
            self.issues.append(
                Issue(
                    self.employee.source.file,
                    self.employee.source.row,
                    "level",
                    f"the ledger carries level {carried!r} for {emp_id} from earlier months, "
                    "but the policy in force has no such level",
                )
            )
        elif carried is not None:
            if carried != level_id:
                self.review.append(
                    f"the roster says {level_id}; the ledger carries {carried} from earlier months, which is used"
                )
            level_id = carried
        self.level = self.policy.levels[level_id]
        self.next_level = self.level.id

    # -- events -------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        self.events_of[event.kind].append(event)
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event)

    def fire(
        self,
        rule: str,
        clause: str,
        effect: str,
        source: Source | None,
        points: Decimal | None = None,
        pay_field: str | None = None,
        yuan: Decimal | None = None,
        add_side: bool | None = None,
    ) -> None:
        """Record a rule that fired. Points are signed; positive points go to the add side
        and negative ones to the deduct pool, unless ``add_side`` says where they count."""
        if points:
            if add_side if add_side is not None else points > 0:
                self.add_points += points
            else:
                self.deduct_points -= points
        if pay_field is not None and yuan is not None:
            self.money[pay_field] += yuan
        self.trace.append(TraceEntry(rule, clause, effect, source, points, pay_field, yuan))

    def on_criterion(self, event: Event) -> None:
        clause = event.clause or ""
        criterion = self.policy.doc.score.criteria[clause]
        met = event.value == 1
        self.fire(
            f"score.criteria.{clause}",
            criterion.clause,
            f"{criterion.title}: {'met' if met else 'not met'}",
            event.source,
            criterion.points if met else ZERO,
            add_side=True,
        )

    def on_exam(self, event: Event) -> None:
        exam = self.policy.doc.score.exam
        mark = event.value or ZERO
        chosen = None
        for band_id, band in sorted(exam.bands.items(), key=lambda kv: kv[1].min, reverse=True):
            if mark >= band.min:
                chosen = band_id
                break
        if chosen is None:
            chosen = exam.below_lowest
            self.review.append(
                f"exam score {mark} is below every band ({event.source}); band {chosen} applied"
            )
        if chosen is None:
            self.fire("score.exam", exam.clause, f"exam {mark}: no band", event.source)
            return
        points = exam.bands[chosen].points
        # Band E's -10 counts on the add side (scheme.md §3, Open: the default).
        self.fire(
            "score.exam",
            exam.clause,
            f"exam {mark}: band {chosen}, {points:+} points",
            event.source,
            points,
            add_side=True,
        )

    def on_reward(self, event: Event) -> None:
        clause = event.clause or ""
        reward: Reward = self.policy.doc.rewards.items[clause]
        amount = _given(reward.amount, event.amount)
        points = _given(reward.points, event.points)
        self.fire(
            f"rewards.{clause}",
            reward.clause,
            f"{reward.title}: reward {text(amount)}, +{points} points",
            event.source,
            points,
            "rewards",
            amount,
            add_side=True,
        )

    def on_penalty(self, event: Event) -> None:
        clause = event.clause or ""
        penalty: Penalty = self.policy.doc.penalties.items[clause]
        key = f"penalty.{clause}"
        prior = self._prior_offences(key)
        first = prior == 0
        self.offences[key] += 1
        self.penalty_rows[clause].append(event)
        if "serious" in event.flags:
            self.serious.add(clause)
        fine = _charged(penalty.fine, event.amount)
        points = _given(penalty.points, event.points) if penalty.points is not None else ZERO
        notes: list[str] = []
        if penalty.first_time is not None and first:
            if not penalty.first_time.fine:
                if fine:
                    notes.append(f"amount {text(fine)} not charged")
                fine = ZERO
            if not penalty.first_time.points:
                points = ZERO
            notes.insert(0, "first offence: warning (首次警告)")
        elif isinstance(penalty.fine, Range) and not penalty.fine.optional and event.amount is None:
            self.issues.append(
                Issue(
                    event.source.file,
                    event.source.row,
                    "amount",
                    f"penalty clause {clause} is a repeat offence for {event.employee_id} "
                    f"({prior} before): give an amount {penalty.fine.describe()}",
                )
            )
        if penalty.compensation is not None and event.amount is not None:
            notes.append(f"loss to compensate {text(event.amount)} (reported, not deducted)")
        if fine == ZERO and not notes and penalty.fine is not None:
            notes.append("warning")
        effect = f"{penalty.title}: fine {text(fine)}, -{points} points"
        if notes:
            effect += "; " + "; ".join(notes)
        self.fire(key, penalty.clause, effect, event.source, -points, "fines", fine)

    def _prior_offences(self, key: str) -> int:
        this_month = self.offences.get(key, 0)
        if self.policy.doc.penalties.first_time_window == "month":
            return this_month
        carried = self.state.offences.get(self.employee.employee_id, {}).get(key, 0)
        return carried + this_month

    def on_metric(self, event: Event) -> None:
        name = event.clause or ""
        self.metrics[name] = event.value or ZERO
        metric = self.policy.doc.score.metrics[name]
        self.fire(
            f"score.metrics.{name}", metric.clause, f"{metric.title}: {event.value}", event.source
        )

    # -- month end ----------------------------------------------------------------

    def close(self) -> None:
        doc = self.policy.doc
        for cid, criterion in doc.score.criteria.items():
            expression = self.policy.maybe_expr(f"score.criteria.{cid}.when")
            if expression is None:
                continue
            if expression.names <= set(self.metrics) and expression.holds(dict(self.metrics)):
                self.fire(
                    f"score.criteria.{cid}",
                    criterion.clause,
                    f"{criterion.title}: met",
                    None,
                    criterion.points,
                    add_side=True,
                )
        frequent = doc.attendance.frequent_leave
        if self.leave_count >= frequent.at_least:
            self.fire(
                "attendance.frequent_leave",
                frequent.clause,
                f"{self.leave_count} leave rows this month (≥ {frequent.at_least}): -{frequent.points} points",
                None,
                -frequent.points,
            )
        self._score()
        levels.decide_dismissal(self)
        levels.decide_level(self)
        pay.settle_pay(self)

    def _score(self) -> None:
        rules = self.policy.doc.score
        add = min(max(self.add_points, rules.add_floor), rules.add_max)
        if add != self.add_points:
            self.fire(
                "score.add_bounds",
                rules.clause,
                f"add side {self.add_points} kept within {rules.add_floor}–{rules.add_max}: {add}",
                None,
            )
        deduct_left = max(rules.deduct_pool - self.deduct_points, rules.deduct_floor)
        if deduct_left != rules.deduct_pool - self.deduct_points:
            self.fire(
                "score.deduct_floor",
                rules.clause,
                f"deduct pool floored at {rules.deduct_floor}",
                None,
            )
        self.score = ScoreResult(add, deduct_left, add + deduct_left)

    def score_names(self) -> dict[str, Decimal | bool]:
        return {
            "score": self.score.total,
            "add": self.score.add,
            "deduct_left": self.score.deduct_left,
        }

    def result(self) -> EmployeeResult:
        pay = PayFields.from_exact(self.money)
        conflicts = [
            *self.conflicts,
            *pay_conflicts(self.policy, self.level, pay, bool(self.dismissal_reasons)),
        ]
        termination = self.events_of.get(Kind.TERMINATION, [])
        if termination and not self.dismissal_reasons:
            self.review.append(
                f"termination row ({termination[0].source}) without a dismissal clause: pay computed as a normal month"
            )
        return EmployeeResult(
            employee_id=self.employee.employee_id,
            name=self.employee.name,
            department=self.employee.department,
            level=self.level.id,
            next_level=self.next_level,
            score=self.score,
            pay=pay,
            dismissal=bool(self.dismissal_reasons),
            dismissal_reasons=tuple(self.dismissal_reasons),
            demotion_reasons=tuple(self.demotion_reasons),
            promoted_to=self.promoted_to,
            titles=tuple(self.titles),
            compliance=tuple(conflicts),
            review=tuple(self.review),
            trace=tuple(self.trace),
            offences=dict(self.offences),
        )


def _given(rule: Decimal | Range, given: Decimal | None) -> Decimal:
    """The fixed value of a rule, or the value the row gives within the rule's range."""
    if isinstance(rule, Range):
        return abs(given) if given is not None else ZERO
    return rule


def _charged(rule: Decimal | Range | None, given: Decimal | None) -> Decimal:
    if rule is None:
        return ZERO
    return _given(rule, given)


_HANDLERS = {
    Kind.LATE: attendance.on_late,
    Kind.EARLY_LEAVE: attendance.on_early_leave,
    Kind.ABSENT: attendance.on_absent,
    Kind.PERSONAL_LEAVE: attendance.on_personal_leave,
    Kind.SICK_LEAVE: attendance.on_sick_leave,
    Kind.OVERTIME: attendance.on_overtime,
    Kind.CRITERION: EmployeeMonth.on_criterion,
    Kind.EXAM: EmployeeMonth.on_exam,
    Kind.REWARD: EmployeeMonth.on_reward,
    Kind.PENALTY: EmployeeMonth.on_penalty,
    Kind.METRIC: EmployeeMonth.on_metric,
}
