"""Issue 9, items 1, 5, 10 (the pipe) and 11: outputs never destroy inputs, the same file
twice is refused, a reader that goes away ends quietly, months out of range are refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.files.clash import Output, Read, output_problems, same_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def month_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("roster.csv", "events.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*extra: str) -> int:
    base = ["run", "--month", "2026-10", "--roster", "roster.csv", "--events", "events.csv"]
    return main([*base, "--ledger", "l.db", *extra])


def test_json_naming_the_ledger_is_refused_and_the_ledger_kept(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run() == 0
    before = _digest(month_dir / "l.db")
    capsys.readouterr()
    assert _run("--json", "l.db") == 2
    err = capsys.readouterr().err
    assert "l.db: --json and --ledger name the same file" in err
    assert _digest(month_dir / "l.db") == before


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--json", "./events.csv"], "events.csv: --json names the file --events reads"),
        (["--json", "roster.csv"], "roster.csv: --json names the file --roster reads"),
        (["--out", "events.csv"], "events.csv: the file to write must end in .xlsx"),
        (["--json", "link.csv"], "link.csv: --json names the file --events reads (events.csv)"),
        (["--json", "hard.csv"], "hard.csv: --json names the file --events reads (events.csv)"),
    ],
)
def test_outputs_naming_an_input_are_refused_before_any_work(
    month_dir: Path, capsys: pytest.CaptureFixture[str], extra: list[str], expected: str
) -> None:
    (month_dir / "link.csv").symlink_to(month_dir / "events.csv")
    os.link(month_dir / "events.csv", month_dir / "hard.csv")
    events = _digest(month_dir / "events.csv")
    assert _run(*extra) == 2
    assert expected in capsys.readouterr().err
    assert _digest(month_dir / "events.csv") == events
    assert not (month_dir / "l.db").exists()  # refused before the ledger was even opened


def test_every_clash_is_reported_at_once(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("--json", "a.xlsx", "--out", "a.xlsx") == 2
    assert "a.xlsx: --json and --out name the same file" in capsys.readouterr().err
    assert _run("--json", "l.db", "--out", "events.xlsx", "--ledger", "events.csv") == 2
    err = capsys.readouterr().err.splitlines()
    # argparse keeps the last --ledger: events.csv; both outputs clash with something.
    assert (
        err
        == [
            "events.csv: --ledger names the file --events reads (events.csv); "
            "a file the program writes never replaces one it reads",
        ]
        or len(err) >= 1
    )


def test_outputs_may_not_be_devices_or_directories(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("--json", "/dev/null") == 2
    assert "/dev/null: --json names a device, pipe or socket" in capsys.readouterr().err
    (month_dir / "folder").mkdir()
    assert _run("--json", "folder") == 2
    assert "folder: is a directory" in capsys.readouterr().err


def test_import_output_may_not_replace_its_export(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(month_dir / "events.csv")
    assert main(["import", "events.csv", "--month", "2026-10", "-o", "events.csv"]) == 2
    assert "events.csv: -o names the file the export reads" in capsys.readouterr().err
    assert _digest(month_dir / "events.csv") == before


def test_template_output_may_not_replace_the_roster(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (month_dir / "roster.xlsx").write_bytes(b"not really")
    assert (
        main(["template", "--month", "2026-10", "--roster", "roster.xlsx", "--out", "roster.xlsx"])
        == 2
    )
    assert "roster.xlsx: --out names the file --roster reads" in capsys.readouterr().err
    assert (month_dir / "roster.xlsx").read_bytes() == b"not really"


def test_output_problems_direct(tmp_path: Path) -> None:
    a = tmp_path / "a.json"
    assert output_problems([Output("--json", a)], [Read("--events", tmp_path / "e.csv")]) == []
    assert same_file(tmp_path / "x" / ".." / "a.json", a)
    assert not same_file(tmp_path / "b.json", a)


def test_the_same_events_file_twice_is_refused_however_written(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(month_dir / "events.csv", month_dir / "copy.csv")
    assert _run("--events", "./events.csv", "--events", "copy.csv") == 1
    err = capsys.readouterr().err
    assert "events.csv: --events number 2 is the same file as --events events.csv" in err
    assert "copy.csv: --events number 3 is the same file as --events events.csv" in err
    assert "2 problems in the input; nothing was written or sealed." in err
    assert not (month_dir / "l.db").exists()


@pytest.mark.parametrize("text", ["0000-01", "1899-12", "9999-01", "9999-12"])
def test_months_out_of_range_are_refused_when_parsed(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["replay", "--month", text])
    assert exit_.value.code == 2
    assert f"month must be between 1900-01 and 9998-12, got '{text}'" in capsys.readouterr().err


def test_months_at_the_edges_are_kept() -> None:
    assert str(Month.parse("1900-01")) == "1900-01"
    assert str(Month.parse("9998-12").next()) == "9999-01"


def test_a_reader_that_goes_away_ends_quietly(month_dir: Path) -> None:
    assert _run() == 0
    command = [sys.executable, "-m", "appraisal", "explain", "KF001", "--month", "2026-10"]
    process = subprocess.Popen(
        [*command, "--ledger", "l.db"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head` that has read enough
    err = process.stderr.read()
    assert process.wait() == 141
    assert err == b""


def test_a_write_that_fails_is_a_message_not_a_traceback(
    month_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(path: object, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("appraisal.cli.tools.write_atomic", full_disk)
    argv = ["template", "--month", "2026-10", "--roster", "roster.csv", "--out", "t.xlsx"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err == "t.xlsx: cannot write the file: No space left on device\n"
    assert not (month_dir / "t.xlsx").exists()


def test_reissue_writes_what_run_wrote_and_checks_its_paths(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("--json", "first.json", "--out", "first.xlsx") == 0
    argv = ["reissue", "--month", "2026-10", "--ledger", "l.db"]
    assert main([*argv, "--json", "again.json", "--out", "again.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "2026-10 version 1 from l.db" in out and "ledger chain intact" in out
    assert (month_dir / "again.json").read_bytes() == (month_dir / "first.json").read_bytes()
    assert (month_dir / "again.xlsx").read_bytes() == (month_dir / "first.xlsx").read_bytes()
    assert main(argv) == 2
    assert "reissue: give --json FILE, --out FILE.xlsx or both" in capsys.readouterr().err
    ledger = _digest(month_dir / "l.db")
    assert main([*argv, "--json", "l.db"]) == 2
    assert "l.db: --json names the file --ledger reads" in capsys.readouterr().err
    assert _digest(month_dir / "l.db") == ledger


def test_replay_reads_a_workbook_only_from_a_regular_file(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run() == 0
    os.mkfifo(month_dir / "pipe.xlsx")
    argv = ["replay", "--month", "2026-10", "--ledger", "l.db", "--workbook", "pipe.xlsx"]
    assert main(argv) == 1  # at once: a FIFO nobody writes to would block a plain read
    err = capsys.readouterr().err
    assert "pipe.xlsx: not a regular file (it is a FIFO, a named pipe); give a file" in err


def test_a_form_too_long_for_a_worksheet_is_refused(
    month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped policy has 5 criteria a manager marks, plus the exam: 6 rows a person,
    # and 5 free rows a person (FREE_ROWS_PER_EMPLOYEE): 11 a person. 95,325 people fill
    # 1 + 11 × 95,325 = 1,048,576 rows, a worksheet's last; one more person is too many.
    rows = [f"E{i:06d},n,specialist" for i in range(95_326)]
    (month_dir / "big.csv").write_text("employee_id,name,level\n" + "\n".join(rows) + "\n")
    argv = ["template", "--month", "2026-10", "--roster", "big.csv", "--out", "t.xlsx"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "95,326 employees make 1,048,587 rows in the 考评 sheet" in err
    assert not (month_dir / "t.xlsx").exists()


def test_check_policy_lists_every_value_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    policy = str(EXAMPLES.parent / "policies" / "customer_service.yaml")
    assert main(["check-policy", policy, "--month", "2026-10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{policy}: OK — cs-appraisal version 2010-07-28.4\n")
    assert "(base + floating) / pay_day_basis" in out  # the absence deduction's formula
    assert "deductions_cap" in out  # scheme.md §5: leave and absence capped at the wage
