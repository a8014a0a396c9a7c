"""The month as a draft: files and review decisions gathered before the seal (issue 10).

The ledger's draft area (`appraisal.ledger.drafts`, outside the hash chain) holds a
month's parts until it is ready. `seal_draft` seals them through `pipeline.run_month` as
`run` would: the files are read from their stored bytes under the names they were sent
with, so the record and its hash are the `run`'s, and the draft is cleared in the seal's
commit. A decision on a review item becomes an input event whose source is the decision
(``draft decision R-…``), its note saying who decided, when and why."""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from appraisal.domain.errors import AppraisalError, InputError
from appraisal.domain.model import Issue, Month
from appraisal.domain.suggest import closest
from appraisal.drafts.inputs import (
    DAY_KINDS,
    RESOLUTIONS,
    decision_event,
    materialised,
    parse_resolution,
    with_decisions,
)
from appraisal.files.input import read_input
from appraisal.i18n import _
from appraisal.ledger.backend import LedgerTarget, ledger_exists
from appraisal.ledger.drafts import (
    Decision,
    DraftFile,
    clear_draft,
    decisions,
    draft_files,
    remove_decision,
    remove_file,
    store_decision,
    store_files,
)
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import Writer
from appraisal.pipeline import Preview, RunOutcome, export, preview, run_month
from appraisal.policy.loaded import Policy
from appraisal.progress import NO_PROGRESS, Progress
from appraisal.read.deductions import read_deductions
from appraisal.read.imports.convert import detect_profile
from appraisal.read.imports.records import ReviewItem
from appraisal.read.parse import parse_events
from appraisal.read.tables import read_event_tables

__all__ = [
    "DAY_KINDS",
    "RESOLUTIONS",
    "DraftError",
    "DraftView",
    "Sealed",
    "add_files",
    "decision_event",
    "parse_resolution",
    "remove",
    "resolve",
    "review",
    "seal_draft",
    "show",
]


class DraftError(AppraisalError):
    """A draft command refused (no draft for the month, an unknown item or file)."""


@dataclass(frozen=True)
class DraftView:
    """A draft as `draft show` prints it; ``preview`` None without a roster."""

    month: Month
    files: tuple[DraftFile, ...]
    decisions: tuple[Decision, ...]
    review: tuple[ReviewItem, ...]
    preview: Preview | None


@dataclass(frozen=True)
class Sealed:
    """The draft sealed: the outcome as `run` has it, and the review items left unresolved."""

    outcome: RunOutcome
    unresolved: tuple[ReviewItem, ...]


