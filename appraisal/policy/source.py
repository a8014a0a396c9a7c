"""Reading policy files: YAML with line numbers, dated values and `extends`.

The first half of the "resolve policy" stage. A policy file is read into plain Python
values (numbers as exact Decimals), remembering for every value the file and line it
came from, so errors can be printed as ``file:line: what is wrong``. A policy may
`extends:` another file and `override:` parts of it; a dated value in an override adds
to the history of the value it overrides instead of replacing it, so a later rule
change never alters how an earlier month evaluates.

`resolve_tree` then picks, for one day, the value in force of every dated value and
drops the rules that are not in force (`from:` / `until:`).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "PolicySource",
    "SourceError",
    "read_policy_bundle",
    "read_policy_source",
    "resolve_tree",
]

BEGINNING = date.min
Path_ = tuple[Any, ...]
Where = tuple[str, int]


class SourceError(Exception):
    """A policy file that cannot be read at all; carries every (file, line, message)."""

    def __init__(self, problems: list[tuple[str, int | None, str]]) -> None:
        super().__init__("; ".join(m for _, _, m in problems))
        self.problems = problems


@dataclass
class PolicySource:
    """A policy's merged raw tree, where each value came from, and the texts it was read from."""

    tree: dict[str, Any]
    where: dict[Path_, Where]
    texts: dict[str, str] = field(default_factory=dict)
    main_file: str = ""

    @property
    def sha256(self) -> str:
        """The policy's fingerprint: one file's bytes, or a canonical bundle of several."""
        if len(self.texts) == 1:
            return hashlib.sha256(next(iter(self.texts.values())).encode("utf-8")).hexdigest()
        bundle = json.dumps(self.texts, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(bundle.encode("utf-8")).hexdigest()

    def locate(self, path: Path_) -> Where:
        """The file and line of the value at ``path``, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            found = self.where.get(tuple(path[:end]))
            if found:
                return found
        return (self.main_file, 1)

    def effective_dates(self) -> list[date]:
        """Every date on which some value or rule of this policy changes, in order."""
        dates: set[date] = {BEGINNING}

        def walk(value: Any) -> None:
            if isinstance(value, Mapping):
                for key, item in value.items():
                    if isinstance(key, date):
                        dates.add(key)
                    if key in ("from", "until") and isinstance(item, date):
                        dates.add(item)
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(self.tree)
        return sorted(dates)


def is_dated(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(isinstance(k, date) for k in value)


def resolve_tree(tree: Any, day: date) -> Any:
    """The tree as in force on ``day``: dated values picked, rules out of force dropped."""
    if is_dated(tree):
        in_force = [k for k in tree if k <= day]
        if not in_force:
            return None
        return resolve_tree(tree[max(in_force)], day)
    if isinstance(tree, Mapping):
        out: dict[Any, Any] = {}
        for key, value in tree.items():
            if isinstance(value, Mapping) and not is_dated(value) and not _in_force(value, day):
                continue
            if key in ("from", "until"):
                continue
            out[key] = resolve_tree(value, day)
        return out
    if isinstance(tree, list):
        return [resolve_tree(item, day) for item in tree]
    return tree


def _in_force(rule: Mapping[Any, Any], day: date) -> bool:
    start, end = rule.get("from"), rule.get("until")
    if isinstance(start, date) and day < start:
        return False
    return not (isinstance(end, date) and day >= end)


class _Files:
    """Where policy texts come from: the disk, or a bundle the ledger stored.

    Files are keyed relative to the main policy's folder ("customer_service.yaml",
    "../base/common.yaml"): those keys name the texts in the bundle that is hashed and
    sealed. Messages name files as the user would type them.
    """

    def __init__(self, main: Path | None = None, bundle: Mapping[str, str] | None = None) -> None:
        self.main = main
        self.bundle = bundle

    def fetch(self, key: str) -> str:
        if self.bundle is not None:
            if key not in self.bundle:
                raise SourceError([(key, None, "policy file missing from the stored bundle")])
            return self.bundle[key]
        assert self.main is not None
        path = self.main.parent / key
        try:
            # Bytes decoded as they are (no newline translation), so the sha256 of a
            # single-file policy is the sha256 of the file.
            return path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise SourceError([(self.display(key), None, "policy file not found")]) from None
        except (OSError, UnicodeDecodeError) as error:
            raise SourceError(
                [(self.display(key), None, f"cannot read the policy file: {error}")]
            ) from None

    def base_key(self, key: str, extends: str) -> str:
        if self.bundle is not None:
            candidate = posixpath.normpath(posixpath.join(posixpath.dirname(key), extends))
            if candidate in self.bundle:
                return candidate
            # An absolute `extends:` was stored under its key relative to the main file.
            named = [
                k
                for k in self.bundle
                if k != key and posixpath.basename(k) == posixpath.basename(extends)
            ]
            return named[0] if len(named) == 1 else candidate
        assert self.main is not None
        root = self.main.resolve().parent
        target = ((root / key).parent / extends).resolve()
        return Path(os.path.relpath(target, root)).as_posix()

    def display(self, key: str) -> str:
        if self.main is None:
            return key
        if key == self.main.name:
            return str(self.main)
        return os.path.normpath(os.path.join(os.path.dirname(str(self.main)), key))


def read_policy_source(path: str | Path) -> PolicySource:
    """Read a policy file (and what it extends) into one merged tree."""
    path = Path(path)
    return _read(path.name, _Files(main=path), seen=())


def read_policy_bundle(texts: Mapping[str, str]) -> PolicySource:
    """Read a policy from the texts a ledger stored (never from today's files)."""
    files = _Files(bundle=texts)
    bases = set()
    for key, text in texts.items():
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(document, dict) and isinstance(document.get("extends"), str):
            bases.add(files.base_key(key, document["extends"]))
    mains = sorted(set(texts) - bases)
    if len(mains) != 1:
        raise SourceError(
            [("(stored policy)", None, f"cannot tell the main policy file among {sorted(texts)}")]
        )
    return _read(mains[0], files, seen=())


def _read(key: str, files: _Files, seen: tuple[str, ...]) -> PolicySource:
    shown = files.display(key)
    text = files.fetch(key)
    tree, where = _parse(text, shown)
    if not isinstance(tree, dict):
        raise SourceError([(shown, 1, "a policy file must be a mapping of sections")])
    base_name = tree.pop("extends", None)
    if base_name is None:
        return PolicySource(tree, where, {key: text}, shown)
    line = where.get(("extends",), (shown, 1))[1]
    if not isinstance(base_name, str):
        raise SourceError([(shown, line, "extends: give the file name of the base policy")])
    base_key = files.base_key(key, base_name)
    if base_key in seen or base_key == key:
        raise SourceError([(shown, line, f"extends {base_name} in a loop")])
    base = _read(base_key, files, (*seen, key))
    override = tree.pop("override", None) or {}
    # The child's own top-level keys (id, version, title, amendments) replace the base's.
    merged = {**base.tree, **tree}
    merged_where = {p: w for p, w in base.where.items() if p[:1] not in {(k,) for k in tree}}
    merged_where.update({p: w for p, w in where.items() if p[:1] != ("override",)})
    merged = _merge(merged, override, (), where, merged_where)
    return PolicySource(merged, merged_where, {**base.texts, key: text}, shown)


def _merge(
    base: Any, over: Any, path: Path_, over_where: dict[Path_, Where], where: dict[Path_, Where]
) -> Any:
    """Deep-merge ``over`` into ``base``; a dated override extends the base's history."""
    if is_dated(over):
        history = dict(base) if is_dated(base) else ({} if base is None else {BEGINNING: base})
        history.update(over)
        _copy_where(path, over_where, where)
        return dict(sorted(history.items()))
    if isinstance(over, Mapping) and isinstance(base, Mapping) and not is_dated(base):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base.get(key), value, (*path, key), over_where, where)
        return out
    _copy_where(path, over_where, where)
    return over


