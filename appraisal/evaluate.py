"""The evaluator: (policy in force, roster, events, carried state) → results.

The "evaluate" stage, a pure function: no file, clock, database or randomness. Each
employee's events are applied in content order (never row order), every rule that fires
leaves a `TraceEntry` naming its clause and the input row, and money stays exact until
`PayFields.from_exact` rounds each field once. Problems that only the carried state can
reveal (a repeat offence that needs an amount, a promotion that skips a level) come back
as `Issue` values, like every other input problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from appraisal.check import overtime_conflicts, pay_conflicts
from appraisal.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
from appraisal.money import CONTEXT, text
from appraisal.policy import LevelInfo, PolicyInForce
from appraisal.policy_schema import Penalty, Range, Reward
from appraisal.results import Conflict, EmployeeResult, PayFields, ScoreResult, TraceEntry

__all__ = ["Evaluation", "evaluate"]

ZERO = Decimal(0)


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
            draft = _Employee(policy, month, employee, state, rates, issues)
            for event in own:
                draft.apply(event)
            draft.close()
            drafts.append(draft)
        _award(policy, month, drafts, state)
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
class _Employee:
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

    def _late(self, event: Event, what: str) -> None:
        lateness = self.policy.doc.attendance.lateness
        minutes = event.value or ZERO
        for tier_id, tier in lateness.tiers.items():  # noqa: B007 - the loop finds the tier
            if tier.max_minutes is None or minutes <= tier.max_minutes:
                break
        self.late_count += 1
        if "serious" in event.flags:
            self.serious.add("4")
        rule = f"attendance.lateness.{tier_id}"
        if tier.absence_days is not None:
            self._absence(event, tier.absence_days, rule, tier.clause, f"{what} {minutes} min: ")
            return
        assert tier.fine is not None and tier.points is not None
        self.fire(
            rule,
            tier.clause,
            f"{what} {minutes} min: fine {text(tier.fine)}, -{tier.points} points",
            event.source,
            -tier.points,
            "fines",
            tier.fine,
        )

    def _absence(
        self, event: Event, days: Decimal, rule: str, clause: str, prefix: str = ""
    ) -> None:
        absence = self.policy.doc.attendance.absence
        per_day = self.rates.get("attendance.absence.deduction_per_day", self.level) or ZERO
        amount = per_day * days
        points = absence.points_per_day * days
        self.fire(
            rule,
            clause,
            f"{prefix}{days} day(s) of absence (旷工): deduct {text(amount)}, -{points} points",
            event.source,
            -points,
            "absence_deduction",
            amount,
        )

    def on_late(self, event: Event) -> None:
        self._late(event, "late")

    def on_early_leave(self, event: Event) -> None:
        rules = self.policy.doc.attendance.early_leave
        treatment = rules.excused if "excused" in event.flags else rules.unexcused
        if treatment == "as_late":
            self._late(event, "early leave")
        elif treatment == "review":
            self.review.append(
                f"excused early leave {event.value} min on {event.date} ({event.source}): case by case"
            )
            self.fire(
                "attendance.early_leave",
                rules.clause,
                "excused early leave: for review",
                event.source,
            )
        else:
            self.fire(
                "attendance.early_leave", rules.clause, "early leave: no effect", event.source
            )

    def on_absent(self, event: Event) -> None:
        if "serious" in event.flags:
            self.serious.add("4")
        absence = self.policy.doc.attendance.absence
        self._absence(event, event.value or ZERO, "attendance.absence", absence.clause)

    def _leave(self, event: Event, key: str, label: str) -> None:
        leave = self.policy.doc.attendance.leave
        days = event.value or ZERO
        amount = (self.rates.get(f"attendance.leave.{key}", self.level) or ZERO) * days
        self.leave_count += 1
        self.fire(
            f"attendance.leave.{key.removesuffix('_per_day')}",
            leave.clause,
            f"{label} {days} day(s): deduct {text(amount)}",
            event.source,
            None,
            "leave_deduction",
            amount,
        )

    def on_personal_leave(self, event: Event) -> None:
        self._leave(event, "personal_per_day", "personal leave (事假)")

    def on_sick_leave(self, event: Event) -> None:
        self._leave(event, "sick_per_day", "sick leave (病假)")

    def on_overtime(self, event: Event) -> None:
        overtime = self.policy.doc.overtime
        days = event.value or ZERO
        day_kind = (
            "holiday"
            if "holiday" in event.flags
            else "rest_day"
            if "rest_day" in event.flags
            else "workday"
        )
        unpaid = sorted(set(overtime.unpaid_flags) & event.flags)
        rate = self.rates.get(f"overtime.{day_kind}_per_day", self.level)
        amount = ZERO if unpaid or rate is None else rate * days
        why = (
            f" (unpaid: {', '.join(unpaid)})"
            if unpaid
            else ""
            if rate is not None
            else " (the policy pays nothing)"
        )
        self.fire(
            f"overtime.{day_kind}",
            overtime.clause,
            f"{day_kind} overtime {days} day(s): {text(amount)}{why}",
            event.source,
            None,
            "overtime",
            amount,
        )
        self.conflicts.extend(
            overtime_conflicts(self.policy, self.rates.names(self.level), event, day_kind, amount)
        )

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

    def on_marker(self, event: Event) -> None:
        """major_fault, unfit, termination, promotion: weighed once the month is closed."""

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
        self._dismissal()
        self._level_change()
        self._pay()

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

    def _score_names(self) -> dict[str, Decimal | bool]:
        return {
            "score": self.score.total,
            "add": self.score.add,
            "deduct_left": self.score.deduct_left,
        }

    def _dismissal(self) -> None:
        for trigger_id, trigger in self.policy.doc.dismissal.triggers.items():
            fired = None
            if trigger.penalty is not None:
                rows = [
                    e
                    for e in self.penalty_rows.get(trigger.penalty, [])
                    if not trigger.serious or "serious" in e.flags
                ]
                fired = rows[0].source if rows else None
                hit = bool(rows)
            else:
                assert trigger.lateness_count_at_least is not None
                hit = self.late_count >= trigger.lateness_count_at_least
            if hit:
                self.dismissal_reasons.append(trigger_id)
                self.fire(f"dismissal.{trigger_id}", trigger.clause, "dismissal (开除)", fired)

    def _level_change(self) -> None:
        doc = self.policy.doc
        names = self._score_names()
        for trigger_id, trigger in doc.demotion.triggers.items():
            source = None
            if trigger.when is not None:
                hit = self.policy.expr(f"demotion.triggers.{trigger_id}.when").holds(names)
                detail = f"{trigger.when} with score {self.score.total}"
            elif trigger.event is not None:
                rows = self.events_of.get(Kind(trigger.event), [])
                hit, source, detail = bool(rows), rows[0].source if rows else None, trigger.event
            else:
                found = sorted(self.serious & set(trigger.serious_clauses or ()), key=int)
                hit, detail = bool(found), f"serious case of clause {', '.join(found)}"
            if hit:
                self.demotion_reasons.append(trigger_id)
                self.fire(
                    f"demotion.{trigger_id}", trigger.clause, f"demotion trigger: {detail}", source
                )
        if self.dismissal_reasons:
            self.next_level = None
            return
        if self.demotion_reasons:
            self._demote()
        self._promote(demoted=bool(self.demotion_reasons))

    def _demote(self) -> None:
        doc = self.policy.doc
        if self.level.decided_by_general_manager:
            self.review.append(
                f"demotion proposed ({', '.join(self.demotion_reasons)}): the {self.level.title}'s level "
                "is decided by the general manager (总经理和副总经理决定); no change applied"
            )
            return
        target = self.level
        for _ in range(doc.demotion.steps):
            if target.down is None:
                break
            target = self.policy.levels[target.down]
        if target is self.level:
            self.review.append(
                f"demotion trigger at the lowest level ({self.level.title}): no change, for review"
            )
            return
        self.next_level = target.id
        self.fire(
            "demotion",
            doc.demotion.clause,
            f"{self.level.id} → {target.id} from {self.month.next()}",
            None,
        )

    def _promote(self, demoted: bool) -> None:
        rules = self.policy.doc.promotion
        for event in self.events_of.get(Kind.PROMOTION, []):
            target = event.note.strip()
            if rules.requires_flag and rules.requires_flag not in event.flags:
                self.review.append(f"promotion to {target} awaits approval ({event.source})")
                self.fire(
                    "promotion.pending",
                    rules.clause,
                    f"application to {target}: not yet approved",
                    event.source,
                )
                continue
            if target != self.level.up:
                expected = self.level.up or "none (top of the track)"
                self.issues.append(
                    Issue(
                        event.source.file,
                        event.source.row,
                        "note",
                        f"promotion is one level at a time: {self.level.id} → {expected}, not {target}",
                    )
                )
                continue
            if demoted and rules.blocked_by_demotion:
                self.review.append(
                    f"approved promotion to {target} not applied: demotion trigger this month"
                )
                self.fire(
                    "promotion.blocked", rules.clause, "blocked by a demotion trigger", event.source
                )
                continue
            eligible = self.policy.maybe_expr("promotion.eligible")
            if eligible is not None and not eligible.holds(self._promotion_names(demoted)):
                self.review.append(
                    f"approved promotion to {target} not applied: not eligible ({rules.eligible})"
                )
                self.fire(
                    "promotion.ineligible",
                    rules.clause,
                    f"not eligible: {rules.eligible}",
                    event.source,
                )
                continue
            if self.promoted_to is not None:
                self.issues.append(
                    Issue(
                        event.source.file,
                        event.source.row,
                        "kind",
                        "a second approved promotion this month",
                    )
                )
                continue
            self.promoted_to = self.next_level = target
            self.fire(
                "promotion",
                rules.clause,
                f"{self.level.id} → {target} from {self.month.next()}",
                event.source,
            )

    def _promotion_names(self, demoted: bool) -> dict[str, Decimal | bool]:
        history = [total for _, total in self.state.scores.get(self.employee.employee_id, ())]
        recent = [*history[-2:], self.score.total]
        return {
            **self._score_names(),
            "demoted": demoted,
            "avg_score_3m": sum(recent, ZERO) / len(recent),
            "months_scored": Decimal(len(history) + 1),
        }

    def _pay(self) -> None:
        doc = self.policy.doc
        names = self.rates.names(self.level)
        for allowance_id, allowance in doc.pay.allowances.items():
            self.fire(
                f"pay.allowances.{allowance_id}",
                allowance.clause,
                f"{allowance.label} {text(allowance.amount)}",
                None,
                None,
                "allowances",
                allowance.amount,
            )
        if self.dismissal_reasons:
            self._settle(names)
            return
        self.fire(
            "pay.base",
            doc.pay.clause,
            f"base wage ({self.level.title}) {text(self.level.base)}",
            None,
            None,
            "base",
            self.level.base,
        )
        floating = self.level.floating
        formula = self.policy.maybe_expr("pay.floating_formula")
        if formula is not None:
            floating = max(formula.money({**names, **self._score_names()}), ZERO)
        self.fire(
            "pay.floating",
            doc.pay.clause,
            f"floating wage {text(floating)}",
            None,
            None,
            "floating",
            floating,
        )
        fines = self.money["fines"]
        if doc.pay.fines_cap == "floating_wage" and fines > floating:
            excess = fines - floating
            self.money["fines"] = floating
            self.review.append(
                f"fines {text(fines)} exceed the floating wage {text(floating)}: {text(excess)} not deducted"
            )
            self.trace.append(
                TraceEntry(
                    "pay.fines_cap",
                    doc.penalties.clause,
                    f"fines capped at the floating wage; {text(excess)} reported, not carried over",
                    None,
                    None,
                    "fines",
                    -excess,
                )
            )

    def _settle(self, names: Mapping[str, Decimal | bool]) -> None:
        settlement = self.policy.doc.dismissal.settlement
        rows = self.events_of.get(Kind.TERMINATION, [])
        days = rows[0].value if rows and rows[0].value is not None else None
        whole_month = days is None
        worked = self.policy.doc.pay.pay_day_basis if days is None else days
        key = "below_threshold" if worked < settlement.threshold_days else "at_or_above_threshold"
        amount = self.policy.expr(f"dismissal.settlement.{key}").money(names)
        for field_name in ("fines", "leave_deduction", "absence_deduction"):
            if self.money[field_name]:
                self.trace.append(
                    TraceEntry(
                        "dismissal.settlement",
                        settlement.clause,
                        f"{field_name} {text(self.money[field_name])} not applied: replaced by the settlement",
                        None,
                        None,
                        field_name,
                        -self.money[field_name],
                    )
                )
            self.money[field_name] = ZERO
        worked_text = "the whole month" if whole_month else f"{worked} working day(s)"
        self.fire(
            "dismissal.settlement",
            settlement.clause,
            f"settlement for {worked_text}: {text(amount)}",
            rows[0].source if rows else None,
            None,
            "settlement",
            amount,
        )

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


def _award(
    policy: PolicyInForce, month: Month, drafts: Sequence[_Employee], state: CarriedState
) -> None:
    """优秀客服代表评选: the monthly title to the top score, the yearly one in December."""
    awards = policy.doc.awards
    if awards.monthly is not None:
        expression = policy.expr("awards.monthly.eligible")
        eligible = [d for d in drafts if expression.holds(_award_names(d))]
        if eligible:
            top = max(d.score.total for d in eligible)
            for draft in eligible:
                if draft.score.total == top:
                    draft.titles.append("monthly")
                    draft.fire(
                        "awards.monthly",
                        awards.monthly.clause,
                        f"月度优秀客服代表 (top score {top}): {text(awards.monthly.amount)}",
                        None,
                        None,
                        "awards",
                        awards.monthly.amount,
                    )
    if awards.yearly is not None and month.month == awards.yearly.year_end_month:
        expression = policy.expr("awards.yearly.eligible")
        counts = {
            d.employee.employee_id: state.titles.get(d.employee.employee_id, {}).get(month.year, 0)
            + ("monthly" in d.titles)
            for d in drafts
        }
        eligible = [
            d
            for d in drafts
            if expression.holds(_award_names(d)) and counts[d.employee.employee_id] > 0
        ]
        if eligible:
            most = max(counts[d.employee.employee_id] for d in eligible)
            for draft in eligible:
                if counts[draft.employee.employee_id] == most:
                    draft.titles.append("yearly")
                    draft.fire(
                        "awards.yearly",
                        awards.yearly.clause,
                        f"年度最佳客服代表 ({most} monthly titles in {month.year}): {text(awards.yearly.amount)}",
                        None,
                        None,
                        "awards",
                        awards.yearly.amount,
                    )


def _award_names(draft: _Employee) -> dict[str, Decimal | bool]:
    return {
        **draft._score_names(),
        "dismissed": bool(draft.dismissal_reasons),
        "demoted": bool(draft.demotion_reasons),
    }


_HANDLERS = {
    Kind.LATE: _Employee.on_late,
    Kind.EARLY_LEAVE: _Employee.on_early_leave,
    Kind.ABSENT: _Employee.on_absent,
    Kind.PERSONAL_LEAVE: _Employee.on_personal_leave,
    Kind.SICK_LEAVE: _Employee.on_sick_leave,
    Kind.OVERTIME: _Employee.on_overtime,
    Kind.CRITERION: _Employee.on_criterion,
    Kind.EXAM: _Employee.on_exam,
    Kind.REWARD: _Employee.on_reward,
    Kind.PENALTY: _Employee.on_penalty,
    Kind.METRIC: _Employee.on_metric,
}
