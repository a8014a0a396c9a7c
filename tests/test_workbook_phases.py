"""The workbook in two steps (issue 11): its rows written while the month is sealed
(`prepare`), then what the ledger record says (`Prepared.finish`). Whatever way it is
made, a sealed month's workbook has one set of bytes: `salary_workbook_of`'s."""

from __future__ import annotations

import io
import multiprocessing
import pickle
import re
import zipfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest

from appraisal.domain.model import Month
from appraisal.domain.results import MonthResults, PolicyInfo
from appraisal.export import beside as beside_module
from appraisal.export.beside import WorkbookChild, sealed_workbook
from appraisal.export.workbook import (
    SealedFields,
    ladder_of,
    manifest_of,
    prepare,
    salary_workbook_of,
)
from appraisal.pipeline import RunOutcome, read_inputs, run_month
from appraisal.policy.loaded import Policy, load_policy
from payroll_export import salary_workbook

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2026-10"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Policy, RunOutcome]:
    """The shipped example month, sealed in a fresh ledger as `appraisal run` seals it."""
    policy = load_policy(None)
    examples = ROOT / "examples"
    inputs, issues = read_inputs(
        Month.parse(MONTH), examples / "roster.csv", [examples / "events.csv"]
    )
    assert not issues, issues
    ledger = tmp_path_factory.mktemp("phases") / "ledger.db"
    return policy, run_month(policy, inputs, ledger)


@pytest.fixture(scope="module")
def expected(sealed: tuple[Policy, RunOutcome]) -> bytes:
    """The workbook as the ledger gives it: results read back from the record's JSON."""
    return salary_workbook_of(sealed[1].record)


def test_the_two_steps_give_the_ledgers_bytes(
    sealed: tuple[Policy, RunOutcome], expected: bytes
) -> None:
    """From the results as evaluated, before any record: what `run` does beside the seal."""
    policy, outcome = sealed
    prepared = prepare(policy, outcome.results)
    assert prepared.finish(outcome.record) == expected


def test_a_process_holding_the_prepared_workbook_needs_only_the_records_fields(
    sealed: tuple[Policy, RunOutcome], expected: bytes
) -> None:
    policy, outcome = sealed
    fields = SealedFields.of(outcome.record)
    sent = pickle.dumps(fields)
    assert len(sent) < 4096  # not the record's results and inputs
    assert prepare(policy, outcome.results).finish(pickle.loads(sent)) == expected


def test_the_results_as_the_ledger_gives_them_need_no_conversion(
    sealed: tuple[Policy, RunOutcome], expected: bytes
) -> None:
    policy, outcome = sealed
    typed = MonthResults.from_json(outcome.record.results)
    assert prepare(policy, typed, sealed=True).finish(outcome.record) == expected


def test_finishing_twice_gives_the_same_bytes(
    sealed: tuple[Policy, RunOutcome], expected: bytes
) -> None:
    policy, outcome = sealed
    prepared = prepare(policy, outcome.results)
    assert prepared.finish(outcome.record) == expected
    assert prepared.finish(outcome.record) == expected  # written again, whole


def test_the_record_decides_the_footers_the_manifest_and_the_properties(
    sealed: tuple[Policy, RunOutcome], expected: bytes
) -> None:
    """Another record of the same month (a later version) gives another file, the one
    `salary_workbook` writes for that record's manifest."""
    policy, outcome = sealed
    later = replace(SealedFields.of(outcome.record), record_hash="f" * 64, version=2, seq=9)
    in_force = policy.in_force(Month.parse(MONTH))
    typed = outcome.results.as_sealed()
    by_hand = salary_workbook(typed, manifest_of(later, in_force), ladder_of(in_force))
    found = prepare(policy, outcome.results).finish(later)
    assert found == by_hand
    assert found != expected


def test_every_page_footer_names_the_record_sealed_after_the_rows_were_written(
    sealed: tuple[Policy, RunOutcome],
) -> None:
    policy, outcome = sealed
    prepared = prepare(policy, outcome.results)
    later = replace(SealedFields.of(outcome.record), record_hash="0123456789abcdef" + "e" * 48)
    with zipfile.ZipFile(io.BytesIO(prepared.finish(later))) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        footers = [
            re.findall(r"<oddFooter>([^<]*)</oddFooter>", archive.read(name).decode())
            for name in sheets
        ]
    assert len(sheets) == 8
    assert footers == [["&amp;L账本记录 0123456789abcdef"]] * 8


def test_a_record_sealed_by_another_release_is_worded_as_it_was(
    sealed: tuple[Policy, RunOutcome],
) -> None:
    """The rows were prepared in this release's words; a record of 0.1.0 has them
    written again in that release's (and deflated as it deflated them)."""
    policy, outcome = sealed
    older = replace(SealedFields.of(outcome.record), engine_version="0.1.0")
    in_force = policy.in_force(Month.parse(MONTH))
    typed = outcome.results.as_sealed()
    by_hand = salary_workbook(typed, manifest_of(older, in_force), ladder_of(in_force))
    assert prepare(policy, outcome.results).finish(older) == by_hand


def test_a_record_of_another_month_or_policy_is_refused(
    sealed: tuple[Policy, RunOutcome],
) -> None:
    policy, outcome = sealed
    fields = SealedFields.of(outcome.record)
    with pytest.raises(ValueError, match="prepared for 2026-10"):
        prepare(policy, outcome.results).finish(replace(fields, month="2026-11"))
    with pytest.raises(ValueError, match="prepared for 2026-10"):
        prepare(policy, outcome.results).finish(replace(fields, policy_sha256="0" * 64))


def test_a_child_prepares_while_the_month_is_sealed_and_finishes_with_its_record(
    sealed: tuple[Policy, RunOutcome], expected: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy, outcome = sealed
    with ExitStack() as stack:
        child = WorkbookChild(policy, stack)
        child.begin(outcome.results)

        def not_here(*args: object, **options: object) -> None:
            raise AssertionError("prepared in the parent")

        monkeypatch.setattr(beside_module, "prepare", not_here)  # the child has forked
        beside = child.sent(outcome.record, outcome.results)
        assert beside is not None
        assert sealed_workbook(outcome.record, policy, outcome.results, beside) == expected


def test_a_child_whose_month_is_not_sealed_stops_when_told() -> None:
    """Cancelled, the child waits for no record (this test would hang otherwise)."""
    policy = load_policy(None)
    results = MonthResults(MONTH, PolicyInfo(policy.id, policy.version, policy.sha256), ())
    with ExitStack() as stack:
        child = WorkbookChild(policy, stack)
        child.begin(results)
    assert multiprocessing.active_children() == []
