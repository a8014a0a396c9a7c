"""The fast seal (issue 11, item 2) keeps what the slow one promised.

Canonical JSON through orjson is byte for byte json's canonical form; large texts are
stored deflated but hashed as their text, so a ledger of release 0.1.0 migrated to
compressed storage verifies as before; a seal from the typed records parses nothing it
has just encoded; the next month reads only the state handed on; and the text of a
month is encoded an employee at a time. Timings are bench/seal.py's, not tests'.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.domain.canonical import canonical_bytes, canonical_chunks, canonical_json
from appraisal.domain.model import Month
from appraisal.domain.results import number
from appraisal.ledger import texts
from appraisal.ledger.errors import LedgerError
from appraisal.ledger.records import JSON_FIELDS, NewSeal, TypedSeal
from appraisal.ledger.store import Ledger
from appraisal.ledger.writer import writing
from appraisal.pipeline import run_month
from appraisal.policy.loaded import load_policy
from appraisal.read.inputs import read_inputs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LEDGER_V1 = Path(__file__).parent / "fixtures" / "ledger_v1" / "ledger.db"


def reference(data: object) -> bytes:
    """Today's canonical form, as the ledger has always written it."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def stored_columns(path: Path) -> list[tuple[int, str, Any]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT seq, {', '.join(JSON_FIELDS)} FROM sealed_month ORDER BY seq")
        return [
            (row[0], name, value)
            for row in rows
            for name, value in zip(JSON_FIELDS, row[1:], strict=True)
        ]


@pytest.fixture
def example_ledger(tmp_path: Path) -> Path:
    """The example month sealed by the pipeline, as `appraisal run` seals it."""
    policy = load_policy(None)
    month = Month.parse("2026-10")
    hours = policy.in_force(month).doc.attendance.hours_per_day
    inputs, _ = read_inputs(
        month, EXAMPLES / "roster.csv", [EXAMPLES / "events.csv"], hours_per_day=hours
    )
    run_month(policy, inputs, tmp_path / "ledger.db")
    return tmp_path / "ledger.db"


# -- canonical JSON, byte for byte ----------------------------------------------------


@pytest.mark.parametrize("source", ["example", "release 0.1.0"])
def test_every_stored_json_column_is_re_encoded_to_the_same_bytes(
    source: str, example_ledger: Path
) -> None:
    path = example_ledger if source == "example" else LEDGER_V1
    columns = stored_columns(path)
    assert len(columns) >= len(JSON_FIELDS)
    for seq, name, text in columns:
        assert isinstance(text, str), (seq, name)  # small months stay plain text
        data = json.loads(text)
        assert canonical_bytes(data) == text.encode("utf-8"), (seq, name)
        assert b"".join(canonical_chunks(data)) == text.encode("utf-8"), (seq, name)


def test_the_escapes_and_the_characters_kept_are_jsons() -> None:
    # Worked from json's rules: the two-letter escapes where JSON has one, \u00XX in
    # lower-case hex for the other control characters, and everything else as is
    # (DEL, the line separators, Chinese, an emoji outside the BMP).
    data = {"b": '\x00\x1f\b\t\n\f\r"\\/', "a": "\x7f\u2028\u2029张三\U0001f600"}
    expected = '{"a":"\x7f\u2028\u2029张三\U0001f600","b":"\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/"}'
    assert canonical_json(data) == expected


def test_keys_are_sorted_by_code_point_even_beyond_the_bmp() -> None:
    # U+FFFF sorts before U+1F600 as code points; UTF-16 order would put it after.
    assert canonical_json({"\U0001f600": 1, "\uffff": 2, "é": 3, "Z": 4}) == (
        '{"Z":4,"é":3,"\uffff":2,"\U0001f600":1}'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2**64, "18446744073709551616"),  # beyond orjson's 64 bits: json writes it
        (-(2**63), "-9223372036854775808"),
        (1e-05, "1e-05"),  # orjson would write 0.00001
        (1.5e-07, "1.5e-07"),  # and 1.5e-7
        (0.0001, "0.0001"),
        (1e16, "1e+16"),
        (97.5, "97.5"),
        ({2026: 1, 2025: 2}, '{"2025":2,"2026":1}'),  # keys that are not text
    ],
)
def test_what_orjson_writes_otherwise_is_written_as_json_writes_it(value: Any, text: str) -> None:
    assert canonical_json(value) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("1.00"), {"a": {1, 2}}])
