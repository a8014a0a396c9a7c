"""The fair floor of issue 11's target "evaluation alone: 1.5× a plain hand-written Decimal loop".

`plain_month` evaluates the shipped customer-service scheme (scheme.md as
docs/semantics.md reads it, the values of policies/customer_service.yaml) for the kinds
of rows bench/generate.py makes, written out by hand: every constant is in this file; no
policy file, rule object, effect, fold or trace framework. One pass groups the rows by
employee; each employee's month is then straight-line Decimal arithmetic in the engine's
money context (each pay field rounded half up once, gross the sum of the rounded
fields), every item charged leaving one trace tuple (kind, source row, points, yuan) as
evaluation leaves a trace entry; last, the monthly award ranks everyone. That is what
any evaluator of this scheme must do, no more, and it gives evaluation's figures:
`agree` lists every employee and figure where the two differ (bench/evaluate.py asserts
none before timing). Written apart from the engine, it is also a cross-check of it.

Left out, as a generated month never needs it: the carried state (a first month: the
roster gives the level, a "first time" offence is the first ever, no title is carried
into the year), a floating-wage formula and criteria met by metrics (the shipped policy
has neither), review items, the compliance report (the check stage's), input problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import pairwise
from typing import NamedTuple

from appraisal.domain.model import Employee, Event, Kind, Month, Source
from appraisal.domain.results import PAY_FIELDS, EmployeeResult

__all__ = ["FIGURES", "PlainResult", "agree", "plain_month"]

MONEY = Context(prec=34, rounding=ROUND_HALF_UP)  # exact money, as the engine computes it
CENT = Decimal("0.01")
ZERO = Decimal(0)

# 薪资待遇: (base 底薪, floating 浮动工资) by level; daily wage = monthly / 21.75.
WAGES: dict[str, tuple[Decimal, Decimal]] = {
    "intern": (Decimal(700), ZERO),
    "specialist": (Decimal(1000), Decimal(900)),
    "team_lead": (Decimal(1100), Decimal(900)),
    "assistant_manager": (Decimal(1200), Decimal(900)),
    "supervisor": (Decimal(1600), Decimal(1000)),
    "manager": (Decimal(2000), Decimal(1000)),
    "junior_lecturer": (Decimal(1000), Decimal(800)),
    "mid_lecturer": (Decimal(1200), Decimal(800)),
    "senior_lecturer": (Decimal(1400), Decimal(800)),
}
PAY_DAYS = Decimal("21.75")
# 晋升和降级: one level at a time along each track, lowest first.
MANAGEMENT = ("intern", "specialist", "team_lead", "assistant_manager", "supervisor", "manager")
LECTURERS = ("junior_lecturer", "mid_lecturer", "senior_lecturer")
DOWN = {upper: lower for track in (MANAGEMENT, LECTURERS) for lower, upper in pairwise(track)}
UP = {lower: upper for upper, lower in DOWN.items()}
GENERAL_MANAGER_DECIDES = "manager"  # a demotion trigger is only a proposal
ALLOWANCES = (("transport", Decimal(50)), ("communication", ZERO))  # 交通补贴, 通讯补贴

# 基本考核标准 1–5 (+N if met) and the exam bands (lower bound, points), highest first;
# below 60 is band E.
CRITERIA = {"1": Decimal(5), "2": Decimal(5), "3": Decimal(10), "4": Decimal(10), "5": Decimal(10)}
EXAM_BANDS = ((95, Decimal(10)), (90, Decimal(5)), (80, Decimal(2)), (70, ZERO))
EXAM_E = Decimal(-10)
ADD_MAX, DEDUCT_POOL = Decimal(100), Decimal(100)
DEMOTION_LINE = 140  # 低于140分
# The triggers by the policy's names, in its order, as the results list them.
DEMOTIONS = ("low_score", "major_fault", "serious_case", "unfit")
DISMISSALS = ("clause_1", "clause_2", "clause_8_serious", "late_five_times")

# 处罚 4: lateness tiers (max minutes, fine, points); 60 minutes or more is a day's absence.
LATE_TIERS = ((30, Decimal(10), Decimal(3)), (59, Decimal(30), Decimal(5)))
ABSENCE_POINTS = Decimal(10)  # per day of 旷工
LATE_DISMISS = 5  # 迟到早退五次以上
FREQUENT_LEAVE, FREQUENT_LEAVE_POINTS = 3, Decimal(5)  # 请假3次或以上扣5分

# 奖励事项: points by clause (clause 6: the row's); the amount is always the row's.
REWARD_POINTS = {"1": Decimal(10), "2": Decimal(5), "3": Decimal(10), "4": Decimal(5)}
REWARD_POINTS["5"] = Decimal(10)
# 处罚事项: fixed fines and points; the other clauses take the row's amount and points.
FIXED_FINES = {"11": Decimal(20), "12": Decimal(20), "13": Decimal(10)}
RANGED_FINES = frozenset({"3", "6", "7", "8", "9", "10"})
FIXED_POINTS = {"6": Decimal(10), "7": Decimal(10), "8": Decimal(10)}
FIXED_POINTS.update({"11": Decimal(5), "12": Decimal(5), "13": Decimal(5)})
RANGED_POINTS = frozenset({"3", "9", "10"})
# 首次警告: the first offence ever charges no fine; clause 6 still deducts its points.
FIRST_TIME_KEEPS_POINTS = {"6": True, "13": False}
SERIOUS_DEMOTES = frozenset({"4", "6", "7", "9"})  # 降级情况三
DISMISSING_CLAUSES = ("1", "2")  # 处罚 1, 2: 直接开除; clause 8 serious too

# Rows the month-end rules read: demotion triggers (降级情况二, 四), promotions, 开除 days.
MONTH_END_KINDS = frozenset({Kind.MAJOR_FAULT, Kind.UNFIT, Kind.PROMOTION, Kind.TERMINATION})
SETTLEMENT_DAYS = 20  # 开除: fewer than 20 days worked, half the base; else the base
MONTHLY_AWARD, YEARLY_AWARD, YEAR_END = Decimal(100), Decimal(600), 12

Trace = tuple[object, Source | None, Decimal | None, Decimal | None]


class PlainResult(NamedTuple):
    """One employee's month as the plain loop computes it: the figures the results carry
    (pay fields rounded to the cent) and the trace, one tuple per item charged."""

    level: str
    next_level: str | None
    add: Decimal
    deduct_left: Decimal
    total: Decimal
    base: Decimal
    floating: Decimal
    fines: Decimal
    leave_deduction: Decimal
    absence_deduction: Decimal
    overtime: Decimal
    rewards: Decimal
    awards: Decimal
    allowances: Decimal
    settlement: Decimal
    gross: Decimal
    dismissal_reasons: tuple[str, ...]
    demotion_reasons: tuple[str, ...]
    promoted_to: str | None
    titles: tuple[str, ...]
    appraised: bool
    trace: list[Trace]


def _rates(base: Decimal, floating: Decimal) -> tuple[Decimal, ...]:
    """A level's money per day: absence; personal and sick leave; holiday and rest-day
    overtime. Worked as the policy writes them, in its order, so each digit is the same."""
    wage_day, base_day = (base + floating) / PAY_DAYS, base / PAY_DAYS
    return (wage_day, base_day, base_day * Decimal("0.5"), 3 * base / PAY_DAYS, 2 * base / PAY_DAYS)


def plain_month(
    roster: Sequence[Employee], events: Iterable[Event], month: Month
) -> dict[str, PlainResult]:
    """Every employee's month of ``events`` under the shipped scheme, by employee id."""
    with localcontext(MONEY):
        rates = {level: _rates(*wage) for level, wage in WAGES.items()}
        rows: dict[str, list[Event]] = {employee.employee_id: [] for employee in roster}
        for event in events:
            rows[event.employee_id].append(event)
        results = {
            employee.employee_id: _employee_month(
                employee.level, rows[employee.employee_id], rates[employee.level]
            )
            for employee in roster
        }
        _award(results, month)
    return results


