"""The salary-adjustment workbook (issue 3): what it says is what the engine sealed.

The shipped example month is sealed in a fresh ledger, its workbook written, and every
sheet read back with openpyxl and checked against the results JSON: each pay field of
each employee to the cent, scores, level changes, every trace entry, the compliance
list and the hashes that tie the file to the ledger. Every formula is stored with its
result, and a reader that does not calculate sees the engine's totals. Then how it is
laid out, that writing it twice gives the same bytes, that a long trail goes on over
more sheets, and that the score distribution is split at the policy's demotion line.
The helpers here are shared with test_workbook_text.py and test_workbook_libreoffice.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.domain.model import Month
from appraisal.domain.results import PAY_FIELDS as ENGINE_PAY_FIELDS
from appraisal.domain.results import MonthResults
from appraisal.export.workbook import ladder_of, manifest_of
from appraisal.i18n.sealed import sealed_text
from appraisal.ledger import SealedMonth
from appraisal.pipeline import read_inputs, run_month
from appraisal.policy.loaded import load_policy
from payroll_export import LevelLabel, Manifest, salary_workbook
from payroll_export.audit_sheet import CONFLICT, REVIEW
from payroll_export.changes_sheet import NOT_APPLIED, PENDING
from payroll_export.summary_sheet import BAND_WIDTH

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
EXAMPLE_EVENTS = ROOT / "examples" / "events.csv"
MONTH = "2026-10"
CENT = Decimal("0.01")
PAY_FIELDS = (*ENGINE_PAY_FIELDS, "gross")  # the pay columns, in the results' order
SHEETS = ("工资调整", "工资条", "考核评分", "职级变动", "审计轨迹", "合规提示", "汇总", "说明")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class Month_:
    """One sealed month and everything needed to write its workbook."""

    results: dict[str, Any]
    manifest: Manifest
    ladder: tuple[LevelLabel, ...]
    record: SealedMonth

    def workbook(self, **options: Any) -> bytes:
        typed = MonthResults.from_json(self.results)
        return salary_workbook(typed, self.manifest, self.ladder, **options)


def seal(roster: Path, events: Sequence[Path], ledger: Path, month: str = MONTH) -> Month_:
    """Run the pipeline as `appraisal run` does, into a fresh ledger."""
    policy = load_policy(None)
    inputs, issues = read_inputs(Month.parse(month), roster, list(events))
    assert not issues, issues
    outcome = run_month(policy, inputs, ledger)
    return Month_(
        outcome.results_json,
        manifest_of(outcome.record, policy.in_force(Month.parse(month))),
        ladder_of(policy.in_force(Month.parse(month))),
        outcome.record,
    )


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Month_:
    ledger = tmp_path_factory.mktemp("ledger") / "ledger.db"
    return seal(EXAMPLE_ROSTER, [EXAMPLE_EVENTS], ledger)


@pytest.fixture(scope="session")
def example_xlsx(example: Month_) -> bytes:
    return example.workbook()


@pytest.fixture(scope="session")
def book(example_xlsx: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(example_xlsx))


def people(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    return sorted(results["employees"], key=lambda e: e["employee_id"])


def table(
    ws: Worksheet, first: int = 3, last: int | None = None, fields_row: int = 2
) -> list[dict[str, Any]]:
    """Rows below the two header rows, keyed by the English field name of row 2."""
    fields = [cell.value for cell in ws[fields_row]]
    rows = ws.iter_rows(min_row=first, max_row=last or ws.max_row, values_only=True)
    return [dict(zip(fields, row, strict=False)) for row in rows]


PAY_FIELDS_ROW = 4  # 工资调整: the title, the subtitle, then 中文 over English
SUBTOTAL, TOTAL = "小计 subtotal", "合计 total"


def pay_table(ws: Worksheet) -> list[dict[str, Any]]:
    """工资调整's rows from the first employee's to the total, keyed by field."""
    rows = table(ws, first=PAY_FIELDS_ROW + 1, fields_row=PAY_FIELDS_ROW)
    end = next(i for i, row in enumerate(rows) if row["employee_id"] == TOTAL)
    return rows[: end + 1]


def pay_people(ws: Worksheet) -> list[dict[str, Any]]:
    """工资调整's employee rows (neither subtotals nor the total), in sheet order."""
    return [r for r in pay_table(ws) if r["employee_id"] not in (SUBTOTAL, TOTAL)]


