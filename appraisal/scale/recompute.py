"""One sealed month recomputed from its record alone: the map that `appraisal replay`
runs once, and `replay --all` once per month, here, in worker processes or on a Dask
cluster.

Part of the auditor's side of the pipeline. `recompute` rebuilds the month's policy from
the texts the ledger stored (never today's files), runs the same
`appraisal.pipeline.compute` a run uses on the stored inputs and state before, and lists
every difference from the sealed results and state after. `replay_stored` is the map:
one record as stored in, a `MonthReplay` out, both plain data that pickle small (the
large texts travel deflated, as the ledger stores them), so a worker needs the record and
the same release of appraisal, and no ledger file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from appraisal.domain.version import release
from appraisal.i18n import _
from appraisal.ledger.chain import record_from_stored, where_of
from appraisal.ledger.compare import diff
from appraisal.ledger.records import SealedMonth
from appraisal.pipeline import compute
from appraisal.policy.loaded import Policy, PolicyError, load_policy_bundle
from appraisal.scale.stored import Stored, record_problems

__all__ = [
    "RECORDED_FROM",
    "MonthReplay",
    "Runner",
    "as_recorded_by",
    "recompute",
    "replay_stored",
    "stored_policy",
]


def stored_policy(record: SealedMonth) -> Policy:
    """The policy of a sealed month, from the texts the ledger stored, never today's files."""
    try:
        return load_policy_bundle(record.policy_sources)
    except PolicyError as error:
        error.what = f"stored {error.what}"  # the closing line's "problems in the …"
        raise


def recompute(record: SealedMonth, jobs: int | None = None) -> tuple[list[str], Policy | None]:
    """Every difference between ``record`` and its month computed again from what it
    stored, and the policy parsed from its texts. ``jobs``: `compute`'s processes."""
    differences: list[str] = []
    policy = stored_policy(record)
    if policy.sha256 != record.policy_sha256:
        differences.append(
            _("policy text: sha256 {computed} != sealed {sealed}").format(
                computed=policy.sha256, sealed=record.policy_sha256
            )
        )
    computed, issues = compute(policy, record.month_inputs(), record.carried_before(), jobs=jobs)
    if computed is None:
        differences += [_("stored input: {issue}").format(issue=i) for i in issues]
        return differences, policy
    recomputed = as_recorded_by(computed.results_json, record.engine_version)
    differences += diff("results", record.results, recomputed)
    differences += diff("state after", record.state_after, computed.state_after.to_json())
    return differences, policy


@dataclass(frozen=True)
class MonthReplay:
    """One month's replay: which record, how many employees, and every difference
    ([] when identical to the sealed results)."""

    month: str
    version: int
    seq: int
    employees: int
    differences: tuple[str, ...]
    record_hash: str


#: How the months are mapped: the records as stored in, one `MonthReplay` each out, in
#: the order given (here, in processes, or on a cluster).
Runner = Callable[[list[Stored]], Iterator[MonthReplay]]


def replay_stored(stored: Mapping[str, Any]) -> MonthReplay:
    """The map of `replay --all`: one record as stored, its content checked against its
    hash, then recomputed (one process: the months are what is spread)."""
    differences = [_("ledger chain: {problem}").format(problem=p) for p in record_problems(stored)]
    try:
        record = record_from_stored(stored)
    except ValueError as exc:  # a column that does not parse: named already, nothing to run
        problem = f"{where_of(stored)}: {exc}"
        return MonthReplay(
            str(stored["month"]),
            int(stored["version"]),
            int(stored["seq"]),
            0,
            tuple(differences or [_("ledger chain: {problem}").format(problem=problem)]),
            str(stored["record_hash"]),
        )
    try:
        found, _policy = recompute(record, jobs=1)
    except PolicyError as error:
        found = [str(error)]
    people = len(record.results.get("employees", []))
    return MonthReplay(
        record.month,
        record.version,
        record.seq,
        people,
        tuple(differences + found),
        record.record_hash,
    )


#: What a release began to record of each employee, by key: a month an earlier release
#: sealed is compared without it, since that release could not record it.
RECORDED_FROM = {"appraised": (0, 2, 0)}  # issue 10: "appraised": false


def as_recorded_by(results: dict[str, Any], engine_version: str) -> dict[str, Any]:
    """``results`` as the release ``engine_version`` recorded them: without the keys of
    each employee that a later release began to record (`RECORDED_FROM`)."""
    unknown = {key for key, first in RECORDED_FROM.items() if release(engine_version) < first}
    if not unknown:
        return results
    employees = [
        {key: value for key, value in person.items() if key not in unknown}
        for person in results.get("employees", [])
    ]
    return {**results, "employees": employees}