def now() -> str:
    """The time of a submission or a decision: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def who(by: str | None) -> str:
    return by if by else getpass.getuser()


# -- the commands ---------------------------------------------------------------------


def add_files(
    ledger_path: LedgerTarget,
    month: Month,
    given: Sequence[tuple[str, Path]],
    by: str | None,
    policy: Policy,
) -> tuple[list[tuple[DraftFile, str]], list[DraftFile]]:
    """`draft add`: each (role, path) checked as `run` would read it beside the draft's other
    files, then stored, all or none (`InputError` with every problem of the files given).
    Returns each file with ``added`` or ``same`` (bytes held already), and the rosters replaced."""
    issues: list[Issue] = []
    at, sender = now(), who(by)
    sent: list[tuple[DraftFile, Path]] = []
    for role, path in given:
        got, found = read_input(path)
        issues += found
        if got is not None:
            file = DraftFile(str(month), role, got.name, got.sha256, got.data, sender, at)
            sent.append((file, path))
    if issues:
        raise InputError(issues)
    with Ledger(ledger_path) as ledger:
        held = {f.sha256: f for f in draft_files(ledger, str(month))}
        done: list[tuple[DraftFile, str]] = []
        new: list[tuple[DraftFile, Path]] = []
        for file, path in sent:
            if file.sha256 in held or any(file.sha256 == f.sha256 for f, _ in new):
                done.append((held.get(file.sha256, file), "same"))
            else:
                new.append((file, path))
                done.append((file, "added"))
        replacing = any(f.role == "roster" for f, _ in new)
        kept = [f for f in held.values() if not (replacing and f.role == "roster")]
        issues = _problems_of(month, kept, new, policy)
        if issues:
            raise InputError(issues)
        replaced = store_files(ledger, [f for f, _ in new]) if new else []
    return done, replaced


def _problems_of(
    month: Month,
    kept: Sequence[DraftFile],
    new: Sequence[tuple[DraftFile, Path]],
    policy: Policy,
) -> list[Issue]:
    """The problems `run` would find in the new files, read beside the files kept; without
    a roster, what can be checked of each file alone (an export is matched to the roster
    when it comes)."""
    files = [*kept, *(f for f, _ in new)]
    paths = {str(path) for _, path in new}
    if any(f.role == "roster" for f in files):
        given = {len(kept) + n: path for n, (_, path) in enumerate(new)}
        with materialised(files, given) as (inputs_of, _tidy):
            _, issues = inputs_of(month, policy)
        return [issue for issue in issues if issue.file in paths]
    issues = []
    for file, path in new:
        if file.role == "deductions":
            issues += read_deductions(path, None, {})[2]
            continue
        try:
            if detect_profile(path) is not None:
                continue
        except InputError as error:
            issues += error.issues
            continue
        tables, found = read_event_tables(path)
        issues += found
        for table in tables:
            issues += parse_events(table, month)[1]
    return issues


def show(ledger_path: LedgerTarget, month: Month, policy: Policy) -> DraftView:
    """`draft show`: the draft's files and decisions, and the preview of sealing it now."""
    files, made = _draft_of(ledger_path, month)
    roster = [f for f in files if f.role == "roster"]
    if not roster:
        return DraftView(month, tuple(files), tuple(made), (), None)
    with materialised(files) as (inputs_of, tidy):
        inputs, _issues = inputs_of(month, policy)
        applied = with_decisions(inputs, made)
        seen = preview(policy, applied, ledger_path)
        seen = dataclasses.replace(seen, issues=[tidy(i) for i in seen.issues])
    return DraftView(month, tuple(files), tuple(made), inputs.review, seen)


def review(
    ledger_path: LedgerTarget, month: Month, policy: Policy
) -> tuple[list[DraftFile], list[Decision], tuple[ReviewItem, ...]]:
    """The draft's files, its decisions and its review items, read as `run` reads them,
    without the preview's evaluation (`show` gives that too); no items without a roster."""
    files, made = _draft_of(ledger_path, month)
    if not any(f.role == "roster" for f in files):
        return files, made, ()
    with materialised(files) as (inputs_of, _tidy):
        inputs, _issues = inputs_of(month, policy)
    return files, made, inputs.review


def resolve(
    ledger_path: LedgerTarget,
    month: Month,
    item_id: str,
    resolution: str,
    by: str | None,
    reason: str,
    policy: Policy,
) -> tuple[ReviewItem, Decision]:
    """`draft resolve`: a decision on one of the draft's review items, by its id."""
    files, _made, review_items = review(ledger_path, month, policy)
    if not any(f.role == "roster" for f in files):
        message = _("the {month} draft has no roster yet, so no review items to resolve")
        raise DraftError(message.format(month=month))
    items = {item.id: item for item in review_items}
    if item_id not in items:
        message = _("no review item {item} in the {month} draft{hint} (its items: {known})")
        hint, known = _hint(item_id, items), ", ".join(items) or _("none")
        raise DraftError(message.format(item=item_id, month=month, hint=hint, known=known))
    decision = Decision(str(month), item_id, resolution, reason, who(by), now())
    with Ledger(ledger_path) as ledger:
        store_decision(ledger, decision)
    return items[item_id], decision


