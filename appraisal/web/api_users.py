"""The users of the server, for an administrator: the API (``/api/users``) and the work its
page (`appraisal.web.pages_users`) shares with it.

Only an administrator may (``manage_users``: 403 for every other role, 401 without a
session), and each change carries the session's CSRF token. A user is added, or their
entry replaced (a new password, role or departments), with `appraisal.web.users.add_user`
and removed with `remove_user`: the users file is written whole or not at all, readable
by its owner only, and holds argon2 hashes, never a password. After a change the running
server reads the file again at once (``app.state.users`` and the Guard's), and the
sessions of a removed user, or of one given a new entry, end: their next request is
refused (401, or the login page). An administrator cannot remove themselves or change
their own role, so the server always keeps one (`remove_user` refuses the last one too).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from appraisal.i18n import N_, _
from appraisal.web.access import require
from appraisal.web.api import changed
from appraisal.web.auth import COOKIE, Guard, api_user, csrf_api
from appraisal.web.errors import Invalid, NotFound, Refused
from appraisal.web.users import (
    ROLE_TITLES,
    ROLES,
    User,
    Users,
    UsersFileError,
    add_user,
    load_users,
    remove_user,
    user_problems,
)

__all__ = [
    "NewUser",
    "admin_user",
    "check_removal",
    "departments_of",
    "drop_user",
    "router",
    "save_user",
    "user_rows",
]

router = APIRouter(prefix="/api", tags=["api"])
log = logging.getLogger("appraisal.web")
Json = dict[str, object]


def admin_user(user: Annotated[User, Depends(api_user)]) -> User:
    """The logged-in administrator of an API call: 401 without a session, 403 for another
    role (before the body is looked at)."""
    require(user, "manage_users")
    return user


AdminUser = Annotated[User, Depends(admin_user)]
Changes = [Depends(csrf_api)]
#: One change of the users file at a time: each reads, checks and rewrites it whole.
_CHANGING = threading.Lock()
#: Between departments typed in one field: a comma (either width) or 、.
_SEPARATORS = re.compile(r"[,，、]")


class NewUser(BaseModel):
    name: str = Field(max_length=200)
    role: str = Field(max_length=50, description="manager | hr | auditor | admin")
    departments: list[str] = Field(
        default_factory=list, max_length=200, description="a manager's departments"
    )
    password: str = Field(max_length=1000)


def departments_of(fields: Iterable[str]) -> list[str]:
    """The departments of one or more fields, each holding one or several separated by
    commas or 、 (``客服一组、客服二组``): trimmed, blanks dropped, each once, in order."""
    found: list[str] = []
    for text in fields:
        for part in _SEPARATORS.split(text):
            department = part.strip()
            if department and department not in found:
                found.append(department)
    return found


def users_of(request: Request) -> Users:
    users: Users = request.app.state.users
    return users


def user_rows(request: Request) -> list[Json]:
    """Every user as the administrator reads them (no hash ever), sorted by name."""
    return [
        {
            "name": user.name,
            "role": user.role,
            "role_title": _(ROLE_TITLES[user.role]),
            "departments": list(user.departments),
        }
        for user in sorted(users_of(request), key=lambda user: user.name)
    ]


def _problems(
    request: Request,
    admin: User,
    name: str,
    role: str,
    departments: list[str],
    password: str,
    repeated: str | None,
) -> list[str]:
    """Every problem of a new entry at once, each worded for the administrator."""
    problems = [message for _field, message in user_problems(name, role, departments)]
    if not password:
        problems.append(_("the password is empty"))
    elif repeated is not None and password != repeated:
        problems.append(_("the two passwords differ; type the same password twice"))
    if name == admin.name and role != admin.role:  # nor would any administrator be left
        problems.append(_("you cannot change your own role; another administrator can"))
    return problems


def _reload(request: Request) -> Users:
    """The users file read again, for every request from now on."""
    users = load_users(request.app.state.settings.users_file)
    request.app.state.users = users
    guard: Guard = request.app.state.guard
    guard.users = users
    return users


def save_user(
    request: Request,
    admin: User,
    name: str,
    role: str,
    departments: list[str],
    password: str,
    repeated: str | None = None,
) -> bool:
    """Add ``name`` or replace their entry; True when replaced. `Invalid` with every
    problem at once (``repeated``: the password typed again, when the form asks for it).
    The sessions of a replaced user end, but the administrator's own present one."""
    require(admin, "manage_users")
    with _CHANGING:
        problems = _problems(request, admin, name, role, departments, password, repeated)
        if problems:
            raise Invalid(problems)
        replaced = add_user(request.app.state.settings.users_file, name, role, departments, password)  # fmt: skip
        _reload(request)
        guard: Guard = request.app.state.guard
        keep = request.cookies.get(COOKIE) if name == admin.name else None
        ended = guard.end_sessions(name, keep=keep)
    what = "replaced" if replaced else "added"
    changed(admin, f"{what} user {name!r} ({role}; {ended} session(s) ended)")  # no password
    return replaced


def check_removal(request: Request, admin: User, name: str) -> None:
    """`NotFound` for an unknown user, `Refused` for the administrator themselves: what
    `drop_user` refuses, for its confirmation step. (Another administrator is never the
    last one: `remove_user` refuses the last one all the same.)"""
    require(admin, "manage_users")
    if users_of(request).get(name) is None:
        raise NotFound(_("There is no user {name!r}; nothing was removed.").format(name=name))
    if name == admin.name:
        raise Refused(
            _("You cannot remove yourself ({name}); another administrator can.").format(name=name)
        )


def drop_user(request: Request, admin: User, name: str) -> None:
    """Remove ``name`` from the users file and end their sessions at once."""
    with _CHANGING:
        check_removal(request, admin, name)
        try:
            remove_user(request.app.state.settings.users_file, name)
        except UsersFileError as refused:  # the file changed under us, or is broken
            raise Refused([str(issue) for issue in refused.issues]) from None
        _reload(request)
        guard: Guard = request.app.state.guard
        ended = guard.end_sessions(name)
    changed(admin, f"removed user {name!r} ({ended} session(s) ended)")


def _role_title(role: str) -> str:
    return _(ROLE_TITLES[role]) if role in ROLES else role


# -- the API ------------------------------------------------------------------------------


@router.get("/users", summary=N_("Every user: name, role and departments (administrator)"))
def users(request: Request, user: AdminUser) -> Json:
    return {"users": user_rows(request)}


@router.post(
    "/users", summary=N_("Add a user or replace their entry (administrator)"), dependencies=Changes
)
def add(body: NewUser, request: Request, user: AdminUser) -> Json:
    departments = departments_of(body.departments)
    replaced = save_user(request, user, body.name, body.role, departments, body.password)
    return {
        "name": body.name,
        "role": body.role,
        "role_title": _role_title(body.role),
        "departments": departments,
        "replaced": replaced,
    }


@router.delete(
    "/users/{name:path}",
    summary=N_("Remove a user; their sessions end (administrator)"),
    dependencies=Changes,
)
def remove(name: str, request: Request, user: AdminUser) -> Json:
    drop_user(request, user, name)
    return {"removed": name}
