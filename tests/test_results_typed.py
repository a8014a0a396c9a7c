"""The results, typed end to end: `MonthResults.from_json` reads back what the ledger
stores, exactly.

The ledger stores a month's results as JSON and the exports read them typed; so for
every document the engine writes, writing the typed records again gives the very same
document (``to_json(from_json(d)) == d``, and the same JSON text). Checked on a
document worked by hand (decimal points, a dismissed employee's null next level, trace
entries with and without an input row), on the example month, and for any month
Hypothesis can build. A document that is not one the engine could write is refused
with a message naming where.
"""

from __future__ import annotations

import copy
import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.domain.model import Source
from appraisal.domain.results import (
    PAY_FIELDS,
    Conflict,
    EmployeeResult,
    MonthResults,
    PayFields,
    PolicyInfo,
    ScoreResult,
    TraceEntry,
    results_json,
)
from appraisal.rows import evaluate_rows

ROOT = Path(__file__).resolve().parents[1]
ZERO_PAY = {name: "0.00" for name in PAY_FIELDS}


def text_of(document: dict[str, Any]) -> str:
    """The JSON text, so that 147 and 147.0 (equal in Python) count as different."""
    return json.dumps(document, ensure_ascii=False, sort_keys=False)


def hand_document() -> dict[str, Any]:
    """Two employees, as the engine writes them: every kind of field it can hold."""
    return {
        "month": "2026-10",
        "policy": {"id": "cs-appraisal", "version": "2010-07-28", "sha256": "ab" * 32},
        "employees": [
            {
                "employee_id": "KF101",
                "name": "王芳",
                "department": "一组",
                "level": "specialist",
                "next_level": "senior",
                # 40 criteria + 8.5 exam = 48.5 add; 100 - 3 = 97 left; 145.5 in all.
                "score": {"add": 48.5, "deduct_left": 97, "total": 145.5},
                "pay": {
                    **ZERO_PAY,
                    "base": "1600.00",
                    "floating": "1000.00",
                    "fines": "10.00",
                    "overtime": "147.13",
                    # 1600 + 1000 - 10 + 147.13 = 2737.13
                    "gross": "2737.13",
                },
                "dismissal": False,
                "dismissal_reasons": [],
                "demotion_reasons": [],
                "promoted_to": "senior",
                "titles": ["monthly"],
                "offences": {"late": 2, "penalty.3": 1},  # sorted, as the engine writes them
                "compliance": [
                    {
                        "rule": "overtime_below_statutory",
                        "law": "劳动法 第44条",
                        "amount": "0.01",
                        "message": "rest-day overtime paid 147.13; the statutory minimum is 147.14",
                        "event": "events.csv:7",
                    }
                ],
                "review": ["exam score typed by hand"],
                "trace": [
                    {
                        "rule": "score.exam",
                        "clause": "考试 B",
                        "event": "input.xlsx[考评]:4",
                        "effect": "exam 88: band B",
                        "file": "input.xlsx[考评]",
                        "row": 4,
                        "points": 8.5,
                    },
                    {
                        "rule": "late",
                        "clause": "迟到",
                        "event": "events.csv:3",
                        "effect": "late 12 min",
                        "file": "events.csv",
                        "row": 3,
                        "points": -3,
                        "pay_field": "fines",
                        "yuan": "10.00",
                    },
                    {
                        "rule": "overtime.rest_day",
                        "clause": "四",
                        "event": "events.csv:7",
                        "effect": "rest day, 1 day",
                        "file": "events.csv",
                        "row": 7,
                        "pay_field": "overtime",
                        "yuan": "147.13",
                    },
                    {"rule": "score.add_bounds", "clause": "二", "event": "", "effect": "kept"},
                ],
            },
            {
                "employee_id": "KF102",
                "name": "李雷",
                "department": "",
                "level": "intern",
                "next_level": None,
                "score": {"add": 0, "deduct_left": 0, "total": 0},
                # Dismissed: half a base of 1200 as the settlement, and nothing else.
                "pay": {**ZERO_PAY, "settlement": "600.00", "gross": "600.00"},
                "dismissal": True,
                "dismissal_reasons": ["clause_1"],
                "demotion_reasons": ["low_score"],
                "promoted_to": None,
                "titles": [],
                "offences": {},
                "compliance": [
                    {
                        "rule": "below_minimum_wage",
                        "law": "最低工资规定",
                        "amount": "-0.50",
                        "message": "a month-end check, from no input row",
                    }
                ],
                "review": [],
                "trace": [],
            },
        ],
    }