def test_what_json_refuses_is_refused(value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical_bytes({"score": value})


def test_a_score_that_is_not_a_finite_number_is_refused_where_it_is_written() -> None:
    # So the records' JSON never holds a NaN, and the seal need not search it for one.
    with pytest.raises(ValueError, match="not a finite number"):
        number(Decimal("NaN"))
    assert number(Decimal("147")) == 147 and number(Decimal("0.5")) == 0.5


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.decimals(allow_nan=False, allow_infinity=False).map(str)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_json_document_is_encoded_to_todays_bytes(data: object) -> None:
    assert canonical_bytes(data) == reference(data)
    assert b"".join(canonical_chunks(data)) == reference(data)


# -- storage: large texts deflated, hashed as text --------------------------------------


def big_seal(month: str, people: int = 40) -> NewSeal:
    """A month whose results and inputs are over the (lowered) size for deflating."""
    employees = [
        {"employee_id": f"E{n:03d}", "name": f"员工{n}", "gross": "1940.00"} for n in range(people)
    ]
    return NewSeal(
        month=month,
        inputs={"roster": employees, "events": []},
        input_files={"roster.csv": "a" * 64},
        policy_id="p",
        policy_version="1",
        policy_sha256="c" * 64,
        policy_sources={"p.yaml": "id: p\n"},
        state_before={"levels": {}},
        state_after={"levels": {e["employee_id"]: "specialist" for e in employees}},
        results={"month": month, "employees": employees},
        engine_version="0.2.0",
    )


def test_large_texts_are_stored_deflated_and_hashed_as_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 1000)
    new = big_seal("2026-10")
    with Ledger(tmp_path / "l.db") as ledger:
        sealed = ledger.seal(new)
        assert ledger.verify_chain() == []
        assert ledger.current("2026-10") == sealed
    stored = {name: value for _, name, value in stored_columns(tmp_path / "l.db")}
    assert isinstance(stored["results"], bytes) and isinstance(stored["inputs"], bytes)
    assert isinstance(stored["input_files"], str)  # 84 bytes: under the size, kept as text
    assert zlib.decompress(stored["results"]) == reference(new.results)
    assert len(stored["results"]) < len(reference(new.results)) / 3
    # An auditor's hash of the record as plain JSON, without the program's help.
    content = {
        **{name: getattr(sealed, name) for name in NewSeal.__dataclass_fields__},
        **{"seq": 1, "version": 1, "amend_reason": None, "supersedes": None},
        **{"fingerprint": sealed.fingerprint, "prev_hash": ""},
    }
    assert sealed.record_hash == hashlib.sha256(reference(content)).hexdigest()


def test_an_edit_of_deflated_bytes_breaks_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 1000)
    path = tmp_path / "l.db"
    with Ledger(path) as ledger:
        ledger.seal(big_seal("2026-10"))
    with sqlite3.connect(path) as db:
        (blob,) = db.execute("SELECT results FROM sealed_month").fetchone()
        edited = zlib.compress(
            blob and zlib.decompress(blob).replace("员工7".encode(), "员工8".encode())
        )
        db.execute("UPDATE sealed_month SET results = ?", (edited,))
        db.execute("UPDATE sealed_month SET inputs = ?", (b"\x78\x01garbage",))
    with Ledger(path) as ledger:
        problems = ledger.verify_chain()
    assert "seq 1 (2026-10 v1): record_hash does not match the record's content" not in problems
    assert problems[0].startswith("seq 1 (2026-10 v1): column inputs is not valid JSON")


