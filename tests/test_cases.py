"""Hand-worked cases of the scheme (tests/cases/*.yaml), run through the Python API.

Each case names the rule of the rulebook it covers (`rule:`), a month, a roster, the
month's events and, optionally, a policy (a file of tests/cases/policies/ or policies/)
and the state carried in from earlier months. It expects either figures per employee
(only the fields listed are compared) or input errors (`expect_errors`: substrings of
the reported ``file:row:column: message`` problems). Every expected figure is worked by
hand from scheme.md and docs/semantics.md, with the arithmetic in a `# worked:` comment;
an expectation is never copied from the program's output.

Values are handed to the engine as text, as a CSV cell would hold them. An item of
`events` may itself be a list (a YAML anchor of a file's `fixtures:`); it is spliced in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import yaml

import appraisal
from appraisal import read
from appraisal.domain import results

CASES_DIR = Path(__file__).parent / "cases"
CASE_POLICIES = CASES_DIR / "policies"
SHIPPED_POLICIES = Path(__file__).resolve().parent.parent / "policies"

ROSTER_COLUMNS = read.ROSTER_COLUMNS
EVENT_COLUMNS = read.EVENT_COLUMNS
CASE_KEYS = {"name", "rule", "month", "policy", "state", "roster", "events"}
EXPECT_FIELDS = {
    "level",
    "score",
    "pay",
    "next_level",
    "dismissal",
    "demotion_reasons",
    "dismissal_reasons",
    "compliance",
}
SCORE_FIELDS = ("add", "deduct_left", "total")
PAY_FIELDS = (*results.PAY_FIELDS, "gross")
SET_FIELDS = ("demotion_reasons", "dismissal_reasons")
MONEY = re.compile(r"^-?\d+\.\d\d$")


# --- reading the case files ------------------------------------------------------------


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, case in enumerate(document.get("cases") or []):
            name = case.get("name", f"case {index + 1}") if isinstance(case, dict) else index
            params.append(pytest.param(path.name, case, id=f"{path.stem}/{name}"))
    return params


CASES = _load_cases()


def _cell(value: Any) -> str:
    """A YAML value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(f"a bare YAML boolean ({value}) in a case: quote it")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(_cell(item) for item in value)
    return str(value)


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items or []:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _roster_rows(case: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for row in case.get("roster") or []:
        cells = {column: _cell(row.get(column)) for column in ROSTER_COLUMNS}
        cells.update({str(k): _cell(v) for k, v in row.items() if k not in ROSTER_COLUMNS})
        rows.append(cells)
    return rows


def _event_rows(case: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for row in _flatten(case.get("events") or []):
        cells = {column: _cell(row.get(column)) for column in EVENT_COLUMNS}
        cells.update({str(k): _cell(v) for k, v in row.items() if k not in EVENT_COLUMNS})
        rows.append(cells)
    return rows


def _policy_path(case: Mapping[str, Any]) -> str | None:
    name = case.get("policy")
    if not name:
        return None
    for folder in (CASE_POLICIES, SHIPPED_POLICIES):
        if (folder / name).is_file():
            return str(folder / name)
    raise FileNotFoundError(f"policy {name!r} is in neither {CASE_POLICIES} nor {SHIPPED_POLICIES}")


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


# --- the cases themselves must be well formed ------------------------------------------


def _shape_problems(case: Any) -> list[str]:
    """What is wrong with a case as written (so that a typo cannot make a test pass)."""
    if not isinstance(case, dict):
        return ["a case must be a mapping"]
    problems = []
    for key in ("name", "rule", "month", "roster"):
        if not case.get(key) and key != "roster":
            problems.append(f"missing {key!r}")
    if "roster" not in case:
        problems.append("missing 'roster'")
    outcomes = [key for key in ("expect", "expect_errors") if key in case]
    if len(outcomes) != 1:
        problems.append("give exactly one of 'expect' and 'expect_errors'")
    unknown = set(case) - CASE_KEYS - {"expect", "expect_errors"}
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    if not re.fullmatch(r"\d{4}-\d{2}", str(case.get("month", ""))):
        problems.append(f"month must be YYYY-MM, got {case.get('month')!r}")
    try:
        _policy_path(case)
    except FileNotFoundError as error:
        problems.append(str(error))
    roster_ids = [row.get("employee_id") for row in case.get("roster") or []]
    if len(set(roster_ids)) != len(roster_ids):
        problems.append("an employee_id appears twice in the roster")
    try:
        _roster_rows(case)
        _event_rows(case)
    except TypeError as error:
        problems.append(str(error))
    if "expect_errors" in case:
        errors = case["expect_errors"]
        if not errors or not all(isinstance(e, str) and e for e in errors):
            problems.append("expect_errors must be a non-empty list of strings")
        return problems
    expect = case.get("expect")
    if not isinstance(expect, dict) or not expect:
        return [*problems, "expect must map employee ids to expected fields"]
    for employee, fields in expect.items():
        if employee not in roster_ids:
            problems.append(f"{employee}: not in the roster")
        if not isinstance(fields, dict) or not fields:
            problems.append(f"{employee}: no fields to compare")
            continue
        unknown_fields = set(fields) - EXPECT_FIELDS
        if unknown_fields:
            problems.append(f"{employee}: unknown fields {sorted(unknown_fields)}")
        for key, value in (fields.get("score") or {}).items():
            if key not in SCORE_FIELDS or isinstance(value, bool) or _decimal(value) is None:
                problems.append(f"{employee}: score.{key}: {value!r}")
        for key, value in (fields.get("pay") or {}).items():
            if key not in PAY_FIELDS:
                problems.append(f"{employee}: unknown pay field {key!r}")
            elif not (isinstance(value, str) and MONEY.match(value)):
                problems.append(f'{employee}: pay.{key} must be a quoted "0.00" string: {value!r}')
        for key in (*SET_FIELDS, "compliance"):
            if key in fields and not isinstance(fields[key], list):
                problems.append(f"{employee}: {key} must be a list")
        if "dismissal" in fields and not isinstance(fields["dismissal"], bool):
            problems.append(f"{employee}: dismissal must be true or false")
    return problems


def test_case_files_are_well_formed() -> None:
    assert CASES, f"no cases found in {CASES_DIR}"
    problems = []
    seen: dict[str, str] = {}
    for param in CASES:
        file, case = param.values
        name = case.get("name") if isinstance(case, dict) else None
        where = f"{file}: {name!r}"
        if name in seen:
            problems.append(f"{where}: the name is used twice (also in {seen[name]})")
        seen.setdefault(str(name), file)
        problems.extend(f"{where}: {problem}" for problem in _shape_problems(case))
    assert not problems, "\n".join(problems)


# --- running a case ------------------------------------------------------------------------


def _api(name: str) -> Any:
    found = getattr(appraisal, name, None)
    if found is None:
        pytest.fail(f"appraisal.{name} does not exist (yet)")
    return found


def _evaluate(case: Mapping[str, Any]) -> Any:
    evaluate_rows = _api("evaluate_rows")
    return evaluate_rows(
        str(case["month"]),
        _roster_rows(case),
        _event_rows(case),
        policy=_policy_path(case),
        state=case.get("state"),
    )


def _compare(
    name: str, employee: str, expected: Mapping[str, Any], got: Mapping[str, Any]
) -> list[str]:
    def differ(field: str, want: Any, have: Any) -> str:
        return f"[{name}] {employee} {field}: expected {want!r}, got {have!r}"

    problems = []
    if "level" in expected and got.get("level") != expected["level"]:
        problems.append(differ("level", expected["level"], got.get("level")))
    for key, want in (expected.get("score") or {}).items():
        have = (got.get("score") or {}).get(key)
        if _decimal(have) != _decimal(want):
            problems.append(differ(f"score.{key}", want, have))
    for key, want in (expected.get("pay") or {}).items():
        have = (got.get("pay") or {}).get(key)
        if have is None or _decimal(have) != Decimal(want):
            problems.append(differ(f"pay.{key}", want, have))
    if "next_level" in expected and got.get("next_level") != expected["next_level"]:
        problems.append(differ("next_level", expected["next_level"], got.get("next_level")))
    if "dismissal" in expected and got.get("dismissal") != expected["dismissal"]:
        problems.append(differ("dismissal", expected["dismissal"], got.get("dismissal")))
    for key in SET_FIELDS:
        if key in expected:
            want_set, have_list = set(expected[key]), got.get(key)
            if not isinstance(have_list, list) or set(have_list) != want_set:
                problems.append(differ(key, sorted(want_set), have_list))
    if "compliance" in expected:
        have_rules = Counter(
            item.get("rule") if isinstance(item, Mapping) else item
            for item in got.get("compliance") or []
        )
        if have_rules != Counter(expected["compliance"]):
            want = sorted(expected["compliance"])
            problems.append(differ("compliance", want, sorted(map(str, have_rules.elements()))))
    return problems


@pytest.mark.parametrize(("file", "case"), CASES)
def test_case(file: str, case: dict[str, Any]) -> None:
    shape = _shape_problems(case)
    assert not shape, f"{file}: malformed case: {shape}"
    name = f"{file}: {case['name']}"
    input_error = _api("InputError")
    if "expect_errors" in case:
        with pytest.raises(input_error) as raised:
            _evaluate(case)
        reported = [str(issue) for issue in raised.value.issues]
        missing = [e for e in case["expect_errors"] if not any(e in r for r in reported)]
        assert not missing, (
            f"[{name}] expected problems {missing} not reported; reported: {reported}"
        )
        return
    try:
        results = _evaluate(case)
    except input_error as error:
        issues = [str(issue) for issue in error.issues]
        pytest.fail(f"[{name}] the input was refused: {issues}")
    by_id = {row.get("employee_id"): row for row in results["employees"]}
    problems = []
    for employee, expected in case["expect"].items():
        if employee not in by_id:
            problems.append(f"[{name}] {employee}: not in the results")
            continue
        problems.extend(_compare(name, employee, expected, by_id[employee]))
    assert not problems, "\n".join(problems)
