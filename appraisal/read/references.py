"""Read stage, across files: events checked against the roster and against each other.

Each file's rows are parsed alone (`appraisal.read.parse`); what only shows across
files is checked here, once every file is read: an event for someone not on the
roster (with a suggestion for a mistyped id), a once-a-month row given in two files,
and two events files of one name, whose rows the audit trail could not tell apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from appraisal.domain.model import Employee, Event, Issue, Kind, Source
from appraisal.domain.suggest import closest
from appraisal.i18n import _
from appraisal.read.row_wording import once_a_month
from appraisal.read.tables import Table

__all__ = ["check_references"]


def check_references(
    roster: Sequence[Employee], events: Sequence[Event], tables: Iterable[Table] = ()
) -> list[Issue]:
    """Events whose employee is not in the roster, and once-a-month rows repeated across files.

    ``tables`` are the events tables the events came from, for two files of one name.
    Repeats inside one file are reported by `parse_events`; this adds the ones between files.
    """
    issues: list[Issue] = []
    paths: dict[str, str] = {}
    for table in tables:
        if paths.setdefault(table.name, table.file) != table.file:
            message = _(
                "two events files are named {name!r} ({paths} and {file}); rename one, so the audit trail can tell their rows apart"
            ).format(name=table.name, paths=paths[table.name], file=table.file)
            issues.append(Issue(table.file, None, None, message))
    known = {employee.employee_id for employee in roster}
    hints: dict[str, str] = {}
    first: dict[tuple[str, Kind, str], Source] = {}
    # Repeats within one file are parse's: with every event from one file, none is left.
    across = len({event.source.file for event in events}) > 1
    for event in events:
        source = event.source
        if event.employee_id not in known:
            if event.employee_id not in hints:
                hints[event.employee_id] = _close_id(event.employee_id, known)
            message = _("unknown employee {employee_id!r}: not in the roster").format(
                employee_id=event.employee_id
            )
            issues.append(Issue.at(source, "employee_id", message + hints[event.employee_id]))
        if not across:
            continue
        once = once_a_month(event.employee_id, event.kind, event.clause)
        if once is None:
            continue
        key, what, column = once
        earlier = first.setdefault(key, source)
        if earlier.file != source.file:
            message = _(
                "more than one {what} row for {employee_id!r} this month (also row {row} of {where})"
            ).format(what=what, employee_id=event.employee_id, row=earlier.row, where=earlier.where)
            issues.append(Issue.at(source, column, message))
    return issues


def _close_id(employee_id: str, known: set[str]) -> str:
    match = closest(employee_id, known)
    return _("; did you mean {match!r}?").format(match=match) if match else ""
