"""The ledger in PostgreSQL (issue 11, item 7): the same records, hash chain, write lock
and draft area as the SQLite file, and `appraisal ledger copy` between the two.

The tests taking ``ledger_target`` run on both backends. The PostgreSQL server is named
by APPRAISAL_TEST_POSTGRES (a postgresql:// connection string; .ci/run starts a
throwaway one). Without it the PostgreSQL cases are skipped, except under CI=true, where
they fail: CI must test both backends.
"""

from __future__ import annotations

import argparse
import io
import re
import sqlite3
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_ledger import month_seal

from appraisal.cli.ledger_cmd import copy_command
from appraisal.ledger import (
    AlreadySealed,
    ChainBroken,
    Ledger,
    LedgerBusy,
    LedgerError,
    LedgerTarget,
    NewSeal,
    is_dsn,
    ledger_argument,
    ledger_exists,
    read_sealed,
    writing,
)
from appraisal.ledger.backend import shown
from appraisal.ledger.copy import copy_ledger
from appraisal.ledger.drafts import (
    Decision,
    DraftFile,
    clear_draft,
    decisions,
    draft_files,
    draft_months,
    store_decision,
    store_files,
)
from appraisal.ledger.texts import COMPRESS_FROM


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_target(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerTarget:
    """Each test that takes it runs twice: on an SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return tmp_path / "ledger.db"
    return str(request.getfixturevalue("postgres_ledger"))


def raw_execute(target: LedgerTarget, sql: str, params: tuple[Any, ...] = ()) -> None:
    """A statement run behind the ledger's back (a tamperer's edit), in either backend."""
    if is_dsn(target):
        import psycopg

        with psycopg.connect(str(target), autocommit=True) as db:
            db.execute(sql.replace("?", "%s"), params)
    else:
        with sqlite3.connect(target) as db:
            db.execute(sql, params)


def large_seal(month: str) -> NewSeal:
    """A month whose results are over `COMPRESS_FROM` bytes: stored deflated."""
    people = [{"employee_id": f"E{n:05d}", "gross": "1940.00"} for n in range(30000)]
    assert len(str(people)) > COMPRESS_FROM
    return replace(month_seal(month), results={"month": month, "employees": people})


def seal_three(target: LedgerTarget) -> list[str]:
    """2026-01 (small), 2026-02 (large, deflated) and 2026-01's amendment; their hashes."""
    with Ledger(target) as ledger:
        first = ledger.seal(month_seal("2026-01"), sealed_by="hr")
        second = ledger.seal(large_seal("2026-02"), sealed_by="hr")
        amended = ledger.seal(month_seal("2026-01", gross="2000.00"), "late fine", sealed_by="hr")
    return [first.record_hash, second.record_hash, amended.record_hash]


# -- the same ledger on both backends ------------------------------------------------


def test_what_is_sealed_comes_back_and_verifies(ledger_target: LedgerTarget) -> None:
    hashes = seal_three(ledger_target)
    with Ledger(ledger_target) as ledger:
        assert ledger.verify_chain() == []
        assert ledger.sealed_months() == ["2026-01", "2026-02"]
        assert [r.version for r in ledger.versions("2026-01")] == [1, 2]
        current = ledger.current("2026-01")
        assert current is not None
        assert current.results["employees"][0]["gross"] == "2000.00"
        assert current.amend_reason == "late fine" and current.supersedes == 1
        large = ledger.current("2026-02")
        assert large is not None and len(large.results["employees"]) == 30000
        assert large.results["employees"][29999] == {"employee_id": "E29999", "gross": "1940.00"}
        assert ledger.head_hash() == hashes[2]
        assert [n.sealed_by for n in ledger.seal_notes().values()] == ["hr", "hr", "hr"]
        assert ledger.stale_months() == ["2026-02"]  # 2026-01 was amended after 2026-02
        with pytest.raises(AlreadySealed):
            ledger.seal(month_seal("2026-02"))


def test_record_hashes_are_the_same_in_sqlite_and_postgresql(
    tmp_path: Path, postgres_ledger: str
) -> None:
    assert seal_three(tmp_path / "ledger.db") == seal_three(postgres_ledger)


def test_the_large_text_is_stored_deflated_in_a_bytea(postgres_ledger: str) -> None:
    import psycopg

    seal_three(postgres_ledger)
    with psycopg.connect(postgres_ledger) as db:
        rows = db.execute("SELECT seq, results FROM sealed_month ORDER BY seq").fetchall()
    assert [bytes(r[1])[:1] for r in rows] == [b"{", b"x", b"{"]  # text, zlib, text


def test_an_edit_behind_the_ledgers_back_is_found(ledger_target: LedgerTarget) -> None:
    seal_three(ledger_target)
    raw_execute(ledger_target, "UPDATE sealed_month SET policy_version = ? WHERE seq = 2", ("x",))
    with Ledger(ledger_target) as ledger:
        problems = ledger.verify_chain()
    assert len(problems) == 1 and problems[0].startswith("seq 2 (2026-02 v1)")
    with pytest.raises(ChainBroken):
        read_sealed(ledger_target, "2026-02")
    assert read_sealed(ledger_target, "2026-01", version=1).seq == 1  # before the edit


