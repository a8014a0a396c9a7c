"""Import profiles: how to read one kind of attendance export, as data.

The configuration of the import part of the read stage. A profile (``profiles/*.yaml``)
says where an export's header is, which columns or day-cell wordings become which
events, which become items for the manager to review, and, for punch-only exports, the
shift punches are checked against. Wording that varies between versions of an export
(``迟到12分钟`` or ``迟到 12 分钟``) lives here, not in code: a new version or vendor of
one of the four layouts needs only a new profile.

Profiles are checked with these pydantic models (unknown keys rejected) when
`appraisal.read.imports.catalog` loads them.
"""

from __future__ import annotations

import re
import string
from datetime import time
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from appraisal.i18n import _
from appraisal.read.imports.values import normalise

__all__ = ["Profile"]

EventKind = Literal[
    "late", "early_leave", "absent", "personal_leave", "sick_leave", "paid_leave", "overtime"
]
Unit = Literal["minute", "hour", "day"]
Flag = Literal["holiday", "rest_day", "comp_time"]
Layout = Literal["day_rows", "day_columns", "punch_rows", "punch_grid"]


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as error:
        raise ValueError(_("not a valid regular expression: {error}").format(error=error)) from None
    return text


def _clock(value: object) -> object:
    # YAML reads 18:00 unquoted as the sexagesimal number 1080; say so instead of
    # letting pydantic take it for 1080 seconds past midnight.
    if not isinstance(value, str | time):
        raise ValueError(_("write a time of day in quotes, e.g. '09:00'"))
    return value


