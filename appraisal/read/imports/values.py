"""Cell values of attendance exports: header names, dates, times of day, numbers, units.

The lowest layer of `appraisal.imports`. Exports are typed by hand or by vendors' code in
many locales, so every parser here accepts what real files hold: Excel date serials and
datetimes, dates as text (``26-10-09 星期五``, ``2026/10/09``), full-width digits and
punctuation (``（分钟）``, ``１２``), stray spaces inside header names. Each returns None
for a value it cannot read; the callers turn that into an `Issue` naming the cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "HALF_DAY_KINDS",
    "MINUTE_KINDS",
    "Converted",
    "as_date",
    "as_number",
    "as_punch",
    "as_time",
    "decimal_text",
    "in_events_unit",
    "in_target_unit",
    "minutes_between",
    "normalise",
    "split_unit",
]

# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (1, 2958466)  # 1900-01-01 .. 9999-12-31
# 2026-10-09, 26-10-09 星期五, 2026/10/9, 2026.10.09, 2026年10月9日, 10-09 (the year is the
# month's): the date is a prefix; a weekday, a time or anything else may follow.
_DATE = re.compile(
    r"(?:(?P<year>\d{4}|\d{2})[-/.年])?(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?(?!\d)"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_UNIT_SUFFIX = re.compile(r"(?P<name>.+?)\((?P<unit>[^()]+)\)")
MINUTE_KINDS = frozenset({"late", "early_leave"})  # the other kinds count days
# interface.md counts these in half days (0.5 = half a day).
HALF_DAY_KINDS = frozenset({"absent", "personal_leave", "sick_leave", "paid_leave"})
_MINUTES_IN = {"minute": Decimal(1), "hour": Decimal(60)}
_PLACES = Decimal("0.0001")
_WHOLE = Decimal(1)
_HALF_DAY = Decimal("0.5")
_MOST_MINUTES = Decimal(24 * 60)  # a day's cell holds at most the day
_NOISE = Decimal("1e-9")
_SHOWN_PLACES = Decimal("0.000001")


def normalise(text: object) -> str:
    """A header name or label as profiles write it: NFKC (full-width → ASCII), no spaces,
    no trailing colon. ``迟到 时长（分钟）`` → ``迟到时长(分钟)``, ``工 号:`` → ``工号``."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)  # a day number 1 read as 1.0 (python-calamine gives floats)
    folded = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return "".join(folded.split()).rstrip(":")


def split_unit(name: str) -> tuple[str, str | None]:
    """``迟到时长(分钟)`` → (``迟到时长``, ``分钟``); a name without a suffix → (name, None)."""
    match = _UNIT_SUFFIX.fullmatch(name)
    if match is None:
        return name, None
    return match["name"], match["unit"]


def as_date(value: object, year: int) -> date | None:
    """A date cell: a datetime, an Excel serial, or text. ``year`` fills in a missing one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _serial(value)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    compact = _COMPACT_DATE.fullmatch(text)
    if compact:
        return _date(int(compact[1]), int(compact[2]), int(compact[3]))
    if text.isdigit():  # a serial that went through a text column
        return _serial(int(text))
    match = _DATE.match(text)
    if match is None:
        return None
    found_year = int(match["year"]) if match["year"] else year
    if found_year < 100:  # 26-10-09: DingTalk's two-digit year
        found_year += 2000
    return _date(found_year, int(match["month"]), int(match["day"]))


def _serial(number: float) -> date | None:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def as_time(value: object) -> time | None:
    """A time-of-day cell: a time, a datetime, Excel's fraction of a day, or text holding
    ``HH:MM`` (``09:12``, ``2026-10-09 09:12``)."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60) if minutes < 24 * 60 else None
    if not isinstance(value, str):
        return None
    match = _TIME.search(unicodedata.normalize("NFKC", value))
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


# DingTalk's daily statistics write a punch after midnight as 次日 01:10 and one before
# the day began (a night shift's clock-in) as 昨日 23:50.
_DAY_PREFIX = re.compile(r"^\s*(?P<word>次日|昨日|前日|翌日)")
_DAY_OFFSETS = {"次日": 1, "翌日": 1, "昨日": -1, "前日": -1}


def as_punch(value: object) -> tuple[time, int] | None:
    """A punch time and the day it falls on relative to the row's date: ``次日 01:10`` →
    (01:10, +1), ``昨日 23:50`` → (23:50, -1), ``09:12`` → (09:12, 0)."""
    at = as_time(value)
    if at is None:
        return None
    offset = 0
    if isinstance(value, str):
        prefix = _DAY_PREFIX.match(unicodedata.normalize("NFKC", value))
        offset = _DAY_OFFSETS[prefix["word"]] if prefix else 0
    return at, offset


