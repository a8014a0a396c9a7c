"""The administrator's page: the users of the server (``/users``).

A table of the users (name, role, departments; never a hash), a form that adds a user or
replaces their entry (name, role, departments, the password typed twice), and a remove
button with a confirmation step. Every post carries the session's CSRF token; a refused
form comes back with every problem at once and its fields kept (but the passwords); a
change redirects to ``/users?done=…``, which shows what it did once (post, redirect,
get). The work is `appraisal.web.api_users`' (the API's): the file written atomically,
the running server's users read again at once, a removed user's sessions ended.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from appraisal.domain.errors import AppraisalError, BadFile, InputError
from appraisal.i18n import _
from appraisal.problems import problem_messages
from appraisal.web.access import require
from appraisal.web.api_users import check_removal, departments_of, drop_user, save_user, user_rows
from appraisal.web.errors import WebError
from appraisal.web.pages_base import Checked, PageUser, keep, page, take
from appraisal.web.render import shown
from appraisal.web.users import ROLE_TITLES, ROLES, User

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def page_admin(user: PageUser) -> User:
    """The logged-in administrator of a page: the login page without a session, 403
    (worded) for another role."""
    require(user, "manage_users")
    return user


AdminPage = Annotated[User, Depends(page_admin)]
NO_FORM = {"name": "", "role": "manager", "departments": ""}


def _users_page(
    request: Request,
    user: User,
    status: int = 200,
    *,
    problems: list[str] | tuple[str, ...] = (),
    notices: list[str] | tuple[str, ...] = (),
    form: dict[str, str] | None = None,
    confirm: dict[str, object] | None = None,
) -> HTMLResponse:
    rows = user_rows(request)
    for row in rows:
        departments = row["departments"]
        row["departments_shown"] = shown(departments) if isinstance(departments, list) else ""
    roles = [(role, _(ROLE_TITLES[role])) for role in ROLES]
    context = {
        "users": rows,
        "roles": roles,
        "problems": list(problems),
        "notices": list(notices),
        "form": form or NO_FORM,
        "confirm": confirm,
    }
    return page(request, user, "users.html", status, **context)


def _done(request: Request, user: User, notice: str) -> RedirectResponse:
    key = keep(request, user, notices=(notice,))
    return RedirectResponse(f"/users?done={key}", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: AdminPage, done: str | None = None) -> HTMLResponse:
    """The users; ``done`` the key of what the form post before it did (`keep`)."""
    notices = take(request, user, done).get("notices", ())
    return _users_page(request, user, notices=notices if isinstance(notices, tuple) else ())


@router.post("/users", response_model=None, dependencies=[Checked])
def add_or_replace(
    request: Request,
    user: AdminPage,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    departments: Annotated[list[str] | None, Form()] = None,
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """A user added, or their entry replaced; refused with every problem at once."""
    given = [field for field in departments or [] if field.strip()]
    chosen = departments_of(given)
    try:
        replaced = save_user(request, user, name, role, chosen, password, password_again)
    except (WebError, AppraisalError) as refused:
        form = {"name": name, "role": role, "departments": "、".join(given)}
        lines, status = _worded(refused)
        return _users_page(request, user, status, problems=lines, form=form)
    title = _(ROLE_TITLES[role])
    if replaced:
        notice = _("Replaced the user {name} ({role}); their old password no longer works.")
    else:
        notice = _("Added the user {name} ({role}); they can log in now.")
    return _done(request, user, notice.format(name=name, role=title))


@router.post("/users/{name:path}/remove", response_model=None, dependencies=[Checked])
def remove(
    request: Request, name: str, user: AdminPage, confirm: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    """First the confirmation (who, their role), then, confirmed, the user removed."""
    try:
        if confirm != "yes":
            check_removal(request, user, name)
            target = next(row for row in user_rows(request) if row["name"] == name)
            return _users_page(request, user, confirm=target)
        drop_user(request, user, name)
    except (WebError, AppraisalError) as refused:
        lines, status = _worded(refused)
        return _users_page(request, user, status, problems=lines)
    notice = _("Removed the user {name}; their sessions have ended.").format(name=name)
    return _done(request, user, notice)


def _worded(refused: WebError | AppraisalError) -> tuple[list[str], int]:
    """A refusal's lines and status, as the app would answer it (a broken users file as
    the command line words it)."""
    if isinstance(refused, WebError):
        return refused.messages, refused.status
    return problem_messages(refused), 422 if isinstance(refused, InputError | BadFile) else 409
