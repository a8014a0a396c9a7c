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
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import salary_workbook_of
from appraisal.i18n import _
from appraisal.ledger.backend import ledger_exists, shown
from appraisal.ledger.chain import record_from_stored, where_of
from appraisal.ledger.errors import ChainBroken, LedgerError, stale_note
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.schema import SealNote
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed, unknown_version
from appraisal.pipeline import write_files
from appraisal.policy.loaded import Policy
from appraisal.progress import NO_PROGRESS, Progress
from appraisal.scale.recompute import RECORDED_FROM, as_recorded_by, recompute, stored_policy
from appraisal.scale.stored import link_problems, record_problems, stored_records

__all__ = [
    "RECORDED_FROM",
    "LedgerListing",
    "ReplayOutcome",
    "SealedVersion",
    "as_recorded_by",
    "export_month",
    "listing_json",
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
    on its own stored state before, as it was sealed. Only the record replayed is read
    whole: the chain's links are checked over the whole ledger and the content of that
    record (`appraisal.scale.stored`), so a replay costs the same however long the
    ledger is.
    """
    progress.stage("reading the ledger")
    if not ledger_exists(ledger_path):
        return ReplayOutcome(
            None, [_("{ledger}: no ledger file").format(ledger=shown(ledger_path))]
        )
    key = str(month)
    with Ledger(ledger_path) as ledger, ledger.snapshot():
        chain = link_problems(ledger)
        versions = ledger.query(
            "SELECT seq, version, supersedes FROM sealed_month WHERE month = ? ORDER BY version",
            (key,),
        )
        wanted = [row for row in versions if version is None or row[1] == version][-1:]
        if not wanted:
            missing = unknown_version(ledger, key, version or 0)
            return ReplayOutcome(None, [*_chain(chain), missing])
        seq, current_seq = int(wanted[0][0]), int(versions[-1][0])
        (stored,) = stored_records(ledger, [seq])
        stale = ledger.stale_months() if seq == current_seq else []
        before = ledger.query("SELECT MAX(month) FROM sealed_month WHERE month < ?", (key,))[0][0]
        standing = _standing(seq, versions, ledger.seal_notes())
    differences = _chain([*chain, *record_problems(stored)])
    try:
        record = record_from_stored(stored)
    except ValueError as exc:  # as `Ledger.current` says it
        raise LedgerError(f"{ledger_path}: {where_of(stored)}: {exc}") from exc
    if key in stale:
        differences.append(stale_note(key, stale, before))
    progress.stage("evaluating")
    found, policy = recompute(record)
    progress.stage("comparing")
    return ReplayOutcome(record, differences + found, policy, standing)


def _chain(problems: list[str]) -> list[str]:
    return [_("ledger chain: {problem}").format(problem=p) for p in problems]


def _standing(seq: int, versions: list[tuple[Any, ...]], notes: dict[int, SealNote]) -> str:
    later = [(int(s), int(v)) for s, v, supersedes in versions if supersedes == seq]
    if not later:
        return _("the current version")
    later_seq, later_version = later[0]
    note = notes.get(later_seq)
    if note is None:
        return _("superseded by version {version}, sealed at a time unknown").format(
            version=later_version
        )
    return _("superseded by version {version} on {sealed_at} by {sealed_by}").format(
        version=later_version, sealed_at=note.sealed_at, sealed_by=note.sealed_by
    )


def sealed_when(note: SealNote | None) -> str:
    """ "sealed 2026-11-03T09:12:00Z by hr", or "time unknown": a record sealed before the
    ledger's schema 2 noted when and by whom."""
    if note is None:
        return _("time unknown")
    return _("sealed {sealed_at} by {sealed_by}").format(
        sealed_at=note.sealed_at, sealed_by=note.sealed_by
    )


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
    if not ledger_exists(ledger_path):
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


def listing_json(listing: LedgerListing) -> dict[str, object]:
    """`appraisal months --json`: the listing for tools."""
    return {
        "months": [
            {
                "month": v.month,
                "version": v.version,
                "seq": v.seq,
                "current": v.superseded_by is None,
                "superseded_by": v.superseded_by,
                "stale": v.superseded_by is None and v.month in listing.stale,
                "sealed_at": v.note.sealed_at if v.note else None,
                "sealed_by": v.note.sealed_by if v.note else None,
                "amend_reason": v.amend_reason,
                "record_hash": v.record_hash,
                "policy": {"id": v.policy_id, "version": v.policy_version},
                "employees": v.employees,
                "gross": str(v.gross),
            }
            for v in listing.versions
        ],
        "stale": list(listing.stale),
        "reseal_after": listing.stale_after,
    }
