"""What every page shares: the desk, the logged-in user, the CSRF check, the page itself."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from appraisal.domain.model import Month
from appraisal.web import auth
from appraisal.web.desk import Desk
from appraisal.web.errors import NotFound
from appraisal.web.render import render
from appraisal.web.users import User

__all__ = [
    "LANG_COOKIE",
    "Checked",
    "PageUser",
    "csrf_either",
    "desk_of",
    "keep",
    "local_path",
    "month_of",
    "page",
    "take",
]

LANG_COOKIE = "lang"
PageUser = Annotated[User, Depends(auth.page_user)]


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


async def csrf_either(request: Request) -> None:
    """A form post carries the session's token: in the header htmx sends, or in its field."""
    if request.headers.get(auth.CSRF_HEADER):
        auth.csrf_api(request)
    else:
        await auth.csrf_form(request)


Checked = Depends(csrf_either)


def page(
    request: Request, user: User | None, template: str, status: int = 200, **context: object
) -> HTMLResponse:
    """``template`` for ``user`` (None: nobody logged in), with the session's CSRF token."""
    csrf = auth.csrf_token(request) if user is not None else ""
    return render(request, template, {"user": user, "csrf": csrf, **context}, status)


def local_path(target: str | None) -> str:
    """``target`` when it is a path of this site (``/months/2026-10``), else ``/``: a login
    or a language switch never sends the browser to another site (``https://…``, ``//host``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 32 or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def month_of(text: str) -> Month:
    """The month of a page's address; `NotFound`, worded, when it is no month."""
    try:
        return Month.parse(text)
    except ValueError as error:
        raise NotFound(str(error)) from None


#: How many form posts' outcomes are kept for the pages they redirect to.
KEPT = 256
_KEEPING = threading.Lock()  # the requests run in a thread pool


def _kept(request: Request) -> OrderedDict[str, tuple[str, dict[str, object]]]:
    kept: OrderedDict[str, tuple[str, dict[str, object]]] | None = getattr(
        request.app.state, "kept", None
    )
    if kept is None:
        kept = request.app.state.kept = OrderedDict()
    return kept


def keep(request: Request, user: User, **outcome: object) -> str:
    """What a form post did (the files it added, the month it sealed), kept for the page
    it redirects to, under a new random key: post, redirect, get, so that reloading
    that page never sends the form again. The newest `KEPT` are kept, each for one look
    by the user who posted."""
    key = secrets.token_urlsafe(12)
    with _KEEPING:
        kept = _kept(request)
        kept[key] = (user.name, outcome)
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return key


def take(request: Request, user: User, key: str | None) -> dict[str, object]:
    """The outcome `keep` kept under ``key`` for ``user``, once; {} for any other."""
    if not key:
        return {}
    with _KEEPING:
        kept = _kept(request)
        owner, outcome = kept.get(key, ("", {}))
        if owner != user.name:
            return {}
        del kept[key]
    return outcome
