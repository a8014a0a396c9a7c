"""Months re-sealed after an amendment, and a draft policy tried on sealed months (issue 10).

The month's life after its seal, over `appraisal.pipeline` and `appraisal.audit`:

- `reseal_after` (`appraisal reseal --after M`): an amendment of M that changes the
  state M hands on leaves every month sealed after it standing on a superseded state
  (stale, 过期). They are sealed again in calendar order, each with its own stored
  inputs and the policy texts it was sealed with, on the state the month before now
  hands on, as an amendment saying why. All under one write lock: every stale month is
  re-sealed, or none is.
- `what_if` (`appraisal what-if`): the stored inputs of sealed months evaluated under a
  draft policy, carrying the draft's own state from month to month (from the state the
  ledger gives the first month), and compared with what is sealed. Nothing is written.

Both return a `ChangeReport` (`payroll_export.changes_model`): per employee and month
what changes, and the back pay (补发) or clawback (扣回) HR must settle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from appraisal.audit import stored_policy
from appraisal.domain.errors import InputError
from appraisal.domain.model import CarriedState, Issue, Month
from appraisal.domain.pauses import without_cycle_collection
from appraisal.export.changes import month_changes
from appraisal.i18n import _
from appraisal.i18n import sealed as texts
from appraisal.ledger.backend import LedgerTarget, is_dsn, ledger_exists
from appraisal.ledger.errors import ChainBroken, LedgerError, NotSealed
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import Writer, writing
from appraisal.pipeline import compute, seal
from appraisal.policy.loaded import Policy
from appraisal.progress import NO_PROGRESS, Progress
from payroll_export.changes_model import ChangeReport

__all__ = ["ResealOutcome", "Resealed", "WhatIf", "months_between", "reseal_after", "what_if"]


@dataclass(frozen=True)
class Resealed:
    """One stale month sealed again: the version it replaced and the new one."""

    before: SealedMonth
    after: SealedMonth


@dataclass(frozen=True)
class ResealOutcome:
    """What `reseal --after M` did: the months re-sealed (none when nothing was stale)
    and their changes."""

    after: str
    resealed: tuple[Resealed, ...]
    report: ChangeReport
    reason: str | None  # the amend reason every re-sealed month got


@dataclass(frozen=True)
class WhatIf:
    """What a draft policy would change in sealed months; nothing was sealed."""

    policy: Policy
    records: tuple[SealedMonth, ...]
    report: ChangeReport


def reseal_after(
    after: Month,
    ledger_path: str | Path,
    *,
    sealed_by: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> ResealOutcome:
    """`appraisal reseal --after M`: every stale month after ``after``, sealed again in order.

    Raises `LedgerError` (no ledger file), `NotSealed` (``after`` is not sealed),
    `ChainBroken`, `StaleMonths`-like `LedgerError` (``after`` itself, or a month before
    it, is stale: the re-seal must start earlier), or `InputError` (a month's stored
    inputs no longer evaluate); nothing is sealed then.
    """
    path = ledger_path if is_dsn(ledger_path) else Path(ledger_path)
    if not ledger_exists(path):
        raise LedgerError(_("no ledger file"))
    progress.stage("reading the ledger")
    with writing(path) as writer, without_cycle_collection():
        writer.verified()  # ChainBroken before anything is read
        _refuse_unsealed(writer, after)
        stale = writer.stale_months()
        if stale and stale[0] <= str(after):
            raise LedgerError(_stale_before(writer, after, stale))
        if not stale:
            return ResealOutcome(str(after), (), _report_of((), after), None)
        handed_by = writer.previous_current(stale[0])
        assert handed_by is not None  # the first month is never stale
        # Sealed as the amendment's reason: English, worded where it is shown.
        reason = texts.RESEALED.format(month=handed_by.month, version=handed_by.version)
        resealed = list(_reseal_each(writer, reason, sealed_by, progress))
    return ResealOutcome(str(after), tuple(resealed), _report_of(resealed, after), reason)


def _reseal_each(
    writer: Writer, reason: str, sealed_by: str | None, progress: Progress
) -> Iterator[Resealed]:
    """Each stale month in turn, on the state the month before it now hands on; a month
    that the one before now starts exactly as it was sealed is stale no more and stays."""
    while stale := writer.stale_months():
        month = stale[0]
        before = writer.current(month)
        assert before is not None
        progress.stage(f"re-sealing {month}")
        policy = stored_policy(before)
        opening = writer.opening(before.period, reason)
        computed, issues = compute(policy, before.month_inputs(), opening.state)
        if computed is None:
            what = _("stored inputs of {month}").format(month=month)
            raise InputError(_stored(month, issues), what=what)
        # A month once sealed is not refused for completeness on a re-seal (issue 10, D).
        outcome = seal(
            writer, policy, opening, computed, reason, allow_unappraised=True, sealed_by=sealed_by
        )
        yield Resealed(before, outcome.record)


def _report_of(resealed: list[Resealed] | tuple[Resealed, ...], after: Month) -> ChangeReport:
    months = tuple(
        month_changes(
            one.before.month_results(),
            one.after.month_results(),
            f"v{one.before.version}",
            f"v{one.after.version}",
        )
        for one in resealed
    )
    return ChangeReport("reseal", f"reseal --after {after}", months)


def _refuse_unsealed(writer: Writer, month: Month) -> None:
    if writer.current(str(month)) is None:
        message = _("{month} is not sealed (sealed months: {sealed})")
        raise NotSealed(message.format(month=month, sealed=_sealed_list(writer.path)))


def _stale_before(writer: Writer, after: Month, stale: list[str]) -> str:
    handed_by = writer.previous_current(stale[0])
    start = handed_by.month if handed_by else stale[0]
    message = _(
        "cannot re-seal after {after}: {month} is stale (过期) itself, sealed on the state "
        "{start} handed on before {start} was amended; re-seal from there: "
        "appraisal reseal --after {start} (stale months: {stale})"
    )
    return message.format(after=after, month=stale[0], start=start, stale=", ".join(stale))


def _sealed_list(path: LedgerTarget) -> str:
    with Ledger(path) as ledger:
        return ", ".join(ledger.sealed_months()) or _("none")


def _stored(month: str, issues: list[Issue]) -> list[Issue]:
    return [Issue(f"{month} stored {i.file}", i.row, i.column, i.message) for i in issues]


# -- what-if ---------------------------------------------------------------------------


def months_between(first: Month, last: Month) -> list[Month]:
    """Every calendar month from ``first`` to ``last``, both included."""
    months = [first]
    while str(months[-1]) < str(last):
        months.append(months[-1].next())
    return months


def what_if(
    policy: Policy,
    first: Month,
    last: Month,
    ledger_path: str | Path,
    progress: Progress = NO_PROGRESS,
) -> WhatIf:
    """The sealed months ``first``..``last`` (current versions) evaluated under ``policy``.

    Starts from the state the ledger gives ``first`` and carries the draft's own state
    from month to month. Reads the ledger only (its bytes stay as they are). Raises
    `LedgerError` (no ledger file), `ChainBroken`, `NotSealed` (a month of the range is
    not sealed: the message lists the sealed months) or `InputError` (stored inputs the
    draft policy refuses, every problem of every month).
    """
    path = ledger_path if is_dsn(ledger_path) else Path(ledger_path)
    if not ledger_exists(path):
        raise LedgerError(_("no ledger file"))
    progress.stage("reading the ledger")
    with Ledger(path) as ledger, ledger.snapshot():
        problems = ledger.verify_chain()
        if problems:
            raise ChainBroken(problems)
        records = [ledger.current(str(month)) for month in months_between(first, last)]
        missing = [
            str(m) for m, r in zip(months_between(first, last), records, strict=True) if r is None
        ]
        if missing:
            message = _("{missing} in {first}..{last} not sealed (sealed months: {sealed})")
            sealed_months = ", ".join(ledger.sealed_months()) or _("none")
            missed = ", ".join(missing)
            raise NotSealed(
                message.format(missing=missed, first=first, last=last, sealed=sealed_months)
            )
        previous = ledger.previous_current(str(first))
        stale = set(ledger.stale_months())
    sealed = tuple(r for r in records if r is not None)
    state = previous.carried_after() if previous else CarriedState()
    label = _("draft {policy} {version}").format(policy=policy.id, version=policy.version)
    months, issues = [], []
    with without_cycle_collection():
        for record in sealed:
            progress.stage(f"evaluating {record.month}")
            computed, found = compute(policy, record.month_inputs(), state)
            if computed is None:
                issues += _stored(record.month, found)
                continue
            state = computed.state_after
            months.append(
                month_changes(
                    record.month_results(),
                    computed.results.as_sealed(),
                    _("sealed v{version} ({policy} {policy_version})").format(
                        version=record.version,
                        policy=record.policy_id,
                        policy_version=record.policy_version,
                    ),
                    label,
                )
            )
    if issues:
        raise InputError(issues, what=_("stored inputs under {label}").format(label=label))
    stale_note = _("{month} is stale (过期): its sealed results stand on a superseded state")
    notes = tuple(stale_note.format(month=r.month) for r in sealed if r.month in stale)
    title = _("what-if {label}, {first}..{last}").format(label=label, first=first, last=last)
    return WhatIf(policy, sealed, ChangeReport("what-if", title, tuple(months), notes))
