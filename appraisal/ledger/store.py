"""The ledger of sealed months: the "seal" stage, and what auditors replay from.

read → validate → resolve policy → evaluate → check → **seal** → export

A sealed month (封存的考核月) is stored with everything needed to compute it again
exactly: the normalised inputs and the hash of each input file, the full text of the
policy, the carried state before and after the month, the results, and the engine
version. The ledger knows nothing about how results are computed; all it stores is
JSON data handed to it, written canonically so that equal data is equal bytes.

Records form a hash chain: each record's ``record_hash`` covers every other field of
the record and the ``record_hash`` of the record before it, so ``verify_chain`` finds
an edited, deleted or reordered record. Nothing here reads a clock: sealing the same
months again gives the same hashes. A month is never overwritten: an amendment (更正)
is a new version that supersedes the old one, which is kept forever.

The chain is only as trustworthy as its newest hash: someone who rewrites every hash
after an edit, or drops the newest record, is found only by comparing ``head_hash()``
with a copy kept outside the database (printed with each export, for instance).

Exceptions::

    LedgerError          the file cannot be used as a ledger, or a seal is refused
    ├── AlreadySealed    the month has a current version and no amendment reason was given
    ├── NothingToAmend   an amendment reason for a month that was never sealed
    └── OutOfOrder       a new month earlier than the latest sealed month
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from appraisal.domain.errors import AppraisalError
from appraisal.domain.model import Month

__all__ = [
    "SCHEMA_VERSION",
    "AlreadySealed",
    "Ledger",
    "LedgerError",
    "NewSeal",
    "NothingToAmend",
    "OutOfOrder",
    "SealedMonth",
    "canonical_json",
    "fingerprint_of",
    "sha256_of",
]

#: Bumped whenever a column or the hashed content of a record changes.
SCHEMA_VERSION = 1
_FORMAT = "appraisal-ledger"

JsonObject = dict[str, Any]

# Stored as canonical JSON text; every other column is a plain SQL value.
_JSON_FIELDS = (
    "inputs",
    "input_files",
    "policy_sources",
    "state_before",
    "state_after",
    "results",
)

# STRICT: an UPDATE that puts text into an integer column is refused outright.
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
    """CREATE TABLE sealed_month (
        seq INTEGER PRIMARY KEY,
        month TEXT NOT NULL,
        version INTEGER NOT NULL,
        amend_reason TEXT,
        supersedes INTEGER,
        fingerprint TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        record_hash TEXT NOT NULL,
        inputs TEXT NOT NULL,
        input_files TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        policy_sha256 TEXT NOT NULL,
        policy_sources TEXT NOT NULL,
        state_before TEXT NOT NULL,
        state_after TEXT NOT NULL,
        results TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        UNIQUE (month, version)
    ) STRICT""",
)


class LedgerError(AppraisalError):
    """The file cannot be used as a ledger, or a seal is refused."""


class AlreadySealed(LedgerError):
    """The month is sealed; sealing it again needs an amendment reason."""

    def __init__(self, current: SealedMonth) -> None:
        super().__init__(
            f"{current.month} is already sealed (version {current.version}, seq {current.seq});"
            " give an amendment reason to replace it"
        )
        self.current = current


class NothingToAmend(LedgerError):
    """An amendment reason was given for a month that was never sealed."""


class OutOfOrder(LedgerError):
    """Months are sealed in calendar order: a new month must not precede a sealed one."""


def canonical_json(data: object) -> str:
    """The one text form of JSON data: sorted keys, no spaces, Unicode kept as is."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def sha256_of(data: object) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewSeal:
    """What the caller asks to seal: one computed month and all it was computed from."""

    month: str
    inputs: JsonObject
    input_files: dict[str, str]
    policy_id: str
    policy_version: str
    policy_sha256: str
    policy_sources: dict[str, str]
    state_before: JsonObject
    state_after: JsonObject
    results: JsonObject
    engine_version: str


@dataclass(frozen=True, kw_only=True)
class SealedMonth(NewSeal):
    """A stored record: a sealed request and its place in the chain."""

    seq: int
    version: int
    amend_reason: str | None
    supersedes: int | None
    fingerprint: str
    prev_hash: str
    record_hash: str

    def expected_hash(self, texts: Mapping[str, str] | None = None) -> str:
        """The hash this record's content and link call for; ``texts`` may hold fields
        already in canonical JSON, so a large month is not encoded twice."""
        known = texts or {}
        return _sha256_of_encoded(
            {
                f.name: known.get(f.name) or canonical_json(getattr(self, f.name))
                for f in fields(self)
                if f.name != "record_hash"
            }
        )


def fingerprint_of(new: NewSeal, texts: Mapping[str, str] | None = None) -> str:
    """Equal fingerprints mean the same run: same inputs, policy and starting state."""
    known = texts or {}
    return _sha256_of_encoded(
        {
            "inputs": known.get("inputs") or canonical_json(new.inputs),
            "policy_sha256": canonical_json(new.policy_sha256),
            "state_before": known.get("state_before") or canonical_json(new.state_before),
        }
    )


