"""What the evaluator returns, and its JSON form (interface.md "Results").

The "evaluate" and "check" stages produce these; the ledger seals their JSON and the
exporters read them. Money is Decimal, rounded half up once per pay field
(`appraisal.money`); `gross` is the sum of the rounded fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from appraisal.domain.model import Source
from appraisal.domain.money import cents, text

__all__ = ["Conflict", "EmployeeResult", "PayFields", "ScoreResult", "TraceEntry", "results_json"]

PAY_FIELDS = (
    "base",
    "floating",
    "fines",
    "leave_deduction",
    "absence_deduction",
    "overtime",
    "rewards",
    "awards",
    "allowances",
    "settlement",
)
# How each pay field enters gross.
PAY_SIGNS = {
    "base": 1,
    "floating": 1,
    "fines": -1,
    "leave_deduction": -1,
    "absence_deduction": -1,
    "overtime": 1,
    "rewards": 1,
    "awards": 1,
    "allowances": 1,
    "settlement": 1,
}


@dataclass(frozen=True)
class TraceEntry:
    """One rule that fired: which rule, its clause, the input row, and its effect."""

    rule: str
    clause: str
    effect: str
    source: Source | None = None
    points: Decimal | None = None
    pay_field: str | None = None
    yuan: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "clause": self.clause,
            "event": str(self.source) if self.source else "",
            "effect": self.effect,
        }
        if self.source:
            out["file"] = self.source.file
            out["row"] = self.source.row
        if self.points is not None:
            out["points"] = number(self.points)
        if self.pay_field is not None and self.yuan is not None:
            out["pay_field"] = self.pay_field
            out["yuan"] = text(self.yuan)
        return out


@dataclass(frozen=True)
class Conflict:
    """A conflict between the policy as written and PRC wage law (scheme.md §9)."""

    rule: str
    law: str
    amount: Decimal
    message: str
    source: Source | None = None

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


@dataclass(frozen=True)
class ScoreResult:
    add: Decimal
    deduct_left: Decimal
    total: Decimal


@dataclass(frozen=True)
class PayFields:
    """Pay fields rounded to the cent, each once; gross is their signed sum."""

    values: Mapping[str, Decimal]

    @classmethod
    def from_exact(cls, exact: Mapping[str, Decimal]) -> PayFields:
        return cls({name: cents(exact.get(name, Decimal(0))) for name in PAY_FIELDS})

    def __getitem__(self, name: str) -> Decimal:
        return self.values[name]

    @property
    def gross(self) -> Decimal:
        return sum((PAY_SIGNS[n] * self.values[n] for n in PAY_FIELDS), Decimal(0))

    def to_json(self) -> dict[str, str]:
        out = {name: text(self.values[name]) for name in PAY_FIELDS}
        out["gross"] = text(self.gross)
        return out


@dataclass(frozen=True)
class EmployeeResult:
    employee_id: str
    name: str
    department: str
    level: str
    next_level: str | None
    score: ScoreResult
    pay: PayFields
    dismissal: bool
    dismissal_reasons: tuple[str, ...]
    demotion_reasons: tuple[str, ...]
    promoted_to: str | None
    titles: tuple[str, ...]
    compliance: tuple[Conflict, ...]
    review: tuple[str, ...]
    trace: tuple[TraceEntry, ...]
    offences: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "employee_id": self.employee_id,
            "name": self.name,
            "department": self.department,
            "level": self.level,
            "next_level": self.next_level,
            "score": {
                "add": number(self.score.add),
                "deduct_left": number(self.score.deduct_left),
                "total": number(self.score.total),
            },
            "pay": self.pay.to_json(),
            "dismissal": self.dismissal,
            "dismissal_reasons": list(self.dismissal_reasons),
            "demotion_reasons": list(self.demotion_reasons),
            "promoted_to": self.promoted_to,
            "titles": list(self.titles),
            "offences": dict(sorted(self.offences.items())),
            "compliance": [c.to_json() for c in self.compliance],
            "review": list(self.review),
            "trace": [t.to_json() for t in self.trace],
        }


def number(value: Decimal) -> int | float:
    """A score as a JSON number: an int when whole (scores are whole in the scheme)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def results_json(
    month: str,
    policy: Mapping[str, str],
    employees: Sequence[EmployeeResult],
) -> dict[str, Any]:
    return {
        "month": month,
        "policy": dict(policy),
        "employees": [e.to_json() for e in employees],
    }
