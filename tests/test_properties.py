"""Properties that must hold for every month of valid input (Hypothesis).

Score bounds, pay fields explained to the cent by the trace, independence from event
order, determinism (in this process and in another one with another hash seed), monotone
lateness, identical replay of a sealed month, and amendments that keep what they supersede.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, Rounded, localcontext
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal import CarriedState, Ledger, Month, evaluate, load_policy, read
from appraisal.audit import replay_month
from appraisal.domain.results import PAY_FIELDS
from appraisal.pipeline import MonthInputs, run_month
from appraisal.rows import evaluate_rows, table_of_rows

ROOT = Path(__file__).resolve().parents[1]
POLICY = load_policy()
MONTH = Month.parse("2026-10")
IN_FORCE = POLICY.in_force(MONTH)
LEVELS = list(IN_FORCE.levels)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

days = st.integers(min_value=1, max_value=31).map(lambda d: f"2026-10-{d:02d}")
half_days = st.sampled_from(["0.5", "1"])  # a row is one date, and a date holds one day


def _row(kind: str, **cells: str) -> dict[str, str]:
    return {"kind": kind, **cells}


attendance = st.one_of(
    st.builds(
        lambda m, s: _row("late", value=str(m), flags=s),
        st.integers(1, 150),
        st.sampled_from(["", "serious"]),
    ),
    st.builds(
        lambda m, f: _row("early_leave", value=str(m), flags=f),
        st.integers(1, 150),
        st.sampled_from(["", "excused"]),
    ),
    st.builds(lambda d: _row("absent", value=d), half_days),
    st.builds(lambda d: _row("personal_leave", value=d), half_days),
    st.builds(lambda d: _row("sick_leave", value=d), half_days),
    st.builds(
        lambda d, f: _row("overtime", value=d, flags=f),
        st.sampled_from(["0.5", "1", "2"]),
        st.sampled_from(
            ["", "holiday", "rest_day", "holiday;comp_time", "rest_day;comp_time", "self_caused"]
        ),
    ),
)
REWARD_RANGES = {
    "1": (30, 200),
    "2": (50, 200),
    "3": (0, 5000),
    "4": (0, 5000),
    "5": (50, 200),
    "6": (30, 100),
}
rewards = st.sampled_from(sorted(REWARD_RANGES)).flatmap(
    lambda c: st.builds(
        lambda a, p: _row("reward", clause=c, amount=str(a), points=str(p) if c == "6" else ""),
        st.integers(*REWARD_RANGES[c]),
        st.integers(5, 10),
    )
)
PENALTIES = {
    "3": ((0, 500), (5, 20)),
    "6": ((50, 200), None),
    "7": ((50, 200), None),
    "8": ((100, 200), None),
    "9": ((30, 100), (5, 10)),
    "10": ((30, 100), (5, 10)),
    "11": (None, None),
    "12": (None, None),
    "13": (None, None),
}
penalties = st.sampled_from(sorted(PENALTIES)).flatmap(
    lambda c: st.builds(
        lambda a, p, s: _row(
            "penalty",
            clause=c,
            amount=str(a) if PENALTIES[c][0] else "",
            points=str(p) if PENALTIES[c][1] else "",
            flags=s if c in ("6", "7", "8", "9") else "",
        ),
        st.integers(*(PENALTIES[c][0] or (0, 0))),
        st.integers(*(PENALTIES[c][1] or (0, 0))),
        st.sampled_from(["", "", "", "serious"]),
    )
)
other = st.sampled_from([_row("major_fault"), _row("unfit"), _row("penalty", clause="1")])
event_cells = st.one_of(attendance, attendance, rewards, penalties, other)


@st.composite
def months(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A valid month for 1–4 employees: criteria, an exam, and a mix of events."""
    count = draw(st.integers(1, 4))
    roster = [
        {"employee_id": f"E{i}", "name": f"员工{i}", "level": draw(st.sampled_from(LEVELS))}
        for i in range(1, count + 1)
    ]
    events: list[dict[str, str]] = []
    for person in roster:
        emp = person["employee_id"]
        for clause in draw(st.sets(st.sampled_from(["1", "2", "3", "4", "5"]))):
            met = draw(st.sampled_from(["0", "1", "1"]))
            events.append(
                {
                    "employee_id": emp,
                    "date": "2026-10-31",
                    "kind": "criterion",
                    "clause": clause,
                    "value": met,
                }
            )
        if draw(st.booleans()):
            exam = draw(st.integers(0, 100))
            events.append(
                {"employee_id": emp, "date": "2026-10-31", "kind": "exam", "value": str(exam)}
            )
        # Each row on its own date: a date holds at most one day of absence and leave.
        rows = draw(st.lists(event_cells, max_size=8))
        dates = draw(st.lists(days, min_size=len(rows), max_size=len(rows), unique=True))
        for cells, day in zip(rows, dates, strict=True):
            events.append({"employee_id": emp, "date": day, **cells})
    return roster, events


