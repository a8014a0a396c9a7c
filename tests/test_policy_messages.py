"""Messages that help the policy author (issue 14, item 4).

An HR analyst raises a fine and adds a criterion, by editing a copy of the shipped
policy or by writing a small policy that extends it, and makes the mistakes people
make: a key in the wrong place, a tier's name misspelt, a date typed 2026-11-1, a
full-width colon from a Chinese input method, a word where a number belongs. Each
gives one message, at the line and column of the slip, in words about the policy:
never pydantic's ("Decimal input should be …"), never twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from appraisal import Month, PolicyError, load_policy

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_POLICY = ROOT / "policies" / "customer_service.yaml"
POLICY_2027 = ROOT / "policies" / "customer_service_2027.yaml"
CLAUSE_11 = (
    '"11": {clause: "处罚 11", title: 值日不及时或者不实行 (20元/次，扣5分), fine: 20, points: 5}'
)
JARGON = ("Input should", "Decimal input", "Value error", "Field required", "Extra inputs")


def write(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def edited_copy(folder: Path, old: str, new: str) -> Path:
    """The shipped policy, copied and edited in one place as an analyst would."""
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return write(folder / "policy.yaml", [text.replace(old, new).rstrip("\n")])


def where(path: Path, fragment: str) -> tuple[int, int]:
    """The line and column (both from 1) of ``fragment``, found once in the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (found,) = [
        (n, line.index(fragment) + 1) for n, line in enumerate(lines, 1) if fragment in line
    ]
    return found


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    found = [str(issue) for issue in raised.value.issues]
    assert not [m for m in found if any(word in m for word in JARGON)], found
    return found


# --- a misplaced key: suggestions from the keys valid at its place, once ---------------------


def test_a_misplaced_section_is_matched_against_the_sections_not_every_key(tmp_path: Path) -> None:
    # Raising the fine of 处罚 11, the analyst starts a section `penalty:` at the top.
    # `penalty` is a key of a dismissal trigger, but not of the top, so it is no suggestion.
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    policy = write(tmp_path / "policy.yaml", [text.rstrip("\n"), "penalty:", '  "11": {fine: 30}'])
    line = len(text.splitlines()) + 1
    assert problems(policy) == [
        f"{policy}:{line}:1: penalty: unknown key 'penalty' (did you mean 'penalties'?)"
    ]


def test_a_key_with_nothing_close_at_its_place_lists_the_keys_there_once(tmp_path: Path) -> None:
    # The 2027 policy changes on four dates (the beginning, 2010-07-28, 2027-01-01 and
    # now 2027-03-01): the misplaced tier is still reported once.
    policy = write(
        tmp_path / "policy.yaml",
        [
            "extends: customer_service_2027.yaml",
            "override:",
            "  attendance:",
            "    lateness:",
            "      within_30: {fine: {2027-03-01: 25}}",  # line 5: tiers: left out
        ],
    )
    assert problems(policy) == [
        f"{policy}:5:7: attendance.lateness.within_30: unknown key 'within_30' "
        "(keys here: clause, tiers)"
    ]


# --- a misspelt tier or criterion is "did you mean", not a new one -----------------------------


def test_a_misspelt_lateness_tier_is_did_you_mean_not_a_new_tier(tmp_path: Path) -> None:
    policy = write(
        tmp_path / "policy.yaml",
        [
            "extends: customer_service.yaml",
            "override:",
            "  attendance:",
            "    lateness:",
            "      tiers:",
            "        within_hr: {fine: {2026-11-01: 40}}",  # line 6, the name at column 9
        ],
    )
    assert problems(policy) == [
        f"{policy}:6:9: attendance.lateness.tiers.within_hr: unknown tier 'within_hr' "
        "(did you mean 'within_hour'?): a new tier is declared with all its fields, "
        "and this one lacks clause"
    ]
    # The control: spelt right, it raises the fine from November 2026 (30 → 40 yuan).
    write(
        policy,
        [
            *policy.read_text("utf-8").splitlines()[:5],
            "        within_hour: {fine: {2026-11-01: 40}}",
        ],
    )
    loaded = load_policy(policy)
    assert loaded.in_force(Month(2026, 10)).doc.attendance.lateness.tiers["within_hour"].fine == 30
    assert loaded.in_force(Month(2026, 11)).doc.attendance.lateness.tiers["within_hour"].fine == 40


