"""The ledger's one write lock, its transactions and its read snapshots.

Part of the "seal" stage: what `appraisal.ledger.store.Ledger` is built on. SQLite's
BEGIN IMMEDIATE is the one write lock: ``write_lock`` holds it across a run's opening,
computation and seal; ``transaction`` makes a block's writes all or nothing (a savepoint
inside ``write_lock``); ``snapshot`` reads a block's queries from one state of the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from appraisal.i18n import _
from appraisal.ledger.backend import Connection, LedgerTarget
from appraisal.ledger.errors import LedgerBusy, LedgerError

__all__ = ["Locking", "cannot_read"]


class Locking:
    """The locking half of a ledger: a connection in autocommit, and its path and wait.

    On PostgreSQL the connection is `appraisal.ledger.postgres.PostgresConnection`, where
    BEGIN IMMEDIATE takes the ledger's advisory lock: the same statements hold there.
    """

    path: LedgerTarget
    shown: str  # the path, or the connection string without its password, for messages
    wait: float
    _db: Connection
    _holding: bool

    @contextmanager
    def write_lock(self) -> Iterator[Self]:
        """Hold the ledger's one write lock for the block: another writer waits (up to
        ``wait`` seconds, then `LedgerBusy`) until the block ends. Read the carried state
        and seal inside it; the seals commit together when the block ends without an
        exception, and none does otherwise. Readers are not held up."""
        self._begin("BEGIN IMMEDIATE", _("lock the ledger for writing"))
        self._holding = True
        try:
            yield self
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise LedgerError(
                    _("{ledger}: cannot seal: {error}").format(ledger=self.shown, error=exc)
                ) from exc
            raise
        finally:
            self._holding = False

    def _begin(self, statement: str, action: str) -> None:
        try:
            self._db.execute(statement)
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
                raise LedgerBusy(
                    _(
                        "another run has been sealing a month in this ledger for over"
                        " {seconds} seconds; nothing was sealed. Run again when it has finished"
                    ).format(seconds=f"{self.wait:g}")
                ) from exc
            raise LedgerError(_cannot(self.shown, action, exc)) from exc

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read the block's queries from one state of the file (a read transaction),
        unless a transaction is open already."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            if self._db.in_transaction:
                self._db.execute("COMMIT")

    @contextmanager
    def transaction(self, action: str) -> Iterator[None]:
        """The block's writes, all or nothing: under the write lock (BEGIN IMMEDIATE), or
        a savepoint committed with the lock's block inside `write_lock`. ``action`` names
        what is done, for the message if it cannot be ("seal 2026-10")."""
        if self._holding:  # inside write_lock: a savepoint, committed with the lock's block
            begin, commit, undo = (
                "SAVEPOINT seal",
                "RELEASE seal",
                ["ROLLBACK TO seal", "RELEASE seal"],
            )
        else:
            # IMMEDIATE takes the write lock before any read, so two processes sealing at
            # once cannot both see "not sealed yet".
            begin, commit, undo = "BEGIN IMMEDIATE", "COMMIT", ["ROLLBACK"]
        self._begin(begin, action)
        try:
            yield
            self._db.execute(commit)
        except BaseException as exc:
            if self._db.in_transaction:
                for statement in undo:
                    self._db.execute(statement)
            if isinstance(exc, sqlite3.Error):
                raise LedgerError(_cannot(self.shown, action, exc)) from exc
            raise


def cannot_read(path: str, error: Exception) -> str:
    """The message of a ledger file SQLite cannot read."""
    return _("{ledger}: cannot read the ledger: {error}").format(ledger=path, error=error)


def _cannot(path: str, action: str, error: Exception) -> str:
    return _("{ledger}: cannot {action}: {error}").format(ledger=path, action=action, error=error)
