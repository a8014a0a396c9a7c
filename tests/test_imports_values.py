"""Properties of reading export cells, for every input Hypothesis can think of: a date reads
back in every way exports write it, units convert exactly, and an export's lateness
imports to exactly the events it holds, in minutes or in hours."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.domain.model import Employee, Month, Source
from appraisal.read.imports import import_export
from appraisal.read.imports.values import (
    as_date,
    as_number,
    as_time,
    decimal_text,
    in_target_unit,
    normalise,
)

WEEKDAYS = "一二三四五六日"
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(dates)
def test_a_date_reads_back_in_every_way_exports_write_it(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    weekday = f"星期{WEEKDAYS[day.weekday()]}"
    for written in (
        day,
        datetime(day.year, day.month, day.day, 9, 12),
        serial,
        float(serial),
        day.isoformat(),
        f"{day:%Y/%m/%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%y-%m-%d} {weekday}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y-%m-%d %H:%M}",
        f"{day:%Y%m%d}",
        day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    ):
        assert as_date(written, 1999) == day, written
    assert as_date(f"{day.month}-{day.day} {weekday}", day.year) == day


@pytest.mark.parametrize("text", ["昨天", "2026-13-01", "2026-02-30", "", "-", True])
def test_what_is_not_a_date_is_none(text: object) -> None:
    assert as_date(text, 2026) is None


@given(st.integers(0, 23), st.integers(0, 59))
def test_a_time_reads_from_text_a_datetime_or_a_fraction_of_a_day(hour: int, minute: int) -> None:
    expected = datetime(2026, 10, 9, hour, minute).time()
    assert as_time(f"{hour:02d}:{minute:02d}") == expected
    assert as_time(f"2026-10-09 {hour}:{minute:02d}") == expected
    assert as_time(datetime(2026, 10, 9, hour, minute)) == expected
    assert as_time((hour * 60 + minute) / (24 * 60)) == expected


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6
    )
)
def test_decimal_text_is_exact_and_plain(value: Decimal) -> None:
    text = decimal_text(value)
    assert Decimal(text) == value
    assert "E" not in text and "e" not in text
    assert as_number(text) == value
    assert as_number(float(text)) == Decimal(repr(float(text)))


@given(st.integers(1, 24 * 60), st.sampled_from([Decimal(8), Decimal("7.5"), Decimal(6)]))
def test_units_convert_exactly(minutes: int, hours_per_day: Decimal) -> None:
    hours = Decimal(minutes) / 60
    assert in_target_unit(Decimal(minutes), "minute", "late", hours_per_day) == minutes
    assert in_target_unit(hours_per_day, "hour", "sick_leave", hours_per_day) == 1
    assert in_target_unit(Decimal(1), "day", "early_leave", hours_per_day) == hours_per_day * 60
    days = in_target_unit(Decimal(minutes), "minute", "overtime", hours_per_day)
    assert abs(days - hours / hours_per_day) <= Decimal("0.00005")  # four places, half up


@given(st.text(alphabet="迟到时长分钟（）() 　:：工号ＡＢ12", max_size=12))
def test_normalising_a_header_name_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert " " not in once and "（" not in once and not once.endswith(":")


OCTOBER = Month(2026, 10)
WORKDAYS = [
    day
    for day in (OCTOBER.first_day + timedelta(days=n) for n in range(31))
    if day.weekday() < 5 and day.day > 7
]
ROSTER = [Employee("KF001", "王芳", "specialist", Source("roster.csv", 2))]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(0, 200), min_size=len(WORKDAYS), max_size=len(WORKDAYS)),
    st.booleans(),
)
def test_an_exports_lateness_imports_to_exactly_its_events(
    minutes: list[int], in_hours: bool
) -> None:
    header = "迟到时长(小时)" if in_hours else "迟到时长(分钟)"
    rows: list[list[object]] = [
        ["每日统计表 统计日期：2026-10-01 至 2026-10-31"],
        ["姓名", "工号", "日期", "班次", "迟到次数", header, "早退时长(分钟)", "旷工天数"],
        *(
            list[object](["王芳", "KF001", f"{day:%y-%m-%d}", "正常班 09:00-18:00", int(m > 0), Decimal(m) / 60 if in_hours else m, 0, 0])
            for day, m in zip(WORKDAYS, minutes, strict=True)
        ),
    ]  # fmt: skip
    rows[1] += ["上班缺卡次数", "下班缺卡次数"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        workbook.save(path)
        imported = import_export(path, OCTOBER, ROSTER)
    assert imported.issues == ()
    # Minutes stored as hours in a float (31/60 = 0.5166666666666667) come back as the
    # whole minutes they were: the float's noise is rounded away and not named for review.
    found = [(cells[1], Decimal(cells[3])) for _, cells in imported.table.rows]
    expected = [(day.isoformat(), m) for day, m in zip(WORKDAYS, minutes, strict=True) if m]
    assert found == expected
    assert imported.review == ()