def test_a_misspelt_criterion_beside_one_in_force_later_is_did_you_mean(tmp_path: Path) -> None:
    # csat comes into force in 2027-01; its misspelling is caught on every date, once.
    policy = write(
        tmp_path / "policy.yaml",
        [
            "extends: customer_service_2027.yaml",
            "override:",
            "  score:",
            "    criteria:",
            "      csta: {points: 8}",  # line 5, column 7
        ],
    )
    assert problems(policy) == [
        f"{policy}:5:7: score.criteria.csta: unknown criterion 'csta' (did you mean 'csat'?): "
        "a new criterion is declared with all its fields, and this one lacks clause, title"
    ]


def test_a_new_criterion_declared_with_all_its_fields_is_new(tmp_path: Path) -> None:
    policy = write(
        tmp_path / "policy.yaml",
        [
            "extends: customer_service.yaml",
            "override:",
            "  score:",
            "    criteria:",
            '      "6": {clause: "基本考核标准 6 (新增)", title: 按时参加培训, points: 5, from: 2026-11-01}',
        ],
    )
    loaded = load_policy(policy)
    assert "6" not in loaded.in_force(Month(2026, 10)).doc.score.criteria
    assert loaded.in_force(Month(2026, 11)).doc.score.criteria["6"].points == 5


# --- a date typed 2026-11-1 ------------------------------------------------------------------------


def test_a_date_typed_by_hand_is_did_you_mean_yyyy_mm_dd(tmp_path: Path) -> None:
    raised = CLAUSE_11.replace("fine: 20", "fine: {2026-11-1: 30}")
    policy = edited_copy(tmp_path, CLAUSE_11, raised)
    line, column = where(policy, "2026-11-1:")
    assert problems(policy) == [
        f"{policy}:{line}:{column}: penalties.items.11.fine.2026-11-1: "
        "a date is written YYYY-MM-DD; did you mean 2026-11-01?"
    ]


def test_a_from_date_or_an_amendment_date_typed_by_hand_is_named(tmp_path: Path) -> None:
    # A `from:` that is not a date would leave the rule in force for ever.
    policy = write(
        tmp_path / "policy.yaml",
        [
            "extends: customer_service.yaml",
            "amendments:",
            "  - {effective: 2026-11-1, clause: 基本考核标准 6, note: 新增}",  # 3:17
            "override:",
            "  score:",
            "    criteria:",
            '      "6": {clause: 基本考核标准 6, title: 按时参加培训, points: 5, from: 2026/11/1}',
        ],
    )
    _, column = where(policy, "2026/11/1")
    assert problems(policy) == [
        f"{policy}:3:17: amendments.0.effective: a date is written YYYY-MM-DD; "
        "did you mean 2026-11-01?",
        f"{policy}:7:{column}: score.criteria.6.from: a date is written YYYY-MM-DD; "
        "did you mean 2026-11-01?",
    ]


# --- a full-width colon ------------------------------------------------------------------------------


def test_a_full_width_colon_is_named_at_its_own_line_and_column(tmp_path: Path) -> None:
    policy = edited_copy(tmp_path, "  pay_day_of_month: 5", "  pay_day_of_month： 5")
    line, column = where(policy, "：")
    assert column == 19  # two spaces and pay_day_of_month before it
    assert problems(policy) == [
        f"{policy}:{line}:19: not valid YAML: a full-width '：' where YAML expects ':' "
        "(switch the input method to half-width)"
    ]


