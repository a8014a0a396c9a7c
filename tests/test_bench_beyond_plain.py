"""bench/evaluate.py's measure of what evaluation makes beyond the plain loop's figures
(docs/scale.md, "the same results by hand") times the real work: `content_order` puts
each employee's rows in `Event.sort_key` order whatever their order in the file, and
`records` makes again, as new records, exactly the results evaluation returned (but for
the check stage's compliance and the offences, which it leaves empty).
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

from appraisal import CarriedState, Month, evaluate, load_policy, read_inputs
from appraisal.domain.model import Employee, Event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from evaluate import content_order, records  # noqa: E402
from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate  # noqa: E402

MONTH = Month.parse("2026-12")


def month_rows(folder: Path, shuffled: bool) -> tuple[list[Employee], list[Event]]:
    roster, events = generate(120, 12, str(MONTH), 5)
    if shuffled:  # the file's order is not the content order
        random.Random(11).shuffle(events)
    _write(folder / "roster.csv", ROSTER_COLUMNS, roster)
    _write(folder / "events.csv", EVENT_COLUMNS, events)
    inputs, issues = read_inputs(MONTH, folder / "roster.csv", [folder / "events.csv"])
    assert inputs is not None, issues
    return list(inputs.roster), list(inputs.events)


def test_content_order_is_each_employees_rows_by_sort_key(tmp_path: Path) -> None:
    _, events = month_rows(tmp_path, shuffled=True)
    ordered = content_order(events)()
    assert isinstance(ordered, list)
    assert sum(map(len, ordered)) == len(events)
    moved = 0
    for rows in ordered:
        assert len({event.employee_id for event in rows}) == 1
        assert rows == sorted(rows, key=Event.sort_key)
        by_file = [e for e in events if e.employee_id == rows[0].employee_id]
        moved += rows != by_file
    assert moved > 100  # the shuffle moved nearly everyone's rows: the sort did the work


def test_records_are_the_results_made_again(tmp_path: Path) -> None:
    roster, events = month_rows(tmp_path, shuffled=False)
    evaluation = evaluate(load_policy().in_force(MONTH), MONTH, roster, events, CarriedState())
    results = evaluation.results
    made = records(results)()
    assert isinstance(made, list)
    assert len(made) == len(results) == 120
    assert sum(len(r.trace) for r in results) > 120 * 12  # every row and month-end entry
    assert any(r.titles for r in results) and any(r.offences for r in results)
    assert made == [replace(r, offences={}, compliance=()) for r in results]
    for again, result in zip(made, results, strict=True):  # new records, not the same ones
        assert again is not result and again.pay is not result.pay
        assert again.score is not result.score
        assert all(a is not b for a, b in zip(again.trace, result.trace, strict=True))
