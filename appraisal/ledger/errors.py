"""Why the ledger refuses a file or a seal: the "seal" stage's exceptions.

Part of the tree drawn in `appraisal.domain.errors`::

    LedgerError          the file cannot be used as a ledger, or a seal is refused
    ├── AlreadySealed    the month has a current version and no amendment reason was given
    ├── NothingToAmend   an amendment reason for a month that was never sealed
    ├── NotSealed        a month asked for (to explain, to check) that is not in the ledger
    └── OutOfOrder       a new month earlier than the latest sealed month
"""

from __future__ import annotations

from appraisal.domain.errors import AppraisalError
from appraisal.ledger.records import SealedMonth

__all__ = ["AlreadySealed", "LedgerError", "NotSealed", "NothingToAmend", "OutOfOrder"]


class LedgerError(AppraisalError):
    """The file cannot be used as a ledger, or a seal is refused."""


class AlreadySealed(LedgerError):
    """The month is sealed; sealing it again needs an amendment reason."""

    def __init__(self, current: SealedMonth) -> None:
        super().__init__(
            f"{current.month} is already sealed (version {current.version}, seq {current.seq});"
            " give an amendment reason to replace it"
        )
        self.current = current


class NothingToAmend(LedgerError):
    """An amendment reason was given for a month that was never sealed."""


class NotSealed(LedgerError):
    """The month asked for is not in the ledger; the message lists the months that are."""


class OutOfOrder(LedgerError):
    """Months are sealed in calendar order: a new month must not precede a sealed one."""
