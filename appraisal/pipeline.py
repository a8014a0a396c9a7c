"""The pipeline, as one short function per command.

read → validate → resolve policy → evaluate → check → seal → export. Each stage returns
its values and its problems; `run_month` reads like the table of contents of the
engine. `replay_month` recomputes a sealed month from what the ledger stored alone and
lists every difference. `evaluate_rows` is the same path for Python callers, without
files or a ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from appraisal.check import check_month
from appraisal.domain.errors import InputError
from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
from appraisal.domain.results import EmployeeResult, results_json
from appraisal.domain.version import __version__
from appraisal.engine.evaluate import evaluate
from appraisal.engine.validate import validate
from appraisal.ledger.carry import carry
from appraisal.ledger.store import (
    AlreadySealed,
    Ledger,
    NewSeal,
    SealedMonth,
    canonical_json,
    fingerprint_of,
)
from appraisal.policy.loaded import Policy, load_policy, load_policy_bundle
from appraisal.read import parse as read
from appraisal.read.imports import ReviewItem, detect_profile, import_export

__all__ = ["MonthInputs", "RunOutcome", "evaluate_rows", "read_inputs", "replay_month", "run_month"]


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

    def to_json(self) -> dict[str, Any]:
        return {
            "roster": [_employee_json(e) for e in self.roster],
            "events": [_event_json(e) for e in self.events],
        }

    @classmethod
    def from_json(
        cls, month: Month, data: Mapping[str, Any], files: Mapping[str, str]
    ) -> MonthInputs:
        roster = tuple(_employee_from(r) for r in data["roster"])
        events = tuple(_event_from(e) for e in data["events"])
        return cls(month, roster, events, dict(files))


@dataclass(frozen=True)
class Computed:
    """One evaluated month, ready to seal."""

    results: tuple[EmployeeResult, ...]
    results_json: dict[str, Any]
    state_after: CarriedState


@dataclass(frozen=True)
class RunOutcome:
    results_json: dict[str, Any]
    record: SealedMonth
    status: str  # "sealed", "unchanged" or "amended"
    stale_months: tuple[str, ...] = ()


def read_inputs(
    month: Month,
    roster_path: str | Path,
    event_paths: Sequence[str | Path],
    *,
    hours_per_day: Decimal = Decimal(8),
) -> tuple[MonthInputs, list[Issue]]:
    """Read stage: the roster and every events file, with every problem found.

    The rows that read cleanly still go on to the later stages, so that one run reports
    the problems of every stage together. The managers' workbook (`appraisal template`)
    is read sheet by sheet: its 名册 as the roster, its 考勤 and 考评 as two events tables
    named ``input.xlsx[考勤]`` and ``input.xlsx[考评]``. An attendance export (DingTalk,
    ZKTeco) is recognised by its import profile and converted to events, its rows
    matched to the roster; hours become days at ``hours_per_day`` (the policy's); its
    items to review come back in ``review``. ``files`` keys each file's sha256 by the
    file's name, once however many of its sheets were read.
    """
    issues: list[Issue] = []
    roster: list[Employee] = []
    events: list[Event] = []
    tables: list[read.Table] = []
    files: dict[str, str] = {}
    roster_table, found = read.read_roster_table(roster_path)
    issues += found
    if roster_table is not None:
        parsed, found = read.parse_roster(roster_table)
        roster += parsed
        issues += found
        files[Path(roster_path).name] = read.file_sha256(roster_path)
    # An id on a roster row that has another problem is still a known employee: its
    # events are not "unknown" because, say, its name is missing.
    known = [*roster]
    if roster_table is not None and "employee_id" in roster_table.header:
        known += _stand_ins(roster_table, roster)
    review: list[ReviewItem] = []
    for path in event_paths:
        if (profile := detect_profile(path)) is not None:
            if roster_table is None:
                continue  # without a readable roster no one can be matched; that is reported
            imported = import_export(
                path, month, known, hours_per_day=hours_per_day, profile=profile
            )
            sheets = [] if imported.issues else [imported.table]
            found = list(imported.issues)
            review += imported.review
        else:
            sheets, found = read.read_event_tables(path)
        issues += found
        for table in sheets:
            tables.append(table)
            parsed_events, found = read.parse_events(table, month)
            events += parsed_events
            issues += found
        if sheets:
            files[Path(path).name] = read.file_sha256(path)
    if roster_table is not None and "employee_id" in roster_table.header:
        issues += read.check_references(known, events, tables)
    paths = {t.name: t.file for t in tables}
    paths[Path(roster_path).name] = str(roster_path)
    if roster_table is not None:
        paths[roster_table.name] = roster_table.file
    inputs = MonthInputs(
        month, tuple(roster), tuple(events), files, paths, tuple(issues), tuple(review)
    )
    return inputs, issues


def _stand_ins(table: read.Table, roster: Sequence[Employee]) -> list[Employee]:
    column = table.header.index("employee_id")
    parsed = {e.employee_id for e in roster}
    return [
        Employee(cells[column].strip(), "", "", Source(table.name, row))
        for row, cells in table.rows
        if cells[column].strip() and cells[column].strip() not in parsed
    ]


def compute(
    policy: Policy, inputs: MonthInputs, state: CarriedState
) -> tuple[Computed | None, list[Issue]]:
    """Validate, resolve the policy in force, evaluate, check: one month, no I/O.

    Every stage runs on the rows that passed the stages before it, and the problems of
    all stages come back together; results only when there are none.
    """
    in_force = policy.in_force(inputs.month)
    found = validate(in_force, inputs.roster, inputs.events)
    refused = {(i.file, i.row) for i in found}
    roster = tuple(e for e in inputs.roster if (e.source.file, e.source.row) not in refused)
    known = {e.employee_id for e in roster}
    events = tuple(
        e
        for e in inputs.events
        if (e.source.file, e.source.row) not in refused and e.employee_id in known
    )
    evaluation = evaluate(in_force, inputs.month, roster, events, state)
    issues = [*inputs.problems, *_named([*found, *evaluation.issues], inputs.paths)]
    if issues:
        return None, sorted(issues, key=lambda i: (i.file, i.row or 0))
    results = check_month(in_force, events, evaluation.results)
    info = {"id": in_force.id, "version": in_force.version, "sha256": in_force.sha256}
    document = results_json(str(inputs.month), info, results)
    return Computed(results, document, carry(state, inputs.month, results)), []


def run_month(
    policy: Policy, inputs: MonthInputs, ledger_path: str | Path, amend: str | None = None
) -> RunOutcome:
    """`appraisal run`: compute the month on the ledger's carried state and seal it."""
    month = str(inputs.month)
    previous = current = None
    if Path(ledger_path).exists():  # a new ledger is created only once there is a month to seal
        with Ledger(ledger_path) as ledger:
            previous, current = ledger.previous_current(month), ledger.current(month)
    state = CarriedState.from_json(previous.state_after) if previous else CarriedState()
    computed, issues = compute(policy, inputs, state)
    if computed is None:
        raise InputError(issues)
    new = NewSeal(
        month=month,
        inputs=inputs.to_json(),
        input_files=dict(inputs.files),
        policy_id=policy.id,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        policy_sources=policy.texts,
        state_before=state.to_json(),
        state_after=computed.state_after.to_json(),
        results=computed.results_json,
        engine_version=__version__,
    )
    if current is not None and current.fingerprint == fingerprint_of(new):
        # The sealed results stand; they equal a fresh computation unless the engine
        # changed since, which `appraisal replay` reports.
        same = current.results == computed.results_json
        return RunOutcome(computed.results_json if same else current.results, current, "unchanged")
    if current is not None and amend is None:
        raise AlreadySealed(current)
    with Ledger(ledger_path) as ledger:
        # The ledger re-checks inside its transaction: a month sealed meanwhile is refused.
        record = ledger.seal(new, amend)
        stale: tuple[str, ...] = ()
        if current is not None and canonical_json(current.state_after) != canonical_json(
            record.state_after
        ):
            stale = tuple(ledger.months_after(month))
    return RunOutcome(computed.results_json, record, "amended" if current else "sealed", stale)


@dataclass(frozen=True)
class ReplayOutcome:
    record: SealedMonth | None
    differences: list[str]


def replay_month(month: Month, ledger_path: str | Path) -> ReplayOutcome:
    """`appraisal replay`: recompute a sealed month from the ledger alone and compare."""
    if not Path(ledger_path).exists():
        return ReplayOutcome(None, [f"{ledger_path}: no ledger file"])
    with Ledger(ledger_path) as ledger:
        differences = [f"ledger chain: {p}" for p in ledger.verify_chain()]
        record = ledger.current(str(month))
        if record is None:
            sealed = ", ".join(ledger.sealed_months()) or "none"
            return ReplayOutcome(
                None, [*differences, f"{month} is not sealed (sealed months: {sealed})"]
            )
        previous = ledger.previous_current(str(month))
    if previous is not None and canonical_json(previous.state_after) != canonical_json(
        record.state_before
    ):
        differences.append(
            f"state before {month} differs from the state {previous.month} left: "
            f"{previous.month} was amended after {month} was sealed; re-seal {month} with --amend"
        )
    # From the texts the ledger stored, never from today's files.
    policy = load_policy_bundle(record.policy_sources)
    if policy.sha256 != record.policy_sha256:
        differences.append(f"policy text: sha256 {policy.sha256} != sealed {record.policy_sha256}")
    inputs = MonthInputs.from_json(month, record.inputs, record.input_files)
    computed, issues = compute(policy, inputs, CarriedState.from_json(record.state_before))
    if computed is None:
        return ReplayOutcome(record, [*differences, *(f"stored input: {i}" for i in issues)])
    differences += diff("results", record.results, computed.results_json)
    differences += diff("state after", record.state_after, computed.state_after.to_json())
    return ReplayOutcome(record, differences)


def evaluate_rows(
    month: str,
    roster: Sequence[Mapping[str, object]],
    events: Sequence[Mapping[str, object]],
    *,
    policy: str | Path | Policy | None = None,
    state: Mapping[str, Any] | CarriedState | None = None,
) -> dict[str, Any]:
    """Evaluate one month from rows given as dicts (cells as a CSV would hold them)."""
    period = Month.parse(month)
    loaded = policy if isinstance(policy, Policy) else load_policy(policy)
    carried = state if isinstance(state, CarriedState) else CarriedState.from_json(state or {})
    roster_table = table_of_rows("roster", roster, read.ROSTER_COLUMNS)
    events_table = table_of_rows("events", events, read.EVENT_COLUMNS)
    people, issues = read.parse_roster(roster_table)
    happenings, found = read.parse_events(events_table, period)
    issues += found + read.check_references(people, happenings, [events_table])
    inputs = MonthInputs(period, tuple(people), tuple(happenings), problems=tuple(issues))
    computed, issues = compute(loaded, inputs, carried)
    if computed is None:
        raise InputError(issues)
    return computed.results_json


def table_of_rows(
    name: str, rows: Sequence[Mapping[str, object]], columns: Sequence[str]
) -> read.Table:
    # No rows still means a table with the standard header, not a file without one.
    return read.rows_table(name, rows) if rows else read.Table(name, name, tuple(columns), ())


def diff(label: str, sealed: Any, recomputed: Any, limit: int = 50) -> list[str]:
    """Every path where two JSON documents differ, as 'label path: sealed → recomputed'."""
    found: list[str] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(f"{path}.{key}", a.get(key, "<missing>"), b.get(key, "<missing>"))
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{label}{path}: {len(a)} items sealed, {len(b)} recomputed")
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                key = x.get("employee_id", i) if isinstance(x, dict) else i
                walk(f"{path}[{key}]", x, y)
        elif a != b:
            found.append(f"{label}{path}: sealed {a!r}, recomputed {b!r}")

    walk("", sealed, recomputed)
    return found


def _named(issues: list[Issue], paths: Mapping[str, str]) -> list[Issue]:
    """Name files in messages as the user gave them, not by the short name in the trail."""
    return [Issue(paths.get(i.file, i.file), i.row, i.column, i.message) for i in issues]


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
