"""The policy author's editor (issue 14, item 3): a JSON Schema of policy files.

The schema is generated from the policy models (`appraisal.policy.jsonschema`), ships
beside them, and the shipped policies name it on their first line, so VS Code's YAML
extension completes and checks a policy as it is written. An editor cannot run here, so
these tests do what it does: read the YAML as text and numbers (dates as text, as the
YAML language server reads them) and validate it with the `jsonschema` library. A broken
policy fails the schema at the same place the loader reports.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from appraisal import PolicyError, load_policy
from appraisal.files.yamlfile import read_yaml
from appraisal.policy.jsonschema import SCHEMA_FILE, policy_schema, policy_schema_text
from appraisal.policy.source import POLICY_YAML

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "policies").glob("*.yaml"))
TEST_POLICIES = sorted((ROOT / "tests" / "cases" / "policies").glob("*.yaml"))
SHIPPED_SCHEMA = ROOT / "appraisal" / "policy" / SCHEMA_FILE
SHIPPED_POLICY = ROOT / "policies" / "customer_service.yaml"
HEADER = "# yaml-language-server: $schema=../appraisal/policy/policy.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(policy_schema())


def as_an_editor_reads(text: str) -> Any:
    tree, issues = read_yaml(text, "policy.yaml", POLICY_YAML)
    assert tree is not None, issues

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(plain(key)): plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, date) else value

    return plain(tree.value)


def deepest_errors(document: Any) -> list[tuple[str, str]]:
    """Each schema error, at the deepest place one of its alternatives reached (an
    editor shows that one), as (dotted place, message)."""

    def leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
        inner = [leaf for sub in error.context or [] for leaf in leaves(sub)]
        return inner or [error]

    found = []
    for error in VALIDATOR.iter_errors(document):
        deepest = max(leaves(error), key=lambda e: (len(e.absolute_path), e.validator != "type"))
        found.append((".".join(str(p) for p in deepest.absolute_path), deepest.message))
    return found


def test_the_shipped_schema_is_the_one_the_models_give() -> None:
    assert SHIPPED_SCHEMA.read_text(encoding="utf-8") == policy_schema_text(), (
        "regenerate it: python -m appraisal.policy.jsonschema > appraisal/policy/policy.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(policy_schema_text()))


@pytest.mark.parametrize("policy", SHIPPED, ids=lambda p: p.name)
def test_each_shipped_policy_names_the_schema_on_its_first_line(policy: Path) -> None:
    first = policy.read_text(encoding="utf-8").splitlines()[0]
    assert first == HEADER
    # The path is relative to the policy, so it works in a clone.
    assert (policy.parent / first.split("$schema=")[1]).resolve() == SHIPPED_SCHEMA.resolve()


@pytest.mark.parametrize("policy", SHIPPED + TEST_POLICIES, ids=lambda p: p.name)
def test_every_shipped_and_test_policy_is_valid_under_the_schema(policy: Path) -> None:
    load_policy(policy)  # the loader takes it …
    assert (
        deepest_errors(as_an_editor_reads(policy.read_text(encoding="utf-8"))) == []
    )  # … so does the schema


CLAUSE_11 = (
    '"11": {clause: "处罚 11", title: 值日不及时或者不实行 (20元/次，扣5分), fine: 20, points: 5}'
)


@pytest.mark.parametrize(
    ("old", "new", "place", "schema_says"),
    [
        (
            "  pay_day_of_month: 5",
            "  pay_day_of_mont: 5",
            "pay",
            "Additional properties are not allowed ('pay_day_of_mont' was unexpected)",
        ),
        (
            CLAUSE_11,
            CLAUSE_11.replace("fine: 20", "fine: {2026-11-1: 30}"),
            "penalties.items.11.fine",
            "'2026-11-1' does not match '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
        ),
        (
            "intern: {title: 实习客服, base: 700,",
            "intern: {title: 实习客服, base: seven hundred,",
            "ladder.tracks.management.levels.intern.base",
            "'seven hundred' does not match",
        ),
    ],
    ids=["misspelt key", "date 2026-11-1", "text for a number"],
)
def test_a_broken_policy_fails_the_schema_where_the_loader_reports(
    tmp_path: Path, old: str, new: str, place: str, schema_says: str
) -> None:
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    assert text.count(old) == 1
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(policy)
    (issue,) = raised.value.issues
    ((schema_place, message),) = deepest_errors(as_an_editor_reads(policy.read_text("utf-8")))
    assert schema_says in message
    # The loader names the same place (the key or date it is about, one step further).
    assert issue.message.startswith(schema_place + ".") or issue.message.startswith(
        schema_place + ":"
    ), (issue.message, schema_place)
    assert place == schema_place


def test_a_policy_that_extends_gives_only_what_it_changes(tmp_path: Path) -> None:
    extending = "extends: customer_service.yaml\nid: x\noverride:\n  pay: {pay_day_of_month: 6}\n"
    assert deepest_errors(as_an_editor_reads(extending)) == []
    # Without extends every section is needed, and override means nothing.
    alone = extending.replace("extends: customer_service.yaml\n", "")
    found = deepest_errors(as_an_editor_reads(alone))
    assert any("'ladder' is a required property" in message for _, message in found)
    assert any("'extends' is a dependency of 'override'" in message for _, message in found)
    # An override is checked too: a misspelt key in it is found.
    typo = extending.replace("pay_day_of_month", "pay_day_of_mont")
    assert [place for place, _ in deepest_errors(as_an_editor_reads(typo))] == ["override.pay"]


def test_expressions_say_the_names_they_may_use_and_what_they_give() -> None:
    defs = policy_schema()["$defs"]
    floating = defs["Pay"]["properties"]["floating_formula"]["description"]
    assert "Gives a number (yuan)" in floating
    assert "Names: add, base, deduct_left, floating, pay_day_basis, score." in floating
    eligible = defs["MonthlyAward"]["properties"]["eligible"]["description"]
    assert "Gives yes/no" in eligible and "dismissed (yes/no)" in eligible
    when = defs["Criterion"]["properties"]["when"]["description"]
    assert "the metrics of score.metrics" in when


def test_every_rule_may_carry_from_and_until_and_any_value_may_be_dated() -> None:
    defs = policy_schema()["$defs"]
    assert {"from", "until"} <= set(defs["Tier"]["properties"])
    fine = defs["Tier"]["properties"]["fine"]
    dated = as_an_editor_reads("x: {2027-01-01: 20, 2027-06-01: 25}")["x"]
    assert jsonschema.Draft202012Validator(fine).is_valid(dated)
    assert not jsonschema.Draft202012Validator(fine).is_valid({"2027-1-1": 20})
    assert not jsonschema.Draft202012Validator(fine).is_valid("twenty")
