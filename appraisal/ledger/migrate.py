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

from appraisal.i18n import _
from appraisal.ledger.backend import Connection
from appraisal.ledger.drafts import DRAFT_SCHEMA
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.postgres import SCHEMA as POSTGRES_SCHEMA
from appraisal.ledger.postgres import PostgresConnection
from appraisal.ledger.schema import (
    FORMAT,
    SCHEMA,
    SCHEMA_VERSION,
    SEAL_NOTE,
    SEALED_MONTH,
    TABLES,
)
from appraisal.ledger.texts import store

#: The columns of ``sealed_month`` that hold JSON (`appraisal.ledger.records.JSON_FIELDS`).
_JSON_COLUMNS = (
    "inputs",
    "input_files",
    "policy_sources",
    "state_before",
    "state_after",
    "results",
)

__all__ = ["MIGRATIONS", "compress_texts", "prepare"]

#: The statements that take a ledger from the version named to the next one.
MIGRATIONS: dict[int, Sequence[str]] = {
    1: (SEAL_NOTE, *DRAFT_SCHEMA),
}

Transaction = Callable[[str], AbstractContextManager[None]]


def prepare(db: Connection, path: Path | str, transaction: Transaction) -> None:
    """Make the file at ``path`` a ledger of the current schema, or say why it is not one.

    A PostgreSQL ledger (``db`` a `PostgresConnection`) is created with the same tables
    (`appraisal.ledger.postgres.SCHEMA`); it is always of schema 2, so never migrated.

    ``transaction(action)`` holds the write lock for its block, committed when the block
    ends and rolled back on an exception (`Ledger.transaction`).
    """
    if not _tables(db, path):
        # Checked again under the write lock: another process may be creating it too.
        with transaction(_("create the ledger")):
            if not _tables(db, path):
                pg = isinstance(db, PostgresConnection)
                for statement in POSTGRES_SCHEMA if pg else SCHEMA:
                    db.execute(statement)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("format", FORMAT), ("schema_version", str(SCHEMA_VERSION))],
                )
    version = _schema_version(db, path)
    if version < SCHEMA_VERSION:
        with transaction(
            _("migrate the ledger from schema version {version}").format(version=version)
        ):
            version = _schema_version(db, path)  # another process may have migrated it
            while version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    db.execute(statement)
                version += 1
            if _texts_only(db):
                compress_texts(db)
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    if _texts_only(db):  # a file of schema 2 written before its texts were deflated
        with transaction(_("store the ledger's large texts deflated")):
            if _texts_only(db):
                compress_texts(db)
    missing = TABLES - _tables(db, path)
    if missing:
        raise LedgerError(
            _(
                "{ledger}: the ledger lacks the tables {tables} of its schema version {version}"
            ).format(ledger=path, tables=", ".join(sorted(missing)), version=SCHEMA_VERSION)
        )


def compress_texts(db: Connection) -> None:
    """Schema 2's storage of sealed records: JSON columns that may hold a deflated text
    (ANY, not TEXT), and each large text deflated in place (`appraisal.ledger.texts.store`).

    A table of schema 1 is rebuilt, a record at a time (a long ledger is never held in
    memory whole), with the same rows in the same order; a text stays the same text, so
    every ``record_hash`` still holds. Call it inside the migration's transaction.
    """
    columns = [str(row[1]) for row in db.execute("PRAGMA table_info(sealed_month)")]
    db.execute("ALTER TABLE sealed_month RENAME TO sealed_month_v1")
    db.execute(SEALED_MONTH)
    listed = ", ".join(columns)
    insert = f"INSERT INTO sealed_month ({listed}) VALUES ({', '.join('?' for _ in columns)})"
    for row in db.execute(f"SELECT {listed} FROM sealed_month_v1 ORDER BY seq"):
        db.execute(insert, [_stored(name, value) for name, value in zip(columns, row, strict=True)])
    db.execute("DROP TABLE sealed_month_v1")


def _texts_only(db: Connection) -> bool:
    """Whether ``sealed_month``'s JSON columns are declared TEXT (before schema 2's ANY)."""
    if isinstance(db, PostgresConnection):
        return False  # BYTEA from the start
    declared = {str(row[1]): str(row[2]) for row in db.execute("PRAGMA table_info(sealed_month)")}
    return declared.get("results") == "TEXT"


def _stored(column: str, value: object) -> object:
    """A schema-1 value as schema 2 stores it: a large JSON text deflated, the rest as is."""
    if column in _JSON_COLUMNS and isinstance(value, str):
        return store([value.encode("utf-8")])  # the same text when it is small
    return value


def _schema_version(db: Connection, path: Path | str) -> int:
    """The file's schema version, once it is known to be a ledger this program can read."""
    tables = _tables(db, path)
    if not {"meta", "sealed_month"} <= tables:
        raise LedgerError(
            _("{ledger}: not an appraisal ledger (it holds other tables: {tables})").format(
                ledger=path, tables=", ".join(sorted(tables))
            )
        )
    meta = {str(key): str(value) for key, value in _rows(db, path, "SELECT key, value FROM meta")}
    if meta.get("format") != FORMAT:
        raise LedgerError(
            _("{ledger}: not an appraisal ledger (no format mark in meta)").format(ledger=path)
        )
    stored = str(meta.get("schema_version"))
    if not stored.isdigit() or int(stored) < min(MIGRATIONS):
        raise LedgerError(
            _(
                "{ledger}: ledger schema version {stored}, which this program cannot read"
                " (it reads versions {oldest} to {newest})"
            ).format(ledger=path, stored=stored, oldest=min(MIGRATIONS), newest=SCHEMA_VERSION)
        )
    if int(stored) > SCHEMA_VERSION:
        raise LedgerError(
            _(
                "{ledger}: the ledger has schema version {stored}, written by a newer release;"
                " this program reads version {newest} and older. Upgrade appraisal"
                " to open it; nothing was read or changed"
            ).format(ledger=path, stored=stored, newest=SCHEMA_VERSION)
        )
    return int(stored)


def _tables(db: Connection, path: Path | str) -> set[str]:
    if isinstance(db, PostgresConnection):
        try:
            return db.tables()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                _("{ledger}: cannot read the ledger: {error}").format(ledger=path, error=exc)
            ) from exc
    sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return {str(name) for (name,) in _rows(db, path, sql)}


def _rows(db: Connection, path: Path | str, sql: str) -> list[tuple[object, ...]]:
    try:
        return list(db.execute(sql))
    except sqlite3.DatabaseError as exc:
        # "file is not a database" surfaces on the first query, not on connect.
        raise LedgerError(
            _("{ledger}: cannot read the ledger: {error}").format(ledger=path, error=exc)
        ) from exc
