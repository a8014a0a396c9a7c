"""Clause texts that no longer say what their values say.

A rule's clause text is what statements and the workbook show beside each yuan
("迟到30分钟以内扣10元/次 — fine 15.00"). When a value changes (from one effective date to
the next, or from the text sealed before to this one) but its clause still quotes the
old figure and not the new one, `appraisal check-policy` says so.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from appraisal.domain.money import plain
from appraisal.i18n import _
from appraisal.policy.loaded import Policy, PolicyInForce

__all__ = ["stale_clauses", "stale_clauses_between"]


def stale_clauses(policy: Policy) -> list[str]:
    """Every clause whose value changes between the policy's own effective dates while
    its text still quotes the old figure."""
    dates = policy.source.effective_dates()
    found: list[str] = []
    for before, after in itertools.pairwise(dates):
        found += stale_clauses_between(
            policy.in_force_on(before),
            policy.in_force_on(after),
            _("from {date}").format(date=after.isoformat()),
        )
    return found


def stale_clauses_between(before: PolicyInForce, after: PolicyInForce, when: str) -> list[str]:
    """The clauses of ``after`` whose figures differ from ``before`` while the clause text,
    the same in both, quotes the old figure and not the new; ``when`` says when
    ("from 2027-01-01", "since the text sealed in 2026-10")."""
    found: list[str] = []
    _walk(before.doc.model_dump(), after.doc.model_dump(), "", when, found)
    return found


def _walk(old: Any, new: Any, path: str, when: str, found: list[str]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        clause = new.get("clause")
        if isinstance(clause, str) and clause == old.get("clause"):
            for key, value in new.items():
                was = old.get(key)
                if _stale(clause, was, value):
                    message = _(
                        "{field}: {was} → {value} {when}, but its clause still reads "
                        "{clause}: update the clause text, which statements and the "
                        "workbook show"
                    )
                    found.append(
                        message.format(
                            field=f"{path}.{key}".lstrip("."),
                            was=plain(Decimal(str(was))),
                            value=plain(Decimal(str(value))),
                            when=when,
                            clause=repr(clause),
                        )
                    )
        for key in new:
            if key in old:
                _walk(old[key], new[key], f"{path}.{key}", when, found)


def _stale(clause: str, was: object, value: object) -> bool:
    """A figure that changed while the clause quotes the old one and not the new."""
    if not (_number(value) and _number(was)) or Decimal(str(was)) == Decimal(str(value)):
        return False
    return _quotes(clause, was) and not _quotes(clause, value)


def _number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _quotes(clause: str, value: object) -> bool:
    figure = re.escape(plain(Decimal(str(value))))
    return re.search(rf"(?<![\d.]){figure}(?![\d.]*\d)", clause) is not None
