"""A month asked to be sealed, made into the record the ledger stores.

Part of the "seal" stage, for `appraisal.ledger.store.Ledger.seal`. Each JSON field is
encoded once, an employee at a time (`canonical_chunks`), and each piece goes at once to
sha256 and to the column as stored (`appraisal.ledger.texts.Storing`: deflated when
large): no text of the whole month is built, and none is inflated again to be hashed.
The fingerprint (inputs, policy, state before) is taken first (`fingerprinted`), before
the seal's transaction; the record hash, which covers the fingerprint and the place in
the chain, once the place is known (`sealed_record`), with the results encoded as it is
fed. A month made from the typed records (`TypedSeal`) is encoded from them a row at a
time, and the record given back keeps its columns as stored (`SealedMonth.stored`):
nothing encoded is parsed back, and the month's JSON data is never held whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from appraisal.domain.canonical import canonical_json, sha256_of_encoded
from appraisal.i18n import _
from appraisal.ledger.chain import fingerprint_from, fingerprint_of
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.records import JSON_FIELDS, NewSeal, SealedMonth
from appraisal.ledger.texts import StoredText, Storing, stored_chunks

__all__ = ["Fingerprinted", "fingerprint", "fingerprinted", "sealed_record"]

# The JSON fields the fingerprint covers (`appraisal.ledger.chain.fingerprint_from`).
_FINGERPRINTED = ("inputs", "state_before")
_PLAIN = tuple(f.name for f in fields(NewSeal) if f.name not in JSON_FIELDS)


@dataclass(frozen=True)
class Fingerprinted:
    """``new``'s fingerprint, and the JSON fields it covers as stored."""

    new: NewSeal
    month: str
    fingerprint: str
    texts: dict[str, StoredText]


def fingerprint(new: NewSeal, month: str) -> str:
    """``new``'s fingerprint (`appraisal.ledger.chain.fingerprint_of`), its inputs encoded
    a piece at a time and held nowhere; `LedgerError` for data that is not JSON."""
    with _refused(month):
        return fingerprint_of(new)


def fingerprinted(new: NewSeal, month: str) -> Fingerprinted:
    """``new``'s inputs and state before, encoded as stored and hashed as they are
    encoded; `LedgerError` for data that is not JSON."""
    storing = {name: Storing(new.json_chunks(name)) for name in _FINGERPRINTED}
    with _refused(month):
        digest = fingerprint_from(storing["inputs"], new.policy_sha256, storing["state_before"])
    return Fingerprinted(new, month, digest, {n: s.stored for n, s in storing.items()})


def sealed_record(made: Fingerprinted, **place: Any) -> tuple[SealedMonth, dict[str, StoredText]]:
    """The record of ``made.new`` at ``place`` (month, seq, version, amend_reason,
    supersedes, prev_hash), with its fingerprint and hash, and its JSON fields as stored.

    The fields the fingerprint did not encode (the results above all) are encoded here,
    each piece fed to the record's hash and to its stored column as it is made. The
    record keeps its JSON fields as stored (`SealedMonth.stored`): none is parsed back,
    and the month's data is not held. `LedgerError` for data that is not JSON.
    """
    new = made.new
    plain = {name: getattr(new, name) for name in _PLAIN}
    plain |= place | {"fingerprint": made.fingerprint}
    storing = {
        name: Storing(new.json_chunks(name)) for name in JSON_FIELDS if name not in made.texts
    }
    parts: dict[str, str | Iterable[bytes]] = {
        name: canonical_json(value) for name, value in plain.items()
    }
    parts.update({name: stored_chunks(text) for name, text in made.texts.items()})
    parts.update(storing)
    with _refused(made.month):
        digest = sha256_of_encoded(parts)
    texts = made.texts | {name: encoding.stored for name, encoding in storing.items()}
    return SealedMonth.stored(texts, **plain, record_hash=digest), texts


@contextmanager
def _refused(month: str) -> Iterator[None]:
    """Data that is not JSON, found as it is encoded, as the seal's refusal."""
    try:
        yield
    except (TypeError, ValueError) as exc:
        raise LedgerError(
            _("cannot seal {month}: not JSON data: {error}").format(month=month, error=exc)
        ) from exc
