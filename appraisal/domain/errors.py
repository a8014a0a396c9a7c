"""The exception tree of `appraisal`.

Input problems are values (`appraisal.domain.model.Issue`), collected from every stage
and reported together; these exceptions carry them to the command line, which prints
them as ``file:row:column: message`` and exits non-zero. Exceptions are otherwise for
bugs and I/O. An error with ``issues`` also says ``what`` was being read, as a message
names it ("in the roster", "in the policy"), so one ``except`` serves a whole family::

    AppraisalError
    ├── InputError       roster/events/export problems (``issues``); nothing was sealed
    ├── BadFile          a file that configures the engine cannot be used (``issues``)
    │   ├── PolicyError      a policy file, ``file:line: message``
    │   └── ProfileError     an import profile, ``file:line: field: message``
    ├── WriteFailed      an output file could not be written (after a seal: says how to rebuild it)
    └── LedgerError      the ledger file cannot be used, or a seal is refused
        ├── AlreadySealed    the month is sealed with other inputs; use --amend REASON
        ├── NothingToAmend   --amend for a month that was never sealed
        ├── NotSealed        explain/reissue/workbook check of a month that is not sealed
        ├── OutOfOrder       a new month before the latest sealed month
        ├── ChainBroken      the hash chain does not hold: nothing is read from the ledger
        ├── StaleMonths      a seal after a month an amendment made stale; names what to re-seal
        └── LedgerBusy       another run held the write lock longer than a writer waits

    KeyError
    └── UnknownEmployee  `appraisal.export.statement` for an id not in the month (with a suggestion)

`LedgerError` and its subclasses live in `appraisal.ledger.errors`, `UnknownEmployee` in
`appraisal.export.statement`; the rest here. `PolicyError` and `ProfileError` are also
importable from where they are raised (`appraisal.policy.loaded`,
`appraisal.read.imports.catalog`).
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.model import Issue
from appraisal.i18n import _

__all__ = [
    "AppraisalError",
    "BadFile",
    "InputError",
    "PolicyError",
    "ProfileError",
    "WriteFailed",
]


class AppraisalError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(AppraisalError):
    """The month's inputs have problems; ``issues`` lists every one of them.

    ``what`` names the input: "input" (the roster and events of a month), "roster",
    "export".
    """

    def __init__(self, issues: Sequence[Issue], what: str = "input") -> None:
        self.issues = list(issues)
        self.what = what
        super().__init__("\n".join(str(i) for i in self.issues))


class BadFile(AppraisalError):
    """A file that configures the engine cannot be used; ``issues`` holds every problem.

    ``what`` names the kind of file ("policy", "profile"), so one ``except BadFile``
    serves every kind. PolicyError and ProfileError are subclasses, not other names of
    this class, so that code which catches one kind does not catch the other.
    """

    what = "file"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class PolicyError(BadFile):
    """A policy (with whatever it extends) that cannot be used."""

    what = "policy"


class ProfileError(BadFile):
    """An attendance-import profile that cannot be used."""

    what = "profile"


class WriteFailed(AppraisalError):
    """An output file could not be written (disk full, permission, a folder gone).

    ``sealed`` names the month when it was already sealed before the write failed: the
    seal stands, and ``rebuild`` is the command that writes the file again from the
    ledger. Without ``sealed``, nothing was sealed.
    """

    def __init__(
        self, path: str, reason: str, *, sealed: str | None = None, rebuild: str | None = None
    ) -> None:
        self.path, self.reason, self.sealed, self.rebuild = path, reason, sealed, rebuild
        message = _("{path}: cannot write the file: {reason}").format(path=path, reason=reason)
        if sealed is not None and rebuild:
            message = _(
                "{path}: cannot write the file: {reason}; {sealed} is sealed in the ledger all "
                "the same. To write the file again from the ledger: {rebuild}"
            ).format(path=path, reason=reason, sealed=sealed, rebuild=rebuild)
        elif sealed is not None:
            message = _(
                "{path}: cannot write the file: {reason}; {sealed} is sealed in the ledger all "
                "the same"
            ).format(path=path, reason=reason, sealed=sealed)
        super().__init__(message)
