"""YAML with the line of every value, so a profile's problems point at their line.

Used by `appraisal.imports.profile`. Numbers with a fraction become Decimal, never float:
a profile's quorum or fixed values are exact, like the rest of the engine's numbers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["YamlError", "read_yaml"]

Lines = dict[tuple[Any, ...], int]


class YamlError(Exception):
    """Text that is not YAML, or a key given twice; ``line`` is 1-based."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_yaml(text: str) -> tuple[Any, Lines]:
    """The document's value, and the line each key path (("columns", 2, "event")) starts on."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(mark.line + 1 if mark else None, f"not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlError(1, "the file is empty")
    lines: Lines = {}
    return _build(node, (), lines, yaml.SafeLoader("")), lines


def _build(node: Node, path: tuple[Any, ...], lines: Lines, constructor: yaml.SafeLoader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, constructor)
            if key in out:
                raise YamlError(key_node.start_mark.line + 1, f"key {key!r} given twice")
            out[key] = _build(value_node, (*path, key), lines, constructor)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, i), lines, constructor) for i, item in enumerate(node.value)]
    return _scalar(node, constructor)


def _scalar(node: Node, constructor: yaml.SafeLoader) -> Any:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:float":
        try:
            return Decimal(node.value.replace("_", ""))
        except InvalidOperation:  # .inf, .nan: let pydantic say what is wrong with them
            pass
    return constructor.construct_object(node, deep=True)
