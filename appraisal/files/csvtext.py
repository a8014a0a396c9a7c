"""CSV text → records, strictly: a quote never closed, or a field too long, is an error.

Python's csv module, left to itself, lets a quote that is never closed swallow every
row after it into one field (until some later quote happens to close it), and raises
its own error past 131,072 characters. `iter_csv_records` reads strictly, numbers the
records as a spreadsheet numbers its rows, and raises `CsvProblem` naming the line of
the file where an unclosed quote opened, or the field over `MAX_FIELD_CHARS`. The read
stage (`appraisal.read.tables`, `appraisal.read.imports.workbook`) turns it into an
`Issue`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from appraisal.i18n import _

__all__ = [
    "MAX_FIELD_CHARS",
    "CsvProblem",
    "careful_records",
    "csv_records",
    "first_line_of",
    "iter_csv_records",
    "text_lines",
]

MAX_FIELD_CHARS = 10_000  # one CSV field; a note longer than this is not a note


def csv_records(
    text: str, delimiter: str = ","
) -> tuple[list[tuple[int, list[str]]], tuple[int, int | None, str] | None]:
    """The records of CSV text (`iter_csv_records`) and the first problem, as (row,
    field index or None, message); the records read before the problem are returned."""
    records: list[tuple[int, list[str]]] = []
    try:
        records.extend(iter_csv_records(text, delimiter))
    except CsvProblem as problem:
        return records, (problem.row, problem.column, str(problem))
    return records, None


def first_line_of(text: str) -> str:
    """The first line of ``text`` that is not blank, as ``text.splitlines()`` splits it,
    found without splitting the whole of a large file."""
    size = 4096
    while size < len(text):
        lines = text[:size].splitlines()
        # The last line of the piece may go on past it; the lines before it are whole.
        for line in lines[:-1]:
            if line.strip():
                return line
        size *= 8
    return next((line for line in text.splitlines() if line.strip()), "")


class CsvProblem(Exception):
    """CSV text that cannot be read on: ``row`` (a record's number), ``column`` (the
    index of the field, or None) and why."""

    def __init__(self, row: int, column: int | None, message: str) -> None:
        super().__init__(message)
        self.row, self.column = row, column


def iter_csv_records(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """The records of CSV text, numbered from 1 as a spreadsheet numbers its rows.

    Most files are read at the csv module's own speed: when it reads the whole text
    strictly and no record can hold a field over the limit (no line is that long and no
    record runs over several lines), the records are given as read. Otherwise the text
    is read again record by record, to say where and why (`careful_records`).
    """
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        records = None
    if records is not None:
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the text's last line end
        # One line a record, none longer than a field may be: no field is too long.
        if len(records) == len(lines) and max(map(len, lines), default=0) <= MAX_FIELD_CHARS:
            return iter(enumerate(records, start=1))
    return careful_records(text, delimiter)


def careful_records(
    text: str, delimiter: str, *, lazily: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """`iter_csv_records`, record by record: every field's length checked, and a record
    that cannot be read explained (an unclosed quote, a field too long).

    A quoted field may run over several lines (a note with line breaks): it stays one
    record, one row. A quote that is never closed would swallow the rows after it into
    one field, so the reader is strict: a quote must close before a delimiter or the
    end of a line, and the text may not end inside one. Such a record raises
    `CsvProblem`, whose message names the line of the file where the quote opened; so
    does a field longer than `MAX_FIELD_CHARS`. ``lazily``: the lines are found as they
    are read (`text_lines`), not the text copied first, for a reader of its first rows.
    """
    lines = text_lines(text) if lazily else io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    number = 0
    line = 1  # where the next record starts
    while True:
        number += 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvProblem(
                *_csv_problem(text, delimiter, number, line, reader.line_num, error)
            ) from None
        if fields and max(map(len, fields)) > MAX_FIELD_CHARS:
            index, value = next((i, v) for i, v in enumerate(fields) if len(v) > MAX_FIELD_CHARS)
            raise CsvProblem(number, index, _too_long(len(value), "\n" in value))
        yield number, fields
        line = reader.line_num + 1


def _too_long(length: int, spans_lines: bool, *, more_than: bool = False) -> str:
    if more_than:
        message = _(
            "a field of more than {length:,} characters; a field may hold at most "
            "{limit:,} (MAX_FIELD_CHARS)"
        )
    elif spans_lines:
        message = _(
            "a field of {length:,} characters; a field may hold at most {limit:,} "
            '(MAX_FIELD_CHARS); it runs over several lines, as after a quote (") that is '
            "never closed"
        )
    else:
        message = _(
            "a field of {length:,} characters; a field may hold at most {limit:,} (MAX_FIELD_CHARS)"
        )
    return message.format(length=length, limit=MAX_FIELD_CHARS)


def _csv_problem(
    text: str, delimiter: str, number: int, start: int, end: int, error: csv.Error
) -> tuple[int, int | None, str]:
    """Where a record that cannot be read went wrong, and why, in words."""
    limit = "field larger than field limit" in str(error)
    opened = _open_quote(text, delimiter, start)
    if opened is not None:
        line, column = opened
        runs = _("runs on to line {end}").format(end=end) if end > line else _("runs on")
        if limit:
            runs = _("{runs} and past {limit:,} characters (MAX_FIELD_CHARS)").format(
                runs=runs, limit=MAX_FIELD_CHARS
            )
        message = _(
            'a quote (") opens a field on line {line} of the file and is not closed '
            "where the field ends: it {runs}, swallowing the rows after it; close the "
            'quote, or double a quote inside a quoted field ("")'
        ).format(line=line, runs=runs)
        return number, column, message
    if limit:  # unquoted, so on the record's one line: find the field by its delimiters
        record = io.StringIO(text, newline="").readlines()[start - 1]
        fields = record.rstrip("\r\n").split(delimiter)
        index = next((i for i, f in enumerate(fields) if len(f) > MAX_FIELD_CHARS), None)
        if index is not None:
            return number, index, _too_long(len(fields[index]), False)
        longest = csv.field_size_limit()
        return number, None, _too_long(longest, False, more_than=True)
    return (
        number,
        None,
        _("cannot read as CSV (line {end} of the file): {error}").format(end=end, error=error),
    )


def _open_quote(text: str, delimiter: str, start: int) -> tuple[int, int] | None:
    """The line and field index of the quote that was still open where a record broke,
    reading from line ``start`` as the csv module does; None if every quote closed."""
    lines = io.StringIO(text, newline="").readlines()[start - 1 :]
    quoted = False
    opened: tuple[int, int] | None = None
    for offset, line in enumerate(lines):
        field, at_start, position = 0, True, 0
        if quoted:  # the quote carried on from the line before
            at_start = False
        while position < len(line):
            char = line[position]
            if quoted:
                if char == '"':
                    if line.startswith('"', position + 1):
                        position += 1  # a doubled quote inside the field
                    else:
                        quoted = False
                        after = line[position + 1 : position + 2]
                        if after not in (delimiter, "\r", "\n", ""):
                            return opened  # closed in the wrong place: the csv error
            elif char == '"' and at_start:
                quoted, opened = True, (start + offset, field)
            elif char == delimiter:
                field, at_start = field + 1, True
                position += 1
                continue
            at_start = False
            position += 1
    return opened if quoted else None


# A line as `io.StringIO(text, newline="")` gives it: up to and with its end, "\r\n",
# "\r" or "\n" (universal newlines, untranslated), or the text's last characters.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def text_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as `io.StringIO(text, newline="")` gives them, each found as
    it is read: no copy of the text is made first (60 MB of text takes 0.07 s to copy)."""
    return (line[0] for line in _LINE.finditer(text))
