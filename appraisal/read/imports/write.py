"""Writing an import: the canonical events CSV, and the review items beside it.

The output of ``appraisal import``. The events file has interface.md's columns, plain
UTF-8 (no BOM), so it reads back through `appraisal.read` like any events file; the
review file (``events.review.csv``) is always written, empty but for its header when
there is nothing to review, so a stale list from an earlier run never sits beside new
events.

Both are opened by people in a spreadsheet, so every cell goes through
`appraisal.domain.text.csv_cell`: a cell that a spreadsheet would run as a formula (an
export's id ``=HYPERLINK(…)``) is written with a quote in front, which the CSV reader
takes off again, so the events still read back exactly. The review file is for reading
only: its text also has its control characters escaped (`terminal_safe`), so a stray
ESC or BEL from an export never reaches a screen raw.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from appraisal.domain.text import csv_cell, terminal_safe
from appraisal.files.output import write_atomic
from appraisal.read.imports.records import EVENTS_HEADER, Imported
from appraisal.read.parse import EVENT_COLUMNS

__all__ = ["REVIEW_COLUMNS", "events_csv", "review_csv", "write_events_csv"]

REVIEW_COLUMNS = ("employee_id", "date", "what", "file", "cell")


def events_csv(imported: Imported) -> bytes:
    """The canonical events file of an import (interface.md's columns)."""
    if imported.issues:
        raise ValueError("an import with issues has no events to write")
    position = {column: i for i, column in enumerate(EVENTS_HEADER)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    for _, cells in imported.table.rows:
        writer.writerow(
            [csv_cell(cells[position[c]]) if c in position else "" for c in EVENT_COLUMNS]
        )
    return out.getvalue().encode("utf-8")


def review_csv(imported: Imported) -> bytes:
    """The review items of an import, one per line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for item in imported.review:
        fields = (item.employee_id, item.date.isoformat(), item.what, item.file, item.cell)
        writer.writerow([csv_cell(terminal_safe(field)) for field in fields])
    return out.getvalue().encode("utf-8")


def write_events_csv(imported: Imported, path: Path) -> Path:
    """Write the events to ``path`` and the review items to ``path.with_suffix(".review.csv")``
    (always, even when empty); return the review file's path."""
    events = events_csv(imported)
    review_path = Path(path).with_suffix(".review.csv")
    write_atomic(path, events)
    write_atomic(review_path, review_csv(imported))
    return review_path
