"""The shipped import profiles, and loading a profile file.

Part of `appraisal.imports`: `load_profile` takes a shipped profile's id or a path,
reads the YAML remembering each value's line, and checks it against
`appraisal.imports.profile`; every problem comes back at once in a `ProfileError`, as
``file:line: field: message``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from appraisal.domain.errors import AppraisalError
from appraisal.domain.model import Issue
from appraisal.policy.expr import did_you_mean
from appraisal.read.imports import profile as schema
from appraisal.read.imports.profile import Profile
from appraisal.read.imports.yaml_lines import YamlError, read_yaml

__all__ = ["ProfileError", "load_profile", "shipped_profiles"]


class ProfileError(AppraisalError):
    """A profile that cannot be used; ``issues`` holds every problem, ``file:line: …``."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("\n".join(str(i) for i in issues))
        self.issues = issues


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by id (``dingtalk_daily``), or a profile file by path."""
    text = str(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml"))
    if not looks_like_path and "/" not in text and "\\" not in text:
        shipped = {profile.id: profile for profile in shipped_profiles()}
        if text in shipped:
            return shipped[text]
        message = f"no shipped import profile {text!r}{did_you_mean(text, shipped)}"
        raise ProfileError([Issue(text, None, None, f"{message} (shipped: {', '.join(shipped)})")])
    return _load_file(Path(name_or_path))


def shipped_profiles() -> list[Profile]:
    """The profiles shipped with appraisal, in file-name order."""
    return list(_shipped())


@cache
def _shipped() -> tuple[Profile, ...]:
    folder = resources.files("appraisal.read.imports").joinpath("profiles")
    names = sorted(item.name for item in folder.iterdir() if item.name.endswith(".yaml"))
    return tuple(_load_file(Path(str(folder.joinpath(name)))) for name in names)


def _load_file(path: Path) -> Profile:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError([Issue(file, None, None, "profile file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError([Issue(file, None, None, f"cannot read the profile: {error}")]) from None
    try:
        tree, lines = read_yaml(text)
    except YamlError as error:
        raise ProfileError([Issue(file, error.line, None, error.message)]) from None
    if not isinstance(tree, dict):
        raise ProfileError([Issue(file, 1, None, "a profile must be a mapping of keys")])
    try:
        return Profile.model_validate(tree)
    except ValidationError as error:
        issues = [_issue(file, lines, err) for err in error.errors()]
        raise ProfileError(sorted(set(issues), key=lambda i: (i.row or 0, i.message))) from None


def _issue(file: str, lines: dict[tuple[Any, ...], int], err: Any) -> Issue:
    loc = tuple(err["loc"])
    line = next((lines[loc[:end]] for end in range(len(loc), -1, -1) if loc[:end] in lines), 1)
    where = ".".join(str(p) for p in loc) or "(top)"
    if err["type"] == "extra_forbidden":
        word = str(loc[-1])
        return Issue(file, line, None, f"{where}: unknown key {word!r}{did_you_mean(word, _KEYS)}")
    if err["type"] == "missing":
        return Issue(file, line, None, f"{where}: missing")
    message = str(err["msg"]).removeprefix("Value error, ")
    return Issue(file, line, None, f"{where}: {message}")


def _keys() -> frozenset[str]:
    models = [value for value in vars(schema).values() if isinstance(value, type)]
    return frozenset(
        name for model in models if issubclass(model, BaseModel) for name in model.model_fields
    )


_KEYS = _keys()
