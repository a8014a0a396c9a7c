"""The ledger is trusted only once its chain holds, stale months stop the line, and a file
that cannot be written after a seal is written again from the ledger (issue 9, items 1,
2 and 4).

Each refusal is checked end to end: the message names the record (seq, month, version)
or the months to re-seal in order, the exit status is 1, and nothing is sealed or
written. Scores are worked by hand from scheme.md: every criterion met (+40) and exam 95
(band A, +10) add 50; the deduct pool starts at 100, and a first clause-6 complaint is
a warning of −10 points (§5 penalty 6).
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from appraisal import pipeline
from appraisal.audit import reissue
from appraisal.cli import main
from appraisal.domain.errors import WriteFailed
from appraisal.domain.model import Month
from appraisal.export import written as written_module
from appraisal.ledger import ChainBroken, Ledger, NotSealed, read_sealed
from appraisal.ledger.errors import LedgerError
from appraisal.pipeline import RunRequest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
EXAMPLE_EVENTS = ROOT / "examples" / "events.csv"
EVENT_HEADER = "employee_id,date,kind,value,clause,amount,points,flags,note"
ROSTER = "employee_id,name,level,hire_date\nE001,张三,specialist,2020-01-01\n"
GOOD = (
    *(f"E001,{{month}}-30,criterion,1,{c},,,,达标" for c in range(1, 6)),
    "E001,{month}-30,exam,95,,,,,月度考试",
)
COMPLAINT = "E001,{month}-12,penalty,,6,,,,首次投诉"


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def month_files(folder: Path, month: str, *extra: str) -> tuple[Path, Path]:
    """The one-employee roster and a month of events: everything met, plus ``extra`` rows."""
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    rows = [row.format(month=month) for row in (*GOOD, *extra)]
    events = folder / f"events_{month}{'_x' if extra else ''}.csv"
    events.write_text("\n".join([EVENT_HEADER, *rows]) + "\n", encoding="utf-8")
    return roster, events


def run(
    capsys: pytest.CaptureFixture[str], folder: Path, ledger: Path, month: str, *extra: object
) -> tuple[int, str, str]:
    """`appraisal run` of ``month`` on the good month's events (with a complaint if
    ``extra`` starts with "complaint")."""
    rows = [COMPLAINT] if extra[:1] == ("complaint",) else []
    options = extra[1:] if rows else extra
    roster, events = month_files(folder, month, *rows)
    return cli(
        capsys, "run", "--month", month, "--roster", roster, "--events", events,
        "--ledger", ledger, *options,
    )  # fmt: skip


def example_run(
    capsys: pytest.CaptureFixture[str], ledger: Path, *extra: object
) -> tuple[int, str, str]:
    return cli(
        capsys, "run", "--month", "2026-10", "--roster", EXAMPLE_ROSTER,
        "--events", EXAMPLE_EVENTS, "--ledger", ledger, *extra,
    )  # fmt: skip


def edit_column(ledger: Path, column: str, month: str, edit: Any) -> None:
    """Change one JSON column of a month behind the ledger's back, keeping it canonical."""
    with sqlite3.connect(ledger) as db:
        (text,) = db.execute(
            f"SELECT {column} FROM sealed_month WHERE month = ?", (month,)
        ).fetchone()
        data = json.loads(text)
        edit(data)
        changed = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        db.execute(f"UPDATE sealed_month SET {column} = ? WHERE month = ?", (changed, month))


def set_gross(document: dict[str, Any], employee_id: str, gross: str) -> None:
    person = next(e for e in document["employees"] if e["employee_id"] == employee_id)
    person["pay"]["gross"] = gross


def scores(ledger: Path, month: str, state: str) -> list[Any]:
    with Ledger(ledger) as book:
        record = book.current(month)
    assert record is not None
    return list(getattr(record, state)["scores"]["E001"])


# --- the chain is checked before it is trusted (item 2) -------------------------------


def test_a_re_run_on_a_tampered_gross_is_refused_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger, first, second = tmp_path / "l.db", tmp_path / "first.json", tmp_path / "second.json"
    assert example_run(capsys, ledger, "--json", first)[0] == 0
    edit_column(ledger, "results", "2026-10", lambda r: set_gross(r, "KF002", "99999.99"))
    tampered = ledger.read_bytes()

    code, out, err = example_run(capsys, ledger, "--json", second, "--out", tmp_path / "w.xlsx")
    assert code == 1
    assert "seq 1 (2026-10 v1): record_hash does not match the record's content" in err
    assert "账本校验失败" in err
    assert "Already sealed" not in out and "99999.99" not in out
    assert not second.exists() and not (tmp_path / "w.xlsx").exists()
    assert ledger.read_bytes() == tampered
    assert "99999.99" not in first.read_text(encoding="utf-8")