def _parsed(roster_rows: list[dict[str, str]], event_rows: list[dict[str, str]]) -> MonthInputs:
    people, issues = read.parse_roster(table_of_rows("roster", roster_rows, read.ROSTER_COLUMNS))
    happenings, found = read.parse_events(
        table_of_rows("events", event_rows, read.EVENT_COLUMNS), MONTH
    )
    assert not issues and not found, issues + found
    return MonthInputs(MONTH, tuple(people), tuple(happenings))


@SETTINGS
@given(months())
def test_score_stays_within_its_bounds(
    month: tuple[list[dict[str, str]], list[dict[str, str]]],
) -> None:
    results = evaluate_rows("2026-10", *month, policy=POLICY)
    for person in results["employees"]:
        score = person["score"]
        assert 0 <= score["add"] <= 100
        assert 0 <= score["deduct_left"] <= 100
        assert score["total"] == score["add"] + score["deduct_left"]


# Sums of the trace's yuan are taken without any rounding: an addition that would have
# to round raises, so what is compared below is the exact sum.
EXACT = Context(prec=200, traps=[Inexact, Rounded])
CENT = Decimal("0.01")


@SETTINGS
@given(months())
def test_every_yuan_is_explained_by_the_trace(
    month: tuple[list[dict[str, str]], list[dict[str, str]]],
) -> None:
    """Each pay field is the exact sum of the yuan of the trace entries that name it,
    rounded half up to the cent once (money.py): not one cent more or less."""
    inputs = _parsed(*month)
    evaluation = evaluate(IN_FORCE, MONTH, inputs.roster, inputs.events, CarriedState())
    for person in evaluation.results:
        moved = [t for t in person.trace if t.yuan is not None]
        assert {t.pay_field for t in moved} <= set(PAY_FIELDS), moved
        for field in PAY_FIELDS:
            with localcontext(EXACT):
                exact = sum((t.yuan for t in moved if t.pay_field == field), Decimal(0))
            rounded_once = exact.quantize(CENT, rounding=ROUND_HALF_UP, context=Context(prec=200))
            assert person.pay[field] == rounded_once, (person.employee_id, field, exact)
        for entry in person.trace:
            if entry.source is not None:
                file, row = str(entry.source).rsplit(":", 1)
                assert file == "events" and int(row) >= 2


