"""The desk's readings: a month's figures for what a user sees, what was recognised in a
file, a draft's roster, uploads written under their own names, and issues that name
the file as the user sent it (never the private folder it was read from)."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from appraisal.domain.errors import AppraisalError, BadFile, InputError
from appraisal.domain.model import Employee, Issue, Month
from appraisal.domain.results import EmployeeResult, MonthResults
from appraisal.domain.suggest import closest
from appraisal.drafts import parse_resolution
from appraisal.export.changes import change_lines
from appraisal.export.summary import summary_lines
from appraisal.i18n import N_, _
from appraisal.ledger.drafts import DraftFile
from appraisal.read.imports.convert import detect_profile, import_export
from appraisal.read.parse import parse_events, parse_roster
from appraisal.read.tables import read_event_tables, read_roster_table, read_table
from appraisal.web.errors import Invalid
from appraisal.web.users import User
from appraisal.web.views import (
    Band,
    Charts,
    DepartmentGross,
    EmployeeChange,
    EmployeeRow,
    Figures,
    Recognised,
    Unmatched,
)
from payroll_export.changes_model import ChangeReport

__all__ = [
    "changes_seen",
    "employee_rows",
    "figures",
    "parsed_resolution",
    "recognise",
    "report_lines",
    "roster_of",
    "safe_name",
    "tidied",
    "uploaded",
]

#: How the profiles of what is not an attendance export are named.
OWN_PROFILES = {
    "roster": N_("roster"),
    "events": N_("events table or input workbook (appraisal template)"),
    "deductions": N_("deductions (扣款)"),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_name(filename: str) -> str:
    """The file's name as sent, without folders or control characters (Invalid if none)."""
    name = _CONTROL.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if name in ("", ".", ".."):
        raise Invalid(_("{name} is not a file name").format(name=repr(filename)))
    return name


