"""The 100,000-employee memory target (issue 11): no stage holds the month's inputs or
results as one JSON document. The seal encodes them from the typed records a row at a
time, the record it gives back keeps its columns as stored (parsed when read), and the
results file is written from the typed results a batch of employees at a time; the
bytes are the same as from the JSON documents.
"""

from __future__ import annotations

import io
import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from appraisal.cli.run import print_sealed
from appraisal.domain import canonical
from appraisal.domain.canonical import canonical_bytes, canonical_chunks
from appraisal.domain.model import CarriedState, Month
from appraisal.domain.results import EmployeeResult, MonthResults
from appraisal.export import results_file
from appraisal.ledger import texts
from appraisal.ledger.records import JSON_FIELDS, NewSeal, SealedMonth
from appraisal.ledger.store import Ledger
from appraisal.pipeline import RunRequest, compute, run
from appraisal.policy.loaded import load_policy
from appraisal.read.inputs import MonthInputs, read_inputs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MONTH = Month.parse("2026-10")


def reference(data: object) -> bytes:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def example() -> tuple[Any, MonthInputs, MonthResults, CarriedState]:
    policy = load_policy(None)
    hours = policy.in_force(MONTH).doc.attendance.hours_per_day
    inputs, _ = read_inputs(
        MONTH, EXAMPLES / "roster.csv", [EXAMPLES / "events.csv"], hours_per_day=hours
    )
    computed, issues = compute(policy, inputs, CarriedState())
    assert computed is not None, issues
    return policy, computed.inputs, computed.results, computed.state_after


def refuse(*_args: object) -> Any:
    raise AssertionError("the whole month made as one JSON document")


def test_a_list_given_as_an_iterator_is_encoded_as_the_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(canonical, "_BATCH", 2)
    rows = [{"b": n, "a": f"第{n}行"} for n in range(5)]
    document = {"rows": iter(rows), "month": "2026-10", "none": iter([])}
    pieces = list(canonical_chunks(document))
    # Worked by hand: keys sorted, five rows in batches of two, the empty list "[]".
    assert b"".join(pieces) == reference({"rows": rows, "month": "2026-10", "none": []})
    assert [p.decode() for p in pieces if b'"b":' in p] == [
        '{"a":"第0行","b":0},{"a":"第1行","b":1}',
        ',{"a":"第2行","b":2},{"a":"第3行","b":3}',
        ',{"a":"第4行","b":4}',
    ]
    assert b"".join(canonical_chunks(iter(rows))) == reference(rows)


def test_a_typed_seal_is_encoded_from_the_records_to_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 2000)  # the example's large columns deflated
    policy, inputs, results, state_after = example()
    typed = NewSeal.of(inputs, policy, CarriedState(), state_after, results, "t")
    # The same month as documents: its fields read, the typed records' JSON made whole.
    as_documents = NewSeal(**{f.name: getattr(typed, f.name) for f in fields(NewSeal)})
    assert as_documents.results == results.to_json() and type(as_documents) is NewSeal
    with Ledger(tmp_path / "documents.db") as ledger:
        expected = ledger.seal(as_documents)
    with monkeypatch.context() as no_documents:
        no_documents.setattr(MonthInputs, "to_json", refuse)
        no_documents.setattr(MonthResults, "to_json", refuse)
        with Ledger(tmp_path / "typed.db") as ledger:
            sealed = ledger.seal(
                NewSeal.of(inputs, policy, CarriedState(), state_after, results, "t")
            )
    assert (sealed.fingerprint, sealed.record_hash) == (expected.fingerprint, expected.record_hash)
    with Ledger(tmp_path / "typed.db") as ledger:
        assert ledger.current("2026-10") == expected  # read back: the same record, parsed


def test_the_record_of_a_seal_keeps_its_large_columns_as_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 1000)
    employees = [{"employee_id": f"E{n:03d}", "name": f"员工{n}"} for n in range(100)]
    new = NewSeal(
        month="2026-10",
        inputs={"roster": employees, "events": []},
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
    with Ledger(tmp_path / "l.db") as ledger:
        sealed = ledger.seal(new)
        read = ledger.current("2026-10")
    assert not set(JSON_FIELDS) & set(sealed.__dict__)  # nothing parsed by the seal
    assert sealed.results == new.results and sealed.inputs == new.inputs
    assert sealed.input_files == {"roster.csv": "a" * 64}
    # Some 2,500 bytes of results, deflated: parsed on each read, never held; the 40
    # bytes of input_files kept as text, parsed once and then held.
    assert "results" not in sealed.__dict__ and "inputs" not in sealed.__dict__
    assert "input_files" in sealed.__dict__
    assert sealed == read and isinstance(sealed, SealedMonth)
    light = replace(sealed, results={}, inputs={})  # what the workbook's child is sent
    assert light.results == {} and light.state_after == {"levels": {}}


def test_the_results_file_of_typed_results_is_the_documents_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _policy, _inputs, results, _state = example()
    monkeypatch.setattr(results_file, "_BATCH", 3)  # the example's 20 employees: 6 × 3 + 2
    expected = results_file.results_file_bytes(results.to_json())
    monkeypatch.setattr(MonthResults, "to_json", refuse)
    assert results_file.results_file_bytes(results) == expected


def test_a_run_never_makes_the_month_one_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 2000)
    monkeypatch.setattr(MonthInputs, "to_json", refuse)
    monkeypatch.setattr(MonthResults, "to_json", refuse)
    made: list[str] = []
    real = SealedMonth._made
    monkeypatch.setattr(
        SealedMonth, "_made", lambda self, name: made.append(name) or real(self, name)
    )
    request = RunRequest(
        month=MONTH,
        roster=EXAMPLES / "roster.csv",
        events=(EXAMPLES / "events.csv",),
        ledger=tmp_path / "l.db",
        json_path=tmp_path / "r.json",
        workbook_path=tmp_path / "r.xlsx",
    )
    done = run(request)
    out = io.StringIO()
    print_sealed(done.outcome, done.policy, request.ledger, out)
    assert "inputs" not in made and "results" not in made  # the summary reads the roster typed
    monkeypatch.undo()
    with Ledger(request.ledger) as ledger:
        record = ledger.current("2026-10")
    assert record is not None
    written = (tmp_path / "r.json").read_bytes()
    assert written == results_file.results_file_bytes(record.month_results().to_json())
    assert record.record_hash in out.getvalue()


def test_the_results_file_is_written_from_the_rows_the_seal_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _policy, _inputs, results, _state = example()
    expected = results_file.results_file_bytes(results.to_json())
    made: list[object] = []
    real = EmployeeResult.to_json

    def counted(self: EmployeeResult, *, trace: bool = True) -> dict[str, Any]:
        made.append(self)
        return real(self, trace=trace)

    monkeypatch.setattr(EmployeeResult, "to_json", counted)
    written = results_file.ResultsFile(results)
    rows = list(written.rows())  # as the seal reads them: each employee's canonical text
    assert rows == [canonical_bytes(real(person), finite=True) for person in results.employees]
    assert len(made) == len(results.employees)  # each employee's JSON data made once
    assert written.file_bytes() == expected
    # Rows not all read (a seal that failed half way): the file is made afresh.
    halfway = results_file.ResultsFile(results)
    next(halfway.rows())
    assert halfway.file_bytes() == expected