def _employee_month(level: str, rows: list[Event], rates: tuple[Decimal, ...]) -> PlainResult:
    base, floating = WAGES[level]
    absence_day, personal_day, sick_day, holiday_day, rest_day = rates
    add = deducted = fines = leave = absence = overtime = rewards = ZERO
    late_count = leave_count = 0
    appraised = serious_case = dismiss_8 = False
    dismissing: set[str] = set()
    first_time: dict[str, list[Event]] = {}
    month_end: dict[Kind, list[Event]] = {}
    trace: list[Trace] = []
    for event in rows:
        kind, value, flags = event.kind, event.value, event.flags
        if kind is Kind.CRITERION:
            appraised = True
            points = CRITERIA[event.clause or ""] if value == 1 else ZERO
            add += points
            trace.append((kind, event.source, points, None))
        elif kind is Kind.EXAM:
            appraised = True
            points = next(
                (p for low, p in EXAM_BANDS if value is not None and value >= low), EXAM_E
            )
            add += points
            trace.append((kind, event.source, points, None))
        elif kind is Kind.LATE or (kind is Kind.EARLY_LEAVE and "excused" not in flags):
            late_count += 1  # unexcused early leave is lateness by its minutes
            serious_case = serious_case or "serious" in flags
            minutes = value or ZERO
            for most, fine, points in LATE_TIERS:
                if minutes <= most:
                    fines += fine
                    deducted += points
                    trace.append((kind, event.source, -points, fine))
                    break
            else:  # an hour or more: a day's absence (旷工一日)
                absence += absence_day
                deducted += ABSENCE_POINTS
                trace.append((kind, event.source, -ABSENCE_POINTS, absence_day))
        elif kind is Kind.ABSENT:
            days = value or ZERO
            serious_case = serious_case or "serious" in flags
            amount, points = absence_day * days, ABSENCE_POINTS * days
            absence += amount
            deducted += points
            trace.append((kind, event.source, -points, amount))
        elif kind is Kind.PERSONAL_LEAVE or kind is Kind.SICK_LEAVE:
            leave_count += 1
            per_day = personal_day if kind is Kind.PERSONAL_LEAVE else sick_day
            amount = per_day * (value or ZERO)
            leave += amount
            trace.append((kind, event.source, None, amount))
        elif kind is Kind.OVERTIME:
            if "comp_time" in flags or "self_caused" in flags:
                amount = ZERO  # 补休, or caused by the employee's own low efficiency
            elif "holiday" in flags:
                amount = holiday_day * (value or ZERO)
            elif "rest_day" in flags:
                amount = rest_day * (value or ZERO)
            else:
                amount = ZERO  # a working day: the scheme pays nothing (a compliance matter)
            overtime += amount
            trace.append((kind, event.source, None, amount))
        elif kind is Kind.REWARD:
            clause = event.clause or ""
            points = REWARD_POINTS.get(clause) or abs(event.points or ZERO)
            amount = abs(event.amount or ZERO)
            add += points
            rewards += amount
            trace.append((kind, event.source, points, amount))
        elif kind is Kind.PENALTY:
            clause = event.clause or ""
            if "serious" in flags:
                serious_case = serious_case or clause in SERIOUS_DEMOTES
                dismiss_8 = dismiss_8 or clause == "8"
            if clause in FIRST_TIME_KEEPS_POINTS:  # which row is the first is decided below
                first_time.setdefault(clause, []).append(event)
                continue
            if clause in DISMISSING_CLAUSES:
                dismissing.add(clause)
            fine, points = _penalty(clause, event)
            fines += fine
            deducted += points
            trace.append((kind, event.source, -points, fine))
        elif kind in MONTH_END_KINDS:  # read once every row is in
            month_end.setdefault(kind, []).append(event)
        else:  # an excused early leave (case by case), a metric: read, nothing charged
            trace.append((kind, event.source, None, None))

    # 首次警告: the first of a clause's rows in content order (never row order) is the
    # warning, every later one a repeat.
    for clause, offences in first_time.items():
        for number, event in enumerate(sorted(offences, key=Event.sort_key)):
            fine, points = _penalty(clause, event)
            if number == 0:
                fine = ZERO
                points = points if FIRST_TIME_KEEPS_POINTS[clause] else ZERO
            fines += fine
            deducted += points
            trace.append((Kind.PENALTY, event.source, -points, fine))
    if leave_count >= FREQUENT_LEAVE:
        deducted += FREQUENT_LEAVE_POINTS
        trace.append(("frequent_leave", None, -FREQUENT_LEAVE_POINTS, None))

    # The 200-point score: the add side within 0–100, the deduct pool not below 0.
    add = min(max(add, ZERO), ADD_MAX)
    deduct_left = max(DEDUCT_POOL - deducted, ZERO)
    total = add + deduct_left

    dismissed_for = ("1" in dismissing, "2" in dismissing, dismiss_8, late_count >= LATE_DISMISS)
    dismissal_reasons = tuple(r for r, yes in zip(DISMISSALS, dismissed_for, strict=True) if yes)
    major_fault, unfit = Kind.MAJOR_FAULT in month_end, Kind.UNFIT in month_end
    demoted_for = (total < DEMOTION_LINE, major_fault, serious_case, unfit)
    demotion_reasons = tuple(r for r, yes in zip(DEMOTIONS, demoted_for, strict=True) if yes)
    next_level: str | None = level
    promoted_to = None
    if dismissal_reasons:
        next_level = None
    elif demotion_reasons:
        if level != GENERAL_MANAGER_DECIDES:
            next_level = DOWN.get(level, level)  # the bottom of a track stays
            if next_level != level:
                trace.append(("demotion", None, None, None))
    else:
        # One level up, once leadership approves; a demotion trigger blocks it.
        for event in month_end.get(Kind.PROMOTION, ()):
            if "approved" in event.flags and event.note.strip() == UP.get(level):
                next_level = promoted_to = UP[level]
                trace.append((Kind.PROMOTION, event.source, None, None))
                break

    allowances = ZERO
    for name, amount in ALLOWANCES:
        allowances += amount
        trace.append((name, None, None, amount))
    settlement = ZERO
    if dismissal_reasons:  # 开除人员待遇结算: the settlement replaces the wage and deductions
        terminations = month_end.get(Kind.TERMINATION)
        ended = min(terminations, key=Event.sort_key) if terminations else None
        worked = PAY_DAYS if ended is None or ended.value is None else ended.value
        settlement = base / 2 if worked < SETTLEMENT_DAYS else base
        base = floating = fines = leave = absence = ZERO
        trace.append(("settlement", ended.source if ended else None, None, settlement))
    else:
        trace.append(("base", None, None, base))
        trace.append(("floating", None, None, floating))
        if fines > floating:  # fines come out of the floating wage, capped at it
            trace.append(("fines_cap", None, None, floating - fines))
            fines = floating
        # Leave and absence deductions never exceed the wage left after fines, compared
        # as the payslip shows them: the excess comes off leave first, then absence.
        room = max((base + floating - fines).quantize(CENT), ZERO)
        if leave.quantize(CENT) + absence.quantize(CENT) > room:
            trace.append(("deductions_cap", None, None, None))
            absence = min(absence, room)
            leave = room - absence.quantize(CENT)

    # Each pay field rounded half up to the cent once; gross the sum of the rounded fields.
    fields = (base, floating, fines, leave, absence, overtime, rewards, ZERO, allowances)
    pay = [yuan.quantize(CENT) for yuan in (*fields, settlement)]  # awards: once ranked
    gross = pay[0] + pay[1] - pay[2] - pay[3] - pay[4] + pay[5] + pay[6] + pay[8] + pay[9]
    appraised = appraised or bool(dismissal_reasons)  # a dismissal appraises too
    why = (dismissal_reasons, demotion_reasons, promoted_to, (), appraised)  # titles: once ranked
    return PlainResult(level, next_level, add, deduct_left, total, *pay, gross, *why, trace)


