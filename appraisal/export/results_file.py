"""Export stage: the results JSON file (interface.md "Results"), as bytes.

One employee a line: readable with grep and diff. The document is the one sealed in
the ledger, so `run --json` and a rebuild from the ledger give the same bytes. Each
employee's line is made with the canonical text the seal hashes, from the typed result
(`appraisal.domain.result_texts`), and written into the file's one buffer as it is
made: a month of 100,000 employees is some 400 MB of bytes, and would be twice that
again as Python text, or as JSON data.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from appraisal.domain.canonical import Canonical
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.result_texts import ResultTexts, file_json
from appraisal.domain.results import MonthResults

__all__ = ["ResultsFile", "results_file_bytes"]

_BATCH = 256  # employees of a document (not typed results) encoded at a time


def results_file_bytes(results: Mapping[str, Any] | MonthResults) -> bytes:
    """The results file of a results document (`MonthResults.to_json`, or one read), or
    of typed results, each employee's line made from its result."""
    if not isinstance(results, MonthResults):
        return _file_bytes(results, results["employees"])
    made = ResultsFile(results)
    with without_cycle_collection():
        for _row in made.rows():
            pass
    return made.file_bytes()


class ResultsFile:
    """The results file of typed results, written as the seal reads each employee's
    canonical text (`rows`), both made at once (`ResultTexts`); `file_bytes` is the
    file, made afresh if the rows were not all read."""

    def __init__(self, results: MonthResults) -> None:
        self._results = results
        self._written: io.BytesIO | None = None

    def rows(self) -> Iterator[Canonical]:
        """Each employee's canonical JSON, in order; the file is written a line at a time
        as they pass, and is whole once the last has been read."""
        self._written = None
        lines = _Lines(self._results.json_rows())
        texts = ResultTexts().texts
        for person in self._results.employees:
            canonical, line = texts(person)
            yield canonical
            lines.add_line(line)
        self._written = lines.done()

    def file_bytes(self) -> bytes:
        """The file: as written from the rows read, or made from the typed results."""
        if self._written is None:
            return results_file_bytes(self._results)
        written, self._written = self._written, None  # handed on, not kept
        return written.getvalue()


class _Lines:
    """The file being written: its head, then an employee a line; `done` is the file, in
    one growing buffer whose bytes `getvalue` gives without a copy (no list of the
    pieces beside their join)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        head = {key: value for key, value in document.items() if key != "employees"}
        self._out = io.BytesIO()
        self._out.write(file_json(head)[:-1] + b', "employees": [\n')
        self._separator = b""

    def add_line(self, line: bytes) -> None:
        self._out.write(self._separator + line)
        self._separator = b",\n"

    def add(self, people: list[Any]) -> None:
        if people:
            self._out.write(self._separator + b",\n".join(map(file_json, people)))
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