def _sha256_of_encoded(parts: Mapping[str, str]) -> str:
    """`sha256_of` a mapping whose values are already canonical JSON (json.dumps composes)."""
    body = ",".join(f"{canonical_json(key)}:{parts[key]}" for key in sorted(parts))
    return hashlib.sha256(("{" + body + "}").encode("utf-8")).hexdigest()


_COLUMNS = tuple(f.name for f in fields(SealedMonth))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM sealed_month"


class Ledger:
    """An SQLite file of sealed months. Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            # Autocommit: every write goes through _transaction's explicit BEGIN/COMMIT.
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot open the ledger: {exc}") from exc
        try:
            self._prepare_schema()
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

    def previous_current(self, month: str) -> SealedMonth | None:
        """The newest version of the latest sealed month before ``month``: its
        ``state_after`` is where ``month`` starts."""
        rows = self._records(
            "WHERE month < ? ORDER BY month DESC, version DESC LIMIT 1", (_month_key(month),)
        )
        return rows[0] if rows else None

    def sealed_months(self) -> list[str]:
        return [m for (m,) in self._query("SELECT DISTINCT month FROM sealed_month ORDER BY 1")]

    def months_after(self, month: str) -> list[str]:
        """Sealed months after ``month``: an amendment of ``month`` makes their start stale."""
        sql = "SELECT DISTINCT month FROM sealed_month WHERE month > ? ORDER BY 1"
        return [m for (m,) in self._query(sql, (_month_key(month),))]

    def head_hash(self) -> str:
        """The newest record's hash ("" when empty): keep a copy to anchor the chain."""
        rows = self._query("SELECT record_hash FROM sealed_month ORDER BY seq DESC LIMIT 1")
        return str(rows[0][0]) if rows else ""

    # -- sealing -------------------------------------------------------------------

    def seal(self, new: NewSeal, amend_reason: str | None = None) -> SealedMonth:
        """Store ``new`` as the month's first version, or with ``amend_reason`` as the next
        version of an already sealed month. All or nothing."""
        month = _month_key(new.month)
        if amend_reason is not None and not amend_reason.strip():
            raise LedgerError(f"amending {month} needs a reason, got a blank one")
        # Encoded before the transaction: bad data never opens one, and the record we
        # build holds what later reads will give back (lists, not tuples).
        try:
            texts = {name: canonical_json(getattr(new, name)) for name in _JSON_FIELDS}
        except (TypeError, ValueError) as exc:
            raise LedgerError(f"cannot seal {month}: not JSON data: {exc}") from exc

        with self._transaction(f"seal {month}"):
            version, supersedes = self._next_version(month, amend_reason)
            last = self._query(
                "SELECT seq, record_hash FROM sealed_month ORDER BY seq DESC LIMIT 1"
            )
            seq, prev_hash = (1, "") if not last else (int(last[0][0]) + 1, str(last[0][1]))
            requested = {f.name: getattr(new, f.name) for f in fields(NewSeal)}
            unhashed = SealedMonth(
                **requested
                | {name: json.loads(text) for name, text in texts.items()}
                | {
                    "month": month,
                    "seq": seq,
                    "version": version,
                    "amend_reason": amend_reason,
                    "supersedes": supersedes,
                    "fingerprint": fingerprint_of(new, texts),
                    "prev_hash": prev_hash,
                    "record_hash": "",
                }
            )
            record = replace(unhashed, record_hash=unhashed.expected_hash(texts))
            values = [texts.get(name, getattr(record, name)) for name in _COLUMNS]
            placeholders = ", ".join("?" for _ in _COLUMNS)
            self._db.execute(
                f"INSERT INTO sealed_month ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                values,
            )
        return record

    def _next_version(self, month: str, amend_reason: str | None) -> tuple[int, int | None]:
        """The version number a new seal of ``month`` gets, and the seq it supersedes."""
        current = self.current(month)
        if current is not None:
            if amend_reason is None:
                raise AlreadySealed(current)
            return current.version + 1, current.seq
        if amend_reason is not None:
            raise NothingToAmend(f"cannot amend {month}: it was never sealed")
        latest = self._query("SELECT MAX(month) FROM sealed_month")[0][0]
        if latest is not None and month < latest:
            raise OutOfOrder(
                f"cannot seal {month}: {latest} is already sealed,"
                " and months are sealed in calendar order"
            )
        return 1, None

    # -- auditing ------------------------------------------------------------------

    def verify_chain(self) -> list[str]:
        """Every problem in the chain, one message each naming the record; [] = intact."""
        problems: list[str] = []
        expected_seq, link = 1, ""
        versions: dict[str, SealedMonth] = {}  # month -> its newest version so far
        for row in self._query(f"{_SELECT} ORDER BY seq"):
            stored = dict(zip(_COLUMNS, row, strict=True))
            seq, where = stored["seq"], _where(row)
            if seq != expected_seq:
                gap = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
                problems.append(f"{where}: record seq {gap} is missing before it")
            if stored["prev_hash"] != link:
                problems.append(f"{where}: prev_hash does not match the record before it")
            expected_seq, link = seq + 1, stored["record_hash"]
            try:
                record = _record_from_row(row)
            except LedgerError as exc:
                problems.append(f"{where}: {exc}")
                continue
            problems += [f"{where}: {p}" for p in _content_problems(record, stored)]
            problems += [f"{where}: {p}" for p in _version_problems(record, versions)]
            versions[record.month] = record
        return problems

    # -- plumbing ------------------------------------------------------------------

    def _prepare_schema(self) -> None:
        tables = self._tables()
        if not tables:
            # Checked again under the write lock: another process may be creating it too.
            with self._transaction("create the ledger"):
                if not self._tables():
                    for statement in _SCHEMA:
                        self._db.execute(statement)
                    self._db.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [("format", _FORMAT), ("schema_version", str(SCHEMA_VERSION))],
                    )
            tables = self._tables()
        if not {"meta", "sealed_month"} <= tables:
            raise LedgerError(
                f"{self.path}: not an appraisal ledger"
                f" (it holds other tables: {', '.join(sorted(tables))})"
            )
        meta = dict(self._query("SELECT key, value FROM meta"))
        if meta.get("format") != _FORMAT:
            raise LedgerError(f"{self.path}: not an appraisal ledger (no format mark in meta)")
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise LedgerError(
                f"{self.path}: ledger schema version {meta.get('schema_version')},"
                f" this engine reads version {SCHEMA_VERSION}"
            )

    def _tables(self) -> set[str]:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return {str(name) for (name,) in self._query(sql)}

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return list(self._db.execute(sql, params))
        except sqlite3.DatabaseError as exc:
            # "file is not a database" surfaces on the first query, not on connect.
            raise LedgerError(f"{self.path}: cannot read the ledger: {exc}") from exc

    def _records(self, where: str, params: tuple[object, ...]) -> list[SealedMonth]:
        records = []
        for row in self._query(f"{_SELECT} {where}", params):
            try:
                records.append(_record_from_row(row))
            except LedgerError as exc:
                raise LedgerError(f"{self.path}: {_where(row)}: {exc}") from exc
        return records

    @contextmanager
    def _transaction(self, action: str) -> Iterator[None]:
        # IMMEDIATE takes the write lock before any read, so two processes sealing at
        # once cannot both see "not sealed yet".
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot {action}: {exc}") from exc
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise LedgerError(f"{self.path}: cannot {action}: {exc}") from exc
            raise