def test_a_changed_text_recompressed_breaks_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 1000)
    path = tmp_path / "l.db"
    with Ledger(path) as ledger:
        ledger.seal(big_seal("2026-10"))
    with sqlite3.connect(path) as db:
        (blob,) = db.execute("SELECT results FROM sealed_month").fetchone()
        edited = zlib.compress(zlib.decompress(blob).replace("员工7".encode(), "员工8".encode()))
        db.execute("UPDATE sealed_month SET results = ?", (edited,))
    with Ledger(path) as ledger:
        assert ledger.verify_chain() == [
            "seq 1 (2026-10 v1): record_hash does not match the record's content"
        ]


def test_migration_deflates_release_0_1_0s_large_texts_and_every_hash_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "COMPRESS_FROM", 2000)
    path = tmp_path / "ledger.db"
    shutil.copy(LEDGER_V1, path)
    before = stored_columns(path)
    with Ledger(path) as ledger:
        assert ledger.verify_chain() == []
        assert [r.record_hash for r in ledger.versions("2026-10")]  # read back, parsed
    after = stored_columns(path)
    assert [(seq, name) for seq, name, _ in after] == [(seq, name) for seq, name, _ in before]
    deflated = 0
    for (_, _, old), (_, _, new) in zip(before, after, strict=True):
        if len(old.encode("utf-8")) >= 2000:
            assert isinstance(new, bytes) and zlib.decompress(new) == old.encode("utf-8")
            deflated += 1
        else:
            assert new == old
    assert deflated >= 3  # each month's results and inputs at least


# -- the seal parses nothing; the opening reads only the state -----------------------


def test_a_seal_from_the_typed_records_parses_nothing_it_encoded(
    example_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(example_ledger) as ledger:
        record = ledger.current("2026-10")
    assert record is not None
    typed = TypedSeal(**{name: getattr(record, name) for name in NewSeal.__dataclass_fields__})

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed")

    monkeypatch.setattr(json, "loads", refuse)
    with Ledger(tmp_path / "again.db") as ledger:
        sealed = ledger.seal(typed)
    assert sealed.record_hash == record.record_hash  # same content, same chain position


def test_the_next_month_reads_only_the_state_handed_on(example_ledger: Path) -> None:
    with writing(example_ledger) as writer:
        assert writer._ledger is not None
        statements: list[str] = []
        writer.verified()  # the chain check reads every column: not what is measured
        writer._ledger._db.set_trace_callback(statements.append)
        opening = writer.opening(Month.parse("2026-11"))
    assert opening.state.levels  # the example's levels, handed on
    # Of the months before 2026-11, the state handed on alone; the month's own record
    # (none here) is read whole, for an amendment.
    before = [s for s in statements if "FROM sealed_month WHERE month < '2026-11'" in s]
    assert before == [
        "SELECT state_after FROM sealed_month WHERE month < '2026-11'"
        " ORDER BY month DESC, version DESC LIMIT 1"
    ]


def test_a_month_is_encoded_a_bounded_batch_of_employees_at_a_time() -> None:
    results = big_seal("2026-10", people=500).results
    pieces = list(canonical_chunks(results))
    assert b"".join(pieces) == reference(results)
    sizes = sorted((len(reference(person)) + 1 for person in results["employees"]), reverse=True)
    # 500 employees in batches of 128: four pieces of employees, none over 128 of them.
    assert sum(1 for piece in pieces if b"employee_id" in piece) == 4
    assert max(len(piece) for piece in pieces) <= sum(sizes[:128])


def test_data_that_is_not_json_is_still_refused_at_the_seal(tmp_path: Path) -> None:
    bad = big_seal("2026-10")
    bad = NewSeal(**{**bad.__dict__, "results": {"employees": [{"score": float("nan")}]}})
    with Ledger(tmp_path / "l.db") as ledger, pytest.raises(LedgerError, match="not JSON data"):
        ledger.seal(bad)
