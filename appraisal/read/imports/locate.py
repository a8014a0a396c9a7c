"""Finding an export's parts: its sheet, its header (one or two rows), the period it covers.

Shared by detection and import. Exports put title rows, generation times and blank rows
above the header, and different versions add or drop them, so the header is found by
its contents (the profile's ``header.required`` names, or for a punch grid its row of
day numbers), never by a fixed row. A two-row header (merged parents such as 请假 over
事假(天), 病假(天)) is recognised by its second row: it leaves the columns that identify a
header empty, which a data row never does.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from appraisal.domain.model import Issue
from appraisal.domain.suggest import closest
from appraisal.i18n import _
from appraisal.read.imports.profile import Profile
from appraisal.read.imports.values import as_date, normalise, split_unit
from appraisal.read.imports.workbook import Book, Row, cell_name

__all__ = ["Column", "Located", "locate"]


@dataclass(frozen=True)
class Column:
    """One column of the header. ``name`` is normalised with any unit suffix taken off."""

    index: int
    row: int  # the header row the name is on (the second of a two-row header for 事假(天))
    text: str  # as the export shows it, for notes: 迟到时长(分钟)
    full: str  # normalised, with its suffix: 迟到时长(分钟), 休息日(转加班费)
    name: str  # normalised, suffix off: 迟到时长, 休息日
    unit: str | None  # the suffix: 分钟
    top: str  # the normalised top-row text of a two-row header (a day number in 月度汇总)


@dataclass
class Located:
    """An export's header found in one sheet, and the rows below it still to be read."""

    sheet: str
    header_row: int
    columns: tuple[Column, ...]
    period: tuple[date, date] | None
    period_cell: str | None
    rows: Iterator[tuple[int, Row]]  # (row number, values) of the rows below the header

    def find(self, names: Sequence[str]) -> Column | None:
        """The first column with one of ``names``. A name that includes the header's
        parenthesised suffix (休息日(转加班费)) leaves the column without a unit."""
        for wanted in names:
            for column in self.columns:
                if column.full == wanted:
                    return replace(column, name=column.full, unit=None)
                if column.name == wanted:
                    return column
        return None

    def at(self, column: Column) -> str:
        return f"{self.sheet}!{cell_name(column.row, column.index)}"


def locate(
    book: Book, profile: Profile, file: str, year: int
) -> tuple[Located | None, list[Issue]]:
    """The profile's header in the book (the named sheet, or the first sheet that has it)."""
    sheets = book.sheet_names
    if profile.sheet is not None:
        pattern = re.compile(profile.sheet)
        sheets = [name for name in sheets if pattern.fullmatch(name)]
        if not sheets:
            message = _(
                "no sheet named like {sheet!r} for {title} (the workbook has: {value})"
            ).format(
                sheet=profile.sheet,
                title=profile.title,
                value=", ".join(book.sheet_names) or _("no sheets"),
            )
            return None, [Issue(file, None, None, message)]
    closest: _Miss | None = None
    # A punch grid's row of day numbers counts only with a person's labels below it: a
    # schedule sheet (排班信息) has day numbers too, but no 工号: labels.
    ahead = _AHEAD if profile.layout == "punch_grid" else 0
    for sheet in sheets:
        rows = enumerate(book.rows(sheet), start=1)
        head = list(itertools.islice(rows, profile.header.search_rows + ahead))
        for at, (number, values) in enumerate(head[: profile.header.search_rows]):
            below = head[at + 1 : at + 1 + ahead]
            if _is_header(profile, values) and (not ahead or _has_people(profile, below)):
                rest = itertools.chain(head[at + 1 :], rows)  # the rows after the header
                return _located(profile, file, year, sheet, number, values, head[:at], rest)
        miss = _closest_miss(profile, sheet, head[: profile.header.search_rows])
        if miss is not None and (closest is None or len(miss.missing) < len(closest.missing)):
            closest = miss
    return None, [Issue(file, None, None, _not_found(profile, sheets, closest))]


_AHEAD = 10  # rows below a punch grid's day numbers searched for the first person's labels


def _has_people(profile: Profile, rows: list[tuple[int, Row]]) -> bool:
    """Whether ``rows`` hold an info row: an employee label (工 号：) with a value after it."""
    labels = set(profile.employee.ids) | (
        {profile.employee.name} if profile.employee.name else set()
    )
    for _number, values in rows:
        texts = [normalise(v) if v is not None and str(v).strip() else "" for v in values]
        for index, text in enumerate(texts):
            if text in labels:
                after = next((t for t in texts[index + 1 :] if t), "")
                if after and after not in labels:
                    return True
    return False


def _is_header(profile: Profile, values: Row) -> bool:
    if profile.layout == "punch_grid":
        assert profile.punch_grid is not None
        pattern = re.compile(profile.punch_grid.day_header)
        days = [day for value in values if value is not None and (day := _day(pattern, value))]
        return len(days) >= profile.punch_grid.min_days and _consecutive(days)
    names = _names(values)
    return all(n in names for n in profile.header.required)


def _consecutive(days: list[int]) -> bool:
    """Day numbers of one period, in order: 1 2 … 7, or 26 … 31 1 … 25 across a month's end."""
    for before, after in itertools.pairwise(days):
        if after != before + 1 and not (after == 1 and before >= 28):
            return False
    return True


def _names(values: Row) -> set[str]:
    names: set[str] = set()
    for value in values:
        if value is not None:
            full = normalise(value)
            names.update((full, split_unit(full)[0]))
    return names


def _day(pattern: re.Pattern[str], value: object) -> int | None:
    match = pattern.fullmatch(normalise(value))
    if match is None or not match["day"].isdigit():
        return None
    day = int(match["day"])
    return day if 1 <= day <= 31 else None


