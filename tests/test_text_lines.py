"""`text_lines` finds a text's lines as they are read, as `io.StringIO(text, newline="")`
gives them (issue 11: recognising an export no longer copies the whole file once for each
export it might be); a CSV read lazily so gives the same records and the same problems."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.files.csvtext import CsvProblem, careful_records, text_lines

# Texts made of what decides lines and records: line ends of each kind, quotes,
# delimiters, and a few other characters.
PIECES = st.sampled_from(["\r\n", "\r", "\n", '"', ",", "a", "中", " ", '""'])
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_the_lines_are_those_a_string_stream_gives(text: str) -> None:
    assert list(text_lines(text)) == list(io.StringIO(text, newline=""))


def _read(text: str, lazily: bool) -> tuple[list[tuple[int, list[str]]], str | None]:
    records: list[tuple[int, list[str]]] = []
    try:
        for record in careful_records(text, ",", lazily=lazily):
            records.append(record)
    except CsvProblem as problem:
        return records, f"{problem.row}:{problem.column}:{problem}"
    return records, None


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_a_csv_read_lazily_gives_the_same_records_and_problem(text: str) -> None:
    assert _read(text, lazily=True) == _read(text, lazily=False)


def test_worked_lines() -> None:
    assert list(text_lines('a,b\r\n"x\ny",z\rlast')) == ["a,b\r\n", '"x\n', 'y",z\r', "last"]
    assert _read('a,b\r\n"x\ny",z\rlast', lazily=True)[0] == [
        (1, ["a", "b"]),
        (2, ["x\ny", "z"]),
        (3, ["last"]),
    ]
