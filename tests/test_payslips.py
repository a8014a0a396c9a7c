"""工资条: a payslip file per employee (`write_payslips`), and the 工资条 sheet to print and cut.

The example month (examples/, October 2026) is sealed once; its payslips are written
as PDFs, read back with pypdf and checked against the results JSON for every employee:
every pay line, the score totals and items, and the clause of every yuan the trail
moved. Figures worked by hand from scheme.md:

- KF002 李秀英 (客服主管): late 12 min, ≤ 30 tier (处罚 4): fine 10.00, −3 points; rest-day
  overtime 1 day at 200 %: 2 × 1600 / 21.75 = 147.126… → 147.13; transport 50.00;
  gross 1600 + 1000 − 10 + 147.13 + 50 = 2787.13; score 50 + 97 = 147.
- KF010 吴强 (客服专员): personal leave 1 day: 1000 / 21.75 = 45.977… → 45.98; late
  60 min = one day's absence: (1000 + 900) / 21.75 = 87.356… → 87.36; fines 0 (first
  offence, a warning) + 50 + 100 = 150.00; gross 1000 + 900 − 150 − 45.98 − 87.36 + 50
  = 1666.66; score 15 + 65 = 80.

With deductions (September 2026, the month of tests/test_deductions.py): E1 甲 gross
1000 + 900 + 50 + the monthly award 100 (E1 alone is appraised and not demoted, see the
fixture) = 2050.00 less 180.50 + 120.00 + 3.45 + 0.00 = 303.95 → 实发 1746.05; E2 乙 gross
2040.00 less 200.00 + 0.00 + 0.00 + 15.50 = 215.50 → 实发 1824.50.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PasswordType, PdfReader

from appraisal.cli import main
from appraisal.domain.errors import InputError
from appraisal.export.payslip_font import FONT_VARIABLE, NoFont
from appraisal.export.payslip_pdf import yuan
from appraisal.export.payslip_read import payslip_text
from appraisal.export.payslips import (
    payslip_name,
    verify_payslip,
    write_payslips,
)
from appraisal.export.workbook import manifest_of
from appraisal.files.xlsx import workbook_bytes
from appraisal.i18n.sealed import sealed_text
from appraisal.ledger.errors import NotSealed
from appraisal.ledger.writer import read_sealed
from appraisal.policy.loaded import load_policy_bundle
from payroll_export.model import PAY_LABELS
from payroll_export.payslip_sheet import PAYSLIP_SHEET, write_payslip_sheet
from payroll_export.sheet import Book

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MONTH = "2026-10"


def run_month(folder: Path, roster: Path, events: Path, month: str, *extra: object) -> Path:
    ledger = folder / "l.db"
    code = main(
        [
            "run", "--month", month, "--roster", str(roster), "--events", str(events),
            "--ledger", str(ledger), "--json", str(folder / "r.json"), *map(str, extra),
        ]
    )  # fmt: skip
    assert code == 0
    return ledger


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the example month sealed (l.db), its results (r.json), its payslips
    (pdf/) and the same payslips encrypted (locked/, with passwords.csv)."""
    folder = tmp_path_factory.mktemp("payslips")
    ledger = run_month(folder, EXAMPLES / "roster.csv", EXAMPLES / "events.csv", MONTH)
    write_payslips(ledger, MONTH, folder / "pdf")
    people = json.loads((folder / "r.json").read_text(encoding="utf-8"))["employees"]
    lines = ["employee_id,password"] + [f"{p['employee_id']},pw-{p['employee_id']}" for p in people]
    (folder / "passwords.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_payslips(ledger, MONTH, folder / "locked", passwords=folder / "passwords.csv")
    return folder


@pytest.fixture(scope="module")
def results(example: Path) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = json.loads((example / "r.json").read_text(encoding="utf-8"))[
        "employees"
    ]
    return people


def file_of(folder: Path, person: dict[str, Any]) -> Path:
    return folder / f"{person['employee_id']}_{person['name']}_{MONTH}.pdf"


def flat(text: str) -> str:
    """Text without white space: a table cell's text wraps at any character, and readers
    put a space between two cells or none."""
    return re.sub(r"\s+", "", text)


def shows(flat_text: str, label: str, figure: str) -> bool:
    """The label followed by the figure, and not by a longer number (10.00 is not 100.00)."""
    return re.search(rf"{re.escape(label + figure)}(?![\d.,])", flat_text) is not None


def read(path: Path, password: str | None = None) -> str:
    return flat("\n".join(payslip_text(path.read_bytes(), password)))


# --- the PDF, read back ----------------------------------------------------------------


def test_one_pdf_per_employee_named_id_name_month(
    example: Path, results: list[dict[str, Any]]
) -> None:
    names = sorted(path.name for path in (example / "pdf").iterdir())
    assert names == sorted(file_of(example / "pdf", p).name for p in results)
    assert len(names) == 20
    assert not [p for p in example.rglob(".*")]  # no staging folder or temporary file left


def test_every_payslip_carries_the_figures_of_the_results(
    example: Path, results: list[dict[str, Any]]
) -> None:
    for person in results:
        data = file_of(example / "pdf", person).read_bytes()
        joined = flat("\n".join(payslip_text(data)))
        who = person["employee_id"]
        assert "2026年10月工资条" in joined, who
        assert f"工号{who}姓名{person['name']}" in joined, who
        for name, amount in person["pay"].items():
            assert shows(joined, PAY_LABELS[name][0], yuan(Decimal(amount))), (who, name)
        score = person["score"]
        for label, key in (("加分项合计", "add"), ("减分项剩余", "deduct_left"), ("总分", "total")):
            assert shows(joined, label, str(score[key])), (who, key)
        for entry in person["trace"]:
            if "points" not in entry and "yuan" not in entry:
                continue  # a metric's value, a case for review: the statement's, not the slip's
            # The clause behind every point and every yuan, with what happened.
            assert flat(entry["clause"]) in joined, (who, entry["rule"])
            # The effect as sealed is English; the slip words it in Chinese (release 0.2.0).
            assert flat(sealed_text(entry["effect"], "zh")) in joined, (who, entry["rule"])
            if "yuan" in entry:
                assert flat(f"{entry['yuan']}{entry['clause']}") in joined, (who, entry)
            if entry.get("points"):
                assert flat(f"{entry['points']:+}{entry['clause']}") in joined, (who, entry)


def test_kf002_and_kf010_worked_by_hand(example: Path, results: list[dict[str, Any]]) -> None:
    by_id = {p["employee_id"]: p for p in results}
    kf002 = read(file_of(example / "pdf", by_id["KF002"]))
    for label, figure in (("罚款", "10.00"), ("加班工资", "147.13"), ("补贴", "50.00")):
        assert shows(kf002, label, figure)
    assert shows(kf002, "应发工资", "2,787.13") and shows(kf002, "总分", "147")
    assert "本月职级客服主管" in kf002
    kf010 = read(file_of(example / "pdf", by_id["KF010"]))
    for label, figure in (("罚款", "150.00"), ("请假扣款", "45.98"), ("旷工扣款", "87.36")):
        assert shows(kf010, label, figure)
    assert shows(kf010, "应发工资", "1,666.66")
    assert "加分项合计15减分项剩余65总分80" in kf010
    assert "下月职级实习客服" in kf010  # demoted below 140


def test_the_pdf_embeds_a_cjk_font_subset(example: Path, results: list[dict[str, Any]]) -> None:
    data = file_of(example / "pdf", results[0]).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("NotoSansCJK" in name and "+" in name for name in names), names  # subset tag
    descendant = next(iter(fonts.values())).get_object()["/DescendantFonts"][0].get_object()
    assert (
        "/FontFile3" in descendant["/FontDescriptor"]
        or "/FontFile2" in descendant["/FontDescriptor"]
    )
    assert len(data) < 150_000  # the font cut down to the glyphs used


def test_the_same_sealed_month_gives_the_same_bytes(
    example: Path, results: list[dict[str, Any]], tmp_path: Path
) -> None:
    again = write_payslips(example / "l.db", MONTH, tmp_path / "again")
    for path in again:
        assert path.read_bytes() == (example / "pdf" / path.name).read_bytes(), path.name
    info = PdfReader(io.BytesIO(again[0].read_bytes())).metadata
    assert info is not None and info["/CreationDate"].startswith("D:20261001")


# --- passwords ---------------------------------------------------------------------------


def test_each_pdf_opens_with_its_employees_password_only(
    example: Path, results: list[dict[str, Any]]
) -> None:
    for person in results[:3]:
        data = file_of(example / "locked", person).read_bytes()
        reader = PdfReader(io.BytesIO(data))
        assert reader.is_encrypted
        assert reader.trailer["/Encrypt"]["/V"] == 5  # AES-256 (PDF 2.0, revision 6)
        with pytest.raises(ValueError, match="encrypted"):
            payslip_text(data)
        other = f"pw-{results[-1]['employee_id']}"
        assert PdfReader(io.BytesIO(data)).decrypt(other) == PasswordType.NOT_DECRYPTED
        text = flat("\n".join(payslip_text(data, f"pw-{person['employee_id']}")))
        assert person["name"] in text and shows(
            text, "应发工资", yuan(Decimal(person["pay"]["gross"]))
        )


def test_encrypted_payslips_are_the_same_bytes_every_time(
    example: Path, results: list[dict[str, Any]]
) -> None:
    person = results[1]
    found = file_of(example / "locked", person)
    check = verify_payslip(
        found,
        example / "l.db",
        MONTH,
        person["employee_id"],
        password=f"pw-{person['employee_id']}",
    )
    assert check.identical and check.differences == ()
    plain = file_of(example / "pdf", person).read_bytes()
    assert found.read_bytes() != plain  # encrypted all the same


def test_a_missing_password_names_the_employee_and_nothing_is_written(
    example: Path, tmp_path: Path
) -> None:
    passwords = tmp_path / "pw.csv"
    kept = (example / "passwords.csv").read_text(encoding="utf-8").splitlines()
    passwords.write_text("\n".join(line for line in kept if "KF007" not in line), "utf-8")
    with pytest.raises(InputError) as caught:
        write_payslips(example / "l.db", MONTH, tmp_path / "out", passwords=passwords)
    assert [str(issue) for issue in caught.value.issues] == [
        f"{passwords}:employee_id: no password for KF007 (赵敏)"
    ]
    assert not (tmp_path / "out").exists()


def test_every_problem_of_the_passwords_file_at_once(example: Path, tmp_path: Path) -> None:
    passwords = tmp_path / "pw.csv"
    rows = (example / "passwords.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = "KF003,"  # row 4: empty
    rows.append("KF001,again")  # row 22: twice
    passwords.write_text("\n".join(rows) + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        write_payslips(example / "l.db", MONTH, tmp_path / "out", passwords=passwords)
    assert [str(issue) for issue in caught.value.issues] == [
        f"{passwords}:4:password: the password of KF003 is empty",
        f"{passwords}:22:employee_id: KF001 is given a password again (first on row 2)",
        f"{passwords}:employee_id: no password for KF003 (张伟)",
    ]


# --- verification, versions, names, font -----------------------------------------------


def test_verify_tells_another_payslip_and_a_file_that_is_none(
    example: Path, results: list[dict[str, Any]]
) -> None:
    kf002, kf003 = (file_of(example / "pdf", p) for p in results[1:3])
    assert verify_payslip(kf002, example / "l.db", MONTH, "KF002").identical
    check = verify_payslip(kf002, example / "l.db", MONTH, "KF003")
    assert not check.identical
    assert any("KF003" in d and "KF002" in d for d in check.differences), check.differences
    assert verify_payslip(b"hello", example / "l.db", MONTH, "KF002").differences == (
        "the file is neither a PDF nor an Excel workbook",
    )
    assert kf003.exists()


def test_a_version_that_is_not_sealed_is_named(example: Path) -> None:
    assert read_sealed(example / "l.db", MONTH, 1).version == 1
    with pytest.raises(NotSealed, match=r"2026-10 has no version 2 \(versions: 1\)"):
        write_payslips(example / "l.db", MONTH, example / "v2", version=2)


@pytest.mark.parametrize(
    ("employee_id", "name", "expected"),
    [
        ("KF001", "王建国", "KF001_王建国_2026-10.pdf"),
        ("../etc", "a/b\\c", "_etc_a_b_c_2026-10.pdf"),  # no way out of the folder
        (".hidden", "x", "hidden_x_2026-10.pdf"),
        ("E1", "tab\there\x00", "E1_tab_here__2026-10.pdf"),
        ("E2", 'a:b*c?"d<e>f|', "E2_a_b_c__d_e_f__2026-10.pdf"),
    ],
)
def test_file_names_are_safe(employee_id: str, name: str, expected: str) -> None:
    assert payslip_name(employee_id, name, MONTH, "pdf") == expected


def test_a_long_name_is_cut_to_what_a_file_system_holds() -> None:
    name = payslip_name("E1", "长" * 200, MONTH, "pdf")
    assert len(name.encode()) <= 255 and name.startswith("E1_长") and name.endswith("_2026-10.pdf")


def test_no_cjk_font_is_a_message_saying_what_to_install(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FONT_VARIABLE, str(tmp_path / "none.ttf"))
    with pytest.raises(NoFont, match="no such font file"):
        write_payslips(example / "l.db", MONTH, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_xlsx_payslips_read_back_and_repeat(
    example: Path, results: list[dict[str, Any]], tmp_path: Path
) -> None:
    first = write_payslips(example / "l.db", MONTH, tmp_path / "a", fmt="xlsx")
    again = write_payslips(example / "l.db", MONTH, tmp_path / "b", fmt="xlsx")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    by_id = {p["employee_id"]: p for p in results}
    for path in first:
        person = by_id[path.name.split("_")[0]]
        sheet = openpyxl.load_workbook(path)["工资条"]
        rows: dict[Any, Any] = {}
        for row in sheet.iter_rows(values_only=True):
            rows.setdefault(row[0], row[1])  # a pay line first; its trail's heading below
        assert rows["工号"] == person["employee_id"] and rows["姓名"] == person["name"]
        for name, amount in person["pay"].items():
            assert Decimal(str(rows[PAY_LABELS[name][0]])) == Decimal(amount), (path, name)
        assert rows["总分"] == person["score"]["total"]
    assert verify_payslip(first[0], example / "l.db", MONTH, first[0].name.split("_")[0]).identical


# --- with deductions: 实发工资 ------------------------------------------------------------


@pytest.fixture(scope="module")
def with_deductions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("net")
    (folder / "roster.csv").write_text(
        "employee_id,name,level\nE1,甲,specialist\nE2,乙,team_lead\n", "utf-8"
    )
    # Both are appraised (the five criteria met, no exam), so the month seals without
    # --allow-unappraised. E1: 40 + 100 = 140, not below 140, so not demoted and eligible
    # for the monthly award (scheme §4), which E1 alone can win: E2 is late once (处罚 4,
    # -3), 40 + 97 = 137 < 140, demoted, so not eligible. The criteria move no yuan.
    criteria = "".join(
        f"{who},2026-09-30,criterion,1,{n}\n" for who in ("E1", "E2") for n in range(1, 6)
    )
    (folder / "events.csv").write_text(
        "employee_id,date,kind,value,clause\nE2,2026-09-03,late,1,\n" + criteria
    )
    (folder / "deductions.csv").write_text(
        "工号,姓名,社保个人,公积金个人,个税,其他扣款\nE1,甲,180.50,120,3.45,\nE2,乙,200,,0,15.5\n",
        "utf-8",
    )
    run_month(
        folder, folder / "roster.csv", folder / "events.csv", "2026-09",
        "--deductions", folder / "deductions.csv",
    )  # fmt: skip
    return folder


def test_the_payslip_shows_each_deduction_and_the_net_pay(with_deductions: Path) -> None:
    paths = write_payslips(with_deductions / "l.db", "2026-09", with_deductions / "out")
    texts = {p.name.split("_")[0]: read(p) for p in paths}
    e1, e2 = texts["E1"], texts["E2"]
    assert shows(e1, "应发工资", "2,050.00")
    for label, figure in (("社保个人", "180.50"), ("公积金个人", "120.00"), ("个税", "3.45")):
        assert shows(e1, label, figure)
    assert shows(e1, "其他扣款", "0.00") and shows(e1, "扣款合计", "303.95")
    assert shows(e1, "实发工资", "1,746.05")
    assert shows(e2, "应发工资", "2,040.00") and shows(e2, "实发工资", "1,824.50")


# --- the 工资条 sheet ----------------------------------------------------------------------


def slip_sheet(ledger: Path, month: str) -> list[tuple[Any, ...]]:
    """The 工资条 sheet of a sealed month, written alone into a workbook and read back."""
    record = read_sealed(ledger, month)
    in_force = load_policy_bundle(record.policy_sources).in_force(record.period)
    employees = sorted(record.month_results().employees, key=lambda p: p.employee_id)
    book = Book(record.month, record.record_hash)
    try:
        write_payslip_sheet(book, employees, manifest_of(record, in_force))
        data = workbook_bytes(
            book.workbook,
            rows=[(sheet.ws, sheet.spool) for sheet in book.sheets],
            month=record.month,
            title="t",
            description="d",
        )
    finally:
        book.close()
    sheet = openpyxl.load_workbook(io.BytesIO(data))[PAYSLIP_SHEET]
    return list(sheet.iter_rows(values_only=True))


def test_the_sheet_has_a_header_a_value_and_a_spacer_row_per_employee(
    example: Path, results: list[dict[str, Any]]
) -> None:
    rows = slip_sheet(example / "l.db", MONTH)
    assert "2026年10月 工资条" in str(rows[0][0])
    strips = rows[1:]
    assert len(strips) == 3 * len(results) - 1  # the last strip needs no spacer below it
    strips.append((None,) * len(rows[1]))
    for k, person in enumerate(results):
        header, values, spacer = strips[3 * k : 3 * k + 3]
        cells = dict(zip(header, values, strict=True))
        assert header[:4] == ("工号", "姓名", "部门", "总分")
        assert cells["工号"] == person["employee_id"] and cells["姓名"] == person["name"]
        assert cells["部门"] == person["department"]
        assert cells["总分"] == person["score"]["total"]
        for name, amount in person["pay"].items():
            assert Decimal(str(cells[PAY_LABELS[name][0]])) == Decimal(amount), (k, name)
        assert all(cell is None for cell in spacer)


def test_the_sheet_with_deductions_ends_with_the_net_pay(with_deductions: Path) -> None:
    rows = slip_sheet(with_deductions / "l.db", "2026-09")
    e1 = dict(zip(rows[1], rows[2], strict=True))
    e2 = dict(zip(rows[4], rows[5], strict=True))
    assert rows[1][-6:] == ("应发工资", "社保个人", "公积金个人", "个税", "其他扣款", "实发工资")
    assert Decimal(str(e1["实发工资"])) == Decimal("1746.05")
    assert Decimal(str(e1["个税"])) == Decimal("3.45")
    assert Decimal(str(e2["实发工资"])) == Decimal("1824.50")
    assert Decimal(str(e2["其他扣款"])) == Decimal("15.50")
    assert "评优奖励" in rows[1]  # E1's monthly award: a field someone has is shown
    assert "开除结算" not in rows[1]  # no one is dismissed: 0.00 for all is left out


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_another_reader_finds_the_same_text(example: Path, results: list[dict[str, Any]]) -> None:
    path = file_of(example / "pdf", results[1])
    poppler = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert flat(poppler) == flat("\n".join(payslip_text(path.read_bytes())))


def test_a_printed_page_ends_between_strips_ten_strips_a_page() -> None:
    """At 100% (narrow columns): the page's 595.3 points less two 0.6-inch margins
    (86.4) and the title's 24 leave 484.9; a strip is 3 rows of 15 points, 45, and 95%
    of the page holds 460.66 / 45 = 10.2 of them: 10. Strip k takes rows 2 + 3k to
    4 + 3k, so a page breaks after row 1 + 3 × 10k: 31, 61 for 25 strips; and a month
    of 100,000 employees has its 9,999 breaks too (given at once, not one by one)."""
    from openpyxl import Workbook

    from payroll_export.payslip_sheet import _print_setup

    ws = Workbook(write_only=True).create_sheet("s")
    _print_setup(ws, [10, 10, 10], 25, 75)
    assert ws.page_setup.scale == 100
    assert [brk.id for brk in ws.row_breaks.brk] == [31, 61]
    _print_setup(ws, [10, 10, 10], 100_000, 300_000)
    breaks = [brk.id for brk in ws.row_breaks.brk]
    assert len(breaks) == ws.row_breaks.count == 9_999
    assert (breaks[0], breaks[-1]) == (31, 1 + 3 * 99_990)
