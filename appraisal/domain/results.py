"""What the evaluator returns, and its JSON form (interface.md "Results").

The "evaluate" and "check" stages produce these; the ledger seals their JSON and the
exporters read them, typed again (`MonthResults.from_json`): JSON is the storage edge
only. Money is Decimal, rounded half up once per pay field (`appraisal.money`); `gross`
is the sum of the rounded fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from operator import itemgetter
from typing import Any

from appraisal.domain import json_fields
from appraisal.domain.deductions import Deductions
from appraisal.domain.money import cents, text
from appraisal.domain.trace import Conflict, TraceEntry, number

__all__ = [
    "PAY_FIELDS",
    "PAY_SIGNS",
    "Conflict",
    "EmployeeResult",
    "MonthResults",
    "PayFields",
    "PolicyInfo",
    "ScoreResult",
    "TraceEntry",
    "number",
    "pay_totals",
    "results_json",
]

# The pay fields in the results' order, and how each enters gross (+1 or −1).
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
PAY_FIELDS = tuple(PAY_SIGNS)


@dataclass(frozen=True, slots=True)
class ScoreResult:
    add: Decimal
    deduct_left: Decimal
    total: Decimal

    def __reduce__(self) -> tuple[Any, ...]:
        return (ScoreResult, (self.add, self.deduct_left, self.total))


@dataclass(frozen=True, slots=True)
class PayFields:
    """Pay fields rounded to the cent, each once; gross is their signed sum (worked out
    once: the workbook alone asks for it some forty times an employee)."""

    values: Mapping[str, Decimal]
    _gross: Decimal | None = field(default=None, init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PayFields, (self.values,))

    @classmethod
    def from_exact(cls, exact: Mapping[str, Decimal]) -> PayFields:
        return cls({name: cents(exact.get(name, Decimal(0))) for name in PAY_FIELDS})

    def __getitem__(self, name: str) -> Decimal:
        """A pay field by name, or ``gross``, as the results' pay lists them."""
        return self.gross if name == "gross" else self.values[name]

    @property
    def gross(self) -> Decimal:
        gross = self._gross
        if gross is None:
            gross = sum((PAY_SIGNS[n] * self.values[n] for n in PAY_FIELDS), Decimal(0))
            object.__setattr__(self, "_gross", gross)
        return gross

    def to_json(self) -> dict[str, str]:
        out = {name: text(self.values[name]) for name in PAY_FIELDS}
        out["gross"] = text(self.gross)
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> PayFields:
        pay = json_fields.mapping(data, where)
        fields = cls(
            {name: json_fields.yuan(pay.get(name), f"{where}.{name}") for name in PAY_FIELDS}
        )
        gross = json_fields.yuan(pay.get("gross"), f"{where}.gross")
        if gross != fields.gross:
            raise ValueError(
                f"{where}.gross: {text(gross)} is not the signed sum of the pay "
                f"fields, {text(fields.gross)}"
            )
        return fields


