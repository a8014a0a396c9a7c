"""The read stage: files as users save them → records, and every problem as an Issue.

Files are written for real (CSV with and without BOM, GBK, xlsx from openpyxl, files
renamed to the wrong extension) and read back; each expected Issue is spelled out with
its file, row, column and message, so a reworded or misplaced message fails a test.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.domain.model import Employee, Event, Issue, Kind, Month, Source
from appraisal.pipeline import read_inputs
from appraisal.read import (
    FLAGS,
    Table,
    check_references,
    file_sha256,
    parse_events,
    parse_roster,
    read_event_tables,
    read_roster_table,
    read_table,
    rows_table,
)
from appraisal.read.vocabulary import FLAGS as FLAG_WORDS
from appraisal.read.vocabulary import KINDS, Vocabulary

OCTOBER = Month(2026, 10)
ROSTER_HEADER = ["employee_id", "name", "level", "hire_date"]
EVENT_HEADER = [
    "employee_id",
    "date",
    "kind",
    "value",
    "clause",
    "amount",
    "points",
    "flags",
    "note",
]


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8"
) -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    workbook.save(path)
    return path


def event(*cells: object, **named: object) -> list[object]:
    """An events row: employee_id, date, kind, value, clause, amount, points, flags, note."""
    row = [*cells, *[""] * (len(EVENT_HEADER) - len(cells))]
    for column, value in named.items():
        row[EVENT_HEADER.index(column)] = value
    return row


def read_events(path: Path, month: Month = OCTOBER) -> tuple[list[Event], list[Issue]]:
    table, issues = read_table(path)
    assert table is not None, issues
    events, found = parse_events(table, month)
    return events, issues + found


def events_of(tmp_path: Path, rows: list[list[object]]) -> tuple[list[Event], list[Issue], str]:
    path = write_csv(tmp_path / "events.csv", EVENT_HEADER, rows)
    events, issues = read_events(path)
    return events, issues, str(path)


def only_issue(issues: list[Issue]) -> Issue:
    assert len(issues) == 1, issues
    return issues[0]


# --- reading files ------------------------------------------------------------------------


def test_csv_with_bom_reads_to_exact_records(tmp_path: Path) -> None:
    roster_path = tmp_path / "roster.csv"
    roster_path.write_bytes(
        "\ufeffemployee_id,name,level,hire_date\r\n"
        "KF001,王芳,specialist,2024-01-01\r\n"
        " KF002 , 李强 ,specialist,\r\n".encode()
    )
    events_path = tmp_path / "events.csv"
    events_path.write_bytes(
        "\ufeffemployee_id,date,kind,value,clause,amount,points,flags,note\r\n"
        "KF001,2026-10-09,late,12,,,,,traffic\r\n"
        "KF002,2026-10-10,penalty,,7,80,5,serious,=SUM(A1)\r\n".encode()
    )
    table, issues = read_table(roster_path)
    assert issues == [] and table is not None
    assert table.header == ("employee_id", "name", "level", "hire_date")
    roster, issues = parse_roster(table)
    assert issues == []
    assert roster == [
        Employee("KF001", "王芳", "specialist", Source("roster.csv", 2), date(2024, 1, 1)),
        Employee("KF002", "李强", "specialist", Source("roster.csv", 3), None),
    ]
    events, issues = read_events(events_path)
    assert issues == []
    assert events == [
        Event(
            "KF001",
            date(2026, 10, 9),
            Kind.LATE,
            Source("events.csv", 2),
            Decimal(12),
            note="traffic",
        ),
        Event(
            "KF002",
            date(2026, 10, 10),
            Kind.PENALTY,
            Source("events.csv", 3),
            clause="7",
            amount=Decimal(80),
            points=Decimal(5),
            flags=frozenset({"serious"}),
            note="=SUM(A1)",
        ),
    ]


def test_xlsx_dates_and_numeric_cells_read_as_csv_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "events.xlsx",
        [
            EVENT_HEADER,
            ["KF001", datetime(2026, 10, 9), "late", 12.0, None, None, None, None, None],
            [None] * 9,  # an empty row in the middle is skipped, row numbers still count it
            ["KF002", date(2026, 10, 10), "personal_leave", 0.5],
            [1003, "2026-10-11", "penalty", None, 11.0, 45.98, 5, "serious", "note"],
        ],
    )
    table, issues = read_table(path)
    assert issues == [] and table is not None
    assert table.name == "events.xlsx"
    assert table.rows == (
        (2, ("KF001", "2026-10-09", "late", "12", "", "", "", "", "")),
        (4, ("KF002", "2026-10-10", "personal_leave", "0.5", "", "", "", "", "")),
        (5, ("1003", "2026-10-11", "penalty", "", "11", "45.98", "5", "serious", "note")),
    )
    events, issues = parse_events(table, OCTOBER)
    assert issues == []
    assert [(e.employee_id, e.date, e.kind, e.value, e.source.row) for e in events] == [
        ("KF001", date(2026, 10, 9), Kind.LATE, Decimal(12), 2),
        ("KF002", date(2026, 10, 10), Kind.PERSONAL_LEAVE, Decimal("0.5"), 4),
        ("1003", date(2026, 10, 11), Kind.PENALTY, None, 5),
    ]
    assert events[2].amount == Decimal("45.98") and events[2].clause == "11"


def test_xlsx_header_with_trailing_empty_cells_and_a_value_beyond_it(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            ["Employee_ID ", "Name", "LEVEL", None, None],
            ["KF001", "王芳", "specialist", None, "stray"],
        ],
    )
    table, issues = read_table(path)
    assert table is not None and table.header == ("employee_id", "name", "level")
    assert issues == [
        Issue(str(path), 2, None, "a value in column 5, which has no name in the header")
    ]


def test_xlsx_renamed_csv_is_not_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    write_xlsx(path, [EVENT_HEADER])
    table, issues = read_table(path)
    assert table is None
    assert only_issue(issues) == Issue(
        str(path),
        None,
        None,
        "not a CSV file (looks like an Excel workbook or another zip archive)",
    )


def test_binary_csv_is_not_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"employee_id,date\x00\x01\x02")
    table, issues = read_table(path)
    assert table is None
    assert only_issue(issues).message == "not a CSV file (looks like a binary file)"


def test_utf16_csv_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes("employee_id\tdate\n".encode("utf-16"))
    assert "UTF-16" in only_issue(read_table(path)[1]).message


def test_csv_renamed_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.xlsx", ROSTER_HEADER, [["KF001", "王芳", "specialist"]])
    table, issues = read_table(path)
    assert table is None
    assert only_issue(issues) == Issue(
        str(path),
        None,
        None,
        "not an Excel workbook (looks like a text file, perhaps a CSV renamed .xlsx)",
    )


def test_zip_without_a_workbook_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    table, issues = read_table(path)
    assert table is None
    assert only_issue(issues).message == (
        "not a readable Excel workbook: no [Content_Types].xml: not a complete Excel package"
    )


def test_gbk_csv_asks_for_csv_utf8(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv", ROSTER_HEADER, [["KF001", "王芳", "specialist", ""]], "gbk"
    )
    table, issues = read_table(path)
    assert table is None
    issue = only_issue(issues)
    assert (issue.file, issue.row, issue.column) == (str(path), None, None)
    assert issue.message.startswith("not UTF-8 text (it looks like GBK/GB18030")
    assert "first bad byte on line 2" in issue.message
    assert '"CSV UTF-8 (Comma delimited) (*.csv)"' in issue.message


def test_ragged_rows_are_reported_and_blank_lines_skipped(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "employee_id,name,level\n"
        "KF001,王芳,specialist\n"
        "\n"
        "KF002,李强\n"
        ",,\n"
        "KF003,张敏,specialist,extra\n"
        "KF004,刘洋,specialist\n",
        encoding="utf-8",
    )
    table, issues = read_table(path)
    assert table is not None
    assert issues == [
        Issue(str(path), 4, None, "row has 2 fields, the header has 3"),
        Issue(str(path), 6, None, "row has 4 fields, the header has 3"),
    ]
    assert [row for row, _ in table.rows] == [2, 7]


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        EVENT_HEADER,
        [event("KF001", "2026-10-09", "late", 5, note="line one\nline two"), event("KF001", "x")],
    )
    events, issues = read_events(path)
    assert events[0].note == "line one\nline two"
    assert Issue(str(path), 3, "date", "not a date: 'x' (expected YYYY-MM-DD)") in issues


def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("employee_id;name;level\nKF001;王芳;specialist\n", encoding="utf-8")
    table, issues = read_table(path)
    assert issues == [] and table is not None
    assert table.rows == ((2, ("KF001", "王芳", "specialist")),)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("events.txt", b"a,b\n", "unsupported file type '.txt' (.csv or .xlsx)"),
        ("events.xls", b"a,b\n", "unsupported file type '.xls' (.csv or .xlsx)"),
        ("events", b"a,b\n", "unsupported file type (no extension) (.csv or .xlsx)"),
        ("empty.csv", b"", "the file is empty (no header row)"),
        ("blank.csv", b"\r\n\r\n , \r\n", "the file is empty (no header row)"),
        ("bom_only.csv", b"\xef\xbb\xbf", "the file is empty (no header row)"),
    ],
)
def test_files_that_cannot_be_tables(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert read_table(path) == (None, [Issue(str(path), None, None, message)])


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    assert read_table(path) == (None, [Issue(str(path), None, None, "file not found")])


def test_empty_xlsx_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", [])
    assert read_table(path) == (
        None,
        [Issue(str(path), None, None, "the first worksheet is empty (no header)")],
    )


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "events.csv", EVENT_HEADER, [])
    assert read_events(path) == ([], [])


def test_duplicate_header_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        ["employee_id", "name", "level", "Name"],
        [["KF001", "王芳", "specialist", "x"]],
    )
    table, _ = read_table(path)
    assert table is not None
    _, issues = parse_roster(table)
    assert issues == [Issue(str(path), 1, "name", "column 'name' appears twice (columns 2 and 4)")]


def test_nameless_column_is_fine_while_empty(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv", ["employee_id", "", "name", "level"], [["KF001", "", "王芳", "s"]]
    )
    table, _ = read_table(path)
    assert table is not None
    assert parse_roster(table)[1] == []
    path = write_csv(
        tmp_path / "roster.csv", ["employee_id", "", "name", "level"], [["KF001", "9", "王芳", "s"]]
    )
    table, _ = read_table(path)
    assert table is not None
    assert parse_roster(table)[1] == [
        Issue(str(path), 2, None, "a value in column 2, which has no name in the header")
    ]


def test_file_sha256(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"employee_id,date,kind\n")
    assert file_sha256(path) == hashlib.sha256(b"employee_id,date,kind\n").hexdigest()


# --- roster -------------------------------------------------------------------------------


def roster_of(
    tmp_path: Path, header: list[str], rows: list[list[object]]
) -> tuple[list[Employee], list[Issue], str]:
    path = write_csv(tmp_path / "roster.csv", header, rows)
    table, issues = read_table(path)
    assert table is not None and issues == []
    employees, issues = parse_roster(table)
    return employees, issues, str(path)


def test_roster_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    employees, issues, path = roster_of(
        tmp_path,
        ROSTER_HEADER,
        [
            ["KF001", "王芳", "specialist", ""],
            ["KF002", "李强", "specialist", ""],
            ["KF001", "x", "intern", ""],
        ],
    )
    assert issues == [Issue(path, 4, "employee_id", "duplicate employee_id 'KF001' (also row 2)")]
    assert [e.employee_id for e in employees] == ["KF001", "KF002"]


def test_roster_empty_cells_and_bad_hire_date(tmp_path: Path) -> None:
    employees, issues, path = roster_of(
        tmp_path,
        [*ROSTER_HEADER, "department"],
        [
            ["KF001", " ", "specialist", "2024/1/5", "售后"],
            ["", "李强", "", "2024-02-30", ""],
            ["KF003", "张敏", "specialist", "5 Jan 2024", ""],
            ["KF004", "刘洋", "intern", "", " 售前 "],
        ],
    )
    assert issues == [
        Issue(path, 2, "name", "required value is missing"),
        Issue(path, 3, "employee_id", "required value is missing"),
        Issue(path, 3, "level", "required value is missing"),
        Issue(path, 3, "hire_date", "not a date: '2024-02-30' (no such day)"),
        Issue(path, 4, "hire_date", "not a date: '5 Jan 2024' (expected YYYY-MM-DD)"),
    ]
    assert employees == [
        Employee("KF004", "刘洋", "intern", Source("roster.csv", 5), None, department="售前")
    ]


def test_roster_missing_and_unknown_columns(tmp_path: Path) -> None:
    employees, issues, path = roster_of(
        tmp_path, ["employee_id", "nmae", "hire_date", "电话"], [["KF001", "王芳", "", "1"]]
    )
    assert issues == [
        Issue(path, 1, "nmae", "unknown column 'nmae'; did you mean 'name'?"),
        Issue(
            path,
            1,
            "电话",
            "unknown column '电话' (expected one of: department, employee_id, hire_date, level, name)",
        ),
        Issue(path, 1, "name", "missing required column 'name'"),
        Issue(path, 1, "level", "missing required column 'level'"),
    ]
    assert employees == []


# --- events -------------------------------------------------------------------------------


def test_typo_column_suggests_the_right_one(tmp_path: Path) -> None:
    header = ["employee_id", "date", "kind", "amout"]
    path = write_csv(tmp_path / "events.csv", header, [["KF001", "2026-10-09", "reward"]])
    _, issues = read_events(path)
    assert Issue(str(path), 1, "amout", "unknown column 'amout'; did you mean 'amount'?") in issues


def test_missing_required_column_is_reported_once(tmp_path: Path) -> None:
    header = ["employee_id", "kind", "value"]
    path = write_csv(
        tmp_path / "events.csv", header, [["KF001", "late", "5"], ["KF002", "late", "9"]]
    )
    events, issues = read_events(path)
    assert issues == [Issue(str(path), 1, "date", "missing required column 'date'")]
    assert events == []


def test_typo_kind_suggests_the_right_one(tmp_path: Path) -> None:
    _, issues, path = events_of(
        tmp_path,
        [event("KF001", "2026-10-09", "lat", 5), event("KF001", "2026-10-09", "Sick-Leave", 1)],
    )
    assert issues == [
        Issue(path, 2, "kind", "unknown kind 'lat'; did you mean 'late'?"),
        Issue(path, 3, "kind", "unknown kind 'Sick-Leave'; did you mean 'sick_leave'?"),
    ]


def test_unknown_kind_without_a_close_match_lists_the_kinds(tmp_path: Path) -> None:
    _, issues, _ = events_of(tmp_path, [event("KF001", "2026-10-09", "出差", 5)])
    message = only_issue(issues).message
    assert message.startswith("unknown kind '出差' (expected one of: absent, criterion,")
    assert "termination, unfit)" in message


def test_kind_is_case_insensitive(tmp_path: Path) -> None:
    events, issues, _ = events_of(tmp_path, [event("KF001", "2026-10-09", " LATE ", 5)])
    assert issues == [] and events[0].kind is Kind.LATE


def test_required_cells_empty(tmp_path: Path) -> None:
    events, issues, path = events_of(
        tmp_path, [event("", "", "", "", note="x"), event(" ", "2026-10-09", "unfit")]
    )
    assert issues == [
        Issue(path, 2, "employee_id", "required value is missing"),
        Issue(path, 2, "date", "required value is missing"),
        Issue(path, 2, "kind", "required value is missing"),
        Issue(path, 3, "employee_id", "required value is missing"),
    ]
    assert events == []


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-10-09", date(2026, 10, 9)),
        ("2026/10/09", date(2026, 10, 9)),
        ("2026/10/9", date(2026, 10, 9)),
        ("２０２６－１０－０９", date(2026, 10, 9)),
        ("2026-10-09 00:00:00", date(2026, 10, 9)),
        (" 2026-10-31 ", date(2026, 10, 31)),
    ],
)
def test_accepted_dates(tmp_path: Path, text: str, day: date) -> None:
    events, issues, _ = events_of(tmp_path, [event("KF001", text, "late", 5)])
    assert issues == [] and events[0].date == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-02", "date 2026-11-02 is outside the month 2026-10"),
        ("2026-09-30", "date 2026-09-30 is outside the month 2026-10"),
        ("2026-10-32", "not a date: '2026-10-32' (no such day)"),
        ("09/10/2026", "not a date: '09/10/2026' (expected YYYY-MM-DD)"),
        ("2026-10/09", "not a date: '2026-10/09' (expected YYYY-MM-DD)"),
        ("20261009", "not a date: '20261009' (expected YYYY-MM-DD)"),
    ],
)
def test_rejected_dates(tmp_path: Path, text: str, message: str) -> None:
    events, issues, path = events_of(tmp_path, [event("KF001", text, "late", 5)])
    assert issues == [Issue(path, 2, "date", message)] and events == []


@pytest.mark.parametrize(
    "text", ["5O", "abc", "NaN", "nan", "Infinity", "-inf", "1,000", "1e", "5分钟", "0x10"]
)
def test_not_a_number(tmp_path: Path, text: str) -> None:
    events, issues, path = events_of(
        tmp_path, [event("KF001", "2026-10-09", "reward", "", 1, text)]
    )
    assert issues == [Issue(path, 2, "amount", f"not a number: {text!r}")] and events == []


def test_not_a_number_in_each_numeric_column(tmp_path: Path) -> None:
    _, issues, path = events_of(
        tmp_path, [event("KF001", "2026-10-09", "penalty", "x", 3, "y", "z")]
    )
    assert issues == [
        Issue(path, 2, "value", "not a number: 'x'"),
        Issue(path, 2, "amount", "not a number: 'y'"),
        Issue(path, 2, "points", "not a number: 'z'"),
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", Decimal(12)),
        (" 12.50 ", Decimal("12.50")),
        ("１２．５", Decimal("12.5")),
        ("+3", Decimal(3)),
        ("1e2", Decimal(100)),
    ],
)
def test_numbers_are_exact_decimals(tmp_path: Path, text: str, number: Decimal) -> None:
    events, issues, _ = events_of(tmp_path, [event("KF001", "2026-10-09", "reward", "", 1, text)])
    assert issues == [] and events[0].amount == number


def test_negative_amount(tmp_path: Path) -> None:
    _, issues, path = events_of(tmp_path, [event("KF001", "2026-10-09", "reward", "", 1, "-5")])
    assert issues == [Issue(path, 2, "amount", "amount must not be negative, got '-5'")]


def test_flags_with_spaces_case_and_full_width_separators(tmp_path: Path) -> None:
    events, issues, _ = events_of(
        tmp_path,
        [
            event("KF001", "2026-10-02", "overtime", 1, flags=" Holiday ; comp_time "),
            event("KF001", "2026-10-10", "overtime", 1, flags="rest_day；SELF_CAUSED"),
            event("KF001", "2026-10-11", "overtime", 1, flags="rest_day，comp_time,"),
            event("KF001", "2026-10-12", "overtime", 1, flags=" ; "),
        ],
    )
    assert issues == []
    assert [e.flags for e in events] == [
        frozenset({"holiday", "comp_time"}),
        frozenset({"rest_day", "self_caused"}),
        frozenset({"rest_day", "comp_time"}),
        frozenset(),
    ]


def test_unknown_flag_suggests_the_right_one(tmp_path: Path) -> None:
    _, issues, path = events_of(
        tmp_path, [event("KF001", "2026-10-09", "early_leave", 20, flags="excsued;urgent")]
    )
    assert issues[0] == Issue(path, 2, "flags", "unknown flag 'excsued'; did you mean 'excused'?")
    assert issues[1].message.startswith("unknown flag 'urgent' (expected one of: approved,")
    assert len(issues) == 2


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("11", "11"),
        (" 11 ", "11"),
        ("11.0", "11"),
        ("１１", "11"),
        ("07", "7"),
        ("csat", "csat"),
        ("11.5", "11.5"),
    ],
)
def test_clause_normalised(tmp_path: Path, text: str, clause: str) -> None:
    events, issues, _ = events_of(tmp_path, [event("KF001", "2026-10-09", "metric", 90, text)])
    assert issues == [] and events[0].clause == clause


def test_note_kept_as_is(tmp_path: Path) -> None:
    note = '  =HYPERLINK("x"), 经理批准; +1  '
    events, issues, _ = events_of(tmp_path, [event("KF001", "2026-10-09", "unfit", note=note)])
    assert issues == [] and events[0].note == note


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (event("K", "2026-10-09", "late"), "value", "a late row needs a value (minutes late)"),
        (event("K", "2026-10-09", "late", 0), "value", "minutes late must be more than 0, got '0'"),
        (
            event("K", "2026-10-09", "early_leave", -5),
            "value",
            "minutes left early must be more than 0, got '-5'",
        ),
        (
            event("K", "2026-10-09", "early_leave"),
            "value",
            "an early_leave row needs a value (minutes left early)",
        ),
        (event("K", "2026-10-09", "absent"), "value", "an absent row needs a value (days absent)"),
        (
            event("K", "2026-10-09", "absent", "0.3"),
            "value",
            "days absent must be a positive multiple of 0.5, got '0.3'",
        ),
        (
            event("K", "2026-10-09", "personal_leave", 0),
            "value",
            "days of leave must be a positive multiple of 0.5, got '0'",
        ),
        (
            event("K", "2026-10-09", "sick_leave", "1.25"),
            "value",
            "days of leave must be a positive multiple of 0.5, got '1.25'",
        ),
        (
            event("K", "2026-10-09", "overtime", 0, flags="holiday"),
            "value",
            "days worked must be more than 0, got '0'",
        ),
        (
            event("K", "2026-10-09", "overtime", 1, flags="holiday;rest_day"),
            "flags",
            "an overtime row cannot be both 'holiday' and 'rest_day'",
        ),
        (
            event("K", "2026-10-09", "criterion", 1),
            "clause",
            "a criterion row needs a clause (the criterion number)",
        ),
        (
            event("K", "2026-10-09", "criterion", "", 1),
            "value",
            "a criterion row needs a value (1 met, 0 not met)",
        ),
        (
            event("K", "2026-10-09", "criterion", "0.5", 1),
            "value",
            "a criterion value must be 1 (met) or 0 (not met), got '0.5'",
        ),
        (event("K", "2026-10-09", "exam"), "value", "an exam row needs a value (the exam score)"),
        (
            event("K", "2026-10-09", "exam", "100.5"),
            "value",
            "the exam score must be between 0 and 100, got '100.5'",
        ),
        (
            event("K", "2026-10-09", "exam", -1),
            "value",
            "the exam score must be between 0 and 100, got '-1'",
        ),
        (
            event("K", "2026-10-09", "reward", "", "", 50),
            "clause",
            "a reward row needs a clause (the reward clause number)",
        ),
        (
            event("K", "2026-10-09", "penalty", "", "", 50),
            "clause",
            "a penalty row needs a clause (the penalty clause number)",
        ),
        (
            event("K", "2026-10-09", "promotion", flags="approved", note="  "),
            "note",
            "a promotion row needs a note (the target level id, e.g. team_lead)",
        ),
        (
            event("K", "2026-10-09", "termination"),
            "value",
            "a termination row needs a value (working days worked)",
        ),
        (
            event("K", "2026-10-09", "termination", 32),
            "value",
            "working days worked must be between 0 and 31, got '32'",
        ),
        (
            event("K", "2026-10-09", "metric", 90),
            "clause",
            "a metric row needs a clause (the metric's name)",
        ),
        (
            event("K", "2026-10-09", "metric", "", "csat"),
            "value",
            "a metric row needs a value (the measured figure)",
        ),
    ],
)
def test_kind_shape_checks(tmp_path: Path, row: list[object], column: str, message: str) -> None:
    events, issues, path = events_of(tmp_path, [row])
    assert issues == [Issue(path, 2, column, message)]
    assert events == []


@pytest.mark.parametrize(
    "row",
    [
        event("K", "2026-10-09", "late", 1),
        event("K", "2026-10-09", "absent", "0.5"),
        event("K", "2026-10-09", "sick_leave", "1.0"),
        event("K", "2026-10-09", "overtime", "0.5", flags="rest_day"),
        event("K", "2026-10-09", "criterion", 0, 3),
        event("K", "2026-10-09", "exam", 0),
        event("K", "2026-10-09", "exam", 100),
        event("K", "2026-10-09", "termination", 0),
        event("K", "2026-10-09", "termination", "12.5"),
        event("K", "2026-10-09", "reward", "", 3, 0),
        event("K", "2026-10-09", "major_fault"),
        event("K", "2026-10-09", "promotion", flags="approved", note=" team_lead "),
        event("K", "2026-10-09", "metric", "-3.5", "nps"),
    ],
)
def test_kind_shapes_accepted(tmp_path: Path, row: list[object]) -> None:
    events, issues, _ = events_of(tmp_path, [row])
    assert issues == [] and len(events) == 1


def test_promotion_note_is_the_stripped_level_id(tmp_path: Path) -> None:
    events, _, _ = events_of(tmp_path, [event("K", "2026-10-09", "promotion", note=" team_lead ")])
    assert events[0].note == "team_lead"


def test_once_a_month_rows_name_the_first_row(tmp_path: Path) -> None:
    events, issues, path = events_of(
        tmp_path,
        [
            event("KF001", "2026-10-30", "exam", 91),
            event("KF001", "2026-10-30", "criterion", 1, 1),
            event("KF002", "2026-10-30", "exam", 80),
            event("KF001", "2026-10-31", "exam", 92),
            event("KF001", "2026-10-30", "criterion", 0, "1.0"),
            event("KF001", "2026-10-30", "criterion", 1, 2),
            event("KF001", "2026-10-20", "termination", 15),
            event("KF001", "2026-10-21", "termination", 16),
            event("KF001", "2026-10-31", "exam", 93),
        ],
    )
    assert issues == [
        Issue(path, 5, "kind", "more than one exam row for 'KF001' this month (also row 2)"),
        Issue(
            path, 6, "clause", "more than one criterion 1 row for 'KF001' this month (also row 3)"
        ),
        Issue(path, 9, "kind", "more than one termination row for 'KF001' this month (also row 8)"),
        Issue(path, 10, "kind", "more than one exam row for 'KF001' this month (also row 2)"),
    ]
    assert [e.source.row for e in events] == [2, 3, 4, 7, 8]


def test_every_problem_of_a_row_is_reported(tmp_path: Path) -> None:
    _, issues, path = events_of(
        tmp_path, [event("KF001", "2026-11-01", "penalty", "", "", "5O", "", "seriuos")]
    )
    assert issues == [
        Issue(path, 2, "date", "date 2026-11-01 is outside the month 2026-10"),
        Issue(path, 2, "amount", "not a number: '5O'"),
        Issue(path, 2, "flags", "unknown flag 'seriuos'; did you mean 'serious'?"),
        Issue(path, 2, "clause", "a penalty row needs a clause (the penalty clause number)"),
    ]
    assert str(issues[1]) == f"{path}:2:amount: not a number: '5O'"


# --- across files -------------------------------------------------------------------------


def test_unknown_employee_names_the_file_as_given(tmp_path: Path) -> None:
    roster, issues, _ = roster_of(tmp_path, ROSTER_HEADER, [["KF001", "王芳", "specialist", ""]])
    events_path = write_csv(
        tmp_path / "events.csv",
        EVENT_HEADER,
        [
            event("KF001", "2026-10-09", "late", 5),
            event("KF01", "2026-10-09", "late", 5),
            event("ZZ", "2026-10-10", "unfit"),
        ],
    )
    table, _ = read_table(events_path)
    assert table is not None
    events, issues = parse_events(table, OCTOBER)
    assert issues == []
    assert check_references(roster, events, [table]) == [
        Issue(
            str(events_path),
            3,
            "employee_id",
            "unknown employee 'KF01': not in the roster; did you mean 'KF001'?",
        ),
        Issue(str(events_path), 4, "employee_id", "unknown employee 'ZZ': not in the roster"),
    ]


def test_once_a_month_rows_repeated_across_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first = write_csv(
        tmp_path / "a" / "attendance.csv", EVENT_HEADER, [event("K1", "2026-10-30", "exam", 90)]
    )
    second = write_csv(
        tmp_path / "manager.csv",
        EVENT_HEADER,
        [event("K1", "2026-10-01", "late", 5), event("K1", "2026-10-30", "exam", 95)],
    )
    tables = [read_table(first)[0], read_table(second)[0]]
    assert tables[0] is not None and tables[1] is not None
    events = parse_events(tables[0], OCTOBER)[0] + parse_events(tables[1], OCTOBER)[0]
    roster = [Employee("K1", "n", "specialist", Source("roster.csv", 2))]
    assert check_references(roster, events, [t for t in tables if t]) == [
        Issue(
            str(second),
            3,
            "kind",
            f"more than one exam row for 'K1' this month (also row 2 of {first})",
        )
    ]


def test_two_events_files_with_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    tables = []
    for folder in ("a", "b"):
        table, _ = read_table(write_csv(tmp_path / folder / "events.csv", EVENT_HEADER, []))
        assert table is not None
        tables.append(table)
    issue = only_issue(check_references([], [], tables))
    assert issue.file == str(tmp_path / "b" / "events.csv")
    assert issue.message.startswith("two events files are named 'events.csv'")


# --- the Python API -----------------------------------------------------------------------


def test_rows_table_converts_values_like_csv_cells() -> None:
    table = rows_table(
        "events",
        [
            {"employee_id": "KF001", "date": date(2026, 10, 9), "kind": "late", "value": 12.0},
            {
                "employee_id": 7,
                "date": "2026-10-10",
                "kind": "exam",
                "value": Decimal("88.5"),
                "Note": None,
            },
        ],
    )
    assert table == Table(
        "events",
        "events",
        ("employee_id", "date", "kind", "value", "note"),
        (
            (2, ("KF001", "2026-10-09", "late", "12", "")),
            (3, ("7", "2026-10-10", "exam", "88.5", "")),
        ),
    )
    events, issues = parse_events(table, OCTOBER)
    assert issues == []
    assert [(e.employee_id, e.value, e.source) for e in events] == [
        ("KF001", Decimal(12), Source("events", 2)),
        ("7", Decimal("88.5"), Source("events", 3)),
    ]


def test_rows_table_issues_name_the_table() -> None:
    table = rows_table(
        "events", [{"employee_id": "K", "date": "2026-10-09", "kind": "late", "value": "x"}]
    )
    assert parse_events(table, OCTOBER)[1] == [Issue("events", 2, "value", "not a number: 'x'")]


# --- properties ---------------------------------------------------------------------------

cell_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({column: cell_text for column in EVENT_HEADER}), max_size=6))
def test_every_row_becomes_an_event_or_an_issue(rows: list[dict[str, str]]) -> None:
    """Whatever the cells hold, parsing never raises and no row is silently dropped."""
    table = rows_table("events", rows)
    events, issues = parse_events(table, OCTOBER)
    accounted = {e.source.row for e in events} | {i.row for i in issues}
    assert accounted >= {number for number, _ in table.rows}
    assert not {e.source.row for e in events} & {i.row for i in issues}


@settings(max_examples=50, deadline=None)
@given(
    note=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
    ),
    amount=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_csv_round_trip_keeps_note_and_amount_exact(note: str, amount: Decimal) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(
            Path(folder) / "events.csv",
            EVENT_HEADER,
            [event("KF001", "2026-10-09", "reward", "", 1, str(amount), note=note)],
        )
        events, issues = read_events(path)
    assert issues == []
    assert events[0].note == note and events[0].amount == amount


@settings(max_examples=50, deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_xlsx_number_cells_read_as_the_decimal_typed(number: Decimal) -> None:
    """A number typed into Excel (a binary float in the file) comes back as typed: 45.98."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(
            Path(folder) / "events.xlsx",
            [EVENT_HEADER, ["K", "2026-10-09", "metric", float(number), "csat"]],
        )
        events, issues = read_events(path)
    assert issues == []
    assert events[0].value == number