def _penalty(clause: str, event: Event) -> tuple[Decimal, Decimal]:
    """A penalty row's fine and points, as charged on a repeat offence."""
    fine = FIXED_FINES.get(clause)
    if fine is None:
        fine = abs(event.amount) if clause in RANGED_FINES and event.amount is not None else ZERO
    points = FIXED_POINTS.get(clause)
    if points is None:
        points = abs(event.points) if clause in RANGED_POINTS and event.points is not None else ZERO
    return fine, points


def _award(results: dict[str, PlainResult], month: Month) -> None:
    """优秀客服代表: the top score of the appraised, neither dismissed nor demoted, wins 100
    (ties all win); in December, with no title carried into the year, the same win 600."""
    eligible = {
        employee_id: person.total
        for employee_id, person in results.items()
        if person.appraised and not person.dismissal_reasons and not person.demotion_reasons
    }
    if not eligible:
        return
    top = max(eligible.values())
    awarded = [("monthly", MONTHLY_AWARD)]
    if month.month == YEAR_END:
        awarded.append(("yearly", YEARLY_AWARD))
    titles, won = tuple(title for title, _ in awarded), sum((yuan for _, yuan in awarded), ZERO)
    for employee_id in (employee_id for employee_id, total in eligible.items() if total == top):
        person = results[employee_id]
        person.trace.extend((title, None, None, yuan) for title, yuan in awarded)
        results[employee_id] = person._replace(
            awards=won.quantize(CENT), gross=person.gross + won, titles=titles
        )


