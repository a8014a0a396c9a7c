"""The month over every core: employees in shards, one worker process each.

Evaluation, the net pay and the compliance check read one employee at a time, but for
the awards, which rank everyone (`appraisal.engine.awards`). `evaluate_month` splits the
roster, in employee-id order, into ``jobs`` shards of consecutive employees with their
rows. This process evaluates the first shard and a worker process each of the others,
each up to the awards (`appraisal.engine.evaluate.Shard`); the workers send their
standings (a score and two eligibilities per employee), this process ranks them all in
roster order and sends the one ranking back, then each shard finishes: the awards, the
net pay, the check. The results come back in roster order, so they are the same, byte
for byte, whatever ``jobs`` is; ``jobs=1`` (the default of a library caller) forks
nothing.

The commands take ``--jobs N`` (default: the machine's cores, `cores`) and say it
with `jobs_in_force`, which `appraisal.pipeline.compute` reads when not told.
Workers are forked where the system can (they share the inputs read), else spawned.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import localcontext
from multiprocessing.connection import Connection
from typing import Any

from appraisal.check import check_results
from appraisal.domain.deductions import Deductions
from appraisal.domain.model import CarriedState, Employee, Event, Issue, Month
from appraisal.domain.money import CONTEXT
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import EmployeeResult
from appraisal.engine import awards
from appraisal.engine.evaluate import Shard
from appraisal.engine.net import net_pay
from appraisal.policy.loaded import PolicyInForce
from appraisal.read.inputs import MonthInputs

__all__ = ["Evaluated", "cores", "current_jobs", "evaluate_month", "jobs_in_force"]

_JOBS: ContextVar[int] = ContextVar("appraisal_jobs", default=1)


def cores() -> int:
    """The cores this process may run on: the default of ``--jobs``."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@contextmanager
def jobs_in_force(jobs: int) -> Iterator[None]:
    """Months computed in the block without a ``jobs`` of their own use ``jobs``."""
    token = _JOBS.set(max(1, jobs))
    try:
        yield
    finally:
        _JOBS.reset(token)


def current_jobs() -> int:
    """The ``jobs`` in force (`jobs_in_force`); 1 outside any."""
    return _JOBS.get()


@dataclass(frozen=True, slots=True)
class Evaluated:
    """The month's results, evaluated, paid and (when asked) checked, in roster order,
    and the problems only evaluation and the net pay reveal."""

    results: tuple[EmployeeResult, ...]
    issues: tuple[Issue, ...]


@dataclass(frozen=True, slots=True)
class _Job:
    """One shard's work: what a worker needs, besides the ranking it is sent."""

    policy: PolicyInForce
    month: Month
    roster: tuple[Employee, ...]
    events: tuple[Event, ...]
    deductions: Mapping[str, Deductions] | None
    state: CarriedState
    check: bool


def evaluate_month(
    policy: PolicyInForce,
    inputs: MonthInputs,
    state: CarriedState,
    *,
    check: bool,
    jobs: int | None = None,
) -> Evaluated:
    """Evaluate → net pay → (``check``: compliance) of ``inputs`` (validated) on ``state``,
    over ``jobs`` processes (None: `current_jobs`), never more than one per employee."""
    wanted = current_jobs() if jobs is None else jobs
    parts = _split(policy, inputs, state, check, max(1, min(wanted, len(inputs.roster))))
    with localcontext(CONTEXT), without_cycle_collection():
        if len(parts) == 1:
            shard = _shard(parts[0])
            return _finish(parts[0], shard, awards.rank(policy, inputs.month, shard.standings))
        return _spread(parts)


def _split(
    policy: PolicyInForce, inputs: MonthInputs, state: CarriedState, check: bool, jobs: int
) -> list[_Job]:
    month, deductions = inputs.month, inputs.deductions
    if jobs == 1:  # one shard of everyone: the shard picks each employee's rows itself
        roster, events = tuple(inputs.roster), tuple(inputs.events)
        return [_Job(policy, month, roster, events, deductions, state, check)]
    people = sorted(inputs.roster, key=lambda e: e.employee_id)
    sizes = _sizes(len(people), jobs)
    shard_of: dict[str, int] = {}
    start = 0
    rosters: list[tuple[Employee, ...]] = []
    for number in range(jobs):
        end = start + sizes[number]
        rosters.append(tuple(people[start:end]))
        shard_of.update((e.employee_id, number) for e in people[start:end])
        start = end
    rows: list[list[Event]] = [[] for _ in rosters]
    for event in inputs.events:  # an event of no one on the roster is evaluated by none
        home = shard_of.get(event.employee_id)
        if home is not None:
            rows[home].append(event)
    return [
        _Job(policy, month, roster, tuple(own), deductions, state, check)
        for roster, own in zip(rosters, rows, strict=True)
    ]


