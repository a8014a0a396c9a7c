"""A live server for the web tests: `create_app(Settings(...))` under uvicorn, in a thread,
on 127.0.0.1 and a port the system picked; and the test users, their passwords, and an
API client logged in as one of them.

The socket is bound here, before uvicorn starts, and handed to it: no other process can
take the port between choosing it and listening on it. uvicorn installs no signal
handler outside the main thread, so the test session keeps its own.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import uvicorn

if TYPE_CHECKING:  # imported when a server starts, so that the fixtures load without it
    from appraisal.web.app import Settings

# The test users: (role, departments, password). KF001–KF006 are all in 客服一组 in the
# tests' roster (tests/web/conftest.py), so `li`, the manager of 客服二组, sees none of them.
USERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "zhang": ("manager", ("客服一组",), "zhang-password-1"),
    "li": ("manager", ("客服二组",), "li-password-2"),
    "hr": ("hr", (), "hr-password-3"),
    "auditor": ("auditor", (), "auditor-password-4"),
    "admin": ("admin", (), "admin-password-5"),
}
STARTUP_SECONDS = 20.0
DEMO_LOGINS = Path(__file__).resolve().parents[2] / "examples" / "web" / "demo_logins.txt"


@dataclass(frozen=True)
class LiveServer:
    """A running server: its address (``http://127.0.0.1:PORT``) and its settings."""

    url: str
    settings: Settings


@contextmanager
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """The app on 127.0.0.1, in a thread, for the ``with`` block; stopped after it."""
    from appraisal.web.app import create_app

    app = create_app(settings)
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listening]}, name=f"uvicorn:{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            listening.close()
            raise RuntimeError(f"the test server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(STARTUP_SECONDS)
        listening.close()


@contextmanager
def api_client(
    server: LiveServer, name: str, password: str | None = None
) -> Iterator[httpx.Client]:
    """An HTTP client logged in as ``name`` (with ``password``, else `USERS`' password)
    through ``POST /api/login``, carrying the session cookie and, on every request, the
    CSRF token in ``X-CSRF-Token``."""
    password = USERS[name][2] if password is None else password
    with httpx.Client(base_url=server.url, timeout=60.0) as client:
        answer = client.post("/api/login", json={"username": name, "password": password})
        assert answer.status_code == 200, f"login as {name}: {answer.status_code} {answer.text}"
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        yield client


def write_users(path: Path) -> Path:
    """The users file of `USERS`, written as `appraisal users add` writes it."""
    from appraisal.web.users import add_user

    for name, (role, departments, password) in USERS.items():
        add_user(path, name, role, departments, password)
    return path


def demo_logins() -> dict[str, tuple[str, str]]:
    """`make serve`'s demo users (examples/web/demo_logins.txt): name → (role, password)."""
    text = DEMO_LOGINS.read_text(encoding="utf-8")
    rows = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    return {row[0]: (row[1], row[2]) for row in rows}