# --- Chinese and bilingual words (appraisal.vocabulary) -----------------------------------

CHINESE_EVENT_HEADER = ["工号", "日期", "类型", "数值", "条款", "金额", "分数", "标记", "备注"]


def test_chinese_event_headers_read_as_the_english_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        CHINESE_EVENT_HEADER,
        [["KF001", "2026-10-10", "penalty", "", "7", "80", "", "serious", "指标未完成"]],
    )
    table, _ = read_table(path)
    assert table is not None
    assert table.header == tuple(EVENT_HEADER)
    events, issues = parse_events(table, OCTOBER)
    assert issues == []
    assert events == [
        Event(
            "KF001",
            date(2026, 10, 10),
            Kind.PENALTY,
            Source("events.csv", 2),
            clause="7",
            amount=Decimal(80),
            flags=frozenset({"serious"}),
            note="指标未完成",
        )
    ]


@pytest.mark.parametrize(
    "header",
    [
        "工号 employee_id",  # as the template writes it
        "工号(employee_id)",
        "工号（employee_id）",  # full-width parentheses, as a Chinese IME types them
        "employee_id 工号",
        " 工 号 ",  # stray spaces
        "工号\nemployee_id",
        "ＥＭＰＬＯＹＥＥ＿ＩＤ",
    ],
)
def test_bilingual_header_spellings(tmp_path: Path, header: str) -> None:
    path = write_csv(
        tmp_path / "roster.csv", [header, "姓名", "职级"], [["KF001", "王芳", "specialist"]]
    )
    table, _ = read_table(path)
    assert table is not None
    assert table.header == ("employee_id", "name", "level")
    employees, issues = parse_roster(table)
    assert issues == [] and [e.employee_id for e in employees] == ["KF001"]


