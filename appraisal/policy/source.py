"""Reading policy files: YAML with line numbers, dated values and `extends`.

The first half of the "resolve policy" stage. A policy file is read into plain Python
values (numbers as exact Decimals) by `appraisal.files.yamlfile`, remembering for every
value the file and line it came from, so errors can be printed as
``file:line: what is wrong``. A policy may `extends:` another file and `override:`
parts of it: a file in the folder of the file that extends (a subfolder included; no
``..`` out of it, and no symlink leading out), or a shipped policy (``policies/``, by
its path or by its bare name). Nothing else on the machine is ever read, so no message
can show another file's content; a dated value in an override adds to the history of the value it
overrides instead of replacing it, so a later rule change never alters how an earlier
month evaluates. A policy that cannot be read raises `PolicyError` with every problem.

`resolve_tree` then picks, for one day, the value in force of every dated value and
drops the rules that are not in force (`from:` / `until:`).
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from appraisal.domain.canonical import policy_sha256
from appraisal.domain.errors import PolicyError
from appraisal.domain.model import Issue
from appraisal.domain.suggest import date_meant
from appraisal.files.yamlfile import Path_, YamlKind, dotted, read_yaml
from appraisal.i18n import N_, _

__all__ = [
    "POLICY_YAML",
    "PolicySource",
    "read_policy_bundle",
    "read_policy_source",
    "resolve_tree",
    "shipped_policies_folder",
]

#: How a policy file is read and its problems worded (see `YamlKind`).
POLICY_YAML = YamlKind(
    empty=N_("the policy file is empty"),
    not_a_mapping=N_("a policy file must be a mapping of sections"),
    duplicate_key=N_("duplicate key {key!r}"),
    every_duplicate=True,
    integer_keys_as_text=True,  # clause numbers written bare: 1 and "1" are the same key
    at_key_line=False,
    value_error_prefix=False,
    columns=True,
)

BEGINNING = date.min
#: Where a value (or a key) is: the file as messages name it, the line, the column.
Where = tuple[str, int, int | None]
#: The last part of a place in `PolicySource.where` that means its key, not its value.
KEY = "\x00key"


def shipped_policies_folder() -> Path:
    """The folder of the policies shipped with the program (``policies/``)."""
    return Path(str(resources.files("policies")))


@dataclass
class PolicySource:
    """A policy's merged raw tree, where each value came from, and the texts it was read from."""

    tree: dict[str, Any]
    where: dict[Path_, Where]
    texts: dict[str, str] = field(default_factory=dict)
    main_file: str = ""

    @property
    def sha256(self) -> str:
        """The policy's fingerprint: of one file's bytes, or of the bundle of several."""
        return policy_sha256(self.texts)

    def locate(self, path: Path_, at_key: bool = False, day: date | None = None) -> Where:
        """The file, line and column of the value at ``path`` (of its key, ``at_key``),
        or of its nearest enclosing value; on ``day``, the dated value in force then."""
        if day is not None:
            path = self._written(path, day)
        if at_key and (*path, KEY) in self.where:
            return self.where[(*path, KEY)]
        for end in range(len(path), -1, -1):
            found = self.where.get(tuple(path[:end]))
            if found:
                return found
        return (self.main_file, 1, None)

    def _written(self, path: Path_, day: date) -> Path_:
        """``path`` in the tree as written: with the date of each dated value on the way."""
        node: Any = self.tree
        out: list[Any] = []
        for part in (*path, None):
            while is_dated(node) and any(k <= day for k in node):
                start = max(k for k in node if k <= day)
                out.append(start)
                node = node[start]
            if part is None:
                break
            out.append(part)
            if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                node = node.get(part) if isinstance(node, Mapping) else None
        return tuple(out)

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
        # The file each key is read from, once `extends` has been checked to reach it.
        self.paths: dict[str, Path] = {} if main is None else {main.name: main}

    def fetch(self, key: str) -> str:
        if self.bundle is not None:
            if key not in self.bundle:
                raise _problem(key, None, _("policy file missing from the stored bundle"))
            return self.bundle[key]
        assert self.main is not None
        path = self.paths.get(key, self.main.parent / key)
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, a device never end
                raise _problem(self.display(key), None, _("not a regular file"))
            # Bytes decoded as they are (no newline translation), so the sha256 of a
            # single-file policy is the sha256 of the file.
            return path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise _problem(self.display(key), None, _("policy file not found")) from None
        except (OSError, UnicodeDecodeError) as error:
            raise _problem(
                self.display(key),
                None,
                _("cannot read the policy file: {error}").format(error=error),
            ) from None

    def base_key(self, key: str, extends: str, line: int) -> str:
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
        target = self._confined(key, extends, line)
        base_key = Path(os.path.relpath(target, root)).as_posix()
        self.paths.setdefault(base_key, target)
        return base_key

    def _confined(self, key: str, extends: str, line: int) -> Path:
        """The file ``extends`` names, resolved, if it is one a policy may extend."""
        assert self.main is not None
        folder = self.paths.get(key, self.main.parent / key).parent.resolve()
        shipped = shipped_policies_folder().resolve()
        target = (folder / extends).resolve()
        if not target.exists() and Path(extends).name == extends:
            # A bare name the folder does not have: the shipped policy of that name.
            target = (shipped / extends).resolve()
        if target.is_relative_to(folder) or target.is_relative_to(shipped):
            return target
        names = ", ".join(sorted(p.name for p in shipped.glob("*.yaml")))
        raise _problem(
            self.display(key),
            line,
            _(
                "extends {extends}: a policy extends only a file in its own folder ({folder}) or a shipped policy ({names})"
            ).format(extends=extends, folder=folder, names=names),
        )

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
        parsed, _issues = read_yaml(text, key, POLICY_YAML)  # what is wrong is reported by _read
        extends = parsed.value.get("extends") if parsed is not None else None
        if isinstance(extends, str):
            bases.add(files.base_key(key, extends, 1))
    mains = sorted(set(texts) - bases)
    if len(mains) != 1:
        raise _problem(
            "(stored policy)",
            None,
            _("cannot tell the main policy file among {texts}").format(texts=sorted(texts)),
        )
    return _read(mains[0], files, seen=())