def pay_order(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The employees in the pay sheet's order: by department, then employee_id."""
    return sorted(results["employees"], key=lambda e: (e["department"], e["employee_id"]))


def cents(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def level_text(level: str | None, ladder: Sequence[LevelLabel]) -> str | None:
    titles = {label.id: label.title for label in ladder}
    return f"{titles[level]} ({level})" if level in titles else level


def sheet_xml(data: bytes) -> dict[str, ElementTree.Element]:
    """Each sheet's XML by sheet name, found through the workbook's relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        found = {}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            target = str(targets[sheet.get(r_id)]).lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            found[str(sheet.get("name"))] = ElementTree.fromstring(archive.read(path))
        return found


def engine_sum(employees: Sequence[Mapping[str, Any]], field: str) -> Decimal:
    """A pay field summed as the engine's figures add up: exactly, cent by cent."""
    return sum((Decimal(e["pay"][field]) for e in employees), Decimal(0))


def check_totals(ws: Worksheet, employees: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """工资调整's totals row, as the reader of ``ws`` sees it, is the engine's sums to
    the cent; returned for more checks."""
    totals = pay_table(ws)[-1]
    assert totals["employee_id"] == TOTAL
    assert totals["name"] == f"{len(employees)} 人"
    for field in PAY_FIELDS:
        assert totals[field] is not None, f"{field}: no total"
        assert cents(totals[field]) == engine_sum(employees, field), field
    return totals


def check_summary(ws: Worksheet, month: Month_) -> None:
    """Every group figure and both totals of 汇总, as the reader of ``ws`` sees them, are
    the engine's: head counts, and each pay field summed to the cent."""
    rows = table(ws, last=ws.max_row)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for person in month.results["employees"]:
        groups["按职级", str(level_text(person["level"], month.ladder))].append(person)
        groups["按部门", person["department"]].append(person)
    checked = 0
    for row in rows:
        key = (row["grouping"], row["group"])
        if row["grouping"] not in ("按职级", "按部门"):
            continue
        members = groups.get(key, [])
        assert row["head_count"] == len(members), key
        for field in PAY_FIELDS:
            assert row[field] is not None, (key, field)
            assert cents(row[field]) == engine_sum(members, field), (key, field)
        checked += 1
    departments = {person["department"] for person in month.results["employees"]}
    assert checked == len(month.ladder) + len(departments)
    everyone = month.results["employees"]
    for label in ("按职级合计", "按部门合计"):
        (total,) = (r for r in rows if r["grouping"] == label)
        assert total["head_count"] == len(everyone)
        for field in PAY_FIELDS:
            assert cents(total[field]) == engine_sum(everyone, field), (label, field)


def formulas(root: ElementTree.Element) -> dict[str, str]:
    """Every formula in a sheet's XML, by cell reference."""
    return {
        str(cell.get("r")): str(f.text)
        for cell in root.iter(f"{MAIN}c")
        if (f := cell.find(f"{MAIN}f")) is not None
    }


# ---------------------------------------------------------------- read back, sheet by sheet


def test_the_sheets_in_the_order_hr_reads_them(book: openpyxl.Workbook) -> None:
    assert tuple(book.sheetnames) == SHEETS


def test_every_pay_field_of_every_employee_reads_back_to_the_cent(
    example: Month_, book: openpyxl.Workbook
) -> None:
    expected = pay_order(example.results)
    rows = pay_people(book["工资调整"])
    assert [r["employee_id"] for r in rows] == [e["employee_id"] for e in expected]
    for row, person in zip(rows, expected, strict=True):
        assert row["name"] == person["name"]
        assert row["total_score"] == person["score"]["total"]
        assert row["department"] == person["department"]
        assert row["level"] == level_text(person["level"], example.ladder)
        for field in PAY_FIELDS:
            assert cents(row[field]) == Decimal(person["pay"][field]), (
                person["employee_id"],
                field,
            )
        if person["dismissal"]:
            assert row["next_level"] == "开除 dismissed"
        else:
            assert row["next_level"] == level_text(person["next_level"], example.ladder)
        # 工资发放日定为每月的5号: the 5th of the month after the appraised one.
        assert row["pay_date"] == datetime(2026, 11, 5)


def test_money_is_stored_as_the_engines_own_decimal_text(
    example: Month_, example_xlsx: bytes
) -> None:
    """No binary float between the engine and the file: <v> holds "165.52" as sealed."""
    root = sheet_xml(example_xlsx)["工资调整"]
    stored = {str(c.get("r")): c.findtext(f"{MAIN}v") for c in root.iter(f"{MAIN}c")}
    rows = {  # each employee's row, by the id in column A
        str(c.findtext(f"{MAIN}is/{MAIN}t")): int(str(c.get("r"))[1:])
        for c in root.iter(f"{MAIN}c")
        if str(c.get("r")).startswith("A") and c.get("t") == "inlineStr"
    }
    for person in people(example.results):
        number = rows[person["employee_id"]]
        for column, field in zip("FGHIJKLMNOP", PAY_FIELDS, strict=True):
            assert stored[f"{column}{number}"] == person["pay"][field]


def test_the_totals_row_sums_each_money_column_by_formula(
    example: Month_, book: openpyxl.Workbook
) -> None:
    ws = book["工资调整"]
    count = len(example.results["employees"])
    departments = len({e["department"] for e in example.results["employees"]})
    total_row = PAY_FIELDS_ROW + count + departments + 1
    assert ws.cell(total_row, 1).value == TOTAL
    last = total_row - 1
    for column in "FGHIJKLMNOP":
        assert ws[f"{column}{total_row}"].value == f"=SUBTOTAL(9,{column}5:{column}{last})"
    assert ws.max_row == total_row + 2  # and the two rows of signatures


def test_scores_list_every_item_that_carries_points_then_the_total(
    example: Month_, book: openpyxl.Workbook
) -> None:
    rows = iter(table(book["考核评分"]))
    for person in people(example.results):
        for entry in (t for t in person["trace"] if "points" in t):
            row = next(rows)
            assert (row["employee_id"], row["row"]) == (person["employee_id"], "评分项 item")
            # An empty text is an empty cell: read back as None.
            assert (row["rule"], row["clause"], row["effect"], row["event"] or "") == (
                entry["rule"],
                entry["clause"],
                zh(entry["effect"]),  # a sealed text, worded in Chinese (payroll_export.wording)
                entry["event"],
            )
            assert row["points"] == entry["points"]
        total = next(rows)
        assert (total["employee_id"], total["row"]) == (person["employee_id"], "合计 total")
        score = person["score"]
        assert (total["add"], total["deduct_left"], total["total"]) == (
            score["add"],
            score["deduct_left"],
            score["total"],
        )
        for reason in person["demotion_reasons"]:
            assert reason in total["demotion_reasons"]
    assert next(rows, None) is None


def test_level_changes_say_what_changes_why_and_from_when(book: openpyxl.Workbook) -> None:
    """Hand-checked against examples/events.csv: the example's promotions, demotions,
    dismissals and what awaits a decision."""
    rows = {(r["employee_id"], r["change"]): r for r in table(book["职级变动"])}
    assert set(rows) == {
        ("KF001", "降级未执行"),  # 客服经理: the general manager decides
        ("KF005", "晋升待批"),
        ("KF006", "降级 demotion"),
        ("KF007", "晋升 promotion"),
        ("KF010", "降级 demotion"),
        ("KF012", "降级 demotion"),
        ("KF013", "开除 dismissal"),
        ("KF015", "开除 dismissal"),
        ("KF016", "晋升 promotion"),
        ("KF017", "降级未执行"),  # already at the lowest level
    }
    promotion = rows["KF007", "晋升 promotion"]
    assert (promotion["level"], promotion["next_level"]) == (
        "客服专员 (specialist)",
        "客服组长 (team_lead)",
    )
    assert (promotion["event"], promotion["effective"]) == ("events.csv:56", "2026-11")
    demotion = rows["KF012", "降级 demotion"]
    assert demotion["next_level"] == "实习客服 (intern)"
    assert demotion["effective"] == "2026-11"  # a level changes from next month
    for reason in ("low_score", "major_fault", "unfit"):
        assert reason in demotion["reason"]
    assert demotion["event"] == "events.csv:104, events.csv:105"
    dismissal = rows["KF015", "开除 dismissal"]
    assert dismissal["effective"] == "2026-10"  # a dismissal takes effect this month
    assert dismissal["next_level"] is None
    assert "clause_2: 处罚 2" in dismissal["reason"]
    assert rows["KF001", "降级未执行"]["effective"] is None


def test_level_changes_match_the_results(example: Month_, book: openpyxl.Workbook) -> None:
    """Every employee whose level changes or who is dismissed is listed, as the results say."""
    rows = table(book["职级变动"])
    for person in people(example.results):
        listed = [r for r in rows if r["employee_id"] == person["employee_id"]]
        kinds = {r["change"] for r in listed}
        if person["dismissal"]:
            assert "开除 dismissal" in kinds
        elif person["next_level"] != person["level"]:
            kind = "晋升 promotion" if person["promoted_to"] else "降级 demotion"
            assert kind in kinds
            (row,) = (r for r in listed if r["change"] == kind)
            assert row["next_level"] == level_text(person["next_level"], example.ladder)
        else:
            assert kinds <= {NOT_APPLIED[0], PENDING[0]}


def test_the_audit_trail_has_every_trace_entry_in_order(
    example: Month_, book: openpyxl.Workbook
) -> None:
    rows = table(book["审计轨迹"])
    entries = [(p, t) for p in people(example.results) for t in p["trace"]]
    assert len(rows) == len(entries)
    for seq, (row, (person, entry)) in enumerate(zip(rows, entries, strict=True), start=1):
        assert row["seq"] == seq
        assert (row["employee_id"], row["name"]) == (person["employee_id"], person["name"])
        for field in ("rule", "clause", "file", "row", "points"):
            assert row[field] == entry.get(field), (seq, field)
        assert row["effect"] == zh(entry["effect"]), seq
        if "yuan" in entry:
            assert cents(row["yuan"]) == Decimal(entry["yuan"])
            assert row["pay_field"].endswith(entry["pay_field"])
        else:
            assert row["yuan"] is None and row["pay_field"] is None


def test_compliance_lists_every_conflict_and_every_review_item(
    example: Month_, book: openpyxl.Workbook
) -> None:
    rows = table(book["合规提示"])
    conflicts = [r for r in rows if r["kind"] == CONFLICT[0]]
    expected = [(p, c) for p in people(example.results) for c in p["compliance"]]
    assert len(expected) == 2  # the example's two: KF003 overtime, KF004 holiday comp time
    assert len(conflicts) == len(expected)
    for row, (person, conflict) in zip(conflicts, expected, strict=True):
        assert row["employee_id"] == person["employee_id"]
        assert (row["rule"], row["law"], row["message"], row["event"]) == (
            conflict["rule"],
            zh(conflict["law"]),
            zh(conflict["message"]),
            conflict["event"],
        )
        assert cents(row["amount"]) == Decimal(conflict["amount"])
    reviews = [(r["employee_id"], r["message"]) for r in rows if r["kind"] == REVIEW[0]]
    expected = [(p["employee_id"], zh(n)) for p in people(example.results) for n in p["review"]]
    assert reviews == expected


def test_the_manifest_ties_the_file_to_the_ledger_record(
    example: Month_, book: openpyxl.Workbook
) -> None:
    rows = [(r["item"], r["name"], r["value"]) for r in table(book["说明"])]
    record = example.record
    for name, path in (("roster.csv", EXAMPLE_ROSTER), ("events.csv", EXAMPLE_EVENTS)):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert ("输入文件 (sha256)", name, digest) in rows
    assert ("考核月份", None, MONTH) in rows
    assert ("制度", "sha256", record.policy_sha256) in rows
    assert ("制度", "id", "cs-appraisal") in rows
    assert ("账本记录", "record_hash", record.record_hash) in rows
    assert ("账本记录", "version", "1") in rows
    assert ("账本记录", "seq", str(record.seq)) in rows
    assert ("引擎版本", None, record.engine_version) in rows
    assert ("分页", "审计轨迹", "否：一张工作表，审计轨迹") in rows


def test_the_summary_sums_by_formula_over_the_salary_sheet(
    example: Month_, example_xlsx: bytes, book: openpyxl.Workbook
) -> None:
    ws = book["汇总"]
    rows = table(ws, last=ws.max_row)
    by_level = [r for r in rows if r["grouping"] == "按职级"]
    assert [r["group"] for r in by_level] == [
        level_text(lv.id, example.ladder) for lv in example.ladder
    ]
    departments = sorted({p["department"] for p in example.results["employees"]})
    assert [r["group"] for r in rows if r["grouping"] == "按部门"] == departments
    found = formulas(sheet_xml(example_xlsx)["汇总"])
    # The groups are EXACT matches over 工资调整 (never SUMIF, which reads patterns).
    groups = [f for f in found.values() if "SUMPRODUCT" in f]
    assert len(groups) == (len(by_level) + len(departments)) * (1 + len(PAY_FIELDS))
    assert all("EXACT('工资调整'!" in f for f in groups)
    totals = [f for f in found.values() if f.startswith("SUM(")]
    assert len(totals) == 2 * (1 + len(PAY_FIELDS))
    assert len(ws._charts) == 2


def test_only_the_writers_own_totals_are_formulas(example_xlsx: bytes) -> None:
    for name, root in sheet_xml(example_xlsx).items():
        for reference, text in formulas(root).items():
            assert name in ("工资调整", "汇总"), (name, reference)
            assert re.fullmatch(
                r"(SUM|SUBTOTAL)\((9,)?[A-Z]+\d+:[A-Z]+\d+\)|SUMPRODUCT\(.*\)", text
            ), text


# ---------------------------------------------------------------- formulas and their results


@pytest.fixture(scope="session")
def cached(example_xlsx: bytes) -> openpyxl.Workbook:
    """The workbook as a reader that does not calculate sees it: each formula's stored
    result (pandas, openpyxl's data_only, mail previews and many viewers)."""
    return openpyxl.load_workbook(io.BytesIO(example_xlsx), data_only=True)


def test_readers_that_do_not_calculate_see_the_engines_totals(
    example: Month_, cached: openpyxl.Workbook
) -> None:
    totals = check_totals(cached["工资调整"], example.results["employees"])
    # The example's payroll, as `appraisal run` prints it: gross 37,439.07.
    assert cents(totals["gross"]) == Decimal("37439.07")


def test_readers_that_do_not_calculate_see_the_engines_summary(
    example: Month_, cached: openpyxl.Workbook
) -> None:
    check_summary(cached["汇总"], example)


def test_every_formula_cell_holds_its_formula_and_its_result(
    example: Month_, example_xlsx: bytes
) -> None:
    """``<c><f>SUM(E3:E22)</f><v>20100.00</v></c>``: the result is exact decimal text,
    money with two places and a head count whole, never a float's digits."""
    sheets = sheet_xml(example_xlsx)
    found = 0
    for name, root in sheets.items():
        for cell in root.iter(f"{MAIN}c"):
            reference = str(cell.get("r"))
            if cell.find(f"{MAIN}f") is None:
                continue
            stored = cell.findtext(f"{MAIN}v")
            assert stored is not None, (name, reference)
            assert cell.get("t") in (None, "n"), (name, reference)  # a number
            head_count = name == "汇总" and reference.startswith("D")
            pattern = r"\d+" if head_count else r"-?\d+\.\d\d"
            assert re.fullmatch(pattern, stored), (name, reference, stored)
            found += 1
    employees = example.results["employees"]
    departments = {person["department"] for person in employees}
    groups = len(example.ladder) + len(departments) + 2  # and the two totals rows
    # 工资调整: a subtotal a department and the total; 汇总: the groups and their totals
    pay_sums = (len(departments) + 1) * len(PAY_FIELDS)
    assert found == pay_sums + groups * (1 + len(PAY_FIELDS))
    pay = sheets["工资调整"]
    results = {str(c.get("r")): c.findtext(f"{MAIN}v") for c in pay.iter(f"{MAIN}c")}
    total_row = PAY_FIELDS_ROW + len(employees) + len(departments) + 1
    for column, field in zip("FGHIJKLMNOP", PAY_FIELDS, strict=True):
        assert results[f"{column}{total_row}"] == f"{engine_sum(employees, field):.2f}", field
    assert results[f"P{total_row}"] == "37439.07"


# ---------------------------------------------------------------- presentation


def test_every_sheet_has_frozen_headers_filters_and_a4_landscape_print(
    book: openpyxl.Workbook,
) -> None:
    """A4 landscape, at a scale set (never fit to page), the header rows repeated; the
    pay sheet's header below its title. Font sizes on paper: tests/test_pay_sheet.py."""
    for ws in book.worksheets:
        if ws.title == "工资条":  # strips to cut apart, each with its own header row
            assert ws.freeze_panes is None and not ws.auto_filter.ref
            assert ws.page_setup.orientation == "landscape", ws.title
            assert ws["A2"].value == "工号" and ws["A3"].value == "KF001" and ws["A4"].value is None
            assert ws["A5"].value == "工号" and ws["A6"].value == "KF002"
            continue
        top = 2 if ws.title == "工资调整" else 0  # the title and subtitle
        assert ws.freeze_panes in (f"A{top + 3}", f"C{top + 3}", f"D{top + 3}"), ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{top + 2}:"), ws.title
        assert ws.page_setup.paperSize in (9, "9"), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == f"${top + 1}:${top + 2}", ws.title
        # Two header rows: Chinese over the English field name.
        assert re.search(r"[\u4e00-\u9fff]", str(ws[f"A{top + 1}"].value)), ws.title
        assert str(ws[f"A{top + 2}"].value).isascii(), ws.title


def test_streaming_readers_see_each_sheets_size(
    example_xlsx: bytes, book: openpyxl.Workbook
) -> None:
    """Read-only openpyxl (and pandas through it) sizes a sheet by its <dimension>."""
    streamed = openpyxl.load_workbook(io.BytesIO(example_xlsx), read_only=True)
    for ws in book.worksheets:
        size = streamed[ws.title].calculate_dimension()
        assert size == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", ws.title
    streamed.close()


def test_money_cells_show_two_decimals(book: openpyxl.Workbook) -> None:
    checked = 0
    for ws, fields, header in (
        (book["工资调整"], PAY_FIELDS, PAY_FIELDS_ROW),
        (book["审计轨迹"], ("yuan",), 2),
        (book["合规提示"], ("amount",), 2),
        (book["汇总"], PAY_FIELDS, 2),
    ):
        names = [c.value for c in ws[header]]
        for field in fields:
            column = names.index(field) + 1
            for row in range(header + 1, ws.max_row + 1):
                cell = ws.cell(row, column)
                if isinstance(cell.value, (int, float)) or str(cell.value).startswith("="):
                    assert cell.number_format == "#,##0.00", (ws.title, cell.coordinate)
                    checked += 1
    assert checked > 400


def test_the_filter_leaves_the_totals_row_out(example: Month_, book: openpyxl.Workbook) -> None:
    """The filter covers the employees and the subtotals among them, not the total."""
    count = len(example.results["employees"])
    departments = len({e["department"] for e in example.results["employees"]})
    assert book["工资调整"].auto_filter.ref == f"A4:R{PAY_FIELDS_ROW + count + departments}"


def test_column_widths_count_chinese_characters_as_two(example: Month_, tmp_path: Path) -> None:
    results = json.loads(json.dumps(example.results))
    results["employees"][0]["name"] = "欧阳" * 5  # 10 characters, 20 columns wide
    ws = openpyxl.load_workbook(io.BytesIO(replace(example, results=results).workbook()))[
        "工资调整"
    ]
    assert ws.column_dimensions["B"].width >= 20
    assert ws.column_dimensions["A"].width < 16  # ids are narrow: no room wasted


def test_wrapped_text_rows_are_given_the_height_of_their_lines(book: openpyxl.Workbook) -> None:
    ws = book["职级变动"]
    rows = table(ws)
    tall = [i for i, r in enumerate(rows, start=3) if str(r["reason"]).count("\n") >= 2]
    assert tall  # KF012: three demotion reasons, one a line
    for number in tall:
        assert ws.row_dimensions[number].height >= 3 * 15


# ---------------------------------------------------------------- the same bytes every time


def test_writing_twice_gives_the_same_bytes(example: Month_, example_xlsx: bytes) -> None:
    time.sleep(1.1)  # the zip format records times to two seconds; cross a boundary
    assert example.workbook() == example_xlsx


def test_another_process_writes_the_same_bytes(
    example: Month_, example_xlsx: bytes, tmp_path: Path
) -> None:
    """Another interpreter, another time zone, a later clock: the same file."""
    (tmp_path / "results.json").write_text(json.dumps(example.results), encoding="utf-8")
    manifest = {**example.manifest.__dict__, "input_files": dict(example.manifest.input_files)}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "ladder.json").write_text(json.dumps([level.__dict__ for level in example.ladder]))
    script = (
        "import json, sys\n"
        "from appraisal.domain.results import MonthResults\n"
        "from payroll_export import LevelLabel, Manifest, salary_workbook\n"
        "d = sys.argv[1]\n"
        "results = MonthResults.from_json(json.load(open(d + '/results.json', encoding='utf-8')))\n"
        "manifest = Manifest(**json.load(open(d + '/manifest.json', encoding='utf-8')))\n"
        "ladder = [LevelLabel(**x) for x in json.load(open(d + '/ladder.json'))]\n"
        "open(d + '/out.xlsx', 'wb').write(salary_workbook(results, manifest, ladder))\n"
    )
    env = {"TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env, cwd=ROOT)
    assert (tmp_path / "out.xlsx").read_bytes() == example_xlsx


def test_the_zip_and_the_document_properties_carry_no_clock(example_xlsx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(example_xlsx)) as archive:
        infos = archive.infolist()
        core = archive.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "<dc:creator>appraisal</dc:creator>" in core
    assert core.count("2026-10-01T00:00:00Z") == 2  # created and modified: the month


# ---------------------------------------------------------------- a trail longer than a sheet


def test_a_long_trail_goes_on_over_numbered_sheets(example: Month_) -> None:
    limit = 40  # rows a sheet may hold, the two header rows included
    book = openpyxl.load_workbook(io.BytesIO(example.workbook(max_rows=limit)))
    trail = [name for name in book.sheetnames if name.startswith("审计轨迹")]
    entries = [t for p in people(example.results) for t in p["trace"]]
    parts = -(-len(entries) // (limit - 2))
    assert trail == ["审计轨迹", *(f"审计轨迹 ({n})" for n in range(2, parts + 1))]
    rows = [row for name in trail for row in table(book[name])]
    assert [r["seq"] for r in rows] == list(range(1, len(entries) + 1))
    assert [(r["rule"], r["effect"]) for r in rows] == [
        (t["rule"], zh(t["effect"])) for t in entries
    ]
    for name in trail:
        assert book[name].max_row <= limit
        assert book[name]["A2"].value == "seq"  # each part has its headers
    manifest = [(r["item"], r["name"], r["value"]) for r in table(book["说明"])]
    split = [m for m in manifest if m[1] == "审计轨迹"]
    assert split and split[0][2].startswith(f"是：{parts}张工作表")
    assert (
        "分页",
        "审计轨迹 (2)",
        f"审计轨迹的第{limit - 1}–{2 * (limit - 2)}行",
    ) in manifest


def test_a_pay_sheet_too_long_for_one_sheet_is_refused(example: Month_) -> None:
    with pytest.raises(ValueError, match="工资调整"):
        example.workbook(max_rows=10)


# ---------------------------------------------------------------- refusals


def test_a_manifest_of_another_month_is_refused(example: Month_) -> None:
    with pytest.raises(ValueError, match="month"):
        salary_workbook(
            MonthResults.from_json(example.results), replace(example.manifest, month="2026-09")
        )
    with pytest.raises(ValueError, match="policy sha256"):
        salary_workbook(
            MonthResults.from_json(example.results),
            replace(example.manifest, policy_sha256="0" * 64),
        )


def test_money_that_is_not_to_the_cent_is_refused(example: Month_) -> None:
    results = json.loads(json.dumps(example.results))
    results["employees"][0]["pay"]["base"] = "1000.005"
    with pytest.raises(ValueError, match=r"1000\.005"):
        salary_workbook(MonthResults.from_json(results), example.manifest)


def test_a_month_without_employees_still_makes_a_workbook(example: Month_) -> None:
    results = {**example.results, "employees": []}
    data = salary_workbook(MonthResults.from_json(results), example.manifest)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert tuple(book.sheetnames) == SHEETS
    (total,) = pay_table(book["工资调整"])
    assert total["employee_id"] == TOTAL and total["name"] == "0 人"
    assert total["gross"] is None


def test_pay_date_falls_on_the_last_day_of_a_short_month(example: Month_) -> None:
    results = {**example.results, "month": "2027-01"}
    manifest = replace(example.manifest, month="2027-01", pay_day_of_month=31)
    data = salary_workbook(MonthResults.from_json(results), manifest)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert pay_people(book["工资调整"])[0]["pay_date"] == datetime(2027, 2, 28)
    pay_day = [r["value"] for r in table(book["说明"]) if r["item"] == "发薪日"]
    assert pay_day == [date(2027, 2, 28).isoformat()]


# ---------------------------------------------------------------- the policy's demotion line


def score_bands(ws: Worksheet) -> tuple[tuple[Any, ...], tuple[Any, ...], list[tuple[Any, ...]]]:
    """汇总's score distribution: its two header rows and its bands."""
    rows = list(ws.iter_rows(values_only=True))
    (start,) = (n for n, row in enumerate(rows) if row[0] == "分数段")
    width = sum(value is not None for value in rows[start])
    zh, en, *bands = (row[:width] for row in rows[start:])
    return zh, en, bands


CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def chart(data: bytes, title: str) -> tuple[str, list[tuple[str, str]]]:
    """The chart whose title starts with ``title``: its whole title, and each series'
    name and fill colour, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        roots = [ElementTree.fromstring(archive.read(name)) for name in names]
    titles = [
        "".join(t.text or "" for t in root.iterfind(f"{CHART}chart/{CHART}title//{DRAWING}t"))
        for root in roots
    ]
    ((heading, root),) = ((h, r) for h, r in zip(titles, roots, strict=True) if title in h)
    fill = f"{CHART}spPr/{DRAWING}solidFill/{DRAWING}srgbClr"
    series = [
        (str(ser.findtext(f"{CHART}tx/{CHART}v")), str(colour.get("val")))
        for ser in root.iter(f"{CHART}ser")
        if (colour := ser.find(fill)) is not None
    ]
    assert len(series) == len(list(root.iter(f"{CHART}ser"))), "a series without a colour"
    return heading, series


@pytest.mark.parametrize("line", [140, 150, 145])
def test_the_score_bands_split_at_the_policys_demotion_line(example: Month_, line: int) -> None:
    """The bands have an edge at the line, each band's head count stands in the column of
    its side (below: demoted, drawn red), and the labels say the policy's line."""
    if line == 140:  # the manifest's default: 降级情况一: 月度考核分数低于140分
        data = example.workbook()
    else:
        data = replace(example, manifest=replace(example.manifest, demotion_line=line)).workbook()
    book = openpyxl.load_workbook(io.BytesIO(data))
    zh, en, bands = score_bands(book["汇总"])
    assert zh == ("分数段", f"低于{line}分 (降级)", f"{line}分及以上")
    assert en == ("score_band", f"score < {line}", f"score >= {line}")
    scores = [Decimal(str(p["score"]["total"])) for p in example.results["employees"]]
    lows = [int(label.split("–")[0]) for label, _, _ in bands]
    assert line in lows  # a band begins at the line
    assert lows == list(range(lows[0], lows[-1] + 1, BAND_WIDTH))
    for low, (_, below, above) in zip(lows, bands, strict=True):
        in_band = sum(low <= score < low + BAND_WIDTH for score in scores)
        assert (below, above) == ((in_band, 0) if low < line else (0, in_band)), low
    assert sum(below + above for _, below, above in bands) == len(scores)
    # Hand-checked for the example: ten score 140–149, so a line at 150 demotes them.
    demoted = sum(below for _, below, _ in bands)
    assert demoted == {140: 6, 150: 16, 145: sum(score < 145 for score in scores)}[line]
    heading, series = chart(data, "分数分布")
    assert heading.startswith(f"分数分布（{line}分降级线）")
    assert series == [
        (f"低于{line}分 (降级)", "C00000"),  # red: demoted
        (f"{line}分及以上", "2E75B6"),
    ]
    rows = [(r["item"], r["name"], r["value"]) for r in table(book["说明"])]
    assert ("降级线", "demotion_line", f"总分低于{line}分（score < {line}）") in rows


def test_a_policy_without_a_score_threshold_draws_no_line(example: Month_) -> None:
    month = replace(example, manifest=replace(example.manifest, demotion_line=None))
    data = month.workbook()
    book = openpyxl.load_workbook(io.BytesIO(data))
    zh, en, bands = score_bands(book["汇总"])
    assert (zh, en) == (("分数段", "人数"), ("score_band", "head_count"))
    assert [label for label, _ in bands][:2] == ["80–89", "90–99"]  # bands on the tens
    assert sum(count for _, count in bands) == len(example.results["employees"])
    heading, series = chart(data, "分数分布")
    assert heading == "分数分布"
    assert series == [("人数", "2E75B6")]  # one colour: no line to mark
    summary = sheet_xml(data)["汇总"]
    assert not any("降级" in (t.text or "") for t in summary.iter(f"{MAIN}t"))
    rows = [(r["item"], r["name"], r["value"]) for r in table(book["说明"])]
    (line,) = (value for item, _, value in rows if item == "降级线")
    assert line.startswith("无：")


def zh(sealed: str) -> str:
    """A sealed English text as the workbook of a month this release sealed shows it."""
    return sealed_text(sealed, "zh")