def test_explain_reads_a_month_only_through_a_chain_that_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    assert example_run(capsys, ledger)[0] == 0
    assert read_sealed(ledger, Month.parse("2026-10")).version == 1
    edit_column(ledger, "results", "2026-10", lambda r: set_gross(r, "KF002", "99999.99"))
    with pytest.raises(ChainBroken, match=r"seq 1 \(2026-10 v1\): record_hash does not match"):
        read_sealed(ledger, "2026-10")
    with pytest.raises(NotSealed, match=r"2026-11 is not sealed \(sealed months: 2026-10\)"):
        read_sealed(ledger, "2026-11")
    with pytest.raises(LedgerError, match="no ledger file"):
        read_sealed(tmp_path / "missing.db", "2026-10")
    assert not (tmp_path / "missing.db").exists()


def test_a_month_is_not_sealed_on_a_tampered_carried_state(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    assert run(capsys, tmp_path, ledger, "2026-10")[0] == 0
    assert run(capsys, tmp_path, ledger, "2026-11")[0] == 0
    # E001 stays specialist with 150 each month (50 + 100); promote him behind the ledger's back.
    assert scores(ledger, "2026-11", "state_after") == [["2026-10", "150"], ["2026-11", "150"]]
    edit_column(ledger, "state_after", "2026-11", lambda s: s["levels"].update(E001="manager"))
    tampered = ledger.read_bytes()

    code, out, err = run(capsys, tmp_path, ledger, "2026-12", "--json", tmp_path / "dec.json")
    assert code == 1
    assert "seq 2 (2026-11 v1): record_hash does not match the record's content" in err
    assert "seq 1" not in err  # October is intact and is not blamed
    assert "Sealed" not in out
    assert ledger.read_bytes() == tampered
    assert not (tmp_path / "dec.json").exists()

    code, _, err = cli(capsys, "replay", "--month", "2026-11", "--ledger", ledger)
    assert code == 1
    assert "ledger chain: seq 2 (2026-11 v1): record_hash does not match" in err
    assert "state after.levels.E001: sealed 'manager', recomputed 'specialist'" in err


def test_a_deleted_record_stops_a_run_and_the_message_names_where(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    for month in ("2026-10", "2026-11", "2026-12"):
        assert run(capsys, tmp_path, ledger, month)[0] == 0
    with sqlite3.connect(ledger) as db:
        db.execute("DELETE FROM sealed_month WHERE seq = 2")
    code, _, err = run(capsys, tmp_path, ledger, "2027-01")
    assert code == 1
    assert "seq 3 (2026-12 v1): record seq 2 is missing before it" in err
    assert "seq 3 (2026-12 v1): prev_hash does not match the record before it" in err
    with Ledger(ledger) as book:
        assert book.sealed_months() == ["2026-10", "2026-12"]


def test_a_reader_trusts_the_chain_up_to_the_record_it_reads(tmp_path: Path) -> None:
    ledger = tmp_path / "l.db"
    roster, october = month_files(tmp_path, "2026-10")
    _, november = month_files(tmp_path, "2026-11")
    for month, events in (("2026-10", october), ("2026-11", november)):
        pipeline.run(RunRequest(Month.parse(month), roster, (events,), ledger))
    edit_column(ledger, "results", "2026-11", lambda r: set_gross(r, "E001", "1.00"))
    assert read_sealed(ledger, "2026-10").seq == 1  # what October carries is intact
    with pytest.raises(ChainBroken, match=r"seq 2 \(2026-11 v1\)"):
        read_sealed(ledger, "2026-11")
    with pytest.raises(ChainBroken, match=r"seq 2 \(2026-11 v1\)"):  # a run appends to it all
        pipeline.run(RunRequest(Month.parse("2026-12"), roster, (november,), ledger))


# --- stale months stop the line (item 4) ------------------------------------------------


def test_after_an_amendment_the_stale_months_are_re_sealed_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    # October: a first complaint, 50 + (100 − 10) = 140; November and December: 150.
    assert run(capsys, tmp_path, ledger, "2026-10", "complaint")[0] == 0
    assert run(capsys, tmp_path, ledger, "2026-11")[0] == 0
    assert run(capsys, tmp_path, ledger, "2026-12")[0] == 0
    assert scores(ledger, "2026-11", "state_before") == [["2026-10", "140"]]

    # The complaint was someone else's: October is amended to 150, November and December
    # now stand on a state October no longer hands on.
    code, out, err = run(capsys, tmp_path, ledger, "2026-10", "--amend", "投诉记错人")
    assert code == 0, err
    assert "must be re-sealed with --amend: 2026-11, 2026-12" in out
    stale_ledger = ledger.read_bytes()

    refusals = [
        ("2027-01", (), "l.db: cannot seal 2027-01 after a stale month: 2026-11 is stale"),
        ("2026-12", ("--amend", "更正"), "l.db: cannot seal 2026-12 after a stale month: 2026-11"),
        ("2026-11", (), "l.db: 2026-11 is stale (过期)"),
    ]
    for month, options, refusal in refusals:
        json_path = tmp_path / f"{month}.json"
        code, out, err = run(capsys, tmp_path, ledger, month, *options, "--json", json_path)
        assert code == 1, out
        assert refusal in err
        assert "2026-11 is stale (过期): it was sealed on the state 2026-10 handed on" in err
        assert err.rstrip().endswith("re-seal with --amend: 2026-11, 2026-12")
        assert ledger.read_bytes() == stale_ledger
        assert not json_path.exists()

    code, out, err = cli(capsys, "replay", "--month", "2026-11", "--ledger", ledger)
    assert code == 1 and "identical" not in out
    assert (
        "2026-11 is stale (过期): its state before differs from the state 2026-10 hands on" in err
    )
    assert "2026-10 was amended after 2026-11 was sealed" in err
    code, _, err = cli(capsys, "replay", "--month", "2026-12", "--ledger", ledger)
    assert code == 1
    assert "2026-12 is stale (过期): it was sealed on 2026-11, which is stale" in err

    # Re-sealing the first stale month is allowed, then the next, then the line moves on.
    code, out, err = run(capsys, tmp_path, ledger, "2026-11", "--amend", "十月已更正")
    assert code == 0, err
    assert "must be re-sealed with --amend: 2026-12" in out
    assert scores(ledger, "2026-11", "state_before") == [["2026-10", "150"]]
    code, _, err = run(capsys, tmp_path, ledger, "2027-01")
    assert code == 1 and "re-seal with --amend: 2026-12" in err
    code, out, err = run(capsys, tmp_path, ledger, "2026-12", "--amend", "十月已更正")
    assert code == 0, err
    assert "re-sealed" not in out
    assert run(capsys, tmp_path, ledger, "2027-01")[0] == 0
    for month in ("2026-10", "2026-11", "2026-12", "2027-01"):
        assert cli(capsys, "replay", "--month", month, "--ledger", ledger)[0] == 0
    with Ledger(ledger) as book:
        assert book.stale_months() == []
        assert [len(book.versions(m)) for m in book.sealed_months()] == [2, 2, 2, 1]


def test_an_amendment_that_hands_on_the_same_state_leaves_nothing_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    assert run(capsys, tmp_path, ledger, "2026-10")[0] == 0
    assert run(capsys, tmp_path, ledger, "2026-11")[0] == 0
    roster, events = month_files(tmp_path, "2026-10")
    events.write_text(events.read_text(encoding="utf-8").replace("月度考试", "月度考试(补)"))
    code, out, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", roster, "--events", events,
        "--ledger", ledger, "--amend", "备注更正",
    )  # fmt: skip
    assert code == 0, err
    assert "re-sealed" not in out
    assert run(capsys, tmp_path, ledger, "2026-12")[0] == 0


# --- a write that fails after the seal (item 1) and reissue -----------------------------


def failing_writes(monkeypatch: pytest.MonkeyPatch, failing: Sequence[str]) -> list[Path]:
    """write_atomic, except that a path ending in one of ``failing`` finds the disk full."""
    written: list[Path] = []
    real = written_module.write_atomic

    def write(path: str | Path, data: bytes) -> None:
        if str(path).endswith(tuple(failing)):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)
        written.append(Path(path))

    monkeypatch.setattr(written_module, "write_atomic", write)
    return written