def _located(
    profile: Profile,
    file: str,
    year: int,
    sheet: str,
    number: int,
    values: Row,
    above: list[tuple[int, Row]],
    rows: Iterator[tuple[int, Row]],
) -> tuple[Located | None, list[Issue]]:
    first = next(rows, None)
    sub: Row = ()
    rest = rows
    if first is not None and _is_second_header_row(profile, values, first[1]):
        sub = first[1]
    elif first is not None:
        rest = itertools.chain([first], rows)
    columns = _columns(number, values, sub)
    period, cell, issues = _period(profile, file, sheet, above, year)
    return Located(sheet, number, columns, period, cell, rest), issues


def _is_second_header_row(profile: Profile, header: Row, row: Row) -> bool:
    """A row under the header whose cells below the identifying columns are empty."""
    if profile.layout == "punch_grid" or not any(v is not None for v in row):
        return False
    keys = [
        i
        for i, value in enumerate(header)
        if value is not None and _names([value]) & set(profile.header.required)
    ]
    return all(i >= len(row) or row[i] is None or not str(row[i]).strip() for i in keys)


def _columns(row: int, top: Row, sub: Row) -> tuple[Column, ...]:
    columns: list[Column] = []
    for index in range(max(len(top), len(sub))):
        top_value = top[index] if index < len(top) else None
        sub_value = sub[index] if index < len(sub) else None
        in_sub = sub_value is not None and bool(str(sub_value).strip())
        shown = sub_value if in_sub else top_value
        if shown is None or not str(shown).strip():
            continue
        full = normalise(shown)
        name, unit = split_unit(full)
        text = unicodedata.normalize("NFKC", str(shown)).strip()
        top_text = normalise(top_value) if top_value is not None else ""
        columns.append(Column(index, row + in_sub, text, full, name, unit, top_text))
    return tuple(columns)


def _period(
    profile: Profile, file: str, sheet: str, above: list[tuple[int, Row]], year: int
) -> tuple[tuple[date, date] | None, str | None, list[Issue]]:
    if profile.period is None:
        return None, None, []
    pattern = re.compile(profile.period.pattern)
    for number, values in above:
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            match = pattern.search(unicodedata.normalize("NFKC", value))
            if match is None:
                continue
            where = f"{sheet}!{cell_name(number, index)}"
            start, end = _period_dates(match["start"], match["end"], year)
            if start is None or end is None or end < start:
                return (
                    None,
                    where,
                    [
                        Issue(
                            file,
                            None,
                            where,
                            _("cannot read the period {value!r}").format(value=value),
                        )
                    ],
                )
            return (start, end), where, []
    if profile.period.required:
        message = _(
            "the export does not say which dates it covers (no cell above the header matches {pattern!r}); its days are numbers without a month"
        ).format(pattern=profile.period.pattern)
        return None, None, [Issue(file, None, None, message)]
    return None, None, []


def _period_dates(start_text: str, end_text: str, year: int) -> tuple[date | None, date | None]:
    """The first and last day of a period; an end without its year (``2021/09/01 ~ 09/30``)
    is in the start's year, or the next when it comes before the start (12/26 ~ 01/25)."""
    start = as_date(start_text, year)
    if start is None:
        return None, None
    end = as_date(end_text, start.year)
    if end is not None and end < start and not _FULL_YEAR.match(end_text.strip()):
        end = as_date(end_text, start.year + 1)
    return start, end


_FULL_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class _Miss:
    """The row that came nearest to being the header, for the message when none is."""

    sheet: str
    row: int
    missing: list[str]
    names: set[str]


def _closest_miss(profile: Profile, sheet: str, seen: list[tuple[int, Row]]) -> _Miss | None:
    best: _Miss | None = None
    for number, values in seen:
        names = _names(values)
        missing = [n for n in profile.header.required if n not in names]
        if len(missing) < len(profile.header.required) and (
            best is None or len(missing) < len(best.missing)
        ):
            best = _Miss(sheet, number, missing, names)
    return best


def _not_found(profile: Profile, sheets: list[str], closest: _Miss | None) -> str:
    where = _("the first {search_rows} rows of sheet {sheets}").format(
        search_rows=profile.header.search_rows, sheets=", ".join(sheets)
    )
    if profile.layout == "punch_grid":
        assert profile.punch_grid is not None
        labels = ", ".join((*profile.employee.ids, *filter(None, [profile.employee.name])))
        return _(
            "not a {title} export: no row of day numbers (at least {min_days}) with a person's labels ({labels}) below it in {where}"
        ).format(
            title=profile.title, min_days=profile.punch_grid.min_days, labels=labels, where=where
        )
    wanted = ", ".join(profile.header.required)
    message = _("not a {title} export: no header row with {wanted} in {where}").format(
        title=profile.title, wanted=wanted, where=where
    )
    if closest is not None:
        hints = [f"{m!r}{_close(m, closest.names)}" for m in closest.missing]
        message += _(" (the nearest, {sheet} row {row}, lacks {hints})").format(
            sheet=closest.sheet, row=closest.row, hints=", ".join(hints)
        )
    return message


def day_of(pattern: str, column: Column) -> int | None:
    """The day number a day column's header gives (top row first, as 月度汇总 puts the
    weekday under it), or None for any other column."""
    compiled = re.compile(pattern)
    for text in (column.top, column.full):
        day = _day(compiled, text)
        if day is not None:
            return day
    return None


def _close(word: str, names: set[str]) -> str:
    match = closest(word, names)
    return _(" (did you mean {match!r}?)").format(match=match) if match else ""
