"""The JSON Schema of a policy file, for the policy author's editor.

Part of the "resolve policy" stage, for the people who write policies: generated from
the pydantic models of `appraisal.policy.schema` (so it never drifts from what the
loader accepts), then adapted to what a policy *file* may say beyond one day's values:

- every value may be dated, ``{YYYY-MM-DD: value, ...}`` (`appraisal.policy.source`);
- every rule may carry ``from:`` and ``until:`` dates;
- a file may ``extends:`` another and ``override:`` any part of it, every key optional;
  without ``extends`` every section is required, and ``override`` is not allowed;
- expressions are text, and each says the names it may use (`appraisal.policy.slots`)
  and whether it gives a number or yes/no.

The schema ships as ``appraisal/policy/policy.schema.json`` (a test keeps it equal to
`policy_schema_text`), and the shipped policies name it on their first line::

    # yaml-language-server: $schema=../appraisal/policy/policy.schema.json

so VS Code's YAML extension completes and checks a policy while it is written.
``appraisal policy-schema`` prints it; ``python -m appraisal.policy.jsonschema`` too.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from appraisal.policy.expr import NUMBER
from appraisal.policy.schema import PolicyDoc
from appraisal.policy.slots import SLOTS, YES_NO_NAMES

__all__ = ["DATE_PATTERN", "SCHEMA_FILE", "policy_schema", "policy_schema_text"]

#: The file the schema ships as, beside this module.
SCHEMA_FILE = "policy.schema.json"
#: A date as a policy writes it: YYYY-MM-DD.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

_DATE = {"type": "string", "pattern": DATE_PATTERN}
_RULE_DATES = {
    "from": {**_DATE, "description": "The date this rule comes into force (YYYY-MM-DD)."},
    "until": {**_DATE, "description": "The date this rule goes out of force (exclusive)."},
}
_EXPRESSION = (
    "An expression: + - * / ( ), comparisons (< <= == != >= >), and or not, min() max() "
    "abs(), `x if condition else y`; numbers in it are exact decimals."
)
_OVERRIDE = "Override"
_LOOKS_DATED = {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^[0-9]{4}-"}}
#: A number written as text, as the loader takes it ("21.75").
_NUMBER_TEXT = r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file."""
    generated = PolicyDoc.model_json_schema(ref_template="#/$defs/{model}")
    defs: dict[str, Any] = generated.pop("$defs")
    defs["PolicyDoc"] = generated
    _describe_expressions(defs)
    for name, model in defs.items():
        _dates_written(model)
        if name != "PolicyDoc" and "properties" in model:
            model["properties"].update(copy.deepcopy(_RULE_DATES))
        for key, value in model.get("properties", {}).items():
            if key not in _RULE_DATES:
                model["properties"][key] = _dated(value)
    for name in list(defs):
        partial = _retarget(copy.deepcopy(defs[name]))
        partial.pop("required", None)
        defs[name + _OVERRIDE] = partial
    doc = defs.pop("PolicyDoc")
    defs.pop("PolicyDoc" + _OVERRIDE)  # the override is written out in place
    override = doc["properties"]
    required = doc.pop("required")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "appraisal policy",
        "description": (
            "A policy of appraisal (绩效考核制度): the scheme as data. Any value may be "
            "written {YYYY-MM-DD: value, ...}; a month is evaluated with the values in force "
            "on its first day. `appraisal check-policy FILE` checks it and lists what it says."
        ),
        "type": "object",
        "properties": {
            "extends": {
                "type": "string",
                "description": (
                    "The policy this one changes: a file in this file's folder, or a shipped "
                    "policy by name (customer_service.yaml)."
                ),
            },
            **copy.deepcopy(doc["properties"]),
            "override": {
                "type": "object",
                "description": (
                    "What changes in the policy extended: any part of it, every key optional. "
                    "A dated value adds to the history of the value it overrides."
                ),
                "properties": _retarget(copy.deepcopy(override)),
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
        "if": {"required": ["extends"]},
        "else": {"required": required},
        "dependentRequired": {"override": ["extends"]},
        "$defs": dict(sorted(defs.items())),
    }


def policy_schema_text() -> str:
    """The schema as `appraisal policy-schema` prints it and the shipped file holds it."""
    return json.dumps(policy_schema(), ensure_ascii=False, indent=1) + "\n"


def _dated(value: dict[str, Any]) -> dict[str, Any]:
    """A property's schema, or the same value written as a dated history: a mapping
    whose keys start as a date does ({2026-11-1: 30} is a date mistyped, not a name)."""
    words: dict[str, Any] = {k: value[k] for k in ("description", "default") if k in value}
    plain = {key: item for key, item in value.items() if key not in words}
    history = {
        "type": "object",
        "propertyNames": {"pattern": DATE_PATTERN},
        "additionalProperties": copy.deepcopy(plain),
    }
    return {**words, "if": _LOOKS_DATED, "then": history, "else": plain}


def _dates_written(schema: Any) -> None:
    """Every ``format: date`` also checked by its pattern (a format is only a hint), and
    no title pydantic made of a field's name ("Pay Day Basis"): the key says it."""
    if isinstance(schema, dict):
        if schema.get("format") == "date":
            schema["pattern"] = DATE_PATTERN
        members = schema.get("anyOf", [])
        if any(m.get("type") == "number" for m in members):
            # pydantic lets a Decimal be text; only the text of a number.
            for member in members:
                if member.get("type") == "string" and "pattern" not in member:
                    member["pattern"] = _NUMBER_TEXT
        if isinstance(schema.get("title"), str) and "properties" not in schema:
            del schema["title"]
        for value in schema.values():
            _dates_written(value)
    elif isinstance(schema, list):
        for item in schema:
            _dates_written(item)


def _retarget(schema: Any) -> Any:
    """References to a model turned to references to its override (every key optional)."""
    if isinstance(schema, dict):
        return {
            key: (value + _OVERRIDE if key == "$ref" else _retarget(value))
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_retarget(item) for item in schema]
    return schema


def _describe_expressions(defs: dict[str, Any]) -> None:
    for slot in SLOTS:
        *parents, last = slot.pattern
        schema = defs["PolicyDoc"]
        for part in parents:
            schema = _step(defs, schema, part)
        prop = _resolved(defs, schema)["properties"][last]
        names = (
            "the metrics of score.metrics (csat, fcr …)"
            if slot.names is None
            else ", ".join(
                f"{name} (yes/no)" if name in YES_NO_NAMES else name for name in sorted(slot.names)
            )
        )
        gives = "a number (yuan)" if slot.result == NUMBER else "yes/no"
        prop["description"] = f"{_EXPRESSION} Gives {gives}. Names: {names}."


def _step(defs: dict[str, Any], schema: dict[str, Any], part: str) -> dict[str, Any]:
    """The schema one key further down."""
    schema = _resolved(defs, schema)
    found: dict[str, Any] = (
        schema["additionalProperties"] if part == "*" else schema["properties"][part]
    )
    return found


def _resolved(defs: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, through references and optional (null) unions."""
    while "$ref" in schema or "anyOf" in schema:
        if "$ref" in schema:
            schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
        else:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
    return schema


if __name__ == "__main__":  # python -m appraisal.policy.jsonschema > policy.schema.json
    print(policy_schema_text(), end="")
