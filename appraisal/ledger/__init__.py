"""Seal stage: the ledger of sealed months, hash-chained, and the state each month carries."""

from appraisal.ledger.store import (
    AlreadySealed,
    Ledger,
    LedgerError,
    NewSeal,
    NothingToAmend,
    OutOfOrder,
    SealedMonth,
)

__all__ = [
    "AlreadySealed",
    "Ledger",
    "LedgerError",
    "NewSeal",
    "NothingToAmend",
    "OutOfOrder",
    "SealedMonth",
]
