"""How an error is worded for the user, once, for the command line and the web page.

`problem_messages` gives the lines the command line prints for an `AppraisalError`
(`appraisal.cli` prints them on stderr, one a line) and the web page shows or returns
(`appraisal.web.app`): for a list of problems (`InputError`, `BadFile`) each problem as
``file:row:column: message`` and then the closing count line, for the ledger's refusals
the sentence that says what to do. Text from the user's files and arguments is shown with
its control characters escaped (`terminal_safe`), so a name can never clear or retitle a
terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.domain.errors import AppraisalError, BadFile, InputError, WriteFailed
from appraisal.domain.model import Issue
from appraisal.domain.text import terminal_safe
from appraisal.i18n import N_, _
from appraisal.ledger.errors import AlreadySealed, NothingToAmend

__all__ = [
    "CHANGED",
    "CLOSINGS",
    "STORED",
    "WHATS",
    "WRITTEN",
    "WRITTEN_OR_SEALED",
    "issue_messages",
    "problem_messages",
]

# What the work would have done, which the closing line of a list of problems says was
# not done (the command line's ``then``; the same strings as `appraisal.cli.common`'s).
WRITTEN_OR_SEALED = "; nothing was written or sealed."
WRITTEN = "; nothing was written."
STORED = "; nothing was stored."
CHANGED = "; nothing was changed."

#: The last line after a list of problems, by what the command would have done (its
#: ``then``), for one problem and for several.
CLOSINGS = {
    WRITTEN_OR_SEALED: (
        N_("{count} problem in the {what}; nothing was written or sealed."),
        N_("{count} problems in the {what}; nothing was written or sealed."),
    ),
    WRITTEN: (
        N_("{count} problem in the {what}; nothing was written."),
        N_("{count} problems in the {what}; nothing was written."),
    ),
    STORED: (
        N_("{count} problem in the {what}; nothing was stored."),
        N_("{count} problems in the {what}; nothing was stored."),
    ),
    CHANGED: (
        N_("{count} problem in the {what}; nothing was changed."),
        N_("{count} problems in the {what}; nothing was changed."),
    ),
    ".": (N_("{count} problem in the {what}."), N_("{count} problems in the {what}.")),
}
#: What a list of problems is in (`InputError.what` and the `BadFile` kinds).
WHATS = (
    N_("input"),
    N_("policy"),
    N_("profile"),
    N_("file"),
    N_("roster"),
    N_("export"),
    N_("workbook"),
    N_("payslip"),
    N_("payslips"),
    N_("passwords"),
    N_("users file"),
)


def problem_messages(
    error: AppraisalError, *, ledger: str = "", month: str = "", then: str = "."
) -> list[str]:
    """The lines that tell the user what went wrong, in the current language.

    ``ledger`` is the ledger as shown to the user (`appraisal.ledger.backend.shown`), or
    "" when there is none; ``month`` the month the work was for; ``then`` what the work
    would have done (one of the `CLOSINGS` keys), for the closing line of a list."""
    if isinstance(error, InputError | BadFile):
        return issue_messages(error.issues, error.what, then)
    if isinstance(error, AlreadySealed):
        message = _(
            "{ledger}: {month} is already sealed (version {version}) with other inputs, policy "
            'or carried state; nothing was changed. To replace it, run again with --amend "REASON".'
        ).format(ledger=ledger, month=month, version=error.current.version)
    elif isinstance(error, NothingToAmend):
        message = _("{ledger}: {month} is not sealed yet; run it without --amend.").format(
            ledger=ledger, month=month
        )
    elif isinstance(error, WriteFailed):
        message = str(error)
    else:  # the ledger's other refusals
        message = f"{ledger}: {error}" if ledger else str(error)
    return [terminal_safe(message)]


def issue_messages(issues: Sequence[Issue], what: str, then: str = ".") -> list[str]:
    """Every problem (``file:row:column: message``, already escaped), then the count line."""
    count = len(issues)
    ending = CLOSINGS.get(then, CLOSINGS["."])[0 if count == 1 else 1]
    return [*(str(issue) for issue in issues), _(ending).format(count=count, what=_(what))]