@dataclass(frozen=True, slots=True)
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
    deductions: Deductions | None = None  # only with a deductions file (run --deductions)
    # False: not appraised (no criterion or exam row, not dismissed); sealed only with
    # --allow-unappraised, its missing criteria counted as not met.
    appraised: bool = True
    # Its `to_json`, made already where it was evaluated (`encoded`): a worker process
    # sends it with the result, so the seal does not make it again.
    encoded: dict[str, Any] | None = field(
        default=None, init=False, compare=False, repr=False, hash=False
    )

    def encode(self) -> EmployeeResult:
        """This result holding its `to_json` from now on, made once here; itself."""
        if self.encoded is None:
            object.__setattr__(self, "encoded", self.to_json())
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt, (*(getattr(self, name) for name in _FIELDS), self.encoded))

    def to_json(self, *, trace: bool = True) -> dict[str, Any]:
        """As JSON data; ``trace=False``: but its trace (`domain.result_texts` writes it)."""
        if self.encoded is not None and trace:
            return dict(self.encoded)
        out = {
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
            **({} if self.appraised else {"appraised": False}),  # the key only when false
            "dismissal_reasons": list(self.dismissal_reasons),
            "demotion_reasons": list(self.demotion_reasons),
            "promoted_to": self.promoted_to,
            "titles": list(self.titles),
            "offences": dict(sorted(self.offences.items())),
            "compliance": [c.to_json() for c in self.compliance],
            "review": list(self.review),
        }
        if trace:
            out["trace"] = [t.to_json() for t in self.trace]
        if self.deductions is not None:
            out["deductions"] = self.deductions.to_json(self.pay.gross)
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> EmployeeResult:
        person = json_fields.mapping(data, where)
        score = json_fields.mapping(person.get("score"), f"{where}.score")
        offences = json_fields.mapping(person.get("offences", {}), f"{where}.offences")
        pay = PayFields.from_json(person.get("pay"), f"{where}.pay")
        deductions = person.get("deductions")
        return cls(
            employee_id=json_fields.string(person, "employee_id", where),
            name=json_fields.string(person, "name", where),
            department=json_fields.string(person, "department", where, default=""),
            level=json_fields.string(person, "level", where),
            next_level=json_fields.optional_string(person, "next_level", where),
            score=ScoreResult(
                add=json_fields.points(score.get("add"), f"{where}.score.add"),
                deduct_left=json_fields.points(
                    score.get("deduct_left"), f"{where}.score.deduct_left"
                ),
                total=json_fields.points(score.get("total"), f"{where}.score.total"),
            ),
            pay=pay,
            dismissal=json_fields.flag(person, "dismissal", where),
            dismissal_reasons=json_fields.strings(person, "dismissal_reasons", where),
            demotion_reasons=json_fields.strings(person, "demotion_reasons", where),
            promoted_to=json_fields.optional_string(person, "promoted_to", where),
            titles=json_fields.strings(person, "titles", where),
            compliance=tuple(
                Conflict.from_json(c, f"{where}.compliance[{i}]")
                for i, c in enumerate(json_fields.listed(person, "compliance", where))
            ),
            review=json_fields.strings(person, "review", where),
            trace=tuple(
                TraceEntry.from_json(t, f"{where}.trace[{i}]")
                for i, t in enumerate(json_fields.listed(person, "trace", where))
            ),
            offences={
                str(rule): json_fields.count(n, f"{where}.offences.{rule}")
                for rule, n in offences.items()
            },
            deductions=None
            if deductions is None
            else Deductions.from_json(deductions, pay.gross, f"{where}.deductions"),
            appraised=json_fields.flag(person, "appraised", where, default=True),
        )


def _rebuilt(*values: Any) -> EmployeeResult:
    """An `EmployeeResult` from its fields in order and its `encoded` JSON (or None)."""
    person = EmployeeResult(*values[:-1])
    if values[-1] is not None:
        object.__setattr__(person, "encoded", values[-1])
    return person