@pytest.mark.parametrize("level", ["职级", "级别", "岗位级别", "岗位级别 level"])
def test_chinese_roster_headers(tmp_path: Path, level: str) -> None:
    employees, issues, _ = roster_of(
        tmp_path,
        ["工号", "姓名", level, "入职日期", "部门"],
        [["KF001", "王芳", "specialist", "2024-01-05", "售后"]],
    )
    assert issues == []
    assert employees == [
        Employee("KF001", "王芳", "specialist", Source("roster.csv", 2), date(2024, 1, 5), "售后")
    ]


def test_an_alias_and_its_english_name_both_present(tmp_path: Path) -> None:
    _, issues, path = roster_of(
        tmp_path,
        ["工号", "name", "level", "employee_id"],
        [["KF001", "王芳", "specialist", "KF001"]],
    )
    assert issues == [
        Issue(
            path,
            1,
            "employee_id",
            "columns '工号' and 'employee_id' both mean 'employee_id' (columns 1 and 4); "
            "keep one of them",
        )
    ]
    assert str(issues[0]).startswith(f"{path}:1:employee_id: columns '工号' and 'employee_id'")


def test_a_bilingual_header_whose_halves_disagree_is_unknown(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv", ["工号", "日期 kind", "类型"], [["KF001", "2026-10-09", "unfit"]]
    )
    _, issues = read_events(path)
    assert issues[0].column == "日期 kind"
    assert issues[0].message.startswith("unknown column '日期 kind'")
    assert Issue(str(path), 1, "date", "missing required column 'date'") in issues


