"""Impossible quantities are input errors; exports in hours become whole minutes (issue 9,
items 6 and 12).

The figures are worked by hand from scheme.md §5 and the shipped policy (specialist base
1000, floating 900; intern 700 + 0; basis 21.75; a working day of 8 hours); the hand-worked
cases of the same rules are in tests/cases/quantities.yaml. Here: the command line's exit
status and messages, the numbers a field cannot hold (Hypothesis), the cap's trace and
review item, a policy that lacks the cap, and the DingTalk export in hours.
"""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import appraisal
from appraisal.cli import main
from appraisal.domain.errors import InputError
from appraisal.domain.model import Employee, Month, Source
from appraisal.read.cells import fits
from appraisal.read.imports import import_export
from appraisal.read.imports.values import in_events_unit

POLICIES = Path(__file__).resolve().parent.parent / "policies"
EVENT_HEADER = "employee_id,date,kind,value,clause,amount,points,flags,note"


def _run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *events: str, extra: tuple[str, ...] = ()
) -> tuple[int, str]:
    (tmp_path / "roster.csv").write_text("employee_id,name,level\nE1,甲,specialist\n")
    (tmp_path / "events.csv").write_text("\n".join([EVENT_HEADER, *events]) + "\n")
    ledger = tmp_path / "l.db"
    status = main(
        ["run", "--month", "2026-10", "--roster", str(tmp_path / "roster.csv"),
         "--events", str(tmp_path / "events.csv"), "--ledger", str(ledger),
         "--json", str(tmp_path / "r.json"), *extra]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status != 0:
        assert not ledger.exists() and not (tmp_path / "r.json").exists()
    return status, err


# --- item 6: the command line refuses, names the row and column, seals nothing ----------


def test_a_lateness_of_an_hour_and_a_days_leave_on_one_date_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = _run(
        tmp_path, capsys, "E1,2026-10-09,late,90,,,,,", "E1,2026-10-09,personal_leave,1,,,,,"
    )
    assert status == 1
    assert (
        "events.csv:3:value: E1 on 2026-10-09: absence, leave and lateness counted as absence "
        "add up to 2 days (row 2: late 90 min = 1 day, row 3: personal_leave 1 day); "
        "a date holds at most one day (处罚 4, 5)"
    ) in err


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("E1,2026-10-09,late,481,,,,,", "value", "minutes late must be at most 480, one working day of 8 hours"),
        ("E1,2026-10-09,early_leave,481,,,,excused,", "value", "minutes left early must be at most 480"),
        ("E1,2026-10-09,late,1e400,,,,,", "value", "a value holds at most 10 digits before the point and 4 after"),
        ("E1,2026-10-09,overtime,1e30,,,,rest_day,", "value", "a value holds at most 10 digits"),
        ("E1,2026-10-09,overtime,3.0001,,,,rest_day,", "value", "E1 on 2026-10-09: overtime of 3.0001 days is 24.0008 hours (row 2: overtime 3.0001 days); a day has 24 hours, at most 3 days of 8 hours (attendance.hours_per_day)"),
        ("E1,2026-10-09,reward,,3,1E+999,,,", "amount", "an amount (yuan) holds at most 10 digits before the point and 2 after (up to 9999999999.99), got '1E+999'"),
        ("E1,2026-10-09,reward,,3,12345678901,,,", "amount", "an amount (yuan) holds at most 10 digits"),
        (f"E1,2026-10-09,penalty,,{'9' * 5000},50,,,", "clause", "a clause number has at most 3 digits, got '999999999999999999999999'… (5000 characters)"),
        ("E1,2026-10-09,absent,40,,,,,", "value", "days absent must be 0.5 or 1: a row is one date, and a date holds at most one day, got '40'"),
        ("E1,2026-10-09,late,NaN,,,,,", "value", "not a number: 'NaN'"),
        ("E1,2026-10-09,late,Infinity,,,,,", "value", "not a number: 'Infinity'"),
        ("E1,2026-10-09,penalty,,3,,1e5,,", "points", "points hold at most 3 digits before the point and 2 after (up to 999.99), got '1e5'"),
    ],
)  # fmt: skip
def test_a_number_the_field_cannot_hold_is_refused_with_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, column: str, message: str
) -> None:
    status, err = _run(tmp_path, capsys, row)
    assert status == 1
    assert f"events.csv:2:{column}: {message}" in err


