"""The workbook as a spreadsheet program sees it: LibreOffice opens, recalculates, saves.

The totals and the summary are formulas with no stored result; LibreOffice computes
them on loading, and after its round trip they must equal the engine's figures (the sum
of the employees' rounded fields) to the cent. Hostile text must still be text after
LibreOffice has loaded and saved it. Skipped where `soffice` is not installed, except
under CI (the environment variable CI set), which installs it: there it fails.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_workbook import (
    EXAMPLE_EVENTS,
    EXAMPLE_ROSTER,
    PAY_FIELDS,
    Month_,
    cents,
    level_text,
    seal,
    table,
)
from test_workbook_text import HOSTILE, hostile_month

SOFFICE = shutil.which("soffice")


def require_soffice() -> str:
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is not installed; CI must install it")
        pytest.skip("soffice (LibreOffice) is not installed")
    return SOFFICE


def through_libreoffice(files: dict[str, bytes], folder: Path) -> dict[str, openpyxl.Workbook]:
    """Each workbook opened, recalculated and saved again by LibreOffice, read back with
    the values it computed (``data_only``)."""
    soffice = require_soffice()
    sources = []
    for name, data in files.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(data)
        sources.append(str(path))
    out = folder / "converted"
    # A profile of its own: two runs at once must not share LibreOffice's user profile.
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = [soffice, profile, "--headless", "--convert-to", "xlsx", "--outdir", str(out)]
    subprocess.run([*command, *sources], check=True, capture_output=True, timeout=300)
    return {
        name: openpyxl.load_workbook(
            io.BytesIO((out / f"{name}.xlsx").read_bytes()), data_only=True
        )
        for name in files
    }


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Month_:
    ledger = tmp_path_factory.mktemp("ledger") / "ledger.db"
    return seal(EXAMPLE_ROSTER, [EXAMPLE_EVENTS], ledger)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Month_:
    return hostile_month(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def converted(
    tmp_path_factory: pytest.TempPathFactory, example: Month_, hostile: Month_
) -> dict[str, openpyxl.Workbook]:
    folder = tmp_path_factory.mktemp("libreoffice")
    files = {"example": example.workbook(), "hostile": hostile.workbook()}
    return through_libreoffice(files, folder)


def engine_sum(employees: list[dict[str, object]], field: str) -> Decimal:
    return sum((Decimal(e["pay"][field]) for e in employees), Decimal(0))  # type: ignore[index]


def test_recalculated_totals_equal_the_engines_to_the_cent(
    example: Month_, converted: dict[str, openpyxl.Workbook]
) -> None:
    ws = converted["example"]["工资调整"]
    employees = example.results["employees"]
    (totals,) = table(ws, first=3 + len(employees), last=3 + len(employees))
    assert totals["employee_id"] == "合计 total"
    for field in PAY_FIELDS:
        assert totals[field] is not None, f"{field}: LibreOffice computed no total"
        assert cents(totals[field]) == engine_sum(employees, field), field
    # The example's payroll, as `appraisal run` prints it: gross 37,439.07.
    assert cents(totals["gross"]) == Decimal("37439.07")


def test_recalculated_summary_equals_the_engines_sums_by_level_and_department(
    example: Month_, converted: dict[str, openpyxl.Workbook]
) -> None:
    ws = converted["example"]["汇总"]
    rows = table(ws, last=ws.max_row)
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for person in example.results["employees"]:
        groups["按职级 by level", str(level_text(person["level"], example.ladder))].append(person)
        groups["按部门 by department", person["department"]].append(person)
    checked = 0
    for row in rows:
        key = (row["grouping"], row["group"])
        if row["grouping"] not in ("按职级 by level", "按部门 by department"):
            continue
        members = groups.get(key, [])
        assert row["head_count"] == len(members), key
        for field in PAY_FIELDS:
            assert cents(row[field]) == engine_sum(members, field), (key, field)
        checked += 1
    assert checked == len(example.ladder) + 3  # nine levels, three departments
    everyone = example.results["employees"]
    for label in ("按职级 by level 合计 total", "按部门 by department 合计 total"):
        (total,) = (r for r in rows if r["grouping"] == label)
        assert total["head_count"] == len(everyone)
        for field in PAY_FIELDS:
            assert cents(total[field]) == engine_sum(everyone, field), (label, field)


def test_hostile_text_is_still_text_after_libreoffice(
    hostile: Month_, converted: dict[str, openpyxl.Workbook]
) -> None:
    book = converted["hostile"]
    people = sorted(hostile.results["employees"], key=lambda e: e["employee_id"])
    ws = book["工资调整"]
    for number, person in enumerate(people, start=3):
        for column, field in (("B", "name"), ("C", "department"), ("D", "level")):
            cell = ws[f"{column}{number}"]
            assert cell.value == person[field], (cell.coordinate, cell.value)
            assert cell.data_type == "s", (cell.coordinate, cell.data_type)
    trail = table(book["审计轨迹"])
    assert {r["effect"] for r in trail} == set(HOSTILE)
    # LibreOffice computed the totals of this month too: text did not become numbers.
    (totals,) = table(ws, first=3 + len(people), last=3 + len(people))
    assert cents(totals["gross"]) == engine_sum(people, "gross")
