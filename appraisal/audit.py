"""Sealed months read back: `appraisal replay`, `export` (and `reissue`) and `months`.

An auditor's side of the pipeline. `replay_month` recomputes a sealed month, its current
version or any other, from what the ledger stored alone (its inputs, the policy texts, the
state before it) through the same `appraisal.pipeline.compute` a run uses, and lists every
difference; `export_month` writes a version's files again from the ledger, byte for byte
as `run` wrote them; `sealed_months` lists every version of every month for `months`.
`stored_policy` is the policy of a sealed month, parsed from the texts the ledger kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from appraisal.domain.model import Month
from appraisal.domain.version import release
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import salary_workbook_of
from appraisal.ledger.compare import diff
from appraisal.ledger.errors import ChainBroken, LedgerError, stale_note
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.schema import SealNote
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed, unknown_version
from appraisal.pipeline import compute, write_files
from appraisal.policy.loaded import Policy, PolicyError, load_policy_bundle
from appraisal.progress import NO_PROGRESS, Progress

__all__ = [
    "LedgerListing",
    "ReplayOutcome",
    "SealedVersion",
    "export_month",
    "reissue",
    "replay_month",
    "sealed_months",
    "sealed_when",
    "stored_policy",
]


def export_month(
    month: Month | str,
    ledger_path: str | Path,
    *,
    version: int | None = None,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> SealedMonth:
    """`appraisal export`: a sealed month's results JSON and salary workbook written again
    from the ledger alone, byte for byte as `run` wrote them for that version (default:
    the current one). Returns the record used.

    The chain up to the record is verified first. Raises `LedgerError` (no ledger file),
    `NotSealed` (naming the months, or the month's versions), `ChainBroken`, `PolicyError`
    (the stored policy) or `WriteFailed`; nothing is written then.
    """
    progress.stage("reading the ledger")
    record = read_sealed(ledger_path, month, version)
    policy = stored_policy(record) if workbook_path is not None else None
    results = record.month_results()

    def workbook() -> bytes:
        return salary_workbook_of(record, policy=policy, results=results)

    files = [("--json", json_path, lambda: results_file_bytes(results.to_json()))]
    files += [("--out", workbook_path, workbook)]
    write_files(record, files, ledger_path, progress)
    return record


def reissue(
    month: Month | str,
    ledger_path: str | Path,
    *,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> SealedMonth:
    """`appraisal reissue`: `export_month` of the current version."""
    return export_month(
        month, ledger_path, json_path=json_path, workbook_path=workbook_path, progress=progress
    )


def stored_policy(record: SealedMonth) -> Policy:
    """The policy of a sealed month, from the texts the ledger stored, never today's files."""
    try:
        return load_policy_bundle(record.policy_sources)
    except PolicyError as error:
        error.what = f"stored {error.what}"
        raise


@dataclass(frozen=True)
class ReplayOutcome:
    """A sealed month recomputed: its record, every difference, and the policy it used.

    ``standing`` says where the version stands: "the current version", or "superseded
    by version 2 on 2026-11-03T09:12:00Z by hr".
    """

    record: SealedMonth | None
    differences: list[str]
    policy: Policy | None = None  # parsed once, from the texts the ledger stored
    standing: str = "the current version"


def replay_month(
    month: Month,
    ledger_path: str | Path,
    progress: Progress = NO_PROGRESS,
    *,
    version: int | None = None,
) -> ReplayOutcome:
    """`appraisal replay`: recompute a sealed month from the ledger alone and compare.

    ``version`` (default: the current one) may be a superseded version: it is recomputed
    on its own stored state before, as it was sealed.
    """
    progress.stage("reading the ledger")
    if not Path(ledger_path).exists():
        return ReplayOutcome(None, [f"{ledger_path}: no ledger file"])
    with Ledger(ledger_path) as ledger, ledger.snapshot():
        differences = [f"ledger chain: {p}" for p in ledger.verify_chain()]
        current = ledger.current(str(month))
        record = current if version is None else ledger.version(str(month), version)
        if record is None:
            missing = unknown_version(ledger, str(month), version or 0)
            return ReplayOutcome(None, [*differences, missing])
        previous, stale = ledger.previous_current(str(month)), ledger.stale_months()
        standing = _standing(record, ledger.versions(str(month)), ledger.seal_notes())
    if current is not None and record.seq == current.seq and str(month) in stale:
        differences.append(stale_note(str(month), stale, previous.month if previous else None))
    policy = stored_policy(record)
    if policy.sha256 != record.policy_sha256:
        differences.append(f"policy text: sha256 {policy.sha256} != sealed {record.policy_sha256}")
    progress.stage("evaluating")
    computed, issues = compute(policy, record.month_inputs(), record.carried_before())
    if computed is None:
        problems = [*differences, *(f"stored input: {i}" for i in issues)]
        return ReplayOutcome(record, problems, policy, standing)
    progress.stage("comparing")
    recomputed = as_recorded_by(computed.results_json, record.engine_version)
    differences += diff("results", record.results, recomputed)
    differences += diff("state after", record.state_after, computed.state_after.to_json())
    return ReplayOutcome(record, differences, policy, standing)


def _standing(record: SealedMonth, versions: list[SealedMonth], notes: dict[int, SealNote]) -> str:
    later = [r for r in versions if r.supersedes == record.seq]
    if not later:
        return "the current version"
    note = notes.get(later[0].seq)
    when = f"on {note.sealed_at} by {note.sealed_by}" if note else ", sealed at a time unknown"
    return f"superseded by version {later[0].version}{' ' if note else ''}{when}"


def sealed_when(note: SealNote | None) -> str:
    """ "sealed 2026-11-03T09:12:00Z by hr", or "time unknown": a record sealed before the
    ledger's schema 2 noted when and by whom."""
    if note is None:
        return "time unknown"
    return f"sealed {note.sealed_at} by {note.sealed_by}"


@dataclass(frozen=True)
class SealedVersion:
    """One version of a sealed month, as `appraisal months` lists it."""

    month: str
    version: int
    seq: int
    note: SealNote | None  # when and by whom; None: sealed before schema 2 noted it
    amend_reason: str | None
    record_hash: str
    policy_id: str
    policy_version: str
    employees: int
    gross: Decimal  # the sum of every employee's pay.gross
    superseded_by: int | None  # the version that replaced it; None: the current one


@dataclass(frozen=True)
class LedgerListing:
    """Every sealed month's versions, oldest first; the stale months (过期) to re-seal,
    and the month they are to be re-sealed after (`appraisal reseal --after`)."""

    versions: tuple[SealedVersion, ...]
    stale: tuple[str, ...]
    stale_after: str | None


def sealed_months(ledger_path: str | Path, progress: Progress = NO_PROGRESS) -> LedgerListing:
    """`appraisal months`: every version of every sealed month, once the whole chain is
    verified (`ChainBroken` otherwise). `LedgerError` when there is no ledger file."""
    progress.stage("reading the ledger")
    if not Path(ledger_path).exists():
        raise LedgerError("no ledger file")
    with Ledger(ledger_path) as ledger, ledger.snapshot():
        problems = ledger.verify_chain()
        if problems:
            raise ChainBroken(problems)
        notes = ledger.seal_notes()
        records = [r for month in ledger.sealed_months() for r in ledger.versions(month)]
        stale = ledger.stale_months()
        before = ledger.previous_current(stale[0]) if stale else None
    replaced = {r.supersedes: r.version for r in records if r.supersedes is not None}
    listed = tuple(
        SealedVersion(
            month=r.month,
            version=r.version,
            seq=r.seq,
            note=notes.get(r.seq),
            amend_reason=r.amend_reason,
            record_hash=r.record_hash,
            policy_id=r.policy_id,
            policy_version=r.policy_version,
            employees=len(r.results.get("employees", [])),
            gross=sum(
                (Decimal(e["pay"]["gross"]) for e in r.results.get("employees", [])),
                Decimal("0.00"),
            ),
            superseded_by=replaced.get(r.seq),
        )
        for r in records
    )
    return LedgerListing(listed, tuple(stale), before.month if before else None)


#: What a release began to record of each employee, by key: a month an earlier release
#: sealed is compared without it, since that release could not record it.
RECORDED_FROM = {"appraised": (0, 2, 0)}  # issue 10: "appraised": false


def as_recorded_by(results: dict[str, Any], engine_version: str) -> dict[str, Any]:
    """``results`` as the release ``engine_version`` recorded them: without the keys of
    each employee that a later release began to record (`RECORDED_FROM`)."""
    unknown = {key for key, first in RECORDED_FROM.items() if release(engine_version) < first}
    if not unknown:
        return results
    employees = [
        {key: value for key, value in person.items() if key not in unknown}
        for person in results.get("employees", [])
    ]
    return {**results, "employees": employees}
