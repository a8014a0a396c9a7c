"""The check stage: compliance with PRC wage law as small functions over results.

Each check of `appraisal.check.compliance.CHECKS` reads one employee's result (and rows)
and lists conflicts; `check_month` puts them on the results after evaluation. The
checks are called alone here on results built by hand for a specialist of the shipped
policy (base 1000, floating 900, 21.75 paid days a month), with amounts worked by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import pytest

from appraisal.check import check_month
from appraisal.check.compliance import (
    ART_16,
    ART_44,
    MINIMUM_WAGE,
    below_minimum_wage,
    deductions_over_cap,
    overtime_below_statutory,
)
from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.money import CONTEXT, text
from appraisal.domain.results import (
    Conflict,
    EmployeeResult,
    PayFields,
    ScoreResult,
    TraceEntry,
)
from appraisal.engine.evaluate import evaluate
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
MONTH = Month(2026, 10)
POLICY = load_policy().in_force(MONTH)
MIN_WAGE_1800 = load_policy(ROOT / "tests/cases/policies/min_wage_1800.yaml").in_force(MONTH)


@pytest.fixture(autouse=True)
def money_context() -> Iterator[None]:
    """The checks run in the exact money context that `check_month` sets."""
    with localcontext(CONTEXT):
        yield


def result(
    pay: Mapping[str, int] | None = None,
    trace: tuple[TraceEntry, ...] = (),
    dismissal: bool = False,
) -> EmployeeResult:
    """A specialist's month, as the engine would leave it before the check stage."""
    return EmployeeResult(
        employee_id="KF001",
        name="王芳",
        department="",
        level="specialist",
        next_level="specialist",
        score=ScoreResult(Decimal(100), Decimal(100), Decimal(200)),
        pay=PayFields.from_exact({k: Decimal(v) for k, v in (pay or {}).items()}),
        dismissal=dismissal,
        dismissal_reasons=("clause_1",) if dismissal else (),
        demotion_reasons=(),
        promoted_to=None,
        titles=(),
        compliance=(),
        review=(),
        trace=trace,
    )


def overtime(day: int, row: int, *flags: str) -> Event:
    return Event(
        "KF001",
        date(2026, 10, day),
        Kind.OVERTIME,
        Source("events.csv", row),
        Decimal(1),
        flags=frozenset(flags),
    )


def paid(event: Event, day_kind: str, yuan: str) -> TraceEntry:
    """The trace entry the engine leaves for an overtime row: what it paid, and for what."""
    return TraceEntry(
        f"overtime.{day_kind}", "加班", "overtime", event.source, None, "overtime", Decimal(yuan)
    )


# --- overtime (劳动法 第44条) --------------------------------------------------------------


def test_rest_day_overtime_paid_below_twice_the_daily_wage_is_a_conflict() -> None:
    # Statutory minimum for a rest day: 2 × base / 21.75 = 2000 / 21.75 = 91.954022988505...
    # yuan a day. Paid 50: short by 41.954022988505..., shown 41.95.
    event = overtime(10, 5, "rest_day")
    (conflict,) = overtime_below_statutory(
        POLICY, result(trace=(paid(event, "rest_day", "50"),)), [event]
    )
    assert conflict == Conflict(
        "overtime_below_statutory",
        ART_44,
        Decimal("41.95402298850574712643678160919540"),
        "rest-day overtime on 2026-10-10 paid 50.00; the statutory minimum is 91.95",
        event.source,
    )


def test_holiday_work_repaid_with_time_off_owes_three_days_wage() -> None:
    # 补休 for a statutory holiday is not allowed by the shipped policy: the law asks for
    # 3 × 1000 / 21.75 = 137.93 a day, all of it owed since nothing was paid.
    event = overtime(1, 4, "holiday", "comp_time")
    (conflict,) = overtime_below_statutory(
        POLICY, result(trace=(paid(event, "holiday", "0"),)), [event]
    )
    assert conflict.rule == "holiday_overtime_comp_time"
    assert text(conflict.amount) == "137.93"
    assert conflict.message == (
        "statutory-holiday work on 2026-10-01 was repaid with time off (补休); "
        "the law requires at least 300% pay, 137.93 for 1 day(s)"
    )


def test_overtime_paid_at_the_minimum_or_excused_by_the_law_is_no_conflict() -> None:
    # Rest-day work may be repaid with time off; self-caused overtime is the scheme's own
    # exclusion; 2000 / 21.75 paid for a rest day is exactly the minimum.
    comp_time = overtime(10, 5, "rest_day", "comp_time")
    self_caused = overtime(11, 6, "self_caused")
    in_full = overtime(17, 7, "rest_day")
    with localcontext(CONTEXT) as context:
        minimum = str(context.divide(Decimal(2000), Decimal("21.75")))
    trace = (
        paid(comp_time, "rest_day", "0"),
        paid(self_caused, "workday", "0"),
        paid(in_full, "rest_day", minimum),
    )
    assert (
        overtime_below_statutory(POLICY, result(trace=trace), [comp_time, self_caused, in_full])
        == []
    )


