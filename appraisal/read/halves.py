"""A large events CSV read in two halves at once: the second in a forked child.

Part of the read stage, for `appraisal.read.inputs`. Reading a month's events is the
longest thing a run does before anything else can start (a 100,000-employee month has
900,000 rows, some 2.7 s), on one core while the other waits. So a CSV file of
`SPLIT_BYTES` or more is cut at the line end nearest its middle: a child
(`appraisal.files.forked.Beside`) reads the second half, its header line put before it,
while this process reads the first; the child sends back only each row's number,
employee_id and parsed cells (a month's rows share a few thousand sets of cells, which
pickle once each), and this process makes the events of them after its own, checking
each once-a-month row against every row before it (`parse._EventRows.taken`). The
child shares nothing it would write with this process (it is forked before the file is
parsed), so neither copies the other's memory.

The events, their rows and their order are those of one pass. Anything a pass would
have more to say about is left to it (`read_events_in_halves` gives None, and the
file is read in one pass, which says it): a problem in either half, a repeat across the
halves, a quote in the file (a quoted field may hold a line end, so a line is not
always a row), a carriage return that does not end a line, no fork (or a process of
more than one thread, as the web server is), or a child that failed.
"""

from __future__ import annotations

import pickle

from appraisal.domain.model import Event, Month
from appraisal.files.forked import Beside, can_fork_alone
from appraisal.files.input import InputFile
from appraisal.read.parse import Apart, event_rows
from appraisal.read.tables import Table, read_csv_table

__all__ = ["SPLIT_BYTES", "read_events_in_halves"]

#: Bytes of an events file from which its halves are read at once: below it (some
#: 10,000 rows), the fork and the sending back cost about what the half saves.
SPLIT_BYTES = 1 << 20


def read_events_in_halves(given: InputFile, month: Month) -> tuple[Table, list[Event]] | None:
    """The events of the CSV file ``given`` read in two halves at once, with the table
    of its first half (its name and file); None where it is to be read in one pass."""
    data = given.data
    if given.suffix != ".csv" or len(data) < SPLIT_BYTES or not can_fork_alone():
        return None
    # One row a line, and every line a row: no quotes (nor quote-prefixed cells), and
    # no carriage return but before a line feed.
    if b'"' in data or b"'" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    header = data.find(b"\n") + 1
    middle = data.find(b"\n", len(data) // 2) + 1
    if not data[:header].lstrip(b"\xef\xbb\xbf").strip() or not header < middle < len(data):
        return None
    lines_before = data.count(b"\n", 0, middle)  # the second half's first row is the next
    second = data[:header] + data[middle:]  # its rows numbered 2, 3… as read alone
    try:
        child: Beside[bytes, None] = Beside(
            lambda: _apart(given, second, lines_before - 1, month), _as_made
        )
    except OSError:
        return None
    with child:
        child.send(None)
        table, found = read_csv_table(given.path, given.name, data[:middle])
        parser = None if table is None or found else event_rows(table, month)
        events = [] if table is None or parser is None else parser.parsed(table.rows)
        sent = child.result()
    if table is None or parser is None or parser.issues or not sent:
        return None
    apart: Apart | None = pickle.loads(sent)
    if apart is None:
        return None
    events += parser.taken(apart)
    return None if parser.issues else (table, events)


def _apart(given: InputFile, second: bytes, shift: int, month: Month) -> bytes:
    """In the child: the second half's good rows (`parse._EventRows.parsed`, ``apart``),
    numbered as in the whole file; None if any row of it has a problem."""
    table, found = read_csv_table(given.path, given.name, second)
    parser = None if table is None or found else event_rows(table, month)
    if table is None or parser is None:
        return pickle.dumps(None)
    apart: Apart = []
    parser.parsed([(number + shift, cells) for number, cells in table.rows], apart)
    clean = not parser.issues
    return pickle.dumps(apart if clean else None, pickle.HIGHEST_PROTOCOL)


def _as_made(made: bytes, _: None) -> bytes:
    return made