# A worker also encodes its results and sends them, and this process reads them back:
# this process's own shard is this many workers' shares, so that both finish together.
HOME_SHARE = 1.6
# Results a worker sends at a time: this process reads one batch while the next is encoded.
BATCH = 500


def _sizes(people: int, jobs: int) -> list[int]:
    """How many employees each shard takes: the first (this process's) `HOME_SHARE`
    workers' shares, the rest alike, the earlier ones one more while any are left."""
    if jobs == 1:
        return [people]
    home = min(people - (jobs - 1), round(people * HOME_SHARE / (HOME_SHARE + jobs - 1)))
    size, extra = divmod(people - home, jobs - 1)
    return [home, *(size + (number < extra) for number in range(jobs - 1))]


def _shard(job: _Job) -> Shard:
    return Shard(job.policy, job.month, job.roster, job.events, job.state)


def _finish(job: _Job, shard: Shard, ranking: awards.Ranking) -> Evaluated:
    evaluation = shard.finish(ranking)
    paid, unpaid = net_pay(evaluation.results, job.deductions)  # 实发 = 应发 − 扣款
    if job.check:
        paid = check_results(job.policy, shard.rows_of, paid)
    return Evaluated(paid, (*evaluation.issues, *unpaid))


def _spread(parts: list[_Job]) -> Evaluated:
    context = _context()
    sys.stdout.flush()  # a forked worker must not write again what is buffered now
    sys.stderr.flush()
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    finished = False
    try:
        for job in parts[1:]:
            here, there = context.Pipe()
            ours = [c for _, c in workers] + [here]  # for a forked worker to close its copies
            worker = context.Process(target=_work, args=(there, ours, job), daemon=True)
            worker.start()
            there.close()
            workers.append((worker, here))
        shard = _shard(parts[0])
        standings = list(shard.standings)
        for _, connection in workers:
            standings += _received(connection)
        ranking = awards.rank(parts[0].policy, parts[0].month, standings)
        for _, connection in workers:
            connection.send(ranking)
        done = [_finish(parts[0], shard, ranking)]
        done += [_gathered(connection) for _, connection in workers]
        finished = True
    finally:
        for worker, connection in workers:
            connection.close()
            if not finished:  # an error here or in another worker: stop them all
                worker.terminate()
            worker.join()
    results = tuple(r for part in done for r in part.results)
    return Evaluated(results, tuple(i for part in done for i in part.issues))


def _context() -> Any:  # a fork or a spawn context: both make a Process and a Pipe
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _received(connection: Connection) -> Any:
    kind, value = connection.recv()
    if kind == "error":
        raise value
    return value


def _gathered(connection: Connection) -> Evaluated:
    """A worker's finished shard, as it sends it: results in batches, then its issues."""
    results: list[EmployeeResult] = []
    while True:
        batch = _received(connection)
        if isinstance(batch, Evaluated):
            return Evaluated((*results, *batch.results), batch.issues)
        results += batch


def _sent(connection: Connection, done: Evaluated) -> None:
    """``done`` sent in batches of `BATCH` results, each encoded as the seal needs it
    (`EmployeeResult.encode`), then its issues: `_gathered` reads one batch while the
    next is encoded and pickled here."""
    results = done.results
    for start in range(0, len(results), BATCH):
        batch = [result.encode() for result in results[start : start + BATCH]]
        connection.send(("results", batch))
    connection.send(("done", Evaluated((), done.issues)))


def _work(connection: Connection, theirs: list[Connection], job: _Job) -> None:
    """A worker: its shard up to the awards, the standings sent, the ranking received,
    then the shard finished and sent. An error is sent back, to be raised there.
    ``theirs``: the parent's ends of the pipes, closed here so that only the parent
    holds them (a worker waiting on its pipe then sees the parent close it)."""
    for end in theirs:
        end.close()
    try:
        with localcontext(CONTEXT), without_cycle_collection():
            shard = _shard(job)
            connection.send(("standings", shard.standings))
            ranking = connection.recv()
            _sent(connection, _finish(job, shard, ranking))
    except EOFError:  # the parent stopped waiting: nothing to say
        pass
    except BaseException as error:  # every error goes back to the parent
        try:
            connection.send(("error", error))
        except Exception:  # an error that cannot travel, as text
            connection.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        connection.close()