def test_a_document_worked_by_hand_reads_back_exactly() -> None:
    document = hand_document()
    results = MonthResults.from_json(copy.deepcopy(document))
    assert results.to_json() == document
    assert text_of(results.to_json()) == text_of(document)

    assert results.month == "2026-10"
    assert results.policy == PolicyInfo("cs-appraisal", "2010-07-28", "ab" * 32)
    first, second = results.employees
    assert first.score == ScoreResult(Decimal("48.5"), Decimal(97), Decimal("145.5"))
    assert first.pay["gross"] == first.pay.gross == Decimal("2737.13")
    assert first.pay["overtime"] == Decimal("147.13")
    assert first.offences == {"penalty.3": 1, "late": 2}
    exam, late, overtime, bounds = first.trace
    assert exam.source == Source("input.xlsx[考评]", 4)
    assert exam.points == Decimal("8.5")
    assert (exam.pay_field, exam.yuan) == (None, None)
    assert (late.points, late.pay_field, late.yuan) == (Decimal(-3), "fines", Decimal("10.00"))
    assert overtime.points is None
    assert bounds.source is None
    assert bounds.event == ""
    (conflict,) = first.compliance
    assert conflict.source == Source("events.csv", 7)
    assert conflict.amount == Decimal("0.01")
    assert second.next_level is None
    assert second.dismissal
    assert second.pay.gross == Decimal("600.00")
    assert second.compliance[0].source is None
    assert second.compliance[0].amount == Decimal("-0.50")


def test_the_example_month_reads_back_exactly() -> None:
    def rows(name: str) -> list[dict[str, str]]:
        with (ROOT / "examples" / name).open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))

    document = evaluate_rows("2026-10", rows("roster.csv"), rows("events.csv"))
    results = MonthResults.from_json(document)
    assert text_of(results.to_json()) == text_of(document)
    assert len(results.employees) == 20


def test_results_json_is_the_typed_months_json() -> None:
    results = MonthResults.from_json(hand_document())
    info = results.policy.to_json()
    assert results_json(results.month, info, results.employees) == hand_document()


# ---------------------------------------------------------------- for any month


texts = st.text(max_size=12)
# Points as the engine keeps them: whole, or with a decimal or two (8.5, -0.25).
points = st.decimals(min_value=-300, max_value=300, places=2, allow_nan=False)
money = st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False)
sources = st.none() | st.builds(Source, texts, st.integers(min_value=1, max_value=10**6))


@st.composite
def trace_entries(draw: st.DrawFn) -> TraceEntry:
    moved = draw(st.booleans())
    return TraceEntry(
        rule=draw(texts),
        clause=draw(texts),
        effect=draw(texts),
        source=draw(sources),
        points=draw(st.none() | points),
        pay_field=draw(st.sampled_from(PAY_FIELDS)) if moved else None,
        yuan=draw(money) if moved else None,
    )


@st.composite
def employees(draw: st.DrawFn) -> EmployeeResult:
    return EmployeeResult(
        employee_id=draw(texts),
        name=draw(texts),
        department=draw(texts),
        level=draw(texts),
        next_level=draw(st.none() | texts),
        score=ScoreResult(draw(points), draw(points), draw(points)),
        pay=PayFields({name: draw(money) for name in PAY_FIELDS}),
        dismissal=draw(st.booleans()),
        dismissal_reasons=tuple(draw(st.lists(texts, max_size=2))),
        demotion_reasons=tuple(draw(st.lists(texts, max_size=2))),
        promoted_to=draw(st.none() | texts),
        titles=tuple(draw(st.lists(texts, max_size=2))),
        compliance=tuple(
            draw(st.lists(st.builds(Conflict, texts, texts, money, texts, sources), max_size=2))
        ),
        review=tuple(draw(st.lists(texts, max_size=2))),
        trace=tuple(draw(st.lists(trace_entries(), max_size=4))),
        offences=draw(st.dictionaries(texts, st.integers(min_value=0, max_value=99), max_size=3)),
    )


