"""Export beside the seal: a file's work started in a second process as soon as the
month is computed, and finished once the ledger record it names exists.

The salary workbook takes longer than anything else a run does, and most of it (the
rows of every sheet) needs the results only; only its 说明 and page footers name the
ledger record (its hash, seq and version), which the seal makes. So `Beside` forks a
child right after evaluation: the child does the ``prepare`` part while this process
seals and writes the results JSON, then waits for the record (`Beside.send`), does the
``finish`` part and hands back the file's bytes (`Beside.result`). On two cores the
workbook costs the run only what is left of it after the seal and the JSON.

The child is forked: it has the computed results already, and nothing is copied to it
but the record (its small fields; see `appraisal.pipeline`) and nothing back but the
bytes. Where there is no fork, or the child gives no bytes (it failed, or was killed),
the caller makes the bytes itself, so any error is raised as it would be without a
child, and the bytes are the same either way. The child never touches the ledger: its
connection is the parent's, and it leaves with ``os._exit`` (multiprocessing's), so
nothing of it is closed or committed there.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from contextlib import ExitStack
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from appraisal.domain.results import MonthResults
from appraisal.export.workbook import Prepared, SealedFields, prepare, salary_workbook_of
from appraisal.ledger.records import SealedMonth
from appraisal.policy.loaded import Policy

__all__ = ["Beside", "WorkbookChild", "can_fork", "sealed_workbook"]

P = TypeVar("P")  # what the child prepares
A = TypeVar("A")  # what it is sent to finish with


def can_fork() -> bool:
    """Whether this platform can fork a child that shares the computed month (Linux, BSD)."""
    return "fork" in multiprocessing.get_all_start_methods()


class Beside(Generic[P, A]):
    """``finish(prepare(), argument)`` in a forked child: ``prepare`` now, ``finish`` once
    `send` gives the argument; `result` is its bytes, or None if the child gave none.

    Use it as a context manager: leaving the block ends a child still at work (a seal
    refused, an error), so no child outlives the command.
    """

    def __init__(self, prepare: Callable[[], P], finish: Callable[[P, A], bytes]) -> None:
        context = multiprocessing.get_context("fork")
        self._argument_in, self._argument_out = context.Pipe(duplex=False)
        self._answer_in, self._answer_out = context.Pipe(duplex=False)
        ends = (self._argument_in, self._answer_out, self._argument_out, self._answer_in)
        self._child = context.Process(target=_work, args=(prepare, finish, *ends), daemon=True)
        self._child.start()
        self._argument_in.close()  # the child's ends: closed here, so that either side
        self._answer_out.close()  # sees the end of the other when it leaves
        self._sent = False

    def __enter__(self) -> Beside[P, A]:
        return self

    def __exit__(self, *_: object) -> None:
        self.cancel()

    def send(self, argument: A) -> None:
        """Let the child finish, with ``argument`` (pickled: keep it small)."""
        if not self._sent:
            self._sent = True
            try:
                self._argument_out.send(argument)
            except OSError:  # the child is gone: `result` says so
                pass
            finally:
                self._argument_out.close()

    def result(self) -> bytes | None:
        """The child's bytes, waiting for them; None if it failed or was stopped."""
        try:
            data: bytes | None = self._answer_in.recv_bytes()
        except (EOFError, OSError):
            data = None
        self.cancel()
        return data

    def cancel(self) -> None:
        """End the child, done or not, and close what is left of the pipes."""
        if not self._sent:
            self._sent = True
            self._argument_out.close()  # the child reads the end of its argument: it leaves
        self._answer_in.close()
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()


def _work(
    prepare: Callable[[], P],
    finish: Callable[[P, A], bytes],
    argument_in: Connection,
    answer_out: Connection,
    argument_out: Connection,
    answer_in: Connection,
) -> None:
    """The child: prepare, wait for the argument, finish, answer. Any failure answers
    nothing; the parent then makes the bytes itself and raises what goes wrong there."""
    argument_out.close()  # the parent's ends, inherited by the fork
    answer_in.close()
    try:
        prepared = prepare()
        argument = argument_in.recv()
        answer_out.send_bytes(finish(prepared, argument))
    except BaseException:  # the parent makes the bytes again, and raises it there
        pass
    finally:
        argument_in.close()
        answer_out.close()


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
