"""Seal stage: the ledger of sealed months, hash-chained, and the state each month carries.

- `records`: what is sealed (`NewSeal`) and what is stored (`SealedMonth`);
- `chain`: each record's hash, a run's fingerprint, and the checks of the chain;
- `store`: `Ledger`, the SQLite file that keeps the records and refuses bad seals;
- `backend`, `postgres`: the same ledger in PostgreSQL (``postgresql://…``), and
  `ledger_exists`, the test for either; `copy`: a whole ledger copied between the two;
- `schema`: its tables (schema 2: with when and by whom each record was sealed, and the
  draft area); `migrate`: a file of an older schema migrated in place when opened;
- `writer`: one writer at a time (`writing`), and a sealed month, or any version of it,
  read once its chain holds (`read_sealed`);
- `errors`: `LedgerError` and why a seal is refused;
- `carry`: what a month hands to the next (levels, offences, titles, recent scores).
"""

from appraisal.ledger.backend import LedgerTarget, is_dsn, ledger_argument, ledger_exists
from appraisal.ledger.carry import carry
from appraisal.ledger.chain import fingerprint_of
from appraisal.ledger.errors import (
    AlreadySealed,
    ChainBroken,
    LedgerBusy,
    LedgerError,
    NothingToAmend,
    NotSealed,
    OutOfOrder,
    StaleMonths,
)
from appraisal.ledger.records import NewSeal, SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import read_sealed, writing

__all__ = [
    "AlreadySealed",
    "ChainBroken",
    "Ledger",
    "LedgerBusy",
    "LedgerError",
    "LedgerTarget",
    "NewSeal",
    "NotSealed",
    "NothingToAmend",
    "OutOfOrder",
    "SealedMonth",
    "StaleMonths",
    "carry",
    "fingerprint_of",
    "is_dsn",
    "ledger_argument",
    "ledger_exists",
    "read_sealed",
    "writing",
]