def test_a_full_width_colon_inside_braces_is_named_at_its_column(tmp_path: Path) -> None:
    # Inside {…} YAML reads "fine： 30" as one key; the message points at the colon.
    policy = edited_copy(tmp_path, CLAUSE_11, CLAUSE_11.replace("fine: 20", "fine： 30"))
    line, column = where(policy, "：")
    assert problems(policy) == [
        f"{policy}:{line}:{column}: penalties.items.11.fine： 30: a full-width '：' where "
        "YAML expects ':' (switch the input method to half-width)"
    ]


# --- every pydantic complaint in words, every message once ---------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("    pay_day_basis: abc", "pay.pay_day_basis: write a number, not 'abc'"),
        ("    pay_day_basis: 2026-11-01", "pay.pay_day_basis: write a number, not 2026-11-01"),
        ("    pay_day_of_month: 0", "pay.pay_day_of_month: must be 1 or more, not 0"),
        ("    pay_day_of_month: 5.5", "pay.pay_day_of_month: write a whole number, not 5.5"),
        (
            "    fines_cap: floating",
            "pay.fines_cap: write one of floating_wage, none, not 'floating'; "
            "did you mean 'floating_wage'?",
        ),
        (
            "    allowances: []",
            "pay.allowances: write its keys and values (key: value), not a list",
        ),
        (
            "    allowances: {transport: {label: 1}}",
            "pay.allowances.transport.label: write text (in quotes), not 1",
        ),
    ],
)
def test_pydantics_complaints_are_words_about_the_policy(
    tmp_path: Path, line: str, message: str
) -> None:
    policy = write(
        tmp_path / "policy.yaml", ["extends: customer_service.yaml", "override:", "  pay:", line]
    )
    (found,) = problems(policy)
    assert found.endswith(f": {message}"), found
    assert found.startswith(f"{policy}:4:")


def test_a_fine_is_a_number_or_a_range_and_one_message_says_which(tmp_path: Path) -> None:
    # fine: is a number or {min, max}: one message about the form written, not one per form.
    word = edited_copy(tmp_path, CLAUSE_11, CLAUSE_11.replace("fine: 20", "fine: twenty"))
    line, column = where(word, "twenty")
    assert problems(word) == [
        f"{word}:{line}:{column}: penalties.items.11.fine: write a number, or a range "
        "{min: …, max: …}, not 'twenty'"
    ]
    ranged = edited_copy(
        tmp_path, CLAUSE_11, CLAUSE_11.replace("fine: 20", "fine: {min: 20, mx: 40}")
    )
    line, column = where(ranged, "mx:")
    assert problems(ranged) == [
        f"{ranged}:{line}:{column}: penalties.items.11.fine.mx: unknown key 'mx' "
        "(did you mean 'max'?)"
    ]


def test_every_mistake_of_a_policy_is_reported_once(tmp_path: Path) -> None:
    policy = write(
        tmp_path / "policy.yaml",
        [
            "extends: customer_service_2027.yaml",
            "override:",
            "  pay:",
            "    pay_day_of_mont: 5",  # line 4
            "  penalties:",
            "    items:",
            '      "11": {fine: {2027-03-01: thirty}}',  # line 7
            "  attendance:",
            "    lateness:",
            "      tiers:",
            "        within_hr: {fine: {2027-03-01: 60}}",  # line 11
        ],
    )
    _, column = where(policy, "thirty")
    assert problems(policy) == [
        f"{policy}:4:5: pay.pay_day_of_mont: unknown key 'pay_day_of_mont' "
        "(did you mean 'pay_day_of_month'?)",
        f"{policy}:7:{column}: penalties.items.11.fine: write a number, or a range "
        "{min: …, max: …}, not 'thirty' (as in force from 2027-03-01)",
        f"{policy}:11:9: attendance.lateness.tiers.within_hr: unknown tier 'within_hr' "
        "(did you mean 'within_hour'?): a new tier is declared with all its fields, "
        "and this one lacks clause",
    ]
