"""Sealed months read back: `appraisal replay` and `appraisal reissue`.

An auditor's side of the pipeline. `replay_month` recomputes a sealed month from what
the ledger stored alone (its inputs, the policy texts, the state before it) through the
same `appraisal.pipeline.compute` a run uses, and lists every difference; `reissue`
writes a sealed month's files again from the ledger, byte for byte as `run` wrote them.
`stored_policy` is the policy of a sealed month, parsed from the texts the ledger kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from appraisal.domain.model import Month
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import salary_workbook_of
from appraisal.ledger.compare import diff
from appraisal.ledger.errors import stale_note
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed
from appraisal.pipeline import compute, write_files
from appraisal.policy.loaded import Policy, PolicyError, load_policy_bundle
from appraisal.progress import NO_PROGRESS, Progress

__all__ = ["ReplayOutcome", "reissue", "replay_month", "stored_policy"]


def reissue(
    month: Month | str,
    ledger_path: str | Path,
    *,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> SealedMonth:
    """`appraisal reissue`: a sealed month's results JSON and salary workbook written again
    from the ledger alone, byte for byte as `run` wrote them. Returns the record used.

    The chain up to the month's current version is verified first. Raises `LedgerError`
    (no ledger file), `NotSealed`, `ChainBroken`, `PolicyError` (the stored policy) or
    `WriteFailed` (naming the command to try again); nothing is written then.
    """
    progress.stage("reading the ledger")
    record = read_sealed(ledger_path, month)
    policy = stored_policy(record) if workbook_path is not None else None
    results = record.month_results()

    def workbook() -> bytes:
        return salary_workbook_of(record, policy=policy, results=results)

    files = [("--json", json_path, lambda: results_file_bytes(results.to_json()))]
    files += [("--out", workbook_path, workbook)]
    write_files(record, files, ledger_path, progress)
    return record


def stored_policy(record: SealedMonth) -> Policy:
    """The policy of a sealed month, from the texts the ledger stored, never today's files."""
    try:
        return load_policy_bundle(record.policy_sources)
    except PolicyError as error:
        error.what = f"stored {error.what}"
        raise


@dataclass(frozen=True)
class ReplayOutcome:
    """A sealed month recomputed: its record, every difference, and the policy it used."""

    record: SealedMonth | None
    differences: list[str]
    policy: Policy | None = None  # parsed once, from the texts the ledger stored


def replay_month(
    month: Month, ledger_path: str | Path, progress: Progress = NO_PROGRESS
) -> ReplayOutcome:
    """`appraisal replay`: recompute a sealed month from the ledger alone and compare."""
    progress.stage("reading the ledger")
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
        previous, stale = ledger.previous_current(str(month)), ledger.stale_months()
    if str(month) in stale:
        differences.append(stale_note(str(month), stale, previous.month if previous else None))
    policy = stored_policy(record)
    if policy.sha256 != record.policy_sha256:
        differences.append(f"policy text: sha256 {policy.sha256} != sealed {record.policy_sha256}")
    progress.stage("evaluating")
    computed, issues = compute(policy, record.month_inputs(), record.carried_before())
    if computed is None:
        problems = [*differences, *(f"stored input: {i}" for i in issues)]
        return ReplayOutcome(record, problems, policy)
    progress.stage("comparing")
    differences += diff("results", record.results, computed.results_json)
    differences += diff("state after", record.state_after, computed.state_after.to_json())
    return ReplayOutcome(record, differences, policy)
