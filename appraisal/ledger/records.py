"""What the ledger stores: a month asked to be sealed, and a sealed month as stored.

Part of the "seal" stage. A sealed month (封存的考核月) holds everything needed to
compute it again exactly: the normalised inputs and the hash of each input file, the
full text of the policy, the carried state before and after the month, the results,
and the engine version. The ledger knows nothing about how results are computed: the
JSON fields are data handed to it, stored as canonical JSON (`appraisal.domain.canonical`)
so that equal data is equal bytes.

A month of 100,000 employees is some gigabytes as JSON data, so neither end holds it
whole: a month made from the typed records (`NewSeal.of`, a `TypedSeal`) gives its
inputs and results to the seal a row at a time (`NewSeal.json_chunks`), and the record
of a month just sealed (`SealedMonth.stored`) keeps its columns as stored and parses
one when it is read (`_Column`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, overload

from appraisal.domain.canonical import Canonical, canonical_chunks
from appraisal.domain.model import CarriedState, Month
from appraisal.domain.results import MonthResults
from appraisal.ledger.texts import StoredText, stored_text
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
        employees: Iterator[JsonObject | Canonical] | None = None,
    ) -> NewSeal:
        """A computed month, from its typed records: they become JSON at the ledger, the
        inputs and the results a row at a time, as they are encoded (`TypedSeal`).

        ``employees``: the results' employees as JSON data or their canonical text
        (`Canonical`), one at a time, when the caller makes them (a run writes its
        results file beside: `appraisal.export.results_file`).
        """
        return TypedSeal.made(
            inputs,
            results,
            employees,
            month=str(inputs.month),
            input_files=dict(inputs.files),
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
            policy_sources=dict(policy.texts),
            state_before=state_before.to_json(),
            state_after=state_after.to_json(),
            engine_version=engine_version,
        )

    def json_chunks(self, name: str) -> Iterator[bytes]:
        """The canonical JSON of the JSON field ``name`` in pieces (`canonical_chunks`);
        TypeError or ValueError, as the pieces are made, for data that is not JSON."""
        return canonical_chunks(getattr(self, name))


_NOT_HELD: JsonObject = {}  # a column not given to its record (compared by identity)


class _Making(Protocol):
    """A record with columns made when read."""

    __dict__: dict[str, Any]

    def _made(self, name: str) -> JsonObject: ...


class _Column:
    """A JSON field that a record may make when it is read rather than hold.

    A value given to the record (by its ``__init__``, or `dataclasses.replace`) is held
    as any field's; a field not given is made by the record's ``_made(name)``, on each
    read unless ``_made`` keeps it.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, record: None, owner: type) -> _Column: ...

    @overload
    def __get__(self, record: _Making, owner: type | None = None) -> JsonObject: ...

    def __get__(self, record: _Making | None, owner: type | None = None) -> _Column | JsonObject:
        if record is None:
            return self
        held: JsonObject = record.__dict__.get(self._name, _NOT_HELD)
        if held is _NOT_HELD:
            held = record._made(self._name)
        return held

    def __set__(self, record: object, value: JsonObject) -> None:
        record.__dict__[self._name] = value


class TypedSeal(NewSeal):
    """A `NewSeal` made from the typed records (`NewSeal.of`): every number in its JSON
    was written by their ``to_json`` (`appraisal.domain.results.number` and money as
    text), so none is a NaN or an infinity, and its encoding skips that search.

    Made by `made`, its inputs and results are the typed records themselves: the seal
    encodes them a row at a time (`json_chunks`), and ``inputs`` or ``results``, read,
    are their JSON data made anew (`MonthInputs.to_json`, `MonthResults.to_json`).
    """

    inputs = _Column()
    results = _Column()

    @classmethod
    def made(
        cls,
        inputs: MonthInputs,
        results: MonthResults,
        employees: Iterator[JsonObject | Canonical] | None = None,
        **plain: Any,
    ) -> TypedSeal:
        """The seal of ``inputs`` and ``results`` (its employees' rows read from
        ``employees`` if given), its other fields ``plain``."""
        seal = cls.__new__(cls)
        seal.__dict__.update(plain, _typed=(inputs, results, employees))
        return seal

    @property
    def typed_inputs(self) -> MonthInputs:
        """The inputs this seal was made of (`made`), as records."""
        inputs: MonthInputs = self.__dict__["_typed"][0]
        return inputs

    def _made(self, name: str) -> JsonObject:
        inputs, results, _employees = self.__dict__["_typed"]
        made: JsonObject = inputs.to_json() if name == "inputs" else results.to_json()
        return made

    def json_chunks(self, name: str) -> Iterator[bytes]:
        if name not in ("inputs", "results") or name in self.__dict__:
            return canonical_chunks(getattr(self, name), finite=True)
        inputs, results, employees = self.__dict__["_typed"]
        rows: dict[str, Any] = inputs.json_rows() if name == "inputs" else results.json_rows()
        if name == "results" and employees is not None:
            rows["employees"] = employees
        return canonical_chunks(rows, finite=True)


@dataclass(frozen=True, kw_only=True)
class _Placed(NewSeal):
    """`SealedMonth`'s fields (its columns made when read are set on it, not here:
    mypy reads a descriptor wrongly on a dataclass of its own)."""

    seq: int
    version: int
    amend_reason: str | None
    supersedes: int | None
    fingerprint: str
    prev_hash: str
    record_hash: str


class SealedMonth(_Placed):
    """A stored record: a sealed request and its place in the chain (`appraisal.ledger.chain`)."""

    inputs = _Column()
    input_files = _Column()
    policy_sources = _Column()
    state_before = _Column()
    state_after = _Column()
    results = _Column()

    @classmethod
    def stored(cls, texts: Mapping[str, StoredText], **plain: Any) -> SealedMonth:
        """The record whose JSON fields are ``texts`` as stored (`appraisal.ledger.texts`)
        and whose other fields are ``plain``: what the ledger gives back of a month it
        has just sealed, without the month's data. A column is parsed when it is read:
        one deflated (large) on each read, one kept as text (small) once, then held."""
        record = cls.__new__(cls)
        record.__dict__.update(plain, _texts=dict(texts))
        return record

    def _made(self, name: str) -> JsonObject:
        stored = self.__dict__["_texts"][name]
        data: JsonObject = json.loads(stored_text(stored))
        if isinstance(stored, str):
            self.__dict__[name] = data
        return data

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
