"""The ledger of sealed months: what is sealed comes back unchanged, a month is never
overwritten, and any edit made behind the ledger's back is found by verify_chain."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.ledger import (
    AlreadySealed,
    ChainBroken,
    Ledger,
    LedgerBusy,
    LedgerError,
    NewSeal,
    NothingToAmend,
    OutOfOrder,
    SealedMonth,
    fingerprint_of,
)

POLICY_TEXT = "id: customer_service\nversion: '2026.1'\n# 迟到 30 分钟以内：罚款 10 元，扣 3 分\n"


def month_seal(month: str, gross: str = "1940.00", name: str = "张三") -> NewSeal:
    """A plausible sealed month for one employee; `gross` and `name` vary the content."""
    return NewSeal(
        month=month,
        inputs={
            "roster": [{"employee_id": "E001", "name": name, "level": "specialist"}],
            "events": [
                {"employee_id": "E001", "kind": "late", "value": "12", "source": "ev.csv:2"}
            ],
        },
        input_files={"roster.csv": "a" * 64, "events.csv": "b" * 64},
        policy_id="customer_service",
        policy_version="2026.1",
        policy_sha256=hashlib.sha256(POLICY_TEXT.encode()).hexdigest(),
        policy_sources={"customer_service.yaml": POLICY_TEXT},
        state_before={"levels": {}, "offences": {}},
        state_after={"levels": {"E001": "specialist"}, "offences": {"E001": {"p13": 1}}},
        results={"month": month, "employees": [{"employee_id": "E001", "gross": gross}]},
        engine_version="0.1.0",
    )


def raw_rows(path: Path) -> dict[int, tuple[Any, ...]]:
    """Every stored row exactly as SQLite holds it, keyed by seq."""
    with sqlite3.connect(path) as db:
        return {row[0]: row for row in db.execute("SELECT * FROM sealed_month ORDER BY seq")}


def tamper(path: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    db = sqlite3.connect(path)
    db.execute(sql, params)
    db.commit()
    db.close()


def requested(record: SealedMonth) -> NewSeal:
    return NewSeal(**{f.name: getattr(record, f.name) for f in fields(NewSeal)})


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "appraisal.db"


@pytest.fixture
def three_months(db_path: Path) -> Path:
    """2026-09, 2026-10 and 2026-11 sealed as seq 1, 2 and 3."""
    with Ledger(db_path) as ledger:
        for month in ("2026-09", "2026-10", "2026-11"):
            ledger.seal(month_seal(month))
        assert ledger.verify_chain() == []
    return db_path


# -- sealing and reading back --------------------------------------------------------


def test_sealed_months_read_back_equal_after_reopening(db_path: Path) -> None:
    october, november = month_seal("2026-10"), month_seal("2026-11", name="Zoë 李")
    with Ledger(db_path) as ledger:
        sealed_october = ledger.seal(october)
        sealed_november = ledger.seal(november)

    with Ledger(db_path) as ledger:
        assert ledger.current("2026-10") == sealed_october
        assert ledger.versions("2026-11") == [sealed_november]
        assert requested(sealed_november) == november
        assert ledger.previous_current("2026-11") == sealed_october
        assert ledger.previous_current("2026-10") is None
        assert ledger.previous_current("2027-03") == sealed_november
        assert ledger.sealed_months() == ["2026-10", "2026-11"]
        assert ledger.months_after("2026-10") == ["2026-11"]
        assert ledger.months_after("2026-11") == []
        assert ledger.current("2026-12") is None
        assert ledger.head_hash() == sealed_november.record_hash
        assert ledger.verify_chain() == []

    assert (sealed_october.seq, sealed_october.version, sealed_october.prev_hash) == (1, 1, "")
    assert (sealed_november.seq, sealed_november.prev_hash) == (2, sealed_october.record_hash)
    assert sealed_november.supersedes is None and sealed_november.amend_reason is None


def test_a_seal_returns_what_later_reads_give_back(db_path: Path) -> None:
    # JSON has no tuples: the returned record must already hold the stored form.
    with_tuple = replace(month_seal("2026-10"), results={"scores": ("2026-09", "147")})
    with Ledger(db_path) as ledger:
        sealed = ledger.seal(with_tuple)
        assert sealed.results == {"scores": ["2026-09", "147"]}
        assert ledger.current("2026-10") == sealed


def test_record_hash_is_recomputable_by_an_auditor_and_has_no_clock(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        sealed = ledger.seal(month_seal("2026-10"))
    content = {f.name: getattr(sealed, f.name) for f in fields(sealed) if f.name != "record_hash"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert sealed.record_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    with Ledger(db_path.with_name("again.db")) as again:
        assert again.seal(month_seal("2026-10")) == sealed


def test_fingerprint_tells_the_same_run_from_a_different_one() -> None:
    run = month_seal("2026-10")
    assert fingerprint_of(run) == fingerprint_of(replace(run, results={"changed": True}))
    assert fingerprint_of(run) == fingerprint_of(replace(run, engine_version="9"))
    assert fingerprint_of(run) != fingerprint_of(month_seal("2026-10", name="李四"))
    assert fingerprint_of(run) != fingerprint_of(replace(run, policy_sha256="0" * 64))
    assert fingerprint_of(run) != fingerprint_of(replace(run, state_before={"levels": {"E": "x"}}))


# -- a month is sealed once, then only amended ---------------------------------------


def test_sealing_a_sealed_month_without_a_reason_is_refused(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        first = ledger.seal(month_seal("2026-10"))
        before = raw_rows(db_path)
        with pytest.raises(AlreadySealed, match="2026-10 is already sealed") as refused:
            ledger.seal(month_seal("2026-10", gross="2000.00"))
        assert refused.value.current == first
        assert raw_rows(db_path) == before
        assert ledger.versions("2026-10") == [first]


def test_an_amendment_is_a_new_version_and_the_old_one_is_kept(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        first = ledger.seal(month_seal("2026-10"))
        row_before = raw_rows(db_path)[1]
        second = ledger.seal(month_seal("2026-10", gross="2000.00"), amend_reason="考勤表更正")

        assert (second.seq, second.version, second.supersedes) == (2, 2, first.seq)
        assert second.amend_reason == "考勤表更正"
        assert second.prev_hash == first.record_hash
        assert raw_rows(db_path)[1] == row_before
        assert ledger.versions("2026-10") == [first, second]
        assert ledger.current("2026-10") == second
        assert ledger.sealed_months() == ["2026-10"]

        third = ledger.seal(month_seal("2026-10", gross="2100.00"), amend_reason="second fix")
        assert (third.version, third.supersedes) == (3, second.seq)
        assert ledger.verify_chain() == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_amendment_needs_a_real_reason(db_path: Path, reason: str) -> None:
    with Ledger(db_path) as ledger:
        ledger.seal(month_seal("2026-10"))
        with pytest.raises(LedgerError, match="needs a reason"):
            ledger.seal(month_seal("2026-10", gross="1.00"), amend_reason=reason)
        assert len(ledger.versions("2026-10")) == 1


def test_amending_a_month_never_sealed_is_refused(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        with pytest.raises(NothingToAmend, match="2026-10"):
            ledger.seal(month_seal("2026-10"), amend_reason="fix")
        assert ledger.sealed_months() == []


def test_months_are_sealed_in_calendar_order(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        ledger.seal(month_seal("2026-09"))
        ledger.seal(month_seal("2026-11"))  # a month with no appraisal may be skipped
        with pytest.raises(OutOfOrder, match=r"2026-10.*2026-11"):
            ledger.seal(month_seal("2026-10"))
        assert ledger.sealed_months() == ["2026-09", "2026-11"]
        assert ledger.previous_current("2026-11") == ledger.current("2026-09")

        # Amending an earlier month is allowed; the later ones are then stale.
        amended = ledger.seal(month_seal("2026-09", gross="1.00"), amend_reason="fix")
        assert amended.version == 2
        assert ledger.months_after("2026-09") == ["2026-11"]
        assert ledger.verify_chain() == []


def test_a_month_is_written_exactly_as_yyyy_mm(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        with pytest.raises(ValueError, match="YYYY-MM"):
            ledger.seal(month_seal("2026-13"))
        with pytest.raises(ValueError, match="YYYY-MM"):
            ledger.current("Oct 2026")
        assert ledger.sealed_months() == []


@pytest.mark.parametrize("results", [{"gross": Decimal("1.00")}, {"score": float("nan")}])
def test_data_that_is_not_json_is_refused_and_nothing_is_stored(
    db_path: Path, results: dict[str, Any]
) -> None:
    with Ledger(db_path) as ledger:
        with pytest.raises(LedgerError, match="cannot seal 2026-10: not JSON data"):
            ledger.seal(replace(month_seal("2026-10"), results=results))
        assert raw_rows(db_path) == {}


# -- all or nothing --------------------------------------------------------------------


class CommitFails:
    """The ledger's connection, except that COMMIT fails as if the disk went away."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        if sql.strip().upper() == "COMMIT":
            raise OSError("disk went away")
        return self._db.execute(sql, *params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def test_a_seal_that_fails_after_the_insert_stores_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(db_path) as ledger:
        first = ledger.seal(month_seal("2026-10"))
        monkeypatch.setattr(ledger, "_db", CommitFails(ledger._db))
        with pytest.raises(OSError, match="disk went away"):
            ledger.seal(month_seal("2026-11"))
        with pytest.raises(OSError, match="disk went away"):
            ledger.seal(month_seal("2026-10", gross="1.00"), amend_reason="fix")
        monkeypatch.undo()

        assert list(raw_rows(db_path)) == [1]
        assert ledger.versions("2026-10") == [first]
        assert ledger.current("2026-11") is None
        # The ledger is still usable, and the failed seals left no hole in the chain.
        assert ledger.seal(month_seal("2026-11")).seq == 2
        assert ledger.verify_chain() == []


def test_two_ledger_handles_on_one_file_keep_one_chain(db_path: Path) -> None:
    with Ledger(db_path) as first, Ledger(db_path) as second:
        first.seal(month_seal("2026-09"))
        second.seal(month_seal("2026-10"))
        with pytest.raises(AlreadySealed):
            first.seal(month_seal("2026-10"))
        first.seal(month_seal("2026-11"))
        assert list(raw_rows(db_path)) == [1, 2, 3]
        assert second.verify_chain() == []


# -- tampering -------------------------------------------------------------------------

EDITS = {
    "results": '{"employees":[{"employee_id":"E001","gross":"9999.00"}],"month":"2026-10"}',
    "inputs": '{"events":[],"roster":[]}',
    "input_files": '{"events.csv":"cc"}',
    "policy_sources": '{"customer_service.yaml":"id: lenient"}',
    "policy_sha256": "0" * 64,
    "policy_version": "2099.9",
    "state_before": '{"levels":{"E001":"supervisor"}}',
    "state_after": '{"levels":{"E001":null}}',
    "month": "2026-12",
    "version": 7,
    "amend_reason": "nothing to see",
    "supersedes": 1,
    "fingerprint": "f" * 64,
    "engine_version": "6.6.6",
    "prev_hash": "e" * 64,
    "record_hash": "d" * 64,
}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_an_edited_column_is_found(three_months: Path, column: str) -> None:
    tamper(three_months, f"UPDATE sealed_month SET {column} = ? WHERE seq = 2", (EDITS[column],))
    with Ledger(three_months) as ledger:
        problems = ledger.verify_chain()
    about_seq_2 = [p for p in problems if p.startswith("seq 2 (")]
    assert about_seq_2, problems
    if column != "month":
        assert any("2026-10" in p for p in about_seq_2)


def test_an_edit_that_breaks_the_json_is_found_and_reading_names_the_record(
    three_months: Path,
) -> None:
    tamper(three_months, "UPDATE sealed_month SET results = '{broken' WHERE seq = 2")
    with Ledger(three_months) as ledger:
        problems = ledger.verify_chain()
        assert any(
            p.startswith("seq 2 (2026-10 v1): column results is not valid JSON") for p in problems
        )
        with pytest.raises(
            LedgerError, match=r"seq 2 \(2026-10 v1\): column results is not valid JSON"
        ):
            ledger.current("2026-10")
        assert ledger.current("2026-11") is not None


def test_a_respaced_json_column_is_found(three_months: Path) -> None:
    with sqlite3.connect(three_months) as db:
        (text,) = db.execute("SELECT state_after FROM sealed_month WHERE seq = 3").fetchone()
    tamper(
        three_months,
        "UPDATE sealed_month SET state_after = ? WHERE seq = 3",
        (json.dumps(json.loads(text), indent=2),),
    )
    with Ledger(three_months) as ledger:
        problems = ledger.verify_chain()
    assert problems == ["seq 3 (2026-11 v1): column state_after is not in canonical form"]


@pytest.mark.parametrize(("deleted", "next_seq"), [(1, 2), (2, 3)])
def test_a_deleted_record_is_found(three_months: Path, deleted: int, next_seq: int) -> None:
    tamper(three_months, "DELETE FROM sealed_month WHERE seq = ?", (deleted,))
    with Ledger(three_months) as ledger:
        problems = ledger.verify_chain()
    assert any(
        p.startswith(f"seq {next_seq} (") and f"record seq {deleted} is missing" in p
        for p in problems
    ), problems
    assert any(p.startswith(f"seq {next_seq} (") and "prev_hash" in p for p in problems)


def test_a_reordered_chain_is_found(three_months: Path) -> None:
    db = sqlite3.connect(three_months)
    db.execute("UPDATE sealed_month SET seq = 99 WHERE seq = 1")
    db.execute("UPDATE sealed_month SET seq = 1 WHERE seq = 2")
    db.execute("UPDATE sealed_month SET seq = 2 WHERE seq = 99")
    db.commit()
    db.close()
    with Ledger(three_months) as ledger:
        problems = ledger.verify_chain()
    assert any(p.startswith("seq 1 (2026-10 v1): record_hash") for p in problems), problems
    assert any(p.startswith("seq 2 (2026-09 v1): record_hash") for p in problems), problems
    assert any(p.startswith("seq 2 (2026-09 v1): sealed after 2026-10") for p in problems)


def test_a_reader_verifies_the_chain_up_to_the_record_it_reads(three_months: Path) -> None:
    tamper(three_months, "UPDATE sealed_month SET engine_version = '6.6.6' WHERE seq = 3")
    with Ledger(three_months) as ledger:
        assert ledger.verify_chain(through_seq=2) == []
        assert ledger.verify_chain() == [
            "seq 3 (2026-11 v1): record_hash does not match the record's content"
        ]
        trusted = ledger.trusted_current("2026-10")
        assert trusted is not None and trusted.seq == 2
        assert ledger.trusted_current("2026-12") is None
        with pytest.raises(ChainBroken, match=r"seq 3 \(2026-11 v1\): record_hash") as broken:
            ledger.trusted_current("2026-11")
    assert broken.value.problems == [
        "seq 3 (2026-11 v1): record_hash does not match the record's content"
    ]


# -- one writer at a time ----------------------------------------------------------------


def test_seals_under_the_write_lock_commit_together_when_the_block_ends(db_path: Path) -> None:
    with Ledger(db_path) as ledger:
        ledger.seal(month_seal("2026-09"))
        with ledger.write_lock():
            ledger.seal(month_seal("2026-10"))
            with pytest.raises(AlreadySealed):  # a refused seal undoes only itself
                ledger.seal(month_seal("2026-10"))
            ledger.seal(month_seal("2026-11"))
            assert list(raw_rows(db_path)) == [1]  # nothing is visible outside before the end
        assert list(raw_rows(db_path)) == [1, 2, 3]
        with pytest.raises(RuntimeError, match="power cut"), ledger.write_lock():
            ledger.seal(month_seal("2026-12"))
            raise RuntimeError("power cut")
        assert ledger.sealed_months() == ["2026-09", "2026-10", "2026-11"]
        assert ledger.verify_chain() == []


def test_a_second_writer_waits_then_gives_up_with_a_clear_message(db_path: Path) -> None:
    with Ledger(db_path) as first, Ledger(db_path, wait=0.1) as second:
        with first.write_lock():
            with pytest.raises(LedgerBusy, match=r"for over 0\.1 seconds; nothing was sealed"):
                second.seal(month_seal("2026-10"))
            with pytest.raises(LedgerBusy), second.write_lock():
                pass  # pragma: no cover - the lock is never granted
            assert second.current("2026-09") is None  # readers are not held up
        second.seal(month_seal("2026-10"))
        assert first.sealed_months() == ["2026-10"]


# -- stale months ------------------------------------------------------------------------


def handing_on(month: str, before: str, after: str, gross: str = "1940.00") -> NewSeal:
    """A month that starts from level ``before`` of E001 and hands on level ``after``."""
    return replace(
        month_seal(month, gross=gross),
        state_before={"levels": {"E001": before}} if before else {},
        state_after={"levels": {"E001": after}},
    )


def test_months_after_an_amendment_that_changes_the_state_are_stale_in_order(
    db_path: Path,
) -> None:
    with Ledger(db_path) as ledger:
        ledger.seal(handing_on("2026-09", "", "specialist"))
        ledger.seal(handing_on("2026-10", "specialist", "team_lead"))
        ledger.seal(handing_on("2026-12", "team_lead", "team_lead"))  # November skipped
        assert ledger.stale_months() == []
        # September amended: E001 now leaves it a team_lead, so October started wrong.
        ledger.seal(handing_on("2026-09", "", "team_lead", gross="1.00"), amend_reason="fix")
        assert ledger.stale_months() == ["2026-10", "2026-12"]
        ledger.seal(handing_on("2026-10", "team_lead", "team_lead", "2.00"), amend_reason="fix")
        assert ledger.stale_months() == []  # December starts where the new October ends
        ledger.seal(handing_on("2026-10", "team_lead", "manager", "3.00"), amend_reason="again")
        assert ledger.stale_months() == ["2026-12"]


# -- the property ----------------------------------------------------------------------

MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
operations = st.lists(
    st.tuples(
        st.sampled_from(MONTHS), st.dictionaries(st.text(max_size=4), json_values), st.booleans()
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_any_run_of_seals_keeps_every_version_and_a_sound_chain(
    ops: list[tuple[str, dict[str, Any], bool]],
) -> None:
    with tempfile.TemporaryDirectory() as folder, Ledger(Path(folder) / "l.db") as ledger:
        path = Path(folder) / "l.db"
        kept: dict[int, tuple[Any, ...]] = {}
        newest_results: dict[str, dict[str, Any]] = {}
        for month, payload, amend in ops:
            new = replace(month_seal(month), results=payload, inputs={"payload": payload})
            reason = "correction" if amend else None
            latest = max(newest_results, default=None)
            if month in newest_results:
                expected: type[Exception] | None = None if amend else AlreadySealed
            elif amend:
                expected = NothingToAmend
            elif latest is not None and month < latest:
                expected = OutOfOrder
            else:
                expected = None

            if expected is None:
                sealed = ledger.seal(new, amend_reason=reason)
                assert sealed.results == payload
                assert sealed.version == len(ledger.versions(month))
                newest_results[month] = payload
            else:
                with pytest.raises(expected):
                    ledger.seal(new, amend_reason=reason)

            rows = raw_rows(path)
            assert {seq: rows[seq] for seq in kept} == kept
            assert len(rows) == len(kept) + (expected is None)
            kept = rows

        assert ledger.verify_chain() == []
        assert ledger.sealed_months() == sorted(newest_results)
        for month, results in newest_results.items():
            versions = ledger.versions(month)
            assert [v.version for v in versions] == list(range(1, len(versions) + 1))
            assert [v.supersedes for v in versions[1:]] == [v.seq for v in versions[:-1]]
            assert ledger.current(month) == versions[-1]
            assert versions[-1].results == results


# -- files that are not ledgers --------------------------------------------------------


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    not_a_db = tmp_path / "roster.xlsx"
    not_a_db.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a ledger" * 50)
    with pytest.raises(LedgerError, match=r"roster\.xlsx.*not a database") as refused:
        Ledger(not_a_db)
    assert str(not_a_db) in str(refused.value)


def test_a_database_of_something_else_is_refused_by_name(tmp_path: Path) -> None:
    other = tmp_path / "crm.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(LedgerError, match=r"not an appraisal ledger.*customers") as refused:
        Ledger(other)
    assert str(other) in str(refused.value)
    with sqlite3.connect(other) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert tables == {"customers"}


def test_a_ledger_of_another_schema_version_is_refused(db_path: Path) -> None:
    Ledger(db_path).close()
    tamper(db_path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(LedgerError, match="schema version 99, written by a newer release"):
        Ledger(db_path)


def test_a_path_that_cannot_be_opened_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match=str(tmp_path)):
        Ledger(tmp_path)