def test_a_chinese_header_typo_suggests_the_chinese_name(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv", ["工号", "日其", "类型"], [["KF001", "2026-10-09", "unfit"]]
    )
    _, issues = read_events(path)
    assert Issue(str(path), 1, "日其", "unknown column '日其'; did you mean '日期'?") in issues


# Written out from interface.md ("Events": the flags column and the kind table) plus
# `metric`, scheme.md's service-quality metrics; never derived from the code, so that a
# word added to or dropped from the vocabulary fails here until the interface says so.
INTERFACE_KINDS = {
    "late",
    "early_leave",
    "absent",
    "personal_leave",
    "sick_leave",
    "paid_leave",  # issue 15: 年假 and the other paid leave, by its type in the clause
    "overtime",
    "criterion",
    "exam",
    "reward",
    "penalty",
    "major_fault",
    "unfit",
    "promotion",
    "termination",
    "metric",
}
INTERFACE_FLAGS = {
    "serious",
    "excused",
    "holiday",
    "rest_day",
    "comp_time",
    "self_caused",
    "approved",
}


def test_the_vocabulary_names_the_kinds_and_flags_of_the_interface() -> None:
    assert {kind.value for kind in Kind} == INTERFACE_KINDS
    assert set(KINDS.names) == INTERFACE_KINDS
    assert set(FLAG_WORDS.names) == INTERFACE_FLAGS
    assert FLAGS == INTERFACE_FLAGS


