"""The ledger across versions of the program (issue 10, item 7): a schema-1 ledger,
written by release 0.1.0 (tests/fixtures/ledger_v1), migrated in place when opened."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from appraisal.audit import replay_month
from appraisal.domain.model import Month
from appraisal.ledger import migrate
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed

FIXTURE = Path(__file__).parent / "fixtures" / "ledger_v1"


@pytest.fixture
def ledger_v1(tmp_path: Path) -> Path:
    for name in ("ledger.db", "oct_v1.xlsx"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    return tmp_path / "ledger.db"


def raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return list(db.execute(sql))
    finally:
        db.close()


def tables(path: Path) -> set[str]:
    return {str(n) for (n,) in raw(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_the_fixture_is_a_schema_1_ledger(ledger_v1: Path) -> None:
    # What the test below migrates: release 0.1.0's file, untouched.
    assert raw(ledger_v1, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert tables(ledger_v1) == {"meta", "sealed_month"}


def test_opening_migrates_in_place_and_the_chain_still_verifies(ledger_v1: Path) -> None:
    records_before = raw(ledger_v1, "SELECT * FROM sealed_month ORDER BY seq")
    with Ledger(ledger_v1) as ledger:
        assert ledger.verify_chain() == []
        assert ledger.seal_notes() == {}  # no record says when it was sealed
        assert [(r.month, r.version) for r in ledger.versions("2026-10")] == [
            ("2026-10", 1),
            ("2026-10", 2),
        ]
    assert raw(ledger_v1, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    assert {"seal_note", "draft_file", "draft_decision"} <= tables(ledger_v1)
    # Not one byte of a sealed record changed.
    assert raw(ledger_v1, "SELECT * FROM sealed_month ORDER BY seq") == records_before


def test_every_month_and_version_replays_after_the_migration(ledger_v1: Path) -> None:
    for month, version in (("2026-10", 1), ("2026-10", 2)):
        outcome = replay_month(Month.parse(month), ledger_v1, version=version)
        assert outcome.differences == [], (month, version)
        assert outcome.record is not None and outcome.record.version == version
    # 2026-11 was sealed on v1's state, then 2026-10 was amended: it replays identically
    # and is reported stale (过期), which is the one line of the outcome.
    november = replay_month(Month.parse("2026-11"), ledger_v1)
    assert len(november.differences) == 1
    assert november.differences[0].startswith("2026-11 is stale (过期)")


def test_a_migrated_ledger_opens_a_second_time_unchanged(ledger_v1: Path) -> None:
    Ledger(ledger_v1).close()
    schema = raw(ledger_v1, "SELECT sql FROM sqlite_master ORDER BY name")
    Ledger(ledger_v1).close()
    assert raw(ledger_v1, "SELECT sql FROM sqlite_master ORDER BY name") == schema


def test_a_failed_migration_leaves_the_file_as_it_was(
    ledger_v1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ledger_v1.read_bytes()
    # The last statement fails (the table exists): every one before it is undone too.
    failing = (*migrate.MIGRATIONS[1], "CREATE TABLE sealed_month (x INTEGER)")
    monkeypatch.setitem(migrate.MIGRATIONS, 1, failing)
    with pytest.raises(LedgerError, match="cannot migrate the ledger from schema version 1"):
        Ledger(ledger_v1)
    assert raw(ledger_v1, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert tables(ledger_v1) == {"meta", "sealed_month"}
    assert ledger_v1.read_bytes() == before


def test_a_newer_schema_is_refused_with_a_word_to_upgrade(ledger_v1: Path) -> None:
    db = sqlite3.connect(ledger_v1)
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    before = ledger_v1.read_bytes()
    with pytest.raises(LedgerError, match="schema version 3, written by a newer release") as info:
        read_sealed(ledger_v1, "2026-10")
    assert "Upgrade appraisal" in str(info.value)
    assert ledger_v1.read_bytes() == before


@pytest.mark.parametrize("stored", ["0", "two", ""])
def test_a_schema_version_that_is_no_version_is_refused(ledger_v1: Path, stored: str) -> None:
    db = sqlite3.connect(ledger_v1)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (stored,))
    db.commit()
    db.close()
    with pytest.raises(LedgerError, match=f"ledger schema version {stored}, which this program"):
        Ledger(ledger_v1)


def test_a_new_ledger_is_created_at_schema_2(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Ledger(path).close()
    assert raw(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    assert tables(path) == {"meta", "sealed_month", "seal_note", "draft_file", "draft_decision"}
