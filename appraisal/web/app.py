"""The web application: `create_app(Settings)`, the FastAPI app `appraisal serve` runs.

Around every request, one ASGI layer (`_Edge`) sets what holds for all of them: a
state-changing request from another site refused (403), the request's language (the cookie ``lang``, zh or en, else zh), the security headers on
every response, the upload limit (413 when the ``Content-Length`` or the body read so far
passes it), and the last word on any error nobody expected: logged here, on the server,
with its traceback, and answered 500 with a short message, never the trace.

Every refusal is worded for the user (`appraisal.web.errors.WebError`; an
`AppraisalError` of the engine as the command line words it, `appraisal.problems`) and
answered as JSON under ``/api`` (``{"error": {"status": 403, "messages": […]}}``) or as
the error page (`appraisal.web.pages.error_page`) otherwise.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appraisal.domain.errors import AppraisalError, BadFile, InputError
from appraisal.domain.version import __version__
from appraisal.i18n import LANGUAGES, _, speaking
from appraisal.ledger.backend import LedgerTarget, shown
from appraisal.problems import CHANGED, STORED, WRITTEN_OR_SEALED, problem_messages
from appraisal.web import api, api_docs, api_users, pages, pages_users
from appraisal.web.auth import Guard, LoginRequired
from appraisal.web.desk import Desk
from appraisal.web.errors import WebError
from appraisal.web.pages_base import LANG_COOKIE  # the language switch's cookie
from appraisal.web.users import load_users

__all__ = ["LANG_COOKIE", "SECURITY_HEADERS", "Settings", "TooLarge", "create_app"]

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make a form's Origin "null"
    (b"x-frame-options", b"DENY"),
)
log = logging.getLogger("appraisal.web")


@dataclass(frozen=True)
class Settings:
    """What a server is started with (`appraisal serve`'s options)."""

    ledger: LedgerTarget = Path("appraisal.db")
    users_file: Path = Path("users.yaml")
    policy: Path | None = None
    secret: bytes | None = None  # None: random per start (a restart ends every session)
    max_upload_bytes: int = 20 * 1024 * 1024
    secure_cookies: bool = False


class TooLarge(HTTPException):
    """A request body over `Settings.max_upload_bytes` (an HTTPException, so that FastAPI's
    body parsing lets it through as it is)."""

    def __init__(self) -> None:
        super().__init__(413)


def create_app(settings: Settings) -> FastAPI:
    """The application: the API (``/api``, documented at ``/docs``), the pages, ``/static``.

    Reads the users file now (`UsersFileError` when it cannot be used). The admin's page
    (`pages_users`, `api_users`) reloads it after each change it makes; a user added with
    `appraisal users add` while the server runs can log in after the next start, or the
    next change made on that page."""
    users = load_users(settings.users_file)
    app = FastAPI(
        title="appraisal",
        version=__version__,
        description=_API_DESCRIPTION,
        docs_url=None,  # our own /docs (api_docs): Swagger UI would need a CDN and scripts
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.users = users
    app.state.guard = Guard(
        settings.secret or secrets.token_bytes(32), users, settings.secure_cookies
    )
    app.state.desk = Desk(settings.ledger, settings.policy)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(api_users.router)
    app.include_router(api_docs.router)
    app.include_router(pages.router)
    app.include_router(pages_users.router)
    _handle_errors(app, settings)
    app.add_middleware(_Edge, max_upload_bytes=settings.max_upload_bytes)
    return app


_API_DESCRIPTION = (
    "The month's lifecycle for logged-in users. Log in with POST /api/login; every "
    "state-changing call carries the returned csrf_token in the header X-CSRF-Token. "
    'Errors are {"error": {"status": N, "messages": [...]}}, worded as the command line words them.'
)


def answer(request: Request, status: int, messages: Sequence[str]) -> Response:
    """A refusal as the caller reads it: JSON under /api, the error page otherwise."""
    if request.url.path == "/api" or request.url.path.startswith("/api/"):
        body = {"error": {"status": status, "messages": list(messages)}}
        return JSONResponse(body, status_code=status)
    return pages.error_page(request, status, list(messages))


def _then(request: Request) -> str:
    """What the refused request would have done, for the closing line of its problems."""
    path = request.url.path
    if path.endswith("/files") and request.method == "POST":
        return STORED
    if path.endswith(("/seal", "/reseal")):
        return WRITTEN_OR_SEALED
    if request.method in ("POST", "DELETE") and ("/review/" in path or "/files/" in path):
        return CHANGED
    return "."


def _handle_errors(app: FastAPI, settings: Settings) -> None:
    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, WebError)
        return answer(request, error.status, error.messages)

    async def engine(request: Request, error: Exception) -> Response:
        assert isinstance(error, AppraisalError)
        month = str(request.path_params.get("month", request.path_params.get("after", "")))
        messages = problem_messages(
            error, ledger=shown(settings.ledger), month=month, then=_then(request)
        )
        status = 422 if isinstance(error, InputError | BadFile) else 409
        return answer(request, status, messages)

    async def invalid(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return answer(request, 422, [_validation_message(e) for e in error.errors()])

    async def http(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return answer(request, error.status_code, [_http_message(error.status_code, settings)])

    async def login(request: Request, error: Exception) -> Response:
        assert isinstance(error, LoginRequired)
        return RedirectResponse(error.location, status_code=303)

    app.add_exception_handler(WebError, refused)
    app.add_exception_handler(AppraisalError, engine)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(LoginRequired, login)


def _validation_message(error: Any) -> str:
    where = [str(part) for part in error.get("loc", ())[1:]] or [str(error.get("loc", ("",))[0])]
    name = ".".join(where)
    kind = str(error.get("type", ""))
    if kind == "missing":
        return _("{field}: required, and not given").format(field=name)
    if kind == "json_invalid":
        return _("the request body is not valid JSON")
    if kind.startswith("int_"):
        return _("{field}: must be a whole number").format(field=name)
    if kind.startswith("string_"):
        return _("{field}: must be a text").format(field=name)
    return _("{field}: not valid here").format(field=name)


def _http_message(status: int, settings: Settings) -> str:
    if status == 413:
        most = settings.max_upload_bytes
        shown_size = f"{most / 1024 / 1024:g} MB" if most >= 1024 * 1024 else f"{most} B"
        return _("The upload is too large: at most {size} is taken.").format(size=shown_size)
    if status == 404:
        return _("There is no such page.")
    if status == 405:
        return _("This address does not take that method.")
    return _("The request cannot be answered (HTTP {status}).").format(status=status)


class _Edge:
    """Language, security headers, the upload limit and the last word on errors, for
    every request (pure ASGI, so the endpoint runs in the language's context)."""

    def __init__(self, app: ASGIApp, max_upload_bytes: int) -> None:
        self.app = app
        self.most = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _value in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        with speaking(_language_of(scope)):
            if _cross_site(scope):
                message = _("A request from another site is refused: use this site's own pages.")
                await answer(Request(scope), 403, [message])(scope, receive, send_secured)
                return
            try:
                await self.app(scope, self._limited(scope, receive), send_secured)
            except Exception:
                log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
                if started:
                    raise
                message = _("Something went wrong on the server; the error is logged there.")
                try:
                    response = answer(Request(scope), 500, [message])
                except Exception:  # the error page itself failed: plain text, still no trace
                    log.exception("the error page failed on %s", scope.get("path"))
                    response = PlainTextResponse(message, status_code=500)
                await response(scope, receive, send_secured)

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        try:
            too_large = int(declared) > self.most
        except ValueError:
            too_large = False
        read = 0

        async def counted() -> Message:
            nonlocal read
            if too_large:
                raise TooLarge()
            message = await receive()
            read += len(message.get("body", b""))
            if read > self.most:
                raise TooLarge()
            return message

        return counted


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _cross_site(scope: Scope) -> bool:
    """A state-changing request another site's page made the browser send. A browser
    says where a request comes from in ``Sec-Fetch-Site`` (same-origin, or none when
    the user typed it); one too old for that, in ``Origin``. This guards what no CSRF
    token can, the login form (no session yet), and backs the tokens up everywhere else.
    Clients that send neither header (curl, scripts) pass."""
    if scope.get("method", "GET") in SAFE_METHODS:
        return False
    headers = dict(scope.get("headers", []))
    fetched_from = headers.get(b"sec-fetch-site")
    if fetched_from is not None:
        return fetched_from not in (b"same-origin", b"none")
    origin = headers.get(b"origin")
    if origin is None:
        return False
    host = headers.get(b"host", b"").decode("latin-1")
    return origin.decode("latin-1") not in (f"http://{host}", f"https://{host}")


def _language_of(scope: Scope) -> str:
    headers = dict(scope.get("headers", []))
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
    except CookieError:  # a malformed cookie header: the default language
        return "zh"
    morsel = cookie.get(LANG_COOKIE)
    return morsel.value if morsel is not None and morsel.value in LANGUAGES else "zh"