def _copy_where(path: Path_, over_where: dict[Path_, Where], where: dict[Path_, Where]) -> None:
    prefix = ("override", *path)
    for p, w in over_where.items():
        if p[: len(prefix)] == prefix:
            where[p[1:]] = w


def _parse(text: str, file: str) -> tuple[Any, dict[Path_, Where]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise SourceError([(file, line, f"not valid YAML: {problem}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise SourceError([(file, 1, "the policy file is empty")])
    where: dict[Path_, Where] = {}
    problems: list[tuple[str, int | None, str]] = []
    constructor = yaml.SafeLoader("")
    value = _build(node, (), file, where, problems, constructor)
    if problems:
        raise SourceError(problems)
    return value, where


def _build(
    node: Node,
    path: Path_,
    file: str,
    where: dict[Path_, Where],
    problems: list[tuple[str, int | None, str]],
    constructor: yaml.SafeLoader,
) -> Any:
    where[path] = (file, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, constructor)
            if isinstance(key, int) and not isinstance(key, bool):
                key = str(key)  # clause numbers written bare: 1 and "1" are the same key
            if key in out:
                line = key_node.start_mark.line + 1
                problems.append((file, line, f"duplicate key {key!r}"))
                continue
            out[key] = _build(value_node, (*path, key), file, where, problems, constructor)
        return out
    if isinstance(node, SequenceNode):
        return [
            _build(item, (*path, i), file, where, problems, constructor)
            for i, item in enumerate(node.value)
        ]
    return _scalar(node, constructor)


def _scalar(node: Node, constructor: yaml.SafeLoader) -> Any:
    if not isinstance(node, ScalarNode):
        return constructor.construct_object(node, deep=True)
    if node.tag == "tag:yaml.org,2002:float":
        try:
            return Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            return constructor.construct_object(node)
    return constructor.construct_object(node)
