"""The pages people use (issue 13): rendered on the server, Chinese first, htmx where it helps.

Each page asks the desk (`request.app.state.desk`, `appraisal.web.desk.Desk`) for what the
logged-in user may see and renders it with a template of ``templates/`` (`render`). Every
form carries the session's CSRF token and every POST checks it (the form field, or the
header ``X-CSRF-Token`` htmx sends from ``<body hx-headers>``). What the desk refuses is
raised on to the app, which words it (`appraisal.problems`) and shows `error_page`; a
refused upload, decision or seal is shown on the draft page itself, every problem at once
as the command line words it.

The month's pages (draft, sealed, statements, downloads, replay, reseal) are in
`pages_month`; the what-if page in `pages_what_if`; this module holds the router, the
login, the language switch, the months page and the error page.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from appraisal.i18n import LANGUAGES, _
from appraisal.web import auth, pages_month, pages_what_if
from appraisal.web.errors import WebError
from appraisal.web.pages_base import (
    LANG_COOKIE,
    Checked,
    PageUser,
    desk_of,
    local_path,
    page,
)
from appraisal.web.users import User

__all__ = ["error_page", "router"]

YEAR = 365 * 24 * 60 * 60

router = APIRouter(include_in_schema=False)
router.include_router(pages_month.router)
router.include_router(pages_what_if.router)


# -- logging in and out, the language -----------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, None, "login.html", next=local_path(next), messages=[], username="")


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> HTMLResponse | RedirectResponse:
    target = local_path(next)
    response = RedirectResponse(target, status_code=303)
    try:
        auth.log_in(request, response, username, password)
    except WebError as refused:
        context = {"next": target, "messages": refused.messages, "username": username}
        return page(request, None, "login.html", refused.status, **context)
    return response


@router.post("/logout", dependencies=[Checked])
def logout(request: Request) -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    auth.log_out(request, response)
    return response


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> RedirectResponse:
    """The language for the pages from now on (the cookie ``lang``), then back to ``next``."""
    response = RedirectResponse(local_path(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=YEAR, samesite="lax", path="/")
    return response


# -- the months -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse, response_model=None)
def months(request: Request, user: PageUser) -> HTMLResponse | RedirectResponse:
    if user.may("manage_users") and not user.may("read"):  # an administrator: their page
        return RedirectResponse("/users", status_code=303)
    rows = desk_of(request).months(user)
    return page(request, user, "months.html", rows=rows)


# -- errors -----------------------------------------------------------------------------------


def error_page(request: Request, status: int, messages: list[str]) -> HTMLResponse:
    """A refusal as a page: every message (never a stack trace), and a way back."""
    headings = {
        401: _("Please log in"),
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Refused"),
        413: _("Upload too large"),
        422: _("Refused"),
        429: _("Too many attempts"),
    }
    explanations = {
        401: _("There is no live session: log in, then try again."),
        403: _("Your role may not do this, or may not see these employees."),
    }
    user = _user_or_none(request)
    back = local_path(_referer_path(request)) if status != 401 else local_path(request.url.path)
    context = {
        "code": status,
        "heading": headings.get(status, _("Something went wrong")),
        "explanation": explanations.get(status, ""),
        "messages": messages,
        "back": back,
    }
    return page(request, user, "error.html", status, **context)


def _user_or_none(request: Request) -> User | None:
    try:
        return auth.page_user(request)
    except Exception:
        return None


def _referer_path(request: Request) -> str:
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.url.netloc:
        return "/"
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "")
