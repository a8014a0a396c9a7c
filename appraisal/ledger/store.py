"""The ledger of sealed months: the "seal" stage, and what auditors replay from.

read → validate → resolve policy → evaluate → check → **seal** → export

`Ledger` keeps sealed months (`appraisal.ledger.records`) in an SQLite file, the JSON
fields as canonical JSON text, each record linked to the one before by its hash
(`appraisal.ledger.chain`). It refuses a seal that would overwrite a month, amend one
never sealed, or go back in time (`appraisal.ledger.errors`), and ``verify_chain``
finds any edit made behind its back; ``trusted_current`` reads a month only once the
chain up to it holds. ``write_lock`` holds the one write lock (SQLite's BEGIN IMMEDIATE)
across a run's opening, computation and seal, and ``stale_months`` names the months an
amendment has left standing on a superseded state. ``query`` and ``transaction`` are
the way in for the ledger's other tables (the draft area, `appraisal.ledger.drafts`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from types import TracebackType
from typing import Any

from appraisal.domain.model import CarriedState, Month
from appraisal.i18n import _
from appraisal.ledger.backend import Connection, LedgerTarget, is_dsn, shown
from appraisal.ledger.chain import (
    chain_problems,
    record_from_stored,
    where_of,
)
from appraisal.ledger.errors import (
    AlreadySealed,
    ChainBroken,
    LedgerError,
    NothingToAmend,
    OutOfOrder,
    PolicyVersionReused,
)
from appraisal.ledger.locking import Locking, cannot_read
from appraisal.ledger.migrate import prepare
from appraisal.ledger.postgres import PostgresConnection
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.schema import SCHEMA_VERSION, SealNote, seal_note
from appraisal.ledger.sealing import Fingerprinted, fingerprinted, sealed_record
from appraisal.ledger.texts import stored_text

__all__ = ["SCHEMA_VERSION", "WAIT_FOR_WRITER_SECONDS", "Ledger"]

#: How long a run waits for another run's write lock (its opening, computation and
#: seal; a month of 10,000 employees takes about 12 s) before it gives up.
WAIT_FOR_WRITER_SECONDS = 300.0

_COLUMNS = tuple(f.name for f in fields(SealedMonth))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM sealed_month"


class Ledger(Locking):
    """An SQLite file of sealed months, or a PostgreSQL database of them when ``path`` is
    a ``postgresql://`` connection string (`appraisal.ledger.postgres`). Use as a context
    manager, or call ``close()``."""

    def __init__(self, path: LedgerTarget, *, wait: float | None = None) -> None:
        """``wait`` is how many seconds to wait for another writer (default
        `WAIT_FOR_WRITER_SECONDS`)."""
        self.path = path if is_dsn(path) else Path(path)
        self.shown = shown(self.path)
        self.wait = WAIT_FOR_WRITER_SECONDS if wait is None else wait
        self._holding = False
        self._db: Connection
        try:
            # Autocommit: every write goes through `transaction`'s explicit BEGIN/COMMIT.
            if isinstance(self.path, str):
                self._db = PostgresConnection(self.path, self.wait)
            else:
                self._db = sqlite3.connect(self.path, isolation_level=None, timeout=self.wait)
        except sqlite3.Error as exc:
            raise LedgerError(
                _("{ledger}: cannot open the ledger: {error}").format(ledger=self.shown, error=exc)
            ) from exc
        try:
            prepare(self._db, self.shown, self.transaction)
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- reading -------------------------------------------------------------------

    def current(self, month: str) -> SealedMonth | None:
        """The newest version of ``month``, or None if it was never sealed."""
        rows = self._records("WHERE month = ? ORDER BY version DESC LIMIT 1", (_month_key(month),))
        return rows[0] if rows else None

    def versions(self, month: str) -> list[SealedMonth]:
        """Every version of ``month``, oldest first, superseded ones included."""
        return self._records("WHERE month = ? ORDER BY version", (_month_key(month),))

    def version(self, month: str, number: int) -> SealedMonth | None:
        """Version ``number`` of ``month``, current or superseded, or None."""
        rows = self._records("WHERE month = ? AND version = ?", (_month_key(month), number))
        return rows[0] if rows else None

    def seal_notes(self) -> dict[int, SealNote]:
        """When and by whom each record was sealed, by seq; a record sealed before the
        ledger's schema 2 has none."""
        rows = self.query("SELECT seq, sealed_at, sealed_by FROM seal_note")
        return {int(seq): SealNote(str(at), str(by)) for seq, at, by in rows}

    def previous_current(self, month: str) -> SealedMonth | None:
        """The newest version of the latest sealed month before ``month``: its
        ``state_after`` is where ``month`` starts."""
        rows = self._records(
            "WHERE month < ? ORDER BY month DESC, version DESC LIMIT 1", (_month_key(month),)
        )
        return rows[0] if rows else None

    def state_handed_to(self, month: str) -> CarriedState:
        """The state ``month`` starts from: the ``state_after`` of `previous_current`, read
        alone (not its whole record), or the empty state when nothing was sealed before."""
        rows = self.query(
            "SELECT state_after FROM sealed_month WHERE month < ?"
            " ORDER BY month DESC, version DESC LIMIT 1",
            (_month_key(month),),
        )
        if not rows:
            return CarriedState()
        try:
            return CarriedState.from_json(json.loads(stored_text(rows[0][0])))
        except (TypeError, ValueError) as exc:
            raise LedgerError(
                _("{ledger}: the state before {month}: {error}").format(
                    ledger=self.shown, month=month, error=exc
                )
            ) from exc

    def sealed_months(self) -> list[str]:
        return [m for (m,) in self.query("SELECT DISTINCT month FROM sealed_month ORDER BY 1")]

    def months_after(self, month: str) -> list[str]:
        """Sealed months after ``month``: an amendment of ``month`` makes their start stale."""
        sql = "SELECT DISTINCT month FROM sealed_month WHERE month > ? ORDER BY 1"
        return [m for (m,) in self.query(sql, (_month_key(month),))]

    def head_hash(self) -> str:
        """The newest record's hash ("" when empty): keep a copy to anchor the chain."""
        rows = self.query("SELECT record_hash FROM sealed_month ORDER BY seq DESC LIMIT 1")
        return str(rows[0][0]) if rows else ""

    # -- sealing -------------------------------------------------------------------

    def seal(
        self,
        new: NewSeal,
        amend_reason: str | None = None,
        *,
        sealed_by: str | None = None,
        made: Fingerprinted | None = None,
    ) -> SealedMonth:
        """Store ``new`` as the month's first version, or with ``amend_reason`` as the next
        version of an already sealed month. All or nothing. ``made``: its fingerprint,
        taken already (`appraisal.ledger.early`).

        Its `seal_note` (outside the hash) says when, and who: ``sealed_by``, or the OS user.
        """
        month = _month_key(new.month)
        if amend_reason is not None and not amend_reason.strip():
            raise LedgerError(
                _("amending {month} needs a reason, got a blank one").format(month=month)
            )
        # The inputs are encoded and fingerprinted before the transaction, so bad data
        # seldom opens one; the results once the record's place in the chain is known,
        # hashed as they are encoded (`appraisal.ledger.sealing`), never parsed back.
        made = made or fingerprinted(new, month)
        with self.transaction(_("seal {month}").format(month=month)):
            version, supersedes = self._next_version(month, amend_reason)
            self._refuse_reused_policy_version(new)
            last = self.query("SELECT seq, record_hash FROM sealed_month ORDER BY seq DESC LIMIT 1")
            seq, prev_hash = (1, "") if not last else (int(last[0][0]) + 1, str(last[0][1]))
            record, texts = sealed_record(
                made,
                month=month,
                seq=seq,
                version=version,
                amend_reason=amend_reason,
                supersedes=supersedes,
                prev_hash=prev_hash,
            )
            values = [texts[name] if name in texts else getattr(record, name) for name in _COLUMNS]
            placeholders = ", ".join("?" for _ in _COLUMNS)
            self._db.execute(
                f"INSERT INTO sealed_month ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                values,
            )
            note = seal_note(sealed_by)
            self._db.execute(
                "INSERT INTO seal_note (seq, sealed_at, sealed_by) VALUES (?, ?, ?)",
                (seq, note.sealed_at, note.sealed_by),
            )
        return record

    def policy_text_sealed_as(self, policy_id: str, version: str, sha256: str) -> str | None:
        """Where another text of this policy id and version was sealed ("2026-10 v1,
        sha256 …"), or None: one version of a policy names one text."""
        rows = self.query(
            "SELECT month, version, policy_sha256 FROM sealed_month WHERE policy_id = ? "
            "AND policy_version = ? AND policy_sha256 != ? ORDER BY seq LIMIT 1",
            (policy_id, version, sha256),
        )
        if not rows:
            return None
        month, month_version, other = rows[0]
        return f"{month} v{month_version}, sha256 {str(other)[:12]}…"

    def latest_policy_text(self, policy_id: str) -> tuple[str, str, dict[str, str]] | None:
        """The month, version and texts of the policy ``policy_id`` sealed last, or None."""
        rows = self.query(
            "SELECT month, policy_version, policy_sources FROM sealed_month "
            "WHERE policy_id = ? ORDER BY seq DESC LIMIT 1",
            (policy_id,),
        )
        if not rows:
            return None
        month, version, sources = rows[0]
        return str(month), str(version), dict(json.loads(stored_text(sources)))

    def _refuse_reused_policy_version(self, new: NewSeal) -> None:
        sealed = self.policy_text_sealed_as(new.policy_id, new.policy_version, new.policy_sha256)
        if sealed is not None:
            raise PolicyVersionReused(
                _(
                    "policy {policy} version {version} was sealed with another text ({sealed});"
                    " this text (sha256 {sha256}…) has other rules under the same version: give"
                    " it a new version (the policy's `version:`) and run again"
                ).format(
                    policy=new.policy_id,
                    version=new.policy_version,
                    sealed=sealed,
                    sha256=new.policy_sha256[:12],
                )
            )

    def _next_version(self, month: str, amend_reason: str | None) -> tuple[int, int | None]:
        """The version number a new seal of ``month`` gets, and the seq it supersedes."""
        current = self.current(month)
        if current is not None:
            if amend_reason is None:
                raise AlreadySealed(current)
            return current.version + 1, current.seq
        if amend_reason is not None:
            raise NothingToAmend(_("cannot amend {month}: it was never sealed").format(month=month))
        latest = self.query("SELECT MAX(month) FROM sealed_month")[0][0]
        if latest is not None and month < latest:
            raise OutOfOrder(
                _(
                    "cannot seal {month}: {latest} is already sealed,"
                    " and months are sealed in calendar order"
                ).format(month=month, latest=latest)
            )
        return 1, None

    # -- auditing ------------------------------------------------------------------

    def verify_chain(self, through_seq: int | None = None) -> list[str]:
        """Every problem in the chain, one message each naming the record; [] = intact.

        ``through_seq`` stops after that record: what a reader of it has to trust.
        """
        where, params = ("WHERE seq <= ?", (through_seq,)) if through_seq is not None else ("", ())
        with self.snapshot():
            rows = self.rows(f"{_SELECT} {where} ORDER BY seq", params)
            # One record at a time: a long ledger is never held in memory whole.
            return chain_problems(dict(zip(_COLUMNS, row, strict=True)) for row in rows)

    def trusted_current(self, month: str) -> SealedMonth | None:
        """The newest version of ``month`` once the chain up to it is verified, or None
        if it was never sealed. Raises `ChainBroken`, naming every record that is wrong."""
        with self.snapshot():  # the record read is the record verified
            found = self.query(
                "SELECT seq FROM sealed_month WHERE month = ? ORDER BY version DESC LIMIT 1",
                (_month_key(month),),
            )
            if not found:
                return None
            problems = self.verify_chain(through_seq=int(found[0][0]))
            if problems:
                raise ChainBroken(problems)
            return self.current(month)

    def stale_months(self) -> list[str]:
        """The sealed months to re-seal, in order: the first whose state before differs
        from the state the sealed month before it hands on (that month was amended after
        it was sealed), and every sealed month after it. [] when none is stale."""
        rows = self.query(
            "SELECT month, state_before, state_after FROM sealed_month AS s"
            " WHERE version = (SELECT MAX(version) FROM sealed_month WHERE month = s.month)"
            " ORDER BY month"
        )
        # Canonical JSON: equal states are equal texts, so nothing is parsed.
        for index, ((_m, before, _a), (_p, _b, handed_on)) in enumerate(
            zip(rows[1:], rows, strict=False), start=1
        ):
            if before != handed_on and stored_text(before) != stored_text(handed_on):
                return [str(row[0]) for row in rows[index:]]
        return []

    # -- plumbing ------------------------------------------------------------------

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of one SQL statement; write statements belong in `transaction`."""
        try:
            return list(self._db.execute(sql, params))
        except sqlite3.DatabaseError as exc:
            # "file is not a database" surfaces on the first query, not on connect.
            raise LedgerError(cannot_read(self.shown, exc)) from exc

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of one SQL statement, one at a time (`query`, for long results)."""
        try:
            yield from self._db.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(cannot_read(self.shown, exc)) from exc

    def _records(self, where: str, params: tuple[object, ...]) -> list[SealedMonth]:
        records = []
        for row in self.query(f"{_SELECT} {where}", params):
            stored = dict(zip(_COLUMNS, row, strict=True))
            try:
                records.append(record_from_stored(stored))
            except ValueError as exc:
                raise LedgerError(f"{self.shown}: {where_of(stored)}: {exc}") from exc
        return records


def _month_key(month: str) -> str:
    """The month as stored: exactly YYYY-MM, so text order is calendar order."""
    return str(Month.parse(month))
