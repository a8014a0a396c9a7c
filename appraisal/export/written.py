"""Export stage: the files asked for of a sealed month, each written whole or not at all.

`appraisal run` (`appraisal.pipeline.export`) and the readers of the ledger
(`appraisal.audit`) write through here, so a file that cannot be written names the
`appraisal export` command that writes it again from the ledger.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from pathlib import Path

from appraisal.domain.errors import WriteFailed
from appraisal.files.output import write_atomic
from appraisal.ledger.records import SealedMonth
from appraisal.progress import NO_PROGRESS, Progress

__all__ = ["write_files"]


def write_files(
    record: SealedMonth,
    files: Sequence[tuple[str, Path | None, Callable[[], bytes]]],
    ledger_path: str | Path | None,
    progress: Progress = NO_PROGRESS,
) -> None:
    """Write each file asked for of a sealed month, given with its `appraisal export`
    option; an `OSError` is `WriteFailed`, naming the `appraisal export` of this version
    that writes this file and the rest again."""
    wanted = [(option, path, make) for option, path, make in files if path is not None]
    for done, (option, path, make) in enumerate(wanted):
        progress.stage("writing the workbook" if option == "--out" else "writing the results")
        try:
            write_atomic(path, make())
        except OSError as error:
            command = ["appraisal", "export", "--month", record.month]
            command += ["--version", str(record.version)]
            command += ["--ledger", str(ledger_path)]
            for other, left, _ in wanted[done:]:
                command += [other, str(left)]
            rebuild = shlex.join(command) if ledger_path is not None else None
            reason = error.strerror or str(error)
            raise WriteFailed(str(path), reason, sealed=record.month, rebuild=rebuild) from error
