"""What evaluation prepares once and shares (issue 11 item 3), and that it changes no figure.

- A policy condition is worked out once per value of the names it reads (`Rates.holds`),
  and gives what the expression gives, whatever the exponent of an equal value.
- What a rule makes of the policy alone is made once per evaluation (`Rates.once`): the
  allowances' entries, a level's wage entries, a criterion's words.
- Trace entries are tuples that pickle as their fields and read as before.
- The objects of a block without the cycle collector are not walked on the way out of
  it, and a cycle made in the block is still collected.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, localcontext

import pytest

from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.money import CONTEXT
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import TraceEntry
from appraisal.engine import context as context_module
from appraisal.engine import pay, score
from appraisal.engine.context import MonthContext, Rates
from appraisal.engine.effects import AddSide
from appraisal.engine.evaluate import evaluate
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import PolicyInForce, load_policy

MONTH = Month(2026, 10)
POLICY: PolicyInForce = load_policy().in_force(MONTH)
LOW_SCORE = "demotion.triggers.low_score.when"  # "score < 140" in the shipped policy


@pytest.fixture(autouse=True)
def money_context() -> Iterator[None]:
    with localcontext(CONTEXT):
        yield


def names(total: str) -> dict[str, Decimal | bool]:
    return {"score": Decimal(total), "add": Decimal(0), "deduct_left": Decimal(0)}


def month_of(rates: Rates, employee_id: str = "KF001") -> tuple[MonthContext, RunningMonth]:
    employee = Employee(employee_id, "王芳", "specialist", Source("roster.csv", 2))
    level = POLICY.levels["specialist"]
    running = RunningMonth(employee, level)
    ctx = MonthContext(POLICY, MONTH, employee, level, CarriedState(), rates, {}, running)
    return ctx, running


def test_a_condition_holds_as_its_expression_says_for_every_score() -> None:
    rates = Rates(POLICY)
    # score < 140: 139 and 139.5 are below the line, 140 is not, however it is written.
    assert rates.holds(LOW_SCORE, names("139")) is True
    assert rates.holds(LOW_SCORE, names("139.5")) is True
    assert rates.holds(LOW_SCORE, names("140")) is False
    assert rates.holds(LOW_SCORE, names("140.0")) is False
    assert rates.holds(LOW_SCORE, names("141")) is False
    assert rates.holds(LOW_SCORE, names("139")) is True  # remembered, the same answer


def test_a_condition_is_worked_out_once_per_value(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = Rates(POLICY)
    expression = POLICY.expr(LOW_SCORE)
    worked: list[object] = []

    class Counting:
        names = expression.names

        def holds(self, given: dict[str, Decimal | bool]) -> bool:
            worked.append(given["score"])
            return expression.holds(given)

    monkeypatch.setattr(rates, "policy", _PolicyWith(LOW_SCORE, Counting()))
    for total in ("120", "150", "120", "150", "120"):
        rates.holds(LOW_SCORE, names(total))
    assert worked == [Decimal(120), Decimal(150)]


def test_the_memo_of_conditions_starts_again_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_module, "CONDITIONS_KEPT", 3)
    rates = Rates(POLICY)
    for total in ("100", "120", "150", "160"):
        rates.holds(LOW_SCORE, names(total))
    assert len(rates._conditions) == 1  # cleared at 3, then 160 remembered
    assert rates.holds(LOW_SCORE, names("100")) is True


class _PolicyWith:
    """The policy in force, but for one expression."""

    def __init__(self, key: str, expression: object) -> None:
        self.key, self.expression = key, expression

    def expr(self, key: str) -> object:
        return self.expression if key == self.key else POLICY.expr(key)


def test_allowance_and_wage_entries_are_made_once_for_everyone_at_a_level() -> None:
    rates = Rates(POLICY)
    first, _ = month_of(rates, "KF001")
    second, _ = month_of(rates, "KF002")
    assert pay.allowances(first) is pay.allowances(second)
    # 交通补贴 50 yuan, 通讯补贴 0: both shown, to the cent.
    assert [(e.rule, e.effect, e.yuan) for e in pay.allowances(first)] == [
        ("pay.allowances.transport", "交通补贴 50.00", Decimal(50)),
        ("pay.allowances.communication", "通讯补贴 0.00", Decimal(0)),
    ]
    first_wage, second_wage = pay.wage(first), pay.wage(second)
    assert first_wage == second_wage
    assert all(a is b for a, b in zip(first_wage, second_wage, strict=True))
    # A specialist: base 1000, floating 900 (no floating formula in the shipped policy).
    assert [(e.pay_field, e.yuan) for e in first_wage if isinstance(e, TraceEntry)] == [
        ("base", Decimal(1000)),
        ("floating", Decimal(900)),
    ]


def test_a_criterion_row_keeps_its_own_source_with_the_shared_words() -> None:
    rates = Rates(POLICY)
    ctx, _ = month_of(rates)

    def criterion(row: int, value: str) -> TraceEntry:
        event = Event(
            "KF001", date(2026, 10, 1), Kind.CRITERION, Source("e.csv", row), Decimal(value), "3"
        )
        (effect,) = score.on_criterion(ctx, event)
        assert isinstance(effect, AddSide)
        return effect.entry

    met, again, not_met = criterion(2, "1"), criterion(3, "1"), criterion(4, "0")
    assert (met.source, again.source) == (Source("e.csv", 2), Source("e.csv", 3))
    assert met.effect == again.effect == "能认真对待和完成上级交给的任务: met"
    assert (met.points, not_met.points) == (Decimal(10), Decimal(0))  # criterion 3: 10 points
    assert not_met.effect == "能认真对待和完成上级交给的任务: not met"


def test_no_leave_or_absence_is_never_capped_even_with_no_wage_left() -> None:
    rates = Rates(POLICY)
    ctx, running = month_of(rates)
    # Fines of 5000 leave no wage: 1000 + 900 − 5000 = −3100, a room of 0. With nothing
    # deducted for leave or absence, the deductions cap has nothing to take back.
    running.money["fines"] = Decimal(5000)
    assert pay._deductions_cap(ctx, Decimal(-3100)) == ()
    # 10 yuan of leave in that room of 0 is taken back whole.
    running.money["leave_deduction"] = Decimal(10)
    (_, back) = pay._deductions_cap(ctx, Decimal(-3100))
    assert isinstance(back, TraceEntry)
    assert (back.pay_field, back.yuan) == ("leave_deduction", Decimal(-10))


def test_a_trace_entry_is_a_tuple_that_pickles_as_its_fields() -> None:
    entry = TraceEntry(
        "rewards.1", "奖励 1", "reward", Source("e.csv", 9), Decimal(2), "rewards", Decimal(50)
    )
    assert isinstance(entry, tuple)
    assert pickle.loads(pickle.dumps(entry)) == entry
    assert entry.event == "e.csv:9"
    assert entry.to_json() == {
        "rule": "rewards.1",
        "clause": "奖励 1",
        "event": "e.csv:9",
        "effect": "reward",
        "file": "e.csv",
        "row": 9,
        "points": 2,
        "pay_field": "rewards",
        "yuan": "50.00",
    }


def test_the_objects_of_a_block_without_the_collector_are_not_walked_after_it() -> None:
    started: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    try:
        with without_cycle_collection():
            made = [[n] for n in range(5000)]  # 5000 tracked lists, far over 700 a pass
            gc.callbacks.append(note)  # the way out, and what follows it, watched
        more = [[n] for n in range(50)]  # the first allocations after the block
    finally:
        gc.callbacks.remove(note)
    assert started == []  # counted as old: no collection walks the 5000 on the way out
    assert gc.get_count()[0] < 700
    assert (len(made), len(more)) == (5000, 50)


def test_a_cycle_made_without_the_collector_is_still_collected() -> None:
    class Node:
        pass

    with without_cycle_collection():
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        identity = id(node)
        del node
    gc.collect()
    assert all(id(o) != identity for o in gc.get_objects() if isinstance(o, Node))


def test_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with without_cycle_collection():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_shared_entries_change_no_result() -> None:
    """Two employees at one level, one evaluation: each result has its own figures."""
    roster = [
        Employee("KF001", "王芳", "specialist", Source("roster.csv", 2)),
        Employee("KF002", "李雷", "specialist", Source("roster.csv", 3)),
    ]
    rows = [
        Event(e.employee_id, date(2026, 10, 1), Kind.CRITERION, Source("e.csv", n), v, c)
        for n, (e, c, v) in enumerate(
            [(roster[0], "3", Decimal(1)), (roster[1], "3", Decimal(0))], start=2
        )
    ]
    evaluation = evaluate(POLICY, MONTH, roster, rows, CarriedState())
    first, second = evaluation.results
    # The add side: criterion 3 met is 10 points, not met 0; the deduct pool 100 whole.
    assert (first.score.add, second.score.add) == (Decimal(10), Decimal(0))
    # Both: base 1000 + floating 900 + 50 transport allowance.
    assert first.pay["base"] == second.pay["base"] == Decimal("1000.00")
    assert first.pay["allowances"] == second.pay["allowances"] == Decimal("50.00")
