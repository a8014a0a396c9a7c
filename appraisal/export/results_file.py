"""Export stage: the results JSON file (interface.md "Results"), as bytes.

One employee a line: readable with grep and diff, and written by the fast C encoder.
The document is the one sealed in the ledger, so `run --json` and a rebuild from the
ledger give the same bytes. The lines are encoded a batch of employees at a time, the
batch's JSON data made from the typed results when given them and let go once it is
written into the file's one buffer: a month of 100,000 employees is some 400 MB of
bytes, and would be twice that again as Python text, or as JSON data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import MonthResults

__all__ = ["ResultsFile", "results_file_bytes"]

_BATCH = 256  # employees encoded to UTF-8 at a time
# json.dumps(…, ensure_ascii=False), without the search for a circular reference (a fifth
# of the time): a document made by `to_json` is a tree, and the text is the same.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def results_file_bytes(results: Mapping[str, Any] | MonthResults) -> bytes:
    """The results file of a results document (`MonthResults.to_json`, or one read), or
    of typed results, each employee's JSON data then made only as its batch is encoded."""
    if not isinstance(results, MonthResults):
        return _file_bytes(results, results["employees"])
    head = results.json_rows()
    people = head["employees"]  # the last key: the head is the rest, in order
    # Each employee's JSON data made and let go, with no pause of the cycle collector
    # to walk the month's records meanwhile (a third of the time).
    with without_cycle_collection():
        return _file_bytes(head, people)


class ResultsFile:
    """The results file of typed results, written from the rows another encoder makes of
    them as it reads them (`rows`: the seal's), so that each employee's JSON data is
    made once for both; `file_bytes` is the file, made afresh if the rows were not all
    read."""

    def __init__(self, results: MonthResults) -> None:
        self._results = results
        self._written: io.BytesIO | None = None

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each employee's JSON data, in order; the file is written a batch at a time as
        they pass, and is whole once the last has been read."""
        self._written = None
        head = self._results.json_rows()
        lines, batch = _Lines(head), []
        for row in head["employees"]:
            yield row
            batch.append(row)
            if len(batch) == _BATCH:
                lines.add(batch)
                batch = []
        lines.add(batch)
        self._written = lines.done()

    def file_bytes(self) -> bytes:
        """The file: as written from the rows read, or made from the typed results."""
        if self._written is None:
            return results_file_bytes(self._results)
        written, self._written = self._written, None  # handed on, not kept
        return written.getvalue()


class _Lines:
    """The file being written: its head, then batches of employees, a line each; `done`
    is the file, in one growing buffer whose bytes `getvalue` gives without a copy (no
    list of the pieces beside their join)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        head = {key: value for key, value in document.items() if key != "employees"}
        self._out = io.BytesIO()
        self._out.write(_ENCODE(head)[:-1].encode("utf-8") + b', "employees": [\n')
        self._separator = b""

    def add(self, people: list[Any]) -> None:
        if people:
            self._out.write(self._separator + ",\n".join(map(_ENCODE, people)).encode("utf-8"))
            self._separator = b",\n"

    def done(self) -> io.BytesIO:
        self._out.write(b"\n]}\n")
        return self._out


def _file_bytes(head: Mapping[str, Any], people: Iterable[Any]) -> bytes:
    lines = _Lines(head)
    them = iter(people)
    while batch := list(islice(them, _BATCH)):
        lines.add(batch)
    return lines.done().getvalue()
