"""What changes between two results of the same months: per employee, per month, per
department (补发 back pay and 扣回 clawback), as `appraisal reseal` and `appraisal what-if`
report them.

The records are built by `appraisal.export.changes` (which compares two
`MonthResults`) and read by the text, JSON and workbook writers; they hold figures
only, so every writer says the same thing. A positive difference of gross is back pay
HR settles with the next payroll (补发), a negative one a clawback (扣回).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "BACK_PAY",
    "CLAWBACK",
    "ChangeReport",
    "DepartmentTotal",
    "EmployeeChange",
    "FieldChange",
    "MonthChanges",
]

BACK_PAY = "补发 back pay"
CLAWBACK = "扣回 clawback"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FieldChange:
    """One pay field (or gross) of one employee: before and after, to the cent."""

    name: str
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class EmployeeChange:
    """An employee whose month comes out otherwise: every figure that changed.

    ``status`` is "changed", or "added"/"removed" for an employee in only one of the two
    results (their "before" or "after" figures are then empty and count as 0 yuan).
    ``rules`` are the ids of the rules whose trace entries differ: the rules responsible.
    """

    month: str
    employee_id: str
    name: str
    department: str
    status: str
    score_before: Decimal | None
    score_after: Decimal | None
    level_before: str | None
    level_after: str | None
    next_level_before: str | None
    next_level_after: str | None
    titles_before: tuple[str, ...]
    titles_after: tuple[str, ...]
    dismissal_before: bool
    dismissal_after: bool
    gross: FieldChange  # always given, changed or not
    pay: tuple[FieldChange, ...]  # the other pay fields that changed, in payslip order
    rules: tuple[str, ...]

    def field(self, name: str) -> FieldChange | None:
        return next((change for change in self.pay if change.name == name), None)


@dataclass(frozen=True)
class DepartmentTotal:
    """One department's changes in a month: heads changed, gross before and after."""

    department: str
    employees: int
    gross_before: Decimal
    gross_after: Decimal
    back_pay: Decimal
    clawback: Decimal  # a positive amount, taken back

    @property
    def net(self) -> Decimal:
        return self.back_pay - self.clawback


@dataclass(frozen=True)
class MonthChanges:
    """One month compared: the employees whose results change, in employee_id order."""

    month: str
    employees: int  # heads compared (in either result)
    changes: tuple[EmployeeChange, ...]
    before_label: str  # "2026-11 v1", "sealed 2026-11 v1"
    after_label: str  # "2026-11 v2", "draft cs-appraisal 2027-01.2"

    @property
    def back_pay(self) -> Decimal:
        return sum((c.gross.delta for c in self.changes if c.gross.delta > 0), ZERO)

    @property
    def clawback(self) -> Decimal:
        return -sum((c.gross.delta for c in self.changes if c.gross.delta < 0), ZERO)

    @property
    def net(self) -> Decimal:
        return self.back_pay - self.clawback

    def departments(self) -> list[DepartmentTotal]:
        """Totals per department, by department name; only departments with changes."""
        grouped: dict[str, list[EmployeeChange]] = {}
        for change in self.changes:
            grouped.setdefault(change.department, []).append(change)
        return [_department_total(name, grouped[name]) for name in sorted(grouped)]


@dataclass(frozen=True)
class ChangeReport:
    """Months compared, for `reseal` (what was sealed before and after) or `what-if`
    (what is sealed and what the draft policy would give)."""

    kind: str  # "reseal" | "what-if"
    title: str
    months: tuple[MonthChanges, ...]
    notes: tuple[str, ...] = ()
    labels: Mapping[str, str] | None = None  # extra lines of the summary sheet's header

    @property
    def back_pay(self) -> Decimal:
        return sum((m.back_pay for m in self.months), ZERO)

    @property
    def clawback(self) -> Decimal:
        return sum((m.clawback for m in self.months), ZERO)

    @property
    def net(self) -> Decimal:
        return self.back_pay - self.clawback

    @property
    def changed(self) -> int:
        return sum(len(m.changes) for m in self.months)


def _department_total(name: str, changes: Sequence[EmployeeChange]) -> DepartmentTotal:
    deltas = [c.gross.delta for c in changes]
    return DepartmentTotal(
        department=name,
        employees=len(changes),
        gross_before=sum((c.gross.before for c in changes), ZERO),
        gross_after=sum((c.gross.after for c in changes), ZERO),
        back_pay=sum((d for d in deltas if d > 0), ZERO),
        clawback=-sum((d for d in deltas if d < 0), ZERO),
    )
