"""Reading the fields of a stored JSON document back into typed values.

The ledger stores results as JSON (the storage edge); `MonthResults.from_json` reads
them back with these. Each reader is given where the value sits in the document
(``results.employees[3].pay.base``), and a missing or malformed value is a ValueError
that says so, rather than a KeyError or a wrong type further on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from appraisal.domain.model import Source
from appraisal.domain.money import CENT, CONTEXT

__all__ = [
    "count",
    "event_source",
    "flag",
    "listed",
    "mapping",
    "optional_string",
    "points",
    "string",
    "strings",
    "trace_source",
    "yuan",
]

_MISSING = object()
_ROW = re.compile(r"[0-9]+")


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    # A JSON object is read as a dict; the check against the Mapping ABC would cost
    # more than reading the rest of a trace entry.
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, got {value!r}")
    return value


def listed(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{where}.{key}: expected a list, got {value!r}")
    return value


def string(data: Mapping[str, Any], key: str, where: str, default: object = _MISSING) -> str:
    """The text at ``key``; without a ``default``, the key must be there."""
    value = data.get(key, default)
    if isinstance(value, str):
        return value
    if value is _MISSING:
        raise ValueError(f"{where}.{key}: missing")
    raise ValueError(f"{where}.{key}: expected text, got {value!r}")


def optional_string(data: Mapping[str, Any], key: str, where: str) -> str | None:
    """The text at ``key``, or None for null (a dismissed employee's next level)."""
    return None if data.get(key) is None else string(data, key, where)


def strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    items = listed(data, key, where)
    if not all(isinstance(item, str) for item in items):
        raise ValueError(f"{where}.{key}: expected a list of texts, got {items!r}")
    return tuple(items)


def flag(data: Mapping[str, Any], key: str, where: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{where}.{key}: expected true or false, got {value!r}")
    return value


def count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: expected a whole number, got {value!r}")
    return value


def points(value: Any, where: str) -> Decimal:
    """Points, written as a JSON number: the decimal its shortest text says (8.5, not
    the binary float nearest 8.5), so that writing it again gives the same number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValueError(f"{where}: {value!r} is not a finite number")
    return amount


def yuan(value: Any, where: str) -> Decimal:
    """Money, written as decimal text to the cent ("1940.00")."""
    try:
        amount = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValueError(f"{where}: money {value!r} is not a decimal number")
    try:
        to_the_cent = amount == amount.quantize(CENT, context=CONTEXT)
    except InvalidOperation:  # more digits than any payroll holds
        to_the_cent = False
    if not to_the_cent:
        raise ValueError(f"{where}: money {value!r} is not yuan to the cent")
    return amount


def trace_source(entry: Mapping[str, Any], where: str) -> Source | None:
    """A trace entry's input row: its ``file`` and ``row``, or failing both its event."""
    if "file" not in entry and "row" not in entry:
        return event_source(entry.get("event") or "", f"{where}.event")
    return Source(string(entry, "file", where), count(entry.get("row"), f"{where}.row"))


def event_source(event: Any, where: str) -> Source | None:
    """``file:row``, as a `Source` prints itself, read back; "" is no source."""
    if event == "":
        return None
    file, colon, row = event.rpartition(":") if isinstance(event, str) else ("", "", "")
    if not colon or not _ROW.fullmatch(row):
        raise ValueError(f"{where}: {event!r} is not file:row")
    return Source(file, int(row))
