"""Input text stays text, and money stays money, in the salary-adjustment workbook.

A roster name, a department, a level id, a trace's effect text or an input file name
that looks like a formula (``=HYPERLINK(...)``, ``+1-2``, ``-3``, ``@SUM(A1)``), an
error value (``#N/A``) or a number (``00123``) is written as a string cell and read back
exactly as typed; no ``<f>`` appears in the file but the writer's own totals. Then, for
every text and every amount Hypothesis can think of, the same holds.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_workbook import MAIN, Month_, formulas, pay_people, seal, sheet_xml, table

from appraisal.domain.results import MonthResults
from payroll_export import Manifest, salary_workbook
from payroll_export.audit_sheet import REVIEW
from payroll_export.summary_sheet import BLANK
from payroll_export.text import clean_text

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+1-2",
    "-3",
    "@SUM(A1)",
    "=1+1",
    "#N/A",
    "00123",
    "TRUE",
    "2026-10-01",
    " =1+1",
)


def write_roster(folder: Path) -> tuple[Path, Path]:
    """A roster whose names and departments are all hostile, and a few events."""
    roster = folder / "roster.csv"
    lines = ["employee_id,name,level,hire_date,department"]
    for number, text in enumerate(HOSTILE, start=1):
        quoted = '"' + text.replace('"', '""') + '"'
        other = '"' + HOSTILE[-number].replace('"', '""') + '"'
        lines.append(f"E{number:02d},{quoted},specialist,2020-01-01,{other}")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events = folder / "events.csv"
    # One criterion row each, so that everyone is appraised and the month seals
    # (a sealing run refuses anyone not appraised).
    criteria = "".join(f"E{n:02d},2026-10-30,criterion,1,1,,,,\n" for n in range(1, 11))
    events.write_text(
        "employee_id,date,kind,value,clause,amount,points,flags,note\n"
        'E01,2026-10-05,penalty,,7,100,,,"=HYPERLINK(""http://x"",""y"")"\n'
        "E02,2026-10-06,late,12,,,,,+1-2\n" + criteria,
        encoding="utf-8",
    )
    return roster, events


def hostile_month(folder: Path) -> Month_:
    """A sealed month of hostile names, with hostile text put where the engine copies
    text from the policy or the inputs: level ids, effects, clauses, file names."""
    roster, events = write_roster(folder)
    month = seal(roster, [events], folder / "ledger.db")
    results = json.loads(json.dumps(month.results))
    for person, text in zip(results["employees"], HOSTILE, strict=True):
        person["level"] = person["next_level"] = text
        person["review"] = [text]
        for entry in person["trace"]:
            entry["effect"], entry["clause"] = text, text
            if "file" in entry:
                entry["file"] = text
    files = {text: f"{n:064x}" for n, text in enumerate(HOSTILE)}
    return replace(month, results=results, manifest=replace(month.manifest, input_files=files))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Month_:
    return hostile_month(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_xlsx(hostile: Month_) -> bytes:
    return hostile.workbook()


def test_hostile_text_reads_back_as_typed_on_every_sheet(
    hostile: Month_, hostile_xlsx: bytes
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(hostile_xlsx))
    people = sorted(hostile.results["employees"], key=lambda e: e["employee_id"])
    pay = sorted(pay_people(book["工资调整"]), key=lambda row: row["employee_id"])
    for row, person in zip(pay, people, strict=True):
        assert row["name"] == person["name"]
        assert row["department"] == person["department"]
        assert row["level"] == person["level"]  # not a level of the ladder: shown as is
        assert row["next_level"] == person["next_level"]
    trail = table(book["审计轨迹"])
    expected = [t for p in people for t in p["trace"]]
    assert [(r["effect"], r["clause"], r["file"]) for r in trail] == [
        (t["effect"], t["clause"], t.get("file")) for t in expected
    ]
    reviews = [r["message"] for r in table(book["合规提示"]) if r["kind"] == REVIEW[0]]
    assert reviews == [p["review"][0] for p in people]
    files = {r["name"]: r["value"] for r in table(book["说明"]) if r["item"].startswith("输入文件")}
    assert set(files) == set(HOSTILE)
    groups = {r["group"] for r in table(book["汇总"]) if r["grouping"] == "按部门"}
    assert groups == {p["department"] for p in people}  # the reader strips " =1+1"
    assert set(HOSTILE) - groups == {" =1+1"}


def test_no_formula_in_the_file_but_the_writers_totals(
    hostile: Month_, hostile_xlsx: bytes
) -> None:
    sheets = sheet_xml(hostile_xlsx)
    for name, root in sheets.items():
        for text in formulas(root).values():
            assert text.startswith(("SUM(", "SUBTOTAL(", "SUMPRODUCT(")), (name, text)
            # A group is named by a reference to its cell, never by copying its text in.
            for typed in ("HYPERLINK", "@SUM", "1+1", "+1-2", "#N/A", "00123"):
                assert typed not in text, (name, text)
        for cell in root.iter(f"{MAIN}c"):
            shown = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            if shown in HOSTILE:
                assert cell.get("t") == "inlineStr", (name, cell.get("r"))
                assert cell.find(f"{MAIN}f") is None, (name, cell.get("r"))


def test_text_that_would_start_a_formula_keeps_its_quote_prefix(hostile_xlsx: bytes) -> None:
    """Excel and LibreOffice make a formula of such text once someone edits the cell;
    the quote prefix (') keeps it text then too."""
    ws = openpyxl.load_workbook(io.BytesIO(hostile_xlsx))["工资调整"]
    names = [
        row[1] for row in ws.iter_rows(min_row=5, max_col=2) if row[0].value != "小计 subtotal"
    ]
    assert len(names) >= len(HOSTILE)
    for cell in names[: len(HOSTILE)]:
        starts_a_formula = str(cell.value).startswith(("=", "+", "-", "@"))
        assert bool(cell.quotePrefix) == starts_a_formula, cell.value


# ---------------------------------------------------------------- for every input


def one_employee(name: str, department: str, base: str, manifest: Manifest) -> dict[str, Any]:
    """The smallest results document: one employee paid ``base`` and nothing else."""
    zero = "0.00"
    pay = {field: zero for field in ("floating", "fines", "leave_deduction")}
    pay |= {f: zero for f in ("absence_deduction", "overtime", "rewards", "awards")}
    pay |= {"allowances": zero, "settlement": zero, "base": base, "gross": base}
    return {
        "month": manifest.month,
        "policy": {
            "id": manifest.policy_id,
            "version": manifest.policy_version,
            "sha256": manifest.policy_sha256,
        },
        "employees": [
            {
                "employee_id": name,
                "name": name,
                "department": department,
                "level": "specialist",
                "next_level": "specialist",
                "score": {"add": 40, "deduct_left": 100, "total": 140},
                "pay": pay,
                "dismissal": False,
                "dismissal_reasons": [],
                "demotion_reasons": [],
                "promoted_to": None,
                "titles": [],
                "offences": {},
                "compliance": [],
                "review": [name],
                "trace": [
                    {
                        "rule": "pay.base",
                        "clause": department,
                        "event": "",
                        "effect": name,
                        "pay_field": "base",
                        "yuan": base,
                    }
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def manifest(hostile: Month_) -> Manifest:
    return hostile.manifest


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=1, max_size=30), department=st.text(max_size=30))
def test_any_text_reads_back_as_written(name: str, department: str, manifest: Manifest) -> None:
    """Whatever the text, it comes back as typed; only what XML cannot carry is shown
    otherwise (a control character as its picture, a CR line break as LF)."""
    results = MonthResults.from_json(one_employee(name, department, "1000.00", manifest))
    data = salary_workbook(results, manifest)
    book = openpyxl.load_workbook(io.BytesIO(data))
    (row,) = pay_people(book["工资调整"])
    assert row["name"] == clean_text(name)
    assert (row["department"] or "") == clean_text(department)
    (entry,) = table(book["审计轨迹"])
    assert entry["effect"] == clean_text(name)
    for root in sheet_xml(data).values():
        assert all(
            f.startswith(("SUM(", "SUBTOTAL(", "SUMPRODUCT(")) for f in formulas(root).values()
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.decimals(
        min_value=Decimal("-99999999.99"),
        max_value=Decimal("99999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_amount_reads_back_to_the_cent(amount: Decimal, manifest: Manifest) -> None:
    written = f"{amount:.2f}"
    data = salary_workbook(
        MonthResults.from_json(one_employee("E1", "组", written, manifest)), manifest
    )
    (row,) = pay_people(openpyxl.load_workbook(io.BytesIO(data))["工资调整"])
    assert Decimal(str(row["base"])).quantize(Decimal("0.01")) == amount
    cells = {
        c.get("r"): c.findtext(f"{MAIN}v") for c in sheet_xml(data)["工资调整"].iter(f"{MAIN}c")
    }
    assert cells["F5"] == written  # the engine's text, not a float's
    assert Decimal(str(cells["F6"])) == amount  # and the subtotal's stored result
    assert Decimal(str(cells["F7"])) == amount  # and the total's


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    staff=st.lists(
        st.tuples(
            st.decimals(
                min_value=Decimal("-99999.99"),
                max_value=Decimal("99999.99"),
                places=2,
                allow_nan=False,
                allow_infinity=False,
            ),
            st.sampled_from(["甲组", "=1+1", ""]),  # a blank department is a group too
        ),
        min_size=1,
        max_size=8,
    )
)
def test_stored_totals_are_the_exact_sums(
    staff: list[tuple[Decimal, str]], manifest: Manifest
) -> None:
    """For any amounts, each total's stored result is their exact sum as decimal text
    (0.10 + 0.20 is 0.30, not a float's 0.30000000000000004), on 工资调整 and for each
    department of 汇总."""
    results = one_employee("E0", "", "0.00", manifest)
    results["employees"] = [
        one_employee(f"E{n}", department, f"{amount:.2f}", manifest)["employees"][0]
        for n, (amount, department) in enumerate(staff)
    ]
    data = salary_workbook(MonthResults.from_json(results), manifest)
    cells = {
        c.get("r"): c.findtext(f"{MAIN}v") for c in sheet_xml(data)["工资调整"].iter(f"{MAIN}c")
    }
    total = sum((amount for amount, _ in staff), Decimal(0))
    departments = len({name for _, name in staff})
    assert cells[f"F{5 + len(staff) + departments}"] == f"{total:.2f}"
    summary = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["汇总"]
    rows = [r for r in table(summary, last=summary.max_row) if r["grouping"] == "按部门"]
    for row in rows:
        department = "" if row["group"] == BLANK[0] else row["group"]
        members = [amount for amount, name in staff if name == department]
        assert row["head_count"] == len(members), department
        assert Decimal(str(row["base"])) == sum(members, Decimal(0)), department
    assert sorted(row["head_count"] for row in rows) == sorted(
        Counter(name for _, name in staff).values()
    )