def test_a_lateness_of_a_whole_working_day_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # E1 has no criterion or exam row: sealed with the missing criteria counted as not met
    # (the test is about the lateness, not the appraisal).
    status, err = _run(
        tmp_path, capsys, "E1,2026-10-09,late,480,,,,,", extra=("--allow-unappraised",)
    )
    assert status == 0, err


# Any number text a cell may hold: refused with a message or read, never an exception.
number_texts = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(-(10**40), 10**40).map(str),
    st.sampled_from(["1e400", "1E+999", "-1e-999", "9" * 5000, "0." + "0" * 4000 + "1"]),
)


@settings(max_examples=100, deadline=None)
@given(number_texts, st.sampled_from(["late", "absent", "overtime", "exam", "termination"]))
def test_any_number_in_any_field_is_read_or_refused_never_raised(text: str, kind: str) -> None:
    rows = [
        {"employee_id": "E1", "date": "2026-10-09", "kind": kind, "value": text},
        {"employee_id": "E1", "date": "2026-10-10", "kind": "reward", "clause": text[:6000],
         "amount": text, "points": text},
    ]  # fmt: skip
    try:
        appraisal.evaluate_rows(
            "2026-10", [{"employee_id": "E1", "name": "甲", "level": "specialist"}], rows
        )
    except InputError as error:
        assert error.issues  # every problem is a message naming a row and column
        assert all(issue.row in (2, 3) and issue.column for issue in error.issues)


@pytest.mark.parametrize(
    ("number", "before", "after", "expected"),
    [
        ("9999999999.99", 10, 2, True),
        ("10000000000", 10, 2, False),
        ("1.005", 10, 2, False),
        ("1.0500000", 10, 2, True),  # trailing zeros aside
        ("1E+999", 10, 2, False),
        ("1E-999", 10, 2, False),
        ("-0", 10, 2, True),
        ("100E-2", 10, 2, True),
    ],
)
def test_fits_counts_digits_before_and_after_the_point(
    number: str, before: int, after: int, expected: bool
) -> None:
    assert fits(Decimal(number), before, after) is expected


# --- item 6: the §5 cap on leave and absence deductions ---------------------------------


def _employee(result: Any, employee_id: str = "E1") -> Any:
    return next(e for e in result["employees"] if e["employee_id"] == employee_id)


def test_the_cap_is_traced_and_its_excess_reported() -> None:
    # 22 × 1900 / 21.75 = 1921.839… → 1921.84 > 1000 + 900 − 0 (fines): 21.84 not deducted.
    rows = [
        {"employee_id": "E1", "date": f"2026-10-{day:02d}", "kind": "absent", "value": "1"}
        for day in range(1, 23)
    ]
    roster = [{"employee_id": "E1", "name": "甲", "level": "specialist"}]
    result = _employee(appraisal.evaluate_rows("2026-10", roster, rows))
    assert result["pay"]["absence_deduction"] == "1900.00"
    # gross 1000 + 900 − 1900 + 50 = 50.00: no monthly award, though the only employee, for
    # E1 has no criterion or exam row (not appraised, scheme.md §4)
    assert result["pay"]["gross"] == "50.00"
    assert (
        "leave and absence deductions 1921.84 exceed the wage left after fines 1900.00: "
        "21.84 not deducted"
    ) in result["review"]
    capped = [t for t in result["trace"] if t["rule"] == "pay.deductions_cap"]
    assert len(capped) == 1 and capped[0]["pay_field"] == "absence_deduction"
    assert capped[0]["clause"].startswith("处罚 4, 5")
    assert capped[0]["yuan"] == "-21.84"
    assert capped[0]["effect"] == (
        "absence_deduction 1921.84 capped at 1900.00: the wage left after fines is 1900.00; "
        "21.84 reported, not carried over"
    )


