"""One workbook, several exports: which sheet is read, and the others as a cross-check.

DingTalk's 2024 export is one workbook of four sheets: 月度汇总, 打卡时间, 原始记录 and
每日统计. Three of them are exports a shipped profile reads, and each holds the same
lateness. Reading them all would count it three times, so one sheet is read: the one
whose profile declares the lowest ``rank`` (每日统计 over 月度汇总 over 原始记录). The
others only cross-check it: where a sheet says something else about a person's day (a
lateness of other minutes, a leave the read sheet lacks), that day is an item to review,
never a second event; and what only another sheet reviews, on a day the sheet read says
nothing of (月度汇总's 休息并打卡), is an item too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from appraisal.read.imports.profile import Profile
from appraisal.read.imports.reading import Reading
from appraisal.read.imports.records import ReviewItem, Who
from appraisal.read.imports.values import decimal_text
from appraisal.read.vocabulary import KINDS

__all__ = ["by_preference", "cross_check"]

# What a sheet of each layout can say: a punch sheet knows lateness and early leave only.
_KINDS_OF_LAYOUT: Mapping[str, frozenset[str]] = {
    "punch_rows": frozenset({"late", "early_leave"}),
    "punch_grid": frozenset({"late", "early_leave"}),
}
_UNITS = {"late": "分钟", "early_leave": "分钟"}  # the other kinds count days

Found = tuple[str, int, int, Profile]  # (sheet, specificity, position in the catalog, profile)


def by_preference(found: Sequence[Found]) -> list[Profile]:
    """The profile of each sheet (the most specific when several fit one sheet), the
    preferred first: lowest ``rank``, then the catalog's order."""
    per_sheet: dict[str, tuple[int, int, Profile]] = {}
    for sheet, specificity, position, profile in found:
        best = per_sheet.get(sheet)
        if best is None or (specificity, position) < best[:2]:
            per_sheet[sheet] = (specificity, position, profile)
    ordered = sorted(per_sheet.values(), key=lambda best: (best[2].rank, best[1]))
    return [profile for _, _, profile in ordered]


Totals = dict[tuple[str, date, str], tuple[Decimal, str]]  # (id, day, kind) → (sum, cell)


def cross_check(
    read: Reading,
    read_ids: Mapping[Who, str],
    other: Reading,
    other_ids: Mapping[Who, str],
) -> list[ReviewItem]:
    """An item for each person's day on which ``other`` (a sheet not read) gives other
    figures than the sheet read, for the kinds ``other`` can show."""
    kinds = _KINDS_OF_LAYOUT.get(other.profile.layout)
    ours = _totals(read, read_ids, kinds)
    theirs = _totals(other, other_ids, kinds)
    items: list[ReviewItem] = []
    for key in sorted(ours.keys() | theirs.keys()):
        mine, their = ours.get(key), theirs.get(key)
        if mine is not None and their is not None and mine[0] == their[0]:
            continue
        employee_id, day, kind = key
        unit = _UNITS.get(kind, "天")
        what = (
            f"{KINDS.names[kind][0]}：{read.located.sheet} {_shown(mine, unit)}，"
            f"{other.located.sheet} {_shown(their, unit)}（工作表不一致，按"
            f"{read.located.sheet}导入，请核对）"
        )
        cell = (mine or their or (Decimal(0), ""))[1]
        items.append(ReviewItem(employee_id, day, what, read.file, cell))
    # What only the other sheet reviews (休息并打卡 in 月度汇总), on a day the sheet read
    # says nothing of: an item all the same, pointing at the other sheet's cell.
    said = {(read_ids[d.who], d.day) for d in read.drafts}
    for draft in other.drafts:
        person = other_ids[draft.who]
        if draft.kind is None and (person, draft.day) not in said:
            item = ReviewItem(person, draft.day, draft.text, read.file, draft.cell, draft.applied)
            items.append(item)
    return items


def _totals(reading: Reading, ids: Mapping[Who, str], kinds: frozenset[str] | None) -> Totals:
    totals: Totals = {}
    for draft in reading.drafts:
        if draft.kind is None or draft.value is None or (kinds and draft.kind not in kinds):
            continue
        key = (ids[draft.who], draft.day, draft.kind)
        total, cell = totals.get(key, (Decimal(0), draft.cell))
        totals[key] = (total + draft.value, cell)
    return totals


def _shown(total: tuple[Decimal, str] | None, unit: str) -> str:
    return f"{decimal_text(total[0])}{unit}" if total is not None else "无"
