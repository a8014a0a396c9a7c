"""Logins, sessions, CSRF and the login rate limit (issue 13 items 2 and 5), through the
app's HTTP interface: FastAPI's TestClient over `create_app`, the users of `live.USERS`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from appraisal.web.app import Settings, create_app
from appraisal.web.auth import COOKIE, IDLE, MAX_FAILURES, WINDOW

from .live import USERS

SECRET = b"auth-tests-" + b"1" * 21


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client_for(ledger: Path, users_file: Path, **settings: object) -> TestClient:
    app = create_app(Settings(ledger=ledger, users_file=users_file, secret=SECRET, **settings))  # type: ignore[arg-type]
    return TestClient(app)


def log_in(client: TestClient, name: str) -> str:
    """Log ``name`` in with their password; the CSRF token (also set on the client)."""
    answer = client.post("/api/login", json={"username": name, "password": USERS[name][2]})
    assert answer.status_code == 200, answer.text
    token = answer.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return str(token)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(tmp_path: Path, users_file: Path, clock: Clock) -> Iterator[TestClient]:
    with client_for(tmp_path / "ledger.db", users_file) as made:
        made.app.state.guard.clock = clock  # type: ignore[attr-defined]
        yield made


def test_a_login_sets_a_signed_httponly_samesite_cookie_and_returns_the_csrf_token(
    client: TestClient,
) -> None:
    answer = client.post("/api/login", json={"username": "zhang", "password": "zhang-password-1"})
    assert answer.status_code == 200
    token = answer.json()["csrf_token"]
    assert len(token) >= 40  # secrets.token_urlsafe(32): 43 characters
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # Settings.secure_cookies is off by default
    session_id, _dot, signature = client.cookies[COOKIE].rpartition(".")
    assert session_id and signature  # the id and its signature
    me = client.get("/api/me").json()
    assert me["name"] == "zhang" and me["role"] == "manager" and me["departments"] == ["客服一组"]
    assert set(me["rights"]) == {"read", "upload", "resolve"}


def test_secure_cookies_when_the_settings_say_so(tmp_path: Path, users_file: Path) -> None:
    with client_for(tmp_path / "l.db", users_file, secure_cookies=True) as client:
        answer = client.post("/api/login", json={"username": "hr", "password": "hr-password-3"})
        assert "Secure" in answer.headers["set-cookie"]


@pytest.mark.parametrize(
    ("username", "password"), [("zhang", "wrong-password"), ("nobody", "zhang-password-1")]
)
def test_a_bad_login_is_refused_alike_for_a_wrong_password_and_an_unknown_name(
    client: TestClient, username: str, password: str
) -> None:
    answer = client.post("/api/login", json={"username": username, "password": password})
    assert answer.status_code == 401
    assert answer.json() == {"error": {"status": 401, "messages": ["用户名或密码不正确。"]}}
    assert COOKIE not in client.cookies
    assert client.get("/api/me").status_code == 401


def test_the_same_refusal_in_english_with_the_lang_cookie(client: TestClient) -> None:
    client.cookies["lang"] = "en"
    answer = client.post("/api/login", json={"username": "zhang", "password": "nope"})
    assert answer.json()["error"]["messages"] == ["The user name or the password is wrong."]


def test_five_failures_lock_the_name_out_for_five_minutes(client: TestClient, clock: Clock) -> None:
    for _attempt in range(MAX_FAILURES):
        assert (
            client.post("/api/login", json={"username": "hr", "password": "x"}).status_code == 401
        )
    # the right password too is refused now, without being checked
    right = {"username": "hr", "password": "hr-password-3"}
    refused = client.post("/api/login", json=right)
    assert refused.status_code == 429
    assert refused.json()["error"]["messages"] == ["登录失败次数过多；请在5分钟后再试。"]
    clock.now += WINDOW - 59  # the oldest failure is 4 min 1 s old: 59 s to wait, "1 minute"
    assert "1分钟" in client.post("/api/login", json=right).json()["error"]["messages"][0]
    clock.now += 59  # five minutes after the first failure
    assert client.post("/api/login", json=right).status_code == 200


def test_failures_are_counted_per_address_too(client: TestClient) -> None:
    names = ["a", "b", "c", "d", "e"]  # five names, one address (TestClient's "testclient")
    for name in names:
        assert (
            client.post("/api/login", json={"username": name, "password": "x"}).status_code == 401
        )
    answer = client.post("/api/login", json={"username": "hr", "password": "hr-password-3"})
    assert answer.status_code == 429


def test_a_login_forgets_the_names_failures(client: TestClient) -> None:
    for _attempt in range(MAX_FAILURES - 1):
        client.post("/api/login", json={"username": "zhang", "password": "x"})
    log_in(client, "zhang")
    client.post("/api/login", json={"username": "zhang", "password": "x"})
    # four failures before the login were forgotten; one since. (The address has 5 now.)
    guard = client.app.state.guard  # type: ignore[attr-defined]
    assert guard.wait_for(("user:zhang",)) == 0


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    log_in(client, "hr")
    old = client.cookies[COOKIE]
    assert client.post("/api/logout").status_code == 200
    assert COOKIE not in client.cookies  # cleared on the client
    client.cookies[COOKIE] = old  # and the old cookie, kept by someone, no longer works
    answer = client.get("/api/me")
    assert answer.status_code == 401
    assert answer.json()["error"]["messages"] == ["请先登录：没有有效的会话（已结束或已过期）。"]


def test_a_session_ends_after_eight_idle_hours_not_while_used(
    client: TestClient, clock: Clock
) -> None:
    log_in(client, "auditor")
    clock.now += IDLE - 1
    assert client.get("/api/me").status_code == 200  # used: its idle time starts again
    clock.now += IDLE - 1
    assert client.get("/api/me").status_code == 200
    clock.now += IDLE + 1
    assert client.get("/api/me").status_code == 401
    assert IDLE == 8 * 60 * 60


def test_a_forged_or_tampered_cookie_is_no_session(client: TestClient) -> None:
    log_in(client, "hr")
    session_id, _dot, signature = client.cookies[COOKIE].rpartition(".")
    client.cookies[COOKIE] = f"{session_id}.{signature[::-1]}"
    assert client.get("/api/me").status_code == 401
    client.cookies[COOKIE] = session_id  # unsigned
    assert client.get("/api/me").status_code == 401


def test_a_new_login_gets_a_new_session_and_ends_the_old_one(client: TestClient) -> None:
    log_in(client, "zhang")
    first = client.cookies[COOKIE]
    log_in(client, "hr")
    assert client.cookies[COOKIE] != first
    assert client.get("/api/me").json()["name"] == "hr"
    client.cookies[COOKIE] = first
    assert client.get("/api/me").status_code == 401


def test_another_servers_cookie_is_not_taken(tmp_path: Path, users_file: Path) -> None:
    with client_for(tmp_path / "a.db", users_file) as one:
        log_in(one, "hr")
        cookie = one.cookies[COOKIE]
    other = create_app(Settings(ledger=tmp_path / "b.db", users_file=users_file))  # random secret
    with TestClient(other) as two:
        two.cookies[COOKIE] = cookie
        assert two.get("/api/me").status_code == 401


def test_a_page_without_a_session_redirects_to_the_login_and_back(client: TestClient) -> None:
    answer = client.get("/months/2026-10?tab=review", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fmonths%2F2026-10%3Ftab%3Dreview"


def test_the_password_is_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    client.post("/api/login", json={"username": "zhang", "password": "a-secret-typo"})
    log_in(client, "zhang")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "login failed: user 'zhang'" in logged and "login: zhang (manager)" in logged
    assert "a-secret-typo" not in logged and "zhang-password-1" not in logged


def test_a_post_from_another_site_is_refused_even_the_login(client: TestClient) -> None:
    """Login CSRF (another site's form logging the browser in as someone else) has no
    token to check: the browser's Origin and Sec-Fetch-Site headers say where it came from."""
    login = {"username": "zhang", "password": "zhang-password-1"}
    evil = client.post("/api/login", json=login, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and COOKIE not in evil.cookies
    assert evil.json()["error"]["messages"] == ["拒绝来自其他网站的请求：请从本站自己的页面操作。"]
    fetched = client.post("/login", data=login, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetched.status_code == 403 and COOKIE not in fetched.cookies
    # Sec-Fetch-Site outranks Origin: a browser's form on this site sends same-origin.
    crossed = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"}
    assert client.post("/api/login", json=login, headers=crossed).status_code == 403
    ours = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/login", json=login, headers=ours).status_code == 200
    same = client.post("/api/login", json=login, headers={"Origin": "http://testserver"})
    assert same.status_code == 200 and same.json()["csrf_token"]
    assert client.get("/api/me", headers={"Origin": "http://evil.example"}).status_code == 200
