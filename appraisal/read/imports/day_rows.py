"""Layout ``day_rows``: one row per employee per day, numbers in columns (钉钉每日统计).

A positive number in a profile's column makes its event (迟到时长 → late) or its review
item (上班缺卡次数 → 上班缺卡), converted from the unit in the header's suffix. A day with
more than one lateness (迟到次数 2) is split into one event per occurrence from the
punch times and the shift (班次), because the scheme's fine depends on each lateness's
minutes (a time written ``次日 00:10`` is after midnight, ``昨日 23:50`` the day before); when the punches do not account for the total, the day goes to review instead.
A figure in hours or days becomes whole minutes or half days (`add_event`), each rounding
named for review; a header without its unit (``迟到时长``) is read in the profile's unit,
and the review list says so once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from appraisal.i18n import _
from appraisal.read.imports.locate import Column
from appraisal.read.imports.profile import Column as ColumnSpec
from appraisal.read.imports.profile import DayRows, ShiftPunches
from appraisal.read.imports.reading import Reading, cell_text
from appraisal.read.imports.records import Who
from appraisal.read.imports.values import as_number, as_punch, in_events_unit, minutes_between
from appraisal.read.imports.workbook import Row

__all__ = ["add_event", "read_day_rows"]

_MAX_SEGMENTS = 6  # shifts of more than six segments a day are not a thing


@dataclass(frozen=True)
class _Mapped:
    spec: ColumnSpec
    column: Column
    unit: str | None
    count: Column | None


@dataclass(frozen=True)
class _Punches:
    shift: int
    segment: re.Pattern[str]
    on_duty: dict[int, Column]  # segment number → its punch-time column
    off_duty: dict[int, Column]


def read_day_rows(reading: Reading) -> None:
    spec = reading.profile.day_rows
    assert spec is not None
    who_of = reading.employee_reader()
    date_column = reading.column((spec.date,), "date")
    mapped = _map_columns(reading, spec)
    punches = _punch_columns(reading, spec.punches) if spec.punches else None
    cleared = _cleared_columns(reading, spec)
    if who_of is None or date_column is None or reading.issues:
        return
    cleared_match = re.compile(spec.cleared_by.match) if spec.cleared_by else None
    for row, values in reading.located.rows:
        who = who_of(values, row)
        if who is None:
            if any(not reading.blank(v) for v in values):
                reading.issue(reading.cell(row, 0), _("a row without an employee (no id, no name)"))
            continue
        raw_day = values[date_column.index] if date_column.index < len(values) else None
        day = reading.day(raw_day, reading.cell(row, date_column.index))
        if day is None:
            continue
        is_cleared = cleared_match is not None and _says(values, cleared, cleared_match)
        for column in mapped:
            index = column.column.index
            value = values[index] if index < len(values) else None
            if value is None or value == 0 or reading.blank(value):
                continue  # most cells of most rows: nothing happened
            _read_cell(reading, who, day, row, values, column, punches, is_cleared)
    reading.finish()


def _says(values: Row, columns: list[int], pattern: re.Pattern[str]) -> bool:
    """Whether one of the row's ``columns`` has text matching ``pattern``."""
    for index in columns:
        value = values[index] if index < len(values) else None
        if isinstance(value, str) and pattern.search(value):
            return True
    return False


def _map_columns(reading: Reading, spec: DayRows) -> list[_Mapped]:
    mapped: list[_Mapped] = []
    for column_spec in spec.columns:
        found = reading.located.find(column_spec.names)
        if found is None:
            if column_spec.required:
                reading.column(column_spec.names, "required")
            continue
        unit = (
            reading.unit(found, column_spec.unit, review=column_spec.unit_review)
            if column_spec.event
            else None
        )
        count = reading.located.find((column_spec.count,)) if column_spec.count else None
        mapped.append(_Mapped(column_spec, found, unit, count))
    return mapped


def _punch_columns(reading: Reading, spec: ShiftPunches) -> _Punches | None:
    shift = reading.located.find((spec.shift,))
    if shift is None:
        return None  # without a shift, a day's occurrences cannot be told apart: review

    def columns(template: str) -> dict[int, Column]:
        found = {
            n: reading.located.find((template.format(n=n),)) for n in range(1, _MAX_SEGMENTS + 1)
        }
        return {n: column for n, column in found.items() if column is not None}

    segment = re.compile(spec.segment)
    return _Punches(shift.index, segment, columns(spec.on_duty), columns(spec.off_duty))


def _cleared_columns(reading: Reading, spec: DayRows) -> list[int]:
    if spec.cleared_by is None:
        return []
    pattern = re.compile(spec.cleared_by.columns)
    return [c.index for c in reading.located.columns if pattern.fullmatch(c.name)]


