"""Rules return effects: each handler read and tested alone, and the fold that applies them.

A handler gets a read-only view of one employee's month (`MonthContext`) and an input
row, and returns effects; it changes nothing. These tests call handlers and month-end
rules one at a time on the shipped policy (policies/customer_service.yaml, in force in
2026-10) and compare what they return with figures worked by hand, then fold the
effects into a `RunningMonth` and check the tallies, points and yuan it keeps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal, localcontext

import grimp
import pytest

from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import ScoreResult, TraceEntry
from appraisal.engine import attendance, pay, score
from appraisal.engine.context import MonthContext, Rates
from appraisal.engine.effects import (
    LATE,
    LEAVE,
    AddSide,
    Offence,
    Problem,
    Review,
    Scored,
    Serious,
    fired,
)
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import PolicyInForce, load_policy

MONTH = Month(2026, 10)
POLICY: PolicyInForce = load_policy().in_force(MONTH)
SOURCE = Source("events.csv", 7)
LATENESS_30 = "处罚 4: 迟到30分钟以内扣10元/次，并扣3分"


@pytest.fixture(autouse=True)
def money_context() -> Iterator[None]:
    """Rules run in the exact money context that `evaluate` sets, and so do these tests."""
    with localcontext(CONTEXT):
        yield


def month_of(
    level: str = "specialist", state: CarriedState | None = None, rows: Sequence[Event] = ()
) -> tuple[MonthContext, RunningMonth]:
    """A specialist's month (base 1000, floating 900), its context and its running month."""
    employee = Employee("KF001", "王芳", level, Source("roster.csv", 2))
    running = RunningMonth(employee, POLICY.levels[level])
    context = MonthContext(
        POLICY,
        MONTH,
        employee,
        POLICY.levels[level],
        state or CarriedState(),
        Rates(POLICY),
        {kind: [e for e in rows if e.kind is kind] for kind in {e.kind for e in rows}},
        running,
    )
    return context, running


def row(kind: Kind, value: str | None = None, **fields: object) -> Event:
    return Event(
        "KF001",
        date(2026, 10, 12),
        kind,
        SOURCE,
        Decimal(value) if value is not None else None,
        **fields,  # type: ignore[arg-type]
    )


def rate(numerator: int, days: str = "1") -> Decimal:
    """numerator / 21.75 × days, as the engine computes it: in the money context."""
    with localcontext(CONTEXT):
        return Decimal(numerator) / Decimal("21.75") * Decimal(days)


# --- attendance rows ------------------------------------------------------------------


def test_a_20_minute_lateness_costs_the_first_tiers_fine_and_points() -> None:
    # 20 min ≤ 30: tier within_30 of 处罚 4, 10 yuan and 3 points, whatever the level.
    context, _ = month_of()
    effects = attendance.on_late(context, row(Kind.LATE, "20"))
    assert effects == (
        LATE,
        TraceEntry(
            "attendance.lateness.within_30",
            LATENESS_30,
            "late 20 min: fine 10.00, -3 points",
            SOURCE,
            Decimal(-3),
            "fines",
            Decimal(10),
        ),
    )


def test_a_45_minute_lateness_falls_in_the_second_tier() -> None:
    # 30 < 45 ≤ 59: tier within_hour, 30 yuan and 5 points.
    context, _ = month_of()
    (count, rule) = attendance.on_late(context, row(Kind.LATE, "45"))
    assert count == LATE
    assert isinstance(rule, TraceEntry)
    assert rule.rule == "attendance.lateness.within_hour"
    assert (rule.points, rule.pay_field, rule.yuan) == (-5, "fines", 30)


def test_an_hour_late_and_serious_is_a_days_absence_and_a_serious_case_of_clause_4() -> None:
    # ≥ 60 min: tier hour_or_more counts one day of absence (旷工). A specialist's day is
    # (base + floating) / 21.75 = (1000 + 900) / 21.75 = 87.356321839080459770114942528735...
    # yuan, shown 87.36, and 10 points a day.
    context, _ = month_of()
    effects = attendance.on_late(context, row(Kind.LATE, "75", flags=frozenset({"serious"})))
    assert effects[:2] == (LATE, Serious("4"))
    (rule,) = effects[2:]
    assert isinstance(rule, TraceEntry)
    assert rule.effect == ("late 75 min: 1 day(s) of absence (旷工): deduct 87.36, -10 points")
    assert rule.pay_field == "absence_deduction"
    assert rule.yuan == Decimal("87.35632183908045977011494252873563")
    assert rule.points == -10


