"""The ledger file's tables: what `appraisal.ledger.store.Ledger` creates and checks."""

from __future__ import annotations

__all__ = ["FORMAT", "SCHEMA", "SCHEMA_VERSION"]

#: Bumped whenever a column or the hashed content of a record changes.
SCHEMA_VERSION = 1
FORMAT = "appraisal-ledger"

# STRICT: an UPDATE that puts text into an integer column is refused outright.
SCHEMA = (
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
