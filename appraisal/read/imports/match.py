"""Matching the people of an export to the roster.

An export names people by 工号, by DingTalk's UserId and by name. A row matches the
roster's employee_id by an id first; the name is used only when it is exact and
unambiguous (one roster employee has it), since two 王芳 in one company are common.
Everyone the export names must match, even with a clean month: an unmatched person
means the roster or the export is wrong, and one issue lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from appraisal.domain.model import Employee, Issue
from appraisal.i18n import _
from appraisal.read.imports.records import Who

__all__ = ["match_people"]


def match_people(
    people: Mapping[Who, str], roster: Sequence[Employee] | None, file: str
) -> tuple[dict[Who, str], list[Issue]]:
    """Each person's employee_id, and one issue listing everyone who matches none.

    Without a roster (`appraisal import` run on its own) the export's first id column
    (工号) is taken as the employee_id as written; a person without one is unmatched.
    """
    if roster is None:
        return _ids_as_written(people, file)
    by_id = {employee.employee_id: employee for employee in roster}
    by_name: dict[str, list[str]] = {}
    for employee in roster:
        by_name.setdefault(employee.name.strip(), []).append(employee.employee_id)
    matched: dict[Who, str] = {}
    unmatched: list[str] = []
    for who, cell in people.items():
        found = next((value for _0, value in who.ids if value in by_id), None)
        namesakes = by_name.get(who.name, []) if who.name else []
        if found is None and len(namesakes) == 1:
            found = namesakes[0]
        if found is not None:
            matched[who] = found
            continue
        if len(namesakes) > 1:
            shared = _("{who} at {cell} (the name is shared by {namesakes})")
        else:
            shared = _("{who} at {cell}")
        unmatched.append(shared.format(who=who, cell=cell, namesakes=", ".join(namesakes)))
    return matched, _unmatched_issue(
        unmatched,
        file,
        _("matched no roster employee by id or by a name only one roster employee has"),
    )


def _ids_as_written(people: Mapping[Who, str], file: str) -> tuple[dict[Who, str], list[Issue]]:
    matched: dict[Who, str] = {}
    unmatched: list[str] = []
    for who, cell in people.items():
        found = next((value for _1, value in who.ids if value), None)
        if found is None:
            unmatched.append(_("{who} at {cell}").format(who=who, cell=cell))
        else:
            matched[who] = found
    return matched, _unmatched_issue(
        unmatched,
        file,
        _("without an id (工号), and no roster was given to match names: give --roster"),
    )


def _unmatched_issue(unmatched: Sequence[str], file: str, why: str) -> list[Issue]:
    if not unmatched:
        return []
    count = len(unmatched)
    if count > 1:
        message = _("{count} people in the export {why}: {unmatched}")
    else:
        message = _("{count} person in the export {why}: {unmatched}")
    listed = _("; ").join(unmatched)
    return [Issue(file, None, None, message.format(count=count, why=why, unmatched=listed))]
