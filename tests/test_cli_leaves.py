"""`appraisal run` as a command leaves as soon as everything is written and said: its
output is whole (flushed, even into a pipe), its files written, and the month's records
are not freed one by one on the way out (100,000 employees: half a second). Called from
Python (`main([...])`), it returns, and frees nothing it should not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from appraisal.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# The command as the console script runs it, with an exit hook that says if it ran.
COMMAND = (
    "import atexit, sys; atexit.register(print, 'AT-EXIT');"
    "from appraisal.cli import main; raise SystemExit(main())"
)


def _arguments(folder: Path) -> list[str]:
    return [
        "run",
        "--month",
        "2026-10",
        "--roster",
        str(EXAMPLES / "roster.csv"),
        "--events",
        str(EXAMPLES / "events.csv"),
        "--ledger",
        str(folder / "ledger.db"),
        "--json",
        str(folder / "results.json"),
        "--out",
        str(folder / "salary.xlsx"),
        "--lang",
        "en",
    ]


def test_the_command_says_everything_then_leaves_at_once(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, *_arguments(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Appraisal 2026-10")
    assert (
        lines[-1]
        == f"Salary-adjustment workbook (工资调整表) written to {tmp_path / 'salary.xlsx'}"
    )
    assert "AT-EXIT" not in done.stdout  # left without the interpreter's way out
    assert (tmp_path / "results.json").stat().st_size > 0
    assert (tmp_path / "salary.xlsx").stat().st_size > 0


def test_called_from_python_it_returns(tmp_path: Path) -> None:
    assert main([*_arguments(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "salary.xlsx").exists()