@pytest.mark.parametrize("flag", sorted(INTERFACE_FLAGS))
def test_every_flag_of_the_interface_reads_back(tmp_path: Path, flag: str) -> None:
    events, issues, _ = events_of(tmp_path, [event("KF001", "2026-10-09", "late", 5, flags=flag)])
    assert issues == []
    assert [e.flags for e in events] == [frozenset({flag})]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("迟到", Kind.LATE),
        ("早退", Kind.EARLY_LEAVE),
        ("旷工", Kind.ABSENT),
        ("事假", Kind.PERSONAL_LEAVE),
        ("病假", Kind.SICK_LEAVE),
        ("加班", Kind.OVERTIME),
        ("考核标准", Kind.CRITERION),
        ("基本考核", Kind.CRITERION),
        ("考试", Kind.EXAM),
        ("奖励", Kind.REWARD),
        ("处罚", Kind.PENALTY),
        ("重大失误", Kind.MAJOR_FAULT),
        ("重大过错", Kind.MAJOR_FAULT),
        ("不胜任", Kind.UNFIT),
        ("晋升", Kind.PROMOTION),
        ("离职", Kind.TERMINATION),
        ("指标", Kind.METRIC),
        ("迟到 late", Kind.LATE),  # the template's drop-down
        ("迟到（late）", Kind.LATE),
        ("LATE 迟到", Kind.LATE),
        (" 事 假 ", Kind.PERSONAL_LEAVE),
    ],
)
def test_chinese_kinds(text: str, kind: Kind) -> None:
    assert KINDS.lookup(text) == kind.value


