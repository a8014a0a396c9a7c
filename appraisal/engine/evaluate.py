"""The evaluator: (policy in force, roster, events, carried state) → results.

The "evaluate" stage, a pure function: no file, clock, database or randomness. For
each employee, `levels.level_of_month` picks the level, then each row is handed, in
content order (never row order), to the rule for its kind, and the effects the rule
returns (`appraisal.engine.effects`) are folded into the employee's running month
(`appraisal.engine.fold`). The month-end rules follow, in the order of `MONTH_END`,
and last the awards, which compare employees; each result is marked as it is made if
the month appraised the employee not at all (`appraisal.engine.completeness`). Every rule
that fires leaves a `TraceEntry` naming its clause and the input row, and money stays
exact until `PayFields.from_exact` rounds each field once. Problems that only the
carried state can reveal (a repeat offence that needs an amount, a promotion that
skips a level) come back as `Issue` values, like every other input problem.

Compliance with wage law is not this stage's: `appraisal.check` lists it next.

Speed (issue 11): an employee's rows are put in content order by their day, kind and
clause, read in one C call (`in_content_order`); a row goes to its kind's rule by one
dict lookup (`HANDLERS`); what a rule makes of the policy alone (an allowance's entry,
a level's wage and demotion entries, the demotion triggers as each month reads them)
is made once per evaluation and shared (`Rates.once`), what it makes of a row but for
its source (its words, points and yuan) once per set of the row's values as written and
the level (`Rates.row_words`), and a policy condition is worked out once per value of the
names it reads (`Rates.holds`). The check stage is given each employee's rows by kind
as the rules saw them (`Shard.rows_of`), not the month's rows to sort out again. A
month-end step that the policy in force leaves with nothing to do for anyone is left
out once per evaluation (`month_end_in_force`), not asked once per employee; the
records made once per employee (the rules' view, the result) are filled a slot at a
time (`appraisal.domain.makers`); and each result is made as soon as the employee's month
is done, unless an award may yet change it (`Shard.finish`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import localcontext
from operator import attrgetter, itemgetter

from appraisal.domain.makers import slotted_maker
from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month
from appraisal.domain.money import CONTEXT
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import EmployeeResult
from appraisal.engine import attendance, awards, levels, pay, score
from appraisal.engine.context import MonthContext, Rates
from appraisal.engine.effects import Effects
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import PolicyInForce

__all__ = ["HANDLERS", "MONTH_END", "Evaluation", "Shard", "evaluate", "in_content_order"]

Handler = Callable[[MonthContext, Event], Effects]
Step = Callable[[MonthContext], Effects]

# The rule for each kind of row; a kind without one (major fault, unfit, promotion,
# termination) is only read by the month-end rules.
HANDLERS: dict[Kind, Handler] = {
    Kind.LATE: attendance.on_late,
    Kind.EARLY_LEAVE: attendance.on_early_leave,
    Kind.ABSENT: attendance.on_absent,
    Kind.PERSONAL_LEAVE: attendance.on_personal_leave,
    Kind.SICK_LEAVE: attendance.on_sick_leave,
    Kind.PAID_LEAVE: attendance.on_paid_leave,
    Kind.OVERTIME: attendance.on_overtime,
    Kind.CRITERION: score.on_criterion,
    Kind.EXAM: score.on_exam,
    Kind.REWARD: score.on_reward,
    Kind.PENALTY: score.on_penalty,
    Kind.METRIC: score.on_metric,
}

# Month end, in order: each step reads what the steps before it decided.
MONTH_END: tuple[Step, ...] = (
    score.criteria_met_by_metrics,
    attendance.frequent_leave,
    score.score,
    levels.dismissal,
    levels.demotion_triggers,
    levels.demotion,
    levels.promotion,
    pay.allowances,
    pay.wage,
    pay.termination_without_dismissal,
)


# Month-end steps that a policy can leave with nothing to do for anyone, and the test
# that says so: left out of the evaluation's steps (`month_end_in_force`), not asked
# once an employee. A step not named here is always run.
IDLE_UNLESS: dict[Step, Callable[[PolicyInForce], object]] = {
    score.criteria_met_by_metrics: score.criteria_with_when,  # no criterion with a `when`
}


def month_end_in_force(policy: PolicyInForce, steps: Sequence[Step]) -> tuple[Step, ...]:
    """``steps`` (`MONTH_END`) without those the policy leaves idle (`IDLE_UNLESS`)."""
    return tuple(step for step in steps if step not in IDLE_UNLESS or IDLE_UNLESS[step](policy))


_EMPLOYEE_ID = attrgetter("employee_id")
# The rules' view of a month, made once per employee (`slotted_maker`).
_context = slotted_maker(MonthContext)
# The first fields of `Event.sort_key`, read in one C call: they order nearly every
# employee's rows alone (no two rows of one employee on one day of one kind and clause).
# Read by their places in the row (a named tuple), found by name: a tuple's items are
# read faster by index than by attribute, and this is read twice a row.
_DAY_KIND_CLAUSE = itemgetter(*map(Event._fields.index, ("date", "kind", "clause")))


def in_content_order(rows: list[Event]) -> list[Event]:
    """``rows`` (one employee's) sorted by `Event.sort_key`, as the rules take them.

    Ordered first by day, kind and clause, read in one C call, and then, only where two
    rows share all three (or one leaves the clause out where another gives it), by the
    whole content key: the order is `Event.sort_key`'s either way.
    """
    if len(rows) < 2:
        return rows
    try:
        ordered = sorted(rows, key=_DAY_KIND_CLAUSE)
    except TypeError:  # no clause (None) beside a clause on the same day and kind
        return sorted(rows, key=Event.sort_key)
    if len(set(map(_DAY_KIND_CLAUSE, ordered))) < len(ordered):
        return sorted(rows, key=Event.sort_key)  # rows alike in all three: the rest decides
    return ordered


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
    with localcontext(CONTEXT), without_cycle_collection():
        shard = Shard(policy, month, roster, events, state)
        return shard.finish(awards.rank(policy, month, shard.standings))


class Shard:
    """Some employees' months, evaluated up to the awards, then finished.

    The awards are the only step that compares employees (`awards`): a month split
    into shards (`appraisal.check.shards`, one per worker process) evaluates each
    shard up to them, ranks every shard's `standings` together, then finishes each
    shard with the one ranking, and the results are those of one shard of everyone.
    Run inside the exact money context with the cycle collector off (`evaluate`).
    """

    __slots__ = ("issues", "month", "policy", "results", "rows_of", "standings", "waiting")

    def __init__(
        self,
        policy: PolicyInForce,
        month: Month,
        roster: Sequence[Employee],
        events: Sequence[Event],
        state: CarriedState,
    ) -> None:
        self.policy, self.month = policy, month
        by_employee: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            by_employee[event.employee_id].append(event)
        rates = Rates(policy)
        # Every kind, None for one without a rule: a row's rule is found by subscript,
        # not by a call to `dict.get`.
        handler_of: dict[Kind, Handler | None] = {**dict.fromkeys(Kind), **HANDLERS}
        month_end = month_end_in_force(policy, MONTH_END)
        # Each result in roster order, made as soon as the employee's month is done; a
        # month that an award may yet change (`waiting`) leaves its place empty (None)
        # until `finish` has the ranking.
        self.results: list[EmployeeResult | None] = []
        self.waiting: list[tuple[int, RunningMonth, MonthContext]] = []
        self.issues: list[Issue] = []
        # What the awards' ranking needs of each, in roster order, taken as each is done.
        self.standings: list[awards.Standing] = []
        # Each employee's rows by kind, in content order, as the rules saw them (the
        # check stage reads them: `appraisal.check.check_results`).
        self.rows_of: dict[str, dict[Kind, list[Event]]] = {}
        # Bound once: the loop runs per employee.
        rows_of, standing = self.rows_of, awards.standing
        results, keep_result, wait = self.results, self.results.append, self.waiting.append
        keep_standing, keep_issues = self.standings.append, self.issues.extend
        for employee in sorted(roster, key=_EMPLOYEE_ID):
            emp_id = employee.employee_id
            own = in_content_order(by_employee.get(emp_id, []))
            level, opening = levels.level_of_month(policy, employee, state)
            this = RunningMonth(employee, level)
            if opening:
                this.apply(opening)
            # The rows by kind, filled as the rows are handed to their rules: only the
            # month-end rules read it, once every row is in.
            rows: dict[Kind, list[Event]] = {}
            rows_of[emp_id] = rows
            ctx = _context(policy, month, employee, level, state, rates, rows, this)
            apply = this.apply  # bound once: the loop runs per row
            for event in own:
                kind = event.kind
                same = rows.get(kind)
                if same is None:
                    rows[kind] = [event]
                else:
                    same.append(event)
                handler = handler_of[kind]
                if handler is not None:
                    apply(handler(ctx, event))
            for step in month_end:
                effects = step(ctx)
                if effects:  # most steps do nothing for most employees
                    apply(effects)
            mine = standing(policy, month, ctx)
            keep_standing(mine)
            if this.issues:
                keep_issues(this.issues)
            if mine.monthly or mine.yearly:  # an award may yet change it: made at `finish`
                wait((len(results), this, ctx))
                keep_result(None)
            else:  # no award can: its result now, while its month is at hand
                # Each result says whether the month appraised the employee
                # (`completeness`).
                keep_result(this.result(ctx.appraised))

    def finish(self, ranking: awards.Ranking) -> Evaluation:
        """The awards under the month's ``ranking``, then the results not yet made; once.

        Only a month eligible for a title waits for the ranking (`awards.standing`): an
        award changes no other, so every other result was made as its month was done.
        An award adds titles, entries and yuan, never an input problem."""
        results, standings = self.results, self.standings
        policy, month = self.policy, self.month
        for place, this, ctx in self.waiting:
            effects = awards.award(policy, month, ranking, standings[place])
            if effects:
                this.apply(effects)
            results[place] = this.result(ctx.appraised)
        self.waiting.clear()
        made: tuple[EmployeeResult, ...] = tuple(results)  # type: ignore[arg-type]  # all made
        return Evaluation(made, tuple(self.issues))