months = st.builds(
    MonthResults,
    st.just("2026-10"),
    st.builds(PolicyInfo, texts, texts, texts),
    st.lists(employees(), max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(month=months)
def test_any_document_the_engine_writes_reads_back_exactly(month: MonthResults) -> None:
    document = month.to_json()
    again = MonthResults.from_json(json.loads(text_of(document)))
    assert again.to_json() == document
    assert text_of(again.to_json()) == text_of(document)
    assert again == month  # the records too: these points and amounts survive JSON


# ---------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["employees"][0]["pay"].update(base="1600.005"),
            "results.employees[0].pay.base: money '1600.005' is not yuan to the cent",
        ),
        (
            lambda d: d["employees"][0]["pay"].update(gross="2737.14"),
            "results.employees[0].pay.gross: 2737.14 is not the signed sum of the pay fields, 2737.13",
        ),
        (
            lambda d: d["employees"][0]["score"].update(total="145.5"),
            "results.employees[0].score.total: expected a number, got '145.5'",
        ),
        (
            lambda d: d["employees"][0]["compliance"][0].update(event="events.csv"),
            "results.employees[0].compliance[0].event: 'events.csv' is not file:row",
        ),
        (
            lambda d: d["employees"][1].pop("trace"),
            "results.employees[1].trace: expected a list, got None",
        ),
        (lambda d: d.pop("month"), "results.month: missing"),
    ],
)
def test_a_document_the_engine_could_not_have_written_is_refused(change: Any, message: str) -> None:
    document = hand_document()
    change(document)
    with pytest.raises(ValueError) as caught:
        MonthResults.from_json(document)
    assert str(caught.value) == message


# --- as sealed, without the round trip --------------------------------------------------


def _computed_month(employees: int, seed: int) -> MonthResults:
    """A generated month (bench/generate.py) through validate → evaluate → check, typed
    as the engine hands it to the seal, trail yuan still exact."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from appraisal.domain.model import CarriedState, Month
    from appraisal.pipeline import compute
    from appraisal.policy.loaded import load_policy
    from appraisal.read import EVENT_COLUMNS, ROSTER_COLUMNS, parse_events, parse_roster
    from appraisal.read.inputs import MonthInputs
    from appraisal.rows import table_of_rows

    roster_rows, event_rows = generate(employees, 10, "2026-10", seed)
    month = Month.parse("2026-10")
    roster, _ = parse_roster(table_of_rows("roster.csv", roster_rows, ROSTER_COLUMNS))
    events, _ = parse_events(table_of_rows("events.csv", event_rows, EVENT_COLUMNS), month)
    inputs = MonthInputs(month, tuple(roster), tuple(events))
    computed, issues = compute(load_policy(), inputs, CarriedState())
    assert computed is not None, issues[:3]
    return computed.results


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_as_sealed_is_what_the_ledger_gives_back(seed: int) -> None:
    """`run --out` writes the workbook from `as_sealed()` rather than parsing the JSON it
    has just made; both must be the same records and give the same workbook bytes."""
    from appraisal.domain.model import Month
    from appraisal.export.workbook import ladder_of
    from appraisal.policy.loaded import load_policy
    from payroll_export import Manifest, salary_workbook

    computed = _computed_month(120, seed)
    # The engine's trail keeps exact yuan, so the typed month is not yet the sealed one.
    assert any(
        entry.yuan is not None and entry.yuan != entry.yuan.quantize(Decimal("0.01"))
        for person in computed.employees
        for entry in person.trace
    )
    round_trip = MonthResults.from_json(computed.to_json())
    assert computed.as_sealed() == round_trip
    assert computed.as_sealed().to_json() == computed.to_json()
    in_force = load_policy().in_force(Month.parse("2026-10"))
    manifest = Manifest(
        month="2026-10",
        policy_id=in_force.id,
        policy_version=in_force.version,
        policy_sha256=in_force.sha256,
        input_files={"events.csv": "0" * 64},
        engine_version="test",
        record_hash="1" * 64,
        ledger_version=1,
        ledger_seq=1,
        demotion_line=140,
    )
    ladder = ladder_of(in_force)
    assert salary_workbook(computed.as_sealed(), manifest, ladder) == salary_workbook(
        round_trip, manifest, ladder
    )


def test_as_sealed_gives_scores_as_json_gives_them_back() -> None:
    """147.0 is written 147 and read back as Decimal('147'): a writer that shows a number's
    digits (the 工资条 sizes its columns by them) sees the same either way."""
    from decimal import Decimal

    from appraisal.domain.results import _as_json

    assert repr(_as_json(Decimal("147.0"))) == repr(Decimal("147"))
    assert repr(_as_json(Decimal("1.47E+2"))) == repr(Decimal("147"))
    assert repr(_as_json(Decimal("8.5"))) == repr(Decimal("8.5"))
