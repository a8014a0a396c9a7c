"""Layout ``day_columns``: one row per employee, one column per day (钉钉月度汇总).

The month's totals alone cannot put each lateness in its tier, so only the day cells are
read. A day cell holds one or more wordings (``上班迟到12分钟``, ``上班迟到1小时5分钟``,
``事假09-15 09:00到09-15 18:00 8小时``, ``上班缺卡``) which the profile's rules match
whole, a rule's ``duration`` group reading numbers with units run together; a wording no rule knows is an issue, never
skipped, so a new version's wording cannot drop a penalty unseen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from appraisal.i18n import _
from appraisal.read.imports.day_rows import add_event
from appraisal.read.imports.locate import day_of
from appraisal.read.imports.profile import CellRule
from appraisal.read.imports.reading import Reading, cell_text
from appraisal.read.imports.records import Who

__all__ = ["read_day_columns"]


@dataclass(frozen=True)
class _Part:
    """One wording of a day cell, read: the rule it matched, its value and unit."""

    text: str
    rule: CellRule
    value: Decimal | None
    unit: str | None


def read_day_columns(reading: Reading) -> None:
    spec = reading.profile.day_columns
    period = reading.located.period
    assert spec is not None and period is not None  # a day_columns profile requires a period
    who_of = reading.employee_reader()
    days: list[tuple[int, date]] = []
    for column in reading.located.columns:
        number = day_of(spec.day_header, column)
        day = _in_period(period, number) if number is not None else None
        if day is not None:
            days.append((column.index, day))
    if not days:
        message = _("the header has no day columns (headers like {day_header!r})").format(
            day_header=spec.day_header
        )
        reading.issue(reading.header_cell, message)
    if who_of is None or reading.issues:
        return
    separators = re.compile(spec.separators)
    parsed: dict[str, list[_Part] | str] = {}  # a month has few distinct day-cell texts
    for row, values in reading.located.rows:
        who = who_of(values, row)
        if who is None:
            continue
        for index, day in days:
            value = values[index] if index < len(values) else None
            if reading.blank(value):
                continue
            text = cell_text(value)
            if text not in parsed:
                parsed[text] = _parse(reading, text, separators)
            parts = parsed[text]
            if isinstance(parts, str):
                reading.issue(reading.cell(row, index), parts)
                continue
            for order, part in enumerate(parts):
                _apply(reading, who, day, row, index, part, order)


def _in_period(period: tuple[date, date], number: int) -> date | None:
    start, end = period
    try:
        day = start.replace(day=number)
    except ValueError:  # 31 in a 30-day month
        return None
    return day if start <= day <= end else None


def _parse(reading: Reading, text: str, separators: re.Pattern[str]) -> list[_Part] | str:
    """The wordings of a day cell, or what is wrong with it."""
    spec = reading.profile.day_columns
    assert spec is not None
    parts: list[_Part] = []
    for piece in separators.split(unicodedata.normalize("NFKC", text)):
        piece = piece.strip()
        if not piece:
            continue
        rule, match = next(
            ((r, m) for r in spec.rules if (m := re.fullmatch(r.match, piece))), (None, None)
        )
        if rule is None or match is None:
            return _("day cell {text!r}: {piece!r} is not a wording the profile knows").format(
                text=text, piece=piece
            )
        value: Decimal | None = rule.value
        unit: str | None = rule.unit
        groups = match.groupdict()
        if groups.get("duration") is not None:
            read = _duration(reading, groups["duration"])
            if isinstance(read, str):
                return _("day cell {text!r}: {read}").format(text=text, read=read)
            value, unit = read
        if groups.get("value") is not None:
            value = Decimal(groups["value"])
        if groups.get("unit") is not None:
            unit = reading.profile.unit_of(groups["unit"])
            if unit is None:
                known = ", ".join(reading.profile.units)
                return _(
                    "day cell {text!r}: unit {groups!r} is not understood (known: {known})"
                ).format(text=text, groups=groups["unit"], known=known)
        parts.append(_Part(piece, rule, value, unit))
    return parts


_PAIR = re.compile(r"(\d+(?:\.\d+)?)\s*([^\d\s.]+)")
_MINUTES = {"minute": Decimal(1), "hour": Decimal(60)}


def _duration(reading: Reading, text: str) -> tuple[Decimal, str] | str:
    """A duration of numbers with units run together: ``1小时5分钟`` → (65, minute);
    ``8小时`` → (8, hour). Or what is wrong with it."""
    pairs = _PAIR.findall(text)
    if not pairs or "".join(n + u for n, u in pairs) != re.sub(r"\s+", "", text):
        return _("{text!r} is not a duration (numbers with units: 1小时5分钟)").format(text=text)
    read: list[tuple[Decimal, str]] = []
    for number, word in pairs:
        unit = reading.profile.unit_of(word)
        if unit is None:
            known = ", ".join(reading.profile.units)
            return _("unit {word!r} is not understood (known: {known})").format(
                word=word, known=known
            )
        read.append((Decimal(number), unit))
    if len(read) == 1:
        return read[0]
    per_day = reading.hours_per_day * 60
    return sum((n * _MINUTES.get(u, per_day) for n, u in read), Decimal(0)), "minute"


def _apply(
    reading: Reading, who: Who, day: date, row: int, index: int, part: _Part, order: int
) -> None:
    rule = part.rule
    if rule.review is not None:
        reading.review(who, day, row, index, rule.review.format(text=part.text))
    elif rule.event is not None:
        assert part.value is not None and part.unit is not None
        if part.value <= 0:
            reading.issue(
                reading.cell(row, index),
                _("day cell {text!r}: not more than 0").format(text=part.text),
            )
            return
        shown = f"{day.day}日={part.text}"
        add_event(
            reading,
            who,
            day,
            row,
            index,
            rule.event,
            part.value,
            part.unit,
            rule.flags,
            shown,
            order,
        )