def _read_cell(
    reading: Reading,
    who: Who,
    day: date,
    row: int,
    values: Row,
    mapped: _Mapped,
    punches: _Punches | None,
    is_cleared: bool,
) -> None:
    index = mapped.column.index
    value = values[index]
    number = as_number(value)
    cell = reading.cell(row, index)
    if number is None or number < 0:
        reading.issue(
            cell,
            _("{text}: not a number of at least 0: {value!r}").format(
                text=mapped.column.text, value=cell_text(value)
            ),
        )
        return
    if number == 0:
        return
    spec = mapped.spec
    if spec.review is not None:
        if not is_cleared:  # 补卡审批通过: the missing punch was approved after all
            reading.review(who, day, row, index, spec.review)
        return
    assert spec.event is not None and mapped.unit is not None
    reading.unit_assumed(who, day, index)
    shown = f"{mapped.column.text}={cell_text(value)}"
    count = _count(values, mapped.count)
    if count > 1:
        _split(reading, who, day, row, values, mapped, number, count, punches)
        return
    add_event(reading, who, day, row, index, spec.event, number, mapped.unit, spec.flags, shown)


def add_event(
    reading: Reading,
    who: Who,
    day: date,
    row: int,
    column: int,
    kind: str,
    amount: Decimal,
    unit: str,
    flags: tuple[str, ...],
    shown: str,
    order: int = 0,
) -> None:
    """The event of a number in an export's unit (迟到时长(小时) 0.52), in what the kind
    counts, rounded to its unit (31 min). A rounding is named for review, with its cell;
    a figure that rounds to nothing is only that review item; one over a day's 24
    hours is an issue."""
    converted = in_events_unit(amount, unit, kind, reading.hours_per_day)
    if converted is None:
        message = _("{shown}: more than the 24 hours of one day ({unit}s)").format(
            shown=shown, unit=unit
        )
        reading.issue(reading.cell(row, column), message)
        return
    if converted.rounded:
        applied = bool(converted.value)  # a figure that rounds to nothing is not imported
        reading.review(who, day, row, column, converted.review_text(shown), applied=applied)
    if converted.value:
        target = "minute" if converted.unit == "min" else "day"
        reading.event(
            who,
            day,
            row,
            column,
            kind,
            converted.value,
            target,
            flags=flags,
            shown=shown,
            order=order,
        )


def _count(values: Row, column: Column | None) -> int:
    if column is None or column.index >= len(values):
        return 1
    number = as_number(values[column.index])
    return int(number) if number is not None and number == int(number) else 1


def _split(
    reading: Reading,
    who: Who,
    day: date,
    row: int,
    values: Row,
    mapped: _Mapped,
    total: Decimal,
    count: int,
    punches: _Punches | None,
) -> None:
    """One event per lateness (or early leave) of a day with several, from its punches."""
    kind = mapped.spec.event
    assert kind is not None and mapped.unit is not None and mapped.count is not None
    found = _occurrences(values, kind, punches) if punches else []
    minutes = [m for m, _0, _1 in found]
    total_minutes = total * (60 if mapped.unit == "hour" else 1)
    if mapped.unit == "day" or len(found) != count or sum(minutes) != total_minutes:
        what = (
            f"{mapped.count.text}={count}，{mapped.column.text}={cell_text(values[mapped.column.index])}"
            "（无法按打卡逐次拆分）"
        )
        reading.review(who, day, row, mapped.column.index, what)
        return
    for order, (late, column, shift_time) in enumerate(found):
        punched = cell_text(values[column.index])
        shown = f"{column.text}={punched}（班次{shift_time:%H:%M}，共{count}次）"
        reading.event(
            who, day, row, column.index, kind, Decimal(late), "minute", shown=shown, order=order
        )


def _occurrences(values: Row, kind: str, punches: _Punches) -> list[tuple[int, Column, time]]:
    shift_text = values[punches.shift] if punches.shift < len(values) else None
    if not isinstance(shift_text, str):
        return []
    found: list[tuple[int, Column, time]] = []
    segments = list(punches.segment.finditer(shift_text))[:_MAX_SEGMENTS]
    for n, match in enumerate(segments, start=1):
        start, end = as_punch(match["start"]), as_punch(match["end"])
        column = (punches.on_duty if kind == "late" else punches.off_duty).get(n)
        if start is None or end is None or column is None or column.index >= len(values):
            continue
        punched = as_punch(values[column.index])  # 次日 00:10: after midnight
        if punched is None:
            continue
        if kind == "late":
            minutes, shift_time = _minutes(start, punched), start[0]
        else:
            minutes, shift_time = _minutes(punched, end), end[0]
        if minutes > 0:
            found.append((minutes, column, shift_time))
    return found


def _minutes(earlier: tuple[time, int], later: tuple[time, int]) -> int:
    """Minutes between two punch times given with their day (次日 +1, 昨日 -1)."""
    return minutes_between(earlier[0], later[0], later[1] - earlier[1])