_FIELDS = tuple(f.name for f in fields(EmployeeResult) if f.init)


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    """The policy a month was evaluated under: its id, version and the sha256 of its texts."""

    id: str
    version: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class MonthResults:
    """One evaluated month: what the ledger seals (as `to_json`) and the exports read.

    `from_json` is the exact inverse of `to_json` for every document the engine
    writes. A document written by hand may leave out the policy, a department or the
    offences (read as empty); anything else missing or malformed is a ValueError that
    names where.
    """

    month: str
    policy: PolicyInfo
    employees: tuple[EmployeeResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {**self.json_rows(), "employees": [e.to_json() for e in self.employees]}

    def json_rows(self) -> dict[str, Any]:
        """`to_json` with its employees an iterator, each made as it is read: the ledger
        and the results file encode a month thus, never holding all of it as JSON data."""
        employees = map(EmployeeResult.to_json, self.employees)
        return {"month": self.month, "policy": self.policy.to_json(), "employees": employees}

    def as_sealed(self) -> MonthResults:
        """These results as the ledger gives them back, without the round trip through JSON:
        ``MonthResults.from_json(self.to_json())`` down to each Decimal's form (the trail's
        exact yuan to the cent). What a read gives back as it is is kept, not copied."""
        sealing = _Sealing()
        return replace(self, employees=tuple(map(sealing.person, self.employees)))

    @classmethod
    def from_json(cls, data: Any) -> MonthResults:
        document = json_fields.mapping(data, "results")
        policy = json_fields.mapping(document.get("policy", {}), "results.policy")
        return cls(
            month=json_fields.string(document, "month", "results"),
            policy=PolicyInfo(
                id=json_fields.string(policy, "id", "results.policy", default=""),
                version=json_fields.string(policy, "version", "results.policy", default=""),
                sha256=json_fields.string(policy, "sha256", "results.policy", default=""),
            ),
            employees=tuple(
                EmployeeResult.from_json(person, f"results.employees[{i}]")
                for i, person in enumerate(json_fields.listed(document, "employees", "results"))
            ),
        )


class _Sealing:
    """`MonthResults.as_sealed`'s work: each Decimal's sealed form, worked out once per
    object. The engine shares its Decimals widely (a rule's points, a fine's yuan), so
    the forms are kept by the object's id: every object keyed is held by the results
    being sealed for as long as this lives, so no id is reused meanwhile."""

    def __init__(self) -> None:
        self.points: dict[int, Decimal] = {}
        self.yuan: dict[int, Decimal] = {}

    def person(self, person: EmployeeResult) -> EmployeeResult:
        score = person.score
        add, left, total = (
            self.point(score.add),
            self.point(score.deduct_left),
            self.point(score.total),
        )
        if add is not score.add or left is not score.deduct_left or total is not score.total:
            score = ScoreResult(add, left, total)
        offences = person.offences
        if list(offences) != sorted(offences):
            offences = dict(sorted(offences.items()))
        return EmployeeResult(
            person.employee_id,
            person.name,
            person.department,
            person.level,
            person.next_level,
            score,
            person.pay,
            person.dismissal,
            person.dismissal_reasons,
            person.demotion_reasons,
            person.promoted_to,
            person.titles,
            tuple(replace(c, amount=cents(c.amount)) for c in person.compliance),
            person.review,
            tuple([self.entry(entry) for entry in person.trace]),
            offences,
            person.deductions,
            person.appraised,
        )

    def entry(self, entry: TraceEntry) -> TraceEntry:
        points, field_name, yuan = entry.points, entry.pay_field, entry.yuan
        sealed_points = None if points is None else self.point(points)
        if field_name is None or yuan is None:  # JSON holds both or neither
            field_name = sealed_yuan = None
        else:
            sealed_yuan = self.money(yuan)
        if sealed_points is points and sealed_yuan is yuan and field_name is entry.pay_field:
            return entry
        return TraceEntry(
            entry.rule,
            entry.clause,
            entry.effect,
            entry.source,
            sealed_points,
            field_name,
            sealed_yuan,
        )

    def point(self, value: Decimal) -> Decimal:
        """A score or points as JSON gives it back (itself when that is its form)."""
        sealed = self.points.get(id(value))
        if sealed is None:
            sealed = self.points[id(value)] = _same_or(value, _as_json(value))
        return sealed

    def money(self, value: Decimal) -> Decimal:
        """Yuan as JSON gives them back: to the cent (itself when that is its form)."""
        sealed = self.yuan.get(id(value))
        if sealed is None:
            sealed = self.yuan[id(value)] = _same_or(value, cents(value))
        return sealed


def _same_or(value: Decimal, sealed: Decimal) -> Decimal:
    """``value`` itself when ``sealed`` is it in the same form (value, exponent, sign)."""
    same = sealed == value and sealed.same_quantum(value)
    return value if same and sealed.is_signed() == value.is_signed() else sealed


def _as_json(value: Decimal) -> Decimal:
    """A score or points as JSON gives it back: a fraction goes through a float (`number`)."""
    if value == value.to_integral_value():
        return Decimal(int(value))  # JSON writes 147.0 as 147, and gives back Decimal('147')
    return Decimal(str(number(value)))


def pay_totals(employees: Sequence[EmployeeResult]) -> dict[str, Decimal]:
    """Each pay field's exact sum over ``employees``, then gross's: summed in C."""
    values = [person.pay.values for person in employees]
    totals = {name: sum(map(itemgetter(name), values), Decimal(0)) for name in PAY_FIELDS}
    return totals | {"gross": sum((person.pay.gross for person in employees), Decimal(0))}


def results_json(
    month: str,
    policy: Mapping[str, str],
    employees: Sequence[EmployeeResult],
) -> dict[str, Any]:
    info = PolicyInfo(policy["id"], policy["version"], policy["sha256"])
    return MonthResults(month, info, tuple(employees)).to_json()
