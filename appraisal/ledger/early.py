"""The seal's fingerprint taken beside evaluation, in a forked child.

A month's fingerprint covers its inputs, its policy and the state handed on to it
(`appraisal.ledger.chain.fingerprint_from`): all known once the inputs are validated,
before the month is evaluated. Encoding, deflating and hashing the inputs is a good
part of the seal (at 10,000 employees, a third of a second); a run (`begin`, called by
`appraisal.pipeline.compute` between validation and evaluation) has a forked child do
it on another core while this process evaluates, and the seal takes its outcome
(`taken`): the same digest and the same stored texts, from the same bytes.

The child is `appraisal.files.forked.Beside`: where it cannot be forked, or gives
nothing (the inputs are not JSON data, it was killed), `taken` is None and the seal
encodes the inputs itself, raising there what is wrong, as it would without a child.
"""

from __future__ import annotations

import pickle
from contextlib import ExitStack
from typing import cast

from appraisal.domain.model import CarriedState
from appraisal.domain.results import MonthResults
from appraisal.files.forked import Beside, can_fork
from appraisal.ledger.records import NewSeal, TypedSeal
from appraisal.ledger.sealing import Fingerprinted, fingerprinted
from appraisal.read.inputs import MonthInputs

__all__ = ["EarlyFingerprint"]


class EarlyFingerprint:
    """The fingerprint of a month about to be evaluated on ``state_before`` under the
    policy of ``policy_sha256``, taken in a child; the child ends with ``stack``."""

    def __init__(self, policy_sha256: str, state_before: CarriedState, stack: ExitStack) -> None:
        self._policy_sha256 = policy_sha256
        self._state = state_before.to_json()
        self._stack = stack
        self._begun: tuple[MonthInputs, Beside[bytes, None]] | None = None

    def begin(self, inputs: MonthInputs) -> None:
        """Begin the fingerprint of ``inputs`` (validated: as the seal stores them)."""
        if self._begun is not None:
            self._begun[1].cancel()
        self._begun = None
        if not can_fork():
            return
        nothing = cast(MonthResults, None)  # the fingerprint covers no results: never read
        seal = TypedSeal.made(
            inputs, nothing, None, state_before=self._state, policy_sha256=self._policy_sha256
        )
        month = str(inputs.month)
        try:
            child: Beside[bytes, None] = Beside(
                lambda: _encoded(fingerprinted(seal, month)), lambda encoded, _: encoded
            )
        except OSError:  # no fork now: the seal takes it
            return
        child.send(None)
        self._begun = (inputs, self._stack.enter_context(child))

    def taken(self, new: NewSeal, month: str) -> Fingerprinted | None:
        """``new``'s fingerprint as the child took it, for the seal of ``month``; None if
        ``new`` is not of the inputs begun, or the child gave nothing."""
        if self._begun is None or not self._of(new, self._begun[0]):
            return None
        encoded = self._begun[1].result()
        if encoded is None:
            return None
        digest, texts = pickle.loads(encoded)
        return Fingerprinted(new, month, digest, texts)

    def _of(self, new: NewSeal, inputs: MonthInputs) -> bool:
        return (
            isinstance(new, TypedSeal)
            and new.typed_inputs is inputs
            and new.policy_sha256 == self._policy_sha256
            and new.state_before == self._state
        )


def _encoded(made: Fingerprinted) -> bytes:
    return pickle.dumps((made.fingerprint, made.texts), protocol=pickle.HIGHEST_PROTOCOL)
