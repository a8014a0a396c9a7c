"""The shipped import profiles, and loading a profile file.

Part of the attendance imports of the read stage: `load_profile` takes a shipped
profile's id or a path, reads the YAML remembering each value's line
(`appraisal.files.yamlfile`), and checks it against `appraisal.read.imports.profile`;
every problem comes back at once in a `ProfileError` (a `BadFile`: see
`appraisal.domain.errors`), as ``file:line: field: message``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from appraisal.domain.errors import ProfileError
from appraisal.domain.model import Issue
from appraisal.files.yamlfile import YamlKind, read_yaml, validate
from appraisal.i18n import N_, _
from appraisal.policy.expr import did_you_mean
from appraisal.read.imports.profile import Profile

__all__ = ["PROFILE_YAML", "ProfileError", "load_profile", "shipped_profiles"]

#: How a profile file is read and its problems worded (see `YamlKind`).
PROFILE_YAML = YamlKind(
    empty=N_("the file is empty"),
    not_a_mapping=N_("a profile must be a mapping of keys"),
    duplicate_key=N_("key {key!r} given twice"),
    every_duplicate=False,
    integer_keys_as_text=False,
    at_key_line=True,
    value_error_prefix=False,
)


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by id (``dingtalk_daily``), or a profile file by path."""
    text = str(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml"))
    if not looks_like_path and "/" not in text and "\\" not in text:
        shipped = {profile.id: profile for profile in shipped_profiles()}
        if text in shipped:
            return shipped[text]
        message = _("no shipped import profile {text!r}{hint}").format(
            text=text, hint=did_you_mean(text, shipped)
        )
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
        raise ProfileError([Issue(file, None, None, _("profile file not found"))]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(
            [Issue(file, None, None, _("cannot read the profile: {error}").format(error=error))]
        ) from None
    tree, issues = read_yaml(text, file, PROFILE_YAML)
    if tree is None:
        raise ProfileError(issues)
    profile, issues = validate(Profile, tree, PROFILE_YAML)
    if profile is None:
        raise ProfileError(issues)
    return profile
