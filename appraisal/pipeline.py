"""The pipeline: policy → read → validate → evaluate → check → seal → export.

`run` is `appraisal run` as a table of contents; every command that computes a month
goes through `compute` (validate → evaluate → check), so a run, a replay and a Python
caller (`evaluate_rows`) get the same results from the same inputs. Each stage returns
its value and its problems (`Issue` values), and the problems of every stage come back
together; an `AppraisalError` (a bad policy file, a refused seal) stops the line.
`replay_month` recomputes a sealed month from what the ledger stored alone and lists
every difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from appraisal.check import check_month
from appraisal.domain.canonical import canonical_json
from appraisal.domain.errors import InputError
from appraisal.domain.model import CarriedState, Issue, Month, Source
from appraisal.domain.results import MonthResults, PolicyInfo
from appraisal.domain.version import __version__
from appraisal.engine.evaluate import evaluate
from appraisal.engine.validate import validate
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import salary_workbook_of
from appraisal.files.output import write_atomic
from appraisal.ledger.carry import carry
from appraisal.ledger.chain import fingerprint_of
from appraisal.ledger.errors import AlreadySealed
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.policy.loaded import (
    Policy,
    PolicyError,
    PolicyInForce,
    load_policy,
    load_policy_bundle,
)
from appraisal.read.imports.records import ReviewItem
from appraisal.read.inputs import MonthInputs, read_inputs
from appraisal.read.parse import EVENT_COLUMNS, ROSTER_COLUMNS, parse_events, parse_roster
from appraisal.read.references import check_references
from appraisal.read.tables import Table, rows_table

__all__ = [
    "MonthInputs",
    "Run",
    "RunOutcome",
    "RunRequest",
    "evaluate_rows",
    "read_inputs",
    "replay_month",
    "run",
    "run_month",
]


@dataclass(frozen=True)
class RunRequest:
    """What `appraisal run` is asked to do: the month, its files, and where results go."""

    month: Month
    roster: Path
    events: tuple[Path, ...]
    ledger: Path
    policy: Path | None = None
    amend: str | None = None
    json_path: Path | None = None
    workbook_path: Path | None = None


@dataclass(frozen=True)
class Run:
    """What `appraisal run` did: the sealed (or unchanged) month and what is left to review."""

    outcome: RunOutcome
    policy: PolicyInForce
    review: tuple[ReviewItem, ...]


def run(request: RunRequest) -> Run:
    """`appraisal run`: the whole pipeline for one month, as a table of contents.

    Raises `PolicyError` (policy), `InputError` (read, validate, evaluate: every problem
    of every stage at once) or a `LedgerError` (seal); nothing is sealed or written then.
    """
    policy = load_policy(request.policy)  # policy: loaded and checked once
    in_force = policy.in_force(request.month)
    inputs, _ = read_inputs(  # read: its problems travel on in inputs.problems
        request.month,
        request.roster,
        request.events,
        hours_per_day=in_force.doc.attendance.hours_per_day,
    )
    opening = opening_of(request.ledger, request.month)  # the state the month starts from
    computed, issues = compute(policy, inputs, opening.state)  # validate → evaluate → check
    if computed is None:
        raise InputError(issues)
    outcome = seal(request.ledger, policy, inputs, opening, computed, request.amend)  # seal
    export(outcome, policy, json_path=request.json_path, workbook_path=request.workbook_path)
    return Run(outcome, in_force, inputs.review)


@dataclass(frozen=True)
class Computed:
    """One evaluated month, ready to seal."""

    results: MonthResults
    results_json: dict[str, Any]
    state_after: CarriedState


@dataclass(frozen=True)
class RunOutcome:
    """A month sealed, amended, or found sealed already with the same inputs."""

    results: MonthResults
    results_json: dict[str, Any]  # the same results, as sealed
    record: SealedMonth
    status: str  # "sealed", "unchanged" or "amended"
    stale_months: tuple[str, ...] = ()


def compute(
    policy: Policy, inputs: MonthInputs, state: CarriedState
) -> tuple[Computed | None, list[Issue]]:
    """Validate → evaluate → check: one month under the policy in force, no I/O.

    Every stage runs on the rows that passed the stages before it, and the problems of
    all stages come back together; results only when there are none.
    """
    in_force = policy.in_force(inputs.month)
    valid, found = validate_inputs(in_force, inputs)
    evaluation = evaluate(in_force, inputs.month, valid.roster, valid.events, state)
    issues = [*inputs.problems, *found, *evaluation.issues]
    if issues:
        return None, sorted(issues, key=lambda i: (i.file, i.row or 0))
    checked = check_month(in_force, valid.events, evaluation.results)
    info = PolicyInfo(in_force.id, in_force.version, in_force.sha256)
    results = MonthResults(str(inputs.month), info, checked)
    state_after = carry(state, inputs.month, checked)
    return Computed(results, results.to_json(), state_after), []


def validate_inputs(
    in_force: PolicyInForce, inputs: MonthInputs
) -> tuple[MonthInputs, list[Issue]]:
    """Validate stage: the rows the policy in force accepts, and the problems of the rest.

    A refused roster row takes its employee's events with it, so that one mistake is
    reported once, not again as an event for someone unknown.
    """
    found = validate(in_force, inputs.roster, inputs.events)
    refused = {(i.file, i.row) for i in found}

    def kept(source: Source) -> bool:
        return (source.where, source.row) not in refused

    roster = tuple(e for e in inputs.roster if kept(e.source))
    known = {e.employee_id for e in roster}
    events = tuple(e for e in inputs.events if kept(e.source) and e.employee_id in known)
    return replace(inputs, roster=roster, events=events), found


def run_month(
    policy: Policy, inputs: MonthInputs, ledger_path: str | Path, amend: str | None = None
) -> RunOutcome:
    """Compute the month on the ledger's carried state (validate → evaluate → check) and
    seal it; an identical re-run changes nothing."""
    opening = opening_of(ledger_path, inputs.month)
    computed, issues = compute(policy, inputs, opening.state)
    if computed is None:
        raise InputError(issues)
    return seal(ledger_path, policy, inputs, opening, computed, amend)


@dataclass(frozen=True)
class Opening:
    """Where a month starts in the ledger: the state the month before left, and the
    month's current sealed version, if it has one."""

    state: CarriedState
    current: SealedMonth | None


