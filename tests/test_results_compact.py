"""Results that travel cheaply between processes (issue 11, items 3 and 4).

The records a month holds by the hundred thousand are slotted and pickle as a call of
their class (`appraisal.domain.trace`, `appraisal.domain.results`); a worker process
sends its results in batches, each already holding the JSON the seal needs
(`EmployeeResult.encode`), and takes a smaller shard than this process, which reads
them back (`appraisal.check.shards`). Whatever travels, the results and their JSON are
the ones this process would have made itself.
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from appraisal.check import shards
from appraisal.domain.model import CarriedState, Month, Source
from appraisal.domain.results import (
    PAY_FIELDS,
    Conflict,
    EmployeeResult,
    MonthResults,
    PayFields,
    PolicyInfo,
    ScoreResult,
    TraceEntry,
)
from appraisal.engine.validate import validate_inputs
from appraisal.pipeline import read_inputs
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate  # noqa: E402

LATE = Source("events.csv", 9, "../october/events.csv")


def zhang() -> EmployeeResult:
    """One employee's month, worked by hand: late 12 minutes once (fine 10.00, -1 point)."""
    pay = {name: Decimal(0) for name in PAY_FIELDS}
    pay |= {"base": Decimal("5000.00"), "fines": Decimal("10.00")}
    return EmployeeResult(
        employee_id="E001",
        name="张三",
        department="销售部",
        level="L2",
        next_level="L2",
        score=ScoreResult(Decimal(0), Decimal(99), Decimal(99)),
        pay=PayFields(pay),
        dismissal=False,
        dismissal_reasons=(),
        demotion_reasons=(),
        promoted_to=None,
        titles=(),
        compliance=(Conflict("fines.cap", "工资支付暂行规定", Decimal("10.004"), "over", LATE),),
        review=(),
        trace=(
            TraceEntry(
                "attendance.late",
                "§4.1",
                "late 12 min: fine 10.00, -1 points",
                LATE,
                Decimal(-1),
                "fines",
                Decimal("10.004"),
            ),
        ),
        offences={"attendance.late": 1},
    )


def test_the_records_of_a_month_are_slotted() -> None:
    person = zhang()
    for record in (person, person.score, person.pay, person.trace[0], person.compliance[0], LATE):
        assert not hasattr(record, "__dict__"), type(record).__name__


def test_a_result_pickles_to_an_equal_one_with_the_same_json() -> None:
    person = zhang()
    again = pickle.loads(pickle.dumps(person, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == person
    assert again.trace[0].yuan == Decimal("10.004")  # exact, as the engine keeps it
    assert again.trace[0].source is not None
    assert again.trace[0].source.path == "../october/events.csv"  # not compared, still sent
    assert again.to_json() == person.to_json()
    assert again.to_json()["pay"]["gross"] == "4990.00"  # 5000.00 − 10.00


def test_an_encoded_result_carries_its_json_and_gives_a_copy() -> None:
    person = zhang().encode()
    assert person.encoded is not None
    again = pickle.loads(pickle.dumps(person, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.encoded == person.encoded
    document = again.to_json()
    assert document["trace"][0]["yuan"] == "10.00"  # 10.004 to the cent
    assert document["trace"][0]["event"] == "events.csv:9"
    document["name"] = "李四"  # a caller's change stays in its copy
    assert again.to_json()["name"] == "张三"


def test_a_changed_result_is_encoded_again() -> None:
    person = zhang().encode()
    renamed = replace(person, name="李四")
    assert renamed.encoded is None
    assert renamed.to_json()["name"] == "李四"
    sealed = MonthResults("2026-10", PolicyInfo("p", "1", "0" * 64), (person,)).as_sealed()
    assert sealed.employees[0].trace[0].yuan == Decimal("10.00")
    assert sealed.employees[0].to_json() == zhang().to_json()


@pytest.mark.parametrize(
    ("people", "jobs", "sizes"),
    [
        (10_000, 2, [6154, 3846]),  # 10000 × 1.6 / 2.6 = 6153.8
        (10_000, 3, [4444, 2778, 2778]),  # 10000 × 1.6 / 3.6 = 4444.4; 5556 over 2
        (7, 3, [3, 2, 2]),  # 7 × 1.6 / 3.6 = 3.1
        (3, 3, [1, 1, 1]),  # every worker keeps at least one
        (5, 1, [5]),
    ],
)
def test_this_process_takes_the_larger_shard(people: int, jobs: int, sizes: list[int]) -> None:
    assert shards.HOME_SHARE == 1.6
    assert shards._sizes(people, jobs) == sizes


def test_results_sent_in_batches_are_the_ones_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster_rows, event_rows = generate(9, 12, "2026-12", 7)
    _write(tmp_path / "roster.csv", ROSTER_COLUMNS, roster_rows)
    _write(tmp_path / "events.csv", EVENT_COLUMNS, event_rows)
    month = Month.parse("2026-12")
    in_force = load_policy().in_force(month)
    inputs, problems = read_inputs(month, tmp_path / "roster.csv", [tmp_path / "events.csv"])
    assert inputs is not None, problems
    valid, _ = validate_inputs(in_force, inputs, CarriedState())
    one = shards.evaluate_month(in_force, valid, CarriedState(), check=True, jobs=1)
    monkeypatch.setattr(shards, "BATCH", 2)  # 9 × 1.6 / 3.6 = 4: shards of 4, 3 and 2
    three = shards.evaluate_month(in_force, valid, CarriedState(), check=True, jobs=3)
    assert [p.employee_id for p in three.results] == sorted(e.employee_id for e in inputs.roster)
    assert three.results == one.results
    assert three.issues == one.issues
    assert [p.to_json() for p in three.results] == [p.to_json() for p in one.results]
    assert [p.encoded is not None for p in three.results] == [False] * 4 + [True] * 5