def test_overtime_conflicts_come_in_the_order_the_rows_were_evaluated() -> None:
    # Workday overtime, which the policy does not pay, owes 1.5 × 1000 / 21.75 = 68.97.
    # Given late row first, the conflicts still follow the rows' dates.
    later, earlier = overtime(20, 3, "workday"), overtime(6, 9, "workday")
    trace = (paid(earlier, "workday", "0"), paid(later, "workday", "0"))
    conflicts = overtime_below_statutory(POLICY, result(trace=trace), [later, earlier])
    assert [c.source for c in conflicts] == [earlier.source, later.source]
    assert {text(c.amount) for c in conflicts} == {"68.97"}


# --- deductions (工资支付暂行规定 第16条) and the minimum wage --------------------------------


def test_fines_above_a_fifth_of_the_wage_are_a_conflict() -> None:
    # Cap: 20% of the month's wage (1000 + 900) = 380. Fines of 450 are 70.00 over.
    (conflict,) = deductions_over_cap(POLICY, result({"fines": 450}), [])
    assert conflict == Conflict(
        "deductions_over_cap",
        ART_16,
        Decimal(70),
        "fines 450.00 exceed 20% of the month's wage 1900.00 (cap 380.00)",
    )
    assert deductions_over_cap(POLICY, result({"fines": 380}), []) == []
    assert deductions_over_cap(POLICY, result({"fines": 450}, dismissal=True), []) == []


def test_pay_below_the_minimum_wage_less_overtime_and_allowances_is_a_conflict() -> None:
    # Gross 1000 + 900 - 200 + 100 + 50 = 1850; less overtime 100 and allowances 50:
    # 1700, which is 100.00 below the minimum wage of 1800.
    month = {"base": 1000, "floating": 900, "fines": 200, "overtime": 100, "allowances": 50}
    (conflict,) = below_minimum_wage(MIN_WAGE_1800, result(month), [])
    assert conflict == Conflict(
        "below_minimum_wage",
        MINIMUM_WAGE,
        Decimal(100),
        "pay 1700.00 (gross less overtime and allowances) is below the local minimum wage 1800.00",
    )
    assert below_minimum_wage(POLICY, result(month), []) == []  # no minimum in the policy
    assert below_minimum_wage(MIN_WAGE_1800, result({**month, "fines": 100}), []) == []


# --- the stage ------------------------------------------------------------------------------


def test_check_month_lists_overtime_then_deductions_then_the_minimum_wage() -> None:
    # Rest-day overtime paid 50 (short 41.95, as above); fines 450 (70.00 over the cap of
    # 380); gross 1000 + 900 - 450 + 50 + 50 = 1550, less overtime 50 and allowances 50:
    # 1450, 350.00 below 1800. The conflicts come in the order of CHECKS.
    event = overtime(10, 5, "rest_day")
    month = {"base": 1000, "floating": 900, "fines": 450, "overtime": 50, "allowances": 50}
    unchecked = result(month, trace=(paid(event, "rest_day", "50"),))
    (checked,) = check_month(MIN_WAGE_1800, [event], [unchecked])
    assert [(c.rule, text(c.amount)) for c in checked.compliance] == [
        ("overtime_below_statutory", "41.95"),
        ("deductions_over_cap", "70.00"),
        ("below_minimum_wage", "350.00"),
    ]


def test_evaluation_leaves_compliance_to_the_check_stage() -> None:
    # A specialist with a rest-day of overtime, which the policy pays at the statutory
    # 2 × 1000 / 21.75, and a workday one, which it does not pay (owed 68.97); and fines
    # of 100 + 200 + 200 = 500 (three repeat complaints, 处罚 6), 120 above the cap of 380.
    employee = Employee("KF001", "王芳", "specialist", Source("roster.csv", 2))
    events = [
        overtime(10, 2, "rest_day"),
        overtime(13, 3),
        *(
            Event(
                "KF001",
                date(2026, 10, 14 + i),
                Kind.PENALTY,
                Source("events.csv", 4 + i),
                clause="6",
                amount=Decimal(amount),
            )
            for i, amount in enumerate((100, 200, 200))
        ),
    ]
    state = CarriedState(offences={"KF001": {"penalty.6": 1}})
    evaluation = evaluate(POLICY, MONTH, [employee], events, state)
    assert [r.compliance for r in evaluation.results] == [()]
    (checked,) = check_month(POLICY, events, evaluation.results)
    assert [(c.rule, text(c.amount)) for c in checked.compliance] == [
        ("overtime_below_statutory", "68.97"),
        ("deductions_over_cap", "120.00"),
    ]
    assert checked.trace == evaluation.results[0].trace  # a check changes no figure


def test_check_month_works_in_the_money_context_whatever_the_callers() -> None:
    # Outside the money context (28 digits), the rest-day shortfall would end ...678161;
    # check_month computes it with the engine's 34 digits.
    event = overtime(10, 5, "rest_day")
    with localcontext() as default:
        default.prec = 28
        (checked,) = check_month(POLICY, [event], [result(trace=(paid(event, "rest_day", "50"),))])
    assert checked.compliance[0].amount == Decimal("41.95402298850574712643678160919540")
