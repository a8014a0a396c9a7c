"""Hostile and malformed input files (issue 9, items 7 and 8).

Each test writes the file for real: a CSV with a quote never closed or a field far too
long; an .xlsx that inflates to gigabytes, declares a sheet of a billion cells or puts
one cell at column XFD; every part of a valid workbook corrupted in turn; a FIFO, a
device and a folder given as inputs. Each must end in a message naming the file (and
the row or the sheet and cell), with nothing sealed, never in a traceback or a hang.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from appraisal.domain.errors import InputError
from appraisal.domain.model import Issue
from appraisal.export.workbook import workbook_differences
from appraisal.files import input as input_module
from appraisal.files import zipcheck
from appraisal.files.csvtext import MAX_FIELD_CHARS, csv_records
from appraisal.files.input import read_input
from appraisal.files.zipcheck import MAX_CELLS, MAX_RATIO, xlsx_problem
from appraisal.read.imports.workbook import open_book
from appraisal.read.tables import read_event_tables, read_table

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"  # copies of ../shared/fixtures/real
FIXTURES = ROOT / "tests" / "fixtures" / "attendance"
HEADER = "employee_id,date,kind,value,clause,amount,points,flags,note\n"
ROSTER = "employee_id,name,level\nKF001,王芳,specialist\nKF002,李娜,specialist\n"


# --- item 7: a quote that is never closed ----------------------------------------------


def test_an_unclosed_quote_names_the_line_where_it_opened() -> None:
    text = (
        HEADER
        + 'KF001,2026-10-09,late,12,,,,,"oops\n'  # line 2: the quote opens
        + "KF001,2026-10-12,absent,1,,,,,\n"
        + "KF001,2026-10-13,absent,1,,,,,\n"
        + 'KF002,2026-10-14,late,5,,,,,"traffic"\n'  # line 5: its quote closes line 2's
    )
    records, problem = csv_records(text)
    assert [row for row, _ in records] == [1]  # nothing after the quote is taken as read
    assert problem is not None
    row, column, message = problem
    assert (row, column) == (2, 8)  # the note, the ninth field of row 2
    assert message.startswith('a quote (") opens a field on line 2 of the file')
    assert "runs on to line 5" in message


def test_an_unclosed_quote_at_the_end_of_the_file_is_refused() -> None:
    _, problem = csv_records(HEADER + 'KF001,2026-10-09,late,12,,,,,"oops\n')
    assert problem is not None and problem[0] == 2 and "line 2 of the file" in problem[2]


def test_a_note_over_several_lines_stays_one_row(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER
        + 'KF001,2026-10-09,late,12,,,,,"line one\nline two"\nKF002,2026-10-10,late,5,,,,,\n',
        encoding="utf-8",
    )
    tables, issues = read_event_tables(path)
    assert issues == []
    assert [(row, cells[0], cells[8]) for row, cells in tables[0].rows] == [
        (2, "KF001", "line one\nline two"),
        (3, "KF002", ""),
    ]


def test_a_field_over_the_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    note = "x" * (MAX_FIELD_CHARS + 1)
    path.write_text(HEADER + f"KF001,2026-10-09,late,12,,,,,{note}\n", encoding="utf-8")
    _, issues = read_event_tables(path)
    assert issues == [
        Issue(
            str(path),
            2,
            "note",
            "a field of 10,001 characters; a field may hold at most 10,000 (MAX_FIELD_CHARS)",
        )
    ]


def test_a_field_past_the_csv_modules_own_limit_is_an_issue_not_a_traceback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "KF001,2026-10-09,late,12,,,,," + "x" * 200_000 + "\n")
    _, issues = read_event_tables(path)
    assert len(issues) == 1 and (issues[0].row, issues[0].column) == (2, "note")
    assert issues[0].message == (
        "a field of 200,000 characters; a field may hold at most 10,000 (MAX_FIELD_CHARS)"
    )
    book, _ = open_book(path)
    assert book is not None
    with pytest.raises(InputError) as raised:
        list(book.rows(book.sheet_names[0]))
    assert "MAX_FIELD_CHARS" in str(raised.value)


# --- item 8: xlsx checked before it is parsed ------------------------------------------


def valid_workbook(rows: int = 3) -> bytes:
    """A roster workbook as openpyxl writes it: shared strings, styles, a date cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["employee_id", "name", "level", "hire_date"])
    for number in range(1, rows):
        sheet.append([f"KF{number:03}", "王芳", "specialist", "2020-01-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rebuilt(data: bytes, part: str, change: Callable[[bytes], bytes | None]) -> bytes:
    """``data`` with one part changed (None leaves the part out)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                changed = change(content)
                if changed is None:
                    continue
                content = changed
            archive.writestr(info.filename, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def bomb(size: int) -> bytes:
    """A workbook whose sheet holds ``size`` bytes of blanks: about 1000:1 compressed."""
    head = valid_workbook()
    source = zipfile.ZipFile(io.BytesIO(head))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != SHEET:
                archive.writestr(info.filename, source.read(info))
                continue
            sheet = source.read(info)
            with archive.open(SHEET, "w", force_zip64=True) as stream:
                cut = sheet.index(b"</sheetData>")
                stream.write(sheet[:cut])
                blank = b" " * 2**20
                for _ in range(size // 2**20):
                    stream.write(blank)
                stream.write(sheet[cut:])
    return out.getvalue()


def test_a_zip_bomb_is_refused_by_its_ratio() -> None:
    data = bomb(64 * 2**20)
    assert len(data) < 200_000
    problem = xlsx_problem(data)
    assert problem == f"{SHEET} inflates more than {MAX_RATIO}:1 (MAX_RATIO), as a zip bomb does"


def test_a_zip_bomb_is_refused_by_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipcheck, "MAX_UNCOMPRESSED_BYTES", 32 * 2**20)
    xlsx_problem.cache_clear()  # the same bytes were checked under the shipped limit
    problem = xlsx_problem(bomb(64 * 2**20))
    xlsx_problem.cache_clear()  # and no later check remembers this limit
    assert problem == "inflates to 64 MB or more; at most 32 MB (MAX_UNCOMPRESSED_BYTES) is read"


def test_a_part_that_inflates_past_its_declared_size_is_refused() -> None:
    sheet = zipfile.ZipFile(io.BytesIO(valid_workbook())).read(SHEET)
    cut = sheet.index(b"</sheetData>")
    padded = sheet[:cut] + b" " * 2_000_000 + sheet[cut:]
    data = bytearray(rebuilt(valid_workbook(), SHEET, lambda _: padded))
    # The central directory declares the sheet as 1,000 bytes: a reader that trusted it
    # would inflate 2 MB into a 1,000-byte buffer, or past it.
    entry = data.index(b"PK\x01\x02" + bytes(data[data.index(b"PK\x01\x02") + 4 :][:0]))
    while data[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    assert int.from_bytes(data[entry + 24 : entry + 28], "little") == len(padded)
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    problem = xlsx_problem(bytes(data))
    assert problem == f"a damaged zip archive ({SHEET} inflates to more than it declares)"


def test_a_corrupt_deflate_stream_is_a_damaged_archive() -> None:
    data = bytearray(valid_workbook(200))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(SHEET) + len(info.extra)
    data[start + 10 : start + 40] = b"\xff" * 30
    problem = xlsx_problem(bytes(data))
    assert problem is not None and problem.startswith("a damaged zip archive (")
    assert SHEET in problem


def far_cell(rows: int) -> bytes:
    """``rows`` rows of a roster, then one cell at column XFD, the sheet declared A1:D2."""

    def change(sheet: bytes) -> bytes:
        body = b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>KF%05d</t></is></c></row>'
            % (number, number, number)
            for number in range(5, rows + 1)
        )
        far = b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>' % (
            rows + 1,
            rows + 1,
        )
        sheet = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D2"', sheet)
        return sheet.replace(b"</sheetData>", body + far + b"</sheetData>")

    return rebuilt(valid_workbook(), SHEET, change)


def test_one_cell_at_column_xfd_below_many_rows_is_refused() -> None:
    data = far_cell(20_000)
    problem = xlsx_problem(data)
    assert problem == (
        f"the sheet {SHEET} uses 20,001 rows × 16,384 columns (up to XFD20001) = "
        f"327,696,384 cells; at most {MAX_CELLS:,} (MAX_CELLS) are read"
    )


def test_a_declared_dimension_too_big_is_refused() -> None:
    data = rebuilt(
        valid_workbook(),
        SHEET,
        lambda s: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', s),
    )
    assert xlsx_problem(data) == (
        f"the sheet {SHEET} declares its size as A1:XFD1048576 (1,048,576 rows × 16,384 "
        "columns); at most 1,048,576 rows (MAX_ROWS), 16,384 columns (MAX_COLUMNS) and "
        "20,000,000 cells (MAX_CELLS) are read"
    )


def test_a_row_number_past_the_last_row_excel_has_is_refused() -> None:
    data = rebuilt(
        valid_workbook(),
        SHEET,
        lambda s: s.replace(b"</sheetData>", b'<row r="2000000"></row></sheetData>'),
    )
    problem = xlsx_problem(data)
    assert problem is not None and "2,000,000 as its last row" in problem
    assert "at most 1,048,576 (MAX_ROWS)" in problem


@pytest.mark.parametrize(
    "path",
    [
        *sorted(REAL.glob("*.xlsx")),
        *sorted((ROOT / "tests" / "fixtures").rglob("*.xlsx")),
    ],
    ids=lambda p: p.name,
)
def test_real_and_shipped_workbooks_pass_the_check(path: Path) -> None:
    assert xlsx_problem(path.read_bytes()) is None


def test_a_big_narrow_workbook_with_no_dimension_passes() -> None:
    # openpyxl's write-only mode declares no dimension: every reference is read.
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("events")
    for number in range(30_000):
        sheet.append([f"KF{number:05}", "2026-10-09", "late", 5, None, None, None, None, "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert b"<dimension" not in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    assert xlsx_problem(buffer.getvalue()) is None


# --- item 8: every malformed xlsx is a clear error ------------------------------------


def _truncate(sheet: bytes) -> bytes:
    return sheet[: len(sheet) // 2]


def _bad_styles(_: bytes) -> bytes:
    return b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="banana"/></cellXfs></styleSheet>'


def _shared_string_out_of_range(sheet: bytes) -> bytes:
    # openpyxl writes inline strings; a shared string 999 that the package lacks
    return re.sub(rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2" t="s"><v>999</v></c>', sheet, count=1)


def _bad_date_cell(sheet: bytes) -> bytes:
    return re.sub(
        rb'<c r="D2"[^>]*>.*?</c>', b'<c r="D2" t="d"><v>not-a-date</v></c>', sheet, count=1
    )


CORRUPTIONS: dict[str, tuple[str, Callable[[bytes], bytes | None]]] = {
    "truncated sheet XML": (SHEET, _truncate),
    "bad styles.xml": ("xl/styles.xml", _bad_styles),
    "shared-string index out of range": (SHEET, _shared_string_out_of_range),
    "bad t=d cell": (SHEET, _bad_date_cell),
    "no workbook part": ("xl/workbook.xml", lambda _: None),
    "no sheet part": (SHEET, lambda _: None),
    "garbage sheet": (SHEET, lambda _: b"\x00\x01garbage"),
    "no content types": ("[Content_Types].xml", lambda _: None),
}


def corrupted(kind: str) -> bytes:
    if kind == "corrupt deflate data":
        data = bytearray(valid_workbook(200))
        info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
        start = info.header_offset + 30 + len(SHEET) + len(info.extra)
        data[start + 10 : start + 40] = b"\xff" * 30
        return bytes(data)
    part, change = CORRUPTIONS[kind]
    data = rebuilt(valid_workbook(50), part, change)
    assert data != valid_workbook(50)
    return data


ALL_CORRUPTIONS = [*CORRUPTIONS, "corrupt deflate data"]


def test_the_corruptions_do_change_what_the_parts_say() -> None:
    sheet = zipfile.ZipFile(io.BytesIO(valid_workbook(50))).read(SHEET)
    assert _shared_string_out_of_range(sheet) != sheet
    assert _bad_date_cell(sheet) != sheet


@pytest.mark.parametrize("kind", ALL_CORRUPTIONS)
def test_a_malformed_workbook_is_an_issue_for_run_and_template(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(corrupted(kind))
    _, issues = read_table(path)
    assert issues, kind
    assert all(issue.file == str(path) for issue in issues)


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
@pytest.mark.parametrize("kind", ALL_CORRUPTIONS)
def test_a_malformed_workbook_is_an_issue_for_import(
    tmp_path: Path, kind: str, engine: str
) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(corrupted(kind))
    book, issues = open_book(path, engine=engine)
    if book is None:
        assert issues and issues[0].file == str(path)
        return
    try:
        with book:
            for sheet in book.sheet_names:
                list(book.rows(sheet))
    except InputError as error:
        assert error.issues[0].file == str(path)
        assert "cannot be read" in error.issues[0].message
    else:  # every engine refuses every corruption, so `import` and `run` agree
        if kind == "bad t=d cell" and engine == "calamine":
            return  # calamine gives the cell's text, which an import refuses as "not a date"
        pytest.fail(f"{kind} read by {engine} without a problem")


@pytest.mark.parametrize("kind", ALL_CORRUPTIONS)
def test_a_malformed_workbook_is_a_difference_for_replay(kind: str) -> None:
    expected = valid_workbook(50)
    differences = workbook_differences(expected, corrupted(kind))
    assert differences, kind
    assert all(isinstance(line, str) for line in differences)


def test_replay_refuses_a_bomb_before_comparing_parts() -> None:
    differences = workbook_differences(valid_workbook(), bomb(64 * 2**20))
    assert differences == [
        f"the file is not a readable Excel workbook: {SHEET} inflates more than "
        f"{MAX_RATIO}:1 (MAX_RATIO), as a zip bomb does"
    ]


# --- item 8: only regular files are read -----------------------------------------------


def test_a_fifo_a_device_and_a_folder_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    assert read_input(fifo) == (
        None,
        [
            Issue(
                str(fifo),
                None,
                None,
                "not a regular file (it is a FIFO, a named pipe); give a file",
            )
        ],
    )
    assert read_input("/dev/zero")[1] == [
        Issue("/dev/zero", None, None, "not a regular file (it is a device); give a file")
    ]
    assert read_input(tmp_path)[1] == [
        Issue(str(tmp_path), None, None, "is a directory, not a file")
    ]


def test_a_file_over_the_input_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(input_module, "MAX_INPUT_BYTES", 2**20)
    path = tmp_path / "events.csv"
    path.write_bytes(b"x" * (2**20 + 1))
    assert read_input(path)[1] == [
        Issue(str(path), None, None, "1 MB; an input file may be at most 1 MB (MAX_INPUT_BYTES)")
    ]


# --- the command line: exit 1, a message, nothing sealed, no traceback ----------------


def appraisal(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from appraisal.cli import main; raise SystemExit(main())"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def test_run_refuses_a_fifo_without_waiting(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    os.mkfifo(tmp_path / "events.csv")
    done = appraisal(
        "run", "--month", "2026-10", "--roster", "roster.csv", "--events", "events.csv",
        "--ledger", "l.db", cwd=tmp_path, timeout=30,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "events.csv: not a regular file (it is a FIFO, a named pipe)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "l.db").exists()


def test_run_refuses_an_unclosed_quote_and_seals_nothing(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        HEADER
        + 'KF001,2026-10-09,late,12,,,,,"oops\n'
        + "KF001,2026-10-12,absent,1,,,,,\n"
        + "KF001,2026-10-13,absent,1,,,,,\n"
        + 'KF002,2026-10-14,late,5,,,,,"traffic"\n',
        encoding="utf-8",
    )
    done = appraisal(
        "run", "--month", "2026-10", "--roster", "roster.csv", "--events", "events.csv",
        "--ledger", "l.db", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert 'events.csv:2:note: a quote (") opens a field on line 2 of the file' in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "l.db").exists()


@pytest.mark.parametrize("kind", ["truncated sheet XML", "shared-string index out of range"])
def test_import_of_a_malformed_export_exits_1(tmp_path: Path, kind: str) -> None:
    (tmp_path / "export.xlsx").write_bytes(corrupted(kind))
    done = appraisal(
        "import", "export.xlsx", "--month", "2026-10", "-o", "events.csv", cwd=tmp_path
    )
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("export.xlsx")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "events.csv").exists()


def test_template_from_a_bomb_exits_1_quickly(tmp_path: Path) -> None:
    (tmp_path / "roster.xlsx").write_bytes(bomb(64 * 2**20))
    done = appraisal(
        "template", "--month", "2026-10", "--roster", "roster.xlsx", "--out", "t.xlsx",
        cwd=tmp_path, timeout=30,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert "roster.xlsx: not a readable Excel workbook:" in done.stderr
    assert "MAX_RATIO" in done.stderr
    assert not (tmp_path / "t.xlsx").exists()


def test_a_damaged_export_given_to_run_names_its_cell_only(tmp_path: Path) -> None:
    """A DingTalk export whose row 5 holds a shared string the package lacks: `run` says
    where, and not that the export's header is not an events header."""
    export = FIXTURES / "dingtalk_daily_2026-10.xlsx"
    damaged = rebuilt(
        export.read_bytes(),
        "xl/worksheets/sheet1.xml",
        lambda sheet: re.sub(
            rb'<c r="A5"[^>]*>.*?</c>', b'<c r="A5" t="s"><v>99999</v></c>', sheet, count=1
        ),
    )
    (tmp_path / "export.xlsx").write_bytes(damaged)
    (tmp_path / "roster.csv").write_bytes((FIXTURES / "roster_2026-10.csv").read_bytes())
    done = appraisal(
        "run", "--month", "2026-10", "--roster", "roster.csv", "--events", "export.xlsx",
        "--ledger", "l.db", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith("export.xlsx:每日统计!A5: the sheet 每日统计 cannot be read")
    assert lines[1:] == ["1 problem in the input; nothing was written or sealed."]