def test_a_second_writer_waits_then_gives_up(ledger_target: LedgerTarget) -> None:
    seal_three(ledger_target)
    with Ledger(ledger_target) as first, first.write_lock():
        first.seal(month_seal("2026-03"))
        with Ledger(ledger_target, wait=0.2) as second:
            started = time.monotonic()
            with pytest.raises(LedgerBusy), second.write_lock():
                pass
            assert time.monotonic() - started >= 0.15
            assert second.current("2026-03") is None  # not committed yet: readers go on
    with Ledger(ledger_target) as ledger:
        assert ledger.current("2026-03") is not None


def test_a_waiting_writer_seals_after_the_first_commits(ledger_target: LedgerTarget) -> None:
    with Ledger(ledger_target) as ledger:
        ledger.seal(month_seal("2026-02"))
    locked, order = threading.Event(), []

    def second() -> None:
        locked.wait()
        with writing(ledger_target) as writer:
            writer.verified()
            order.append(("second", writer.current("2026-03") is not None))  # sees the first
            writer.seal(month_seal("2026-04"))

    thread = threading.Thread(target=second)
    thread.start()
    with writing(ledger_target) as writer:
        locked.set()
        time.sleep(0.3)
        writer.seal(month_seal("2026-03"))
        order.append(("first", True))
    thread.join()
    assert order == [("first", True), ("second", True)]
    with Ledger(ledger_target) as ledger:
        assert ledger.sealed_months()[-2:] == ["2026-03", "2026-04"]
        assert ledger.verify_chain() == []


def test_writing_creates_the_ledger_only_on_a_seal(ledger_target: LedgerTarget) -> None:
    assert not ledger_exists(ledger_target)
    with pytest.raises(RuntimeError), writing(ledger_target) as writer:
        assert writer.ledger is None
        raise RuntimeError("the run failed")
    assert not ledger_exists(ledger_target)
    with writing(ledger_target) as writer:
        writer.seal(month_seal("2026-01"))
    assert ledger_exists(ledger_target)
    assert read_sealed(ledger_target, "2026-01").month == "2026-01"


def test_the_draft_area(ledger_target: LedgerTarget) -> None:
    roster = DraftFile("2026-05", "roster", "r.csv", "a" * 64, b"\x00id\n", "hr", "t1")
    events = DraftFile("2026-05", "events", "e.csv", "b" * 64, b"x,y\n", "hr", "t1")
    new_roster = replace(roster, sha256="c" * 64, content=b"id2\n", added_at="t2")
    with Ledger(ledger_target) as ledger:
        store_files(ledger, [roster, events])
        replaced = store_files(ledger, [new_roster])
        assert [f.content for f in replaced] == [b"\x00id\n"]
        assert [(f.role, f.content) for f in draft_files(ledger, "2026-05")] == [
            ("events", b"x,y\n"),
            ("roster", b"id2\n"),
        ]
        store_decision(ledger, Decision("2026-05", "E1/3", "absent", "no show", "hr", "t1"))
        store_decision(ledger, Decision("2026-05", "E1/3", "late:10", "bus", "hr", "t2"))
        store_decision(ledger, Decision("2026-05", "E1/10", "normal", "ok", "hr", "t2"))
        # One decision an item, the later one; ordered by item id as bytes ("1" < "3").
        assert [(d.item_id, d.resolution) for d in decisions(ledger, "2026-05")] == [
            ("E1/10", "normal"),
            ("E1/3", "late:10"),
        ]
        assert draft_months(ledger) == ["2026-05"]
        clear_draft(ledger, "2026-05")
        assert draft_months(ledger) == []


# -- ledger copy ---------------------------------------------------------------------


def fill(target: LedgerTarget) -> list[str]:
    hashes = seal_three(target)
    with Ledger(target) as ledger:
        store_files(ledger, [DraftFile("2026-06", "events", "e.csv", "d" * 64, b"\xff", "a", "t")])
        store_decision(ledger, Decision("2026-06", "E2/1", "normal", "ok", "a", "t"))
    return hashes


def contents(target: LedgerTarget) -> tuple[Any, ...]:
    with Ledger(target) as ledger:
        return (
            [r.record_hash for m in ledger.sealed_months() for r in ledger.versions(m)],
            [r.results for m in ledger.sealed_months() for r in ledger.versions(m)],
            ledger.seal_notes(),
            draft_files(ledger, "2026-06"),
            decisions(ledger, "2026-06"),
            ledger.verify_chain(),
        )


