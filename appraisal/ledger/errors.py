"""Why the ledger refuses a file or a seal: the "seal" stage's exceptions.

Part of the tree drawn in `appraisal.domain.errors`::

    LedgerError          the file cannot be used as a ledger, or a seal is refused
    ├── AlreadySealed    the month has a current version and no amendment reason was given
    ├── ChainBroken      the hash chain does not hold: a record was edited, deleted or moved
    ├── LedgerBusy       another run held the write lock for longer than a writer waits
    ├── NothingToAmend   an amendment reason for a month that was never sealed
    ├── NotSealed        a month asked for (to explain, to check) that is not in the ledger
    ├── OutOfOrder       a new month earlier than the latest sealed month
    └── StaleMonths      a month at or after the first one sealed on a state since amended
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.errors import AppraisalError
from appraisal.i18n import _
from appraisal.ledger.records import SealedMonth

__all__ = [
    "AlreadySealed",
    "ChainBroken",
    "LedgerBusy",
    "LedgerError",
    "NotSealed",
    "NothingToAmend",
    "OutOfOrder",
    "PolicyVersionReused",
    "StaleMonths",
    "stale_note",
]


class LedgerError(AppraisalError):
    """The file cannot be used as a ledger, or a seal is refused."""


class AlreadySealed(LedgerError):
    """The month is sealed; sealing it again needs an amendment reason."""

    def __init__(self, current: SealedMonth) -> None:
        super().__init__(
            _(
                "{month} is already sealed (version {version}, seq {seq});"
                " give an amendment reason to replace it"
            ).format(month=current.month, version=current.version, seq=current.seq)
        )
        self.current = current


class ChainBroken(LedgerError):
    """The hash chain does not hold, so no record of the ledger is used.

    ``problems`` holds one message a problem, each naming its record as
    ``seq N (YYYY-MM vV)``.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            _(
                "the hash chain does not hold, so the ledger is not trusted (账本校验失败)"
                " and nothing was read from it: {problems}"
            ).format(problems="; ".join(self.problems))
        )


class LedgerBusy(LedgerError):
    """Another run held the ledger's write lock for longer than a writer waits."""


class NothingToAmend(LedgerError):
    """An amendment reason was given for a month that was never sealed."""


class NotSealed(LedgerError):
    """The month asked for is not in the ledger; the message lists the months that are."""


class OutOfOrder(LedgerError):
    """Months are sealed in calendar order: a new month must not precede a sealed one."""


class PolicyVersionReused(LedgerError):
    """A seal with a policy whose id and version were sealed with another text."""


class StaleMonths(LedgerError):
    """Sealed months stand on a state an amendment has since changed (过期).

    ``months`` are the months to re-seal with an amendment, in order: the first stale
    one and every sealed month after it. Nothing after the first of them is sealed
    until they are.
    """

    def __init__(self, month: str, months: Sequence[str], handed_by: str | None) -> None:
        self.month, self.months = month, tuple(months)
        first, listed = self.months[0], ", ".join(self.months)
        if month == first and handed_by:
            text = _(
                "{first} is stale (过期): it was sealed on the state {handed_by} handed on"
                " before {handed_by} was amended; re-seal with --amend: {months}"
            )
        elif month == first:
            text = _("{first} is stale (过期); re-seal with --amend: {months}")
        elif handed_by:
            text = _(
                "cannot seal {month} after a stale month: {first} is stale (过期): it was"
                " sealed on the state {handed_by} handed on before {handed_by} was amended;"
                " re-seal with --amend: {months}"
            )
        else:
            text = _(
                "cannot seal {month} after a stale month: {first} is stale (过期);"
                " re-seal with --amend: {months}"
            )
        super().__init__(text.format(month=month, first=first, handed_by=handed_by, months=listed))


def stale_note(month: str, stale: Sequence[str], handed_by: str | None) -> str:
    """How `appraisal replay` reports a stale ``month`` (one of ``stale``, the months to
    re-seal in order); ``handed_by`` is the sealed month before it."""
    if month == stale[0] and handed_by is not None:
        text = _(
            "{month} is stale (过期): its state before differs from the state {handed_by}"
            " hands on: {handed_by} was amended after {month} was sealed;"
            " re-seal with --amend: {months}"
        )
    else:
        text = _(
            "{month} is stale (过期): it was sealed on {first}, which is stale;"
            " re-seal with --amend: {months}"
        )
    return text.format(month=month, handed_by=handed_by, first=stale[0], months=", ".join(stale))
