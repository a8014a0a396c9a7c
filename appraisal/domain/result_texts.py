"""An employee's result as the two texts a run writes of it: canonical JSON and a line.

Below every stage, beside `appraisal.domain.canonical`. A sealed month's results are
encoded twice: as canonical JSON, sorted and without spaces, which the ledger hashes
and stores (`canonical_bytes`), and as a line of the results file (`run --json`: keys
in their order, `json.dumps`'s separators, `file_json`). Most of either text is the
trace, an entry for every rule that fired on every row (141,000 at 10,000 employees),
and entries differ from one another mostly in their row: what they say is one of a few
thousand things. So `ResultTexts` encodes each entry's words once, both ways, and
then each entry as its words around its file and row, with no JSON data made of it
(issue 11: the trace's two texts at some 1.2 µs an entry, against 2.7 as data encoded
twice). The rest of a result, its head, is made as JSON data and encoded as ever.

Every value is encoded by the encoder of its text (`canonical_bytes`, `file_json`), and
only the frame is written here, in the order those encoders give it: the texts are
byte for byte those of ``canonical_bytes(result.to_json())`` and
``file_json(result.to_json())`` (tests/test_result_texts.py compares them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from appraisal.domain.canonical import Canonical, canonical_bytes
from appraisal.domain.money import text
from appraisal.domain.results import EmployeeResult
from appraisal.domain.trace import TraceEntry, number

__all__ = ["ResultTexts", "file_json"]

# json.dumps(…, ensure_ascii=False), without the search for a circular reference (a fifth
# of the time): a document made by `to_json` is a tree, and the text is the same.
_FILE_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def file_json(data: object) -> bytes:
    """``data`` as the results file writes it: `json.dumps` with Unicode kept, UTF-8."""
    return _FILE_JSON(data).encode("utf-8")


def _canonical(data: object) -> bytes:
    return canonical_bytes(data, finite=True)


# What an entry says but for its row: its words in each text, in three parts each (before
# the row's file, between the file and the row, after the row). A whole entry, when it
# names no row.
_Words = tuple[bytes, bytes, bytes, bytes, bytes, bytes]
_KEPT = 1 << 16  # entries' words kept before the memo starts again: bounds memory


class ResultTexts:
    """Encodes results, an employee at a time (`texts`), remembering each entry's words
    and each file's name in both texts for the employees after."""

    __slots__ = ("_files", "_words")

    def __init__(self) -> None:
        self._words: dict[tuple[Any, ...], _Words] = {}
        self._files: dict[str, tuple[bytes, bytes, bytes, bytes]] = {}

    def texts(self, result: EmployeeResult) -> tuple[Canonical, bytes]:
        """The employee's canonical JSON (ready for `canonical_chunks`) and line."""
        if result.encoded is not None:  # JSON data a worker process made already
            data = result.to_json()
            return Canonical(_canonical(data)), file_json(data)
        head = result.to_json(trace=False)
        if max(head) > "trace":  # pragma: no cover - the trace is a result's last key
            data = result.to_json()
            return Canonical(_canonical(data)), file_json(data)
        canonical, line = [], []
        entry = self.entry
        for trace in result.trace:
            entry_canonical, entry_line = entry(trace)
            canonical.append(entry_canonical)
            line.append(entry_line)
        # Canonical: the keys sorted, "trace" after every other; the line: in their order,
        # the trace before the deductions that only a deductions file gives.
        before = _canonical(head)[:-1]
        sealed = b"".join((before, b',"trace":[', b",".join(canonical), b"]}"))
        deductions = head.pop("deductions", None)
        written = [file_json(head)[:-1], b', "trace": [', b", ".join(line), b"]"]
        if deductions is not None:
            written += (b', "deductions": ', file_json(deductions))
        written.append(b"}")
        return Canonical(sealed), b"".join(written)

    def entry(self, entry: TraceEntry) -> tuple[bytes, bytes]:
        """A trace entry in each text (`TraceEntry.to_json` encoded)."""
        source = entry.source
        points, pay_field, yuan = entry.points, entry.pay_field, entry.yuan
        # Remembered by its fields but the row: a number by its value, but a zero or a
        # figure that is not finite by its text (-0.00 is not 0.00 in the results).
        key = (
            entry.rule,
            entry.clause,
            entry.effect,
            source is None,
            points if points is None or (points and points.is_finite()) else str(points),
            pay_field,
            yuan if yuan is None or (yuan and yuan.is_finite()) else str(yuan),
        )
        words = self._words.get(key)
        if words is None:
            if len(self._words) >= _KEPT:
                self._words.clear()
            words = self._words[key] = _words(entry)
        if source is None:
            return words[0], words[3]
        file = self._files.get(source.file)
        if file is None:
            file = self._files[source.file] = _file(source.file)
        row = b"%d" % source.row
        c_before, c_between, c_after, f_before, f_between, f_after = words
        c_name, c_file, f_name, f_file = file
        return (
            b"".join((c_before, c_name, b":", row, c_file, c_between, b',"row":', row, c_after)),
            b"".join((f_before, f_name, b":", row, f_between, f_file, b', "row": ', row, f_after)),
        )


def _file(name: str) -> tuple[bytes, bytes, bytes, bytes]:
    """A row's file in each text: its name inside the event's string ("events.csv" of
    "events.csv:8"), and the "file" key with its value."""
    canonical, written = _canonical(name), file_json(name)
    return canonical[1:-1], b'","file":' + canonical, written[1:-1], b', "file": ' + written


def _words(entry: TraceEntry) -> _Words:
    """An entry's words in each text, around its row (`TraceEntry.to_json`'s keys)."""
    canonical: Callable[[object], bytes] = _canonical
    written: Callable[[object], bytes] = file_json
    points = None if entry.points is None else number(entry.points)
    moved = entry.pay_field is not None and entry.yuan is not None
    yuan = text(entry.yuan) if moved and entry.yuan is not None else None
    # Canonical, sorted: clause, effect, event, file, pay_field, points, row, rule, yuan.
    c_head = b'{"clause":' + canonical(entry.clause) + b',"effect":' + canonical(entry.effect)
    c_money = b',"pay_field":' + canonical(entry.pay_field) if moved else b""
    c_points = b',"points":' + canonical(points) if points is not None else b""
    c_tail = b',"rule":' + canonical(entry.rule)
    c_tail += (b',"yuan":' + canonical(yuan) if moved else b"") + b"}"
    # The line, in order: rule, clause, event, effect, file, row, points, pay_field, yuan.
    f_head = b'{"rule": ' + written(entry.rule) + b', "clause": ' + written(entry.clause)
    f_effect = b', "effect": ' + written(entry.effect)
    f_tail = b', "points": ' + written(points) if points is not None else b""
    if moved:
        f_tail += b', "pay_field": ' + written(entry.pay_field) + b', "yuan": ' + written(yuan)
    f_tail += b"}"
    if entry.source is None:  # the whole entry: its event is ""
        whole = c_head + b',"event":""' + c_money + c_points + c_tail
        return whole, b"", b"", f_head + b', "event": ""' + f_effect + f_tail, b"", b""
    return (
        c_head + b',"event":"',
        c_money + c_points,
        c_tail,
        f_head + b', "event": "',
        b'"' + f_effect,
        f_tail,
    )