def remove(ledger_path: LedgerTarget, month: Month, what: str) -> DraftFile | Decision:
    """`draft remove`: a file (by its name or a prefix of its sha256) or a decision (by its
    item's id) taken out of the draft."""
    files, made = _draft_of(ledger_path, month)
    decided = [d for d in made if d.item_id == what]
    named = [f for f in files if f.name == what] or [
        f for f in files if len(what) >= 4 and f.sha256.startswith(what.lower())
    ]
    with Ledger(ledger_path) as ledger:
        if decided:
            remove_decision(ledger, decided[0])
            return decided[0]
        if len(named) == 1:
            remove_file(ledger, named[0])
            return named[0]
    if named:
        shas = ", ".join(f"{f.name} {f.sha256[:12]}" for f in named)
        message = _("{what} names {count} files of the {month} draft ({shas}); give its sha256 prefix")  # fmt: skip
        raise DraftError(message.format(what=what, count=len(named), month=month, shas=shas))
    hint = _hint(what, [f.name for f in files] + [d.item_id for d in made])
    message = _("no file or decision {what} in the {month} draft{hint} (files: {files}; decisions: {decisions})")  # fmt: skip
    names, ids = ", ".join(f.name for f in files), ", ".join(d.item_id for d in made)
    listed = {"files": names or _("none"), "decisions": ids or _("none")}
    raise DraftError(message.format(what=what, month=month, hint=hint, **listed))


def _clear(writer: Writer, month: Month) -> None:
    if writer.ledger is not None:  # a draft lives in a ledger file, so there is one
        clear_draft(writer.ledger, str(month))


def seal_draft(
    ledger_path: LedgerTarget,
    month: Month,
    policy: Policy,
    *,
    by: str | None = None,
    amend: str | None = None,
    allow_unappraised: bool = False,
    json_path: Path | None = None,
    workbook_path: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> Sealed:
    """`appraisal seal`: the draft sealed as `run` would seal its files and decisions, its
    outputs written, then the draft cleared. Nothing is sealed or cleared on a problem."""
    files, made = _draft_of(ledger_path, month)
    if not any(f.role == "roster" for f in files):
        raise DraftError(_("the {month} draft has no roster; nothing to seal").format(month=month))
    progress.stage("reading")
    with materialised(files) as (inputs_of, tidy):
        inputs, _issues = inputs_of(month, policy)
        applied = with_decisions(inputs, made)
        try:
            outcome = run_month(
                policy,
                applied,
                ledger_path,
                amend,
                progress,
                allow_unappraised=allow_unappraised,
                sealed_by=who(by),
                then=lambda writer: _clear(writer, month),  # in the seal's own commit
            )
        except InputError as error:
            raise InputError([tidy(i) for i in error.issues]) from None
    export(
        outcome,
        policy,
        json_path=json_path,
        workbook_path=workbook_path,
        ledger_path=ledger_path,
        progress=progress,
    )
    resolved = {d.item_id for d in made}
    return Sealed(outcome, tuple(i for i in inputs.review if i.id not in resolved))


# -- the draft read back --------------------------------------------------------------


def _draft_of(ledger_path: LedgerTarget, month: Month) -> tuple[list[DraftFile], list[Decision]]:
    """The month's draft, or `DraftError`: no ledger there, or no draft for the month."""
    if not ledger_exists(ledger_path):
        message = _("no ledger at {ledger}; start a draft with appraisal draft add")
        raise DraftError(message.format(ledger=ledger_path))
    with Ledger(ledger_path) as ledger:
        files, made = draft_files(ledger, str(month)), decisions(ledger, str(month))
    if not files and not made:
        message = _(
            "no draft for {month} in {ledger}; start one with"
            " appraisal draft add --month {month} --roster FILE"
        )
        raise DraftError(message.format(month=month, ledger=ledger_path))
    return files, made


def _hint(word: str, choices: Iterable[str]) -> str:
    meant = closest(word, choices)
    return _("; did you mean {meant}?").format(meant=meant) if meant else ""
