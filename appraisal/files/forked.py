"""Work started in a forked child as soon as what it needs exists, finished once what
it waits for does: `Beside`.

A run uses it twice: the seal's fingerprint (the inputs encoded, deflated and hashed)
is taken beside evaluation (`appraisal.ledger.early`), and the salary workbook written
beside the seal (`appraisal.export.beside`). The child is forked: it has what the parent
computed already, and nothing is copied to it but what it is sent (keep that small),
and nothing back but bytes. Where there is no fork, or the child gives no bytes (it
failed, or was killed), the caller does the work itself, so any error is raised as it
would be without a child, and the outcome is the same either way. The child leaves
with ``os._exit`` (multiprocessing's): nothing of the parent's (a ledger connection, a
file) is closed or committed there.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

__all__ = ["Beside", "can_fork", "can_fork_alone"]


def can_fork() -> bool:
    """Whether this platform can fork a child that shares the computed month (Linux, BSD)."""
    return "fork" in multiprocessing.get_all_start_methods()


def can_fork_alone() -> bool:
    """`can_fork`, and this process runs one thread: a fork copies no other thread, but
    would copy a lock another one held (the web server's threads), and the child could
    wait on it for ever."""
    return can_fork() and threading.active_count() == 1


P = TypeVar("P")  # what the child prepares
A = TypeVar("A")  # what it is sent to finish with


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
