"""What keeps evaluation fast, asserted as behaviour, not timed (issue 11 item 3).

- The cycle collector is off while the rules run, and on again after.
- The engine's per-employee records are slotted: no instance ``__dict__``.
- The awards' standings are all a shard sends to be ranked: four fields.
"""

from __future__ import annotations

import dataclasses
import gc
from decimal import Decimal

import pytest

from appraisal.domain.model import Month
from appraisal.engine import awards, effects, evaluate
from appraisal.engine.context import MonthContext
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import load_policy
from appraisal.rows import evaluate_rows

ROSTER = [{"employee_id": "KF001", "name": "张三", "department": "客服", "level": "specialist"}]


def test_the_cycle_collector_is_off_while_rules_run(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = evaluate.MONTH_END[0]

    def spying(ctx: MonthContext) -> effects.Effects:
        seen.append(gc.isenabled())
        return real(ctx)

    monkeypatch.setattr(evaluate, "MONTH_END", (spying, *evaluate.MONTH_END[1:]))
    assert gc.isenabled()
    evaluate_rows("2026-10", ROSTER, [])
    assert seen == [False]  # one employee, one call, the collector off
    assert gc.isenabled()


@pytest.mark.parametrize(
    "kind",
    [
        RunningMonth,
        MonthContext,
        evaluate.Shard,
        awards.Standing,
        awards.Ranking,
        effects.AddSide,
        effects.Count,
        effects.Offence,
        effects.Metric,
        effects.Scored,
        effects.Title,
    ],
)
def test_the_hot_records_are_slotted(kind: type) -> None:
    assert "__slots__" in vars(kind)
    assert "__dict__" not in vars(kind)


def test_a_standing_is_a_score_and_three_small_facts() -> None:
    names = [f.name for f in dataclasses.fields(awards.Standing)]
    assert names == ["monthly", "total", "yearly", "titles"]
    ranking = awards.Ranking(Decimal(90), None)
    first = awards.Standing(True, Decimal("90"), False, 0)
    # scheme: ties all win the monthly title; below the top wins nothing
    in_force = load_policy().in_force(Month.parse("2026-10"))
    won = awards.award(in_force, Month.parse("2026-10"), ranking, first)
    assert [type(e).__name__ for e in won] == ["Title", "TraceEntry"]
    lower = awards.Standing(True, Decimal("89.5"), False, 0)
    assert awards.award(in_force, Month.parse("2026-10"), ranking, lower) == ()