def test_chinese_kinds_and_flags_in_a_file(tmp_path: Path) -> None:
    events, issues, _ = events_of(
        tmp_path,
        [
            event("KF001", "2026-10-03", "加班", 1, flags="节假日;调休"),
            event("KF001", "2026-10-10", "加班 overtime", 1, flags="休息日、自身原因"),
            event("KF001", "2026-10-11", "处罚", "", 9, 50, 8, "严重"),
            event("KF001", "2026-10-12", "早退", 30, flags="有因"),
            event("KF001", "2026-10-13", "早退", 30, flags="特殊情况"),
            event("KF001", "2026-10-14", "晋升", flags="已批准", note="team_lead"),
            event("KF001", "2026-10-15", "加班", 1, flags="节假日 holiday；补休 comp_time"),
        ],
    )
    assert issues == []
    assert [(e.kind, e.flags) for e in events] == [
        (Kind.OVERTIME, frozenset({"holiday", "comp_time"})),
        (Kind.OVERTIME, frozenset({"rest_day", "self_caused"})),
        (Kind.PENALTY, frozenset({"serious"})),
        (Kind.EARLY_LEAVE, frozenset({"excused"})),
        (Kind.EARLY_LEAVE, frozenset({"excused"})),
        (Kind.PROMOTION, frozenset({"approved"})),
        (Kind.OVERTIME, frozenset({"holiday", "comp_time"})),
    ]


