"""Versions for auditors (issue 10, item 4), below the command line: the seal note
outside the hash, any version read by `read_sealed`, `export_month`, the months listed,
and `Ledger.query` / `Ledger.transaction` for the draft area."""

from __future__ import annotations

import re
import shutil
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from appraisal.audit import export_month, sealed_months
from appraisal.ledger.errors import ChainBroken, LedgerError, NotSealed
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed

FIXTURE = Path(__file__).parent / "fixtures" / "ledger_v1"
ISO_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture
def ledger_v1(tmp_path: Path) -> Path:
    shutil.copy(FIXTURE / "ledger.db", tmp_path / "ledger.db")
    return tmp_path / "ledger.db"


def requests_of(path: Path) -> list[tuple[NewSeal, str | None]]:
    """The fixture's three seals as they were asked for, in order."""
    with Ledger(path) as ledger:
        records = [r for m in ("2026-10", "2026-11") for r in ledger.versions(m)]
    records.sort(key=lambda r: r.seq)
    asked = [f.name for f in fields(NewSeal)]
    return [(NewSeal(**{n: getattr(r, n) for n in asked}), r.amend_reason) for r in records]


def test_sealing_the_same_months_twice_gives_the_same_record_hashes(
    ledger_v1: Path, tmp_path: Path
) -> None:
    requests = requests_of(ledger_v1)
    hashes = []
    for name, who in (("a.db", "hr-anna"), ("b.db", "hr-bo")):
        with Ledger(tmp_path / name) as ledger:
            hashes.append(
                [ledger.seal(new, reason, sealed_by=who).record_hash for new, reason in requests]
            )
            assert {n.sealed_by for n in ledger.seal_notes().values()} == {who}
    # Other people, other times: the same records, the same chain as release 0.1.0's.
    with Ledger(ledger_v1) as original:
        expected = [
            original.version(m, v) for m, v in (("2026-10", 1), ("2026-11", 1), ("2026-10", 2))
        ]
    assert hashes[0] == hashes[1] == [r.record_hash for r in expected if r is not None]


def test_a_seal_notes_the_utc_time_to_the_second_and_the_os_user(
    ledger_v1: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "clerk7")
    new, _ = requests_of(ledger_v1)[0]
    before = datetime.now(UTC).replace(microsecond=0)
    with Ledger(tmp_path / "new.db") as ledger:
        record = ledger.seal(new)
        note = ledger.seal_notes()[record.seq]
    after = datetime.now(UTC)
    assert note.sealed_by == "clerk7"
    assert ISO_SECOND.fullmatch(note.sealed_at)
    at = datetime.strptime(note.sealed_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= at <= after


def test_a_refused_seal_leaves_no_note(ledger_v1: Path) -> None:
    new, _ = requests_of(ledger_v1)[0]
    with Ledger(ledger_v1) as ledger, pytest.raises(LedgerError):
        ledger.seal(new)  # 2026-10 is sealed: no reason given
    with Ledger(ledger_v1) as ledger:
        assert ledger.seal_notes() == {}


def test_read_sealed_reads_any_version_and_names_the_versions_there_are(ledger_v1: Path) -> None:
    assert read_sealed(ledger_v1, "2026-10").version == 2
    first = read_sealed(ledger_v1, "2026-10", 1)
    assert (first.version, first.seq, first.amend_reason) == (1, 1, None)
    with pytest.raises(NotSealed, match=r"2026-10 has no version 3 \(versions: 1, 2\)"):
        read_sealed(ledger_v1, "2026-10", 3)
    with pytest.raises(
        NotSealed, match=r"2026-12 is not sealed \(sealed months: 2026-10, 2026-11\)"
    ):
        read_sealed(ledger_v1, "2026-12", 1)


def test_a_version_is_read_only_once_the_chain_up_to_it_holds(ledger_v1: Path) -> None:
    with Ledger(ledger_v1) as ledger, ledger.transaction("tamper"):
        ledger.query("UPDATE sealed_month SET amend_reason = 'x' WHERE seq = 1")
    with pytest.raises(ChainBroken, match=r"seq 1 \(2026-10 v1\)"):
        read_sealed(ledger_v1, "2026-10", 1)


def test_export_of_version_1_is_the_workbook_hr_paid_from(ledger_v1: Path, tmp_path: Path) -> None:
    out = tmp_path / "again.xlsx"
    record = export_month("2026-10", ledger_v1, version=1, workbook_path=out)
    assert (record.version, record.seq) == (1, 1)
    assert out.read_bytes() == (FIXTURE / "oct_v1.xlsx").read_bytes()


def test_the_listing_of_the_fixture(ledger_v1: Path) -> None:
    listing = sealed_months(ledger_v1)
    rows = [(v.month, v.version, v.superseded_by, v.note) for v in listing.versions]
    assert rows == [("2026-10", 1, 2, None), ("2026-10", 2, None, None), ("2026-11", 1, None, None)]
    assert listing.stale == ("2026-11",)
    assert listing.stale_after == "2026-10"
    assert listing.versions[1].amend_reason == "罚款登记有误，撤销处罚"
    # 20 on the October roster; KF012 and KF015 leave in October, so 18 in November.
    assert [v.employees for v in listing.versions] == [20, 20, 18]


def test_the_gross_total_of_each_version(ledger_v1: Path) -> None:
    listing = sealed_months(ledger_v1)
    with Ledger(ledger_v1) as ledger:
        records: list[SealedMonth] = [r for m in ("2026-10", "2026-11") for r in ledger.versions(m)]
    for listed, record in zip(listing.versions, records, strict=True):
        assert listed.gross == sum(
            (Decimal(e["pay"]["gross"]) for e in record.results["employees"]), Decimal(0)
        )
    # Version 2 revoked every fine; the clause 7 fines alone were 200 (KF001) + 200 (KF006).
    assert listing.versions[1].gross - listing.versions[0].gross >= Decimal("400.00")


def test_no_ledger_file_is_not_created_by_listing(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no ledger file"):
        sealed_months(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


def test_a_transaction_is_all_or_nothing(ledger_v1: Path) -> None:
    insert = (
        "INSERT INTO draft_decision (month, item_id, resolution, reason, decided_by, decided_at)"
        " VALUES ('2026-12', 'R-1', 'normal', 'why', 'hr', '2026-12-01T00:00:00Z')"
    )
    with Ledger(ledger_v1) as ledger:
        with pytest.raises(RuntimeError), ledger.transaction("decide"):
            ledger.query(insert)
            raise RuntimeError("stop")
        assert ledger.query("SELECT COUNT(*) FROM draft_decision") == [(0,)]
        # Inside the lock a transaction is a savepoint: one that fails is undone alone,
        # and the lock's block commits the rest.
        with ledger.write_lock():
            with pytest.raises(RuntimeError), ledger.transaction("decide"):
                ledger.query(insert.replace("R-1", "R-2"))
                raise RuntimeError("stop")
            with ledger.transaction("decide"):
                ledger.query(insert)
        assert ledger.query("SELECT item_id FROM draft_decision") == [("R-1",)]
