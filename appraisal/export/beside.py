"""Export beside the seal: the salary workbook's work started in a forked child as soon
as the month is computed, and finished once the ledger record it names exists.

The salary workbook takes longer than anything else a run does, and most of it (the
rows of every sheet) needs the results only; only its 说明 and page footers name the
ledger record (its hash, seq and version), which the seal makes. So `WorkbookChild`
begins a `Beside` (`appraisal.files.forked`) right after evaluation: the child does the
``prepare`` part while this process seals and writes the results JSON, then waits for
the record's few fields (`SealedFields`), does the ``finish`` part and hands back the
file's bytes. The child never touches the ledger: its connection is the parent's.
Where there is no child, or it gives no bytes, `sealed_workbook` makes them here: the
same bytes, and any error raised as it would be without a child.
"""

from __future__ import annotations

from contextlib import ExitStack

from appraisal.domain.results import MonthResults
from appraisal.export.workbook import Prepared, SealedFields, prepare, salary_workbook_of
from appraisal.files.forked import Beside, can_fork
from appraisal.ledger.records import SealedMonth
from appraisal.policy.loaded import Policy

__all__ = ["Beside", "WorkbookChild", "can_fork", "sealed_workbook"]


class WorkbookChild:
    """A run's salary workbook made beside its seal: `begin` when the month is computed
    (again if the seal is tried again), `sent` the record once sealed. The children end
    with ``stack``."""

    def __init__(self, policy: Policy, stack: ExitStack) -> None:
        self._policy = policy
        self._stack = stack
        self._begun: tuple[MonthResults, Beside[Prepared, SealedFields]] | None = None

    def begin(self, results: MonthResults) -> None:
        """Begin the workbook of ``results``: the child writes every sheet but what names
        the record (`appraisal.export.workbook.prepare`), then waits for it."""
        if self._begun is not None:
            self._begun[1].cancel()
        self._begun = None
        policy = self._policy
        try:
            child: Beside[Prepared, SealedFields] = Beside(
                lambda: prepare(policy, results), lambda prepared, record: prepared.finish(record)
            )
        except OSError:  # no fork now (no memory, too many processes): the run makes it
            return
        self._begun = (results, self._stack.enter_context(child))

    def sent(
        self, record: SealedMonth, results: MonthResults
    ) -> Beside[Prepared, SealedFields] | None:
        """The child making the workbook of ``results``, sent ``record``'s fields that the
        workbook names (`SealedFields`, not its large texts) to finish with; None unless
        ``results`` are the ones begun (a month found sealed already exports its sealed
        results, which may be others)."""
        if self._begun is None or self._begun[0] is not results:
            return None
        self._begun[1].send(SealedFields.of(record))
        return self._begun[1]


def sealed_workbook(
    record: SealedMonth,
    policy: Policy,
    results: MonthResults,
    beside: Beside[Prepared, SealedFields] | None = None,
) -> bytes:
    """The workbook of a sealed month's ``results``: the bytes of the child that made it
    (`WorkbookChild.sent`), or made here if there is none, or it gave none."""
    made = beside.result() if beside is not None else None
    if made is not None:
        return made
    sealed = results.as_sealed()  # as a replay reads it back from the ledger
    return salary_workbook_of(record, policy=policy, results=sealed)
