"""The desk's views of sealed months' audits and files: downloads, statements, replay,
reseal and what-if (re-exported by `appraisal.web.views`, where the API and pages find
them), and how money and points are written in JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from appraisal.domain.money import plain
from appraisal.domain.money import text as money_text

__all__ = [
    "Download",
    "EmployeeChange",
    "MonthRow",
    "ReplayPage",
    "ResealPage",
    "ResealedMonth",
    "RuleLine",
    "Statement",
    "VersionRow",
    "WhatIfPage",
    "money",
    "points",
]


def money(value: Decimal | None) -> str | None:
    """Yuan as results.json writes them: two decimals, or None."""
    return None if value is None else money_text(value)


def points(value: Decimal | None) -> str | None:
    """A score as text, without trailing zeros (``182``, ``182.5``), or None."""
    return None if value is None else plain(value)


@dataclass(frozen=True)
class Download:
    """A file to download: its name, media type and bytes (``to_json`` gives no bytes)."""

    filename: str
    media_type: str
    data: bytes = field(repr=False)

    def to_json(self) -> dict[str, object]:
        return {"filename": self.filename, "media_type": self.media_type, "size": len(self.data)}


@dataclass(frozen=True)
class RuleLine:
    """One rule that fired for an employee, from the results' trace: its clause, its
    effect worded for display, the points and yuan, and the input row (file:row)."""

    rule: str
    clause: str
    effect: str
    points: Decimal | None
    pay_field: str | None
    amount: Decimal | None
    source: str

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "effect": self.effect,
            "points": points(self.points),
            "pay_field": self.pay_field,
            "amount": money(self.amount),
            "source": self.source,
        }


@dataclass(frozen=True)
class Statement:
    """An employee's statement, as `appraisal explain` prints it (``lines``), and the
    rules that fired. ``version`` None: the draft's preview, not sealed."""

    month: str
    version: int | None
    employee_id: str
    name: str
    department: str
    lines: tuple[str, ...]
    rules: tuple[RuleLine, ...]

    @property
    def draft(self) -> bool:
        return self.version is None

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "version": self.version,
            "draft": self.draft,
            "employee_id": self.employee_id,
            "name": self.name,
            "department": self.department,
            "lines": list(self.lines),
            "rules": [r.to_json() for r in self.rules],
        }


@dataclass(frozen=True)
class ReplayPage:
    """A sealed version replayed: identical, or the differences (lines), and whether the
    version is current or superseded (worded); ``lines``: what `replay` prints."""

    month: str
    version: int
    identical: bool
    differences: tuple[str, ...]
    standing: str
    lines: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "version": self.version,
            "identical": self.identical,
            "differences": list(self.differences),
            "standing": self.standing,
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class EmployeeChange:
    """An employee whose figures change in a month (reseal, what-if): gross before and
    after and the difference (+ back pay, − clawback), the changes worded, the rules."""

    month: str
    employee_id: str
    name: str
    department: str
    before: Decimal
    after: Decimal
    difference: Decimal
    details: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "employee_id": self.employee_id,
            "name": self.name,
            "department": self.department,
            "before": money(self.before),
            "after": money(self.after),
            "difference": money(self.difference),
            "details": list(self.details),
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class ResealedMonth:
    """A month re-sealed: its new version, the one it supersedes, its record hash."""

    month: str
    version: int
    supersedes: int
    record_hash: str

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "version": self.version,
            "supersedes": self.supersedes,
            "record_hash": self.record_hash,
        }


class _Changes(Protocol):
    """What a reseal and a what-if both report: the changes per employee and their totals."""

    @property
    def changes(self) -> tuple[EmployeeChange, ...]: ...
    @property
    def back_pay(self) -> Decimal: ...
    @property
    def clawback(self) -> Decimal: ...
    @property
    def net(self) -> Decimal: ...
    @property
    def lines(self) -> tuple[str, ...]: ...


def _changes_json(page: _Changes) -> dict[str, object]:
    return {
        "changes": [c.to_json() for c in page.changes],
        "back_pay": money(page.back_pay),
        "clawback": money(page.clawback),
        "net": money(page.net),
        "lines": list(page.lines),
    }


@dataclass(frozen=True)
class ResealPage:
    """`appraisal reseal --after M`: the months re-sealed, the lines it prints, the
    per-employee changes and the totals (back pay, clawback, net)."""

    after: str
    months: tuple[ResealedMonth, ...]
    changes: tuple[EmployeeChange, ...]
    back_pay: Decimal
    clawback: Decimal
    net: Decimal
    lines: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "after": self.after,
            "months": [m.to_json() for m in self.months],
            **_changes_json(self),
        }


@dataclass(frozen=True)
class WhatIfPage:
    """`appraisal what-if`: a draft policy over sealed months, nothing sealed; the lines
    it prints, the per-employee changes and the totals."""

    policy: str
    first: str
    last: str
    as_of: str | None
    changes: tuple[EmployeeChange, ...]
    back_pay: Decimal
    clawback: Decimal
    net: Decimal
    lines: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "policy": self.policy,
            "first": self.first,
            "last": self.last,
            "as_of": self.as_of,
            **_changes_json(self),
        }


@dataclass(frozen=True)
class MonthRow:
    """A month on the months page. ``status``: draft (only a draft), sealed, stale
    (sealed on a superseded state: to re-seal), sealed+draft (sealed, and a draft of an
    amendment is being gathered). Version figures are of the current version, for what
    the user sees (a manager: their departments)."""

    month: str
    status: str
    version: int | None = None
    sealed_by: str | None = None
    sealed_at: str | None = None
    head_count: int | None = None
    gross: Decimal | None = None
    draft_files: int = 0
    open_items: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "status": self.status,
            "version": self.version,
            "sealed_by": self.sealed_by,
            "sealed_at": self.sealed_at,
            "head_count": self.head_count,
            "gross": money(self.gross),
            "draft_files": self.draft_files,
            "open_items": self.open_items,
        }


@dataclass(frozen=True)
class VersionRow:
    """A sealed version of a month: when, by whom, why (an amendment's reason), its
    figures (for what the user sees), and whether it is the current one."""

    version: int
    sealed_at: str
    sealed_by: str
    reason: str | None
    head_count: int
    gross: Decimal
    standing: str  # "current" or "superseded"
    record_hash: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "sealed_at": self.sealed_at,
            "sealed_by": self.sealed_by,
            "reason": self.reason,
            "head_count": self.head_count,
            "gross": money(self.gross),
            "standing": self.standing,
            "record_hash": self.record_hash,
        }