def opening_of(ledger_path: str | Path, month: Month) -> Opening:
    if not Path(ledger_path).exists():  # a new ledger is created only once a month is sealed
        return Opening(CarriedState(), None)
    with Ledger(ledger_path) as ledger:
        previous, current = ledger.previous_current(str(month)), ledger.current(str(month))
    return Opening(previous.carried_after() if previous else CarriedState(), current)


def seal(
    ledger_path: str | Path,
    policy: Policy,
    inputs: MonthInputs,
    opening: Opening,
    computed: Computed,
    amend: str | None,
) -> RunOutcome:
    """Seal stage: store the computed month, or find it sealed already with the same inputs.

    Other inputs for a sealed month are refused (`AlreadySealed`) unless ``amend`` says
    why; an amendment that changes the state handed on names the months sealed after it.
    """
    current = opening.current
    new = NewSeal.of(
        inputs,
        policy,
        opening.state,
        computed.state_after,
        computed.results,
        __version__,
        results_json=computed.results_json,
    )
    if current is not None and current.fingerprint == fingerprint_of(new):
        # The sealed results stand; they equal a fresh computation unless the engine
        # changed since, which `appraisal replay` reports.
        if current.results == computed.results_json:
            return RunOutcome(computed.results, computed.results_json, current, "unchanged")
        return RunOutcome(current.month_results(), current.results, current, "unchanged")
    if current is not None and amend is None:
        raise AlreadySealed(current)
    with Ledger(ledger_path) as ledger:
        # The ledger re-checks inside its transaction: a month sealed meanwhile is refused.
        record = ledger.seal(new, amend)
        stale: tuple[str, ...] = ()
        if current is not None and canonical_json(current.state_after) != canonical_json(
            record.state_after
        ):
            stale = tuple(ledger.months_after(record.month))
    status = "amended" if current else "sealed"
    return RunOutcome(computed.results, computed.results_json, record, status, stale)


def export(
    outcome: RunOutcome,
    policy: Policy,
    *,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
) -> None:
    """Export stage: the results JSON and the salary workbook, each written whole or not at all."""
    if json_path is not None:
        write_atomic(json_path, results_file_bytes(outcome.results_json))
    if workbook_path is not None:
        sealed = outcome.results.as_sealed()  # as a replay reads it back from the ledger
        workbook = salary_workbook_of(outcome.record, policy=policy, results=sealed)
        write_atomic(workbook_path, workbook)


@dataclass(frozen=True)
class ReplayOutcome:
    """A sealed month recomputed: its record, every difference, and the policy it used."""

    record: SealedMonth | None
    differences: list[str]
    policy: Policy | None = None  # parsed once, from the texts the ledger stored


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
    try:  # From the texts the ledger stored, never from today's files.
        policy = load_policy_bundle(record.policy_sources)
    except PolicyError as error:
        error.what = f"stored {error.what}"
        raise
    if policy.sha256 != record.policy_sha256:
        differences.append(f"policy text: sha256 {policy.sha256} != sealed {record.policy_sha256}")
    computed, issues = compute(policy, record.month_inputs(), record.carried_before())
    if computed is None:
        problems = [*differences, *(f"stored input: {i}" for i in issues)]
        return ReplayOutcome(record, problems, policy)
    differences += diff("results", record.results, computed.results_json)
    differences += diff("state after", record.state_after, computed.state_after.to_json())
    return ReplayOutcome(record, differences, policy)


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
    roster_table = table_of_rows("roster", roster, ROSTER_COLUMNS)
    events_table = table_of_rows("events", events, EVENT_COLUMNS)
    people, issues = parse_roster(roster_table)
    happenings, found = parse_events(events_table, period)
    issues += found + check_references(people, happenings, [events_table])
    inputs = MonthInputs(period, tuple(people), tuple(happenings), problems=tuple(issues))
    computed, issues = compute(loaded, inputs, carried)
    if computed is None:
        raise InputError(issues)
    return computed.results_json


def table_of_rows(name: str, rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> Table:
    # No rows still means a table with the standard header, not a file without one.
    return rows_table(name, rows) if rows else Table(name, name, tuple(columns), ())


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
