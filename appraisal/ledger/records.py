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

from appraisal.domain.model import CarriedState, Month
from appraisal.domain.results import MonthResults
from appraisal.policy.loaded import Policy
from appraisal.read.inputs import MonthInputs

__all__ = ["JSON_FIELDS", "JsonObject", "NewSeal", "SealedMonth", "TypedSeal"]

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

    @classmethod
    def of(
        cls,
        inputs: MonthInputs,
        policy: Policy,
        state_before: CarriedState,
        state_after: CarriedState,
        results: MonthResults,
        engine_version: str,
        *,
        results_json: JsonObject | None = None,
    ) -> NewSeal:
        """A computed month, from its typed records: they become JSON here, at the ledger.

        ``results_json`` is ``results.to_json()`` when the caller has made it already.
        """
        return TypedSeal(
            month=str(inputs.month),
            inputs=inputs.to_json(),
            input_files=dict(inputs.files),
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
            policy_sources=dict(policy.texts),
            state_before=state_before.to_json(),
            state_after=state_after.to_json(),
            results=results.to_json() if results_json is None else results_json,
            engine_version=engine_version,
        )


@dataclass(frozen=True)
class TypedSeal(NewSeal):
    """A `NewSeal` made from the typed records (`NewSeal.of`): every number in its JSON
    was written by their ``to_json`` (`appraisal.domain.results.number` and money as
    text), so none is a NaN or an infinity, and its encoding skips that search."""


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

    @property
    def period(self) -> Month:
        return Month.parse(self.month)

    def month_results(self) -> MonthResults:
        """The sealed results, typed again (`MonthResults.from_json`, its exact inverse)."""
        return MonthResults.from_json(self.results)

    def month_inputs(self) -> MonthInputs:
        """The sealed inputs, as the read stage gave them."""
        return MonthInputs.from_json(self.period, self.inputs, self.input_files)

    def carried_before(self) -> CarriedState:
        return CarriedState.from_json(self.state_before)

    def carried_after(self) -> CarriedState:
        return CarriedState.from_json(self.state_after)
