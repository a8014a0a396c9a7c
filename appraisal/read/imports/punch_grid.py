"""Layout ``punch_grid``: two rows per employee, one column per day (中控 ZKTeco).

The row of day numbers is the header. Each employee has an info row of labels and
values (``工 号:`` ``KF001`` … ``姓 名:`` ``王芳``), then a row whose day cells hold the
day's punch times run together (``09:1218:04``), or apart with spaces or line breaks
(``09:27\n18:54\n``). The times are checked against the profile's shift in `schedule`.
The report may cover any 1 to 31 days (a weekly KQ803 report has 7), and the grid may
sit on any sheet (`locate` finds it by its day numbers with a person's labels below).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

from appraisal.read.imports.locate import day_of
from appraisal.read.imports.reading import Reading, cell_text
from appraisal.read.imports.records import Who
from appraisal.read.imports.schedule import Punch, PunchLog, check_days, judge_by_shift, month_days
from appraisal.read.imports.values import as_time, normalise
from appraisal.read.imports.workbook import Row

__all__ = ["read_punch_grid"]


def read_punch_grid(reading: Reading) -> None:
    spec = reading.profile.punch_grid
    schedule = reading.profile.schedule
    period = reading.located.period
    assert spec is not None and schedule is not None and period is not None
    # A report covers 1 to 31 days, perhaps across a month's end (26 … 31 1 … 25): each
    # day number is the day of the period that has it.
    dated = {day.day: day for day in month_days(*period)}
    days: list[tuple[int, date]] = []
    for column in reading.located.columns:
        number = day_of(spec.day_header, column)
        day = dated.get(number) if number is not None else None
        if day is not None and reading.month.contains(day):
            days.append((column.index, day))
    labels = {normalise(label) for label in reading.profile.employee.ids}
    name_label = normalise(reading.profile.employee.name or "")
    pattern = re.compile(spec.punch)
    log = PunchLog()
    who: Who | None = None
    for row, values in reading.located.rows:
        found = _info(values, labels, name_label)
        if found is not None:
            who, cell_column = found
            reading.people.setdefault(who, reading.cell(row, cell_column))
            log.home.setdefault(who, (row, cell_column))
            continue
        if who is None:
            continue  # rows above the first employee
        for index, day in days:
            log.day_cells[(who, day)] = (row, index)
            value = values[index] if index < len(values) else None
            shown = " ".join(cell_text(value).split())  # "09:27\n18:54\n" → "09:27 18:54"
            for at in _times(value, pattern):
                log.add(who, day, Punch(at, row, index, None, shown))
        who = None  # one punch row per info row
    if reading.issues:
        return
    start = max(period[0], reading.month.first_day)
    end = min(period[1], reading.month.last_day)
    check_days(reading, schedule, log, month_days(start, end), judge_by_shift)


def _info(values: Row, labels: set[str], name_label: str) -> tuple[Who, int] | None:
    """The person of an info row (labels followed by their values), or None."""
    ids: list[tuple[str, str]] = []
    name = ""
    first_value = -1
    for index, value in enumerate(values):
        if value is None:
            continue
        label = normalise(value)
        if label not in labels and label != name_label:
            continue
        found = _value_after(values, index, labels | {name_label})
        if found is None:
            continue
        text, at = found
        if label == name_label:
            name = text
        else:
            ids.append((label, text))
        first_value = at if first_value < 0 else first_value
    if not ids and not name:
        return None
    return Who(tuple(ids), name), first_value


def _value_after(values: Row, index: int, labels: set[str]) -> tuple[str, int] | None:
    for at in range(index + 1, len(values)):
        value = values[at]
        if value is None or not str(value).strip():
            continue
        if normalise(value) in labels:
            return None  # the label has no value: the next label comes first
        return cell_text(value), at
    return None


def _times(value: object, pattern: re.Pattern[str]) -> list[time]:
    if value is None:
        return []
    if not isinstance(value, str):
        single = as_time(value)
        return [single] if single is not None else []
    found = [as_time(text) for text in pattern.findall(unicodedata.normalize("NFKC", value))]
    return [at for at in found if at is not None]
