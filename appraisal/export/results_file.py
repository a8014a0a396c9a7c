"""Export stage: the results JSON file (interface.md "Results"), as bytes.

One employee a line: readable with grep and diff, and written by the fast C encoder.
The document is the one sealed in the ledger, so `run --json` and a rebuild from the
ledger give the same bytes. The lines are encoded to UTF-8 a batch of employees at a
time, so that no text of the whole file is held beside its bytes: a month of 100,000
employees is some 400 MB of bytes, and would be twice that again as Python text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["results_file_bytes"]

_BATCH = 256  # employees encoded to UTF-8 at a time
# json.dumps(…, ensure_ascii=False), without the search for a circular reference (a fifth
# of the time): a document made by `to_json` is a tree, and the text is the same.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def results_file_bytes(document: Mapping[str, Any]) -> bytes:
    head = {key: value for key, value in document.items() if key != "employees"}
    people = document["employees"]
    pieces = [_ENCODE(head)[:-1].encode("utf-8") + b', "employees": [\n']
    for start in range(0, len(people), _BATCH):
        if start:
            pieces.append(b",\n")
        pieces.append(",\n".join(map(_ENCODE, people[start : start + _BATCH])).encode("utf-8"))
    pieces.append(b"\n]}\n")
    return b"".join(pieces)
