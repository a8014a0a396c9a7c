"""The web tests' shared fixtures: the month's files, the users file, a ledger, and the
app running under uvicorn on a free port (`live.py`).

The month is issue 10's, verified in docs/verification/issue-10-walkthrough.md: the
DingTalk daily export of October 2026 (tests/fixtures/attendance), its roster with a
department column added (all six in 客服一组), and the input workbook `appraisal template`
writes for it, filled as managers fill it (every criterion met, an exam of 90). With
KF005's 缺卡 day on 16 October resolved as 事假, its seal is 6 people and a gross total
of 11,901.72.

The ledger is an SQLite file in the test's folder; ``postgres_ledger`` (tests/conftest.py)
is one on the PostgreSQL server that APPRAISAL_TEST_POSTGRES names (skipped without it,
failed under CI=true).

``browser`` is Debian's Chromium (/usr/bin/chromium, which .ci/run installs) driven by
Playwright, headless, with nothing that would reach the network; never a browser
Playwright downloads. Without it the tests that take it are skipped, and fail under CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest

from appraisal.ledger import LedgerTarget

from .live import LiveServer, live_server, write_users

ROOT = Path(__file__).resolve().parents[2]
ATTENDANCE = ROOT / "tests" / "fixtures" / "attendance"
DINGTALK_DAILY = ATTENDANCE / "dingtalk_daily_2026-10.xlsx"
DEPARTMENT = "客服一组"
POSTGRES = "APPRAISAL_TEST_POSTGRES"

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if TYPE_CHECKING:  # imported by the fixtures that use them, so others load without them
    from playwright.sync_api import Browser

    from appraisal.web.app import Settings


def appraisal_cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`appraisal …` in a subprocess, as a user runs it; fails the test on a non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-m", "appraisal", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "APPRAISAL_LANG": "en"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def fill(template: Path, exam: int = 90) -> None:
    """Every criterion met (1) and the exam score, on every employee's rows, as
    /work/why/walk10.py's ``fill`` and tests/test_cli_drafts.py's ``fill_template`` do."""
    book = openpyxl.load_workbook(template)
    sheet = book["考评"]
    for row in range(2, sheet.max_row + 1):
        kind = sheet.cell(row, 4).value
        if kind == "考核标准 criterion":
            sheet[f"G{row}"] = 1
        elif kind == "考试 exam":
            sheet[f"G{row}"] = exam
    book.save(template)


@pytest.fixture(scope="session")
def month_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """October 2026's files, each under the name it is uploaded with: ``roster``
    (roster.csv, with departments), ``dingtalk`` (dingtalk_daily_2026-10.xlsx) and
    ``workbook`` (input_2026-10.xlsx, filled)."""
    folder = tmp_path_factory.mktemp("month")
    lines = (ATTENDANCE / "roster_2026-10.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",department"] + [f"{line},{DEPARTMENT}" for line in lines[1:] if line]
    roster = folder / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dingtalk = folder / DINGTALK_DAILY.name
    dingtalk.write_bytes(DINGTALK_DAILY.read_bytes())
    workbook = folder / "input_2026-10.xlsx"
    appraisal_cli(
        "template",
        "--month",
        "2026-10",
        "--roster",
        str(roster),
        "--out",
        str(workbook),
        cwd=folder,
    )
    fill(workbook)
    return {"roster": roster, "dingtalk": dingtalk, "workbook": workbook}


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The users of `live.USERS` (managers of 客服一组 and 客服二组, hr, auditor, admin)."""
    return write_users(tmp_path_factory.mktemp("users") / "users.yaml")


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A ledger file not yet made, in the test's folder."""
    return tmp_path / "ledger.db"


def settings_for(ledger: LedgerTarget, users_file: Path) -> Settings:
    from appraisal.web.app import Settings

    return Settings(ledger=ledger, users_file=users_file, secret=b"web-tests-" + b"0" * 22)


@pytest.fixture
def live(ledger: Path, users_file: Path) -> Iterator[LiveServer]:
    """The app running on 127.0.0.1 over the test's SQLite ledger."""
    with live_server(settings_for(ledger, users_file)) as server:
        yield server


@pytest.fixture
def live_postgres(postgres_ledger: str, users_file: Path) -> Iterator[LiveServer]:
    """The app running on 127.0.0.1 over a ledger on PostgreSQL."""
    with live_server(settings_for(postgres_ledger, users_file)) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, headless, for the module's tests (each opens its own contexts)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is not installed; CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()