def test_chinese_typos_suggest_the_chinese_word(tmp_path: Path) -> None:
    _, issues, path = events_of(
        tmp_path,
        [
            event("KF001", "2026-10-09", "迟道", 5),
            event("KF001", "2026-10-10", "加班", 1, flags="节日"),
            event("KF001", "2026-10-11", "迟到 overtime", 5),  # the halves disagree
        ],
    )
    assert issues[0] == Issue(path, 2, "kind", "unknown kind '迟道'; did you mean '迟到'?")
    assert issues[1] == Issue(path, 3, "flags", "unknown flag '节日'; did you mean '节假日'?")
    assert issues[2].row == 4 and issues[2].message.startswith("unknown kind '迟到 overtime'")
    assert len(issues) == 3


# --- the managers' workbook (payroll_export.template) ---------------------------------------

TEMPLATE_EVENT_HEADER = ["工号 employee_id", "姓名 name", "日期 date", "类型 kind", "数值 value"]
APPRAISAL_HEADER = [
    "工号 employee_id",
    "姓名 name",
    "日期 date",
    "类型 kind",
    "条款 clause",
    "条款内容 clause_title",
    "数值 value",
    "备注 note",
]


def write_sheets(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "说明"
    first["A1"] = "instructions, never read"
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_a_template_workbook_is_read_from_its_two_event_sheets(tmp_path: Path) -> None:
    path = write_sheets(
        tmp_path / "input.xlsx",
        {
            "名册": [["工号 employee_id", "姓名 name", "职级 level"], ["KF001", "王芳", "intern"]],
            "考勤": [
                TEMPLATE_EVENT_HEADER,
                ["KF001", "=VLOOKUP(A2,名册!A:B,2,FALSE)", datetime(2026, 10, 9), "迟到 late", 12],
            ],
            "考评": [
                APPRAISAL_HEADER,
                # prefilled, then filled: read
                ["KF001", "王芳", date(2026, 10, 31), "考核标准 criterion", "1", "品德", 1],
                # prefilled and left empty: skipped, and so not met
                ["KF001", "王芳", date(2026, 10, 31), "考核标准 criterion", "2", "踏实"],
                ["KF001", "王芳", date(2026, 10, 31), "考试 exam", None, "考试"],
                # a free row
                ["KF001", None, date(2026, 10, 20), "奖励 reward", "2"],
            ],
        },
    )
    tables, issues = read_event_tables(path)
    assert issues == []
    assert [(t.file, t.name, t.template) for t in tables] == [
        (f"{path}[考勤]", "input.xlsx[考勤]", True),
        (f"{path}[考评]", "input.xlsx[考评]", True),
    ]
    events = [e for t in tables for e in parse_events(t, OCTOBER)[0]]
    assert [e.source for e in events] == [
        Source("input.xlsx[考勤]", 2),
        Source("input.xlsx[考评]", 2),
        Source("input.xlsx[考评]", 5),
    ]
    assert [(e.kind, e.clause, e.value) for e in events] == [
        (Kind.LATE, None, Decimal(12)),
        (Kind.CRITERION, "1", Decimal(1)),
        (Kind.REWARD, "2", None),
    ]
    roster_table, issues = read_roster_table(path)
    assert issues == [] and roster_table is not None
    assert roster_table.name == "input.xlsx[名册]"
    assert [e.name for e in parse_roster(roster_table)[0]] == ["王芳"]


def test_a_prefilled_row_with_anything_filled_is_read_and_checked(tmp_path: Path) -> None:
    path = write_sheets(
        tmp_path / "input.xlsx",
        {
            "考评": [
                APPRAISAL_HEADER,
                ["KF001", "王芳", date(2026, 10, 31), "考核标准 criterion", "1", "品德", 2],
                ["KF001", "王芳", date(2026, 10, 31), "考核标准 criterion", "2", "", None, "?"],
            ]
        },
    )
    tables, _ = read_event_tables(path)
    assert [t.name for t in tables] == ["input.xlsx[考评]"]
    events, issues = parse_events(tables[0], OCTOBER)
    assert events == []
    file = f"{path}[考评]"
    assert issues == [
        Issue(file, 2, "value", "a criterion value must be 1 (met) or 0 (not met), got '2'"),
        Issue(file, 3, "value", "a criterion row needs a value (1 met, 0 not met)"),
    ]
    assert str(issues[0]).startswith(f"{path}[考评]:2:value: ")


def test_display_only_columns_are_refused_outside_the_template(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        ["工号", "姓名", "日期", "类型", "数值"],
        [["KF001", "王芳", "2026-10-09", "迟到", "5"]],
    )
    events, issues = read_events(path)
    assert issues == [
        Issue(
            str(path),
            1,
            "姓名",
            "unknown column '姓名' (expected one of: amount, clause, date, employee_id, "
            "flags, kind, note, points, value)",
        )
    ]
    assert len(events) == 1


def test_a_workbook_without_the_template_sheets_reads_its_first_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "events.xlsx", [EVENT_HEADER, ["KF001", "2026-10-09", "late", 5]])
    tables, issues = read_event_tables(path)
    assert issues == []
    assert [(t.file, t.name, t.template) for t in tables] == [(str(path), "events.xlsx", False)]
    assert read_roster_table(path)[0] == read_table(path)[0]


