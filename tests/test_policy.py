"""The policy language: YAML with line numbers, dated values, `extends`, safe expressions.

Each case writes a small policy into a temporary folder, most often one that `extends:`
the shipped scheme and overrides one thing, and checks what `load_policy` makes of it:
every problem as ``file:line: message`` (all of them at once, with "did you mean"), the
values in force for a month, and, through `appraisal.evaluate_rows`, the yuan that a
formula produces, worked out by hand.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appraisal import InputError, Month, PolicyError, evaluate_rows, load_policy
from appraisal.policy.expr import compile_expression

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_POLICY = ROOT / "policies" / "customer_service.yaml"
POLICY_2027 = ROOT / "policies" / "customer_service_2027.yaml"


# --- helpers -----------------------------------------------------------------------------


def _located(message: str, where: str) -> bool:
    """The message starts with ``where``: a file name as given (any folder), line, colon."""
    return re.match(r"^(?:.*/)?" + re.escape(where), message) is not None


def write(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def extending(folder: Path, *override: str, name: str = "policy.yaml") -> Path:
    """A policy that extends the shipped one; ``override`` lines start at line 3."""
    return write(folder / name, [f"extends: {SHIPPED_POLICY}", "override:", *override])


def edited_copy(folder: Path, old: str, new: str, name: str = "policy.yaml") -> Path:
    """A full copy of the shipped policy with one piece of text replaced."""
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = folder / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (number,) = [i for i, line in enumerate(lines, start=1) if fragment in line]
    return number


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    found = [str(issue) for issue in raised.value.issues]
    assert found
    return found


def the_problem(path: Path) -> str:
    (found,) = problems(path)
    return found


ROSTER = [{"employee_id": "E001", "name": "张三", "level": "specialist"}]


def good_month_rows(
    month: str, employee_id: str = "E001", exam: int = 95
) -> list[dict[str, object]]:
    """Every criterion met (5+5+10+10+10 = 40) and the exam (95: band A, +10)."""
    day = f"{month}-28"
    rows: list[dict[str, object]] = [
        {"employee_id": employee_id, "date": day, "kind": "criterion", "value": 1, "clause": c}
        for c in range(1, 6)
    ]
    rows.append({"employee_id": employee_id, "date": day, "kind": "exam", "value": exam})
    return rows


def late(month: str, minutes: int, employee_id: str = "E001") -> dict[str, object]:
    return {"employee_id": employee_id, "date": f"{month}-05", "kind": "late", "value": minutes}


def person(results: dict[str, Any], employee_id: str = "E001") -> dict[str, Any]:
    return next(e for e in results["employees"] if e["employee_id"] == employee_id)


# --- errors point at the line ---------------------------------------------------------------


def test_an_unknown_key_in_a_full_policy_points_at_its_line(tmp_path: Path) -> None:
    policy = edited_copy(tmp_path, "  pay_day_of_month: 5", "  pay_day_of_mont: 5")
    line = line_of(policy, "pay_day_of_mont:")
    message = the_problem(policy)
    assert _located(message, f"policy.yaml:{line}:3: ")  # the key, at column 3
    assert "unknown key 'pay_day_of_mont'" in message
    assert "did you mean 'pay_day_of_month'?" in message


def test_an_unknown_key_in_an_override_points_at_the_override_line(tmp_path: Path) -> None:
    policy = extending(tmp_path, "  score:", "    add_max: 100", "    dedcut_pool: 100")
    message = the_problem(policy)
    assert _located(message, "policy.yaml:5:5: ")
    assert "did you mean 'deduct_pool'?" in message


def test_a_misspelt_name_in_an_expression_suggests_the_right_one(tmp_path: Path) -> None:
    policy = extending(tmp_path, "  pay:", '    floating_formula: "floatng * score / 200"')
    message = the_problem(policy)
    assert _located(message, "policy.yaml:4:23: pay.floating_formula: ")
    assert "unknown name 'floatng'" in message
    assert "did you mean 'floating'?" in message


@pytest.mark.parametrize(
    ("formula", "complaint"),
    [
        ("rand() * floating", "'rand' is not available"),
        ("time() + floating", "'time' is not available"),
        ("floating.real", "Attribute is not allowed"),
        ("__import__('os')", "'__import__' is not available"),
        ("floating ** 2", "Pow is not allowed"),
        ("[floating][0]", "is not allowed"),
        ("floating if 'a' else 0", "only numbers may be written"),
    ],
    ids=["rand", "time", "attribute", "import", "power", "subscript", "string"],
)
def test_an_unsafe_or_unreplayable_expression_is_refused(
    tmp_path: Path, formula: str, complaint: str
) -> None:
    quoted = formula.replace('"', '\\"')
    policy = extending(tmp_path, "  pay:", f'    floating_formula: "{quoted}"')
    message = the_problem(policy)
    assert _located(message, "policy.yaml:4:23: pay.floating_formula: ")
    assert complaint in message


def test_the_allowed_functions_are_accepted(tmp_path: Path) -> None:
    # The control for the refusals above: min, max, abs and a conditional load.
    formula = "max(0, min(floating, abs(floating * score / 150))) if score >= 0 else 0"
    policy = extending(tmp_path, "  pay:", f'    floating_formula: "{formula}"')
    in_force = load_policy(policy).in_force(Month.parse("2026-10"))
    assert in_force.doc.pay.floating_formula == formula


def test_several_unknown_keys_are_reported_at_once(tmp_path: Path) -> None:
    policy = extending(
        tmp_path,
        "  pay:",
        "    pay_day_basiss: 21.75",  # line 4
        "  score:",
        "    add_maxx: 100",  # line 6
        "  awards:",
        "    monthly:",
        "      amout: 100",  # line 9
    )
    found = problems(policy)
    assert len(found) == 3, found
    assert any(_located(m, "policy.yaml:4:5: ") and "'pay_day_basis'" in m for m in found)
    assert any(_located(m, "policy.yaml:6:5: ") and "'add_max'" in m for m in found)
    assert any(_located(m, "policy.yaml:9:7: ") and "'amount'" in m for m in found)


def test_several_bad_expressions_are_reported_at_once(tmp_path: Path) -> None:
    policy = extending(
        tmp_path,
        "  pay:",
        '    floating_formula: "floatng"',  # line 4
        "  promotion:",
        '    eligible: "avg_scor_3m >= 150"',  # line 6
        "  awards:",
        "    monthly:",
        '      eligible: "rand() > 0"',  # line 9
    )
    found = problems(policy)
    assert len(found) == 3, found
    assert any(_located(m, "policy.yaml:4:23: ") and "'floating'" in m for m in found)
    assert any(_located(m, "policy.yaml:6:15: ") and "'avg_score_3m'" in m for m in found)
    assert any(_located(m, "policy.yaml:9:17: ") and "'rand'" in m for m in found)


def test_an_unknown_key_does_not_hide_a_bad_expression(tmp_path: Path) -> None:
    """load_policy "reports every problem at once": one run of check-policy must show
    both the misspelt key and the misspelt name, not one per run."""
    policy = extending(
        tmp_path,
        "  pay:",
        '    floating_formula: "floatng * score / 200"',  # line 4
        "    pay_day_basiss: 21.75",  # line 5
    )
    found = problems(policy)
    assert any(_located(m, "policy.yaml:5:5: ") and "'pay_day_basis'" in m for m in found)
    assert any(_located(m, "policy.yaml:4:23: ") and "'floating'" in m for m in found), found


def test_invalid_yaml_gives_file_and_line(tmp_path: Path) -> None:
    policy = write(tmp_path / "policy.yaml", ["id: x", 'version: "1"', "pay: a: b", "score: {}"])
    message = the_problem(policy)
    assert _located(message, "policy.yaml:3:7: ")  # the second colon of "pay: a: b"
    assert "not valid YAML" in message


def test_a_duplicate_key_gives_its_line(tmp_path: Path) -> None:
    policy = extending(tmp_path, "  pay:", "    pay_day_basis: 21.75", "    pay_day_basis: 22")
    message = the_problem(policy)
    assert _located(message, "policy.yaml:5:5: ")
    assert "duplicate key 'pay_day_basis'" in message


@pytest.mark.parametrize("section", ["ladder", "awards", "penalties"])
def test_a_missing_required_section_is_reported(tmp_path: Path, section: str) -> None:
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index(f"{section}:")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i][0].isspace())
    policy = write(tmp_path / "policy.yaml", lines[:start] + lines[end:])
    found = problems(policy)
    assert any(_located(m, "policy.yaml:") and f"{section}: missing" in m for m in found), found


# --- dated values and rules in force ---------------------------------------------------------


def _lateness_fine(policy: Path, month: str) -> Decimal | None:
    in_force = load_policy(policy).in_force(Month.parse(month))
    return in_force.doc.attendance.lateness.tiers["within_30"].fine


def test_a_dated_value_changes_the_months_from_its_date_only(tmp_path: Path) -> None:
    policy = extending(
        tmp_path,
        "  attendance:",
        "    lateness:",
        "      tiers:",
        "        within_30: {fine: {2027-01-01: 20}}",
    )
    assert _lateness_fine(policy, "2026-12") == Decimal(10)
    assert _lateness_fine(policy, "2027-01") == Decimal(20)
    assert _lateness_fine(policy, "2027-06") == Decimal(20)
    assert _lateness_fine(SHIPPED_POLICY, "2027-01") == Decimal(10)  # the base is untouched

    # The evaluator sees the same: 10 minutes late costs 10 yuan in December, 20 in January.
    for month, fine in (("2026-12", "10.00"), ("2027-01", "20.00")):
        results = evaluate_rows(month, ROSTER, [late(month, 10)], policy=policy)
        assert person(results)["pay"]["fines"] == fine, month


@pytest.mark.parametrize(("month", "fine"), [("2026-12", "10.00"), ("2027-01", "20.00")])
def test_the_shipped_2027_amendment_raises_the_lateness_fine_from_january(
    month: str, fine: str
) -> None:
    results = evaluate_rows(month, ROSTER, [late(month, 10)], policy=POLICY_2027)
    assert person(results)["pay"]["fines"] == fine


def test_a_rule_with_from_is_out_of_force_before_its_date(tmp_path: Path) -> None:
    policy = extending(
        tmp_path,
        "  score:",
        "    criteria:",
        '      "6": {clause: "新增 6", title: 主动学习, points: 3, from: 2027-01-01}',
    )
    loaded = load_policy(policy)
    assert "6" not in loaded.in_force(Month.parse("2026-12")).doc.score.criteria
    assert "6" in loaded.in_force(Month.parse("2027-01")).doc.score.criteria

    criterion_6 = {"employee_id": "E001", "kind": "criterion", "value": 1, "clause": 6}
    with pytest.raises(InputError) as refused:
        evaluate_rows("2026-12", ROSTER, [{**criterion_6, "date": "2026-12-28"}], policy=policy)
    assert any("criterion clause '6'" in str(i) for i in refused.value.issues)
    results = evaluate_rows(
        "2027-01", ROSTER, [{**criterion_6, "date": "2027-01-28"}], policy=policy
    )
    assert person(results)["score"]["add"] == 3


def test_a_rule_with_until_goes_out_of_force_on_its_date(tmp_path: Path) -> None:
    policy = extending(tmp_path, "  score:", "    criteria:", '      "5": {until: 2027-01-01}')
    loaded = load_policy(policy)
    assert "5" in loaded.in_force(Month.parse("2026-12")).doc.score.criteria
    assert "5" not in loaded.in_force(Month.parse("2027-01")).doc.score.criteria


# --- extends ----------------------------------------------------------------------------------


def test_a_policy_that_extends_itself_is_an_error(tmp_path: Path) -> None:
    policy = write(tmp_path / "policy.yaml", ["extends: policy.yaml", "id: loop"])
    message = the_problem(policy)
    assert _located(message, "policy.yaml:1: ")
    assert "loop" in message


def test_two_policies_extending_each_other_are_an_error(tmp_path: Path) -> None:
    write(tmp_path / "b.yaml", ["id: b", "extends: a.yaml"])
    policy = write(tmp_path / "a.yaml", ["extends: b.yaml", "id: a"])
    message = the_problem(policy)
    assert "b.yaml:2: " in message
    assert "extends a.yaml in a loop" in message


def test_extends_a_missing_file_is_an_error(tmp_path: Path) -> None:
    policy = write(tmp_path / "policy.yaml", ["extends: nowhere.yaml", "id: x"])
    assert "policy file not found" in the_problem(policy)


# --- formulas, worked by hand -----------------------------------------------------------------


def test_a_floating_formula_scales_the_floating_wage_by_the_score(tmp_path: Path) -> None:
    policy = extending(
        tmp_path, "  pay:", '    floating_formula: "floating * min(score, 150) / 150"'
    )
    roster = [*ROSTER, {"employee_id": "E002", "name": "李四", "level": "team_lead"}]
    events = [
        # E001 客服专员: add 40 + 10 = 50; late 10 min: -3 → deduct_left 97; total 147.
        *good_month_rows("2026-10"),
        late("2026-10", 10),
        # E002 客服组长: add 40 + 10 + reward 1 (+10) + reward 5 (+10) = 70; total 170.
        *good_month_rows("2026-10", "E002"),
        {"employee_id": "E002", "date": "2026-10-08", "kind": "reward", "clause": 1, "amount": 100},
        {"employee_id": "E002", "date": "2026-10-09", "kind": "reward", "clause": 5, "amount": 50},
    ]
    results = evaluate_rows("2026-10", roster, events, policy=policy)

    e001 = person(results, "E001")
    assert e001["score"] == {"add": 50, "deduct_left": 97, "total": 147}
    # floating = 900 × min(147, 150) / 150 = 900 × 0.98 = 882.00
    # gross = 1000 + 882 − 10 (fine) + 50 (transport allowance) = 1922.00
    assert e001["pay"]["floating"] == "882.00"
    assert e001["pay"]["fines"] == "10.00"
    assert e001["pay"]["gross"] == "1922.00"

    e002 = person(results, "E002")
    assert e002["score"]["total"] == 170
    # floating = 900 × min(170, 150) / 150 = 900; the monthly award (100) goes to the top
    # score; gross = 1100 + 900 + 150 (rewards) + 100 (award) + 50 = 2300.00
    assert e002["pay"]["floating"] == "900.00"
    assert e002["pay"]["awards"] == "100.00"
    assert e002["pay"]["gross"] == "2300.00"

    # The control: the shipped policy pays E001's floating wage in full.
    shipped = evaluate_rows("2026-10", roster, events)
    assert person(shipped, "E001")["pay"]["floating"] == "900.00"


@pytest.mark.parametrize(
    ("formula", "floating"),
    [
        ("floating + 0.1 + 0.2", "900.30"),
        ("floating if 0.1 + 0.2 == 0.3 else 0", "900.00"),
        ("(0.1 + 0.2 - 0.3) * 100000000000000000000 + floating", "900.00"),
    ],
    ids=["sum", "equality", "magnified"],
)
def test_numbers_in_expressions_are_exact_decimals(
    tmp_path: Path, formula: str, floating: str
) -> None:
    policy = extending(tmp_path, "  pay:", f'    floating_formula: "{formula}"')
    results = evaluate_rows("2026-10", ROSTER, good_month_rows("2026-10"), policy=policy)
    assert person(results)["pay"]["floating"] == floating
    traced = [t for t in person(results)["trace"] if t["rule"] == "pay.floating"]
    assert [t["yuan"] for t in traced] == [floating]


def test_an_expression_computes_in_decimals_not_floats() -> None:
    total = compile_expression("0.1 + 0.2", []).evaluate({})
    assert isinstance(total, Decimal)
    assert total == Decimal("0.3")


# --- the fingerprint --------------------------------------------------------------------------


def test_the_sha256_of_a_single_file_policy_is_that_of_its_bytes(tmp_path: Path) -> None:
    shipped = load_policy(SHIPPED_POLICY)
    assert shipped.sha256 == hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest()
    # A one-character change to a comment is a different policy text.
    changed = edited_copy(tmp_path, "# Open: daily wage", "# Open: the daily wage")
    assert load_policy(changed).sha256 == hashlib.sha256(changed.read_bytes()).hexdigest()
    assert load_policy(changed).sha256 != shipped.sha256


def test_the_sha256_of_a_policy_saved_with_windows_line_endings_is_that_of_its_bytes(
    tmp_path: Path,
) -> None:
    """`sha256sum policy.yaml` must match what the ledger records, whatever the line ends."""
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(SHIPPED_POLICY.read_bytes().replace(b"\n", b"\r\n"))
    assert load_policy(policy).sha256 == hashlib.sha256(policy.read_bytes()).hexdigest()


class _Meeting(dict[str, Decimal]):
    """Names whose ``x`` is read only once both threads are inside an evaluation."""

    def __init__(self, barrier: threading.Barrier, **values: Decimal) -> None:
        super().__init__(values)
        self.barrier = barrier

    def __getitem__(self, name: str) -> Decimal:
        if name == "x":
            self.barrier.wait(timeout=10)
        return super().__getitem__(name)


def test_two_threads_evaluating_at_once_each_read_their_own_names() -> None:
    """Dask workers in one process, or the web server's requests, evaluate at the same
    time: each thread's names are its own (a shared evaluator swapped them)."""
    expression = compile_expression("x + y", {"x", "y"})
    barrier = threading.Barrier(2)
    got: dict[str, Decimal | bool] = {}

    def evaluate(who: str, x: int, y: int) -> None:
        got[who] = expression.evaluate(_Meeting(barrier, x=Decimal(x), y=Decimal(y)))

    threads = [
        threading.Thread(target=evaluate, args=("a", 1, 10)),
        threading.Thread(target=evaluate, args=("b", 2, 20)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == {"a": Decimal(11), "b": Decimal(22)}