def test_half_a_day_of_personal_leave_deducts_half_a_days_base_wage() -> None:
    # 处罚 5: personal leave costs base / 21.75 a day: 1000 / 21.75 × 0.5
    # = 22.98850574712643678160919540229885, shown 22.99; no points, one more leave row.
    context, _ = month_of()
    effects = attendance.on_personal_leave(context, row(Kind.PERSONAL_LEAVE, "0.5"))
    assert effects[0] == LEAVE
    rule = effects[1]
    assert isinstance(rule, TraceEntry)
    assert rule.effect == "personal leave (事假) 0.5 day(s): deduct 22.99"
    assert rule.points is None
    assert rule.yuan == rate(1000, "0.5")


def test_holiday_overtime_is_paid_three_days_base_and_comp_time_nothing() -> None:
    # 加班: a holiday pays 3 × base / 21.75 = 3000 / 21.75 = 137.93 a day; 补休 pays nothing.
    context, _ = month_of()
    (paid,) = attendance.on_overtime(context, row(Kind.OVERTIME, "1", flags=frozenset({"holiday"})))
    assert isinstance(paid, TraceEntry)
    assert paid.rule == "overtime.holiday"
    assert paid.effect == "holiday overtime 1 day(s): 137.93"
    assert paid.yuan == rate(3000)
    (unpaid,) = attendance.on_overtime(
        context, row(Kind.OVERTIME, "1", flags=frozenset({"holiday", "comp_time"}))
    )
    assert isinstance(unpaid, TraceEntry)
    assert unpaid.effect == "holiday overtime 1 day(s): 0.00 (unpaid: comp_time)"
    assert unpaid.yuan == 0


def test_excused_early_leave_is_for_review_and_changes_no_figure() -> None:
    context, _ = month_of()
    effects = attendance.on_early_leave(
        context, row(Kind.EARLY_LEAVE, "30", flags=frozenset({"excused"}))
    )
    assert effects == (
        Review(f"excused early leave 30 min on 2026-10-12 ({SOURCE}): case by case"),
        fired(
            "attendance.early_leave",
            POLICY.doc.attendance.early_leave.clause,
            "excused early leave: for review",
            SOURCE,
        ),
    )


# --- score rows ---------------------------------------------------------------------------


def test_a_first_complaint_is_a_warning_that_keeps_the_points() -> None:
    # 处罚 6: first time a warning with 10 points off (first_time: fine false, points true),
    # so the 120 yuan given on the row are not charged.
    context, _ = month_of()
    event = row(Kind.PENALTY, clause="6", amount=Decimal(120))
    title = POLICY.doc.penalties.items["6"].title
    assert score.on_penalty(context, event) == (
        Offence("penalty.6", "6", event),
        fired(
            "penalty.6",
            "处罚 6",
            f"{title}: fine 0.00, -10 points; first offence: warning (首次警告); "
            "amount 120.00 not charged",
            SOURCE,
            Decimal(-10),
            "fines",
            Decimal(0),
        ),
    )


def test_a_repeat_complaint_without_an_amount_is_an_input_problem() -> None:
    # One complaint carried from earlier months: this one is a repeat, and 50–200 yuan
    # must be given on the row.
    state = CarriedState(offences={"KF001": {"penalty.6": 1}})
    context, _ = month_of(state=state)
    effects = score.on_penalty(context, row(Kind.PENALTY, clause="6"))
    assert (
        Problem(
            Issue(
                "events.csv",
                7,
                "amount",
                "penalty clause 6 is a repeat offence for KF001 (1 before): give an amount 50–200",
            )
        )
        in effects
    )
    rule = effects[-1]
    assert isinstance(rule, TraceEntry)
    assert rule.effect.endswith("fine 0.00, -10 points; warning")


def test_a_second_complaint_in_the_month_is_a_repeat_once_the_first_is_folded() -> None:
    # The handler reads the offences folded so far: the month's first complaint makes
    # the second a repeat, charged the 80 yuan given.
    context, running = month_of()
    first = row(Kind.PENALTY, clause="6", amount=Decimal(120))
    running.apply(score.on_penalty(context, first))
    second = score.on_penalty(context, row(Kind.PENALTY, clause="6", amount=Decimal(80)))
    rule = second[-1]
    assert isinstance(rule, TraceEntry)
    assert rule.yuan == 80
    assert "first offence" not in rule.effect
    assert running.offences == {"penalty.6": 1}  # the handler itself counted nothing


