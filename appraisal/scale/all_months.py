"""`appraisal replay --all`: every sealed month replayed, in parallel.

The auditor's side of the pipeline, at scale. The ledger is read once, in this process:
the chain's links over the whole ledger, the content of the superseded versions (which
are not replayed), and each current record as stored. Each record then goes to the map
(`appraisal.scale.recompute.replay_stored`), which checks its content against its hash
and recomputes the month from it alone, rebuilding its policy from the stored texts: in
this process (``jobs=1``), in a pool of ``jobs`` worker processes, or on a Dask cluster
(`appraisal.scale.cluster`, with ``scheduler``). The chain is so checked once per
command, however many months are replayed, and every record of it is checked.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from appraisal.i18n import _
from appraisal.ledger.backend import ledger_exists
from appraisal.ledger.errors import LedgerError, stale_note
from appraisal.ledger.store import Ledger
from appraisal.progress import NO_PROGRESS, Progress
from appraisal.scale.recompute import MonthReplay, Runner, replay_stored
from appraisal.scale.stored import (
    Stored,
    current_seqs,
    link_problems,
    record_problems,
    stored_records,
)

__all__ = ["AllReplays", "in_processes", "replay_all"]


@dataclass(frozen=True)
class AllReplays:
    """Every current month replayed, in calendar order, and the problems of the chain
    that belong to no month replayed (a broken link, a superseded version edited)."""

    months: tuple[MonthReplay, ...]
    chain: tuple[str, ...]

    @property
    def identical(self) -> bool:
        return not self.chain and not any(m.differences for m in self.months)

    def report(self) -> list[tuple[bool, str]]:
        """What `replay --all` prints, each line with whether it goes to stderr: the
        chain's problems, each month's differences and its line, then the total."""
        lines = [(True, line) for line in self.chain]
        for month in self.months:
            lines += [(True, f"{month.month}: {line}") for line in month.differences]
            text = (
                _("{month} v{version}: {people} employees, {count} difference(s).")
                if month.differences
                else _("{month} v{version}: {people} employees, identical.")
            )
            facts = {"month": month.month, "version": month.version, "people": month.employees}
            lines.append(
                (bool(month.differences), text.format(**facts, count=len(month.differences)))
            )
        count, people = len(self.months), sum(m.employees for m in self.months)
        if self.identical:
            total = _(
                "Replay of {count} sealed month(s), {people} employee-months: all identical"
                " to the sealed results; ledger chain intact."
            )
            return [*lines, (False, total.format(count=count, people=people))]
        differing = [m.month for m in self.months if m.differences]
        total = _(
            "Replay of {count} sealed month(s): {differing} differ ({months});"
            " {problems} problem(s) in the ledger chain."
        )
        listed = ", ".join(differing) or "-"
        summary = total.format(
            count=count, differing=len(differing), months=listed, problems=len(self.chain)
        )
        return [*lines, (True, summary)]


def replay_all(
    ledger_path: str | Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> AllReplays:
    """Replay every sealed month's current version (see the module's text).

    ``jobs``: worker processes (1: here); ``scheduler``: a Dask scheduler's address
    (``tcp://host:8786``), which ``jobs`` then does not apply to. Raises `LedgerError`
    when there is no ledger file, and ImportError (named) when Dask is asked for and not
    installed.
    """
    progress.stage("reading the ledger")
    if not ledger_exists(ledger_path):
        raise LedgerError("no ledger file")
    with Ledger(ledger_path) as ledger, ledger.snapshot():
        chain = link_problems(ledger)
        current = current_seqs(ledger)
        superseded = ledger.query(
            "SELECT seq FROM sealed_month WHERE seq NOT IN"
            f" ({', '.join('?' for _ in current)}) ORDER BY seq",
            tuple(current.values()),
        )
        for old in stored_records(ledger, [int(seq) for (seq,) in superseded]):
            chain += record_problems(old)
        records = stored_records(ledger, list(current.values()))
        stale = ledger.stale_months()
    records.sort(key=lambda stored: str(stored["month"]))
    if scheduler is not None:
        from appraisal.scale.cluster import on_cluster  # Dask only when asked for

        run: Runner = on_cluster(scheduler)
    else:
        run = in_processes(jobs)
    progress.stage("replaying", len(records))
    replayed: list[MonthReplay] = []
    for month in run(records):
        replayed.append(month)
        progress.advance(1)
    months = [_with_stale(m, stale, current) for m in replayed]
    return AllReplays(
        tuple(months), tuple(_("ledger chain: {problem}").format(problem=p) for p in chain)
    )


def in_processes(jobs: int) -> Runner:
    """The map over ``jobs`` worker processes (forked where the system can, as
    `appraisal.check.shards` does), or in this process when ``jobs`` is 1."""

    def run(records: list[Stored]) -> Iterator[MonthReplay]:
        if jobs <= 1 or len(records) <= 1:
            yield from map(replay_stored, records)
            return
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        workers = min(jobs, len(records))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield from pool.map(replay_stored, records, chunksize=1)

    return run


def _with_stale(month: MonthReplay, stale: list[str], current: dict[str, int]) -> MonthReplay:
    """A stale month (过期) differs from what it should start from: said as `replay` says it."""
    if month.month not in stale:
        return month
    before = max((m for m in current if m < month.month), default=None)
    note = stale_note(month.month, stale, before)
    return replace(month, differences=(*month.differences, note))
