"""Detecting which export a file is, and importing it into canonical events.

The entry points of `appraisal.imports`, one short function each: open the file, find
the profile's header, check the period against the month being run, let the layout read
the rows, match the people to the roster, and build the events table. A workbook that
holds several exports (DingTalk's four sheets) is read from one sheet, and the others
cross-check it (`crosscheck`). Every step's issues are collected; with any, nothing is
imported.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from appraisal.domain.model import Employee, Issue, Month
from appraisal.files.input import InputFile
from appraisal.i18n import _
from appraisal.read.imports.catalog import shipped_profiles
from appraisal.read.imports.crosscheck import Found, by_preference, cross_check
from appraisal.read.imports.day_columns import read_day_columns
from appraisal.read.imports.day_rows import read_day_rows
from appraisal.read.imports.locate import Located, day_of, locate
from appraisal.read.imports.match import match_people
from appraisal.read.imports.profile import Profile
from appraisal.read.imports.punch_grid import read_punch_grid
from appraisal.read.imports.punch_rows import read_punch_rows
from appraisal.read.imports.reading import Reading
from appraisal.read.imports.records import EVENTS_HEADER, Draft, Imported, ReviewItem
from appraisal.read.imports.values import decimal_text, normalise
from appraisal.read.imports.workbook import Book, open_book
from appraisal.read.tables import Table

__all__ = ["detect_profile", "import_export"]

_LAYOUTS: dict[str, Callable[[Reading], None]] = {
    "day_rows": read_day_rows,
    "day_columns": read_day_columns,
    "punch_rows": read_punch_rows,
    "punch_grid": read_punch_grid,
}


def detect_profile(
    path: str | Path | InputFile, profiles: Sequence[Profile] | None = None
) -> Profile | None:
    """The known export ``path`` is, from its first rows; None for anything else (a
    canonical events file, another workbook, a file that cannot be opened)."""
    file = _path(path)
    # openpyxl streams the first rows; calamine would load whole sheets (only .xls needs it).
    book, _0 = open_book(path, engine="auto" if Path(file).suffix.lower() == ".xls" else "openpyxl")
    if book is None:
        return None
    with book:  # rows that cannot be read raise InputError, naming the sheet and cell
        return _detect(book, file, shipped_profiles() if profiles is None else profiles)


def _path(path: str | Path | InputFile) -> str:
    return path.path if isinstance(path, InputFile) else str(path)


def _detect(book: Book, file: str, profiles: Sequence[Profile]) -> Profile | None:
    found = _detect_all(book, file, profiles)
    return found[0] if found else None


def _detect_all(book: Book, file: str, profiles: Sequence[Profile]) -> list[Profile]:
    """Each export the book holds, the one to read first (see `crosscheck`)."""
    found: list[Found] = []
    for position, profile in enumerate(profiles):
        located, _1 = locate(book, profile, file, year=2000)  # the year only fills in "10-09"
        if located is not None and _looks_complete(profile, located):
            # The profile that asks most of the header is the most specific match.
            found.append((located.sheet, -len(profile.header.required), position, profile))
    return by_preference(found)


def _looks_complete(profile: Profile, located: Located) -> bool:
    """What the header alone does not show: day columns, or a grid's first info row."""
    if profile.day_columns is not None:
        pattern = profile.day_columns.day_header
        return any(day_of(pattern, column) is not None for column in located.columns)
    if profile.punch_grid is not None:
        labels = set(profile.employee.ids) | {profile.employee.name or ""}
        below = itertools.islice(located.rows, profile.header.search_rows)
        return any(
            normalise(value) in labels
            for _2, values in below
            for value in values
            if value is not None
        )
    return True


