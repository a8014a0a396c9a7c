"""The commands besides `run` and `replay`: the input form, an import, a statement.

Each one is a short path through the stages, like `appraisal.pipeline.run`: load the
policy once, read, and write or return what the command makes. Problems come back as
`InputError` (with every `Issue`, and what was being read) or another `AppraisalError`;
`appraisal.cli` prints them. Nothing here prints: the stages go to an optional
`Progress` (`appraisal.progress`), as the pipeline's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from appraisal.domain.errors import InputError, WriteFailed
from appraisal.domain.model import Employee, Issue, Month
from appraisal.engine.validate import validate, with_level_ids
from appraisal.export.statement import statement
from appraisal.export.workbook import salary_workbook_of, workbook_differences
from appraisal.files.zipcheck import MAX_ROWS
from appraisal.i18n import _
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed
from appraisal.policy.clauses import stale_clauses, stale_clauses_between
from appraisal.policy.loaded import Policy, PolicyInForce, load_policy, load_policy_bundle
from appraisal.progress import NO_PROGRESS, Progress
from appraisal.read.form.template import appraisal_rows, template_workbook
from appraisal.read.imports.catalog import load_profile
from appraisal.read.imports.convert import import_export
from appraisal.read.imports.records import Imported
from appraisal.read.imports.write import write_events_csv
from appraisal.read.parse import parse_events, parse_roster
from appraisal.read.tables import read_roster_table

__all__ = [
    "ImportWritten",
    "WorkbookCheck",
    "check_workbook",
    "import_attendance",
    "input_form",
    "sealed_month",
    "sealed_statement",
]


def input_form(
    month: Month, roster_path: Path, policy_path: Path | None, progress: Progress = NO_PROGRESS
) -> tuple[bytes, int]:
    """`appraisal template`: the managers' input workbook, and how many employees it lists."""
    progress.stage("reading the roster")
    in_force = load_policy(policy_path).in_force(month)
    roster = _roster(roster_path, in_force)
    # Past a worksheet's rows, neither Excel nor `run` could read the form back.
    if (rows := appraisal_rows(roster, in_force)) > MAX_ROWS:
        message = _(
            "{employees} employees make {rows} rows in the 考评 sheet, and a worksheet "
            "holds at most {limit} (MAX_ROWS, Excel's limit): split the roster, by "
            "department for instance, and write a workbook for each part"
        ).format(employees=f"{len(roster):,}", rows=f"{rows:,}", limit=f"{MAX_ROWS:,}")
        raise InputError([Issue(str(roster_path), None, None, message)], what="roster")
    progress.stage("making the workbook")
    return template_workbook(month, roster, in_force), len(roster)


@dataclass(frozen=True)
class ImportWritten:
    imported: Imported
    review_path: Path


def import_attendance(
    file: Path,
    month: Month,
    out: Path,
    *,
    policy_path: Path | None = None,
    profile: str | None = None,
    roster_path: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportWritten:
    """`appraisal import`: an attendance export → the canonical events file and its review list."""
    progress.stage("reading the export")
    policy = load_policy(policy_path)
    chosen = load_profile(profile) if profile else None
    in_force = policy.in_force(month)
    roster = _roster(roster_path, in_force) if roster_path is not None else None
    hours_per_day = in_force.doc.attendance.hours_per_day
    imported = import_export(file, month, roster, hours_per_day=hours_per_day, profile=chosen)
    # What is written must read back as the events `run` accepts.
    progress.stage("checking the events")
    issues = list(imported.issues) or parse_events(imported.table, month)[1]
    if issues:
        raise InputError(issues, what="export")
    progress.stage("writing the events")
    try:
        return ImportWritten(imported, write_events_csv(imported, out))
    except OSError as error:
        raise WriteFailed(error.filename or str(out), error.strerror or str(error)) from error


def _roster(path: Path, in_force: PolicyInForce) -> list[Employee]:
    """A roster for a command that writes a file from it; every problem at once.

    Levels are checked against the policy here too: what is written must not carry a
    level that `run` would refuse. A level given by its title (客服经理) is written as
    its id, as `run` seals it.
    """
    table, issues = read_roster_table(path)
    if table is None:
        raise InputError(issues, what="roster")
    roster, found = parse_roster(table)
    found += validate(in_force, roster, ())
    issues += sorted(found, key=lambda i: (i.row or 0, i.column or ""))
    if issues:
        raise InputError(issues, what="roster")
    return list(with_level_ids(in_force, roster, ())[0])


def policy_warnings(policy: Policy, ledger_path: Path | None) -> list[str]:
    """`check-policy`'s warnings: clause texts that still quote a figure the policy has
    changed, and, with a ledger, a version the ledger sealed with another text (which
    `run` would refuse) or clauses unchanged since the text it sealed last."""
    warnings = stale_clauses(policy)
    if ledger_path is None:
        return warnings
    if not ledger_path.is_file():
        nothing = _("{ledger}: no ledger file, so nothing to compare with")
        return [*warnings, nothing.format(ledger=ledger_path)]
    with Ledger(ledger_path) as ledger:
        reused = ledger.policy_text_sealed_as(policy.id, policy.version, policy.sha256)
        latest = ledger.latest_policy_text(policy.id)
    if reused is not None:
        message = _(
            "{ledger}: version {version} of {policy} was sealed with another "
            "text ({reused}); run will refuse this one: give it a new version"
        )
        warnings.append(
            message.format(
                ledger=ledger_path, version=policy.version, policy=policy.id, reused=reused
            )
        )
    if latest is not None and latest[1] != policy.version:
        month, version, texts = latest
        sealed = load_policy_bundle(texts)
        dates = sealed.source.effective_dates()
        since = _("since version {version}, sealed in {month}").format(version=version, month=month)
        warnings += stale_clauses_between(
            sealed.in_force_on(dates[-1]),
            policy.in_force_on(policy.source.effective_dates()[-1]),
            since,
        )
    return warnings


def sealed_month(ledger_path: Path, month: Month, version: int | None = None) -> SealedMonth:
    """The current version of a sealed month, or its ``version``, once the ledger's chain
    up to it holds."""
    return read_sealed(ledger_path, month, version)


def sealed_statement(
    ledger_path: Path,
    month: Month,
    employee: str,
    lang: str,
    progress: Progress = NO_PROGRESS,
    *,
    version: int | None = None,
) -> str:
    """`appraisal explain`: one employee's statement of a sealed month (its current
    version, or ``version``).

    Raises `UnknownEmployee` (with a suggestion) for an id not in the month.
    """
    progress.stage("reading the ledger")
    record = sealed_month(ledger_path, month, version)
    in_force = load_policy_bundle(record.policy_sources).in_force(month)
    titles = in_force.level_titles()
    return statement(record.month_results(), employee, lang, titles)


@dataclass(frozen=True)
class WorkbookCheck:
    """A workbook file compared with the one the ledger gives for its month."""

    identical: bool  # byte for byte
    differences: tuple[str, ...]  # empty when every part is the same


def check_workbook(found: bytes, record: SealedMonth, policy: Policy | None) -> WorkbookCheck:
    """`replay --workbook`: is this file the workbook of the sealed month?

    ``policy`` is the one the replay parsed from the ledger's texts, so it is not
    parsed again.
    """
    expected = salary_workbook_of(record, policy=policy)
    return WorkbookCheck(found == expected, tuple(workbook_differences(expected, found)))
