"""Policies as a careless or a hostile author would write them (issue 9, item 9).

YAML aliases and tags, impossible dates and control characters, `extends` reaching out
of its folder, and expressions that are well formed but wrong for the field they sit in
or fail on the policy's own values: each is a `PolicyError` naming the file and line
when the policy loads, so `check-policy` reports it and `run` never meets it. Then the
listing `check-policy` prints: every value in force, with its clause and date.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from appraisal import Month, PolicyError, load_policy
from appraisal.files.yamlfile import MAX_ALIASES, MAX_VALUES, field_names, read_yaml
from appraisal.policy.describe import policy_lines
from appraisal.policy.schema import PolicyDoc
from appraisal.policy.source import POLICY_YAML
from appraisal.read.imports.catalog import PROFILE_YAML

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_POLICY = ROOT / "policies" / "customer_service.yaml"
POLICY_2027 = ROOT / "policies" / "customer_service_2027.yaml"


def write(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def extending(folder: Path, *override: str, name: str = "policy.yaml") -> Path:
    """A policy that extends the shipped one; ``override`` lines start at line 3."""
    return write(folder / name, [f"extends: {SHIPPED_POLICY}", "override:", *override])


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    return [str(issue) for issue in raised.value.issues]


def the_problem(path: Path) -> str:
    (found,) = problems(path)
    return found


def located(message: str, where: str) -> bool:
    return re.match(r"^(?:.*/)?" + re.escape(where), message) is not None


# --- YAML: aliases, tags, dates, control characters ------------------------------------------

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
            for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def test_an_alias_bomb_is_refused_in_milliseconds() -> None:
    assert len(BILLION_LAUGHS.encode()) < 1024  # 9 ** 9 "lol"s once expanded
    started = time.perf_counter()
    tree, issues = read_yaml(BILLION_LAUGHS, "bomb.yaml", POLICY_YAML)
    elapsed = time.perf_counter() - started
    assert tree is None
    # a: 10 values, b: 1 + 9 × 10 = 91, c: 820, d: 7,381, e: 66,430, f: 597,871 > 100,000.
    assert [str(i) for i in issues] == [
        f"bomb.yaml:6:4: more than {MAX_VALUES:,} values once its aliases (*name) are expanded"
    ]
    assert elapsed < 0.5


def test_more_aliases_than_the_limit_are_refused_at_the_first_too_many() -> None:
    text = "a: &a 1\n" + "".join(f"k{i}: *a\n" for i in range(MAX_ALIASES + 5))
    _, issues = read_yaml(text, "many.yaml", PROFILE_YAML)
    # Line 1 holds the anchor; alias number 101 is on line 102.
    assert [str(i) for i in issues] == [
        f"many.yaml:{MAX_ALIASES + 2}: more than {MAX_ALIASES} aliases (*name): write the values out"
    ]
    # The control: as many aliases as the limit allows are read.
    allowed = "a: &a 1\n" + "".join(f"k{i}: *a\n" for i in range(MAX_ALIASES))
    tree, issues = read_yaml(allowed, "many.yaml", PROFILE_YAML)
    assert issues == [] and tree is not None and tree.value[f"k{MAX_ALIASES - 1}"] == 1


def test_an_alias_inside_the_value_it_names_is_refused() -> None:
    _, issues = read_yaml("x: 1\nloop: &a [1, *a]\n", "loop.yaml", POLICY_YAML)
    assert [str(i) for i in issues] == [
        "loop.yaml:2:7: an alias (*name) refers to a value it is part of"
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object:os.system {}", "!!python/object:os.system"),
        ("!!python/name:os.system ''", "!!python/name:os.system"),
        ("!mine x", "!mine"),
        ("!!str 13", "!!str"),
    ],
)
def test_a_tag_is_refused(tmp_path: Path, value: str, shown: str) -> None:
    policy = write(tmp_path / "policy.yaml", ["version: '1'", f"id: {value}"])
    assert problems(policy) == [
        f"{policy}:2:5: tags are not allowed ({shown}): write plain values only"
    ]


def test_an_impossible_date_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    policy = write(
        tmp_path / "policy.yaml",
        [
            f"extends: {SHIPPED_POLICY}",
            "amendments:",
            "  - {effective: 2026-02-30, clause: x, note: y}",
        ],
    )
    assert problems(policy) == [
        f"{policy}:3:17: not a valid date: 2026-02-30 (day is out of range for month)"
    ]
    # A profile is read by the same reader.
    _, issues = read_yaml("name: x\nsince: 2026-13-01\n", "p.yaml", PROFILE_YAML)
    assert [str(i) for i in issues] == [
        "p.yaml:2: not a valid date: 2026-13-01 (month must be in 1..12)"
    ]


def test_a_control_character_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    policy = write(tmp_path / "policy.yaml", [f"extends: {SHIPPED_POLICY}", 'title: "a\x07b"'])
    assert problems(policy) == [
        f"{policy}:2:10: not valid YAML: control character U+0007 "
        "(only printable characters, tabs and line ends may be written)"
    ]


def test_a_number_key_in_a_name_place_and_a_mix_of_dates_and_names_are_errors(
    tmp_path: Path,
) -> None:
    decimal_key = extending(
        tmp_path, "  score:", "    metrics:", "      1.5: {title: x, clause: y}"
    )
    assert problems(decimal_key) == [
        f"{decimal_key}:5:7: the key 1.5 is not a name (write it in quotes)"
    ]
    mixed = extending(
        tmp_path,
        "  score:",
        "    metrics:",
        "      csat: {title: x, clause: y}",
        "      2026-01-01: {title: x, clause: y}",
        name="mixed.yaml",
    )
    assert problems(mixed) == [
        f"{mixed}:5:7: override.score.metrics: mixes dates and names as keys "
        "(a dated value has dates only)"
    ]


def test_an_empty_section_in_an_override_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    policy = extending(tmp_path, "  score:")
    # Where its values would go: just after "  score:".
    assert problems(policy) == [f"{policy}:3:9: score: empty: give its values"]


# --- extends stays in its folder ----------------------------------------------------------------


def test_extends_may_not_reach_a_file_outside_its_folder(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.yaml", ["password: hunter2"])
    (tmp_path / "policies").mkdir()
    for extends in ("/etc/passwd", "../secret.yaml", str(secret)):
        policy = write(tmp_path / "policies" / "p.yaml", [f"extends: {extends}", "id: x"])
        message = the_problem(policy)
        assert located(message, "p.yaml:1: "), message
        assert f"extends {extends}: a policy extends only a file in its own folder" in message
        assert "customer_service.yaml" in message  # the shipped policies it may extend
        assert "root:" not in message and "hunter2" not in message


def test_extends_may_not_follow_a_symlink_out_of_its_folder(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    write(tmp_path / "outside.yaml", ["password: hunter2"])
    os.symlink(tmp_path / "outside.yaml", tmp_path / "policies" / "base.yaml")
    policy = write(tmp_path / "policies" / "p.yaml", ["extends: base.yaml", "id: x"])
    message = the_problem(policy)
    assert "extends base.yaml: a policy extends only a file in its own folder" in message
    assert "hunter2" not in message


def test_extends_reaches_its_own_folder_and_the_shipped_policies(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "shipped.yaml").write_bytes(SHIPPED_POLICY.read_bytes())
    below = write(tmp_path / "local.yaml", ["extends: base/shipped.yaml", "id: local"])
    assert load_policy(below).id == "local"
    # A bare name the folder does not have is the shipped policy of that name.
    bare = write(tmp_path / "bare.yaml", ["extends: customer_service.yaml", "id: bare"])
    assert load_policy(bare).in_force(Month(2026, 10)).doc.pay.pay_day_basis == 21.75


def test_a_fifo_is_not_read_as_a_policy(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "base.yaml")
    policy = write(tmp_path / "p.yaml", ["extends: base.yaml", "id: x"])
    assert problems(policy) == [f"{tmp_path / 'base.yaml'}: not a regular file"]


# --- expressions: types, arguments, a trial run ---------------------------------------------


@pytest.mark.parametrize(
    ("formula", "complaint"),
    [
        ("min()", "min(): min() takes two numbers or more, given none"),
        ("max(floating)", "max(floating): max() takes two numbers or more, given one"),
        ("abs(floating, 1)", "abs(floating, 1): abs() takes one number, given 2"),
        ("score > 1", "gives yes/no, but this field needs a number (a yuan amount)"),
        ("floating * (score > 1)", "score > 1 is yes/no, but * needs a number"),
        (
            "floating if score else 0",
            "score is a number, but the test of … if … else … needs yes/no",
        ),
        ("floating * 1e400", "the number 1e400 is too large"),
    ],
)
def test_a_floating_formula_of_the_wrong_kind_is_refused(
    tmp_path: Path, formula: str, complaint: str
) -> None:
    policy = extending(tmp_path, "  pay:", f'    floating_formula: "{formula}"')
    assert problems(policy) == [f"{policy}:4:23: pay.floating_formula: {complaint}"]


def test_a_division_by_zero_is_found_on_the_policys_own_levels(tmp_path: Path) -> None:
    # floating / 0 fails on the first level of the ladder, 实习客服 (base 700, floating 0).
    policy = extending(tmp_path, "  pay:", '    floating_formula: "floating / 0"')
    assert problems(policy) == [
        f"{policy}:4:23: pay.floating_formula: divides by zero with floating 0 (level intern)"
    ]
    # Levels are tried in ladder order: the intern's 700 / (0 - 900) is fine, the
    # specialist's 1000 / (900 - 900) divides by zero.
    per_level = extending(
        tmp_path,
        "  attendance:",
        "    absence:",
        '      deduction_per_day: "base / (floating - 900)"',
        name="levels.yaml",
    )
    assert problems(per_level) == [
        f"{per_level}:5:26: attendance.absence.deduction_per_day: divides by zero with "
        "base 1000, floating 900 (level specialist)"
    ]


def test_a_division_by_zero_at_one_score_is_found(tmp_path: Path) -> None:
    # Scores tried: add 0, 50, 100 with deduct_left 0, 50, 100; score 100 - 100 = 0.
    policy = extending(
        tmp_path,
        "  demotion:",
        "    triggers:",
        '      low_score: {when: "140 / (score - 100) < 1"}',
    )
    assert problems(policy) == [
        f"{policy}:5:25: demotion.triggers.low_score.when: divides by zero with score 100"
    ]


def test_a_formula_beyond_any_payslip_is_refused(tmp_path: Path) -> None:
    policy = extending(
        tmp_path, "  dismissal:", "    settlement:", '      below_threshold: "base * 1e300"'
    )
    message = the_problem(policy)
    # base 700 × 10^300 = 7 × 10^302 yuan for the intern, the first level.
    assert message == (
        f"{policy}:5:24: dismissal.settlement.below_threshold: gives 7.00E+302, more than "
        "1,000,000,000,000 yuan with base 700 (level intern)"
    )


@pytest.mark.parametrize(
    ("place", "condition", "complaint"),
    [
        (
            "demotion.triggers.low_score.when",
            "score - 140",
            "gives a number, but this field needs yes/no",
        ),
        ("awards.monthly.eligible", "dismissed + 1", "dismissed is yes/no, but + needs a number"),
        ("promotion.eligible", "demoted == 1", "demoted == 1: compares yes/no with a number"),
        (
            "promotion.eligible",
            "avg_score_3m and demoted",
            "avg_score_3m is a number, but and needs yes/no",
        ),
    ],
)
def test_a_condition_of_the_wrong_kind_is_refused(
    tmp_path: Path, place: str, condition: str, complaint: str
) -> None:
    *sections, key = place.split(".")
    override = [f"{'  ' * (i + 1)}{name}:" for i, name in enumerate(sections)]
    override.append(f'{"  " * (len(sections) + 1)}{key}: "{condition}"')
    policy = extending(tmp_path, *override)
    (message,) = problems(policy)
    assert f"{place}: {complaint}" in message


def test_conditions_and_formulas_of_the_right_kind_load(tmp_path: Path) -> None:
    """The control for the refusals above: Decimal arithmetic, comparisons in
    conditions, yes/no names in `and`, `not` and `==`."""
    policy = extending(
        tmp_path,
        "  pay:",
        '    floating_formula: "floating * max(0, min(score, 150)) / 150"',
        "  promotion:",
        '    eligible: "avg_score_3m >= 150 and not demoted and months_scored > 2"',
        "  awards:",
        "    monthly:",
        '      eligible: "(dismissed == False) and score >= 0"',
    )
    in_force = load_policy(policy).in_force(Month(2026, 10))
    assert in_force.doc.promotion.eligible is not None


# --- what check-policy lists --------------------------------------------------------------


def test_the_first_lines_are_as_check_policy_has_always_printed_them() -> None:
    policy = load_policy(POLICY_2027)
    lines = policy_lines(policy, Month(2026, 12))
    # 2027-01.4: the policy's third edition, with the awards' eligibility of scheme.md §4.
    assert lines[0] == f"{POLICY_2027}: OK — cs-appraisal version 2027-01.4"
    assert lines[1].startswith(f"sha256 {policy.sha256} (")
    assert "in force for 2026-12:" in lines
    assert "  management specialist         客服专员  base 1000 + floating 900" in lines
    assert "  lateness within_30    ≤ 30 min: fine 10, -3" in lines
    assert "  criteria: 1, 2, 3, 4, 5" in lines


@pytest.mark.parametrize(
    ("month", "fine", "since", "clause"),
    [
        (Month(2026, 12), 10, "", "处罚 4: 迟到30分钟以内扣10元/次，并扣3分"),
        (
            Month(2027, 1),
            20,
            " (from 2027-01-01)",
            "处罚 4 (2027-01 修订): 迟到30分钟以内扣20元/次，并扣3分",
        ),
    ],
)
def test_a_dated_value_is_listed_with_the_date_it_took_effect(
    month: Month, fine: int, since: str, clause: str
) -> None:
    lines = policy_lines(load_policy(POLICY_2027), month)
    (tier,) = [line for line in lines if line.strip().startswith("within_30:")]
    assert f"fine {fine}{since}, points 3" in tier
    assert tier.endswith(f"[{clause}]")


def test_the_compliance_settings_and_the_formulas_are_listed() -> None:
    lines = policy_lines(load_policy(SHIPPED_POLICY), Month(2026, 10))
    text = "\n".join(lines)
    assert "  compliance  [scheme.md §9: Labor Law art. 44; 工资支付暂行规定 art. 16]:" in lines
    assert "    minimum_wage: none" in lines
    assert "    deduction_cap_ratio: 0.2" in lines
    assert '    workday_min_per_day: "1.5 * base / pay_day_basis"' in lines
    assert "    holiday_comp_time_allowed: no" in lines
    assert 'deduction_per_day "(base + floating) / pay_day_basis", points_per_day 10' in text
    assert '      sick_per_day: "base / pay_day_basis * 0.5"' in lines
    assert '      low_score: when "score < 140"' in text
    # scheme.md §4: appraised that month, neither dismissed nor demoted.
    eligible = 'eligible "appraised and not dismissed and not demoted"'
    assert f"    monthly: amount 100, {eligible}" in text
    assert "  demotion line (降级线, from demotion.triggers): a score below 140" in lines


def test_every_field_of_the_policy_language_is_listed() -> None:
    text = "\n".join(policy_lines(load_policy(POLICY_2027), Month(2027, 1)))
    # Every key the schema knows, but those only a policy's history or a Range has.
    unlisted = {"min", "max", "optional"}  # a Range reads "30–200", "at least 0"
    missing = {name for name in field_names(PolicyDoc) - unlisted if name not in text}
    assert missing == set()


def test_without_a_month_the_latest_values_are_listed(tmp_path: Path) -> None:
    policy = load_policy(POLICY_2027)
    lines = policy_lines(policy, None)
    latest = max(policy.source.effective_dates())
    assert f"in force from {latest} (the latest values; --month YYYY-MM for a month):" in lines
    assert "  lateness within_30    ≤ 30 min: fine 20, -3" in lines
    # A policy with no dated value: the shipped one without its `from:` dates.
    text = SHIPPED_POLICY.read_text("utf-8")
    undated_text = re.sub(r"(?m)^\s*from: \d{4}-\d\d-\d\d\n", "", text)
    undated = tmp_path / "plain.yaml"
    undated.write_text(undated_text, "utf-8")
    assert load_policy(undated).source.effective_dates() == [date.min]
    assert "in force (no value of this policy is dated):" in policy_lines(
        load_policy(undated), None
    )
