"""One YAML reader for policies and import profiles: the line of every value, and
pydantic's complaints as ``file:line: message``, each kind of file worded as before."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, field_validator

from appraisal.domain.model import Issue
from appraisal.files.yamlfile import YamlKind, field_names, keys_at, read_yaml, validate
from appraisal.policy.source import POLICY_YAML
from appraisal.read.imports.catalog import PROFILE_YAML

SHIFT = """\
name: 早班
grace:
  late_minutes: 5
  fine: 10.50
clauses:
  "13": 迟到
"""


class Grace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    late_minutes: int
    fine: Decimal

    @field_validator("late_minutes")
    @classmethod
    def _within_the_hour(cls, minutes: int) -> int:
        if minutes > 60:
            raise ValueError("at most 60")
        return minutes


class Shift(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    grace: Grace
    clauses: dict[str, str] = {}


def problems(text: str, kind: YamlKind) -> list[Issue]:
    tree, issues = read_yaml(text, "shift.yaml", kind)
    if tree is None:
        return issues
    shift, issues = validate(Shift, tree, kind)
    assert (shift is None) == bool(issues)
    return issues


def test_fractions_are_exact_decimals_and_every_value_has_its_line() -> None:
    tree, issues = read_yaml(SHIFT, "shift.yaml", PROFILE_YAML)
    assert issues == []
    assert tree is not None
    assert tree.value["grace"]["fine"] == Decimal("10.50")
    assert tree.lines[("grace", "fine")] == 4
    assert tree.line_of(("grace", "fine", "deeper")) == 4  # the nearest enclosing value
    assert tree.line_of(("nowhere",)) == 1


def test_a_bare_number_key_is_text_in_a_policy_and_a_number_in_a_profile() -> None:
    bare = SHIFT.replace('"13":', "13:")
    policy, _ = read_yaml(bare, "shift.yaml", POLICY_YAML)
    profile, _ = read_yaml(bare, "shift.yaml", PROFILE_YAML)
    assert policy is not None and profile is not None
    assert policy.value["clauses"] == {"13": "迟到"}
    assert profile.value["clauses"] == {13: "迟到"}
    assert problems(bare, POLICY_YAML) == []
    assert problems(bare, PROFILE_YAML) == [
        Issue("shift.yaml", 6, None, "clauses.13.[key]: Input should be a valid string")
    ]


def test_a_policy_points_at_a_sections_first_entry_a_profile_at_its_key() -> None:
    missing_fine = SHIFT.replace("  fine: 10.50\n", "")
    assert problems(missing_fine, POLICY_YAML) == [
        Issue("shift.yaml", 3, None, "grace.fine: missing")
    ]
    assert problems(missing_fine, PROFILE_YAML) == [
        Issue("shift.yaml", 2, None, "grace.fine: missing")
    ]


def test_a_misspelt_key_comes_with_the_closest_known_key_of_any_depth() -> None:
    typo = SHIFT.replace("late_minutes", "late_minuts")
    assert problems(typo, PROFILE_YAML) == [
        Issue("shift.yaml", 2, None, "grace.late_minutes: missing"),
        Issue(
            "shift.yaml",
            3,
            None,
            "grace.late_minuts: unknown key 'late_minuts' (did you mean 'late_minutes'?)",
        ),
    ]
    assert field_names(Shift) == {"name", "grace", "clauses", "late_minutes", "fine"}


def test_a_validators_message_comes_without_pydantics_prefix() -> None:
    late = SHIFT.replace("late_minutes: 5", "late_minutes: 90")
    assert [i.message for i in problems(late, POLICY_YAML)] == ["grace.late_minutes: at most 60"]
    assert [i.message for i in problems(late, PROFILE_YAML)] == ["grace.late_minutes: at most 60"]


def test_a_misspelt_key_is_matched_only_against_the_keys_valid_at_its_place() -> None:
    # "name" is a key of the top, not of grace: at grace, nothing is close enough.
    misplaced = SHIFT.replace("  fine: 10.50", "  fine: 10.50\n  names: x")
    assert [i.message for i in problems(misplaced, PROFILE_YAML)] == [
        "grace.names: unknown key 'names'"
    ]
    # The same word at the top is "name" misspelt.
    assert [i.message for i in problems(SHIFT + "names: x\n", PROFILE_YAML)] == [
        "names: unknown key 'names' (did you mean 'name'?)"
    ]
    assert keys_at(Shift, ("grace",)) == {"late_minutes", "fine"}
    assert keys_at(Shift, ()) == {"name", "grace", "clauses"}


def test_a_policy_names_the_column_of_each_problem_a_profile_only_the_line() -> None:
    tree, issues = read_yaml(SHIFT, "shift.yaml", POLICY_YAML)
    assert issues == [] and tree is not None
    assert tree.marks[("grace", "fine")] == (4, 9)  # "  fine: 10.50": the value
    assert tree.keys[("grace", "fine")] == (4, 3)  # and its key
    full_width = SHIFT.replace("name: 早班", "name： 早班")
    assert problems(full_width, POLICY_YAML) == [
        Issue(
            "shift.yaml",
            1,
            "5",
            "not valid YAML: a full-width '：' where YAML expects ':' "
            "(switch the input method to half-width)",
        )
    ]
    assert [(i.row, i.column) for i in problems(full_width, PROFILE_YAML)] == [(1, None)]


def test_a_policy_names_every_key_given_twice_a_profile_the_first() -> None:
    twice = SHIFT + "name: 晚班\ngrace: {}\n"
    assert problems(twice, POLICY_YAML) == [
        Issue("shift.yaml", 7, "1", "duplicate key 'name'"),
        Issue("shift.yaml", 8, "1", "duplicate key 'grace'"),
    ]
    assert problems(twice, PROFILE_YAML) == [Issue("shift.yaml", 7, None, "key 'name' given twice")]


def test_text_that_is_not_a_mapping_of_keys_is_worded_for_its_kind() -> None:
    assert problems("", POLICY_YAML) == [Issue("shift.yaml", 1, None, "the policy file is empty")]
    assert problems("# nothing\n", PROFILE_YAML) == [
        Issue("shift.yaml", 1, None, "the file is empty")
    ]
    assert problems("- 早班\n", PROFILE_YAML) == [
        Issue("shift.yaml", 1, None, "a profile must be a mapping of keys")
    ]
    assert problems("name: [早班\n", POLICY_YAML) == [
        Issue("shift.yaml", 2, "1", "not valid YAML: expected ',' or ']', but got '<stream end>'")
    ]