def minutes_between(earlier: time, later: time, days_later: int = 0) -> int:
    """Whole minutes from ``earlier`` to ``later`` (negative when reversed), ``later``
    being ``days_later`` days after ``earlier``'s day (次日: 1, 昨日: -1); seconds are
    ignored, as attendance systems count lateness in minutes."""
    later_minutes = later.hour * 60 + later.minute + days_later * 24 * 60
    return later_minutes - (earlier.hour * 60 + earlier.minute)


def as_number(value: object) -> Decimal | None:
    """A number cell as an exact Decimal (floats through their shortest repr)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def in_target_unit(value: Decimal, unit: str, kind: str, hours_per_day: Decimal) -> Decimal:
    """``value`` in ``unit`` (minute, hour, day) converted to what ``kind``'s events count:
    minutes for late and early_leave, days for the others (interface.md).

    A day is ``hours_per_day`` hours (the policy's attendance.hours_per_day). A result
    that does not end within four decimals (20 minutes of overtime = 0.041666… days) is
    rounded half up to four: nothing downstream counts finer than a minute.
    """
    per_day = hours_per_day * 60
    minutes = value * _MINUTES_IN[unit] if unit in _MINUTES_IN else value * per_day
    result = minutes if kind in MINUTE_KINDS else minutes / per_day
    if result != result.quantize(_PLACES, rounding=ROUND_HALF_UP):
        result = result.quantize(_PLACES, rounding=ROUND_HALF_UP)
    return result


@dataclass(frozen=True)
class Converted:
    """An export's number in what its kind's events count, rounded to the kind's unit:
    ``value`` is what the event gets, ``exact`` what the export said, in that unit."""

    value: Decimal
    exact: Decimal
    unit: str  # "min" or "day", for the review item

    @property
    def rounded(self) -> bool:
        """Whether rounding changed the figure (float noise such as 31.000000000000002
        minutes, from hours typed as =31/60, is not a rounding anyone needs to see)."""
        return abs(self.value - self.exact) > _NOISE

    def review_text(self, shown: str) -> str:
        """The review item naming the rounding: ``迟到时长(小时)=0.52 = 31.2 min, imported
        as 31 min (rounded half up, 四舍五入)``."""
        exact = self.exact.quantize(_SHOWN_PLACES, rounding=ROUND_HALF_UP)
        said = decimal_text(exact) + ("…" if exact != self.exact else "")
        if not self.value:
            return f"{shown} = {said} {self.unit}, rounds half up to 0: not imported (四舍五入)"
        value = decimal_text(self.value)
        return f"{shown} = {said} {self.unit}, imported as {value} {self.unit} (rounded half up, 四舍五入)"


def in_events_unit(
    value: Decimal, unit: str, kind: str, hours_per_day: Decimal
) -> Converted | None:
    """``value`` in ``unit`` (minute, hour, day) as ``kind``'s events count it, rounded
    half up (ROUND_HALF_UP, on exact decimals: 0.5 goes up) to the kind's unit: whole
    minutes for late and early_leave (0.52 h = 31.2 min → 31), half days for absence and
    leave (处罚 5: 半天 / 一天, the smallest unit interface.md allows: 3 h = 0.375 day →
    0.5), four places of a day for overtime (20 min = 0.041666… day → 0.0417).

    None when the figure is more than the 24 hours of a day: no export cell of one day
    holds that, and such a number is refused before any arithmetic can overflow.
    """
    per_day = hours_per_day * 60
    if abs(value) > _MOST_MINUTES / (_MINUTES_IN.get(unit) or per_day):
        return None
    minutes = value * _MINUTES_IN[unit] if unit in _MINUTES_IN else value * per_day
    if kind in MINUTE_KINDS:
        return Converted(minutes.quantize(_WHOLE, rounding=ROUND_HALF_UP), minutes, "min")
    days = minutes / per_day
    if kind in HALF_DAY_KINDS:
        halves = (days / _HALF_DAY).quantize(_WHOLE, rounding=ROUND_HALF_UP)
        return Converted(halves * _HALF_DAY, days, "day")
    return Converted(days.quantize(_PLACES, rounding=ROUND_HALF_UP), days, "day")


def decimal_text(value: Decimal) -> str:
    """``Decimal('1.0')`` → ``1``, ``Decimal('0.50')`` → ``0.5``: the canonical events text."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text
