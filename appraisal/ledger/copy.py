"""A whole ledger copied: between SQLite and PostgreSQL, either way (`appraisal ledger copy`).

Part of the "seal" stage. Every table is copied as stored, row by row in order: the
sealed records (their texts as stored, so every hash holds), their seal notes, and the
draft area. The source's chain is verified first, the copy's before it commits; a
destination that holds anything is refused, and a copy that fails leaves none.
"""

from __future__ import annotations

from pathlib import Path

from appraisal.i18n import _
from appraisal.ledger.backend import LedgerTarget, is_dsn, ledger_exists
from appraisal.ledger.errors import ChainBroken, LedgerError
from appraisal.ledger.store import Ledger

__all__ = ["TABLE_COLUMNS", "copy_ledger"]

#: The tables copied, in order, with their columns: everything but ``meta``, which the
#: destination writes itself when it is created.
TABLE_COLUMNS = {
    "sealed_month": (
        "seq, month, version, amend_reason, supersedes, fingerprint, prev_hash, record_hash,"
        " inputs, input_files, policy_id, policy_version, policy_sha256, policy_sources,"
        " state_before, state_after, results, engine_version"
    ),
    "seal_note": "seq, sealed_at, sealed_by",
    "draft_file": "id, month, role, name, sha256, content, added_by, added_at",
    "draft_decision": "month, item_id, resolution, reason, decided_by, decided_at",
}
_ORDER = {"sealed_month": "seq", "seal_note": "seq", "draft_file": "id"}


def copy_ledger(source: LedgerTarget, destination: LedgerTarget) -> dict[str, int]:
    """Copy the ledger at ``source`` into ``destination`` (created if need be, and empty);
    the rows copied, by table. Raises `ChainBroken` (the source's chain, or the copy's)
    or `LedgerError` (a destination that holds rows; nothing is written then)."""
    destination = destination if is_dsn(destination) else Path(destination)
    new_file = isinstance(destination, Path) and not ledger_exists(destination)
    try:
        return _copy_all(source, destination)
    except BaseException:
        if new_file and isinstance(destination, Path):
            destination.unlink(missing_ok=True)  # no ledger file left that was not there
        raise


def _copy_all(source: LedgerTarget, destination: LedgerTarget) -> dict[str, int]:
    with Ledger(source) as src, src.snapshot():
        problems = src.verify_chain()
        if problems:
            raise ChainBroken(problems)
        with Ledger(destination) as dst, dst.write_lock():
            held = [t for t in TABLE_COLUMNS if dst.query(f"SELECT 1 FROM {t} LIMIT 1")]
            if held:
                raise LedgerError(
                    _(
                        "{ledger}: the destination ledger is not empty (it holds rows in {tables})"
                    ).format(ledger=dst.shown, tables=", ".join(held))
                )
            copied = {table: _copy(src, dst, table) for table in TABLE_COLUMNS}
            if isinstance(dst.path, str):  # later drafts are numbered after the copied ones
                dst.query(
                    "SELECT setval(pg_get_serial_sequence('draft_file', 'id'),"
                    " COALESCE(MAX(id), 0) + 1, false) FROM draft_file"
                )
            problems = dst.verify_chain()
            if problems:
                raise ChainBroken(problems)
    return copied


def _copy(src: Ledger, dst: Ledger, table: str) -> int:
    columns = TABLE_COLUMNS[table]
    order = _ORDER.get(table, "month, item_id")
    insert = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' for _ in columns.split(','))})"
    )
    count = 0
    for row in src.rows(f"SELECT {columns} FROM {table} ORDER BY {order}"):
        dst.query(insert, tuple(row))
        count += 1
    return count
