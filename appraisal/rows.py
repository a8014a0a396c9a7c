"""The Python API's rows: one month evaluated from rows given as dicts.

`evaluate_rows` reads the rows as `appraisal run` reads a CSV's (`appraisal.read`) and
computes the month through the pipeline's `compute`, with nothing sealed or written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from appraisal.domain.errors import InputError
from appraisal.domain.model import CarriedState, Month
from appraisal.pipeline import compute
from appraisal.policy.loaded import Policy, load_policy
from appraisal.read.inputs import MonthInputs
from appraisal.read.parse import EVENT_COLUMNS, ROSTER_COLUMNS, parse_events, parse_roster
from appraisal.read.references import check_references
from appraisal.read.tables import Table, rows_table

__all__ = ["evaluate_rows", "table_of_rows"]


def evaluate_rows(
    month: str,
    roster: Sequence[Mapping[str, object]],
    events: Sequence[Mapping[str, object]],
    *,
    policy: str | Path | Policy | None = None,
    state: Mapping[str, Any] | CarriedState | None = None,
) -> dict[str, Any]:
    """Evaluate one month from rows given as dicts (cells as a CSV would hold them)."""
    period = Month.parse(month)
    loaded = policy if isinstance(policy, Policy) else load_policy(policy)
    carried = state if isinstance(state, CarriedState) else CarriedState.from_json(state or {})
    roster_table = table_of_rows("roster", roster, ROSTER_COLUMNS)
    events_table = table_of_rows("events", events, EVENT_COLUMNS)
    people, issues = parse_roster(roster_table)
    happenings, found = parse_events(events_table, period)
    issues += found + check_references(people, happenings, [events_table])
    inputs = MonthInputs(period, tuple(people), tuple(happenings), problems=tuple(issues))
    computed, issues = compute(loaded, inputs, carried)
    if computed is None:
        raise InputError(issues)
    return computed.results_json


def table_of_rows(name: str, rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> Table:
    # No rows still means a table with the standard header, not a file without one.
    return rows_table(name, rows) if rows else Table(name, name, tuple(columns), ())
