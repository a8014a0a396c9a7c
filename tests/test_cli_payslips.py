"""`appraisal payslips` and `replay --payslip` at the command line (issue 12, items 4, 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from appraisal.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("roster.csv", "events.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    argv = ["run", "--month", "2026-10", "--roster", "roster.csv", "--events", "events.csv"]
    assert main([*argv, "--ledger", "l.db"]) == 0
    return tmp_path


def test_payslips_a_file_each_and_replay_checks_one(
    sealed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["payslips", "--month", "2026-10", "--ledger", "l.db", "--format", "xlsx"]
    assert main([*argv, "--out", "slips"]) == 0
    assert capsys.readouterr().out == "20 工资条 (payslips) of 2026-10 written to slips\n"
    files = sorted(p.name for p in (sealed / "slips").iterdir())
    assert len(files) == 20 and files[0] == "KF001_王建国_2026-10.xlsx"
    replay = ["replay", "--month", "2026-10", "--ledger", "l.db", "--payslip"]
    assert main([*replay, "slips/KF001_王建国_2026-10.xlsx", "--employee", "KF001"]) == 0
    assert "slips/KF001_王建国_2026-10.xlsx: byte-identical to the payslip of KF001" in (
        capsys.readouterr().out
    )
    assert main([*replay, "slips/KF002_李秀英_2026-10.xlsx", "--employee", "KF001"]) == 1
    err = capsys.readouterr().err
    assert err.endswith(
        "slips/KF002_李秀英_2026-10.xlsx is not the payslip of KF001 for 2026-10.\n"
    )


def test_payslips_refuse_a_file_as_the_folder(
    sealed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sealed / "taken").write_text("x", encoding="utf-8")
    assert main(["payslips", "--month", "2026-10", "--ledger", "l.db", "--out", "taken"]) == 2
    assert "taken: --out names a file; give a folder for the payslips" in capsys.readouterr().err
    replay = ["replay", "--month", "2026-10", "--ledger", "l.db", "--payslip", "taken"]
    assert main(replay) == 2
    assert "replay --payslip: give --employee ID" in capsys.readouterr().err