# Each figure compared: its name in the results, and the plain loop's field that holds it.
FIGURES: tuple[tuple[str, str], ...] = (
    *((name, name) for name in ("level", "next_level")),
    *((f"score.{name}", name) for name in ("add", "deduct_left", "total")),
    *((f"pay.{name}", name) for name in (*PAY_FIELDS, "gross")),
    *((name, name) for name in ("dismissal_reasons", "demotion_reasons", "promoted_to")),
    *((name, name) for name in ("titles", "appraised")),
)


def _figure(result: EmployeeResult, figure: str) -> object:
    """A figure of evaluation's result, by its name in the results."""
    if figure.startswith("pay."):
        return result.pay[figure[4:]]
    if figure.startswith("score."):
        return getattr(result.score, figure[6:])
    return getattr(result, figure)


def agree(plain: Mapping[str, PlainResult], evaluation: Iterable[EmployeeResult]) -> list[str]:
    """Every employee and figure where the plain loop and evaluation differ (none: agreed)."""
    differences: list[str] = []
    seen: set[str] = set()
    for result in evaluation:
        seen.add(result.employee_id)
        mine = plain.get(result.employee_id)
        if mine is None:
            differences.append(f"{result.employee_id}: evaluated, not in the plain loop")
            continue
        for figure, field in FIGURES:
            ours, theirs = getattr(mine, field), _figure(result, figure)
            if ours != theirs:
                differences.append(
                    f"{result.employee_id} {figure}: plain {ours!r}, evaluation {theirs!r}"
                )
    differences.extend(
        f"{employee_id}: in the plain loop, not evaluated"
        for employee_id in plain
        if employee_id not in seen
    )
    return differences