def test_read_inputs_names_the_template_sheets(tmp_path: Path) -> None:
    path = write_sheets(
        tmp_path / "input.xlsx",
        {
            "名册": [["工号 employee_id", "姓名 name", "职级 level"], ["KF001", "王芳", "intern"]],
            "考勤": [TEMPLATE_EVENT_HEADER, ["KF002", None, "2026-10-09", "迟到", 5]],
            "考评": [APPRAISAL_HEADER],
        },
    )
    inputs, issues = read_inputs(OCTOBER, path, [path])
    assert issues == [
        Issue(
            f"{path}[考勤]",
            2,
            "employee_id",
            "unknown employee 'KF002': not in the roster; did you mean 'KF001'?",
        )
    ]
    assert inputs.files == {"input.xlsx": file_sha256(path)}
    assert inputs.paths["input.xlsx[考勤]"] == f"{path}[考勤]"
    assert [e.source for e in inputs.roster] == [Source("input.xlsx[名册]", 2)]


def test_a_vocabulary_refuses_a_name_given_to_two_words() -> None:
    with pytest.raises(ValueError, match="'迟到' names both 'late' and 'early_leave'"):
        Vocabulary({"late": ("迟到",), "early_leave": ("迟到",)})


def test_a_template_sheet_without_a_kind_column(tmp_path: Path) -> None:
    path = write_sheets(
        tmp_path / "input.xlsx",
        {"考勤": [["工号 employee_id", "日期 date"], ["KF001", date(2026, 10, 9)]]},
    )
    tables, _ = read_event_tables(path)
    assert parse_events(tables[0], OCTOBER) == (
        [],
        [Issue(f"{path}[考勤]", 1, "kind", "missing required column 'kind'")],
    )
