"""The seal in one pass (issue 11, item 2): each JSON field is encoded once, and each
piece goes to sha256 and to the stored column as it is made; the results are never
inflated again to be hashed. `as_sealed` gives each Decimal in the form a read of the
ledger gives it, remaking only what changes form; the results file is written a batch
of employees at a time, to the same bytes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appraisal.domain.model import Source
from appraisal.domain.results import (
    EmployeeResult,
    MonthResults,
    PayFields,
    PolicyInfo,
    ScoreResult,
    TraceEntry,
)
from appraisal.export import results_file
from appraisal.ledger import sealing, texts
from appraisal.ledger.chain import fingerprint_of, record_hash
from appraisal.ledger.records import NewSeal
from appraisal.ledger.store import Ledger

# -- the seal -------------------------------------------------------------------------


def month_seal(people: int) -> NewSeal:
    employees = [{"employee_id": f"E{n:04d}", "name": f"员工{n}"} for n in range(people)]
    return NewSeal(
        month="2026-10",
        inputs={"roster": employees[:3], "events": []},
        input_files={"roster.csv": "a" * 64},
        policy_id="p",
        policy_version="1",
        policy_sha256="c" * 64,
        policy_sources={"p.yaml": "id: p\n"},
        state_before={"levels": {}},
        state_after={"levels": {}},
        results={"month": "2026-10", "employees": employees},
        engine_version="0.2.0",
    )


def test_the_seal_hashes_what_it_stores_and_the_chain_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 1000)
    new = month_seal(200)
    with Ledger(tmp_path / "l.db") as ledger:
        first = ledger.seal(new)
        second = ledger.seal(NewSeal(**{**new.__dict__, "month": "2026-11"}))
        assert ledger.verify_chain() == []
    # The hashes made in one pass are the ones worked out again field by field.
    for record in (first, second):
        assert record.record_hash == record_hash(record)
        assert record.fingerprint == fingerprint_of(record)
    assert second.prev_hash == first.record_hash and second.seq == 2


def test_the_results_are_never_inflated_to_be_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 1000)
    inflated: list[bytes] = []
    real = sealing.stored_chunks

    def watched(stored: texts.StoredText) -> Iterator[bytes]:
        for chunk in real(stored):
            inflated.append(chunk)
            yield chunk

    monkeypatch.setattr(sealing, "stored_chunks", watched)
    with Ledger(tmp_path / "l.db") as ledger:
        ledger.seal(month_seal(200))
    # Only the inputs and the state before (hashed first, for the fingerprint) are read
    # back for the record's hash; not one employee of the results.
    assert not any(b"E0100" in chunk for chunk in inflated)
    new = month_seal(200)
    canonical = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    read_back = json.dumps(new.inputs, **canonical) + json.dumps(new.state_before, **canonical)
    assert b"".join(inflated) == read_back.encode("utf-8")


def test_what_is_stored_in_passing_is_what_store_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 10)
    pieces = [b'{"a":', b'"0123456789"', b"}"]
    storing = texts.Storing(iter(pieces))
    assert list(storing) == pieces  # every piece passes on, unchanged and in order
    assert isinstance(storing.stored, bytes)
    assert zlib.decompress(storing.stored) == b'{"a":"0123456789"}'
    assert storing.stored == texts.store(pieces)
    many = [b"[", *(b'"%d",' % n for n in range(100)), b'"end"]']  # more than wait at once
    storing = texts.Storing(iter(many))
    assert b"".join(storing) == b"".join(many)
    assert zlib.decompress(storing.stored) == b"".join(many)
    small = texts.Storing(iter([b'{"a":', b"1}"]))
    assert small.stored == '{"a":1}'  # not read yet: read when asked for, kept as text


# -- as_sealed ------------------------------------------------------------------------


def forms(value: Any) -> Any:
    """``value`` with each Decimal as its repr, so that 5 and 5.0 differ; of a record,
    what it compares (not a path given, nor a gross worked out and kept)."""
    if isinstance(value, Decimal):
        return repr(value)
    if is_dataclass(value) and not isinstance(value, type):
        return tuple(forms(getattr(value, f.name)) for f in fields(value) if f.compare)
    if isinstance(value, tuple | list):
        return tuple(forms(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, forms(item)) for key, item in value.items())
    return value


def person(trace: tuple[TraceEntry, ...], score: ScoreResult) -> EmployeeResult:
    return EmployeeResult(
        employee_id="E1",
        name="张三",
        department="客服部",
        level="specialist",
        next_level="specialist",
        score=score,
        pay=PayFields.from_exact({"base": Decimal("3000"), "fines": Decimal("50.004")}),
        dismissal=False,
        dismissal_reasons=(),
        demotion_reasons=(),
        promoted_to=None,
        titles=(),
        compliance=(),
        review=(),
        trace=trace,
        offences={"b.rule": 1, "a.rule": 2},
    )


def test_as_sealed_gives_each_decimal_in_the_form_a_read_gives_it() -> None:
    row = Source("events.csv", 9)
    scored = TraceEntry("a.rule", "3.1", "扣5分", row, Decimal("-5.0"))
    kept = TraceEntry("a.rule", "3.1", "扣5分", row, Decimal("-5"))
    half = TraceEntry("b.rule", "3.2", "加1.5分", row, Decimal("1.50"))
    fined = TraceEntry("c.rule", "4.1", "罚款", row, None, "fines", Decimal("50.004"))
    lonely = TraceEntry("d.rule", "4.2", "no yuan", row, None, "fines", None)
    score = ScoreResult(Decimal("0"), Decimal("95.0"), Decimal("140"))
    month = MonthResults(
        "2026-10",
        PolicyInfo("p", "1", "0" * 64),
        (person((scored, kept, half, fined, lonely), score),),
    )
    sealed = month.as_sealed()
    # Worked by hand: -5.0 is written -5 and read back Decimal('-5'); 1.50 is written
    # 1.5; 50.004 yuan are written "50.00"; a pay field without yuan is written neither.
    trace = sealed.employees[0].trace
    assert [repr(entry.points) for entry in trace] == [
        "Decimal('-5')",
        "Decimal('-5')",
        "Decimal('1.5')",
        "None",
        "None",
    ]
    assert repr(trace[3].yuan) == "Decimal('50.00')" and trace[3].pay_field == "fines"
    assert trace[4].pay_field is None and trace[4].yuan is None
    assert repr(sealed.employees[0].score.deduct_left) == "Decimal('95')"
    assert list(sealed.employees[0].offences) == ["a.rule", "b.rule"]
    assert forms(sealed) == forms(MonthResults.from_json(json.loads(json.dumps(month.to_json()))))


def test_as_sealed_keeps_what_a_read_gives_back_as_it_is() -> None:
    row = Source("events.csv", 9)
    kept = TraceEntry("a.rule", "3.1", "扣5分", row, Decimal("-5"))
    remade = TraceEntry("a.rule", "3.1", "扣5分", row, Decimal("-5.0"))
    score = ScoreResult(Decimal("0"), Decimal("95"), Decimal("140"))
    month = MonthResults(
        "2026-10", PolicyInfo("p", "1", "0" * 64), (person((kept, remade), score),)
    )
    sealed = month.as_sealed().employees[0]
    assert sealed.trace[0] is kept and sealed.trace[1] is not remade
    assert sealed.score is score


def test_a_zero_keeps_no_sign_once_sealed() -> None:
    # JSON writes Decimal('-0') as 0, and gives back Decimal('0'): -0 == 0 must not
    # make as_sealed keep the sign.
    row = Source("events.csv", 9)
    minus_zero = TraceEntry("a.rule", "3.1", "扣0分", row, Decimal("-0"))
    month = MonthResults(
        "2026-10",
        PolicyInfo("p", "1", "0" * 64),
        (person((minus_zero,), ScoreResult(Decimal(0), Decimal(100), Decimal(140))),),
    )
    assert repr(month.as_sealed().employees[0].trace[0].points) == "Decimal('0')"


# -- the results file -----------------------------------------------------------------


def one_line_each(document: dict[str, Any]) -> bytes:
    """The results file as interface.md gives it: the head, then one employee a line."""
    head = {key: value for key, value in document.items() if key != "employees"}
    people = ",\n".join(json.dumps(p, ensure_ascii=False) for p in document["employees"])
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "employees": [\n' + people + "\n]}\n"
    return text.encode("utf-8")


@pytest.mark.parametrize("people", [0, 1, 3, 4, 7])
def test_the_results_file_is_the_same_bytes_batch_by_batch(
    people: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results_file, "_BATCH", 3)  # batches of 3: 7 is 3 + 3 + 1
    document = {
        "month": "2026-10",
        "policy": {"id": "p"},
        "employees": [
            {"employee_id": f"E{n}", "name": f"员工{n}", "note": 'a,\n"b"', "score": 1.5}
            for n in range(people)
        ],
    }
    written = results_file.results_file_bytes(document)
    assert written == one_line_each(document)
    assert json.loads(written) == document
    assert written.count(b"\n") == people + 2 + (people == 0)
