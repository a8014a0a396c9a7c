"""Issue 14, item 6: a criterion earned through a metric names the metric's input row."""

from __future__ import annotations

from pathlib import Path

from appraisal.rows import evaluate_rows

POLICY_2027 = Path(__file__).resolve().parents[1] / "policies" / "customer_service_2027.yaml"
ROSTER = [{"employee_id": "E1", "name": "甲", "level": "specialist"}]


def _criterion(results: dict[str, object], rule: str) -> dict[str, object]:
    (employee,) = results["employees"]  # type: ignore[misc]
    (entry,) = [t for t in employee["trace"] if t["rule"] == rule]
    return dict(entry)


def test_a_criterion_met_by_a_metric_names_the_metric_row() -> None:
    # Row 2 is a criterion; row 3 the CSAT of 93.5, which meets "csat >= 90" (+5).
    events = [
        {"employee_id": "E1", "date": "2027-01-29", "kind": "criterion", "value": "1", "clause": "1"},
        {"employee_id": "E1", "date": "2027-01-30", "kind": "metric", "value": "93.5", "clause": "csat"},
    ]  # fmt: skip
    results = evaluate_rows("2027-01", ROSTER, events, policy=POLICY_2027)
    entry = _criterion(results, "score.criteria.csat")
    assert (entry["file"], entry["row"], entry["points"]) == ("events", 3, 5)
    assert entry["event"] == "events:3"


def test_a_criterion_not_met_has_no_entry() -> None:
    events = [
        {"employee_id": "E1", "date": "2027-01-30", "kind": "metric", "value": "89.9", "clause": "csat"},
    ]  # fmt: skip
    results = evaluate_rows("2027-01", ROSTER, events, policy=POLICY_2027)
    (employee,) = results["employees"]
    assert [t for t in employee["trace"] if t["rule"] == "score.criteria.csat"] == []
