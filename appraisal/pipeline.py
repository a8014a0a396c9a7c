"""The pipeline: policy → read → validate → evaluate → check → seal → export.

`run` is `appraisal run` as a table of contents; every command that computes a month
goes through `compute` (validate → evaluate → check), so a run, a replay and a Python
caller (`evaluate_rows`) get the same results from the same inputs. Each stage returns
its value and its problems (`Issue` values), and the problems of every stage come back
together; an `AppraisalError` (a bad policy file, a refused seal) stops the line.
The readers of a sealed month, `replay_month` and `reissue`, are `appraisal.audit`.
Each says the stages it enters to an optional `Progress` (`appraisal.progress`; default
none).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appraisal.check import check_month
from appraisal.domain.errors import InputError, WriteFailed
from appraisal.domain.model import CarriedState, Issue, Month
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import MonthResults, PolicyInfo
from appraisal.domain.version import __version__
from appraisal.engine.evaluate import evaluate
from appraisal.engine.net import net_pay
from appraisal.engine.validate import validate_inputs
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import salary_workbook_of
from appraisal.files.output import write_atomic
from appraisal.ledger.carry import carry
from appraisal.ledger.chain import fingerprint_of
from appraisal.ledger.errors import AlreadySealed
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.writer import LedgerChanged, Opening, Writer, writing
from appraisal.policy.loaded import (
    Policy,
    PolicyInForce,
    load_policy,
)
from appraisal.progress import NO_PROGRESS, Progress
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
    deductions: Path | None = None  # 社保, 公积金, 个税, other deductions, for the net pay


@dataclass(frozen=True)
class Run:
    """What `appraisal run` did: the sealed (or unchanged) month and what is left to review."""

    outcome: RunOutcome
    policy: PolicyInForce
    review: tuple[ReviewItem, ...]


def run(request: RunRequest, progress: Progress = NO_PROGRESS) -> Run:
    """`appraisal run`: the whole pipeline for one month, as a table of contents.

    Raises `PolicyError` (policy), `InputError` (read, validate, evaluate: every problem
    of every stage at once) or a `LedgerError` (seal); nothing is sealed or written then.
    A file that cannot be written after the seal is `WriteFailed`, naming the command
    that writes it again from the ledger.
    """
    progress.stage("reading")
    policy = load_policy(request.policy)  # policy: loaded and checked once
    in_force = policy.in_force(request.month)
    inputs, _ = read_inputs(  # read: its problems travel on in inputs.problems
        request.month,
        request.roster,
        request.events,
        hours_per_day=in_force.doc.attendance.hours_per_day,
        deductions_path=request.deductions,
    )
    outcome = run_month(policy, inputs, request.ledger, request.amend, progress)  # → seal
    export(  # export
        outcome,
        policy,
        json_path=request.json_path,
        workbook_path=request.workbook_path,
        ledger_path=request.ledger,
        progress=progress,
    )
    return Run(outcome, in_force, inputs.review)


@dataclass(frozen=True)
class Computed:
    """One evaluated month, ready to seal, and its inputs as the engine used them."""

    results: MonthResults
    results_json: dict[str, Any]
    state_after: CarriedState
    inputs: MonthInputs  # each level named by its id (`validate_inputs`): what is sealed


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
    all stages come back together; results only when there are none. With a deductions
    file, each result carries its deductions and net pay (`appraisal.engine.net`).
    """
    in_force = policy.in_force(inputs.month)
    valid, found = validate_inputs(in_force, inputs, state)
    evaluation = evaluate(in_force, inputs.month, valid.roster, valid.events, state)
    paid, unpaid = net_pay(evaluation.results, valid.deductions)  # 实发 = 应发 − 扣款
    issues = [*inputs.problems, *found, *evaluation.issues, *unpaid]
    if issues:
        return None, sorted(issues, key=lambda i: (i.file, i.row or 0))
    checked = check_month(in_force, valid.events, paid)
    info = PolicyInfo(in_force.id, in_force.version, in_force.sha256)
    results = MonthResults(str(inputs.month), info, checked)
    state_after = carry(state, inputs.month, checked)
    return Computed(results, results.to_json(), state_after, valid), []


