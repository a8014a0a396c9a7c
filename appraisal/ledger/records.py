"""What the ledger stores: a month asked to be sealed, and a sealed month as stored.

Part of the "seal" stage. A sealed month (封存的考核月) holds everything needed to
compute it again exactly: the normalised inputs and the hash of each input file, the
full text of the policy, the carried state before and after the month, the results,
and the engine version. The ledger knows nothing about how results are computed: the
JSON fields are data handed to it, stored as canonical JSON (`appraisal.domain.canonical`)
so that equal data is equal bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["JSON_FIELDS", "JsonObject", "NewSeal", "SealedMonth"]

JsonObject = dict[str, Any]

#: The fields stored as canonical JSON text; every other column is a plain SQL value.
JSON_FIELDS = (
    "inputs",
    "input_files",
    "policy_sources",
    "state_before",
    "state_after",
    "results",
)


@dataclass(frozen=True)
class NewSeal:
    """What the caller asks to seal: one computed month and all it was computed from."""

    month: str
    inputs: JsonObject
    input_files: dict[str, str]
    policy_id: str
    policy_version: str
    policy_sha256: str
    policy_sources: dict[str, str]
    state_before: JsonObject
    state_after: JsonObject
    results: JsonObject
    engine_version: str


@dataclass(frozen=True, kw_only=True)
class SealedMonth(NewSeal):
    """A stored record: a sealed request and its place in the chain (`appraisal.ledger.chain`)."""

    seq: int
    version: int
    amend_reason: str | None
    supersedes: int | None
    fingerprint: str
    prev_hash: str
    record_hash: str