Regex = Annotated[str, AfterValidator(_regex)]
Name = Annotated[str, Field(min_length=1), AfterValidator(normalise)]  # a header name or label
Clock = Annotated[time, BeforeValidator(_clock)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _groups(pattern: str) -> set[str]:
    return set(re.compile(pattern).groupindex)


class Effect(Strict):
    """What a column or a day-cell wording means: an event, an item to review, or nothing
    (a normal day: no event, no review)."""

    event: EventKind | None = None
    flags: tuple[Flag, ...] = ()
    unit: Unit | None = None  # when the header or wording gives none
    review: str | None = None  # text of a review item (待复核), never a penalty

    @model_validator(mode="after")
    def _one_meaning(self) -> Effect:
        if self.event is not None and self.review is not None:
            raise ValueError(_("give either event or review, not both"))
        if self.event is None and (self.flags or self.unit):
            raise ValueError(_("flags and unit belong to an event"))
        if self.flags and self.event != "overtime":
            raise ValueError(_("flags are for overtime events"))
        return self


class Column(Effect):
    """day_rows: a numeric column; a positive number makes the event (or review item)."""

    name: Name
    aliases: tuple[Name, ...] = ()
    required: bool = False
    count: Name | None = None  # 迟到次数: more than one a day → one event per occurrence
    # A duration whose header may come without its unit (迟到时长 beside 迟到时长(分钟)): read
    # in ``unit`` then, and the review list says which unit was assumed.
    unit_review: bool = False

    @model_validator(mode="after")
    def _meaningful(self) -> Column:
        if self.event is None and self.review is None:
            raise ValueError(_("a column needs an event or a review"))
        if self.count is not None and self.event not in ("late", "early_leave"):
            raise ValueError(_("count is for late and early_leave columns"))
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class ShiftPunches(Strict):
    """day_rows: where a day's shift segments and punch times are, to split a day's total
    minutes into one event per occurrence (``{n}`` is the segment number, 1, 2, …)."""

    shift: Name
    segment: Regex
    on_duty: str  # e.g. "上班{n}打卡时间"
    off_duty: str

    @model_validator(mode="after")
    def _checked(self) -> ShiftPunches:
        if not {"start", "end"} <= _groups(self.segment):
            raise ValueError(_("segment needs the groups (?P<start>…) and (?P<end>…)"))
        for text in (self.on_duty, self.off_duty):
            _template(text, {"n"})
        return self


class ClearedBy(Strict):
    """day_rows: a row whose result cells match ``match`` is a normal day (补卡审批通过)."""

    columns: Regex  # header names of the result columns
    match: Regex


class DayRows(Strict):
    """One row per employee per day (钉钉每日统计)."""

    date: Name
    columns: tuple[Column, ...]
    punches: ShiftPunches | None = None
    cleared_by: ClearedBy | None = None

    @model_validator(mode="after")
    def _split_needs_punches(self) -> DayRows:
        _some(self.columns, "columns")
        if any(c.count for c in self.columns) and self.punches is None:
            raise ValueError(_("a column with count needs punches: (where the punch times are)"))
        return self


class CellRule(Effect):
    """day_columns: one wording of a day cell, matched whole; groups ``value`` and
    ``unit`` (one number), or ``duration`` (numbers with units run together, ``1小时5分钟``,
    read with the profile's ``units``)."""

    match: Regex
    value: Decimal | None = None  # a fixed value (旷工 → 1 day) when the wording has none

    @model_validator(mode="after")
    def _value_known(self) -> CellRule:
        groups = _groups(self.match)
        if "duration" in groups and groups & {"value", "unit"}:
            raise ValueError(_("a (?P<duration>…) group takes the place of value and unit"))
        if self.event is not None:
            given = ("value" in groups) + ("duration" in groups) + (self.value is not None)
            if given != 1:
                raise ValueError(
                    _(
                        "an event rule needs one of a (?P<value>…) group, a (?P<duration>…) group, or a value"
                    )
                )
            if "duration" not in groups and "unit" not in groups and self.unit is None:
                raise ValueError(_("an event rule needs a (?P<unit>…) group or a unit"))
        elif self.value is not None:
            raise ValueError(_("value belongs to an event"))
        if self.review is not None:
            _template(self.review, {"text"})
        return self


class DayColumns(Strict):
    """One row per employee, one column per day (钉钉月度汇总)."""

    day_header: Regex  # the header of a day column, with the group (?P<day>…)
    separators: Regex  # between the parts of one day cell ("迟到12分钟,早退5分钟")
    rules: tuple[CellRule, ...]

    @model_validator(mode="after")
    def _day_group(self) -> DayColumns:
        _some(self.rules, "rules")
        if "day" not in _groups(self.day_header):
            raise ValueError(_("day_header needs the group (?P<day>…)"))
        return self


class ResultRule(Strict):
    """punch_rows: what a punch result (打卡结果) means; neither event nor review = normal.
    A review text may name the punch's duty (``{duty}缺卡`` → 上班缺卡)."""

    match: Regex
    event: Literal["late", "early_leave"] | None = None
    review: str | None = None

    @model_validator(mode="after")
    def _one_meaning(self) -> ResultRule:
        if self.event is not None and self.review is not None:
            raise ValueError(_("give either event or review, not both"))
        if self.review is not None:
            _template(self.review, {"duty"})
        return self


class PunchRows(Strict):
    """One row per punch (钉钉原始记录): the schedule time and the result are given."""

    date: Name
    scheduled: Name  # 考勤时间: "上班 09:00"
    scheduled_pattern: Regex  # groups (?P<duty>…) and (?P<time>…)
    on_duty: str  # the duty text of a clock-in, e.g. 上班
    punched: Name
    result: Name
    results: tuple[ResultRule, ...]

    @model_validator(mode="after")
    def _groups_given(self) -> PunchRows:
        _some(self.results, "results")
        if not {"duty", "time"} <= _groups(self.scheduled_pattern):
            raise ValueError(_("scheduled_pattern needs the groups (?P<duty>…) and (?P<time>…)"))
        return self


class PunchGrid(Strict):
    """Two rows per employee, one column per day of punch times (中控 ZKTeco)."""

    day_header: Regex  # a cell of the day-number row, with the group (?P<day>…)
    min_days: Annotated[int, Field(ge=1, le=31)] = 1  # a weekly report has 7
    punch: Regex  # one punch time inside a day cell ("09:1218:04" holds two)

    @model_validator(mode="after")
    def _day_group(self) -> PunchGrid:
        if "day" not in _groups(self.day_header):
            raise ValueError(_("day_header needs the group (?P<day>…)"))
        return self


class Reviews(Strict):
    """Texts of the review items a schedule raises ({…} are filled in)."""

    no_punch: str
    missing_on: str
    missing_off: str
    off_day: str  # {times}
    long_late: str  # {time} {minutes}
    long_early: str  # {time} {minutes}
    # A day's only punch that is off its end of the shift: never a penalty.
    lone_punch: str = (
        "{missing}，仅一次打卡 {time}（{deviation}，未计）"  # {missing} {time} {deviation}
    )

    @model_validator(mode="after")
    def _placeholders(self) -> Reviews:
        _template(self.off_day, {"times"})
        _template(self.lone_punch, {"missing", "time", "deviation"})
        _template(self.long_late, {"time", "minutes"})
        _template(self.long_early, {"time", "minutes"})
        return self


class Schedule(Strict):
    """punch-only exports: the shift punches are checked against, and which days count as
    working days. An export says nothing of holidays, so a day counts as a working day
    when at least ``workday_quorum`` of the export's employees punched on it."""

    start: Clock | None = None
    end: Clock | None = None
    grace_minutes: Annotated[int, Field(ge=0)] = 0
    review_beyond_minutes: Annotated[int, Field(ge=1)] | None = None
    workday_quorum: Annotated[Decimal, Field(gt=0, le=1)] = Decimal("0.5")
    reviews: Reviews


class Header(Strict):
    required: tuple[Name, ...] = ()  # names that together identify the header row
    search_rows: Annotated[int, Field(ge=1, le=200)] = 20


class Period(Strict):
    """Where the export states the dates it covers: a cell above the header."""

    pattern: Regex  # groups (?P<start>…) and (?P<end>…)
    required: bool = False

    @model_validator(mode="after")
    def _groups_given(self) -> Period:
        if not {"start", "end"} <= _groups(self.pattern):
            raise ValueError(_("pattern needs the groups (?P<start>…) and (?P<end>…)"))
        return self


class Employee(Strict):
    """The columns (or, in a grid, labels) that say whose row it is."""

    ids: tuple[Name, ...] = ()  # matched to the roster's employee_id: 工号, UserId
    name: Name | None = None  # matched only when exact and unique in the roster

    @model_validator(mode="after")
    def _some(self) -> Employee:
        if not self.ids and self.name is None:
            raise ValueError(_("give ids or a name (or both)"))
        return self


# Each layout has a section of the same name; a profile has exactly its own.
_SECTIONS = ("day_rows", "day_columns", "punch_rows", "punch_grid")


class Profile(Strict):
    """One export format: how to find its parts and what they mean."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Annotated[str, Field(min_length=1)]  # in notes and messages: 钉钉每日统计
    layout: Layout
    sheet: Regex | None = None  # the sheet's name; none: the first sheet with the header
    # One workbook holding several exports (DingTalk's 月度汇总, 原始记录 and 每日统计 sheets):
    # the sheet of the lowest rank is read, the others only cross-check it (`crosscheck`).
    rank: Annotated[int, Field(ge=0)] = 100
    header: Header = Header()
    period: Period | None = None
    units: dict[str, Unit]  # unit words → unit: 分钟: minute
    blank: tuple[str, ...] = ()  # cell texts that mean "nothing" ("-", "--")
    employee: Employee
    day_rows: DayRows | None = None
    day_columns: DayColumns | None = None
    punch_rows: PunchRows | None = None
    punch_grid: PunchGrid | None = None
    schedule: Schedule | None = None

    @model_validator(mode="after")
    def _layout_sections(self) -> Profile:
        for section in _SECTIONS:
            if getattr(self, section) is not None and section != self.layout:
                raise ValueError(
                    _("{section}: belongs to layout {section}, not {layout}").format(
                        section=section, layout=self.layout
                    )
                )
        if getattr(self, self.layout) is None:
            raise ValueError(f"layout {self.layout} needs a {self.layout}: section")
        if not self.units:
            raise ValueError(_("units: name at least one unit word"))
        punch_only = self.layout in ("punch_rows", "punch_grid")
        if punch_only != (self.schedule is not None):
            raise ValueError(_("schedule: is for the punch layouts, and they need it"))
        if self.layout == "punch_grid":
            assert self.schedule is not None
            if self.schedule.start is None or self.schedule.end is None:
                raise ValueError(_("a punch_grid schedule needs start and end"))
            if self.period is None or not self.period.required:
                raise ValueError(_("a punch_grid needs a required period (its days are numbers)"))
        elif not self.header.required:
            raise ValueError(_("header.required: name the columns that identify the header row"))
        if self.layout == "day_columns" and (self.period is None or not self.period.required):
            raise ValueError(
                _("a day_columns export needs a required period (its days are numbers)")
            )
        return self

    def unit_of(self, word: str) -> str | None:
        return self.units.get(normalise(word))


def _some(items: tuple[object, ...], what: str) -> None:
    # Checked here, not with Field(min_length=1): pydantic would add "at least 1 item"
    # to the errors of a list whose every item is wrong.
    if not items:
        raise ValueError(_("{what}: give at least one").format(what=what))


def _template(text: str, allowed: set[str]) -> None:
    used = {name for _0, name, _1, _2 in string.Formatter().parse(text) if name is not None}
    if not used <= allowed:
        unknown = ", ".join(sorted(used - allowed))
        raise ValueError(
            _("{text!r}: unknown placeholder {unknown} (allowed: {allowed})").format(
                text=text, unknown=unknown, allowed=sorted(allowed)
            )
        )
