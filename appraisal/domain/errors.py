"""The exception tree of `appraisal`.

Input problems are values (`appraisal.model.Issue`), collected from every stage and
reported together; these exceptions carry them to the command line, which prints them
as ``file:row:column: message`` and exits non-zero. Exceptions are otherwise for bugs
and I/O::

    AppraisalError
    ├── InputError       roster/events problems (``issues``); nothing was sealed
    ├── PolicyError      policy-file problems (``issues``), ``file:line: message``
    ├── ProfileError     import-profile problems (``issues``), ``file:line: field: message``
    └── LedgerError      the ledger file cannot be used, or a seal is refused
        ├── AlreadySealed    the month is sealed with other inputs; use --amend REASON
        ├── NothingToAmend   --amend for a month that was never sealed
        └── OutOfOrder       a new month before the latest sealed month

    KeyError
    └── UnknownEmployee  `appraisal.statement` for an id not in the month (with a suggestion)
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.model import Issue

__all__ = ["AppraisalError", "InputError"]


class AppraisalError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(AppraisalError):
    """The month's inputs have problems; ``issues`` lists every one of them."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))