def example_request(folder: Path, ledger: Path) -> RunRequest:
    return RunRequest(
        month=Month.parse("2026-10"),
        roster=EXAMPLE_ROSTER,
        events=(EXAMPLE_EVENTS,),
        ledger=ledger,
        json_path=folder / "results.json",
        workbook_path=folder / "salary.xlsx",
    )


def test_a_workbook_that_cannot_be_written_after_the_seal_says_how_to_reissue_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    pipeline.run(example_request(clean, clean / "l.db"))  # the files an undisturbed run writes

    ledger = tmp_path / "my ledger.db"
    written = failing_writes(monkeypatch, ["salary.xlsx"])
    with pytest.raises(WriteFailed) as failed:
        pipeline.run(example_request(tmp_path, ledger))
    error = failed.value
    assert (error.path, error.reason, error.sealed) == (
        str(tmp_path / "salary.xlsx"),
        "No space left on device",
        "2026-10",
    )
    assert error.rebuild == (
        f"appraisal export --month 2026-10 --version 1 --ledger '{ledger}'"
        f" --out {tmp_path / 'salary.xlsx'}"
    )
    assert "2026-10 is sealed in the ledger all the same" in str(error)
    assert written == [tmp_path / "results.json"]
    assert not (tmp_path / "salary.xlsx").exists()
    with Ledger(ledger) as book:
        assert [v.version for v in book.versions("2026-10")] == [1]

    monkeypatch.undo()
    record = reissue("2026-10", ledger, workbook_path=tmp_path / "salary.xlsx")
    assert record.seq == 1
    assert (tmp_path / "salary.xlsx").read_bytes() == (clean / "salary.xlsx").read_bytes()
    assert (tmp_path / "results.json").read_bytes() == (clean / "results.json").read_bytes()