def run_month(
    policy: Policy,
    inputs: MonthInputs,
    ledger_path: str | Path,
    amend: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> RunOutcome:
    """The opening state, the month computed on it (validate → evaluate → check) and
    sealed, all under the ledger's write lock: one writer at a time. An identical re-run
    changes nothing."""
    while True:
        # The lock is held from before the opening to the commit; the month's records
        # are built and encoded without pauses of the cycle collector.
        with writing(ledger_path) as ledger, without_cycle_collection():
            opening = ledger.opening(inputs.month, amend)  # chain verified; none stale before
            progress.stage("evaluating")
            computed, issues = compute(policy, inputs, opening.state)
            if computed is None:
                raise InputError(issues)
            progress.stage("sealing")
            try:
                return seal(ledger, policy, opening, computed, amend)
            except LedgerChanged:  # a new ledger that another run sealed in first
                continue


def seal(
    ledger: Writer,
    policy: Policy,
    opening: Opening,
    computed: Computed,
    amend: str | None,
) -> RunOutcome:
    """Seal stage: store the computed month, or find it sealed already with the same inputs
    (``computed.inputs``: as the engine used them, each level named by its id).

    Other inputs for a sealed month are refused (`AlreadySealed`) unless ``amend`` says
    why; an amendment that changes the state handed on names the months sealed after it,
    now stale. Called inside `writing`, so the seal commits when its block ends.
    """
    current = opening.current
    new = NewSeal.of(
        computed.inputs,
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
        results = current.month_results()
        return RunOutcome(results, results.to_json(), current, "unchanged")
    if current is not None and amend is None:
        raise AlreadySealed(current)
    record = ledger.seal(new, amend)
    stale: tuple[str, ...] = ()
    if current is not None:  # the months after it, if it hands on another state now
        stale = tuple(m for m in ledger.stale_months() if m > record.month)
    status = "amended" if current else "sealed"
    return RunOutcome(computed.results, computed.results_json, record, status, stale)


def export(
    outcome: RunOutcome,
    policy: Policy,
    *,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
    ledger_path: str | Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> None:
    """Export stage: the results JSON and the salary workbook, each written whole or not at all.

    The month is sealed by now: a file that cannot be written is `WriteFailed` saying
    so, with the `appraisal reissue` command that writes it again from ``ledger_path``.
    """

    def workbook() -> bytes:
        sealed = outcome.results.as_sealed()  # as a replay reads it back from the ledger
        return salary_workbook_of(outcome.record, policy=policy, results=sealed)

    files = [("--json", json_path, lambda: results_file_bytes(outcome.results_json))]
    files += [("--out", workbook_path, workbook)]
    write_files(outcome.record, files, ledger_path, progress)


def write_files(
    record: SealedMonth,
    files: Sequence[tuple[str, Path | None, Callable[[], bytes]]],
    ledger_path: str | Path | None,
    progress: Progress = NO_PROGRESS,
) -> None:
    """Write each file asked for of a sealed month, given with its `appraisal reissue`
    option; an `OSError` is `WriteFailed`, naming the reissue of this file and the rest."""
    wanted = [(option, path, make) for option, path, make in files if path is not None]
    for done, (option, path, make) in enumerate(wanted):
        progress.stage("writing the workbook" if option == "--out" else "writing the results")
        try:
            write_atomic(path, make())
        except OSError as error:
            command = ["appraisal", "reissue", "--month", record.month]
            command += ["--ledger", str(ledger_path)]
            for other, left, _ in wanted[done:]:
                command += [other, str(left)]
            rebuild = shlex.join(command) if ledger_path is not None else None
            reason = error.strerror or str(error)
            raise WriteFailed(str(path), reason, sealed=record.month, rebuild=rebuild) from error


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
