"""Issue 14, item 7: rosters and the ledger agree.

October (the example) dismisses KF013 (late five times) and KF015 (clause 2). November's
roster is October's, less or plus some rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from appraisal.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOVEMBER = "employee_id,date,kind,value,clause\nKF001,2026-11-03,late,12,\n"


@pytest.fixture
def october(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shutil.copy(EXAMPLES / "roster.csv", tmp_path / "roster.csv")
    shutil.copy(EXAMPLES / "events.csv", tmp_path / "events.csv")
    (tmp_path / "november.csv").write_text(NOVEMBER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    argv = ["run", "--month", "2026-10", "--roster", "roster.csv", "--events", "events.csv"]
    assert main([*argv, "--ledger", "l.db"]) == 0
    return (EXAMPLES / "roster.csv").read_text(encoding="utf-8").splitlines()


def _november(lines: list[str]) -> int:
    """Seal November; its one row appraises nobody, and these tests are about the roster,
    so the missing criteria count as not met (--allow-unappraised)."""
    Path("roster_nov.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["run", "--month", "2026-11", "--roster", "roster_nov.csv", "--events", "november.csv"]
    return main([*argv, "--ledger", "l.db", "--allow-unappraised"])


def test_the_dismissed_without_a_hire_date_are_named_by_id(
    october: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    no_dates = [",".join([*line.split(",")[:3], "", line.split(",")[4]]) for line in october]
    capsys.readouterr()
    assert _november(no_dates) == 1
    assert (
        ":employee_id: KF013 was dismissed in 2026-10 (sealed in the ledger) and is on the "
        "roster again: remove the row, or, for a re-hire, give a hire_date from 2026-11-01 on"
    ) in capsys.readouterr().err


def test_the_dismissed_on_a_later_roster_are_an_input_error(
    october: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert _november(october) == 1
    err = capsys.readouterr().err.splitlines()
    rows = {line.split(",")[0]: number for number, line in enumerate(october, start=1)}
    assert err == [
        f"roster_nov.csv:{rows['KF013']}:hire_date: KF013 was dismissed in 2026-10 (sealed "
        "in the ledger) and is on the roster again with hire_date 2024-04-01: remove the "
        "row, or, for a re-hire, give a hire_date from 2026-11-01 on",
        f"roster_nov.csv:{rows['KF015']}:hire_date: KF015 was dismissed in 2026-10 (sealed "
        "in the ledger) and is on the roster again with hire_date 2025-03-03: remove the "
        "row, or, for a re-hire, give a hire_date from 2026-11-01 on",
        "2 problems in the input; nothing was written or sealed.",
    ]


def test_a_re_hire_is_hired_after_the_dismissal_month(
    october: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    def hired(line: str, day: str) -> str:
        cells = line.split(",")
        cells[3] = day  # hire_date
        return ",".join(cells)

    kept = [line for line in october if not line.startswith("KF015,")]
    too_early = [hired(line, "2026-10-20") if line.startswith("KF013,") else line for line in kept]
    capsys.readouterr()
    assert _november(too_early) == 1
    assert (
        "KF013 was dismissed in 2026-10 (sealed in the ledger) and is on the roster again "
        "with hire_date 2026-10-20"
    ) in capsys.readouterr().err
    rehired = [hired(line, "2026-11-02") if line.startswith("KF013,") else line for line in kept]
    assert _november(rehired) == 0


def test_who_left_is_listed_in_the_summary(
    october: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # KF013 and KF015 were dismissed (not "left"); KF020 and KF019 are simply not on it.
    gone = ("KF013,", "KF015,", "KF019,", "KF020,")
    capsys.readouterr()
    assert _november([line for line in october if not line.startswith(gone)]) == 0
    out = capsys.readouterr().out
    assert "Left (离职, on last month's payroll, not on this roster): 2 — KF019, KF020\n" in out