def import_export(
    path: str | Path | InputFile,
    month: Month,
    roster: Sequence[Employee] | None,
    *,
    hours_per_day: Decimal = Decimal(8),
    profile: Profile | None = None,
    engine: str = "auto",
) -> Imported:
    """Read an attendance export into canonical events for ``month``.

    ``profile`` forces one (``--profile``); without it the export is detected.
    ``roster`` None takes the export's 工号 as the employee_id, unmatched to any roster.
    ``hours_per_day`` (the policy's attendance.hours_per_day) turns hours into days.
    ``engine`` picks the xlsx reader (see `workbook.open_book`).
    """
    file = _path(path)
    book, issues = open_book(path, engine=engine)
    if book is None:
        return _failed(profile, file, issues)
    with book:
        checks: list[Profile] = []  # other exports of the same workbook: a cross-check
        if profile is None:
            found = _detect_all(book, file, shipped_profiles())
            if not found:
                known = ", ".join(f"{p.id} ({p.title})" for p in shipped_profiles())
                message = _(
                    "not an attendance export this version knows (known: {known}); name a profile for another layout"
                ).format(known=known)
                return _failed(None, file, [Issue(file, None, None, message)])
            profile, checks = found[0], found[1:]
        reading, issues = _read(book, profile, file, month, hours_per_day)
        if reading is None:
            return _failed(profile, file, issues)
        others = [_read(book, check, file, month, hours_per_day) for check in checks]
    matched, issues = match_people(reading.people, roster, file)
    if not reading.people and not reading.issues:
        where = _("{sheet} below the header (row {header_row})").format(
            sheet=reading.located.sheet, header_row=reading.located.header_row
        )
        issues.append(Issue(file, None, None, _("no employee rows in {where}").format(where=where)))
    cross: list[ReviewItem] = []
    for other, other_issues in others:
        issues += other_issues
        if other is not None and not other_issues:
            other_ids, other_issues = match_people(other.people, roster, file)
            issues += [*other.issues, *other_issues]
            if not other.issues and not other_issues and not issues and not reading.issues:
                cross += cross_check(reading, matched, other, other_ids)
    if reading.issues or issues:
        return _failed(profile, file, [*reading.issues, *issues])
    drafts = sorted(reading.drafts, key=Draft.sort_key)
    rows = tuple(
        (d.row, (matched[d.who], d.day.isoformat(), d.kind, _value(d), ";".join(d.flags), d.text))
        for d in drafts
        if d.kind is not None
    )
    review: dict[tuple[str, object, str], ReviewItem] = {}
    for d in drafts:
        if d.kind is None:
            item = ReviewItem(matched[d.who], d.day, d.text, file, d.cell, d.applied)
            review.setdefault((item.employee_id, item.date, item.what), item)
    for item in cross:
        review.setdefault((item.employee_id, item.date, item.what), item)
    table = Table(file, Path(file).name, EVENTS_HEADER, rows, reading.located.header_row)
    return Imported(profile.id, table, tuple(review.values()), ())


def _read(
    book: Book, profile: Profile, file: str, month: Month, hours_per_day: Decimal
) -> tuple[Reading | None, list[Issue]]:
    """One export of the book read by its profile: the layout's drafts, or the issues."""
    located, issues = locate(book, profile, file, month.year)
    if located is None or issues:
        return None, issues
    period_issue = _check_period(file, located, month)
    if period_issue is not None:
        return None, [period_issue]
    reading = Reading(profile, file, month, hours_per_day, located)
    _LAYOUTS[profile.layout](reading)
    return reading, []


def _value(draft: Draft) -> str:
    return decimal_text(draft.value) if draft.value is not None else ""


def _check_period(file: str, located: Located, month: Month) -> Issue | None:
    if located.period is None:
        return None
    start, end = located.period
    if month.contains(start) and month.contains(end):
        return None
    message = _("the export covers {start} to {end}, not the month being run ({month})").format(
        start=start.isoformat(), end=end.isoformat(), month=month
    )
    return Issue(file, None, located.period_cell, message)


def _failed(profile: Profile | None, file: str, issues: Sequence[Issue]) -> Imported:
    table = Table(file, Path(file).name, EVENTS_HEADER, ())
    return Imported(profile.id if profile else "", table, (), tuple(issues))
