"""Export stage: a sealed month becomes the files people work in.

The last stage of the pipeline. Everything here is a function of the sealed ledger
record alone (its results, its stored policy texts, its hashes), never of today's
files, so `appraisal replay --workbook` rebuilds the very same bytes from the ledger.
The one exception is a 草稿 (draft, `draft_workbook`): a month evaluated and sealed
nowhere (`appraisal run --dry-run`), marked as such in its title and its 说明.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from appraisal.domain.model import Month
from appraisal.domain.results import MonthResults
from appraisal.domain.version import __version__
from appraisal.export.workbook_check import workbook_differences
from appraisal.ledger.records import SealedMonth
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import Policy, PolicyInForce, load_policy_bundle
from payroll_export import LevelLabel, Manifest, salary_workbook
from payroll_export.workbook import PreparedWorkbook, prepare_workbook

__all__ = [
    "Prepared",
    "RecordFields",
    "SealedFields",
    "draft_workbook",
    "ladder_of",
    "manifest_of",
    "prepare",
    "salary_workbook_of",
    "workbook_differences",
]


def salary_workbook_of(
    record: SealedMonth, *, policy: Policy | None = None, results: MonthResults | None = None
) -> bytes:
    """The salary-adjustment workbook (工资调整表) of a sealed month.

    The ledger stores the results as JSON and the policy as its texts; they are read
    back here, once, unless the caller already holds them: ``policy`` when it is the
    one the month was sealed with (same sha256), ``results`` when they are the record's
    as the ledger gives them back (`MonthResults.as_sealed`).
    """
    if policy is None or policy.sha256 != record.policy_sha256:
        policy = load_policy_bundle(record.policy_sources)
    if results is None:
        results = MonthResults.from_json(record.results)
    return prepare(policy, results, sealed=True, engine_version=record.engine_version).finish(
        record
    )


@dataclass(frozen=True)
class SealedFields:
    """What the workbook reads of a sealed record, alone: what to send to a process that
    holds a `Prepared` workbook, rather than the whole record with its results and inputs."""

    month: str
    policy_id: str
    policy_version: str
    policy_sha256: str
    input_files: Mapping[str, str]
    engine_version: str
    record_hash: str
    version: int
    seq: int
    amend_reason: str | None

    @classmethod
    def of(cls, record: RecordFields) -> SealedFields:
        return cls(*(getattr(record, field.name) for field in fields(cls)))


# A sealed record as the workbook reads it: the record, or its `SealedFields` alone.
RecordFields = SealedMonth | SealedFields


@dataclass
class Prepared:
    """A month's workbook with every sheet written but what its ledger record says: the
    heavy part, done while the month is being sealed (see `prepare`)."""

    month: str
    in_force: PolicyInForce
    workbook: PreparedWorkbook

    def finish(self, record: RecordFields) -> bytes:
        """The workbook's bytes for the sealed ``record`` (a `SealedMonth`, or its
        `SealedFields`): `salary_workbook_of`'s, byte for byte. Once only."""
        if (record.month, record.policy_sha256) != (self.month, self.in_force.sha256):
            raise ValueError(
                f"the workbook was prepared for {self.month} under policy "
                f"{self.in_force.sha256[:12]}, not for the record of {record.month} "
                f"under {record.policy_sha256[:12]}"
            )
        return self.workbook.finish(manifest_of(record, self.in_force))


def prepare(
    policy: Policy,
    results: MonthResults,
    *,
    sealed: bool = False,
    engine_version: str = __version__,
) -> Prepared:
    """The first of the workbook's two steps, before the month is sealed; `Prepared.finish`
    with the sealed record gives the bytes of `salary_workbook_of(record)`.

    ``results`` as evaluated (``Computed.results``: made here as the ledger gives them
    back, `MonthResults.as_sealed`), or as the ledger gives them back when ``sealed``;
    ``policy`` the one the month is sealed with; ``engine_version`` the release sealing
    it (this one, for a run).
    """
    in_force = policy.in_force(Month.parse(results.month))
    typed = results if sealed else results.as_sealed()
    # Its record fields (`RECORD_FIELDS`) are given to `finish`.
    unsealed = _manifest_unsealed(in_force, results.month, engine_version)
    return Prepared(results.month, in_force, prepare_workbook(typed, unsealed, ladder_of(in_force)))


def draft_workbook(results: MonthResults, policy: Policy, input_files: Mapping[str, str]) -> bytes:
    """The workbook of a month evaluated but not sealed: a 草稿 (draft), with no ledger
    record (its 说明 says so, and gives no record hash)."""
    in_force = policy.in_force(Month.parse(results.month))
    manifest = _manifest_unsealed(
        in_force, results.month, __version__, dict(sorted(input_files.items())), draft=True
    )
    return salary_workbook(results.as_sealed(), manifest, ladder_of(in_force))


def _manifest_unsealed(
    in_force: PolicyInForce,
    month: str,
    engine_version: str,
    input_files: Mapping[str, str] | None = None,
    *,
    draft: bool = False,
) -> Manifest:
    """What 说明 says of a month with no ledger record (yet): a workbook prepared before
    its seal, or a draft."""
    return Manifest(
        month=month,
        policy_id=in_force.id,
        policy_version=in_force.version,
        policy_sha256=in_force.sha256,
        input_files=dict(input_files or {}),
        engine_version=engine_version,
        record_hash="",
        ledger_version=0,
        ledger_seq=0,
        pay_day_of_month=in_force.doc.pay.pay_day_of_month,
        demotion_line=demotion_line(in_force),
        organisation=in_force.doc.organisation,
        draft=draft,
    )


def manifest_of(record: RecordFields, in_force: PolicyInForce) -> Manifest:
    """What the 说明 sheet says to tie the workbook to its ledger record."""
    return Manifest(
        month=record.month,
        policy_id=record.policy_id,
        policy_version=record.policy_version,
        policy_sha256=record.policy_sha256,
        input_files=dict(sorted(record.input_files.items())),
        engine_version=record.engine_version,
        record_hash=record.record_hash,
        ledger_version=record.version,
        ledger_seq=record.seq,
        pay_day_of_month=in_force.doc.pay.pay_day_of_month,
        amend_reason=record.amend_reason,
        demotion_line=demotion_line(in_force),
        organisation=in_force.doc.organisation,
    )


def ladder_of(in_force: PolicyInForce) -> tuple[LevelLabel, ...]:
    """The policy's job ladder in order, for level and track titles and the summary's order."""
    tracks = in_force.doc.ladder.tracks
    return tuple(
        LevelLabel(level.id, level.title, level.track, tracks[level.track].title)
        for level in in_force.levels.values()
    )