def _read(key: str, files: _Files, seen: tuple[str, ...]) -> PolicySource:
    shown = files.display(key)
    text = files.fetch(key)
    parsed, issues = read_yaml(text, shown, POLICY_YAML)
    if parsed is None:
        raise PolicyError(issues)
    where: dict[Path_, Where] = {path: (shown, *mark) for path, mark in parsed.marks.items()}
    where.update({(*path, KEY): (shown, *mark) for path, mark in parsed.keys.items()})
    mixed = _mixed_keys(parsed.value, ())
    if mixed:
        raise PolicyError(
            [
                Issue(shown, line, str(column), f"{dotted(path)}: {_(MIXED_KEYS)}")
                for path in mixed
                for _file, line, column in [where[path]]
            ]
        )
    tree = dict(parsed.value)
    base_name = tree.pop("extends", None)
    if base_name is None:
        return PolicySource(tree, where, {key: text}, shown)
    line = where.get(("extends",), (shown, 1, None))[1]
    if not isinstance(base_name, str):
        raise _problem(shown, line, _("extends: give the file name of the base policy"))
    base_key = files.base_key(key, base_name, line)
    if base_key in seen or base_key == key:
        raise _problem(shown, line, f"extends {base_name} in a loop")
    base = _read(base_key, files, (*seen, key))
    override = tree.pop("override", None) or {}
    # The child's own top-level keys (id, version, title, amendments) replace the base's.
    merged = {**base.tree, **tree}
    merged_where = {p: w for p, w in base.where.items() if p[:1] not in {(k,) for k in tree}}
    merged_where.update({p: w for p, w in where.items() if p[:1] != ("override",)})
    merged = _merge(merged, override, (), where, merged_where)
    return PolicySource(merged, merged_where, {**base.texts, key: text}, shown)


MIXED_KEYS = N_("mixes dates and names as keys (a dated value has dates only)")


def _mixed_keys(value: Any, path: Path_) -> list[Path_]:
    """The places of mappings with some dates and some other keys: neither a dated
    value nor a mapping of names (a metric named 2026-01-01 would be both)."""
    found: list[Path_] = []
    if isinstance(value, Mapping):
        # A date written by hand (2026-11-1) counts as a date: it is reported as one.
        dates = [isinstance(k, date) or date_meant(str(k)) is not None for k in value]
        if any(dates) and not all(dates):
            found.append(path)
        for key, item in value.items():
            found.extend(_mixed_keys(item, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_mixed_keys(item, (*path, i)))
    return found


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


def _problem(file: str, line: int | None, message: str) -> PolicyError:
    """The error for a policy that cannot be read at all, for one reason."""
    return PolicyError([Issue(file, line, None, message)])