@contextmanager
def uploaded(name: str, data: bytes) -> Iterator[Path]:
    """The bytes written in a private folder under ``name``; errors raised inside name
    the file as sent (`tidied`)."""
    with tempfile.TemporaryDirectory(prefix="appraisal-web-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            yield path
        except (InputError, BadFile) as error:
            raise tidied(error, folder) from None


def tidied(error: AppraisalError, folder: str) -> AppraisalError:
    """``error`` with ``folder/`` taken out of every issue's file and message."""
    prefix = str(folder).rstrip("/") + "/"

    def fix(issue: Issue) -> Issue:
        return dataclasses.replace(
            issue, file=issue.file.replace(prefix, ""), message=issue.message.replace(prefix, "")
        )

    if isinstance(error, InputError):
        return InputError([fix(i) for i in error.issues], what=error.what)
    if isinstance(error, BadFile):
        return type(error)([fix(i) for i in error.issues])
    return error


def roster_of(files: Sequence[DraftFile]) -> dict[str, Employee]:
    """The draft's roster (the last one sent), by employee_id; {} without one."""
    rosters = [f for f in files if f.role == "roster"]
    if not rosters:
        return {}
    with uploaded(rosters[-1].name, rosters[-1].content) as path:
        table, _issues = read_roster_table(path)
        people = parse_roster(table)[0] if table is not None else []
    return {person.employee_id: person for person in people}


def rows_by_employee(
    path: Path, role: str, month: Month, roster: Sequence[Employee]
) -> list[tuple[str, int]]:
    """(employee_id, row) of each readable data row of a file, as the month would read it."""
    if role == "deductions":
        table = read_table(path)[0]
        if table is None or "employee_id" not in table.header:
            return []
        at = table.header.index("employee_id")
        return [(cells[at], row) for row, cells in table.rows if cells[at]]
    if detect_profile(path) is not None:
        imported = import_export(path, month, roster)
        return [(cells[0], row) for row, cells in imported.table.rows] + [
            (item.employee_id, 0) for item in imported.review
        ]
    found = []
    for sheet in read_event_tables(path)[0]:
        found += [(e.employee_id, e.source.row or 0) for e in parse_events(sheet, month)[0]]
    return found


def recognise(
    path: Path, name: str, role: str, month: Month, roster: Sequence[Employee]
) -> Recognised:
    """What a file is and whom it names: its import profile, its rows, the employees it
    matches on the roster, and those it does not, with the roster's closest."""
    profile = None if role != "events" else detect_profile(path)
    if profile is None:
        kind, kind_name = role, _(OWN_PROFILES.get(role, role))
    else:
        kind, kind_name = profile.id, profile.title
    if role == "roster":
        table = read_roster_table(path)[0]
        people = parse_roster(table)[0] if table is not None else []
        ids = tuple(p.employee_id for p in people)
        return Recognised(name, role, kind, kind_name, len(ids), ids, ())
    if profile is not None and roster:
        imported = import_export(path, month, roster)
        rows = [(cells[0], row) for row, cells in imported.table.rows]
        issues = list(imported.issues)
        if issues:  # who matched no one: read with the export's own ids
            alone = import_export(path, month, None)
            rows = [(cells[0], row) for row, cells in alone.table.rows]
    else:
        rows = [] if not roster else rows_by_employee(path, role, month, roster)
    known = {p.employee_id for p in roster}
    rows_of: dict[str, list[str]] = {}
    for employee_id, row in rows:
        rows_of.setdefault(employee_id, []).append(f"{name}:{row}")
    matched = tuple(sorted(e for e in rows_of if e in known))
    names = {p.name: p.employee_id for p in roster}
    unmatched = []
    for employee_id in sorted(e for e in rows_of if e not in known):
        meant = closest(employee_id, [*known, *names])
        suggestions: tuple[str, ...] = () if meant is None else (names.get(meant, meant),)
        message = _("{employee} is not on the roster").format(employee=employee_id)
        if meant is not None:
            message += _("; did you mean {meant}?").format(meant=suggestions[0])
        unmatched.append(Unmatched(employee_id, tuple(rows_of[employee_id]), suggestions, message))
    return Recognised(name, role, kind, kind_name, len(rows), matched, tuple(unmatched))


def _demoted(person: EmployeeResult) -> bool:
    return bool(person.next_level and person.next_level != person.level and person.demotion_reasons)


def _net(person: EmployeeResult) -> Decimal:
    gross = person.pay.gross
    return gross if person.deductions is None else person.deductions.net(gross)


def employee_rows(
    people: Sequence[EmployeeResult], titles: Mapping[str, str]
) -> tuple[EmployeeRow, ...]:
    """A row per person; ``titles`` the policy's title of each level id."""
    return tuple(
        EmployeeRow(
            employee_id=p.employee_id,
            name=p.name,
            department=p.department,
            level=p.level,
            next_level=p.next_level,
            score=p.score.total,
            gross=p.pay.gross,
            net=_net(p),
            demoted=_demoted(p),
            appraised=p.appraised,
            level_title=titles.get(p.level, p.level),
            next_level_title=p.next_level and titles.get(p.next_level, p.next_level),
        )
        for p in people
    )


def bands_of(line: int | None) -> tuple[tuple[str, Decimal], ...]:
    """The score bands of the chart, each a label and its lowest score: below the policy's
    demotion line (§ 4: 140 in 2010's scheme), then up to 160, 180 and 200."""
    cut = 140 if line is None else line
    return (
        (f"<{cut}", Decimal("-Infinity")),
        (f"{cut}-159", Decimal(cut)),
        ("160-179", Decimal(160)),
        ("180-200", Decimal(180)),
    )


def figures(
    results: MonthResults,
    people: Sequence[EmployeeResult],
    line: int | None,
    whole: bool,
    titles: Mapping[str, str],
) -> Figures:
    """The figures of ``people`` (what the user sees of ``results``); the summary lines
    only when they see the ``whole`` month (they are of every employee). ``line`` is the
    demotion line, ``titles`` the levels' titles."""
    rows = employee_rows(people, titles)
    limits = bands_of(line)

    def band(score: Decimal) -> str:
        return next(label for label, lowest in reversed(limits) if score >= lowest)

    bands = tuple(
        Band(label, sum(1 for p in people if band(p.score.total) == label)) for label, _ in limits
    )
    by_department: dict[str, list[EmployeeResult]] = {}
    for person in people:
        by_department.setdefault(person.department, []).append(person)
    departments = tuple(
        DepartmentGross(name, len(group), sum((p.pay.gross for p in group), Decimal("0.00")))
        for name, group in sorted(by_department.items())
    )
    return Figures(
        head_count=len(rows),
        gross=sum((r.gross for r in rows), Decimal("0.00")),
        net=sum((r.net for r in rows), Decimal("0.00")),
        demoted=sum(1 for r in rows if r.demoted),
        employees=rows,
        charts=Charts(bands, departments),
        summary=tuple(summary_lines(results, line, titles=titles)) if whole else (),
    )


def parsed_resolution(text: str) -> str:
    """A review decision as `draft resolve --as` takes it (Invalid otherwise)."""
    try:
        return parse_resolution(text)
    except ValueError as error:
        raise Invalid(str(error)) from None


def report_lines(report: ChangeReport) -> tuple[str, ...]:
    notes = [_("note: {note}").format(note=note) for note in report.notes]
    return (*notes, *change_lines(report))


def changes_seen(
    report: ChangeReport, user: User
) -> tuple[tuple[EmployeeChange, ...], tuple[Decimal, Decimal, Decimal]]:
    """The per-employee changes the user sees, and their back pay, clawback and net."""
    out = []
    for month in report.months:
        for c in month.changes:
            if not user.sees(c.department):
                continue
            details = tuple(f"{f.name}: {f.before:.2f} → {f.after:.2f}" for f in c.pay)
            out.append(
                EmployeeChange(
                    c.month,
                    c.employee_id,
                    c.name,
                    c.department,
                    c.gross.before,
                    c.gross.after,
                    c.gross.delta,
                    details,
                    c.rules,
                )
            )
    back = sum((c.difference for c in out if c.difference > 0), Decimal("0.00"))
    claw = sum((-c.difference for c in out if c.difference < 0), Decimal("0.00"))
    return tuple(out), (back, claw, back - claw)
