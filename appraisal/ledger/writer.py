"""One writer at a time: a run's opening, computation and seal under one write lock.

Part of the "seal" stage. `writing` holds the ledger's write lock from before the
carried state is read until the seal commits, so a month is never sealed on a state
another run changes meanwhile, and of two identical runs the second finds the first's
seal. Before anything in it is used, the chain is verified (`Writer.verified`).

A ledger file is created only when a month is sealed in it. Without one, the month
starts from nothing and no lock is taken; the seal creates the file, and if another run
has sealed in it meanwhile (`LedgerChanged`) the caller starts again under its lock.
`read_sealed` is the readers' way in: a sealed month once the chain up to it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from appraisal.domain.model import CarriedState, Month
from appraisal.i18n import _
from appraisal.ledger.backend import LedgerTarget, is_dsn, ledger_exists, shown
from appraisal.ledger.errors import ChainBroken, LedgerError, NotSealed, StaleMonths
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.sealing import Fingerprinted
from appraisal.ledger.store import Ledger

__all__ = ["LedgerChanged", "Opening", "Writer", "read_sealed", "unknown_version", "writing"]


class LedgerChanged(LedgerError):
    """A ledger file appeared, with months in it, while a month was computed without one:
    compute again from what it holds."""


@dataclass(frozen=True)
class Opening:
    """Where a month starts in the ledger: the state the month before left, and the
    month's current sealed version, if it has one."""

    state: CarriedState
    current: SealedMonth | None


class Writer:
    """A ledger held for writing, or the promise of one (no file yet)."""

    def __init__(self, path: LedgerTarget, ledger: Ledger | None, stack: ExitStack) -> None:
        self.path, self._ledger, self._stack = path, ledger, stack
        self._verified = False

    @property
    def ledger(self) -> Ledger | None:
        """The ledger held, or None while there is no file yet."""
        return self._ledger

    def verified(self) -> Writer:
        """The writer, once the whole chain is verified (once); raises `ChainBroken`."""
        if self._ledger is not None and not self._verified:
            problems = self._ledger.verify_chain()
            if problems:
                raise ChainBroken(problems)
            self._verified = True
        return self

    def opening(self, month: Month, amend: str | None = None) -> Opening:
        """Where ``month`` starts, once the chain is verified (`ChainBroken`).

        A month at or after the first stale month is refused (`StaleMonths`), except
        that first stale month itself with an amendment reason: the line stops until the
        months sealed on a superseded state are sealed again, in order.
        """
        self.verified()
        stale = self.stale_months()
        if stale and (str(month) > stale[0] or (str(month) == stale[0] and amend is None)):
            before = self.previous_current(stale[0])
            raise StaleMonths(str(month), stale, before.month if before else None)
        # Only the state handed on is read of the month before, not its whole record.
        state = self._ledger.state_handed_to(str(month)) if self._ledger else CarriedState()
        return Opening(state, self.current(str(month)))

    def current(self, month: str) -> SealedMonth | None:
        return self._ledger.current(month) if self._ledger else None

    def previous_current(self, month: str) -> SealedMonth | None:
        return self._ledger.previous_current(month) if self._ledger else None

    def stale_months(self) -> list[str]:
        return self._ledger.stale_months() if self._ledger else []

    def seal(
        self,
        new: NewSeal,
        amend_reason: str | None = None,
        *,
        sealed_by: str | None = None,
        made: Fingerprinted | None = None,
    ) -> SealedMonth:
        """`Ledger.seal`, committed when the `writing` block ends; creates the file if
        there is none, and raises `LedgerChanged` if another run sealed in it first."""
        if self._ledger is None:
            ledger = self._stack.enter_context(Ledger(self.path))
            self._stack.enter_context(ledger.write_lock())
            if ledger.head_hash():
                raise LedgerChanged(
                    _("{ledger}: months were sealed meanwhile").format(ledger=shown(self.path))
                )
            self._ledger, self._verified = ledger, True
        return self._ledger.seal(new, amend_reason, sealed_by=sealed_by, made=made)


@contextmanager
def writing(path: LedgerTarget) -> Iterator[Writer]:
    """The ledger at ``path`` under its write lock for the block (see the module's text).

    Seals made in the block commit when it ends without an exception; on an exception
    nothing is sealed, and no ledger file is left that was not there before.
    """
    target = path if is_dsn(path) else Path(path)
    with ExitStack() as stack:
        if not ledger_exists(target):
            yield Writer(target, None, stack)
            return
        ledger = stack.enter_context(Ledger(target))
        yield Writer(target, stack.enter_context(ledger.write_lock()), stack)


def read_sealed(path: LedgerTarget, month: Month | str, version: int | None = None) -> SealedMonth:
    """The current version of a sealed month, or its ``version`` (current or superseded),
    once the chain up to that record is verified: every reader of a sealed month, and
    every command's ``--version N``, comes in here.

    Raises `LedgerError` (no ledger file), `NotSealed` (the message lists the sealed
    months, or the month's versions) or `ChainBroken` (naming every record that is wrong).
    """
    if not ledger_exists(path):
        raise LedgerError(_("no ledger file"))
    with Ledger(path) as ledger, ledger.snapshot():  # the record read is the record verified
        if version is None:
            record = ledger.trusted_current(str(month))
            sealed = ledger.sealed_months() if record is None else []
            if record is None:
                raise NotSealed(_not_sealed(str(month), sealed))
            return record
        record = ledger.version(str(month), version)
        if record is None:
            raise NotSealed(unknown_version(ledger, str(month), version))
        problems = ledger.verify_chain(through_seq=record.seq)
    if problems:
        raise ChainBroken(problems)
    return record


def unknown_version(ledger: Ledger, month: str, version: int) -> str:
    """Why ``version`` of ``month`` cannot be read, naming the versions there are."""
    there = [str(r.version) for r in ledger.versions(month)]
    if not there:
        return _not_sealed(month, ledger.sealed_months())
    return _("{month} has no version {version} (versions: {versions})").format(
        month=month, version=version, versions=", ".join(there)
    )


def _not_sealed(month: str, sealed: list[str]) -> str:
    return _("{month} is not sealed (sealed months: {months})").format(
        month=month, months=", ".join(sealed) or _("none")
    )
