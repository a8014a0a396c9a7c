"""One employee's statement (`appraisal explain`): every point and yuan, and the totals.

The example month is run through the command line once; each statement must show every
trace entry that carries points or yuan, print totals equal to the sealed results, and
add up: score items to ``add`` and ``deduct_left``, trace yuan to each pay field, pay
fields to ``gross``. A few lines per language are checked as worked by hand.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.domain.results import PAY_FIELDS, MonthResults
from appraisal.export.statement import UnknownEmployee, statement
from appraisal.i18n import set_language
from appraisal.i18n.sealed import sealed_text
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
TITLES = {
    level.id: level.title for level in load_policy().in_force(Month(2026, 10)).levels.values()
}


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the example month's ledger (l.db) and results (r.json)."""
    folder = tmp_path_factory.mktemp("example")
    code = main(
        [
            "run",
            "--month",
            "2026-10",
            "--roster",
            str(ROOT / "examples" / "roster.csv"),
            "--events",
            str(ROOT / "examples" / "events.csv"),
            "--ledger",
            str(folder / "l.db"),
            "--json",
            str(folder / "r.json"),
        ]
    )
    assert code == 0
    return folder


@pytest.fixture(scope="module")
def results(sealed: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((sealed / "r.json").read_text(encoding="utf-8"))
    return document


def person(results: dict[str, Any], employee_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in results["employees"] if p["employee_id"] == employee_id)
    return found


def entry_lines(text: str, entry: dict[str, Any], lang: str) -> list[str]:
    """The lines that show a trace entry: its row, its clause, its effect in ``lang``."""
    where = entry["event"] or "—"
    effect = sealed_text(entry["effect"], lang)
    return [
        line
        for line in text.splitlines()
        if f"  {where} " in line and line.endswith(f"{entry['clause']} — {effect}")
    ]


def number_after(text: str, label: str) -> Decimal:
    """The last number of the line that starts with ``label`` (after its indent)."""
    line = next(line for line in text.splitlines() if line.strip().startswith(label))
    return Decimal(re.findall(r"-?\d+(?:\.\d+)?", line)[-1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_trace_entry_and_total_of_every_employee(results: dict[str, Any], lang: str) -> None:
    labels = {
        "zh": ("加分项合计 add", "减分项剩余 deduct_left", "总分 total", "应发合计 gross"),
        "en": ("add =", "deduct_left =", "total =", "gross ="),
    }[lang]
    for employee in results["employees"]:
        text = statement(MonthResults.from_json(results), employee["employee_id"], lang, TITLES)
        for entry in employee["trace"]:
            lines = entry_lines(text, entry, lang)
            assert lines, (employee["employee_id"], entry)
            if "points" in entry:
                signed = f"{Decimal(str(entry['points'])):+}"
                assert any(line.split()[0] == signed for line in lines), entry
            if "yuan" in entry:
                assert any(line.split()[0] == entry["yuan"] for line in lines), entry
        score = employee["score"]
        add, left, total, gross = (number_after(text, label) for label in labels)
        assert (add, left, total) == tuple(Decimal(str(score[k])) for k in score)
        assert gross == Decimal(employee["pay"]["gross"])


def test_the_gross_line_adds_up(results: dict[str, Any]) -> None:
    for employee in results["employees"]:
        text = statement(MonthResults.from_json(results), employee["employee_id"], "en")
        line = next(line for line in text.splitlines() if line.startswith("  gross = "))
        terms = re.findall(r"([+−]?) ?[a-z_]+ (\d+\.\d\d)", line.removeprefix("  gross = "))
        total = sum(
            (Decimal(amount) * (-1 if sign == "−" else 1) for sign, amount in terms),
            Decimal(0),
        )
        assert total == Decimal(employee["pay"]["gross"]), line


def test_each_pay_field_is_the_sum_of_its_lines(results: dict[str, Any]) -> None:
    """Under each pay field, the yuan lines (and a rounding line, if any) sum to it."""
    for employee in results["employees"]:
        lines = statement(
            MonthResults.from_json(results), employee["employee_id"], "en"
        ).splitlines()
        fields: dict[str, Decimal] = {}
        current = None
        for line in lines:
            head = re.fullmatch(r"  ([a-z_]+) +(-?\d+\.\d\d)", line)
            if head:
                current = head[1]
                fields[current] = Decimal(0)
            elif current and re.match(r"    +[+-]?\d+\.\d\d  ", line):
                fields[current] += Decimal(line.split()[0])
            elif not line.startswith("    "):
                current = None
        for name, total in fields.items():
            assert total == Decimal(employee["pay"][name]), (employee["employee_id"], name)


def test_kf002_in_chinese_worked_by_hand(results: dict[str, Any]) -> None:
    # KF002 客服主管: late 12 min (≤ 30): fine 10, −3 points; criteria all met 40 and exam
    # 97 (band A) +10 → add 50; deduct 100 − 3 = 97; total 147. Rest-day overtime 1 day:
    # 2 × 1600 / 21.75 = 147.126… → 147.13. Gross 1600 + 1000 − 10 + 147.13 + 50.
    text = statement(MonthResults.from_json(results), "KF002", "zh", TITLES)
    lines = text.splitlines()
    assert lines[0] == "绩效考核结算单 · 2026-10"
    assert lines[1] == "工号 KF002   姓名 李秀英   部门 来宾客服组"
    assert lines[2] == "职级 客服主管 supervisor → 下月职级 客服主管 supervisor（不变）"
    assert (
        "           -3  events.csv:9   处罚 4: 迟到30分钟以内扣10元/次，并扣3分 — "
        "迟到12分钟：罚款10.00元，扣3分"
    ) in lines
    assert "  减分项剩余 deduct_left = 100 − 3 = 97" in lines
    assert "  总分 total = 50 + 97 = 147" in lines
    assert (
        "  应发合计 gross = 基本工资 base 1600.00 + 浮动工资 floating 1000.00 − 罚款 fines 10.00 "
        "+ 加班工资 overtime 147.13 + 补贴 allowances 50.00 = 2787.13"
    ) in lines
    assert "二、工资（元）" in lines
    # The sealed results keep their English: only the statement words it in Chinese.
    assert person(results, "KF002")["trace"][-1]["effect"] != sealed_text(
        person(results, "KF002")["trace"][-1]["effect"], "zh"
    )


def test_kf013_in_english_worked_by_hand(results: dict[str, Any]) -> None:
    # KF013 is dismissed (late or early five times): no termination row, so the whole
    # month counts as worked, ≥ 20 days: the settlement is a full month's base, 1000;
    # base, floating, fines and the absence deduction give way to it. Gross 1000 + 50.
    text = statement(MonthResults.from_json(results), "KF013", "en", TITLES)
    lines = text.splitlines()
    assert lines[2] == "Level specialist (客服专员) → next month none (dismissed)"
    assert "  gross = allowances 50.00 + settlement 1000.00 = 1050.00" in lines
    assert "  deduct_left = 100 − 26 = 74" in lines
    assert "  dismissal: late_five_times" in lines
    assert "3. Level" in lines


def test_kf017_shows_the_review_items_and_the_fines_cap(results: dict[str, Any]) -> None:
    # KF017 实习客服 (floating 0): the clause 11 fine of 20 is capped at the floating wage,
    # so fines show +20.00 and −20.00 and total 0.00.
    text = statement(MonthResults.from_json(results), "KF017", "zh", TITLES)
    assert "  罚款 fines                     0.00" in text.splitlines()
    assert "四、待复核" in text.splitlines()
    assert "  罚款20.00元超过浮动工资0.00元：20.00元不予扣除" in text.splitlines()
    english = statement(MonthResults.from_json(results), "KF017", "en", TITLES)
    assert "  fines 20.00 exceed the floating wage 0.00: 20.00 not deducted" in english


def test_without_level_titles_the_ids_are_shown(results: dict[str, Any]) -> None:
    text = statement(MonthResults.from_json(results), "KF007", "en")
    assert text.splitlines()[2] == "Level specialist → next month team_lead, promoted"
    assert "  monthly (月度优秀客服代表)" in text


def test_rounding_and_bounds_are_shown() -> None:
    # Two entries of 73.56 each (exact 73.563 each) make a field of 147.13: the statement
    # says the cent came from rounding the field once. An add side of 110 is kept at 100.
    results = {
        "month": "2026-10",
        "policy": {"id": "p", "version": "1"},
        "employees": [
            {
                "employee_id": "E1",
                "name": "张三",
                "department": "",
                "level": "specialist",
                "next_level": "specialist",
                "promoted_to": None,
                "score": {"add": 100, "deduct_left": 100, "total": 200},
                "pay": {
                    **{f: "0.00" for f in ("base", "floating", "fines", "leave_deduction")},
                    **{f: "0.00" for f in ("absence_deduction", "rewards", "awards")},
                    **{"allowances": "0.00", "settlement": "0.00"},
                    "overtime": "147.13",
                    "gross": "147.13",
                },
                "dismissal": False,
                "dismissal_reasons": [],
                "demotion_reasons": [],
                "titles": [],
                "compliance": [],
                "review": [],
                "trace": [
                    {"rule": "rewards.1", "clause": "奖励 1", "event": "e.csv:2", "effect": "a",
                     "file": "e.csv", "row": 2, "points": 110},
                    {"rule": "score.add_bounds", "clause": "二", "event": "", "effect": "kept"},
                    {"rule": "overtime.rest_day", "clause": "四", "event": "e.csv:3",
                     "effect": "b", "pay_field": "overtime", "yuan": "73.56"},
                    {"rule": "overtime.rest_day", "clause": "四", "event": "e.csv:4",
                     "effect": "c", "pay_field": "overtime", "yuan": "73.56"},
                ],
            }
        ],
    }  # fmt: skip
    lines = statement(MonthResults.from_json(results), "E1", "en").splitlines()
    assert "  add = 110 → within bounds 100" in lines
    assert "        +0.01  rounding of the field" in lines
    assert "  deduct_left = 100 − 0 = 100" in lines
    assert "Level specialist → next month specialist, unchanged" in lines


def test_a_floored_deduct_pool_and_a_title_without_a_chinese_name() -> None:
    # 120 points deducted from a pool of 100, floored at 0: the pool cannot be derived,
    # so the statement shows deduct_left and the floor's trace entry.
    employee = {
        "employee_id": "E2",
        "name": "李四",
        "department": "客服",
        "level": "specialist",
        "next_level": "specialist",
        "promoted_to": None,
        "score": {"add": 0, "deduct_left": 0, "total": 0},
        "pay": {name: "0.00" for name in (*PAY_FIELDS, "gross")},
        "dismissal": False,
        "dismissal_reasons": [],
        "demotion_reasons": [],
        "titles": ["quarterly"],
        "compliance": [
            {"rule": "r", "law": "劳动法 第44条", "amount": "1.00", "message": "m", "event": "e:2"}
        ],
        "review": [],
        "trace": [
            {
                "rule": "penalty.3",
                "clause": "处罚 3",
                "event": "e:2",
                "effect": "a",
                "points": -120,
            },
            {"rule": "score.deduct_floor", "clause": "二", "event": "", "effect": "floored at 0"},
        ],
    }
    text = statement(
        MonthResults.from_json({"month": "2026-10", "employees": [employee]}), "E2", "zh"
    )
    lines = text.splitlines()
    assert "  减分项剩余 deduct_left = 0" in lines
    assert "               —    二 — floored at 0" in lines
    assert "  quarterly" in lines
    assert "  劳动法 第44条：m（1.00元） [e:2]" in lines
    assert "  应发合计 gross = 0.00 = 0.00" in lines


# An id with one 0 too many, an id in the wrong case, a name (李秀英 is KF002 in
# examples/roster.csv), and nothing like any id of the month: (wanted, suggestion, message).
UNKNOWN_EMPLOYEES = [
    ("KF0018", "KF018", "no employee 'KF0018' in the month's results; did you mean 'KF018'?"),
    ("kf002", "KF002", "no employee 'kf002' in the month's results; did you mean 'KF002'?"),
    ("李秀英", "KF002", "no employee '李秀英' in the month's results; did you mean 'KF002'?"),
    ("ZZZ", None, "no employee 'ZZZ' in the month's results"),
]


@pytest.mark.parametrize(("wanted", "suggestion", "message"), UNKNOWN_EMPLOYEES)
def test_an_unknown_employee(
    results: dict[str, Any], wanted: str, suggestion: str | None, message: str
) -> None:
    with pytest.raises(UnknownEmployee) as caught:
        statement(MonthResults.from_json(results), wanted)
    assert caught.value.employee_id == wanted
    assert caught.value.suggestion == suggestion
    assert str(caught.value) == message


@pytest.mark.parametrize(("wanted", "message"), [(w, m) for w, _, m in UNKNOWN_EMPLOYEES])
def test_explain_reports_an_unknown_employee_on_one_line(
    capsys: pytest.CaptureFixture[str], sealed: Path, wanted: str, message: str
) -> None:
    ledger = sealed / "l.db"
    capsys.readouterr()
    code = main(["explain", wanted, "--month", "2026-10", "--ledger", str(ledger)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err == f"{ledger}: 2026-10: {message}\n"


def test_an_unknown_language(results: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        statement(MonthResults.from_json(results), "KF002", "fr")


def test_the_statement_is_in_the_current_language_by_default(results: dict[str, Any]) -> None:
    # KF002's lateness and overtime: English in the results and the English statement,
    # Chinese in the Chinese one, chosen by the current language.
    month = MonthResults.from_json(results)
    set_language("zh")
    chinese = statement(month, "KF002", level_titles=TITLES)
    set_language("en")
    english = statement(month, "KF002", level_titles=TITLES)
    assert chinese.splitlines()[0] == "绩效考核结算单 · 2026-10"
    assert english.splitlines()[0] == "Appraisal statement · 2026-10"
    assert "late 12 min: fine 10.00, -3 points" in english
    assert "late 12 min" not in chinese
    assert "  rest_day overtime 1 day(s): 147.13" not in chinese
    assert "休息日加班1天：147.13元" in chinese


def test_compliance_is_worded_in_chinese_with_its_law(results: dict[str, Any]) -> None:
    # KF004 (examples): workday overtime on 2026-10-28 paid 0.00 against the statutory
    # minimum of 150% of 1200 / 21.75 × 0.5 day = 41.379… → 41.38.
    who = next(p for p in results["employees"] if any(
        c["message"].startswith("workday overtime on 2026-10-28") for c in p["compliance"]
    ))  # fmt: skip
    text = statement(MonthResults.from_json(results), who["employee_id"], "zh", TITLES)
    assert (
        "  劳动法 第44条：2026-10-28工作日加班支付0.00元，低于法定最低41.38元（41.38元） "
        "[events.csv:19]"
    ) in text.splitlines()