def _month_key(month: str) -> str:
    """The month as stored: exactly YYYY-MM, so text order is calendar order."""
    return str(Month.parse(month))


def _where(row: tuple[Any, ...]) -> str:
    """How a message names a record: by seq, month and version, as stored."""
    stored = dict(zip(_COLUMNS, row, strict=True))
    return f"seq {stored['seq']} ({stored['month']} v{stored['version']})"


def _record_from_row(row: tuple[Any, ...]) -> SealedMonth:
    content = dict(zip(_COLUMNS, row, strict=True))
    for name in _JSON_FIELDS:
        try:
            content[name] = json.loads(content[name])
        except (TypeError, ValueError) as exc:
            raise LedgerError(f"column {name} is not valid JSON ({exc})") from exc
    return SealedMonth(**content)


def _content_problems(record: SealedMonth, stored: dict[str, Any]) -> list[str]:
    """An edit of any column shows as a hash mismatch; the rest say which column."""
    problems = []
    if record.record_hash != record.expected_hash():
        problems.append("record_hash does not match the record's content")
    if record.fingerprint != fingerprint_of(record):
        problems.append("fingerprint does not match its inputs, policy and state")
    problems += [
        f"column {name} is not in canonical form"
        for name in _JSON_FIELDS
        if stored[name] != canonical_json(getattr(record, name))
    ]
    return problems


def _version_problems(record: SealedMonth, newest: dict[str, SealedMonth]) -> list[str]:
    """A month's versions count up from 1, each amendment superseding the one before."""
    before = newest.get(record.month)
    if before is None:
        later = [m for m in newest if m > record.month]
        out_of_order = [f"sealed after {max(later)}"] if later else []
        if record.version != 1 or record.supersedes is not None or record.amend_reason:
            return ["first version of its month but not numbered as one", *out_of_order]
        return out_of_order
    if record.version != before.version + 1 or record.supersedes != before.seq:
        return [f"does not follow version {before.version} (seq {before.seq})"]
    if not record.amend_reason:
        return ["an amendment without a reason"]
    return []
