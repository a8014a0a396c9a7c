"""The read stage on the rows a month repeats: parsed once, reported for every row.

`parse_events` parses the cells of a row other than its employee once for each distinct
set of them, and the CSV reader takes a full row as it is; these tests check that a
repeated row still gets its own problems, its own row number and its own place in the
order a row reports them (missing employee_id, then its cells, then a repeat), and that
the shortcuts leave blank rows, short rows and quoted cells read as before.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from appraisal.domain.model import Issue, Kind, Month
from appraisal.files.csvtext import first_line_of
from appraisal.read import Table, check_references, parse_events, read_table

OCTOBER = Month(2026, 10)
HEADER = ("employee_id", "date", "kind", "value", "clause", "amount", "points", "flags", "note")
MISSING = "required value is missing"


def events_table(*rows: str, name: str = "events.csv") -> Table:
    """Rows as CSV lines under the events header, numbered from row 2."""
    cells = [tuple(line.split(",")) for line in rows]
    return Table(name, name, HEADER, tuple(enumerate(cells, start=2)))


def test_rows_alike_but_their_employee_each_get_their_own_problems() -> None:
    table = events_table(
        "K1,2026-11-05,late,10,,,,,",  # outside the month
        "K2,2026-11-05,late,10,,,,,",  # the same cells: the same problem, at row 3
        ",2026-11-05,late,10,,,,,",  # and no employee: that first, then the date
        "K3,2026-10-05,late,10,,,,,",
        ",2026-10-05,late,10,,,,,",  # the cells of row 5, without an employee
    )
    events, issues = parse_events(table, OCTOBER)
    outside = "date 2026-11-05 is outside the month 2026-10"
    assert issues == [
        Issue("events.csv", 2, "date", outside),
        Issue("events.csv", 3, "date", outside),
        Issue("events.csv", 4, "employee_id", MISSING),
        Issue("events.csv", 4, "date", outside),
        Issue("events.csv", 6, "employee_id", MISSING),
    ]
    assert [(e.employee_id, e.source.row, e.value) for e in events] == [("K3", 5, Decimal(10))]


def test_a_repeat_is_found_between_rows_alike_and_comes_after_the_cells_problems() -> None:
    table = events_table(
        "K1,2026-10-05,criterion,1,1,,,,",
        "K2,2026-10-05,criterion,1,1,,,,",  # another employee: no repeat
        "K1,2026-10-06,criterion,1,1,,,,",  # criterion 1 again for K1
        "K1,2026-10-07,criterion,2,1,,,,",  # again, with a value no criterion takes
        "K1,2026-10-05,criterion,1,,,,,",  # no clause: no criterion to repeat
        "K1,2026-10-05,exam,90,,,,,",
        "K1,2026-10-05,exam,90,,,,,",
    )
    _events, issues = parse_events(table, OCTOBER)
    again = "more than one {what} row for 'K1' this month (also row {first})"
    assert issues == [
        Issue("events.csv", 4, "clause", again.format(what="criterion 1", first=2)),
        Issue(
            "events.csv",
            5,
            "value",
            "a criterion value must be 1 (met) or 0 (not met), got '2'",
        ),
        Issue("events.csv", 5, "clause", again.format(what="criterion 1", first=2)),
        Issue("events.csv", 6, "clause", "a criterion row needs a clause (the criterion number)"),
        Issue("events.csv", 8, "kind", again.format(what="exam", first=7)),
    ]


def test_numbers_alike_in_value_but_not_in_writing_are_shown_as_written() -> None:
    table = events_table("K1,2026-10-05,reward,,6,-5,,,", "K2,2026-10-05,reward,,6,-5.0,,,")
    _events, issues = parse_events(table, OCTOBER)
    assert [(i.row, i.message) for i in issues] == [
        (2, "amount must not be negative, got '-5'"),
        (3, "amount must not be negative, got '-5.0'"),
    ]


def test_a_promotion_note_is_read_without_its_spaces_and_other_notes_as_written() -> None:
    table = events_table(
        "K1,2026-10-05,promotion,,,,,approved, team_lead ",
        "K2,2026-10-05,late,10,,,,, a note ",
    )
    events, issues = parse_events(table, OCTOBER)
    assert issues == []
    assert [(e.kind, e.note) for e in events] == [
        (Kind.PROMOTION, "team_lead"),
        (Kind.LATE, " a note "),
    ]


def test_repeats_across_files_are_still_found_and_within_one_file_only_once() -> None:
    first = events_table("K1,2026-10-05,exam,90,,,,,", name="a.csv")
    second = events_table("K1,2026-10-06,exam,80,,,,,", "K1,2026-10-07,late,10,,,,,", name="b.csv")
    events = [*parse_events(first, OCTOBER)[0], *parse_events(second, OCTOBER)[0]]
    roster = []  # K1 is unknown too: each of its rows says so
    issues = check_references(roster, events, [first, second])
    unknown = "unknown employee 'K1': not in the roster"
    across = "more than one exam row for 'K1' this month (also row 2 of a.csv)"
    assert [(i.file, i.row, i.column, i.message) for i in issues] == [
        ("a.csv", 2, "employee_id", unknown),
        ("b.csv", 2, "employee_id", unknown),
        ("b.csv", 2, "kind", across),
        ("b.csv", 3, "employee_id", unknown),
    ]
    # One file alone: a repeat in it is parse's to report; here only the unknown employee.
    assert [i.column for i in check_references(roster, events[1:], [second])] == [
        "employee_id",
        "employee_id",
    ]


def test_the_csv_reader_keeps_blank_first_cells_and_skips_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "a,b,c\n"
        "1,2,3\n"
        " ,2,3\n"  # a blank first cell: a row all the same
        " , ,\t\n"  # every cell blank: no row
        "\u3000,x,y\n"  # an ideographic space is blank too, and the row is not
        "1,2\n"  # short
        "4,5,6\n",
        encoding="utf-8",
    )
    table, issues = read_table(path)
    assert table is not None
    assert table.rows == (
        (2, ("1", "2", "3")),
        (3, (" ", "2", "3")),
        (5, ("\u3000", "x", "y")),
        (7, ("4", "5", "6")),
    )
    assert issues == [Issue(str(path), 6, None, "row has 2 fields, the header has 3")]


def test_the_csv_reader_still_reads_a_quoted_formula_as_written(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("a,b\n'=1+1,x\nplain,y\n", encoding="utf-8")
    table, issues = read_table(path)
    assert issues == []
    assert table is not None
    assert table.rows == ((2, ("=1+1", "x")), (3, ("plain", "y")))


def test_the_first_line_after_blank_lines_far_into_a_file() -> None:
    text = "\n" * 5000 + " \r\n" * 3000 + "employee_id;date\r\nK1;2026-10-05\n"
    assert first_line_of(text) == "employee_id;date"
    assert first_line_of("") == ""
    assert first_line_of(" \n\t\n") == ""
    assert first_line_of("x" * 10_000 + "\nnext") == "x" * 10_000


@given(
    st.lists(
        st.sampled_from(["", " ", "a", "b,c", "\n", "\r", "\r\n", "\u2028", "x" * 3000]),
        max_size=12,
    )
)
def test_the_first_line_is_the_first_line_splitlines_gives(parts: list[str]) -> None:
    text = "".join(parts)
    assert first_line_of(text) == next((line for line in text.splitlines() if line.strip()), "")
