"""The demotion line (降级线) comes from the policy: a property of its trigger.

`appraisal.policy.lines.demotion_line` evaluates each demotion trigger that reads the
score alone at every whole score of the range (0 to add_max + deduct_pool = 200) and
finds the line below which it holds; the text summary marks the band under that line.
Every expected value here is worked by hand from the condition.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from appraisal.domain.model import Month
from appraisal.domain.results import (
    EmployeeResult,
    MonthResults,
    PayFields,
    PolicyInfo,
    ScoreResult,
)
from appraisal.export.summary import summary_lines
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import PolicyInForce, default_policy_path, load_policy

MONTH = Month(2026, 10)
IN_FORCE = load_policy().in_force(MONTH)


def with_triggers(**whens: str) -> PolicyInForce:
    """The shipped policy with its score trigger's condition replaced (low_score) or
    further score triggers added, each by its condition."""
    model = IN_FORCE.doc.demotion.triggers["low_score"]
    triggers = dict(IN_FORCE.doc.demotion.triggers)
    for trigger_id, when in whens.items():
        triggers[trigger_id] = model.model_copy(update={"when": when})
    demotion = IN_FORCE.doc.demotion.model_copy(update={"triggers": triggers})
    return dataclasses.replace(IN_FORCE, doc=IN_FORCE.doc.model_copy(update={"demotion": demotion}))


def test_the_shipped_policy_demotes_below_140() -> None:
    # 降级情况一: 月度考核分数低于140分, written "score < 140".
    assert demotion_line(IN_FORCE) == 140


@pytest.mark.parametrize(
    ("when", "line"),
    [
        ("score < 140", 140),  # holds at 0..139, not at 140..200
        ("score <= 149", 150),  # holds at 0..149
        ("140 > score", 140),  # the same condition written the other way round
        ("not score >= 120", 120),  # holds at 0..119
        ("score < 139.5", 140),  # whole scores: holds at 0..139, not at 140
        ("score * 2 < 300", 150),  # score < 150
        ("score < 1", 1),  # only 0 demotes: still a line
        ("score < 140 and add < 10", None),  # reads add too: no line of the score alone
        ("score < 100 or score > 180", None),  # holds at 0..99 and 181..200: not one line
        ("score >= 140", None),  # holds above, not below
        ("score < 0", None),  # holds for no score of the range
        ("score <= 200", None),  # holds for every score of the range: no one keeps level
    ],
)
def test_the_line_of_a_trigger(when: str, line: int | None) -> None:
    assert demotion_line(with_triggers(low_score=when)) == line


def test_of_several_score_triggers_the_highest_line_counts() -> None:
    # Any trigger demotes, so below 120 or below 140 is below 140.
    assert demotion_line(with_triggers(low_score="score < 120", very_low="score < 140")) == 140
    assert demotion_line(with_triggers(very_low="score < 130 and add < 5")) == 140


def test_a_policy_without_a_score_trigger_has_no_line() -> None:
    triggers = {
        tid: t for tid, t in IN_FORCE.doc.demotion.triggers.items() if t.when is None
    }  # major_fault, serious_case, unfit: events and clauses
    demotion = IN_FORCE.doc.demotion.model_copy(update={"triggers": triggers})
    doc = IN_FORCE.doc.model_copy(update={"demotion": demotion})
    assert demotion_line(dataclasses.replace(IN_FORCE, doc=doc)) is None


def test_a_policy_file_with_another_line(tmp_path: Path) -> None:
    """Loaded from a file like any policy: the line follows its text."""
    text = default_policy_path().read_text(encoding="utf-8")
    assert text.count('when: "score < 140"') == 1
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace('when: "score < 140"', 'when: "score <= 129"'), "utf-8")
    assert demotion_line(load_policy(policy).in_force(MONTH)) == 130


# ---------------------------------------------------------------- the summary's marker


def employee(employee_id: str, total: int) -> EmployeeResult:
    return EmployeeResult(
        employee_id=employee_id,
        name=employee_id,
        department="",
        level="specialist",
        next_level="specialist",
        score=ScoreResult(Decimal(40), Decimal(total - 40), Decimal(total)),
        pay=PayFields.from_exact({"base": Decimal(1600)}),
        dismissal=False,
        dismissal_reasons=(),
        demotion_reasons=(),
        promoted_to=None,
        titles=(),
        compliance=(),
        review=(),
        trace=(),
    )


# Three employees, one each at 185, 147 and 120: a third of the 30-wide bar is 10 #.
MONTH_RESULTS = MonthResults(
    "2026-10",
    PolicyInfo("cs-appraisal", "2010-07-28", "0123456789ab" + "0" * 52),
    (employee("E1", 185), employee("E2", 147), employee("E3", 120)),
)
BANDS = [
    "  180-200      1  ##########",
    "  160-179      0  ",
    "  140-159      1  ##########",
    "  100-139      1  ##########",
    "     0-99      0  ",
]


def score_lines(line: int | None) -> list[str]:
    lines = summary_lines(MONTH_RESULTS, line)
    start = lines.index("Scores (总分):") + 1
    return lines[start : start + len(BANDS)]


@pytest.mark.parametrize(
    ("line", "band", "marker"),
    [
        (140, 3, "  ← below 140 demotes"),  # as the summary always printed it
        (100, 4, "  ← below 100 demotes"),  # a band edge: the band under it all demotes
        (180, 1, "  ← below 180 demotes"),
        (150, 2, "  ← below 150 demotes (within this band)"),  # 140-149 demote, 150-159 not
        (1, 4, "  ← below 1 demotes (within this band)"),
    ],
)
def test_the_summary_marks_the_band_under_the_line(line: int, band: int, marker: str) -> None:
    expected = list(BANDS)
    expected[band] += marker
    assert score_lines(line) == expected


@pytest.mark.parametrize("line", [None, 0])
def test_no_line_no_marker(line: int | None) -> None:
    # None: the policy demotes on no score; 0: no score is below the line.
    assert score_lines(line) == BANDS


def test_the_rest_of_the_summary() -> None:
    assert summary_lines(MONTH_RESULTS, 140)[:2] == [
        "Appraisal 2026-10 — policy cs-appraisal 2010-07-28 (sha256 0123456789ab…)",
        "Head count: 3",
    ]
