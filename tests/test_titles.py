"""Level titles as input (issue 12, item 2): 客服经理 wherever a level id is accepted.

A roster's ``level`` and a promotion's target (its note) may name a level by its id or by
its title in the policy in force. The validate stage turns the title into the id, which
is what the engine uses and the ledger seals; each row keeps its source, so the trail
still points at the row as written. A title two levels share is refused, naming both.

The titles are the shipped policy's (policies/customer_service.yaml, ``ladder``), written
out here by hand rather than read from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from appraisal import InputError, Ledger
from appraisal.cli import main
from appraisal.rows import evaluate_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHIPPED_POLICY = ROOT / "policies" / "customer_service.yaml"
TITLES = {
    "intern": "实习客服",
    "specialist": "客服专员",
    "team_lead": "客服组长",
    "assistant_manager": "客服经理助理",
    "supervisor": "客服主管",
    "manager": "客服经理",
    "junior_lecturer": "客服初级讲师",
    "mid_lecturer": "客服中级讲师",
    "senior_lecturer": "客服高级讲师",
}
# Every criterion met (5 + 5 + 10 + 10 + 10 = 40) and exam 95 (A, +10): add 50, total 150,
# so no demotion trigger stands in a promotion's way (tests/cases/levels.yaml, good_E1).
GOOD_E1 = [
    *({"employee_id": "E1", "date": "2026-09-30", "kind": "criterion", "clause": c, "value": 1}
      for c in range(1, 6)),
    {"employee_id": "E1", "date": "2026-09-30", "kind": "exam", "value": 95},
]  # fmt: skip


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def titled_roster(path: Path) -> Path:
    """The example roster with each level written as its Chinese title."""
    rows = list(csv.reader(io.StringIO((EXAMPLES / "roster.csv").read_text(encoding="utf-8"))))
    assert rows[0][2] == "level"
    for row in rows[1:]:
        row[2] = TITLES[row[2]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def run_example(
    capsys: pytest.CaptureFixture[str], roster: Path, folder: Path
) -> tuple[dict[str, Any], Any]:
    code, _, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", roster,
        "--events", EXAMPLES / "events.csv", "--ledger", folder / "l.db",
        "--json", folder / "r.json",
    )  # fmt: skip
    assert code == 0, err
    with Ledger(folder / "l.db") as book:
        record = book.current("2026-10")
    assert record is not None
    return json.loads((folder / "r.json").read_text(encoding="utf-8")), record


def test_the_example_roster_with_chinese_titles_gives_the_results_of_the_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "ids").mkdir()
    (tmp_path / "titles").mkdir()
    by_id, _ = run_example(capsys, EXAMPLES / "roster.csv", tmp_path / "ids")
    titled = titled_roster(tmp_path / "titles" / "名册.csv")
    by_title, record = run_example(capsys, titled, tmp_path / "titles")
    masked = json.loads(json.dumps(by_title, ensure_ascii=False).replace("名册.csv", "roster.csv"))
    assert masked == by_id
    assert len(by_title["employees"]) == 20
    # Sealed as the engine used it: the id, with the source of the row as written.
    sealed = {row["employee_id"]: row for row in record.inputs["roster"]}
    assert sealed["KF001"]["level"] == "manager"
    assert sealed["KF001"]["source"] == ["名册.csv", 2]
    assert sealed["KF020"]["level"] == "senior_lecturer"
    assert sealed["KF020"]["source"] == ["名册.csv", 21]


def test_a_titled_month_replays_from_the_ledger(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, record = run_example(capsys, titled_roster(tmp_path / "roster.csv"), tmp_path)
    code, out, err = cli(capsys, "replay", "--month", "2026-10", "--ledger", tmp_path / "l.db")
    assert code == 0, err
    assert "identical to the sealed results" in out
    # The same file again is the same month: nothing new is sealed.
    code, out, err = cli(
        capsys, "run", "--month", "2026-10", "--roster", tmp_path / "roster.csv",
        "--events", EXAMPLES / "events.csv", "--ledger", tmp_path / "l.db",
    )  # fmt: skip
    assert code == 0, err
    assert f"Already sealed with these inputs (version {record.version})" in out


def test_a_promotion_may_name_its_target_by_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "roster.csv").write_text("employee_id,name,level\nE1,甲,客服专员\n", "utf-8")
    rows = [
        *(f"E1,2026-09-30,criterion,1,{clause},," for clause in range(1, 6)),
        "E1,2026-09-30,exam,95,,,",
        "E1,2026-09-25,promotion,,,客服组长,approved",  # row 8
    ]
    header = "employee_id,date,kind,value,clause,note,flags"
    (tmp_path / "events.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")
    code, _, err = cli(
        capsys, "run", "--month", "2026-09", "--roster", tmp_path / "roster.csv",
        "--events", tmp_path / "events.csv", "--ledger", tmp_path / "l.db",
        "--json", tmp_path / "r.json",
    )  # fmt: skip
    assert code == 0, err
    (person,) = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["employees"]
    # worked: specialist → team_lead next month; still paid as specialist this month:
    # 1000 + 900 + 50 + 100 (the monthly award, the only employee) = 2050
    assert (person["level"], person["next_level"]) == ("specialist", "team_lead")
    assert person["pay"]["gross"] == "2050.00"
    promoted = [t for t in person["trace"] if t["rule"] == "promotion"]
    assert len(promoted) == 1 and promoted[0]["event"] == "events.csv:8"
    assert "specialist → team_lead" in promoted[0]["effect"]
    with Ledger(tmp_path / "l.db") as book:
        record = book.current("2026-09")
    assert record is not None
    (sealed,) = [e for e in record.inputs["events"] if e["kind"] == "promotion"]
    assert (sealed["note"], sealed["source"]) == ("team_lead", ["events.csv", 8])


def test_the_python_api_takes_titles_too() -> None:
    roster = [{"employee_id": "E1", "name": "甲", "level": "客服专员"}]
    promotion = {"employee_id": "E1", "date": "2026-09-25", "kind": "promotion",
                 "note": "客服组长", "flags": "approved"}  # fmt: skip
    (person,) = evaluate_rows("2026-09", roster, [*GOOD_E1, promotion])["employees"]
    assert (person["level"], person["next_level"]) == ("specialist", "team_lead")


def test_titles_typed_with_spaces_or_full_width_forms_are_read() -> None:
    roster = [
        {"employee_id": "E1", "name": "甲", "level": " 客服 专员 "},
        {"employee_id": "E2", "name": "乙", "level": "客服组长\u3000"},  # ideographic space
    ]
    results = evaluate_rows("2026-09", roster, [])
    assert [e["level"] for e in results["employees"]] == ["specialist", "team_lead"]


def test_an_unknown_title_is_refused_with_the_closest_title() -> None:
    roster = [{"employee_id": "E1", "name": "甲", "level": "客服经历"}]
    promotion = {"employee_id": "E1", "date": "2026-09-25", "kind": "promotion",
                 "note": "客服组常", "flags": "approved"}  # fmt: skip
    with pytest.raises(InputError) as raised:
        evaluate_rows("2026-09", roster, [promotion])
    problems = [str(issue) for issue in raised.value.issues]
    assert any(
        p.startswith("roster:2:level: unknown level '客服经历' (did you mean '客服经理'?)")
        for p in problems
    ), problems
    assert any("levels: intern (实习客服), specialist (客服专员)" in p for p in problems)
    assert any(
        p.startswith(
            "events:2:note: promotion target '客服组常' is not a level (did you mean '客服组长'?)"
        )
        for p in problems
    ), problems


def test_a_title_two_levels_share_is_refused_naming_both(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    assert "senior_lecturer: {title: 客服高级讲师" in text
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        text.replace("senior_lecturer: {title: 客服高级讲师", "senior_lecturer: {title: 客服经理"),
        encoding="utf-8",
    )
    (tmp_path / "roster.csv").write_text(
        "employee_id,name,level\nE1,甲,客服经理\nE2,乙,manager\nE3,丙,senior_lecturer\n",
        encoding="utf-8",
    )
    (tmp_path / "events.csv").write_text(
        "employee_id,date,kind,note,flags\nE1,2026-09-25,promotion,客服经理,approved\n",
        encoding="utf-8",
    )
    code, out, err = cli(
        capsys, "run", "--month", "2026-09", "--roster", tmp_path / "roster.csv",
        "--events", tmp_path / "events.csv", "--policy", policy, "--ledger", tmp_path / "l.db",
    )  # fmt: skip
    assert code == 1
    both = "manager (客服经理)、senior_lecturer (客服经理)"
    assert f"{tmp_path / 'roster.csv'}:2:level: 职级名称 '客服经理' 对应多个职级：{both}" in err
    assert "(the title '客服经理' names more than one level" in err
    # The ids stay plain; only the title is in doubt.
    assert f"{tmp_path / 'roster.csv'}:3:" not in err and f"{tmp_path / 'roster.csv'}:4:" not in err
    assert f"{tmp_path / 'events.csv'}:2:note: 职级名称 '客服经理' 对应多个职级" in err
    assert "Sealed" not in out and not (tmp_path / "l.db").exists()


def test_the_template_and_run_agree_on_a_titled_roster(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`template` accepts the titles as `run` does and writes the ids, which `run` reads."""
    (tmp_path / "ids").mkdir()
    (tmp_path / "titles").mkdir()
    ids_roster = tmp_path / "ids" / "roster.csv"
    ids_roster.write_bytes((EXAMPLES / "roster.csv").read_bytes())
    titled = titled_roster(tmp_path / "titles" / "roster.csv")
    forms = {}
    for roster in (ids_roster, titled):
        out = roster.parent / "input.xlsx"
        code, _, err = cli(
            capsys, "template", "--month", "2026-11", "--roster", roster, "--out", out
        )
        assert code == 0, err
        forms[roster] = out.read_bytes()
    assert forms[titled] == forms[ids_roster]
    form = titled.parent / "input.xlsx"
    # The template as written, not filled in, appraises nobody: sealed with the missing
    # criteria counted as not met (the test is about the titles).
    code, _, err = cli(
        capsys, "run", "--month", "2026-11", "--roster", form, "--events", form,
        "--ledger", tmp_path / "l.db", "--json", tmp_path / "r.json", "--allow-unappraised",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    levels = {e["employee_id"]: e["level"] for e in results["employees"]}
    assert levels["KF001"] == "manager" and levels["KF016"] == "intern"
