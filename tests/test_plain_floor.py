"""bench/plain.py, the plain hand-written loop that evaluation's speed is measured against
(issue 11: "evaluation alone: 1.5× a plain hand-written Decimal loop"), computes the
month evaluation computes: on generated months every figure of every employee agrees
with `appraisal.evaluate`, and on a small month worked by hand from scheme.md and
docs/semantics.md it gives the figures worked out below.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from appraisal import CarriedState, Month, evaluate, load_policy, read_inputs
from appraisal.domain.model import Employee, Event
from appraisal.domain.results import EmployeeResult
from appraisal.engine.validate import validate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate  # noqa: E402
from plain import FIGURES, PlainResult, agree, plain_month  # noqa: E402


def read_month(
    folder: Path, roster: list[dict[str, str]], events: list[dict[str, str]], month: Month
) -> tuple[list[Employee], list[Event]]:
    _write(folder / "roster.csv", ROSTER_COLUMNS, roster)
    _write(folder / "events.csv", EVENT_COLUMNS, events)
    inputs, issues = read_inputs(month, folder / "roster.csv", [folder / "events.csv"])
    assert inputs is not None, issues
    problems = validate(load_policy().in_force(month), inputs.roster, inputs.events)
    assert problems == [], problems
    return list(inputs.roster), list(inputs.events)


def evaluated(
    month: Month, roster: list[Employee], events: list[Event]
) -> tuple[EmployeeResult, ...]:
    evaluation = evaluate(load_policy().in_force(month), month, roster, events, CarriedState())
    assert evaluation.issues == ()
    return evaluation.results


@pytest.mark.parametrize(
    ("events_each", "month", "seed"),
    [(10, "2026-10", 1), (12, "2026-12", 7), (15, "2027-03", 3)],
)
def test_plain_loop_agrees_with_evaluation_on_generated_months(
    tmp_path: Path, events_each: int, month: str, seed: int
) -> None:
    period = Month.parse(month)
    roster_rows, event_rows = generate(300, events_each, month, seed)
    roster, events = read_month(tmp_path, roster_rows, event_rows, period)
    results = evaluated(period, roster, events)
    plain = plain_month(roster, events, period)

    assert agree(plain, results) == []
    assert len(plain) == len(results) == 300
    # Not a trivial month: levels change, someone wins the award.
    assert any(p.next_level not in (None, p.level) for p in plain.values())
    assert any(p.titles for p in plain.values())


def test_agree_names_each_figure_that_differs(tmp_path: Path) -> None:
    period = Month.parse("2026-10")
    roster, events = read_month(tmp_path, *generate(20, 10, "2026-10", 2), period)
    results = evaluated(period, roster, events)
    plain = plain_month(roster, events, period)
    first = roster[0].employee_id
    plain[first] = plain[first]._replace(fines=plain[first].fines + Decimal("0.01"))
    plain["KF999"] = plain[first]

    assert agree(plain, results) == [
        f"{first} pay.fines: plain {plain[first].fines!r}, "
        f"evaluation {plain[first].fines - Decimal('0.01')!r}",
        "KF999: in the plain loop, not evaluated",
    ]
    assert len(FIGURES) == 21  # level, next level, 3 scores, 10 pay fields and gross, 5 more


def row(employee: str, day: str, kind: str, **cells: object) -> dict[str, str]:
    out = dict.fromkeys(EVENT_COLUMNS, "")
    out.update(employee_id=employee, date=f"2026-10-{day}", kind=kind)
    out.update({column: str(value) for column, value in cells.items()})
    return out


def appraisal_rows(employee: str, met: tuple[int, ...], exam: int) -> list[dict[str, str]]:
    """The five criteria (1 met, 0 not) and the exam, at month end."""
    criteria = [row(employee, "30", "criterion", clause=n + 1, value=v) for n, v in enumerate(met)]
    return [*criteria, row(employee, "30", "exam", value=exam)]


def person(employee: str, level: str) -> dict[str, str]:
    out = dict.fromkeys(ROSTER_COLUMNS, "")
    out.update(employee_id=employee, name=employee, level=level)
    return out


def test_a_month_worked_by_hand(tmp_path: Path) -> None:
    # October 2026: 1–7 are holidays, 10 a Saturday; working days 8, 9, 12–16, 19–23, 26–30.
    roster = [
        person("A", "specialist"),
        person("B", "intern"),
        person("C", "specialist"),
        person("D", "team_lead"),
        person("L", "junior_lecturer"),
    ]
    events = [
        # A, specialist (1000 + 900). The clause-6 repeat of the 20th comes first in the
        # file: the first offence is the 16th's all the same (content order, not rows).
        row("A", "20", "penalty", clause=6, amount=80),
        *appraisal_rows("A", (1, 1, 1, 1, 0), 92),
        row("A", "08", "reward", clause=2, amount=100),
        row("A", "08", "late", value=20),
        row("A", "09", "late", value=45),
        row("A", "12", "late", value=75),
        row("A", "13", "personal_leave", value="0.5"),
        row("A", "14", "sick_leave", value=1),
        row("A", "15", "personal_leave", value=1),
        row("A", "02", "overtime", value=1, flags="holiday"),
        row("A", "10", "overtime", value="0.5", flags="rest_day"),
        row("A", "16", "penalty", clause=6, amount=120),
        row("A", "21", "penalty", clause=13),
        # B, intern (700 + 0): a clause-11 fine, taken from a floating wage of 0.
        *appraisal_rows("B", (1, 1, 1, 1, 1), 96),
        row("B", "08", "penalty", clause=11),
        # C, specialist, promoted.
        *appraisal_rows("C", (1, 1, 1, 1, 1), 85),
        row("C", "30", "promotion", note="team_lead", flags="approved"),
        # D, team lead (1100 + 900), dismissed under clause 2 after 12 working days.
        row("D", "08", "late", value=10),
        row("D", "10", "overtime", value=1, flags="rest_day"),
        row("D", "14", "penalty", clause=2, amount=500),
        row("D", "14", "termination", value=12),
        # L, junior lecturer (1000 + 800): deductions beyond the wage left after fines.
        *appraisal_rows("L", (1, 1, 1, 1, 1), 90),
        *(
            row("L", day, "absent", value=1)
            for day in ("08", "09", "12", "13", "14", "15", "16", "19", "20", "21", "22", "23")
        ),
        row("L", "26", "personal_leave", value=1),
        *(row("L", day, "penalty", clause=7, amount=200) for day in ("27", "28", "29", "30")),
    ]
    period = Month.parse("2026-10")
    roster_records, event_records = read_month(tmp_path, roster, events, period)
    plain = plain_month(roster_records, event_records, period)

    def figures(p: PlainResult) -> dict[str, object]:
        """score: add, left, total; pay: base, floating, fines, leave, absence, overtime,
        rewards, awards, allowances, settlement, gross; why: dismissed for, demoted for,
        promoted to, titles."""
        pay = (p.base, p.floating, p.fines, p.leave_deduction, p.absence_deduction, p.overtime)
        more = (p.rewards, p.awards, p.allowances, p.settlement, p.gross)
        return {
            "score": (p.add, p.deduct_left, p.total),
            "pay": " ".join(f"{yuan:.2f}" for yuan in (*pay, *more)),
            "next": p.next_level,
            "why": (p.dismissal_reasons, p.demotion_reasons, p.promoted_to, p.titles),
        }

    # A: add 5+5+10+10 (criterion 5 not met) + exam 92, band B, 5 + reward 2, 5 = 40.
    # Deducted: late 20 min 3, 45 min 5, 75 min (a day's absence) 10; three leave rows 5;
    # clause 6 on the 16th, the first ever: a warning, no fine, still 10; on the 20th, 10
    # and 80 yuan; clause 13 the first time: nothing. 43, so 57 left; total 97 < 140:
    # demoted to intern, and not eligible for the award.
    # Fines 10 + 30 + 80 = 120. Absence 1900 / 21.75 = 87.356… → 87.36. Leave: half a
    # day 1000 / 21.75 / 2 = 22.988…, a sick day the same, a day 45.977…: 91.954… →
    # 91.95. Overtime: holiday 3 × 1000 / 21.75 = 137.931…, half a rest day
    # 2 × 1000 / 21.75 / 2 = 45.977…: 183.908… → 183.91. Rewards 100, allowances 50.
    # Gross 1000 + 900 − 120 − 91.95 − 87.36 + 183.91 + 100 + 50 = 1934.60.
    assert figures(plain["A"]) == {
        "score": (40, 57, 97),
        "pay": "1000.00 900.00 120.00 91.95 87.36 183.91 100.00 0.00 50.00 0.00 1934.60",
        "next": "intern",
        "why": ((), ("low_score",), None, ()),
    }
    # B: add 40 + exam 96, band A, 10 = 50; clause 11 deducts 5: total 145, the top of
    # the eligible (C has 142), so 月度优秀客服代表, 100 yuan. Its 20-yuan fine comes out
    # of a floating wage of 0: capped at 0. Gross 700 + 100 + 50 = 850.
    assert figures(plain["B"]) == {
        "score": (50, 95, 145),
        "pay": "700.00 0.00 0.00 0.00 0.00 0.00 0.00 100.00 50.00 0.00 850.00",
        "next": "intern",
        "why": ((), (), None, ("monthly",)),
    }
    # C: add 40 + exam 85, band C, 2 = 42; total 142, not demoted: the approved
    # application takes C up one level. Gross 1000 + 900 + 50 = 1950.
    assert figures(plain["C"]) == {
        "score": (42, 100, 142),
        "pay": "1000.00 900.00 0.00 0.00 0.00 0.00 0.00 0.00 50.00 0.00 1950.00",
        "next": "team_lead",
        "why": ((), (), "team_lead", ()),
    }
    # D: clause 2, dismissed; 12 working days < 20: half the base, 1100 / 2 = 550, instead
    # of the wage and its deductions (the 10-yuan lateness fine). Overtime on a rest day
    # 2 × 1100 / 21.75 = 101.149… → 101.15. Appraised by nobody, so add 0; the lateness
    # deducts 3: 97 < 140 is still listed. Gross 550 + 101.15 + 50 = 701.15.
    assert figures(plain["D"]) == {
        "score": (0, 97, 97),
        "pay": "0.00 0.00 0.00 0.00 0.00 101.15 0.00 0.00 50.00 550.00 701.15",
        "next": None,
        "why": (("clause_2",), ("low_score",), None, ()),
    }
    # L: add 40 + exam 90, band B, 5 = 45; deducted 12 days × 10 + 4 × 10 = 160: the pool
    # stops at 0, total 45: demoted, but a junior lecturer is the bottom of the track.
    # Fines 4 × 200 = 800 = the floating wage, so the wage left is 1000 + 800 − 800 = 1000.
    # Absence 12 × 1800 / 21.75 = 993.103… → 993.10, leave 1000 / 21.75 = 45.977… → 45.98:
    # 1039.08 > 1000, so leave keeps 1000 − 993.10 = 6.90, and gross is the allowances, 50.
    assert figures(plain["L"]) == {
        "score": (45, 0, 45),
        "pay": "1000.00 800.00 800.00 6.90 993.10 0.00 0.00 0.00 50.00 0.00 50.00",
        "next": "junior_lecturer",
        "why": ((), ("low_score",), None, ()),
    }
    # One trace tuple per row charged: A's 18 rows (its six appraisal rows included),
    # three leave rows' points, base, floating, two allowances and the demotion.
    assert len(plain["A"].trace) == 18 + 1 + 2 + 2 + 1
    assert agree(plain, evaluated(period, roster_records, event_records)) == []
