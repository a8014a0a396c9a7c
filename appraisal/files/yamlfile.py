"""YAML with the line of every value, and pydantic's complaints as ``file:line: message``.

Below the stages that are configured by YAML files: the policy stage
(`appraisal.policy.source`, `appraisal.policy.loaded`) and the attendance imports of the
read stage (`appraisal.read.imports.catalog`) read their files with `read_yaml`, check
them with pydantic, and turn what pydantic rejects into `Issue`s with `model_problems`
or `validate`. Numbers with a fraction become Decimal, never float, like every other
number of the engine.

Policies and profiles each had their own copy of this code, and users know the messages
each gave. The ways the two kinds of file still differ are the fields of a `YamlKind`,
so every message stays as it was and the differences are in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from appraisal.domain.model import Issue
from appraisal.domain.suggest import closest

__all__ = [
    "Path_",
    "YamlKind",
    "YamlTree",
    "dotted",
    "field_names",
    "model_problems",
    "read_yaml",
    "validate",
]

#: A value's place in a document: ``("columns", 2, "event")``; ``()`` is the whole.
Path_ = tuple[Any, ...]

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class YamlKind:
    """How one kind of YAML file (a policy, an import profile) is read and worded."""

    #: The message for a file with no YAML document in it.
    empty: str
    #: The message for a document that is not a mapping.
    not_a_mapping: str
    #: The message for a key given twice in one mapping; ``{key!r}`` is filled in.
    duplicate_key: str
    #: Report every key given twice (True), or only the first.
    every_duplicate: bool
    #: A bare integer key is the text of its digits: ``13:`` and ``"13":`` are one key.
    integer_keys_as_text: bool
    #: A problem with a mapping entry points at its key's line (True), or at the first
    #: line of its value, which for a nested section is its first entry's line.
    at_key_line: bool
    #: Keep pydantic's ``Value error, `` before the message of a validator of ours.
    value_error_prefix: bool


@dataclass(frozen=True)
class YamlTree:
    """A YAML mapping read into plain values, and the line each value is found on."""

    file: str  # as messages name it
    value: dict[Any, Any]
    lines: dict[Path_, int]

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
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        return None, [Issue(file, line, None, f"not valid YAML: {problem}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Issue(file, 1, None, kind.empty)]
    builder = _Builder(file, kind)
    try:
        value = builder.build(node, ())
    except _FirstProblem:
        return None, builder.problems
    if builder.problems:
        return None, builder.problems
    if not isinstance(value, dict):
        return None, [Issue(file, 1, None, kind.not_a_mapping)]
    return YamlTree(file, value, builder.lines), []


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

    A misspelt key comes with the closest key ``model`` knows anywhere in its tree.
    """
    problems: list[tuple[Path_, str]] = []
    for err in error.errors():
        path = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            word = str(path[-1])
            match = closest(word, field_names(model))
            hint = f" (did you mean {match!r}?)" if match else ""
            problems.append((path, f"unknown key {word!r}{hint}"))
        elif err["type"] == "missing":
            problems.append((path, "missing"))
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


class _FirstProblem(Exception):
    """Stops building at the first duplicate key, for kinds that report only that one."""


class _Builder:
    """Builds a document's values from its YAML nodes, noting the line of each."""

    def __init__(self, file: str, kind: YamlKind) -> None:
        self.file = file
        self.kind = kind
        self.lines: dict[Path_, int] = {}
        self.problems: list[Issue] = []
        self.constructor = yaml.SafeLoader("")

    def build(self, node: Node, path: Path_) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if (
                    self.kind.integer_keys_as_text
                    and isinstance(key, int)
                    and not isinstance(key, bool)
                ):
                    key = str(key)
                if key in out:
                    line = key_node.start_mark.line + 1
                    message = self.kind.duplicate_key.format(key=key)
                    self.problems.append(Issue(self.file, line, None, message))
                    if not self.kind.every_duplicate:
                        raise _FirstProblem
                    continue
                out[key] = self.build(value_node, (*path, key))
                if self.kind.at_key_line:
                    self.lines[(*path, key)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: Node) -> Any:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:float":
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:  # .inf, .nan: let pydantic say what is wrong with them
                pass
        return self.constructor.construct_object(node, deep=True)
