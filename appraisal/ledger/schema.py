"""The ledger file's tables: what `appraisal.ledger.store.Ledger` creates and checks.

Schema 2 adds, to schema 1's sealed months, two things outside the hash chain: when and
by whom each record was sealed (``seal_note``), and the draft area where a month's files
and review decisions are gathered before its seal (`appraisal.ledger.drafts`); and it
stores a large JSON text deflated (`appraisal.ledger.texts`), hashed as the text. A ledger
of an older schema is migrated when it is opened (`appraisal.ledger.migrate`).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

from appraisal.ledger.drafts import DRAFT_SCHEMA

__all__ = [
    "FORMAT",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SEALED_MONTH",
    "SEAL_NOTE",
    "TABLES",
    "SealNote",
    "seal_note",
]

#: Bumped whenever a table or the hashed content of a record changes; a ledger of an
#: older version is migrated on open (`appraisal.ledger.migrate.MIGRATIONS`).
SCHEMA_VERSION = 2
FORMAT = "appraisal-ledger"

META = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT"

# STRICT: an UPDATE that puts text into an integer column is refused outright. The JSON
# columns are ANY: canonical JSON text, or that text deflated when large (a BLOB;
# `appraisal.ledger.texts`); the hash chain is over the text either way.
SEALED_MONTH = """CREATE TABLE sealed_month (
        seq INTEGER PRIMARY KEY,
        month TEXT NOT NULL,
        version INTEGER NOT NULL,
        amend_reason TEXT,
        supersedes INTEGER,
        fingerprint TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        record_hash TEXT NOT NULL,
        inputs ANY NOT NULL,
        input_files ANY NOT NULL,
        policy_id TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        policy_sha256 TEXT NOT NULL,
        policy_sources ANY NOT NULL,
        state_before ANY NOT NULL,
        state_after ANY NOT NULL,
        results ANY NOT NULL,
        engine_version TEXT NOT NULL,
        UNIQUE (month, version)
    ) STRICT"""

# When (UTC, ISO 8601 to the second) and by whom a record was sealed. Outside the hash
# chain, so sealing the same months again gives the same record hashes; a record sealed
# before schema 2 has no row here, and shows as sealed at an unknown time.
SEAL_NOTE = (
    "CREATE TABLE seal_note (seq INTEGER PRIMARY KEY, sealed_at TEXT NOT NULL,"
    " sealed_by TEXT NOT NULL) STRICT"
)

SCHEMA = (META, SEALED_MONTH, SEAL_NOTE, *DRAFT_SCHEMA)

#: The tables a ledger of the current schema holds.
TABLES = frozenset({"meta", "sealed_month", "seal_note", "draft_file", "draft_decision"})


@dataclass(frozen=True)
class SealNote:
    """A ``seal_note`` row: when (UTC, ISO 8601 to the second) and by whom a record was
    sealed."""

    sealed_at: str
    sealed_by: str


def seal_note(sealed_by: str | None) -> SealNote:
    """The note of a seal made now, by ``sealed_by`` or else the OS user."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return SealNote(now, sealed_by or _os_user())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password file
        return "unknown"
