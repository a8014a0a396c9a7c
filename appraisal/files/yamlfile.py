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
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Path_",
    "YamlKind",
    "YamlTree",
    "dotted",
    "field_names",
    "model_problems",
    "read_yaml",
    "validate",
]

#: The most aliases (``*name``) one file may use.
MAX_ALIASES = 100
#: The most values (keys, items, scalars) a file may hold once its aliases are expanded.
MAX_VALUES = 100_000
#: The deepest nesting of mappings and lists a file may have.
MAX_DEPTH = 50

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
    try:
        node = _compose(text)
    except _Refused as refused:
        return None, [Issue(file, refused.line, None, refused.message)]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or type(error).__name__
        return None, [Issue(file, line, None, f"not valid YAML: {problem}")]
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
        elif err["type"] in _EXPECTS_A_MAPPING and err.get("input", "") is None:
            problems.append((path, "empty: give its values"))
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


_EXPECTS_A_MAPPING = frozenset({"model_type", "dict_type", "model_attributes_type"})


class _FirstProblem(Exception):
    """Stops building at the first duplicate key, for kinds that report only that one."""


class _Refused(Exception):
    """A file the reader will not read, for the reason and at the line given."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _compose(text: str) -> Node | None:
    """The document's node graph, within the limits; raises `_Refused` or a YAMLError."""
    try:
        loader = _LimitedLoader(text)
    except yaml.reader.ReaderError as error:
        # PyYAML checks the whole text for unprintable characters before reading it.
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise _Refused(
            line,
            f"not valid YAML: control character U+{error.character:04X} at column {column} "
            "(only printable characters, tabs and line ends may be written)",
        ) from None
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        _expanded_size(node, {}, set())
    return node


def _line(mark: Any) -> int:
    return int(mark.line) + 1 if mark is not None else 1


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe composer, refusing tags, too many aliases and too deep a nesting."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(
                    _line(event.start_mark),
                    f"more than {MAX_ALIASES} aliases (*name): write the values out",
                )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                _line(event.start_mark),
                f"tags are not allowed ({shown}): write plain values only",
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(_line(event.start_mark), f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _expanded_size(node: Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many values ``node`` holds with every alias expanded; refuses a file past
    `MAX_VALUES` before a single value is built, and an alias inside the value it names."""
    if id(node) in sizes:
        return sizes[id(node)]
    if id(node) in open_nodes:
        raise _Refused(_line(node.start_mark), "an alias (*name) refers to a value it is part of")
    open_nodes.add(id(node))
    size = 1
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            size += _expanded_size(key_node, sizes, open_nodes)
            size += _expanded_size(value_node, sizes, open_nodes)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            size += _expanded_size(item, sizes, open_nodes)
    open_nodes.discard(id(node))
    if size > MAX_VALUES:
        raise _Refused(
            _line(node.start_mark),
            f"more than {MAX_VALUES:,} values once its aliases (*name) are expanded",
        )
    sizes[id(node)] = size
    return size


_KINDS_OF_VALUE = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
}


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
                if not isinstance(key_node, ScalarNode):
                    line = key_node.start_mark.line + 1
                    self.problems.append(
                        Issue(self.file, line, None, "a key must be a plain value")
                    )
                    continue
                key = self.scalar(key_node)
                if isinstance(key, bool | float | Decimal) or key is None:
                    line = key_node.start_mark.line + 1
                    message = f"the key {key_node.value} is not a name (write it in quotes)"
                    self.problems.append(Issue(self.file, line, None, message))
                    continue
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
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            # 2026-02-30, a number of 5,000 digits, a merge key (<<): a message, no traceback.
            what = _KINDS_OF_VALUE.get(node.tag, "value")
            shown = str(node.value)
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            if node.tag == "tag:yaml.org,2002:merge":
                message = "merge keys (<<) are not supported: write the values out"
            elif node.tag == "tag:yaml.org,2002:int":
                message = f"not a valid number: {shown} (too many digits)"
            else:
                reason = error.problem if isinstance(error, yaml.MarkedYAMLError) else str(error)
                message = f"not a valid {what}: {shown} ({reason})"
            self.problems.append(Issue(self.file, _line(node.start_mark), None, message))
            return None
