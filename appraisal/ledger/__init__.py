"""Seal stage: the ledger of sealed months, hash-chained, and the state each month carries.

- `records`: what is sealed (`NewSeal`) and what is stored (`SealedMonth`);
- `chain`: each record's hash, a run's fingerprint, and the checks of the chain;
- `store`: `Ledger`, the SQLite file that keeps the records and refuses bad seals;
- `errors`: `LedgerError` and why a seal is refused;
- `carry`: what a month hands to the next (levels, offences, titles, recent scores).
"""

from appraisal.ledger.carry import carry
from appraisal.ledger.chain import fingerprint_of
from appraisal.ledger.errors import AlreadySealed, LedgerError, NothingToAmend, OutOfOrder
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.store import Ledger

__all__ = [
    "AlreadySealed",
    "Ledger",
    "LedgerError",
    "NewSeal",
    "NothingToAmend",
    "OutOfOrder",
    "SealedMonth",
    "carry",
    "fingerprint_of",
]
