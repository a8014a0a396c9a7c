"""Export stage: the results JSON file (interface.md "Results"), as bytes.

One employee a line: readable with grep and diff, and written by the fast C encoder.
The document is the one sealed in the ledger, so `run --json` and a rebuild from the
ledger give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["results_file_bytes"]


def results_file_bytes(document: Mapping[str, Any]) -> bytes:
    head = {key: value for key, value in document.items() if key != "employees"}
    people = ",\n".join(json.dumps(person, ensure_ascii=False) for person in document["employees"])
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "employees": [\n' + people + "\n]}\n"
    return text.encode("utf-8")
