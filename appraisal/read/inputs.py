"""Read stage, all together: the month's roster and events files → `MonthInputs`.

Each file is read once (`appraisal.files.input`): its rows are parsed from those bytes
and its sha256, which the ledger seals, is the hash of the same bytes. The managers'
workbook (`appraisal template`) is read sheet by sheet: its 名册 as the roster, its 考勤
and 考评 as two events tables named ``input.xlsx[考勤]`` and ``input.xlsx[考评]``. An
attendance export (DingTalk, ZKTeco) is recognised by its import profile and converted
to events, its rows matched to the roster. The deductions file, if given, is read
last (`appraisal.read.deductions`), against the roster. `MonthInputs` is also what the ledger stores
of a month's inputs (`to_json` / `from_json`), so a replay reads nothing from disk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from appraisal.domain.deductions import DEDUCTION_FIELDS, Deductions
from appraisal.domain.errors import InputError
from appraisal.domain.model import Employee, Event, Issue, Kind, Month, Source
from appraisal.domain.money import text
from appraisal.domain.pauses import without_cycle_collection
from appraisal.files.input import read_input
from appraisal.i18n import _
from appraisal.read.deductions import MESSAGES, read_deductions
from appraisal.read.halves import read_events_in_halves
from appraisal.read.imports.records import ReviewItem
from appraisal.read.parse import parse_events, parse_roster
from appraisal.read.references import check_references
from appraisal.read.tables import Table, read_event_tables, read_roster_table

__all__ = ["MonthInputs", "read_inputs"]


@dataclass(frozen=True)
class MonthInputs:
    """A month's normalised inputs, as read from files or from the ledger."""

    month: Month
    roster: tuple[Employee, ...]
    events: tuple[Event, ...]
    files: Mapping[str, str] = field(default_factory=dict)  # input file name -> sha256
    paths: Mapping[str, str] = field(default_factory=dict)  # file name -> path as given
    problems: tuple[Issue, ...] = ()  # found while reading; rows with problems are left out
    review: tuple[ReviewItem, ...] = ()  # from attendance exports: for a person, never applied
    deductions: Mapping[str, Deductions] | None = None  # by employee_id, from run --deductions

    def to_json(self) -> dict[str, Any]:
        return {key: list(rows) for key, rows in self.json_rows().items()}

    def json_rows(self) -> dict[str, Iterator[dict[str, Any]]]:
        """`to_json`'s lists as iterators of their rows, each row made when it is read:
        the ledger encodes a large month from these (`canonical_chunks`) without ever
        holding the whole month as JSON data."""
        out: dict[str, Iterator[dict[str, Any]]] = {"roster": map(_employee_json, self.roster)}
        out["events"] = map(_event_json, self.events)
        # Only when given: a month without deductions is sealed as it always was.
        if self.deductions is not None:
            out["deductions"] = (_deductions_json(k, d) for k, d in self.deductions.items())
        return out

    @classmethod
    def from_json(
        cls, month: Month, data: Mapping[str, Any], files: Mapping[str, str]
    ) -> MonthInputs:
        roster = tuple(_employee_from(r) for r in data["roster"])
        events = tuple(_event_from(e) for e in data["events"])
        given = data.get("deductions")
        deductions = None if given is None else dict(_deductions_from(row) for row in given)
        return cls(month, roster, events, dict(files), deductions=deductions)


