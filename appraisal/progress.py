"""How a long command tells its user where it is: a stage at a time, and a count within it.

The pipeline's functions take an optional `Progress` and say each stage they enter
(reading, evaluating, sealing, writing the workbook …) and, where they can count, how
far in they are. The default, `NO_PROGRESS`, does nothing, so the engine stays a pure
function and a caller that does not ask for progress (a test, `evaluate_rows`) sees no
difference. The command line passes a real one when stderr is a terminal
(`appraisal.cli.progress`); nothing here draws anything.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

__all__ = ["NO_PROGRESS", "NoProgress", "Progress"]


class Progress(Protocol):
    """A reporter of progress. Cheap calls only: a caller that counts advances in chunks."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage begins (the one before it is done); ``total`` items, if countable."""

    def advance(self, n: int = 1) -> None:
        """``n`` more items of the current stage are done."""


class NoProgress:
    """Progress that shows nothing: the default, and what ``--quiet`` gives."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        pass


NO_PROGRESS = NoProgress()
