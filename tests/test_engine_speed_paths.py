"""The shortcuts that make evaluation faster (issue 11), each shown to give what the long
way gives: asserted as behaviour, never timed.

- `slotted_maker` fills a frozen, slotted record as its own constructor does.
- A month-end step the policy leaves idle is left out (`month_end_in_force`), and only then.
- `Rates.holds_for_score` says what `Rates.holds` says, from its own memo.
- The deductions cap skips its rounding only where the rounding could not make a cap.
- A running month's empty tallies are shared, never changed: an effect replaces them.
- The awards' eligibility, remembered per set of the names it reads, keeps each apart.
- A compliance check the policy leaves idle is left out, and only then.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from engine_months import MONTH, POLICY, month_of

from appraisal.check.compliance import Checks
from appraisal.domain.makers import slotted_maker
from appraisal.domain.model import CarriedState, Employee, Event, Kind, Month, Source
from appraisal.domain.money import CONTEXT
from appraisal.domain.results import (
    PAY_FIELDS,
    EmployeeResult,
    PayFields,
    ScoreResult,
    TraceEntry,
)
from appraisal.engine import awards, evaluate, pay, score
from appraisal.engine.context import MonthContext, Rates
from appraisal.engine.effects import Metric, Offence, Review, Scored, Serious
from appraisal.engine.fold import RunningMonth
from appraisal.policy.loaded import load_policy

POLICY_2027 = Path(__file__).resolve().parents[1] / "policies" / "customer_service_2027.yaml"


@pytest.fixture(autouse=True)
def money_context() -> Iterator[None]:
    with localcontext(CONTEXT):
        yield


# --- slotted_maker --------------------------------------------------------------------


def test_a_maker_fills_a_record_as_its_constructor_does() -> None:
    score_of = slotted_maker(ScoreResult)
    made = score_of(Decimal(80), Decimal(97), Decimal(177))
    assert made == ScoreResult(Decimal(80), Decimal(97), Decimal(177))
    assert type(made) is ScoreResult
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.add = Decimal(0)  # type: ignore[misc]  # still frozen


def test_a_maker_gives_a_field_outside_init_its_default() -> None:
    pay_of = slotted_maker(PayFields)
    values = dict.fromkeys(PAY_FIELDS, Decimal("0.00")) | {"base": Decimal("1000.00")}
    made = pay_of(values)
    assert made._gross is None  # init=False, default None: worked out when first asked
    assert made == PayFields(values)
    trace = (TraceEntry("pay.base", "薪资待遇", "base", None, None, "base", Decimal(1000)),)
    fields = (
        "KF001",
        "王芳",
        "客服",
        "specialist",
        "specialist",
        ScoreResult(Decimal(80), Decimal(97), Decimal(177)),
        made,
        False,
        (),
        (),
        None,
        (),
        (),
        (),
        trace,
        {"penalty.6": 1},
        None,
        True,
    )
    person = slotted_maker(EmployeeResult)(*fields)
    assert person == EmployeeResult(*fields)  # type: ignore[arg-type]
    assert person.encoded is None  # init=False: its default
    assert person.to_json() == EmployeeResult(*fields).to_json()  # type: ignore[arg-type]


def test_a_maker_refuses_what_it_cannot_fill_as_the_constructor_would() -> None:
    @dataclass(frozen=True)
    class Unslotted:
        a: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError("negative")

    @dataclass(frozen=True, slots=True)
    class Listed:
        a: int
        b: list[int] = dataclasses.field(default_factory=list, init=False)

    for kind in (Unslotted, Checked, Listed):
        with pytest.raises(TypeError):
            slotted_maker(kind)


# --- month-end steps in force -----------------------------------------------------------


def test_criteria_met_by_metrics_is_left_out_only_where_no_criterion_has_a_when() -> None:
    shipped = evaluate.month_end_in_force(POLICY, evaluate.MONTH_END)
    assert score.criteria_met_by_metrics not in shipped  # the shipped policy: no `when`
    assert len(shipped) == len(evaluate.MONTH_END) - 1
    # The 2027 amendment meets criterion csat by CSAT >= 90: the step is kept, in its place.
    amended = load_policy(POLICY_2027).in_force(Month(2027, 1))
    assert evaluate.month_end_in_force(amended, evaluate.MONTH_END) == evaluate.MONTH_END


def test_a_step_the_engine_does_not_know_is_always_run() -> None:
    def mine(ctx: MonthContext) -> tuple[()]:
        return ()

    assert evaluate.month_end_in_force(POLICY, (mine, score.score)) == (mine, score.score)


def test_a_month_met_by_csat_is_scored_with_the_step_kept() -> None:
    amended = load_policy(POLICY_2027).in_force(Month(2027, 1))
    employee = Employee("KF001", "王芳", "specialist", Source("roster.csv", 2))

    def row(kind: Kind, row: int, value: str, clause: str) -> Event:
        return Event(
            "KF001", date(2027, 1, 31), kind, Source("events.csv", row), Decimal(value), clause
        )

    rows = [row(Kind.CRITERION, 2, "1", "1"), row(Kind.METRIC, 3, "92", "csat")]
    (person,) = evaluate.evaluate(amended, Month(2027, 1), [employee], rows, CarriedState()).results
    # Criterion 1 (+5) met by its row, criterion csat (+5) by CSAT 92 >= 90: add 10.
    assert person.score.add == Decimal(10)
    assert [e.rule for e in person.trace][:3] == [
        "score.criteria.1",
        "score.metrics.csat",
        "score.criteria.csat",
    ]


# --- conditions on the score ------------------------------------------------------------


class _Reads:
    """An expression reading all three score names: ``deduct_left > add``."""

    names = frozenset({"add", "deduct_left", "score"})

    def holds(self, given: dict[str, Decimal | bool]) -> bool:
        return given["deduct_left"] > given["add"]  # type: ignore[operator]


class _PolicyWith:
    def __init__(self, key: str) -> None:
        self.key = key

    def expr(self, key: str) -> object:
        return _Reads() if key == self.key else POLICY.expr(key)


def test_a_condition_on_the_score_holds_as_the_same_condition_on_its_names() -> None:
    rates = Rates(POLICY)
    key = "demotion.triggers.low_score.when"  # score < 140
    for total in ("139", "139.5", "140", "140.0", "141", "139"):
        scored = ScoreResult(Decimal(60), Decimal(total) - 60, Decimal(total))
        names = {"score": scored.total, "add": scored.add, "deduct_left": scored.deduct_left}
        assert rates.holds_for_score(key, scored) is rates.holds(key, names)
    assert rates.holds_for_score(key, ScoreResult(Decimal(39), Decimal(100), Decimal(139)))
    assert not rates.holds_for_score(key, ScoreResult(Decimal(40), Decimal(100), Decimal(140)))


def test_the_score_memo_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = Rates(POLICY)
    key = "some.condition"
    monkeypatch.setattr(rates, "policy", _PolicyWith(key))
    # `holds` keys its memo by the names in sorted order: (add, deduct_left, score) =
    # (2, 3, 1); deduct_left 3 > add 2: holds.
    assert rates.holds(key, {"add": Decimal(2), "deduct_left": Decimal(3), "score": Decimal(1)})
    # The same three values in the score memo's order (total, add, deduct_left) name
    # another score: add 3, deduct_left 1; 1 > 3 does not hold, whatever `holds` kept.
    assert not rates.holds_for_score(key, ScoreResult(Decimal(3), Decimal(1), Decimal(2)))


# --- the deductions cap ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leave", "wage_left", "taken_back"),
    [
        ("99.98", "100.00", None),  # 2 cents within: no rounding needed, nothing capped
        ("99.99", "100.004", None),  # 99.99 within a room of 100.00
        ("99.995", "100.00", None),  # rounds to 100.00: exactly the room, nothing capped
        ("100.005", "100.00", "-0.005"),  # rounds to 100.01: a cent over, taken back to 100.00
        ("100.00", "99.996", None),  # the room rounds up to 100.00: fits
        ("100.00", "99.994", "-0.01"),  # the room rounds down to 99.99: one cent back
        ("10", "-3100", "-10"),  # no wage left (fines beyond it): all of it back
    ],
)
def test_the_deductions_cap_rounds_where_a_cent_could_decide(
    leave: str, wage_left: str, taken_back: str | None
) -> None:
    ctx, running = month_of(Rates(POLICY))
    running.money["leave_deduction"] = Decimal(leave)
    effects = pay._deductions_cap(ctx, Decimal(wage_left))
    entries = [e for e in effects if isinstance(e, TraceEntry)]
    if taken_back is None:
        assert effects == ()
    else:
        assert [(e.pay_field, e.yuan) for e in entries] == [
            ("leave_deduction", Decimal(taken_back))
        ]


# --- the running month's tallies ----------------------------------------------------------


def test_a_tally_replaces_the_shared_empty_never_changes_it() -> None:
    rates = Rates(POLICY)
    _, first = month_of(rates, employee_id="KF001")
    _, second = month_of(rates, employee_id="KF002")
    event = Event("KF001", date(2026, 10, 9), Kind.PENALTY, Source("events.csv", 5), clause="6")
    before = first.offences
    first.apply(
        (
            Offence("penalty.6", "6", event),
            Serious("6"),
            Metric("csat", Decimal(91), event.source),
        )
    )
    kept = first.penalty_rows["6"]
    first.apply((Offence("penalty.6", "6", event),))
    assert first.offences == {"penalty.6": 2}
    assert first.penalty_rows == {"6": [event, event]}
    assert first.penalty_rows["6"] is kept  # a clause's later rows join its list, not copied
    assert (first.serious, first.metrics) == ({"6"}, {"csat": Decimal(91)})
    first.apply((Review("one"),))
    reviewed = first.review
    first.apply((Review("two"),))
    assert first.review == ["one", "two"] and first.review is reviewed  # one list, grown
    # What the other month and the earlier view read is still empty.
    assert before == {} and second.offences == {} and second.penalty_rows == {}
    assert second.serious == frozenset() and second.metrics == {} and second.review == ()


# --- the awards' eligibility ------------------------------------------------------------------


def test_eligibility_is_remembered_apart_for_each_set_of_names() -> None:
    rates = Rates(POLICY)
    scored = ScoreResult(Decimal(90), Decimal(100), Decimal(190))
    appraised, unappraised = (
        month_of(rates, employee_id="KF001"),
        month_of(rates, employee_id="KF002"),
    )
    for _, running in (appraised, unappraised):
        running.apply((Scored(scored),))
    criterion = Event(
        "KF001", date(2026, 10, 30), Kind.CRITERION, Source("e.csv", 2), Decimal(1), "1"
    )
    appraised[0].rows[Kind.CRITERION] = [criterion]  # type: ignore[index]
    # "appraised and not dismissed and not demoted": the same score, not the same names.
    first = awards.standing(POLICY, MONTH, appraised[0])
    second = awards.standing(POLICY, MONTH, unappraised[0])
    assert (first.monthly, first.total) == (True, Decimal(190))
    assert (second.monthly, second.total) == (False, Decimal(190))
    assert awards.standing(POLICY, MONTH, appraised[0]).monthly is True  # remembered


def test_eligibility_on_the_score_is_remembered_by_the_score(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "policies" / "customer_service.yaml"
    amended = tmp_path / "policy.yaml"
    amended.write_text(
        "id: cs-appraisal\nversion: test-1\ntitle: test\n"
        f"extends: {shipped}\n"
        "awards:\n  monthly:\n    clause: 月度优秀\n    amount: 100\n"
        '    eligible: "appraised and score >= 150"\n',
        encoding="utf-8",
    )
    policy = load_policy(amended).in_force(MONTH)
    rates = Rates(policy)
    criterion = Event(
        "KF001", date(2026, 10, 30), Kind.CRITERION, Source("e.csv", 2), Decimal(1), "1"
    )
    eligible = []
    for number, total in enumerate(("149", "151", "149.5", "150.0")):
        employee = Employee(f"KF00{number}", "王芳", "specialist", Source("roster.csv", 2))
        running = RunningMonth(employee, policy.levels["specialist"])
        running.apply((Scored(ScoreResult(Decimal(50), Decimal(total) - 50, Decimal(total))),))
        rows = {Kind.CRITERION: [criterion]}
        level = policy.levels["specialist"]
        ctx = MonthContext(policy, MONTH, employee, level, CarriedState(), rates, rows, running)
        eligible.append(awards.standing(policy, MONTH, ctx).monthly)
    # All appraised, none dismissed or demoted: the score alone decides, >= 150.
    assert eligible == [False, True, False, True]


# --- the check stage ----------------------------------------------------------------------


def test_a_check_the_policy_leaves_idle_is_left_out_once() -> None:
    checks = Checks(POLICY)
    # The shipped policy: no minimum wage (null), fines capped at 20% of the wage.
    assert [check.__name__ for check in checks.bound()] == [
        "overtime_below_statutory",
        "deductions_over_cap",
    ]
    checks._minimum = Decimal(1800)  # a minimum wage: its check is asked again, in its place
    checks._cap_ratio = None  # no cap: that check is left out instead
    assert [check.__name__ for check in checks.bound()] == [
        "overtime_below_statutory",
        "below_minimum_wage",
    ]
