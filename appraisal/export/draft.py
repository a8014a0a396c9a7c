"""Export stage for a 草稿 (draft): the files of a month evaluated and sealed nowhere.

`appraisal run --dry-run` writes --json and --out as a run would, each marked 草稿: the
results file's first key says so, and the workbook's title and 说明 (with no ledger
record and no record hash; `draft_workbook`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from appraisal.domain.errors import WriteFailed
from appraisal.domain.results import MonthResults
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import draft_workbook
from appraisal.files.output import write_atomic
from appraisal.policy.loaded import Policy
from appraisal.progress import NO_PROGRESS, Progress

__all__ = ["DRAFT", "write_draft_files"]

#: The draft results file's mark, its first key: evaluated, not sealed.
DRAFT = "草稿 (draft): appraisal run --dry-run, not sealed; no ledger record"


def write_draft_files(
    results: MonthResults,
    results_json: Mapping[str, Any],
    policy: Policy,
    input_files: Mapping[str, str],
    *,
    json_path: Path | None,
    workbook_path: Path | None,
    progress: Progress = NO_PROGRESS,
) -> None:
    """Write each file asked for, whole or not at all; an `OSError` is `WriteFailed`
    (nothing is sealed, so there is nothing to write again from)."""
    files: list[tuple[Path | None, Callable[[], bytes]]] = [
        (json_path, lambda: results_file_bytes({"draft": DRAFT, **results_json})),
        (workbook_path, lambda: draft_workbook(results, policy, input_files)),
    ]
    for path, make in files:
        if path is not None:
            progress.stage("writing")
            try:
                write_atomic(path, make())
            except OSError as error:
                raise WriteFailed(str(path), error.strerror or str(error)) from error
