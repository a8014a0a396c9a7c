"""The policy language: what a policy file may say, checked by pydantic.

Part of the "resolve policy" stage. These models describe one policy as in force on one
day (dated values already picked). Unknown keys are rejected, every rule carries the
`clause` of the rulebook it encodes, and money is Decimal. Cross-references between
sections (a trigger naming a penalty clause, a criterion naming a metric) are checked
in `appraisal.policy.loaded`, which also compiles the expressions.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["PolicyDoc"]

Money = Annotated[Decimal, Field(ge=0)]
Points = Annotated[Decimal, Field(ge=0)]
Expr = Annotated[str, Field(min_length=1)]
ClauseId = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(Strict):
    """Anything that encodes part of the rulebook names the clause it encodes."""

    clause: Annotated[str, Field(min_length=1)]


class Range(Strict):
    """An allowed range for an amount or points given on the event row."""

    min: Decimal = Decimal(0)
    max: Decimal | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min < 0:
            raise ValueError("min must not be negative")
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max {self.max} is below min {self.min}")
        return self

    def contains(self, value: Decimal) -> bool:
        return value >= self.min and (self.max is None or value <= self.max)

    def describe(self) -> str:
        return f"{self.min}–{self.max}" if self.max is not None else f"at least {self.min}"


Quantity = Annotated[Decimal | Range, Field(union_mode="left_to_right")]


class Allowance(Rule):
    label: str
    amount: Money


class DeductionsCap(Rule):
    """Leave and absence deductions together never exceed the month's wage (scheme.md §5,
    Open): base + floating, less the fines already taken out of it, so gross never goes
    below the allowances. The excess is reported, not carried over. A rule, so it carries
    its clause and its `from:` date; a policy without it (every policy sealed before
    issue 9) has no cap."""

    at: Literal["wage"] = "wage"


class Pay(Rule):
    pay_day_basis: Annotated[Decimal, Field(gt=0)]
    pay_day_of_month: Annotated[int, Field(ge=1, le=28)] = 5
    floating_formula: Expr | None = None
    fines_cap: Literal["floating_wage", "none"] = "floating_wage"
    deductions_cap: DeductionsCap | None = None
    allowances: dict[str, Allowance] = {}


class Level(Strict):
    title: str
    base: Money
    floating: Money
    decided_by_general_manager: bool = False


class Track(Strict):
    title: str
    levels: Annotated[dict[str, Level], Field(min_length=1)]


class Ladder(Rule):
    tracks: Annotated[dict[str, Track], Field(min_length=1)]


class Metric(Rule):
    title: str


class Criterion(Rule):
    title: str
    points: Decimal
    when: Expr | None = None


class Band(Strict):
    min: Decimal
    points: Decimal


class Exam(Rule):
    bands: Annotated[dict[str, Band], Field(min_length=1)]
    below_lowest: str | None = None


class Score(Rule):
    add_max: Points
    add_floor: Decimal = Decimal(0)
    deduct_pool: Points
    deduct_floor: Decimal = Decimal(0)
    metrics: dict[str, Metric] = {}
    criteria: dict[ClauseId, Criterion]
    exam: Exam


class Reward(Rule):
    title: str
    amount: Quantity
    points: Quantity


class Rewards(Rule):
    items: dict[ClauseId, Reward]


class FirstTime(Strict):
    """What a first offence still costs: a warning waives what is false here."""

    fine: bool
    points: bool


class Penalty(Rule):
    title: str
    fine: Quantity | None = None
    points: Quantity | None = None
    compensation: Range | None = None
    first_time: FirstTime | None = None


class Penalties(Rule):
    first_time_window: Literal["lifetime", "month"] = "lifetime"
    attendance_clauses: list[ClauseId] = []
    items: dict[ClauseId, Penalty]


class Tier(Rule):
    max_minutes: Decimal | None = None
    fine: Money | None = None
    points: Points | None = None
    absence_days: Annotated[Decimal, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_effect(self) -> Tier:
        if self.absence_days is None and (self.fine is None or self.points is None):
            raise ValueError("a tier needs fine and points, or absence_days")
        if self.absence_days is not None and (self.fine is not None or self.points is not None):
            raise ValueError("a tier counted as absence takes its fine and points from absence")
        return self


class Lateness(Rule):
    tiers: Annotated[dict[str, Tier], Field(min_length=1)]

    @model_validator(mode="after")
    def _bracket(self) -> Lateness:
        tiers = list(self.tiers.values())
        bounds = [t.max_minutes for t in tiers]
        if any(b is None for b in bounds[:-1]) or bounds[-1] is not None:
            raise ValueError(
                "the last tier, and only the last, leaves out max_minutes (it covers the rest)"
            )
        known = [b for b in bounds if b is not None]
        if known != sorted(known) or len(set(known)) != len(known):
            raise ValueError("tiers must be in increasing order of max_minutes")
        return self


class EarlyLeave(Rule):
    unexcused: Literal["as_late", "ignore"] = "as_late"
    excused: Literal["review", "as_late", "ignore"] = "review"


class Absence(Rule):
    deduction_per_day: Expr
    points_per_day: Points


class Leave(Rule):
    personal_per_day: Expr
    sick_per_day: Expr
    # Paid leave (带薪假: 年假, 婚假, 产假 …, kind paid_leave) deducts this share of a day of
    # personal leave (事假) per day: 0, the default, costs nothing; 1 costs as much as 事假.
    paid_share: Annotated[Decimal, Field(ge=0, le=1)] = Decimal(0)


class FrequentLeave(Rule):
    at_least: Annotated[int, Field(ge=1)]
    points: Points


class Attendance(Strict):
    # Working hours in a day: leave or overtime given in hours (an attendance export's
    # 事假(小时)) converts to the days the rules count in; a lateness or early leave is at
    # most one working day; overtime on one date at most 24 hours, 24 / hours_per_day days.
    hours_per_day: Annotated[Decimal, Field(gt=0)] = Decimal(8)
    lateness: Lateness
    early_leave: EarlyLeave
    absence: Absence
    leave: Leave
    frequent_leave: FrequentLeave


class Overtime(Rule):
    holiday_per_day: Expr | None = None
    rest_day_per_day: Expr | None = None
    workday_per_day: Expr | None = None
    unpaid_flags: list[Literal["comp_time", "self_caused"]] = []


class DemotionTrigger(Rule):
    when: Expr | None = None
    event: Literal["major_fault", "unfit"] | None = None
    serious_clauses: list[ClauseId] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DemotionTrigger:
        given = [x for x in (self.when, self.event, self.serious_clauses) if x is not None]
        if len(given) != 1:
            raise ValueError("a demotion trigger has exactly one of when, event, serious_clauses")
        return self


class Demotion(Rule):
    steps: Annotated[int, Field(ge=1)] = 1
    triggers: dict[str, DemotionTrigger]
    at_bottom: Literal["review"] = "review"


class Promotion(Rule):
    requires_flag: str | None = "approved"
    blocked_by_demotion: bool = True
    eligible: Expr | None = None


class DismissalTrigger(Rule):
    penalty: ClauseId | None = None
    serious: bool = False
    lateness_count_at_least: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DismissalTrigger:
        if (self.penalty is None) == (self.lateness_count_at_least is None):
            raise ValueError(
                "a dismissal trigger has exactly one of penalty, lateness_count_at_least"
            )
        return self


class Settlement(Rule):
    threshold_days: Annotated[Decimal, Field(gt=0)]
    below_threshold: Expr
    at_or_above_threshold: Expr


class Dismissal(Rule):
    triggers: dict[str, DismissalTrigger]
    settlement: Settlement


# scheme.md §4: who may win an award unless the policy says otherwise; a demotion
# contradicts 整体表现优秀 (good overall performance).
AWARD_ELIGIBLE = "appraised and not dismissed and not demoted"


class MonthlyAward(Rule):
    amount: Money
    eligible: Expr = AWARD_ELIGIBLE


class YearlyAward(Rule):
    amount: Money
    year_end_month: Annotated[int, Field(ge=1, le=12)] = 12
    eligible: Expr = AWARD_ELIGIBLE


class Awards(Strict):
    monthly: MonthlyAward | None = None
    yearly: YearlyAward | None = None


class Compliance(Rule):
    minimum_wage: Money | None = None
    deduction_cap_ratio: Annotated[Decimal, Field(gt=0, le=1)] | None = None
    holiday_min_per_day: Expr | None = None
    rest_day_min_per_day: Expr | None = None
    workday_min_per_day: Expr | None = None
    holiday_comp_time_allowed: bool = False


class Amendment(Strict):
    effective: date
    clause: str
    note: str


class PolicyDoc(Strict):
    """One policy as in force on one day."""

    id: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)]
    title: str
    # The organisation whose payroll this is (单位名称), as the pay sheet's title shows it:
    # "南昌迈格文化传媒有限公司 客服部". None: the title names the month alone.
    organisation: Annotated[str, Field(min_length=1)] | None = None
    amendments: list[Amendment] = []
    pay: Pay
    ladder: Ladder
    score: Score
    rewards: Rewards
    penalties: Penalties
    attendance: Attendance
    overtime: Overtime
    demotion: Demotion
    promotion: Promotion
    dismissal: Dismissal
    awards: Awards
    compliance: Compliance
