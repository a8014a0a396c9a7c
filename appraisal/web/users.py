"""Who may log in, and what each role may do: the users file (``users.yaml``).

The file holds each user's name, role, departments (a manager's) and the argon2 hash of
their password, never the password::

    users:
      - name: 张经理
        role: manager
        departments: [电话客服组]
        password: "$argon2id$v=19$m=65536,t=3,p=4$…"

`appraisal users add` writes it (`add_user`, atomically); `appraisal serve` reads it at
start (`load_users`), so a user the command line adds while the server runs can log in
after the next start. An administrator's page (`appraisal.web.pages_users`, the API's
``/api/users``) adds, replaces and removes users (`add_user`, `remove_user`) and has the
running server read the file again at once. Every problem of the file is named at once,
with its line, the entry and the field.

The roles (issue 13): a **manager** reads, uploads events and deductions and decides
review items, for their own departments' employees only; **hr** does that for everyone,
uploads the roster, previews, seals (amends, re-seals) and downloads; an **auditor**
reads, downloads, replays and runs what-if, and changes nothing; an **admin** manages
users only.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from appraisal.domain.errors import BadFile
from appraisal.domain.model import Issue
from appraisal.domain.text import terminal_safe
from appraisal.files.yamlfile import YamlKind, YamlTree, read_yaml
from appraisal.i18n import N_, _

__all__ = [
    "RIGHTS",
    "ROLES",
    "ROLE_TITLES",
    "Action",
    "User",
    "Users",
    "UsersFileError",
    "add_user",
    "hash_password",
    "is_last_admin",
    "load_users",
    "remove_user",
    "user_problems",
]

ROLES = ("manager", "hr", "auditor", "admin")
#: What each role is called where a person reads it.
ROLE_TITLES = {
    "manager": N_("department manager"),
    "hr": N_("HR officer"),
    "auditor": N_("auditor"),
    "admin": N_("administrator"),
}
Action = Literal[
    "read",
    "upload",
    "upload_roster",
    "resolve",
    "preview",
    "seal",
    "download",
    "replay",
    "what_if",
    "manage_users",
]
RIGHTS: Mapping[str, frozenset[Action]] = {
    "manager": frozenset({"read", "upload", "resolve"}),
    "hr": frozenset({"read", "upload", "upload_roster", "resolve", "preview", "seal", "download"}),
    "auditor": frozenset({"read", "download", "replay", "what_if"}),
    "admin": frozenset({"manage_users"}),
}
#: The longest user name and department name taken.
MAX_NAME = 64
_HASHER = PasswordHasher()

_KIND = YamlKind(
    empty=N_("the users file is empty; add a user with appraisal users add NAME --role admin"),
    not_a_mapping=N_("the users file must be a mapping with the key users"),
    duplicate_key=N_("key {key!r} is given twice"),
    every_duplicate=True,
    integer_keys_as_text=True,
    at_key_line=True,
    value_error_prefix=False,
)


class UsersFileError(BadFile):
    """A users file that cannot be used: every problem, naming its line, entry and field."""

    what = "users file"


@dataclass(frozen=True)
class User:
    """A logged-in person: their name, role (one of `ROLES`) and, for a manager, the
    departments whose employees they see."""

    name: str
    role: str
    departments: tuple[str, ...] = ()

    def may(self, action: Action) -> bool:
        """Whether the role allows ``action`` (the departments are `sees`'s question)."""
        return action in RIGHTS.get(self.role, frozenset())

    @property
    def sees_all(self) -> bool:
        """Whether every department's employees are theirs to see (hr, an auditor)."""
        return self.role in ("hr", "auditor")

    def sees(self, department: str | None) -> bool:
        """Whether an employee of ``department`` is theirs to see: every one for hr and an
        auditor, a manager's own departments' only, none for an admin."""
        if self.sees_all:
            return True
        return self.role == "manager" and bool(department) and department in self.departments


@dataclass(frozen=True)
class _Account:
    user: User
    password_hash: str = field(repr=False)


class Users:
    """The users of a server, by name, with their password hashes."""

    def __init__(self, accounts: Sequence[tuple[User, str]] = ()) -> None:
        self._accounts = {user.name: _Account(user, hashed) for user, hashed in accounts}

    def check(self, name: str, password: str) -> User | None:
        """The user ``name`` when ``password`` is theirs, else None (in the same time)."""
        account = self._accounts.get(name)
        hashed = account.password_hash if account is not None else _dummy_hash()
        try:
            _HASHER.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return None
        return account.user if account is not None else None

    def get(self, name: str) -> User | None:
        account = self._accounts.get(name)
        return account.user if account is not None else None

    def __iter__(self) -> Iterator[User]:
        return (account.user for account in self._accounts.values())

    def __len__(self) -> int:
        return len(self._accounts)


@cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong
    password and the time of an answer does not tell which names exist."""
    return _HASHER.hash("appraisal: no such user")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``, as the users file keeps it."""
    return _HASHER.hash(password)


def load_users(path: Path) -> Users:
    """The users of ``path``; `UsersFileError` with every problem of the file at once."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = _("file not found; add a user with appraisal users add NAME --role admin")
        raise UsersFileError([Issue(where, None, None, message)]) from None
    except UnicodeDecodeError:
        raise UsersFileError([Issue(where, None, None, _("not UTF-8 text"))]) from None
    except OSError as error:
        message = _("cannot read the file: {reason}").format(reason=error.strerror or error)
        raise UsersFileError([Issue(where, None, None, message)]) from None
    tree, issues = read_yaml(text, where, _KIND)
    if tree is None:
        raise UsersFileError(issues)
    accounts, issues = _accounts_of(tree)
    if issues:
        raise UsersFileError(issues)
    return Users(accounts)


def _accounts_of(tree: YamlTree) -> tuple[list[tuple[User, str]], list[Issue]]:
    issues: list[Issue] = []
    entries = tree.value.get("users")
    for key in tree.value:
        if key != "users":
            message = _("unknown key {key!r}; the file has only the key users")
            issues.append(Issue(tree.file, tree.line_of((key,)), None, message.format(key=key)))
    if not isinstance(entries, list):
        message = _("users must be a list of users (name, role, departments, password)")
        issues.append(Issue(tree.file, tree.line_of(("users",)), "users", message))
        return [], issues
    accounts: list[tuple[User, str]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        path = ("users", number - 1)
        if not isinstance(entry, dict):
            message = _("user {number}: must be a mapping of name, role, departments, password")
            issues.append(Issue(tree.file, tree.line_of(path), None, message.format(number=number)))
            continue
        found = _entry_problems(entry, number, seen)
        for column, message in found:
            line = tree.line_of((*path, column)) if column in entry else tree.line_of(path)
            issues.append(Issue(tree.file, line, column, message))
        if not found:
            departments = tuple(entry.get("departments") or ())
            accounts.append((User(entry["name"], entry["role"], departments), entry["password"]))
        if isinstance(entry.get("name"), str):
            seen.add(entry["name"])
    return accounts, issues


def _entry_problems(entry: dict[Any, Any], number: int, seen: set[str]) -> list[tuple[str, str]]:
    """Each problem of the ``number``th entry, as (field, message)."""
    said = _("user {number}: {problem}")
    problems: list[tuple[str, str]] = []
    for key in entry:
        if key not in ("name", "role", "departments", "password"):
            problem = _("unknown field {key!r}; the fields are name, role, departments, password")
            problems.append((str(key), said.format(number=number, problem=problem.format(key=key))))
    name, role, departments = entry.get("name"), entry.get("role"), entry.get("departments")
    for problem_field, problem in user_problems(name, role, departments):
        problems.append((problem_field, said.format(number=number, problem=problem)))
    if isinstance(name, str) and name in seen:
        problem = _("the name {name!r} is given to an earlier user too").format(name=name)
        problems.append(("name", said.format(number=number, problem=problem)))
    hashed = entry.get("password")
    if not _is_argon2(hashed):
        # The value is never shown: it might be a password typed in by hand.
        problem = _("password must be an argon2 hash, as appraisal users add writes it")
        problems.append(("password", said.format(number=number, problem=problem)))
    return problems


def user_problems(name: object, role: object, departments: object) -> list[tuple[str, str]]:
    """What is wrong with a user's name, role and departments, as (field, message)."""
    problems: list[tuple[str, str]] = []
    if not isinstance(name, str) or not _plain(name):
        message = _("name must be a text of 1 to {most} characters, without control characters")
        problems.append(("name", message.format(most=MAX_NAME)))
    if role not in ROLES:
        message = _("unknown role {role}; the roles are {roles}")
        shown = terminal_safe(repr(role)) if role is not None else _("(none)")
        problems.append(("role", message.format(role=shown, roles=", ".join(ROLES))))
    if departments is not None and (
        not isinstance(departments, list | tuple)
        or not all(isinstance(d, str) and _plain(d) for d in departments)
    ):
        problems.append(("departments", _("departments must be a list of department names")))
    elif role == "manager" and not departments:
        problems.append(("departments", _("a manager needs at least one department")))
    elif role in ROLES and role != "manager" and departments:
        message = _("only a manager has departments; a {role} sees every department")
        problems.append(("departments", message.format(role=role)))
    return problems


def _plain(text: str) -> bool:
    return 0 < len(text.strip()) == len(text) <= MAX_NAME and text == terminal_safe(text)


def _is_argon2(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith("$argon2"):
        return False
    try:
        extract_parameters(value)
    except InvalidHashError:
        return False
    return True


def add_user(path: Path, name: str, role: str, departments: Sequence[str], password: str) -> bool:
    """Add ``name`` to the users file (made when missing), or replace their entry; True
    when an entry was replaced. The file is written whole or not at all, readable by its
    owner only. `UsersFileError` when the file or the new user has problems."""
    problems = user_problems(name, role, list(departments))
    if not password:
        problems.append(("password", _("the password is empty")))
    if problems:
        raise UsersFileError([Issue(str(path), None, column, text) for column, text in problems])
    entries: list[dict[str, Any]] = []
    if path.exists():
        load_users(path)  # every problem of the file first: never write over a broken one
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = list(loaded.get("users") or [])
    entry: dict[str, Any] = {"name": name, "role": role}
    if departments:
        entry["departments"] = list(departments)
    entry["password"] = hash_password(password)
    replaced = any(e.get("name") == name for e in entries)
    entries = [entry if e.get("name") == name else e for e in entries]
    if not replaced:
        entries.append(entry)
    text = yaml.safe_dump({"users": entries}, allow_unicode=True, sort_keys=False)
    _write_private(path, text.encode("utf-8"))
    return replaced


def _write_private(path: Path, data: bytes) -> None:
    """``data`` to ``path`` atomically (a temporary file in the same folder, renamed over
    it), created readable by its owner only: it holds password hashes."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def is_last_admin(users: Users, name: str) -> bool:
    """Whether ``name`` is the only administrator of ``users``: without them nobody could
    manage users any more."""
    admins = [user.name for user in users if user.role == "admin"]
    return admins == [name]


def remove_user(path: Path, name: str) -> None:
    """Take ``name`` out of the users file, written whole or not at all and readable by its
    owner only, as `add_user` writes it. `UsersFileError`, naming the file, when the file
    has problems, when it has no user ``name``, or when ``name`` is its last administrator."""
    users = load_users(path)  # every problem of the file first: never write over a broken one
    where = str(path)
    if users.get(name) is None:
        message = _("there is no user {name!r}; nothing was removed").format(name=name)
        raise UsersFileError([Issue(where, None, "name", message)])
    if is_last_admin(users, name):
        message = _(
            "{name!r} is the last administrator: nobody could manage users without one; add another administrator first; nothing was removed"
        ).format(name=name)
        raise UsersFileError([Issue(where, None, "name", message)])
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [e for e in loaded.get("users") or [] if e.get("name") != name]
    text = yaml.safe_dump({"users": entries}, allow_unicode=True, sort_keys=False)
    _write_private(path, text.encode("utf-8"))
