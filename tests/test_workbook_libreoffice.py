"""The workbook as a spreadsheet program sees it: LibreOffice opens, recalculates, saves.

The totals and the summary are formulas stored with their results. LibreOffice, left
to its defaults, shows the stored results of an .xlsx and computes nothing on loading
(it does not heed fullCalcOnLoad), so these tests run it with a profile set to
recalculate every file it loads, and check that it did: a copy whose stored results
are all wrong must come back right. After its round trip the totals must equal the
engine's figures (the sum of the employees' rounded fields) to the cent, and equal the
results the writer stored, cell by cell: formula and result agree. Hostile text must
still be text after LibreOffice has loaded and saved it. Skipped where `soffice` is not
installed, except under CI (the environment variable CI set), which installs it: there
it fails.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_workbook import (
    EXAMPLE_EVENTS,
    EXAMPLE_ROSTER,
    MAIN,
    PAY_FIELDS_ROW,
    Month_,
    cents,
    check_summary,
    check_totals,
    engine_sum,
    pay_table,
    seal,
    sheet_xml,
    table,
)
from test_workbook_text import HOSTILE, hostile_month

SOFFICE = shutil.which("soffice")
# LibreOffice's setting "Recalculation on File Load, Excel 2007 and newer": 0 = always
# (its default is never: an .xlsx shows the results stored in it).
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
WRONG = "7"  # the result stored in every formula cell of the control copy


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
    settings = folder / "profile" / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True)
    settings.write_text(ALWAYS_RECALCULATE, encoding="utf-8")
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


def with_wrong_results(data: bytes) -> bytes:
    """The workbook with every formula's stored result replaced by `WRONG`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                wrong = rb"\1<v>" + WRONG.encode() + rb"</v>"
                content, found = re.subn(rb"(</f>)<v>[^<]*</v>", wrong, content)
                assert found or b"<f>" not in content, info.filename
            target.writestr(info, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def written(example: Month_, hostile: Month_) -> dict[str, bytes]:
    return {"example": example.workbook(), "hostile": hostile.workbook()}


@pytest.fixture(scope="module")
def converted(
    tmp_path_factory: pytest.TempPathFactory, written: dict[str, bytes]
) -> dict[str, openpyxl.Workbook]:
    folder = tmp_path_factory.mktemp("libreoffice")
    files = {**written, "wrong": with_wrong_results(written["example"])}
    return through_libreoffice(files, folder)


def test_libreoffice_computes_the_formulas_rather_than_show_what_is_stored(
    example: Month_, written: dict[str, bytes], converted: dict[str, openpyxl.Workbook]
) -> None:
    """The control: had LibreOffice kept the stored results, the copy whose results are
    all wrong would come back wrong, and the tests below would only read back what the
    writer stored."""
    wrong = with_wrong_results(written["example"])
    stored = openpyxl.load_workbook(io.BytesIO(wrong), data_only=True)
    employees = example.results["employees"]
    departments = len({person["department"] for person in employees})
    total_row = PAY_FIELDS_ROW + len(employees) + departments + 1
    assert stored["工资调整"][f"P{total_row}"].value == int(WRONG)
    totals = check_totals(converted["wrong"]["工资调整"], employees)
    assert cents(totals["gross"]) == Decimal("37439.07")
    check_summary(converted["wrong"]["汇总"], example)


def test_recalculated_totals_equal_the_engines_to_the_cent(
    example: Month_, converted: dict[str, openpyxl.Workbook]
) -> None:
    totals = check_totals(converted["example"]["工资调整"], example.results["employees"])
    # The example's payroll, as `appraisal run` prints it: gross 37,439.07.
    assert cents(totals["gross"]) == Decimal("37439.07")


def test_recalculated_summary_equals_the_engines_sums_by_level_and_department(
    example: Month_, converted: dict[str, openpyxl.Workbook]
) -> None:
    check_summary(converted["example"]["汇总"], example)


@pytest.mark.parametrize("name", ["example", "hostile"])
def test_every_stored_result_is_what_libreoffice_computes(
    name: str, written: dict[str, bytes], converted: dict[str, openpyxl.Workbook]
) -> None:
    """Formula and stored result agree in every formula cell, the hostile month's
    groups of formula-like and blank departments and levels included."""
    stored = openpyxl.load_workbook(io.BytesIO(written[name]), data_only=True)
    checked = 0
    for sheet, root in sheet_xml(written[name]).items():
        for cell in root.iter(f"{MAIN}c"):
            if cell.find(f"{MAIN}f") is None:
                continue
            reference = str(cell.get("r"))
            mine = stored[sheet][reference].value
            computed = converted[name][sheet][reference].value
            assert computed is not None, (sheet, reference)
            assert cents(mine) == cents(computed), (sheet, reference, mine, computed)
            checked += 1
    assert checked > 100


def test_hostile_text_is_still_text_after_libreoffice(
    hostile: Month_, converted: dict[str, openpyxl.Workbook]
) -> None:
    book = converted["hostile"]
    people = {person["employee_id"]: person for person in hostile.results["employees"]}
    ws = book["工资调整"]
    rows = [row for row in ws.iter_rows(min_row=PAY_FIELDS_ROW + 1) if row[0].value in people]
    assert len(rows) == len(people)
    for row in rows:
        person = people[str(row[0].value)]
        for cell, field in zip(row[1:4], ("name", "department", "level"), strict=True):
            assert cell.value == person[field], (cell.coordinate, cell.value)
            assert cell.data_type == "s", (cell.coordinate, cell.data_type)
    trail = table(book["审计轨迹"])
    assert {r["effect"] for r in trail} == set(HOSTILE)
    # LibreOffice computed the totals of this month too: text did not become numbers.
    totals = pay_table(ws)[-1]
    assert cents(totals["gross"]) == engine_sum(list(people.values()), "gross")