def test_a_json_that_cannot_be_written_names_both_files_to_reissue(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    failing_writes(monkeypatch, ["results.json"])
    with pytest.raises(WriteFailed) as failed:
        pipeline.run(example_request(tmp_path, tmp_path / "l.db"))
    assert failed.value.rebuild == (
        f"appraisal export --month 2026-10 --version 1 --ledger {tmp_path / 'l.db'}"
        f" --json {tmp_path / 'results.json'} --out {tmp_path / 'salary.xlsx'}"
    )
    assert not (tmp_path / "results.json").exists() and not (tmp_path / "salary.xlsx").exists()
    # A re-run of the sealed month is the no-op, and writes both.
    monkeypatch.undo()
    assert pipeline.run(example_request(tmp_path, tmp_path / "l.db")).outcome.status == "unchanged"
    assert (tmp_path / "salary.xlsx").exists()


def test_reissue_writes_the_bytes_run_wrote_for_every_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "l.db"
    first_json, first_book = tmp_path / "v1.json", tmp_path / "v1.xlsx"
    assert example_run(capsys, ledger, "--json", first_json, "--out", first_book)[0] == 0
    again_json, again_book = tmp_path / "again.json", tmp_path / "again.xlsx"
    reissue(Month.parse("2026-10"), ledger, json_path=again_json, workbook_path=again_book)
    assert again_json.read_bytes() == first_json.read_bytes()
    assert again_book.read_bytes() == first_book.read_bytes()

    # An amendment: KF002's lateness 12 → 45 minutes (30 yuan instead of 10).
    events = tmp_path / "events.csv"
    text = EXAMPLE_EVENTS.read_text(encoding="utf-8")
    events.write_text(text.replace("KF002,2026-10-09,late,12,", "KF002,2026-10-09,late,45,"))
    amended_json, amended_book = tmp_path / "v2.json", tmp_path / "v2.xlsx"
    code, _, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", EXAMPLE_ROSTER, "--events", events,
        "--ledger", ledger, "--amend", "迟到分钟数更正", "--json", amended_json,
        "--out", amended_book,
    )  # fmt: skip
    assert code == 0, err
    record = reissue("2026-10", ledger, json_path=again_json, workbook_path=again_book)
    assert record.version == 2
    assert again_json.read_bytes() == amended_json.read_bytes()
    assert again_book.read_bytes() == amended_book.read_bytes()
    assert again_json.read_bytes() != first_json.read_bytes()


def test_reissue_of_a_tampered_or_missing_month_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger, json_path = tmp_path / "l.db", tmp_path / "r.json"
    assert example_run(capsys, ledger)[0] == 0
    with pytest.raises(NotSealed, match="2026-11 is not sealed"):
        reissue("2026-11", ledger, json_path=json_path)
    edit_column(ledger, "results", "2026-10", lambda r: set_gross(r, "KF002", "99999.99"))
    with pytest.raises(ChainBroken, match=r"seq 1 \(2026-10 v1\)"):
        reissue("2026-10", ledger, json_path=json_path, workbook_path=tmp_path / "w.xlsx")
    assert not json_path.exists() and not (tmp_path / "w.xlsx").exists()