def test_an_exam_below_every_band_takes_band_e_on_the_add_side() -> None:
    # 基本考核标准 6: 55 is below band E (60); band E applies, -10 on the add side, reviewed.
    context, _ = month_of()
    effects = score.on_exam(context, row(Kind.EXAM, "55"))
    assert effects[0] == Review(f"exam score 55 is below every band ({SOURCE}); band E applied")
    rule = effects[1]
    assert isinstance(rule, AddSide)
    assert rule.entry.points == -10


# --- the fold -----------------------------------------------------------------------------


def test_the_fold_counts_points_by_side_and_yuan_by_pay_field() -> None:
    context, running = month_of()
    running.apply(attendance.on_late(context, row(Kind.LATE, "20")))
    running.apply(score.on_exam(context, row(Kind.EXAM, "55")))
    running.apply(score.on_criterion(context, row(Kind.CRITERION, "1", clause="3")))
    # Lateness: 3 points into the deduct pool, 10 yuan of fines. Exam band E: -10 on the
    # add side. Criterion 3 met: +10 on the add side.
    assert (running.late_count, running.deduct_points, running.add_points) == (1, 3, 0)
    assert running.money == {"fines": Decimal(10)}
    assert [e.rule for e in running.trace] == [
        "attendance.lateness.within_30",
        "score.exam",
        "score.criteria.3",
    ]
    assert len(running.review) == 1


def test_the_score_step_bounds_the_add_side_and_the_fold_keeps_the_score() -> None:
    # Add side -10 is kept at its floor 0; the deduct pool 100 - 3 = 97 is left: total 97.
    context, running = month_of()
    running.apply(attendance.on_late(context, row(Kind.LATE, "20")))
    running.apply(score.on_exam(context, row(Kind.EXAM, "55")))
    effects = score.score(context)
    assert effects[-1] == Scored(ScoreResult(Decimal(0), Decimal(97), Decimal(97)))
    assert [e.rule for e in effects if isinstance(e, TraceEntry)] == ["score.add_bounds"]
    running.apply(effects)
    assert running.score == ScoreResult(Decimal(0), Decimal(97), Decimal(97))


def test_three_leave_rows_cost_five_points_at_month_end() -> None:
    # 处罚 5: 3 or more leave rows in a month, -5 points; two rows, nothing.
    context, running = month_of()
    running.apply((LEAVE, LEAVE))
    assert attendance.frequent_leave(context) == ()
    running.apply((LEAVE,))
    (rule,) = attendance.frequent_leave(context)
    assert isinstance(rule, TraceEntry)
    assert rule.points == -5
    running.apply((rule,))
    assert running.deduct_points == 5


def test_fines_above_the_floating_wage_are_capped_exactly_at_it() -> None:
    # 1000 yuan of fines against a specialist's 900 floating wage: 100 reported, not
    # deducted; the cap's trace entry takes -100 off, leaving fines at exactly 900.
    context, running = month_of()
    running.apply((fired("penalty.x", "处罚", "fines", SOURCE, None, "fines", Decimal(1000)),))
    effects = pay.wage(context)
    assert Review("fines 1000.00 exceed the floating wage 900.00: 100.00 not deducted") in effects
    running.apply(effects)
    assert running.money == {"fines": Decimal(900), "base": Decimal(1000), "floating": Decimal(900)}
    assert running.trace[-1].yuan == Decimal(-100)


def test_a_handler_cannot_change_the_month_it_reads() -> None:
    context, running = month_of()
    with pytest.raises(FrozenInstanceError):
        context.level = POLICY.levels["intern"]  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        LATE.tally = "leave"  # type: ignore[misc]
    attendance.on_late(context, row(Kind.LATE, "20"))
    assert (running.late_count, running.trace, running.money) == (0, [], {})


def test_no_rule_module_imports_the_evaluator_or_the_fold() -> None:
    graph = grimp.build_graph("appraisal", include_external_packages=False, cache_dir=None)
    engine = "appraisal.engine"
    for rules in ("attendance", "score", "levels", "pay", "awards"):
        imported = graph.find_modules_directly_imported_by(f"{engine}.{rules}")
        assert imported.isdisjoint({f"{engine}.evaluate", f"{engine}.fold"}), rules