def test_a_stored_policy_without_the_cap_deducts_as_before(tmp_path: Path) -> None:
    # The shipped text as it was before issue 9: no deductions_cap, so no cap.
    text = (POLICIES / "customer_service.yaml").read_text(encoding="utf-8")
    before, found = re.subn(
        r"\n  # Open \(scheme\.md §5\).*?\n    from: 2010-07-28\n", "\n", text, flags=re.S
    )
    assert found == 1 and "deductions_cap" not in before
    old = tmp_path / "customer_service.yaml"
    old.write_text(before, encoding="utf-8")
    rows = [
        {"employee_id": "E1", "date": f"2026-10-{day:02d}", "kind": "absent", "value": "1"}
        for day in range(1, 23)
    ]
    roster = [{"employee_id": "E1", "name": "甲", "level": "specialist"}]
    result = _employee(appraisal.evaluate_rows("2026-10", roster, rows, policy=str(old)))
    # 1921.84 deducted in full: gross 1000 + 900 − 1921.84 + 50 = 28.16 (no award: E1 has
    # no criterion or exam row, so is not appraised, scheme.md §4).
    assert result["pay"]["absence_deduction"] == "1921.84"
    assert result["pay"]["gross"] == "28.16"
    assert not [t for t in result["trace"] if t["rule"] == "pay.deductions_cap"]


# --- item 12: exports in hours ------------------------------------------------------------

OCTOBER = Month(2026, 10)
ROSTER = [Employee("KF001", "王芳", "specialist", Source("roster.csv", 2))]
DAILY_HEADER = ["姓名", "工号", "日期", "班次", "迟到次数", "迟到时长(小时)", "早退时长(分钟)",
                "旷工天数", "上班缺卡次数", "下班缺卡次数", "事假(小时)"]  # fmt: skip


