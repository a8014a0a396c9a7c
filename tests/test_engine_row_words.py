"""What evaluation works out once and shares, and that it changes no word or figure
(issue 11 item 3, "Evaluation alone").

- Each employee's rows are taken in content order (`Event.sort_key`), read first by
  day, kind and clause, and by the whole content key where rows share those.
- What a rule makes of a row but for its source is made once per set of the row's
  values as written and the level (`Rates.row_words`): rows read back from a record (no
  value object shared) share it too; two equal numbers written differently keep their
  own words; a level keeps its own yuan.
- The month-end rules share what depends on the policy and the level alone (a
  demotion's entries), or on the month's sides or total as written (its score, a low
  score's trigger), and skip what cannot fire (a dismissal without a penalty row
  or enough latenesses).
- The fold finds each tally's fold by its type, for every type of `Tally`.
- The check stage reads each employee's rows by kind, works a level's statutory
  minimum out once, and finds a row's overtime entry by an equal source.

Shipped policy: specialist base 1000 + floating 900, intern 700 + 0, 21.75 paid days.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, localcontext

import pytest
from engine_months import POLICY, month_of

from appraisal.check import check_month, check_results
from appraisal.check.compliance import Checks, by_kind
from appraisal.domain.model import Event, Kind, Source
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import EmployeeResult, PayFields, ScoreResult, TraceEntry
from appraisal.engine import attendance, fold, levels, score
from appraisal.engine import context as context_module
from appraisal.engine.context import Rates
from appraisal.engine.effects import (
    LATE,
    AddSide,
    DemotionTriggered,
    Dismissed,
    Scored,
    Tally,
)
from appraisal.engine.evaluate import in_content_order


@pytest.fixture(autouse=True)
def money_context() -> Iterator[None]:
    with localcontext(CONTEXT):
        yield


def event(
    kind: Kind,
    day: int,
    row: int,
    value: Decimal | None = None,
    clause: str | None = None,
    flags: frozenset[str] = frozenset(),
) -> Event:
    return Event(
        "KF001", date(2026, 10, day), kind, Source("events.csv", row), value, clause, flags=flags
    )


# --- content order --------------------------------------------------------------------


def test_rows_are_taken_by_day_then_kind_then_clause_whatever_their_file_order() -> None:
    late = event(Kind.LATE, 12, 2, Decimal(20))
    second = event(Kind.CRITERION, 3, 3, Decimal(1), "2")
    first = event(Kind.CRITERION, 3, 4, Decimal(1), "1")
    exam = event(Kind.EXAM, 3, 5, Decimal(91))
    # 3 Oct before 12 Oct; on 3 Oct "criterion" before "exam", clause "1" before "2".
    assert in_content_order([late, second, first, exam]) == [first, second, exam, late]


def test_rows_alike_in_day_kind_and_clause_are_ordered_by_the_rest_of_their_content() -> None:
    thirty = event(Kind.LATE, 5, 2, Decimal(30))
    twelve = event(Kind.LATE, 5, 3, Decimal(12))
    twelve_again = event(Kind.LATE, 5, 1, Decimal(12))
    # 12 minutes before 30; the two of 12 minutes by their row, 1 before 3.
    assert in_content_order([thirty, twelve, twelve_again]) == [twelve_again, twelve, thirty]


def test_a_row_without_a_clause_comes_before_one_with_a_clause_on_its_day() -> None:
    annual = event(Kind.PAID_LEAVE, 7, 2, Decimal(1), "年假")
    unnamed = event(Kind.PAID_LEAVE, 7, 3, Decimal(1), None)
    # No clause reads as "" (Event.sort_key), which comes before "年假".
    assert in_content_order([annual, unnamed]) == [unnamed, annual]


def test_no_row_or_one_row_is_its_own_order() -> None:
    only = [event(Kind.EXAM, 1, 2, Decimal(80))]
    assert in_content_order([]) == []
    assert in_content_order(only) == only


# --- a row's words, once per set of values -----------------------------------------------


def test_equal_marks_written_differently_keep_their_own_words() -> None:
    rates = Rates(POLICY)
    ctx, _ = month_of(rates)
    (ninety,) = score.on_exam(ctx, event(Kind.EXAM, 3, 2, Decimal("90")))
    (ninety_point_zero,) = score.on_exam(ctx, event(Kind.EXAM, 3, 3, Decimal("90.0")))
    assert isinstance(ninety, AddSide) and isinstance(ninety_point_zero, AddSide)
    # 90 ≥ 90: band B, +5, as the row wrote the mark.
    assert ninety.entry.effect == "exam 90: band B, +5 points"
    assert ninety_point_zero.entry.effect == "exam 90.0: band B, +5 points"
    assert ninety.entry.points == ninety_point_zero.entry.points == 5


def test_rows_of_one_mark_share_its_words_and_keep_their_own_source() -> None:
    rates = Rates(POLICY)
    first_ctx, _ = month_of(rates, employee_id="KF001")
    second_ctx, _ = month_of(rates, employee_id="KF002")
    # Two objects of one mark, as rows read back from a sealed record are.
    first = score.on_exam(first_ctx, event(Kind.EXAM, 3, 2, Decimal("58")))
    second = score.on_exam(second_ctx, event(Kind.EXAM, 3, 9, Decimal("58")))
    assert len(rates.row_words["score.exam"]) == 1
    # Below every band: band E (-10) applied, and a review item naming the row.
    first_entry, second_entry = first[-1], second[-1]
    assert isinstance(first_entry, AddSide) and isinstance(second_entry, AddSide)
    assert first_entry.entry.effect == "exam 58: band E, -10 points"
    assert first_entry.entry.effect is second_entry.entry.effect
    assert first_entry.entry.source == Source("events.csv", 2)
    assert second_entry.entry.source == Source("events.csv", 9)
    assert [type(e).__name__ for e in second] == ["Review", "AddSide"]
    assert "events.csv:9" in second[0].text  # type: ignore[union-attr]


def test_an_hour_late_is_a_days_absence_at_each_employees_own_level() -> None:
    rates = Rates(POLICY)
    minutes = Decimal(60)  # ≥ 59: tier hour_or_more, one day of absence
    specialist, _ = month_of(rates, "specialist")
    intern, _ = month_of(rates, "intern", "KF002")
    _, at_specialist = attendance.on_late(specialist, event(Kind.LATE, 6, 2, minutes))
    _, at_intern = attendance.on_late(intern, event(Kind.LATE, 6, 3, minutes))
    assert isinstance(at_specialist, TraceEntry) and isinstance(at_intern, TraceEntry)
    # (1000 + 900) / 21.75 = 87.356…; 700 / 21.75 = 32.183…; 10 points a day.
    assert at_specialist.yuan == Decimal(1900) / Decimal("21.75")
    assert at_intern.yuan == Decimal(700) / Decimal("21.75")
    assert at_specialist.effect == (
        "late 60 min: 1 day(s) of absence (旷工): deduct 87.36, -10 points"
    )
    assert at_intern.effect == "late 60 min: 1 day(s) of absence (旷工): deduct 32.18, -10 points"
    assert at_specialist.points == at_intern.points == -10


def test_overtime_rows_with_other_flags_keep_their_own_pay() -> None:
    rates = Rates(POLICY)
    ctx, _ = month_of(rates)
    one = Decimal(1)
    (rest_day,) = attendance.on_overtime(
        ctx, event(Kind.OVERTIME, 4, 2, one, flags=frozenset({"rest_day"}))
    )
    (holiday,) = attendance.on_overtime(
        ctx, event(Kind.OVERTIME, 5, 3, one, flags=frozenset({"holiday"}))
    )
    (repaid,) = attendance.on_overtime(
        ctx, event(Kind.OVERTIME, 11, 4, one, flags=frozenset({"rest_day", "comp_time"}))
    )
    assert isinstance(rest_day, TraceEntry) and isinstance(holiday, TraceEntry)
    assert isinstance(repaid, TraceEntry)
    # Rest day 2 × 1000 / 21.75 = 91.95…, holiday 3 × 1000 / 21.75 = 137.93…,
    # comp time: the scheme pays nothing.
    assert (rest_day.rule, rest_day.yuan) == (
        "overtime.rest_day",
        2 * Decimal(1000) / Decimal("21.75"),
    )
    assert (holiday.rule, holiday.yuan) == (
        "overtime.holiday",
        3 * Decimal(1000) / Decimal("21.75"),
    )
    assert (repaid.rule, repaid.yuan) == ("overtime.rest_day", Decimal(0))


# --- month end --------------------------------------------------------------------------


def test_a_demotion_from_a_level_is_made_once_and_shared() -> None:
    rates = Rates(POLICY)
    first, first_month = month_of(rates, employee_id="KF001")
    second, second_month = month_of(rates, employee_id="KF002")
    for running in (first_month, second_month):
        running.apply((DemotionTriggered("low_score"),))
    demoted = levels.demotion(first)
    assert levels.demotion(second) is demoted
    # One step down from specialist: intern, from the month after October.
    assert demoted[-1] == TraceEntry(
        "demotion", "一、降级: 直接降一级", "specialist → intern from 2026-11"
    )


def test_a_score_is_worked_once_per_pair_of_sides_as_written() -> None:
    rates = Rates(POLICY)
    months = [month_of(rates, employee_id=f"KF00{n}") for n in range(4)]
    for (_, running), (add, deduct) in zip(
        months, [("90", "10"), ("90.0", "10"), ("120", "0"), ("90", "10")], strict=True
    ):
        running.add_points, running.deduct_points = Decimal(add), Decimal(deduct)
    ninety, ninety_point_zero, over, again = (score.score(ctx) for ctx, _ in months)
    # 90 + (100 - 10) = 180, as each month wrote its add side: 180 and 180.0.
    assert [str(e.score.total) for e in (*ninety, *ninety_point_zero)] == ["180", "180.0"]
    assert again is ninety  # the same sides: the same score, shared
    # 120 on the add side is bounded to add_max 100: 100 + (100 - 0) = 200, and the rule
    # that bounded it names the 120.
    bounded, scored = over
    assert isinstance(bounded, TraceEntry) and bounded.rule == "score.add_bounds"
    assert "120" in bounded.effect
    assert scored == Scored(ScoreResult(Decimal(100), Decimal(100), Decimal(200)))


def test_a_low_score_trigger_names_the_total_as_written_and_is_made_once() -> None:
    rates = Rates(POLICY)
    months = [month_of(rates, employee_id=f"KF00{n}") for n in range(3)]
    for (_, running), total in zip(months, ("139", "139.0", "139"), strict=True):
        running.apply((Scored(ScoreResult(Decimal(39), Decimal(100), Decimal(total))),))
    first, point_zero, again = (levels.demotion_triggers(ctx) for ctx, _ in months)
    # score < 140: the low score trigger, and its entry with the total as the month wrote it.
    assert first[0] == point_zero[0] == DemotionTriggered("low_score")
    assert isinstance(first[1], TraceEntry) and isinstance(point_zero[1], TraceEntry)
    assert first[1].effect == "demotion trigger: score < 140 with score 139"
    assert point_zero[1].effect == "demotion trigger: score < 140 with score 139.0"
    assert (first[1].rule, first[1].source) == ("demotion.low_score", None)
    assert again[1] is first[1]  # the same total: the one entry, shared


def test_no_dismissal_below_five_latenesses_and_one_at_five() -> None:
    rates = Rates(POLICY)
    ctx, running = month_of(rates)
    running.apply((LATE,) * 4)
    assert levels.dismissal(ctx) == ()
    running.apply((LATE,))
    effects = levels.dismissal(ctx)
    assert Dismissed("late_five_times") in effects
    assert [e.rule for e in effects if isinstance(e, TraceEntry)] == ["dismissal.late_five_times"]


def test_every_kind_of_tally_has_its_fold() -> None:
    assert set(typing.get_args(Tally)) == set(fold._TALLIES)


def test_a_result_rounds_only_the_touched_fields_and_shows_the_rest_as_0_00() -> None:
    _, running = month_of(Rates(POLICY))
    running.apply(
        (
            TraceEntry("r", "c", "fine", None, None, "fines", Decimal("10.005")),
            TraceEntry("r", "c", "overtime", None, None, "overtime", Decimal("0.004")),
        )
    )
    running.apply((score.Scored(ScoreResult(Decimal(0), Decimal(100), Decimal(100))),))
    pay = running.result().pay
    # Half up: 10.005 → 10.01, 0.004 → 0.00; gross = -10.01.
    assert [str(pay[name]) for name in ("base", "fines", "overtime", "awards")] == [
        "0.00",
        "10.01",
        "0.00",
        "0.00",
    ]
    assert pay.gross == Decimal("-10.01")


# --- the check stage ---------------------------------------------------------------------


def specialist_result(trace: tuple[TraceEntry, ...]) -> EmployeeResult:
    pay = {name: Decimal("0.00") for name in ("base", "floating", "fines")}
    return EmployeeResult(
        "KF001",
        "王芳",
        "",
        "specialist",
        "specialist",
        ScoreResult(Decimal(0), Decimal(100), Decimal(100)),
        PayFields.from_exact(pay),
        False,
        (),
        (),
        None,
        (),
        (),
        (),
        trace,
    )


def test_an_overtime_row_is_found_by_an_equal_source_and_a_levels_minimum_worked_once() -> None:
    overtime = event(Kind.OVERTIME, 4, 7, Decimal(1), flags=frozenset({"rest_day"}))
    # The trace names the row by an equal Source, not the same object (read back from JSON).
    paid = TraceEntry(
        "overtime.rest_day", "c", "w", Source("events.csv", 7), None, "overtime", Decimal(50)
    )
    result = specialist_result((paid,))
    checks = Checks(POLICY)
    first = checks.overtime_below_statutory(result, by_kind([overtime]))
    again = checks.overtime_below_statutory(result, by_kind([overtime]))
    # 2 × 1000 / 21.75 = 91.954…; 50 paid: 41.954… short.
    assert [c.amount for c in first] == [2 * Decimal(1000) / Decimal("21.75") - 50]
    assert first == again
    assert len(checks._owed) == 1  # the rest day's minimum for specialists, once


def test_check_results_on_rows_by_kind_lists_what_check_month_lists() -> None:
    overtime = event(Kind.OVERTIME, 4, 7, Decimal(1), flags=frozenset({"rest_day"}))
    criterion = event(Kind.CRITERION, 4, 8, Decimal(1), "1")
    paid = TraceEntry("overtime.rest_day", "c", "w", overtime.source, None, "overtime", Decimal(50))
    result = specialist_result((paid,))
    (by_month,) = check_month(POLICY, [criterion, overtime], [result])
    (by_rows,) = check_results(POLICY, {"KF001": by_kind([criterion, overtime])}, [result])
    assert [c.rule for c in by_rows.compliance] == ["overtime_below_statutory"]
    assert by_rows == by_month
    # An employee with no rows at all is checked too: no overtime, fines within the cap.
    (nobody,) = check_results(POLICY, {}, [specialist_result(())])
    assert nobody.compliance == ()


def test_rows_that_share_no_value_keep_the_memo_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every mark a row of its own: one entry each, until the memo starts again.
    monkeypatch.setattr(context_module, "ROWS_KEPT", 3)
    rates = Rates(POLICY)
    ctx, _ = month_of(rates)
    words = [
        score.on_exam(ctx, event(Kind.EXAM, 3, row, Decimal(mark)))[-1]
        for row, mark in enumerate(("96", "91", "85", "75"), start=2)
    ]
    assert len(rates.row_words["score.exam"]) == 1  # cleared at 3, then 75 kept
    # 96 ≥ 95: A +10; 91: B +5; 85: C +2; 75: D, +0 (the sign is the template's).
    assert [w.entry.effect for w in words if isinstance(w, AddSide)] == [
        "exam 96: band A, +10 points",
        "exam 91: band B, +5 points",
        "exam 85: band C, +2 points",
        "exam 75: band D, +0 points",
    ]
