"""YAML with the line of every value, and pydantic's complaints as ``file:line: message``.

Below the stages that are configured by YAML files: the policy stage
(`appraisal.policy.source`, `appraisal.policy.loaded`) and the attendance imports of the
read stage (`appraisal.read.imports.catalog`) read their files with `read_yaml`, check
them with pydantic, and turn what pydantic rejects into `Issue`s with `model_problems`
or `validate`. Numbers with a fraction become Decimal, never float, like every other
number of the engine.

The files may come from anyone, so the reader has limits a hostile file cannot pass:
no tags (``!!python/object``, ``!anything``: plain values only), at most `MAX_ALIASES`
aliases and `MAX_VALUES` values once they are expanded (a 1 KB "billion laughs" is
refused in milliseconds), at most `MAX_DEPTH` levels of nesting, and no alias inside
the value it names. A control character, an impossible date (2026-02-30) or a number
Python cannot hold is a message naming the line, never a traceback.

Policies and profiles each had their own copy of this code, and users know the messages
each gave. The ways the two kinds of file still differ are the fields of a `YamlKind`,
so every message stays as it was and the differences are in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from appraisal.domain.model import Issue
from appraisal.domain.suggest import closest
from appraisal.files.yamlnodes import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_VALUES,
    Builder,
    FirstProblem,
    Path_,
    Refused,
    YamlKind,
    compose,
    syntax_issue,
)
from appraisal.i18n import _

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Path_",
    "YamlKind",
    "YamlTree",
    "dotted",
    "field_names",
    "keys_at",
    "model_problems",
    "models_at",
    "read_yaml",
    "validate",
]

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class YamlTree:
    """A YAML mapping read into plain values, and the line each value is found on."""

    file: str  # as messages name it
    value: dict[Any, Any]
    lines: dict[Path_, int]
    #: The line and column (from 1) where each value starts, and where each key is.
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line:
                return line
        return 1


def read_yaml(text: str, file: str, kind: YamlKind) -> tuple[YamlTree | None, list[Issue]]:
    """The mapping ``text`` holds with the line of each value, or None and what is wrong.

    ``file`` names the file in the issues, as the user would type it.
    """
    try:
        node = compose(text)
    except Refused as refused:
        column = refused.column
        # Without a column of its own, a control character still names where it is.
        at = f" at column {column}" if refused.detail and not kind.columns else ""
        shown_column = str(column) if column and kind.columns else None
        message = f"{refused.message}{at}{refused.detail}"
        return None, [Issue(file, refused.line, shown_column, message)]
    except yaml.YAMLError as error:
        return None, [syntax_issue(error, text, file, kind)]
    if node is None:
        return None, [Issue(file, 1, None, _(kind.empty))]
    builder = Builder(file, kind)
    try:
        value = builder.build(node, ())
    except FirstProblem:
        return None, builder.problems
    if builder.problems:
        return None, builder.problems
    if not isinstance(value, dict):
        return None, [Issue(file, 1, None, _(kind.not_a_mapping))]
    return YamlTree(file, value, builder.lines, builder.marks, builder.keys), []


def validate(
    model: type[Model], tree: YamlTree, kind: YamlKind
) -> tuple[Model | None, list[Issue]]:
    """``tree`` checked as a ``model``, or None and every problem, in line order."""
    try:
        return model.model_validate(tree.value), []
    except ValidationError as error:
        issues = {
            Issue(tree.file, tree.line_of(path), None, f"{dotted(path)}: {message}")
            for path, message in model_problems(error, model, kind)
        }
        return None, sorted(issues, key=lambda i: (i.row or 0, i.message))


def model_problems(
    error: ValidationError, model: type[BaseModel], kind: YamlKind
) -> list[tuple[Path_, str]]:
    """What pydantic found wrong with a ``model``: each problem's place, and its message.

    A misspelt key comes with the closest of the keys valid at its place.
    """
    problems: list[tuple[Path_, str]] = []
    for err in error.errors():
        path = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            word = str(path[-1])
            match = closest(word, keys_at(model, path[:-1]))
            hint = _(" (did you mean {match!r}?)").format(match=match) if match else ""
            problems.append((path, _("unknown key {word!r}{hint}").format(word=word, hint=hint)))
        elif err["type"] == "missing":
            problems.append((path, _("missing")))
        elif err["type"] in _EXPECTS_A_MAPPING and err.get("input", "") is None:
            problems.append((path, _("empty: give its values")))
        elif kind.value_error_prefix:
            problems.append((path, str(err["msg"])))
        else:
            problems.append((path, str(err["msg"]).removeprefix("Value error, ")))
    return problems


def dotted(path: Path_) -> str:
    """A place in a document as messages name it: ``columns.2.event``, ``(top)``."""
    return ".".join(str(p) for p in path) or "(top)"


@cache
def field_names(model: type[BaseModel]) -> frozenset[str]:
    """Every field name of ``model`` and of the models its fields hold, at any depth."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(current: type[BaseModel]) -> None:
        if current in seen:
            return
        seen.add(current)
        for name, info in current.model_fields.items():
            names.add(name)
            for inner in _models_in(info.annotation):
                walk(inner)

    walk(model)
    return frozenset(names)


def keys_at(model: type[BaseModel], loc: Path_) -> frozenset[str]:
    """The keys a mapping at ``loc`` may hold: the fields of the models that may stand there."""
    return frozenset(name for found in models_at(model, loc) for name in found.model_fields)


def models_at(model: type[BaseModel], loc: Path_) -> list[type[BaseModel]]:
    """The models that may stand at ``loc`` (a place as pydantic names it, union tags
    and all) in a ``model``: ``("pay", "allowances", "transport")`` → [Allowance]."""
    current: list[Any] = [model]
    for part in loc:
        members = [m for a in current for m in _members(a)]
        if isinstance(part, str) and ("[" in part or part[:1].isupper() or part in _TAGS):
            # A union member's tag ("function-after[_ordered(), Range]"): keep that member.
            named = [m for m in members if getattr(m, "__name__", "") in part]
            current = named or members
            continue
        current = []
        for member in members:
            if isinstance(member, type) and issubclass(member, BaseModel):
                if part in member.model_fields:
                    current.append(member.model_fields[part].annotation)
            elif get_origin(member) in (dict, list):
                current.append(get_args(member)[-1])
    members = [m for a in current for m in _members(a)]
    return [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]


_TAGS = frozenset({"decimal", "int", "str", "bool", "date", "none", "float"})


def _members(annotation: Any) -> list[Any]:
    """An annotation without ``Annotated`` and ``None``, a union as its members."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names: ``dict[str, Level] | None`` → [Level]."""
    found: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            found.append(current)
        stack.extend(getattr(current, "__args__", ()) or ())
        stack.extend(
            getattr(current, "__metadata__", ()) and [getattr(current, "__origin__", None)]
        )
    return found


_EXPECTS_A_MAPPING = frozenset({"model_type", "dict_type", "model_attributes_type"})
