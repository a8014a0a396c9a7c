"""The records the engine makes per event: a rule that fired, and a conflict with wage law.

Part of the results (`appraisal.domain.results`, which names them too): a month holds
one `TraceEntry` for each rule that fired on each row, hundreds of thousands in a large
month, so they are tuples (`typing.NamedTuple`), and pickle as their fields: a worker
process sends them back cheaply (`appraisal.check.shards`).
An entry's ``effect`` is worded when the rule fires: keeping the template and its values
instead, to word them at `to_json`, costs more than ``str.format`` (0.40 against 0.19 µs),
and every entry is worded for the seal anyway. Words that depend on the policy alone
are made once per evaluation and shared (`appraisal.engine.context.Rates.once`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from appraisal.domain import json_fields
from appraisal.domain.model import Source
from appraisal.domain.money import KEPT, text

__all__ = ["Conflict", "TraceEntry", "number"]


class TraceEntry(NamedTuple):
    """One rule that fired: which rule, its clause, the input row, and its effect.

    A tuple (issue 11: compact records): made in a third of the time of a frozen
    dataclass, the engine's commonest record, and pickled as its fields.
    """

    rule: str
    clause: str
    effect: str
    source: Source | None = None
    points: Decimal | None = None
    pay_field: str | None = None
    yuan: Decimal | None = None

    @property
    def event(self) -> str:
        """The input row as the results show it (``events.csv:9``), or "" for none."""
        return str(self.source) if self.source else ""

    def to_json(self) -> dict[str, Any]:
        source = self.source
        out: dict[str, Any] = {
            "rule": self.rule,
            "clause": self.clause,
            "event": str(source) if source else "",
            "effect": self.effect,
        }
        if source:
            out["file"] = source.file
            out["row"] = source.row
        if self.points is not None:
            out["points"] = number(self.points)
        if self.pay_field is not None and self.yuan is not None:
            out["pay_field"] = self.pay_field
            out["yuan"] = text(self.yuan)
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> TraceEntry:
        entry = json_fields.mapping(data, where)
        scored = "points" in entry
        moved = "pay_field" in entry or "yuan" in entry
        return cls(
            rule=json_fields.string(entry, "rule", where),
            clause=json_fields.string(entry, "clause", where),
            effect=json_fields.string(entry, "effect", where),
            source=json_fields.trace_source(entry, where),
            points=json_fields.points(entry["points"], f"{where}.points") if scored else None,
            pay_field=json_fields.string(entry, "pay_field", where) if moved else None,
            yuan=json_fields.yuan(entry.get("yuan"), f"{where}.yuan") if moved else None,
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    """A conflict between the policy as written and PRC wage law (scheme.md §9)."""

    rule: str
    law: str
    amount: Decimal
    message: str
    source: Source | None = None

    @property
    def event(self) -> str:
        """The input row the conflict arose from, or "" for a month-end check."""
        return str(self.source) if self.source else ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Conflict, (self.rule, self.law, self.amount, self.message, self.source))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "law": self.law,
            "amount": text(self.amount),
            "message": self.message,
        }
        if self.source:
            out["event"] = str(self.source)
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> Conflict:
        conflict = json_fields.mapping(data, where)
        return cls(
            rule=json_fields.string(conflict, "rule", where),
            law=json_fields.string(conflict, "law", where),
            amount=json_fields.yuan(conflict.get("amount"), f"{where}.amount"),
            message=json_fields.string(conflict, "message", where),
            source=json_fields.event_source(conflict.get("event") or "", f"{where}.event"),
        )


def number(value: Decimal) -> int | float:
    """A score as a JSON number: an int when whole (scores are whole in the scheme)."""
    found = _NUMBERS.get(value) if value.is_finite() else None
    if found is not None:
        return found
    if not value.is_finite():  # so the records' JSON holds none (`canonical_bytes`, finite)
        raise ValueError(f"not a finite number: {value}")
    made = int(value) if value == value.to_integral_value() else float(value)
    if len(_NUMBERS) >= KEPT:
        _NUMBERS.clear()
    _NUMBERS[value] = made  # equal scores are the same number (-0 is 0)
    return made


_NUMBERS: dict[Decimal, int | float] = {}  # each score's number, made once (`KEPT` at most)