def _daily(days: list[tuple[str, object, object]]) -> Any:
    """A DingTalk 每日统计 with lateness and personal leave in hours; data from row 3."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "每日统计"
        sheet.append(["每日统计表 统计日期：2026-10-01 至 2026-10-31"])
        sheet.append(DAILY_HEADER)
        for day, late_hours, leave_hours in days:
            late = 1 if late_hours else 0
            sheet.append(
                [
                    "王芳",
                    "KF001",
                    day,
                    "正常班 09:00-18:00",
                    late,
                    late_hours,
                    0,
                    0,
                    0,
                    0,
                    leave_hours,
                ]
            )
        workbook.save(path)
        return import_export(path, OCTOBER, ROSTER)


def test_lateness_in_hours_becomes_the_nearest_whole_minute_named_for_review() -> None:
    imported = _daily(
        [
            ("2026-10-09", 0.52, None),  # 31.2 min → 31
            ("2026-10-12", 0.525, None),  # 31.5 min → 32: half up
            ("2026-10-13", 0.25, None),  # 15 min exactly: no rounding, no review
            ("2026-10-14", 0.005, None),  # 0.3 min → 0: no event, only the review item
            ("2026-10-15", None, 3),  # 3 h = 0.375 day → 0.5 day
            ("2026-10-16", None, 1.9),  # 1.9 h = 0.2375 day → 0: no event
        ]
    )
    assert imported.issues == ()
    assert [cells[:4] for _, cells in imported.table.rows] == [
        ("KF001", "2026-10-09", "late", "31"),
        ("KF001", "2026-10-12", "late", "32"),
        ("KF001", "2026-10-13", "late", "15"),
        ("KF001", "2026-10-15", "personal_leave", "0.5"),
    ]
    assert [(r.date.isoformat(), r.cell, r.what) for r in imported.review] == [
        ("2026-10-09", "每日统计!F3", "迟到时长(小时)=0.52 = 31.2 min, imported as 31 min (rounded half up, 四舍五入)"),
        ("2026-10-12", "每日统计!F4", "迟到时长(小时)=0.525 = 31.5 min, imported as 32 min (rounded half up, 四舍五入)"),
        ("2026-10-14", "每日统计!F6", "迟到时长(小时)=0.005 = 0.3 min, rounds half up to 0: not imported (四舍五入)"),
        ("2026-10-15", "每日统计!K7", "事假(小时)=3 = 0.375 day, imported as 0.5 day (rounded half up, 四舍五入)"),
        ("2026-10-16", "每日统计!K8", "事假(小时)=1.9 = 0.2375 day, rounds half up to 0: not imported (四舍五入)"),
    ]  # fmt: skip
    # A rounded value is imported, so its line says so; one that rounds to 0 is not.
    assert str(imported.review[0]).endswith("— to review, imported as rounded")
    assert str(imported.review[2]).endswith("— to review, no penalty applied")


def test_an_export_cell_over_a_days_hours_is_an_issue_naming_the_cell() -> None:
    imported = _daily([("2026-10-09", 1e30, None), ("2026-10-12", 25, None)])
    assert imported.table.rows == ()
    assert [(i.column, i.message) for i in imported.issues] == [
        (
            "每日统计!F3",
            "迟到时长(小时)=1000000000000000019884624838656: more than the 24 hours of one day (hours)",
        ),
        ("每日统计!F4", "迟到时长(小时)=25: more than the 24 hours of one day (hours)"),
    ]


@given(st.integers(0, 2400))
def test_hours_to_two_places_round_half_up_to_the_minute(hundredths: int) -> None:
    # h/100 hours = 0.6 h minutes exactly; its nearest whole minute, .5 going up, in integers.
    converted = in_events_unit(Decimal(hundredths) / 100, "hour", "late", Decimal(8))
    assert converted is not None
    assert converted.value == (6 * hundredths + 5) // 10
    assert converted.rounded is (6 * hundredths % 10 != 0)


@pytest.mark.parametrize(
    ("value", "unit", "kind", "expected", "rounded"),
    [
        ("2", "hour", "personal_leave", "0.5", True),  # 0.25 day: exactly half-way, goes up
        ("1.99", "hour", "sick_leave", "0", True),  # 0.24875 day: down to nothing
        ("4", "hour", "absent", "0.5", False),  # half a day exactly
        ("6", "hour", "personal_leave", "1", True),  # 0.75 day: half-way between halves, up
        ("20", "minute", "overtime", "0.0417", True),  # 0.041666… day, to four places
        ("12", "hour", "overtime", "1.5", False),
        ("0.5", "minute", "late", "1", True),  # half a minute goes up
        ("0.49", "minute", "early_leave", "0", True),
        ("1", "day", "late", "480", False),  # a whole working day of 8 hours
    ],
)
def test_each_kind_rounds_half_up_to_its_unit(
    value: str, unit: str, kind: str, expected: str, rounded: bool
) -> None:
    converted = in_events_unit(Decimal(value), unit, kind, Decimal(8))
    assert converted is not None
    assert converted.value == Decimal(expected)
    assert converted.rounded is rounded


def test_more_than_a_day_in_one_cell_converts_to_nothing() -> None:
    assert in_events_unit(Decimal("24.01"), "hour", "overtime", Decimal(8)) is None
    assert in_events_unit(Decimal("3.01"), "day", "overtime", Decimal(8)) is None  # 24.08 h
    assert in_events_unit(Decimal("1441"), "minute", "late", Decimal(8)) is None
    assert in_events_unit(Decimal("1E+999"), "hour", "late", Decimal(8)) is None
    converted = in_events_unit(Decimal(24), "hour", "overtime", Decimal(8))
    assert converted is not None and converted.value == 3