@SETTINGS
@given(months(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_event_order(
    month: tuple[list[dict[str, str]], list[dict[str, str]]], rnd: random.Random
) -> None:
    inputs = _parsed(*month)
    shuffled = list(inputs.events)
    rnd.shuffle(shuffled)
    roster = list(inputs.roster)
    rnd.shuffle(roster)
    first = evaluate(IN_FORCE, MONTH, inputs.roster, inputs.events, CarriedState())
    second = evaluate(IN_FORCE, MONTH, tuple(roster), tuple(shuffled), CarriedState())
    assert first == second


# Another interpreter that evaluates the months it is sent, one JSON line each way. Its
# first line is the hash of a string, to show that its hash seed differs from ours.
OTHER_PROCESS = """
import json, sys
from appraisal import evaluate_rows, load_policy
policy = load_policy()
print(hash("appraisal"), flush=True)
for line in sys.stdin:
    roster, events = json.loads(line)
    print(json.dumps(evaluate_rows("2026-10", roster, events, policy=policy)), flush=True)
"""


@pytest.fixture(scope="module")
def in_another_process() -> Iterator[Callable[[object], str]]:
    """Results as the JSON text that one other process, with another hash seed, computes."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    with subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": seed},
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        # Sets of strings iterate in another order there, so unordered iteration shows.
        assert int(child.stdout.readline()) != hash("appraisal")

        def results_of(month: object) -> str:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(json.dumps(month) + "\n")
            child.stdin.flush()
            line = child.stdout.readline()
            assert line, "the other process ended (its traceback is in the captured stderr)"
            return line.rstrip("\n")

        yield results_of
        child.stdin.close()


@SETTINGS
@given(months())
def test_same_inputs_give_the_same_results(
    in_another_process: Callable[[object], str],
    month: tuple[list[dict[str, str]], list[dict[str, str]]],
) -> None:
    once = evaluate_rows("2026-10", *month, policy=POLICY)
    again = evaluate_rows("2026-10", *month, policy=load_policy())
    assert once == again
    # The same text, keys in the same order, from a process with another hash seed.
    assert in_another_process(month) == json.dumps(once)


@SETTINGS
@given(st.integers(1, 200), st.integers(0, 200), st.sampled_from(LEVELS))
def test_more_minutes_late_never_costs_less(shorter: int, extra: int, level: str) -> None:
    def cost(minutes: int) -> tuple[Decimal, Decimal]:
        results = evaluate_rows(
            "2026-10",
            [{"employee_id": "E1", "name": "甲", "level": level}],
            [{"employee_id": "E1", "date": "2026-10-09", "kind": "late", "value": str(minutes)}],
            policy=POLICY,
        )
        person = results["employees"][0]
        money = Decimal(person["pay"]["fines"]) + Decimal(person["pay"]["absence_deduction"])
        return money, Decimal(100) - Decimal(person["score"]["deduct_left"])

    fine_short, points_short = cost(shorter)
    fine_long, points_long = cost(shorter + extra)
    assert fine_long >= fine_short
    assert points_long >= points_short


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(months())
def test_replaying_a_sealed_month_is_identical(
    tmp_path: Path, month: tuple[list[dict[str, str]], list[dict[str, str]]]
) -> None:
    ledger = tmp_path / f"replay-{abs(hash(str(month)))}.db"
    ledger.unlink(missing_ok=True)
    # A generated month need not appraise everyone: seal it as it is (criteria missing
    # counted as not met); what is tested is the replay.
    outcome = run_month(POLICY, _parsed(*month), ledger, allow_unappraised=True)
    replay = replay_month(MONTH, ledger)
    assert replay.differences == []
    assert replay.record is not None and replay.record.record_hash == outcome.record.record_hash


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(months(), months())
def test_an_amendment_keeps_the_superseded_version(
    tmp_path: Path,
    first: tuple[list[dict[str, str]], list[dict[str, str]]],
    second: tuple[list[dict[str, str]], list[dict[str, str]]],
) -> None:
    ledger = tmp_path / f"amend-{abs(hash(str((first, second))))}.db"
    ledger.unlink(missing_ok=True)
    sealed = run_month(POLICY, _parsed(*first), ledger, allow_unappraised=True).record
    amended = run_month(
        POLICY, _parsed(*second), ledger, amend="corrected attendance", allow_unappraised=True
    ).record
    with Ledger(ledger) as book:
        versions = book.versions("2026-10")
        assert book.verify_chain() == []
    if amended.seq == sealed.seq:  # the same month again: nothing new is stored
        assert len(versions) == 1
        return
    assert [v.version for v in versions] == [1, 2]
    assert versions[0] == sealed
    assert versions[1].amend_reason == "corrected attendance"
    assert versions[1].supersedes == sealed.seq
