"""YAML text to plain values, within limits, noting where each key and value is.

The low half of `appraisal.files.yamlfile`, which policies and import profiles read
their files with: PyYAML's safe composer with limits a hostile file cannot pass (no
tags, `MAX_ALIASES` aliases, `MAX_VALUES` values once expanded, `MAX_DEPTH` levels),
and a builder that turns the nodes into plain values (fractions as Decimal) and notes
the line and column of every key and value, so a message can point at the very
character. What PyYAML cannot read is named at the line and column where the author
slipped, a full-width mark (：) typed with a Chinese input method included.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from appraisal.domain.model import Issue
from appraisal.domain.suggest import FULL_WIDTH, full_width_slip
from appraisal.i18n import _

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Builder",
    "FirstProblem",
    "Path_",
    "Refused",
    "YamlKind",
    "compose",
    "syntax_issue",
]

#: The most aliases (``*name``) one file may use.
MAX_ALIASES = 100
#: The most values (keys, items, scalars) a file may hold once its aliases are expanded.
MAX_VALUES = 100_000
#: The deepest nesting of mappings and lists a file may have.
MAX_DEPTH = 50

#: A value's place in a document: ``("columns", 2, "event")``; ``()`` is the whole.
Path_ = tuple[Any, ...]


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
    #: Name the column (of characters, from 1) as well as the line of each problem.
    columns: bool = False


class FirstProblem(Exception):
    """Stops building at the first duplicate key, for kinds that report only that one."""


class Refused(Exception):
    """A file the reader will not read, for the reason and at the line (and column) given."""

    def __init__(
        self, line: int, message: str, column: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.column = column
        self.detail = detail

    @classmethod
    def at(cls, mark: Any, message: str) -> Refused:
        return cls(_line(mark), message, _column(mark))


def compose(text: str) -> Node | None:
    """The document's node graph, within the limits; raises `Refused` or a YAMLError."""
    try:
        loader = _LimitedLoader(text)
    except yaml.reader.ReaderError as error:
        # PyYAML checks the whole text for unprintable characters before reading it.
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise Refused(
            line,
            _("not valid YAML: control character U+{character:04X}").format(
                character=error.character
            ),
            column,
            _(" (only printable characters, tabs and line ends may be written)"),
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


def _column(mark: Any) -> int | None:
    return int(mark.column) + 1 if mark is not None else None


def syntax_issue(error: yaml.YAMLError, text: str, file: str, kind: YamlKind) -> Issue:
    """What PyYAML could not read, at the line and column where the author slipped.

    A key PyYAML cannot finish ("could not find expected ':'") is reported where it
    starts, not on the next line where PyYAML gave up; a full-width mark typed with a
    Chinese input method (pay_day_of_month： 5) is named at its own column.
    """
    problem = getattr(error, "problem", None) or type(error).__name__
    mark = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    if context is not None and "could not find expected ':'" in problem:
        mark = context
    if mark is None:
        return Issue(file, None, None, _("not valid YAML: {problem}").format(problem=problem))
    line, column = _line(mark), _column(mark)
    message = _("not valid YAML: {problem}").format(problem=problem)
    lines = text.splitlines()
    # "name： 早班" then "grace:" reads as one text running onto the next line, whose
    # colon PyYAML then refuses: the slip is on the line before.
    before = [line - 1] if "mapping values are not allowed" in problem else []
    for number in [line, *before]:
        written = lines[number - 1] if 0 < number <= len(lines) else ""
        slip = full_width_slip(written)
        if slip is not None:
            char, line, column = written[slip], number, slip + 1
            message = _(
                "not valid YAML: a full-width {char!r} where YAML expects {full_width!r} (switch the input method to half-width)"
            ).format(char=char, full_width=FULL_WIDTH[char])
            break
    return Issue(file, line, str(column) if kind.columns else None, message)


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
                raise Refused.at(
                    event.start_mark,
                    _("more than {max_aliases} aliases (*name): write the values out").format(
                        max_aliases=MAX_ALIASES
                    ),
                )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise Refused.at(
                event.start_mark,
                _("tags are not allowed ({shown}): write plain values only").format(shown=shown),
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Refused.at(
                event.start_mark,
                _("nested more than {max_depth} levels deep").format(max_depth=MAX_DEPTH),
            )
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
        raise Refused.at(node.start_mark, _("an alias (*name) refers to a value it is part of"))
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
        raise Refused.at(
            node.start_mark,
            _("more than {max_values:,} values once its aliases (*name) are expanded").format(
                max_values=MAX_VALUES
            ),
        )
    sizes[id(node)] = size
    return size


_KINDS_OF_VALUE = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
}


class Builder:
    """Builds a document's values from its YAML nodes, noting where each key and value is."""

    def __init__(self, file: str, kind: YamlKind) -> None:
        self.file = file
        self.kind = kind
        self.lines: dict[Path_, int] = {}
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Issue] = []
        self.constructor = yaml.SafeLoader("")

    def problem(self, mark: Any, message: str) -> None:
        column = str(_column(mark)) if self.kind.columns else None
        self.problems.append(Issue(self.file, _line(mark), column, message))

    def build(self, node: Node, path: Path_) -> Any:
        self.lines[path] = _line(node.start_mark)
        self.marks[path] = (_line(node.start_mark), _column(node.start_mark) or 1)
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    self.problem(key_node.start_mark, _("a key must be a plain value"))
                    continue
                key = self.scalar(key_node)
                if isinstance(key, bool | float | Decimal) or key is None:
                    message = _("the key {value} is not a name (write it in quotes)").format(
                        value=key_node.value
                    )
                    self.problem(key_node.start_mark, message)
                    continue
                if self.kind.integer_keys_as_text and isinstance(key, int):
                    key = str(key)
                if key in out:
                    self.problem(key_node.start_mark, _(self.kind.duplicate_key).format(key=key))
                    if not self.kind.every_duplicate:
                        raise FirstProblem
                    continue
                out[key] = self.build(value_node, (*path, key))
                self.keys[(*path, key)] = (
                    _line(key_node.start_mark),
                    _column(key_node.start_mark) or 1,
                )
                if self.kind.at_key_line:
                    self.lines[(*path, key)] = _line(key_node.start_mark)
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
                message = _("merge keys (<<) are not supported: write the values out")
            elif node.tag == "tag:yaml.org,2002:int":
                message = _("not a valid number: {shown} (too many digits)").format(shown=shown)
            else:
                reason = error.problem if isinstance(error, yaml.MarkedYAMLError) else str(error)
                message = f"not a valid {what}: {shown} ({reason})"
            self.problem(node.start_mark, message)
            return None
