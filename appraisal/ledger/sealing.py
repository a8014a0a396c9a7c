"""A month asked to be sealed, made into the record the ledger stores.

Part of the "seal" stage, for `appraisal.ledger.store.Ledger.seal`: each JSON field is
encoded once, as stored (`appraisal.ledger.texts`: an employee at a time, deflated when
large), and the record's fingerprint and hash are taken from those stored forms, fed to
sha256 piece by piece (`appraisal.ledger.chain`). Nothing encoded is parsed back for a
month made from the typed records (`TypedSeal`): its JSON is already what a read gives
back (lists, never tuples).
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any

from appraisal.i18n import _
from appraisal.ledger.chain import fingerprint_of, record_hash
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.records import JSON_FIELDS, NewSeal, SealedMonth, TypedSeal
from appraisal.ledger.texts import StoredText, encode, stored_text

__all__ = ["Encoded", "encoded", "sealed_record"]

Encoded = tuple[dict[str, StoredText], dict[str, Any]]


def encoded(new: NewSeal, month: str) -> Encoded:
    """``new``'s JSON fields as stored, and, unless it comes from the typed records, the
    data they give back when read; `LedgerError` for data that is not JSON."""
    typed = isinstance(new, TypedSeal)
    try:
        texts = {name: encode(getattr(new, name), finite=typed) for name in JSON_FIELDS}
    except (TypeError, ValueError) as exc:
        raise LedgerError(
            _("cannot seal {month}: not JSON data: {error}").format(month=month, error=exc)
        ) from exc
    parsed = {} if typed else {name: json.loads(stored_text(t)) for name, t in texts.items()}
    return texts, parsed


def sealed_record(new: NewSeal, encoding: Encoded, **place: Any) -> SealedMonth:
    """The record of ``new`` at ``place`` (month, seq, version, amend_reason, supersedes,
    prev_hash), with its fingerprint and hash."""
    texts, parsed = encoding
    requested = {f.name: getattr(new, f.name) for f in fields(NewSeal)}
    unhashed = SealedMonth(
        **requested
        | parsed
        | place
        | {"fingerprint": fingerprint_of(new, texts), "record_hash": ""}
    )
    return replace(unhashed, record_hash=record_hash(unhashed, texts))
