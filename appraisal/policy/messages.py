"""What pydantic finds wrong with a policy, in words about the policy.

Part of the "resolve policy" stage: `appraisal.policy.loaded` checks the tree in force
on each date against `appraisal.policy.schema` and hands pydantic's errors here. An
HR analyst editing a policy reads each problem once, at the key or value it is about,
and never pydantic's own words ("Decimal input should be an integer, float, string or
Decimal object"):

- a misspelt key comes with the closest key valid at that place, and only there;
- a misspelt name of a tier, criterion, penalty … (a new entry that lacks fields, next
  to one of a close name) is "did you mean", not a new entry with its fields missing:
  only a new entry declared with all its fields is taken as new;
- a date written by hand (2026-11-1) is "a date is written YYYY-MM-DD; did you mean
  2026-11-01?";
- a number, a whole number, yes/no, text, a list, a choice, a date: each says what it
  expects and what it found;
- a union of a number and a range (`fine: 10` or `fine: {min: 50, max: 200}`) is one
  problem, about the form that was written, not one per form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from appraisal.domain.suggest import FULL_WIDTH, closest, date_meant
from appraisal.files.yamlfile import Path_, dotted, keys_at, models_at
from appraisal.i18n import N_, _

__all__ = ["Problem", "date_words", "policy_problems"]


@dataclass(frozen=True)
class Problem:
    """One problem of a policy: its place, its message, and whether it is about the key
    at that place (an unknown key, a misspelt name) rather than its value."""

    path: Path_
    message: str
    at_key: bool = False
    kind: str = ""  # pydantic's type of error, where one gave it
    offset: int = 0  # characters from the start of the key or value to the slip


# The parts of pydantic's locations that name a member of a union, not a key.
_SCALAR_TAGS = frozenset({"decimal", "int", "str", "bool", "date", "none", "float"})
_RANGE = "{min: …, max: …}"


def policy_problems(
    error: ValidationError, model: type[BaseModel], tree: Any, history: Any = None
) -> list[Problem]:
    """Every problem pydantic found in ``tree`` checked as a ``model``, each once, in words.

    ``history`` is the policy with every date's values (`PolicySource.tree`): a name is
    close to an entry in force on any date, not only on the day checked.
    """
    errors = error.errors()
    bad_dates = _malformed_date_keys(tree, ())
    found: list[Problem] = []
    for err in errors:
        loc = tuple(err["loc"])
        path, union, branch_is_model = _clean(loc)
        if union is not None:
            written = _at(tree, union)
            # Only the form that was written: a mapping is a range, anything else a number.
            if isinstance(written, Mapping) != branch_is_model:
                continue
        near = [p for p in bad_dates if path[: len(p) - 1] == p[:-1]]
        if near:
            found += [Problem(p, date_words(str(p[-1])), at_key=True) for p in near]
            continue
        words = _words(err, path, model, union)
        found.append(Problem(words.path, words.message, words.at_key, err["type"], words.offset))
    found = _near_misses(found, model, tree, history)
    unique: list[Problem] = []
    for problem in found:
        if problem not in unique:
            unique.append(problem)
    return unique


def date_words(written: str) -> str:
    """What to say about a date not written YYYY-MM-DD."""
    meant = date_meant(written)
    if meant:
        if meant == written:
            return _("a date is written YYYY-MM-DD without quotes: {meant}").format(meant=meant)
        return _("a date is written YYYY-MM-DD; did you mean {meant}?").format(meant=meant)
    if meant == "":
        return _("a date is written YYYY-MM-DD, and {written} is no date of the calendar").format(
            written=written
        )
    return _("a date is written YYYY-MM-DD, not {written}").format(written=_shown(written))


def _clean(loc: Path_) -> tuple[Path_, Path_ | None, bool]:
    """``loc`` without its union tags; where the union is; whether the member is a model."""
    path: list[Any] = []
    union: Path_ | None = None
    is_model = False
    for part in loc:
        if isinstance(part, str) and (
            part in _SCALAR_TAGS or "[" in part[:-1] or part[:1].isupper()
        ):
            if union is None:
                union, is_model = tuple(path), part not in _SCALAR_TAGS
            continue
        path.append(part)
    return tuple(path), union, is_model


def _words(err: Any, path: Path_, model: type[BaseModel], union: Path_ | None) -> Problem:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if path and path[-1] == "[key]":
        return Problem(
            path[:-1],
            _("the key {value} is not a name (write it in quotes)").format(value=_shown(value)),
        )
    if kind == "extra_forbidden":
        return _unknown_key(path, model)
    if kind == "missing":
        return Problem(path, _("missing"))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if value is None:
            return Problem(path, _("empty: give its values"))
        return Problem(
            path,
            _("write its keys and values (key: value), not {value}").format(value=_shown(value)),
        )
    if kind == "too_short":
        return Problem(path, _("empty: give at least one entry"))
    if kind.startswith("date"):
        return Problem(path, date_words(str(value)))
    if kind.startswith("decimal") or kind in ("finite_number", "float_parsing", "float_type"):
        if isinstance(value, str) and date_meant(value) is not None:
            return Problem(path, f"write a number, not a date ({value})")
        either = f"a number, or a range {_RANGE}" if union is not None else "a number"
        return Problem(path, f"write {either}, not {_shown(value)}")
    if kind.startswith("int"):
        return Problem(path, _("write a whole number, not {value}").format(value=_shown(value)))
    if kind.startswith("bool"):
        return Problem(path, _("write true or false, not {value}").format(value=_shown(value)))
    if kind.startswith("string_type"):
        return Problem(path, _("write text (in quotes), not {value}").format(value=_shown(value)))
    if kind == "string_too_short":
        return Problem(path, "empty: write a value")
    if kind == "list_type":
        return Problem(
            path, _("write a list such as [a, b], not {value}").format(value=_shown(value))
        )
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        match = closest(str(value), choices)
        hint = _("; did you mean {match!r}?").format(match=match) if match else ""
        return Problem(
            path,
            _("write one of {choices}, not {value}{hint}").format(
                choices=", ".join(choices), value=_shown(value), hint=hint
            ),
        )
    bounds = {
        "greater_than": N_("more than {gt}"),
        "greater_than_equal": N_("{ge} or more"),
        "less_than": N_("less than {lt}"),
        "less_than_equal": N_("{le} or less"),
    }
    if kind in bounds:
        return Problem(
            path,
            _("must be {bound}, not {value}").format(
                bound=_(bounds[kind]).format(**ctx), value=_shown(value)
            ),
        )
    return Problem(path, str(err["msg"]).removeprefix("Value error, "))


def _unknown_key(path: Path_, model: type[BaseModel]) -> Problem:
    word = str(path[-1])
    keys = keys_at(model, path[:-1])
    slips = [index for index, char in enumerate(word) if char in FULL_WIDTH]
    if slips:
        char = word[slips[0]]
        return Problem(
            path,
            _(
                "a full-width {char!r} where YAML expects {full_width!r} (switch the input method to half-width)"
            ).format(char=char, full_width=FULL_WIDTH[char]),
            at_key=True,
            offset=slips[0],
        )
    match = closest(word, keys)
    if match:
        return Problem(
            path,
            _("unknown key {word!r} (did you mean {match!r}?)").format(word=word, match=match),
            at_key=True,
        )
    return Problem(
        path,
        _("unknown key {word!r} (keys here: {keys})").format(
            word=word, keys=", ".join(sorted(keys))
        ),
        at_key=True,
    )


def _near_misses(
    found: list[Problem], model: type[BaseModel], tree: Any, history: Any
) -> list[Problem]:
    """A new entry of a mapping of names that lacks fields, beside an entry of a close
    name, is that name misspelt: one "did you mean" instead of its missing fields."""
    groups: dict[Path_, list[Problem]] = {}
    for problem in found:
        entry = _entry_of(problem, model, tree)
        if entry is not None:
            groups.setdefault(entry, []).append(problem)
    out: list[Problem] = []
    for problem in found:
        entry = _entry_of(problem, model, tree)
        if entry is None:
            out.append(problem)
            continue
        name = str(entry[-1])
        names = {str(k) for k in _at(tree, entry[:-1])}
        in_history = _at(history, entry[:-1])
        if isinstance(in_history, Mapping):
            names |= {str(k) for k in in_history}
        match = closest(name, names - {name})
        if match is None:
            out.append(problem)
        elif problem is groups[entry][0]:
            noun = _noun(models_at(model, entry)[0])
            lacks = [
                dotted(p.path[len(entry) :]) if p.kind == "missing" else p.message
                for p in groups[entry]
            ]
            out.append(
                Problem(
                    entry,
                    _(
                        "unknown {noun} {name!r} (did you mean {match!r}?): a new {noun} is declared with all its fields, and this one lacks {lacks}"
                    ).format(noun=noun, name=name, match=match, lacks=", ".join(lacks)),
                    at_key=True,
                )
            )
    return out


def _entry_of(problem: Problem, model: type[BaseModel], tree: Any) -> Path_ | None:
    """The entry of a mapping of names (a tier, a criterion …) the problem says is
    incomplete: a field of it missing, or its own check failed."""
    if problem.kind == "missing":
        entry = problem.path[:-1]
    elif problem.kind == "value_error":
        entry = problem.path
    else:
        return None
    if not entry or not isinstance(_at(tree, entry[:-1]), Mapping):
        return None
    if models_at(model, entry[:-1]) or not models_at(model, entry):
        return None  # a field of a section, not an entry of a mapping of names
    return entry


def _noun(found: type[BaseModel]) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", found.__name__).lower()


def _malformed_date_keys(tree: Any, path: Path_) -> list[Path_]:
    """The places of keys written as a date, but not YYYY-MM-DD (2026-11-1, "2026-11-01")."""
    found: list[Path_] = []
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            if isinstance(key, str) and date_meant(key) is not None:
                found.append((*path, key))
            found += _malformed_date_keys(value, (*path, key))
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            found += _malformed_date_keys(item, (*path, index))
    return found


def _at(tree: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(tree, Mapping):
            tree = tree.get(part)
        elif isinstance(tree, list) and isinstance(part, int) and 0 <= part < len(tree):
            tree = tree[part]
        else:
            return None
    return tree


def _shown(value: Any) -> str:
    """A value as the author wrote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, Decimal | int | date):
        return str(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    if isinstance(value, Mapping):
        return "a mapping (key: value)"
    if isinstance(value, list):
        return "a list"
    return repr(value)
