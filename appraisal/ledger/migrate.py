"""A ledger file opened: created when new, checked, and migrated to the current schema.

Part of the "seal" stage, run by `appraisal.ledger.store.Ledger` when it opens a file.
A ledger written by an older release is migrated in place, under the write lock and all
or nothing: the new tables are created and ``meta.schema_version`` is set last, in one
transaction, so a migration that fails leaves the file as it was. No migration touches
a sealed record, so the hash chain verifies after it as before. A ledger of a newer
schema than this program's is refused: an older program must not write in it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from appraisal.ledger.drafts import DRAFT_SCHEMA
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.schema import FORMAT, SCHEMA, SCHEMA_VERSION, SEAL_NOTE, TABLES

__all__ = ["MIGRATIONS", "prepare"]

#: The statements that take a ledger from the version named to the next one.
MIGRATIONS: dict[int, Sequence[str]] = {
    1: (SEAL_NOTE, *DRAFT_SCHEMA),
}

Transaction = Callable[[str], AbstractContextManager[None]]


def prepare(db: sqlite3.Connection, path: Path, transaction: Transaction) -> None:
    """Make the file at ``path`` a ledger of the current schema, or say why it is not one.

    ``transaction(action)`` holds the write lock for its block, committed when the block
    ends and rolled back on an exception (`Ledger.transaction`).
    """
    if not _tables(db, path):
        # Checked again under the write lock: another process may be creating it too.
        with transaction("create the ledger"):
            if not _tables(db, path):
                for statement in SCHEMA:
                    db.execute(statement)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("format", FORMAT), ("schema_version", str(SCHEMA_VERSION))],
                )
    version = _schema_version(db, path)
    if version < SCHEMA_VERSION:
        with transaction(f"migrate the ledger from schema version {version}"):
            version = _schema_version(db, path)  # another process may have migrated it
            while version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    db.execute(statement)
                version += 1
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    missing = TABLES - _tables(db, path)
    if missing:
        raise LedgerError(
            f"{path}: the ledger lacks the tables {', '.join(sorted(missing))}"
            f" of its schema version {SCHEMA_VERSION}"
        )


def _schema_version(db: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, once it is known to be a ledger this program can read."""
    tables = _tables(db, path)
    if not {"meta", "sealed_month"} <= tables:
        raise LedgerError(
            f"{path}: not an appraisal ledger (it holds other tables: {', '.join(sorted(tables))})"
        )
    meta = {str(key): str(value) for key, value in _rows(db, path, "SELECT key, value FROM meta")}
    if meta.get("format") != FORMAT:
        raise LedgerError(f"{path}: not an appraisal ledger (no format mark in meta)")
    stored = str(meta.get("schema_version"))
    if not stored.isdigit() or int(stored) < min(MIGRATIONS):
        raise LedgerError(
            f"{path}: ledger schema version {stored}, which this program cannot read"
            f" (it reads versions {min(MIGRATIONS)} to {SCHEMA_VERSION})"
        )
    if int(stored) > SCHEMA_VERSION:
        raise LedgerError(
            f"{path}: the ledger has schema version {stored}, written by a newer release;"
            f" this program reads version {SCHEMA_VERSION} and older. Upgrade appraisal"
            " to open it; nothing was read or changed"
        )
    return int(stored)


def _tables(db: sqlite3.Connection, path: Path) -> set[str]:
    sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return {str(name) for (name,) in _rows(db, path, sql)}


def _rows(db: sqlite3.Connection, path: Path, sql: str) -> list[tuple[object, ...]]:
    try:
        return list(db.execute(sql))
    except sqlite3.DatabaseError as exc:
        # "file is not a database" surfaces on the first query, not on connect.
        raise LedgerError(f"{path}: cannot read the ledger: {exc}") from exc
