"""Logins, sessions and CSRF tokens: who is asking, and whether the request is theirs.

A login (`log_in`) checks the name and password against the users file as the server
last read it (`app.state.users`: at start, and after each change on the admin's page), then opens a session held here, in the server's memory: the cookie
``appraisal_session`` carries only its random id, signed (itsdangerous), HttpOnly,
SameSite=Lax, and Secure when the server says so. A session ends at logout (`log_out`)
or after `IDLE` without a request; a restart ends them all.

Each session has its CSRF token (`secrets.token_urlsafe`): a state-changing API call
carries it in the header ``X-CSRF-Token`` (`csrf_api`), a form in the field
``csrf_token`` (`csrf_form`); every comparison is constant-time. Failed logins are
counted per user name and per client address: `MAX_FAILURES` within `WINDOW` and the
next attempt is refused (429) until the oldest failure is older than `WINDOW`.

The pages and the API take these as FastAPI dependencies (`api_user`, `page_user`, …).
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from fastapi import Request, Response
from itsdangerous import BadSignature, Signer

from appraisal.i18n import _
from appraisal.web.access import require  # the interface's; the desk words it
from appraisal.web.errors import Forbidden, Unauthorized, WebError
from appraisal.web.users import User, Users

__all__ = [
    "COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "IDLE",
    "MAX_FAILURES",
    "WINDOW",
    "Guard",
    "LoginRequired",
    "api_user",
    "csrf_api",
    "csrf_form",
    "csrf_token",
    "log_in",
    "log_out",
    "page_user",
    "require",
]

COOKIE = "appraisal_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
IDLE = 8 * 60 * 60  # seconds without a request before a session ends
MAX_FAILURES = 5  # failed logins per user name, and per client address, within WINDOW
WINDOW = 5 * 60
log = logging.getLogger("appraisal.web")


class LoginRequired(Exception):
    """A page asked for without a live session: the app answers with a redirect (303) to
    ``location``, the login page, which comes back to the page after the login."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


@dataclass
class _Session:
    username: str
    csrf: str
    seen: float


@dataclass
class Guard:
    """The server's sessions and failed logins (``app.state.guard``), and the signer of
    its cookies. ``clock`` is monotonic seconds (a test moves it)."""

    secret: bytes
    users: Users
    secure_cookies: bool = False
    clock: Callable[[], float] = time.monotonic
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.signer = Signer(self.secret, salt="appraisal.session")

    # -- sessions
    def open(self, username: str) -> tuple[str, str]:
        """A new session for ``username``: its signed cookie value and its CSRF token."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session_id] = _Session(username, csrf, self.clock())
        return self.signer.sign(session_id).decode("ascii"), csrf

    def session(self, cookie: str | None, *, touch: bool = True) -> _Session | None:
        """The live session the cookie names, or None (unsigned, unknown, ended, idle)."""
        session_id = self._id_of(cookie)
        if session_id is None:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            now = self.clock()
            if session is None:
                return None
            if now - session.seen > IDLE:
                del self._sessions[session_id]
                return None
            if touch:
                session.seen = now
            return session

    def end_sessions(self, username: str, keep: str | None = None) -> int:
        """End every session of ``username`` (removed, or given a new password) but the one
        the cookie ``keep`` names (the administrator's own, when they changed themselves);
        how many ended."""
        kept = self._id_of(keep)
        with self._lock:
            ended = [
                session_id
                for session_id, session in self._sessions.items()
                if session.username == username and session_id != kept
            ]
            for session_id in ended:
                del self._sessions[session_id]
        return len(ended)

    def close(self, cookie: str | None) -> None:
        session_id = self._id_of(cookie)
        if session_id is not None:
            with self._lock:
                self._sessions.pop(session_id, None)

    def _id_of(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return self.signer.unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeError):
            return None

    # -- failed logins
    def wait_for(self, keys: tuple[str, ...]) -> float:
        """Seconds until a login with these keys may be tried again; 0 when it may now."""
        with self._lock:
            now = self.clock()
            waits = [0.0]
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= MAX_FAILURES:
                    waits.append(failures[0] + WINDOW - now)
            return max(waits)

    def failed(self, keys: tuple[str, ...]) -> None:
        with self._lock:
            now = self.clock()
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] >= WINDOW:
            failures.popleft()
        return failures


def _guard(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


def _live_user(request: Request) -> User | None:
    guard = _guard(request)
    session = guard.session(request.cookies.get(COOKIE))
    return guard.users.get(session.username) if session is not None else None


def api_user(request: Request) -> User:
    """The logged-in user of an API call; 401 without a live session."""
    user = _live_user(request)
    if user is None:
        raise Unauthorized(_("Log in first: there is no live session (it ended or expired)."))
    return user


def page_user(request: Request) -> User:
    """The logged-in user of a page; without a live session, to the login page and back."""
    user = _live_user(request)
    if user is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(f"/login?next={quote(here, safe='')}")
    return user


def csrf_token(request: Request) -> str:
    """The session's CSRF token, for a page's forms; "" without a live session."""
    session = _guard(request).session(request.cookies.get(COOKIE), touch=False)
    return session.csrf if session is not None else ""


def _check_csrf(request: Request, given: str | None) -> None:
    session = _guard(request).session(request.cookies.get(COOKIE), touch=False)
    if session is None:
        raise Unauthorized(_("Log in first: there is no live session (it ended or expired)."))
    if not given or not secrets.compare_digest(given.encode(), session.csrf.encode()):
        raise Forbidden(
            _(
                "The request does not carry this session's CSRF token; reload the page and try again."
            )
        )


def csrf_api(request: Request) -> None:
    """A state-changing API call must carry the session's token in ``X-CSRF-Token``."""
    _check_csrf(request, request.headers.get(CSRF_HEADER))


async def csrf_form(request: Request) -> None:
    """A form must carry the session's token in its field ``csrf_token``."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    _check_csrf(request, given if isinstance(given, str) else None)


def log_in(request: Request, response: Response, username: str, password: str) -> str:
    """Check the login, open a session and set its cookie on ``response``; the session's
    CSRF token. 401 for a wrong name or password, 429 after too many failures."""
    guard = _guard(request)
    address = request.client.host if request.client is not None else "unknown"
    keys = (f"user:{username}", f"address:{address}")
    wait = guard.wait_for(keys)
    if wait > 0:
        log.warning("login refused, too many failures: user %r from %s", username, address)
        message = _("Too many failed logins; try again in {minutes} minute(s).")
        raise WebError(message.format(minutes=max(1, math.ceil(wait / 60))), 429)
    user = guard.users.check(username, password)
    if user is None:
        guard.failed(keys)
        log.warning("login failed: user %r from %s", username, address)  # never the password
        raise Unauthorized(_("The user name or the password is wrong."))
    guard.succeeded(keys[0])
    guard.close(request.cookies.get(COOKIE))  # a new id at every login, never the old one
    cookie, csrf = guard.open(user.name)
    response.set_cookie(
        COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=guard.secure_cookies,
        path="/",
    )
    log.info("login: %s (%s) from %s", user.name, user.role, address)
    return csrf


def log_out(request: Request, response: Response) -> None:
    """End the session on the server and clear its cookie."""
    guard = _guard(request)
    session = guard.session(request.cookies.get(COOKIE), touch=False)
    if session is not None:
        log.info("logout: %s", session.username)
    guard.close(request.cookies.get(COOKIE))
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
