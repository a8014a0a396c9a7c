"""The validate stage on the rows a month repeats: checked once, reported for every row.

`validate` checks the parts of a row the policy judges (kind, clause, flags, and the
minutes, amount, points or note where its kind reads them) once for each distinct set of
them, and gives the problems to every row alike. These tests check that rows alike get
their own problems at their own rows, that numbers equal in value but written otherwise
are each shown as written, and that a roster's unknown level is reported on every row
that names it. Expectations are from the shipped policy: penalty clause 7 fines 50–200,
reward clause 6 gives 30–100 yuan and 5–10 points, the levels are intern, specialist, …
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
from appraisal.engine.validate import validate, validate_inputs
from appraisal.policy.loaded import load_policy
from appraisal.read.inputs import MonthInputs

OCTOBER = Month(2026, 10)
POLICY = load_policy().in_force(OCTOBER)
DAY = date(2026, 10, 5)


def event(row: int, kind: Kind, **fields: object) -> Event:
    employee_id = str(fields.pop("employee_id", f"K{row}"))
    return Event(employee_id, DAY, kind, Source("events.csv", row), **fields)  # type: ignore[arg-type]


def employee(row: int, level: str) -> Employee:
    return Employee(f"K{row}", f"员工{row}", level, Source("roster.csv", row))


def test_rows_alike_each_get_the_problem_at_their_own_row() -> None:
    fine = Decimal(300)
    rows = [
        event(2, Kind.PENALTY, clause="7", amount=fine),
        event(3, Kind.PENALTY, clause="7", amount=Decimal(100)),  # inside 50–200
        event(4, Kind.PENALTY, clause="7", amount=fine),
    ]
    outside = "amount 300 is outside 50–200 for penalty clause 7"
    assert validate(POLICY, [], rows) == [
        Issue("events.csv", 2, "amount", outside),
        Issue("events.csv", 4, "amount", outside),
    ]


def test_numbers_equal_in_value_are_each_shown_as_written() -> None:
    rows = [
        event(2, Kind.REWARD, clause="6", amount=Decimal(50), points=Decimal("20")),
        event(3, Kind.REWARD, clause="6", amount=Decimal(50), points=Decimal("20.0")),
        event(4, Kind.LATE, value=Decimal("10.5")),
        event(5, Kind.LATE, value=Decimal("10.50")),
    ]
    assert [(i.row, i.message) for i in validate(POLICY, [], rows)] == [
        (2, "points 20 is outside 5–10 for reward clause 6"),
        (3, "points 20.0 is outside 5–10 for reward clause 6"),
        (4, "minutes must be a whole number, not 10.5"),
        (5, "minutes must be a whole number, not 10.50"),
    ]


def test_flags_and_clauses_are_judged_with_the_kind_they_come_with() -> None:
    rows = [
        event(2, Kind.LATE, value=Decimal(10), flags=frozenset({"serious"})),
        event(3, Kind.ABSENT, value=Decimal(1), flags=frozenset({"serious"})),
        event(4, Kind.EXAM, value=Decimal(90), flags=frozenset({"serious"})),
        event(5, Kind.CRITERION, value=Decimal(1), clause="99"),
        event(6, Kind.CRITERION, value=Decimal(1), clause="99"),
    ]
    found = [(i.row, i.column, i.message.split(";")[0]) for i in validate(POLICY, [], rows)]
    assert found == [
        (4, "flags", "flag 'serious' does not apply to kind exam"),
        (5, "clause", "unknown criterion clause '99'"),
        (6, "clause", "unknown criterion clause '99'"),
    ]


def test_an_unknown_level_is_reported_on_every_row_that_names_it() -> None:
    roster = [employee(2, "wizard"), employee(3, "specialist"), employee(4, "wizard")]
    found = validate(POLICY, roster, [])
    assert [(i.file, i.row, i.column) for i in found] == [
        ("roster.csv", 2, "level"),
        ("roster.csv", 4, "level"),
    ]
    assert found[0].message == found[1].message
    assert found[0].message.startswith(
        "unknown level 'wizard'; levels: intern (实习客服), specialist (客服专员), "
    )


def test_a_refused_row_is_left_out_and_with_none_refused_every_known_row_kept() -> None:
    roster = (employee(2, "specialist"), employee(3, "wizard"))
    rows = (
        event(2, Kind.LATE, value=Decimal(10), employee_id="K2"),
        event(3, Kind.LATE, value=Decimal("10.5"), employee_id="K2"),  # refused
        event(4, Kind.LATE, value=Decimal(10), employee_id="K3"),  # its employee refused
        event(5, Kind.LATE, value=Decimal(10), employee_id="K9"),  # no such employee
    )
    inputs = MonthInputs(OCTOBER, roster, rows)
    kept, found = validate_inputs(POLICY, inputs, CarriedState())
    assert [(i.file, i.row) for i in found] == [("roster.csv", 3), ("events.csv", 3)]
    assert [e.employee_id for e in kept.roster] == ["K2"]
    assert [e.source.row for e in kept.events] == [2]
    clean = MonthInputs(OCTOBER, roster[:1], (rows[0], rows[3]))
    kept, found = validate_inputs(POLICY, clean, CarriedState())
    assert found == []
    assert kept.roster == roster[:1]
    assert [e.source.row for e in kept.events] == [2]