def test_copy_sqlite_to_postgresql_and_back(tmp_path: Path, postgres_ledger: str) -> None:
    source, back = tmp_path / "source.db", tmp_path / "back.db"
    hashes = fill(source)
    copied = copy_ledger(source, postgres_ledger)
    assert copied == {"sealed_month": 3, "seal_note": 3, "draft_file": 1, "draft_decision": 1}
    assert contents(postgres_ledger) == contents(source)
    assert contents(postgres_ledger)[0] == [hashes[0], hashes[2], hashes[1]]  # by month
    copy_ledger(postgres_ledger, back)
    assert contents(back) == contents(source)
    with Ledger(postgres_ledger) as ledger:  # drafts added after a copy are numbered after
        store_files(ledger, [DraftFile("2026-06", "roster", "r.csv", "e" * 64, b"r", "a", "t")])
        assert [f.id for f in draft_files(ledger, "2026-06")] == [1, 2]


def test_copy_refuses_a_destination_that_is_not_empty(tmp_path: Path, postgres_ledger: str) -> None:
    source = tmp_path / "source.db"
    fill(source)
    with Ledger(postgres_ledger) as ledger:
        ledger.seal(month_seal("2025-12"))
    with pytest.raises(
        LedgerError, match="not empty \\(it holds rows in sealed_month, seal_note\\)"
    ):
        copy_ledger(source, postgres_ledger)
    with Ledger(postgres_ledger) as ledger:
        assert ledger.sealed_months() == ["2025-12"]
    # A source whose chain is broken is not copied, and no new file is left behind.
    raw_execute(source, "UPDATE sealed_month SET engine_version = ? WHERE seq = 1", ("9",))
    with pytest.raises(ChainBroken):
        copy_ledger(source, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_the_copy_command_prints_what_it_copied(tmp_path: Path, postgres_ledger: str) -> None:
    source = tmp_path / "source.db"
    fill(source)
    out = io.StringIO()
    args = argparse.Namespace(source=source, destination=ledger_argument(postgres_ledger))
    assert copy_command(args, out, io.StringIO()) == 0
    assert out.getvalue() == (
        f"Copied {source} to {shown(postgres_ledger)}: 3 sealed records, 1 draft files,"
        " 1 draft decisions; its chain verifies.\n"
    )


def test_a_connection_string_is_kept_whole_and_its_password_never_shown() -> None:
    dsn = "postgresql://hr:s3cret@db.example:5432/payroll?sslmode=require"
    assert ledger_argument(dsn) == dsn
    assert ledger_argument("postgresql:///payroll") == "postgresql:///payroll"
    assert ledger_argument("ledgers/a.db") == Path("ledgers/a.db")
    assert shown(dsn) == "postgresql://hr:***@db.example:5432/payroll?sslmode=require"
    assert "s3cret" not in shown(dsn)


def test_the_commands_take_a_postgresql_ledger(
    tmp_path: Path, ledger_target: LedgerTarget, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--ledger postgresql://…` through the command line: run, replay, months, then
    `ledger copy` to a file, and the copy replays identically (same record hash)."""
    from appraisal.cli import main

    root = Path(__file__).resolve().parents[1]
    month = ["--month", "2026-10", "--roster", str(root / "examples" / "roster.csv")]
    month += ["--events", str(root / "examples" / "events.csv"), "--ledger", str(ledger_target)]
    assert main(["--lang", "en", "run", *month]) == 0
    sealed = capsys.readouterr().out
    (record,) = re.findall(r"Record hash ([0-9a-f]{64})", sealed)
    replay = ["--lang", "en", "replay", "--month", "2026-10", "--ledger", str(ledger_target)]
    assert main(replay) == 0
    assert f"Record hash {record}; ledger chain intact." in capsys.readouterr().out
    assert main(["--lang", "en", "months", "--ledger", str(ledger_target)]) == 0
    assert "2026-10" in capsys.readouterr().out
    copy = tmp_path / "copy.db"
    assert main(["ledger", "copy", str(ledger_target), str(copy)]) == 0
    assert main(["--lang", "en", "replay", "--month", "2026-10", "--ledger", str(copy)]) == 0
    assert f"Record hash {record}; ledger chain intact." in capsys.readouterr().out


def test_the_draft_commands_take_a_postgresql_ledger(
    ledger_target: LedgerTarget, capsys: pytest.CaptureFixture[str]
) -> None:
    """`draft add`, `draft show` and `seal` on either backend: before, the draft commands
    asked for a ledger file and refused a connection string ("no ledger at …")."""
    from appraisal.cli import main

    root = Path(__file__).resolve().parents[1]
    ledger = ["--month", "2026-10", "--ledger", str(ledger_target)]
    add = ["--roster", str(root / "examples" / "roster.csv")]
    add += ["--events", str(root / "examples" / "events.csv"), "--by", "hr"]
    assert main(["--lang", "en", "draft", "add", *ledger, *add]) == 0
    assert main(["--lang", "en", "draft", "show", *ledger]) == 0
    shown_draft = capsys.readouterr().out
    assert "Draft of 2026-10" in shown_draft and ": 2 files" in shown_draft
    assert main(["--lang", "en", "seal", *ledger, "--by", "hr"]) == 0
    assert "The 2026-10 draft is cleared." in capsys.readouterr().out
    with Ledger(ledger_target) as opened:
        assert draft_months(opened) == []
        assert opened.current("2026-10") is not None
