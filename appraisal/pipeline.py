"""The pipeline: policy → read → validate → evaluate → check → seal → export.

`run` is `appraisal run` as a table of contents; every command that computes a month
goes through `compute` (validate → evaluate → check), so a run, a replay and a Python
caller (`evaluate_rows`) get the same results from the same inputs. Each stage returns
its value and its problems (`Issue`), the problems of every stage together; an
`AppraisalError` (a bad policy file, a refused seal) stops the line. `appraisal.audit`
reads sealed months back. `preview` (`run --dry-run`, drafts) seals nothing. Anyone
not appraised (`engine.completeness`) is refused in `seal` only, not in `compute`.
Each says the stages it enters to an optional `Progress` (`appraisal.progress`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appraisal.check.shards import evaluate_month
from appraisal.domain.errors import InputError
from appraisal.domain.model import CarriedState, Employee, Issue, Month
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import MonthResults, PolicyInfo
from appraisal.domain.version import __version__
from appraisal.engine.completeness import not_appraised_issues, unappraised
from appraisal.engine.validate import validate_inputs
from appraisal.export.beside import Beside, WorkbookChild, can_fork, sealed_workbook
from appraisal.export.draft import write_draft_files
from appraisal.export.results_file import ResultsFile
from appraisal.export.workbook import Prepared, SealedFields
from appraisal.export.written import write_files
from appraisal.ledger.backend import is_dsn, ledger_exists
from appraisal.ledger.carry import carry
from appraisal.ledger.early import EarlyFingerprint
from appraisal.ledger.errors import AlreadySealed
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.sealing import fingerprint
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import LedgerChanged, Opening, Writer, writing
from appraisal.policy.loaded import Policy, PolicyInForce, load_policy
from appraisal.progress import NO_PROGRESS, Progress
from appraisal.read.imports.records import ReviewItem
from appraisal.read.inputs import MonthInputs, read_inputs

__all__ = [
    "Computed",
    "DryRun",
    "MonthInputs",
    "Preview",
    "Run",
    "RunOutcome",
    "RunRequest",
    "dry_run",
    "preview",
    "read_inputs",
    "run",
    "run_month",
    "write_files",
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
    dry_run: bool = False  # evaluate and write the files as a 草稿 (draft); seal nothing
    allow_unappraised: bool = False  # seal with employees not appraised (criteria not met)
    sealed_by: str | None = None  # who seals, for the ledger's note (default: the OS user)


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
    if request.dry_run:
        raise ValueError("a dry run seals nothing: call dry_run, not run")
    policy, in_force, inputs = _read(request, progress)
    with ExitStack() as children:  # the workbook's child, begun when the month is computed
        child = WorkbookChild(policy, children) if request.workbook_path and can_fork() else None
        outcome = run_month(  # → seal
            policy,
            inputs,
            request.ledger,
            request.amend,
            progress,
            allow_unappraised=request.allow_unappraised,
            sealed_by=request.sealed_by,
            computed=None if child is None else lambda month: child.begin(month.results),
            results_file=request.json_path is not None,
            early=can_fork(),
        )
        export(  # export
            outcome,
            policy,
            json_path=request.json_path,
            workbook_path=request.workbook_path,
            ledger_path=request.ledger,
            progress=progress,
            beside=None if child is None else child.sent(outcome.record, outcome.results),
        )
    return Run(outcome, in_force, inputs.review)


def _read(request: RunRequest, progress: Progress) -> tuple[Policy, PolicyInForce, MonthInputs]:
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
    return policy, in_force, inputs


@dataclass(frozen=True)
class Computed:
    """One evaluated month, ready to seal, and its inputs as the engine used them."""

    results: MonthResults
    state_after: CarriedState
    inputs: MonthInputs  # each level named by its id (`validate_inputs`): what is sealed
    unappraised: tuple[str, ...] = ()  # employee ids not appraised, in roster order

    @property
    def results_json(self) -> dict[str, Any]:
        """The results as JSON data, made on each call (100,000 employees: some GB)."""
        return self.results.to_json()


@dataclass(frozen=True)
class RunOutcome:
    """A month sealed, amended, or found sealed already with the same inputs."""

    results: MonthResults
    record: SealedMonth  # just sealed: its large columns parsed only when read
    status: str  # "sealed", "unchanged" or "amended"
    roster: tuple[Employee, ...]  # the month's roster, as sealed
    stale_months: tuple[str, ...] = ()
    results_file: ResultsFile | None = None  # written as the seal encoded the results

    @property
    def results_json(self) -> dict[str, Any]:
        """The results as sealed, as JSON data, made on each call."""
        return self.results.to_json()


def compute(
    policy: Policy,
    inputs: MonthInputs,
    state: CarriedState,
    jobs: int | None = None,
    validated: Callable[[MonthInputs], object] | None = None,
) -> tuple[Computed | None, list[Issue]]:
    """Validate → evaluate → check: one month under the policy in force, no I/O.

    Every stage runs on the rows that passed the stages before it, and the problems of
    all stages come back together; results only when there are none. With a deductions
    file, each result carries its deductions and net pay (`appraisal.engine.net`).
    ``jobs``: processes to spread the employees over (`appraisal.check.shards`; None:
    the command's ``--jobs``, else 1). The results are the same whatever it is.
    ``validated`` is told of the inputs validated, when valid, before the evaluation."""
    in_force = policy.in_force(inputs.month)
    valid, found = validate_inputs(in_force, inputs, state)
    before = [*inputs.problems, *found]
    if validated is not None and not before:
        validated(valid)
    month = evaluate_month(in_force, valid, state, check=not before, jobs=jobs)
    issues = [*before, *month.issues]
    if issues:
        return None, sorted(issues, key=lambda i: (i.file, i.row or 0))
    info = PolicyInfo(in_force.id, in_force.version, in_force.sha256)
    results = MonthResults(str(inputs.month), info, month.results)
    state_after = carry(state, inputs.month, month.results)
    missing = unappraised(valid.roster, month.results)
    return Computed(results, state_after, valid, missing), []


def run_month(
    policy: Policy,
    inputs: MonthInputs,
    ledger_path: str | Path,
    amend: str | None = None,
    progress: Progress = NO_PROGRESS,
    *,
    allow_unappraised: bool = False,
    sealed_by: str | None = None,
    then: Callable[[Writer], object] | None = None,
    computed: Callable[[Computed], object] | None = None,
    results_file: bool = False,
    early: bool = False,
) -> RunOutcome:
    """The opening state, the month computed on it and sealed, under the ledger's write
    lock. An identical re-run changes nothing. Anyone not appraised is refused
    (`InputError`, at their roster row) unless ``allow_unappraised``; ``sealed_by``:
    who seals; ``then`` runs after the seal, in its commit; ``computed`` is told of the
    month before it is sealed (the run begins its workbook); ``results_file``: the file
    written as the seal encodes the results; ``early``: the fingerprint taken in a
    child while the month is evaluated (`appraisal.ledger.early`)."""
    while True:
        # The lock is held from before the opening to the commit; the month's records
        # are built and encoded without pauses of the cycle collector.
        with writing(ledger_path) as ledger, without_cycle_collection(), ExitStack() as stack:
            opening = ledger.opening(inputs.month, amend)  # chain verified; none stale before
            progress.stage("evaluating")
            taking = EarlyFingerprint(policy.sha256, opening.state, stack) if early else None
            begin = None if taking is None else taking.begin
            month, issues = compute(policy, inputs, opening.state, None, begin)
            if month is None:
                raise InputError(issues)
            if computed is not None:
                computed(month)
            progress.stage("sealing")
            try:
                outcome = seal(
                    ledger,
                    policy,
                    opening,
                    month,
                    amend,
                    allow_unappraised=allow_unappraised,
                    sealed_by=sealed_by,
                    results_file=ResultsFile(month.results) if results_file else None,
                    early=taking,
                )
            except LedgerChanged:  # a new ledger that another run sealed in first
                continue
            if then is not None:
                then(ledger)
            return outcome


def seal(
    ledger: Writer,
    policy: Policy,
    opening: Opening,
    computed: Computed,
    amend: str | None,
    *,
    allow_unappraised: bool = False,
    sealed_by: str | None = None,
    results_file: ResultsFile | None = None,
    early: EarlyFingerprint | None = None,
) -> RunOutcome:
    """Seal stage: store the computed month, or find it sealed already with the same inputs
    (``computed.inputs``: as the engine used them, each level named by its id). Other
    inputs for a sealed month are refused (`AlreadySealed`) unless ``amend`` says why; an
    amendment that changes the state handed on names the months after it, now stale. A
    new seal with anyone not appraised is refused (`InputError`) unless
    ``allow_unappraised``. Called inside `writing`: it commits when its block ends."""
    current, roster = opening.current, computed.inputs.roster
    new = NewSeal.of(
        computed.inputs,
        policy,
        opening.state,
        computed.state_after,
        computed.results,
        __version__,
        employees=None if results_file is None else results_file.rows(),
    )
    made = early.taken(new, new.month) if early is not None else None
    taken = made.fingerprint if made is not None else None
    if current is not None and current.fingerprint == (taken or fingerprint(new, current.month)):
        # The sealed results stand; they equal a fresh computation unless the engine
        # changed since, which `appraisal replay` reports.
        if current.results == computed.results_json:
            return RunOutcome(computed.results, current, "unchanged", roster)
        return RunOutcome(current.month_results(), current, "unchanged", roster)
    if current is not None and amend is None:
        raise AlreadySealed(current)
    if computed.unappraised and not allow_unappraised:
        inputs = computed.inputs
        raise InputError(not_appraised_issues(inputs.roster, computed.unappraised, inputs.month))
    record = ledger.seal(new, amend, sealed_by=sealed_by, made=made)
    stale: tuple[str, ...] = ()
    if current is not None:  # the months after it, if it hands on another state now
        stale = tuple(m for m in ledger.stale_months() if m > record.month)
    status = "amended" if current else "sealed"
    return RunOutcome(computed.results, record, status, roster, stale, results_file)


def export(
    outcome: RunOutcome,
    policy: Policy,
    *,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
    ledger_path: str | Path | None = None,
    progress: Progress = NO_PROGRESS,
    beside: Beside[Prepared, SealedFields] | None = None,
) -> None:
    """Export stage: the results JSON and the salary workbook, each written whole or not at all.

    The month is sealed by now: a file that cannot be written is `WriteFailed` saying
    so, with the `appraisal reissue` command that writes it again from ``ledger_path``.
    ``beside``: the child making the workbook (`appraisal.export.beside`), sent the
    record already; it writes the workbook while this process writes the JSON.
    """
    record, results = outcome.record, outcome.results
    made = outcome.results_file or ResultsFile(results)
    files = [("--json", json_path, made.file_bytes)]
    files += [("--out", workbook_path, lambda: sealed_workbook(record, policy, results, beside))]
    write_files(outcome.record, files, ledger_path, progress)


@dataclass(frozen=True)
class Preview:
    """A month evaluated as a run would evaluate it now, sealed nowhere (a 草稿, draft).

    ``computed`` is None when there are ``issues`` (every problem of every stage);
    ``review``: what the exports leave to a person; ``sealed_version``: the month's
    current version in the ledger, if sealed already."""

    computed: Computed | None
    issues: list[Issue]
    review: tuple[ReviewItem, ...]
    sealed_version: int | None = None

    @property
    def unappraised(self) -> tuple[str, ...]:
        """Who is not appraised (roster order): a sealing run refuses while there are any."""
        return self.computed.unappraised if self.computed is not None else ()


def preview(
    policy: Policy,
    inputs: MonthInputs,
    ledger_path: str | Path,
    amend: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> Preview:
    """The month as `run_month` would compute it on the ledger's opening state (chain
    verified; `StaleMonths` as a run would, ``amend`` as for a run), creating and
    changing no ledger: none is created when there is none, and one that exists is
    only read. Never refused for completeness: the preview says who is not appraised."""
    target = ledger_path if is_dsn(ledger_path) else Path(ledger_path)
    opening = Opening(CarriedState(), None)
    if ledger_exists(target):
        with ExitStack() as stack, Ledger(target) as ledger, ledger.snapshot():
            opening = Writer(target, ledger, stack).opening(inputs.month, amend)
    progress.stage("evaluating")
    computed, issues = compute(policy, inputs, opening.state)
    version = opening.current.version if opening.current is not None else None
    return Preview(computed, issues, inputs.review, version)


@dataclass(frozen=True)
class DryRun:
    """What `appraisal run --dry-run` found: the month previewed, never sealed."""

    preview: Preview
    computed: Computed
    policy: PolicyInForce


def dry_run(request: RunRequest, progress: Progress = NO_PROGRESS) -> DryRun:
    """`appraisal run --dry-run`: read and evaluate as `run` does, then write --json and
    --out as a 草稿 (draft), tied to no ledger record. Raises `InputError` with every
    problem, as `run` would; nothing is written then, and no ledger is ever touched."""
    policy, in_force, inputs = _read(request, progress)
    seen = preview(policy, inputs, request.ledger, request.amend, progress)
    if seen.computed is None:
        raise InputError(seen.issues)
    computed = seen.computed
    write_draft_files(
        computed.results,
        computed.results_json,
        policy,
        inputs.files,
        json_path=request.json_path,
        workbook_path=request.workbook_path,
        progress=progress,
    )
    return DryRun(seen, computed, in_force)