@without_cycle_collection()
def read_inputs(
    month: Month,
    roster_path: str | Path,
    event_paths: Sequence[str | Path],
    *,
    hours_per_day: Decimal = Decimal(8),
    deductions_path: str | Path | None = None,
) -> tuple[MonthInputs, list[Issue]]:
    """The roster, every events file and the deductions file if any, with every problem found,
    built without pauses of the cycle collector.

    The rows that read cleanly still go on to the later stages, so that one run reports
    the problems of every stage together. Hours in an attendance export become days at
    ``hours_per_day`` (the policy's); its items to review come back in ``review``.
    ``files`` keys each file's sha256 by the file's name, once however many of its
    sheets were read.
    """
    # The attendance exports' readers (profiles, workbooks) only when events are given.
    from appraisal.read.imports.convert import detect_profile, import_export

    issues: list[Issue] = []
    roster: list[Employee] = []
    events: list[Event] = []
    tables: list[Table] = []
    files: dict[str, str] = {}
    roster_file, _0 = read_input(roster_path)
    roster_table, found = read_roster_table(roster_file or roster_path)
    issues += found
    if roster_table is not None and roster_file is not None:
        parsed, found = parse_roster(roster_table)
        roster += parsed
        issues += found
        files[roster_file.name] = roster_file.sha256
    # An id on a roster row that has another problem is still a known employee: its
    # events are not "unknown" because, say, its name is missing.
    known = [*roster]
    if roster_table is not None and "employee_id" in roster_table.header:
        known += _stand_ins(roster_table, roster)
    review: list[ReviewItem] = []
    seen: dict[str, str] = {}  # sha256 -> the events file first given with those bytes
    for number, path in enumerate(event_paths):
        given, _1 = read_input(path)
        if given is None:
            issues += read_event_tables(path)[1]  # says why, as for any file that cannot be read
            continue
        if given.sha256 in seen:
            issues.append(_given_twice(given.path, number, seen[given.sha256], given.sha256))
            continue
        seen[given.sha256] = given.path
        try:
            profile = detect_profile(given)
        except InputError as error:
            if given.suffix != ".csv":  # a workbook whose first rows cannot be read: say where
                issues += error.issues
                continue
            profile = None  # the events reader names the row and column of a broken CSV
        if profile is not None:
            if roster_table is None:
                continue  # without a readable roster no one can be matched; that is reported
            imported = import_export(
                given, month, known, hours_per_day=hours_per_day, profile=profile
            )
            sheets = [] if imported.issues else [imported.table]
            found = list(imported.issues)
            review += imported.review
        else:
            # A large CSV read in two halves at once, where one pass would say no more.
            halves = read_events_in_halves(given, month)
            if halves is not None:
                tables.append(halves[0])
                events += halves[1]
                files[given.name] = given.sha256
                continue
            sheets, found = read_event_tables(given)
        issues += found
        for table in sheets:
            tables.append(table)
            parsed_events, found = parse_events(table, month)
            events += parsed_events
            issues += found
        if sheets:
            files[given.name] = given.sha256
    if roster_table is not None and "employee_id" in roster_table.header:
        issues += check_references(known, events, tables)
    paths = {t.name: t.file for t in tables}
    paths[Path(roster_path).name] = str(roster_path)
    if roster_table is not None:
        paths[roster_table.name] = roster_table.file
    deductions = None
    if deductions_path is not None:
        read_already = {sha: ("--events", path) for sha, path in seen.items()}
        if roster_file is not None:
            read_already[roster_file.sha256] = ("--roster", roster_file.path)
        readable = roster_table is not None and "employee_id" in roster_table.header
        deductions, file, found = read_deductions(
            deductions_path, known if readable else None, read_already
        )
        if file is not None and file.name in paths and not found:
            message = _(MESSAGES["same_name"]).format(name=file.name, path=paths[file.name])
            found = [Issue(file.path, None, None, message)]
        issues += found
        if file is not None:
            files[file.name], paths[file.name] = file.sha256, file.path
    inputs = MonthInputs(
        month,
        tuple(roster),
        tuple(events),
        files,
        paths,
        tuple(issues),
        tuple(review),
        deductions,
    )
    return inputs, issues


def _given_twice(path: str, number: int, first: str, sha256: str) -> Issue:
    """The same events twice would count every event twice: the same bytes are one file,
    however its path is written (``e.csv``, ``./e.csv``, a link, a copy)."""
    message = _(
        "--events number {number} is the same file as --events {first} (the same bytes, sha256 {sha256}…); each events file is given once"
    ).format(number=number + 1, first=first, sha256=sha256[:12])
    return Issue(path, None, None, message)


def _stand_ins(table: Table, roster: Sequence[Employee]) -> list[Employee]:
    column = table.header.index("employee_id")
    parsed = {e.employee_id for e in roster}
    return [
        Employee(cells[column].strip(), "", "", Source(table.name, row, table.file))
        for row, cells in table.rows
        if cells[column].strip() and cells[column].strip() not in parsed
    ]


def _employee_json(e: Employee) -> dict[str, Any]:
    return {
        "employee_id": e.employee_id,
        "name": e.name,
        "level": e.level,
        "hire_date": e.hire_date.isoformat() if e.hire_date else None,
        "department": e.department,
        "source": [e.source.file, e.source.row],
    }


def _employee_from(data: Mapping[str, Any]) -> Employee:
    return Employee(
        employee_id=data["employee_id"],
        name=data["name"],
        level=data["level"],
        source=Source(*data["source"]),
        hire_date=date.fromisoformat(data["hire_date"]) if data["hire_date"] else None,
        department=data["department"],
    )


def _deductions_json(employee_id: str, d: Deductions) -> dict[str, Any]:
    assert d.source is not None  # read from a file: every row has its own
    figures = {name: text(d.values[name]) for name in DEDUCTION_FIELDS}
    return {"employee_id": employee_id, **figures, "source": [d.source.file, d.source.row]}


def _deductions_from(data: Mapping[str, Any]) -> tuple[str, Deductions]:
    values = {name: Decimal(data[name]) for name in DEDUCTION_FIELDS}
    return data["employee_id"], Deductions(values, Source(*data["source"]))


def _event_json(e: Event) -> dict[str, Any]:
    def num(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "employee_id": e.employee_id,
        "date": e.date.isoformat(),
        "kind": e.kind,  # a StrEnum: JSON writes it as its text
        "value": num(e.value),
        "clause": e.clause,
        "amount": num(e.amount),
        "points": num(e.points),
        "flags": sorted(e.flags),
        "note": e.note,
        "source": [e.source.file, e.source.row],
    }


def _event_from(data: Mapping[str, Any]) -> Event:
    def num(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return Event(
        employee_id=data["employee_id"],
        date=date.fromisoformat(data["date"]),
        kind=Kind(data["kind"]),
        source=Source(*data["source"]),
        value=num(data["value"]),
        clause=data["clause"],
        amount=num(data["amount"]),
        points=num(data["points"]),
        flags=frozenset(data["flags"]),
        note=data["note"],
    )
