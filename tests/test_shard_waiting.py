"""Evaluation makes each result as soon as the employee's month is done, unless an award
may yet change it (`appraisal.engine.evaluate.Shard`): only a month eligible for a title
waits for the ranking; the others are made at once, and `finish` gives the same results
as evaluating the month whole.

The month, on the shipped policy (October: the monthly title only; scheme.md §3, §4):
- KF001: criteria 1–5 met (5 + 5 + 10 + 10 + 10 = 40) and an exam of 96 (band A, +10):
  add 50, the deduct pool whole (100), total 150; eligible, and the top: the title;
- KF002: the same rows and a major fault (降级情况二, no points of its own): total 150
  too, but demoted, so not eligible;
- KF003: no criterion and no exam row: add 0, total 100; not appraised, so not eligible;
- KF004: criteria 1–5 met and an exam of 85 (band C, +2): add 42, total 142, not below
  140; eligible, but below the top.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import EmployeeResult
from appraisal.engine import awards
from appraisal.engine.evaluate import Shard, evaluate
from appraisal.policy.loaded import load_policy

MONTH = Month(2026, 10)
POLICY = load_policy().in_force(MONTH)
DAY = date(2026, 10, 15)


def appraised(employee_id: str, exam: int, first_row: int) -> list[Event]:
    rows = [
        Event(
            employee_id,
            DAY,
            Kind.CRITERION,
            Source("events.csv", first_row + n),
            Decimal(1),
            str(n + 1),
        )
        for n in range(5)
    ]
    rows.append(
        Event(employee_id, DAY, Kind.EXAM, Source("events.csv", first_row + 5), Decimal(exam))
    )
    return rows


ROSTER = [
    Employee(f"KF00{n}", f"员工{n}", "specialist", Source("roster.csv", n + 1))
    for n in (1, 2, 3, 4)
]
EVENTS = [
    *appraised("KF001", 96, 2),
    *appraised("KF002", 96, 8),
    Event("KF002", DAY, Kind.MAJOR_FAULT, Source("events.csv", 14)),
    *appraised("KF004", 85, 15),
]


def test_only_the_months_eligible_for_a_title_wait_for_the_ranking() -> None:
    with localcontext(CONTEXT):
        shard = Shard(POLICY, MONTH, ROSTER, EVENTS, CarriedState())
        assert [place for place, _, _ in shard.waiting] == [0, 3]  # KF001 and KF004
        made_at_once = [shard.results[1], shard.results[2]]
        assert [type(r) for r in made_at_once] == [EmployeeResult, EmployeeResult]
        assert shard.results[0] is None and shard.results[3] is None
        assert [s.total for s in shard.standings] == [
            Decimal(150),
            Decimal(150),
            Decimal(100),
            Decimal(142),
        ]
        evaluation = shard.finish(awards.rank(POLICY, MONTH, shard.standings))
    by_id = {r.employee_id: r for r in evaluation.results}
    assert list(by_id) == ["KF001", "KF002", "KF003", "KF004"]
    assert by_id["KF001"].titles == ("monthly",)
    assert by_id["KF001"].pay["awards"] == Decimal("100.00")
    assert by_id["KF004"].titles == () and by_id["KF004"].pay["awards"] == Decimal("0.00")
    assert by_id["KF002"].demotion_reasons == ("major_fault",)
    assert not by_id["KF003"].appraised
    # The results made at once are the very ones the evaluation returns.
    assert evaluation.results[1] is made_at_once[0] and evaluation.results[2] is made_at_once[1]
    # And the same as evaluating the month whole.
    assert evaluation == evaluate(POLICY, MONTH, ROSTER, EVENTS, CarriedState())
