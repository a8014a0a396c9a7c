"""The pages' tests' shared parts (no tests here): an app over a ledger of its own, users
logged in through the login page, and the month built through the pages themselves.

The month is issue 10's (tests/web/conftest.py's ``month_files``): 6 people of 客服一组,
the DingTalk daily export and the filled input workbook. Its figures were verified in
docs/verification/issue-10-walkthrough.md: before KF005's 缺卡 day is decided the preview
is 6 people and a gross of 11,947.70; decided as 事假 (one day of base 1000.00 / 21.75 =
45.98 deducted), 11,947.70 − 45.98 = 11,901.72, the gross of the seal.

Our roster renames KF006 to a name holding markup, to see it shown as text; a name is no
figure, so the figures stay the walkthrough's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from .live import USERS

MONTH = "2026-10"
HOSTILE_NAME = "<script>alert(1)</script>赵磊"
GROSS_BEFORE_DECISION = "11,947.70"
GROSS_SEALED = "11,901.72"


def make_app(ledger: Path, users_file: Path) -> FastAPI:
    from appraisal.web.app import Settings, create_app

    return create_app(Settings(ledger=ledger, users_file=users_file, secret=b"p" * 32))


def log_in(app: FastAPI, name: str) -> TestClient:
    """A browser-like client logged in as ``name`` through the login form (redirects not
    followed, so that each answer can be checked as it is)."""
    client = TestClient(app, follow_redirects=False)
    answer = client.post("/login", data={"username": name, "password": USERS[name][2], "next": "/"})
    assert answer.status_code == 303, answer.text
    return client


def token_of(client: TestClient) -> str:
    """The session's CSRF token, as the months page's forms carry it."""
    page = client.get("/")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def roster_with_hostile_name(month_files: dict[str, Path], folder: Path) -> Path:
    text = month_files["roster"].read_text(encoding="utf-8")
    assert "KF006,赵磊," in text
    roster = folder / "roster.csv"
    roster.write_text(text.replace("KF006,赵磊,", f"KF006,{HOSTILE_NAME},"), encoding="utf-8")
    return roster


def followed(client: TestClient, answer: Response) -> Response:
    """A form post that changed something redirects (303) to the month's page, which shows
    what it did (once): that page, as the browser would load it next."""
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/months/") and "&done=" in location, location
    return client.get(location)


def upload(client: TestClient, path: str, role: str, *files: Path, month: str = "") -> str:
    data = {"csrf_token": token_of(client), "role": role}
    if month:
        data["month"] = month
    sent = [("file", (f.name, f.read_bytes(), "application/octet-stream")) for f in files]
    answer = followed(client, client.post(path, data=data, files=sent))
    assert answer.status_code == 200, answer.text
    return answer.text


@dataclass
class Site:
    """An app over its own ledger, the month's draft made by hr through the pages."""

    app: FastAPI
    ledger: Path
    item: str  # KF005's 缺卡 item, R-KF005-1016-…
    clients: dict[str, TestClient]

    def client(self, name: str) -> TestClient:
        if name not in self.clients:
            self.clients[name] = log_in(self.app, name)
        return self.clients[name]


def build_draft(folder: Path, month_files: dict[str, Path], users_file: Path) -> Site:
    """The month's draft: hr starts it on the months page with the roster, then adds the
    DingTalk export and the filled workbook on the month's page."""
    app = make_app(folder / "ledger.db", users_file)
    site = Site(app, folder / "ledger.db", "", {})
    hr = site.client("hr")
    roster = roster_with_hostile_name(month_files, folder)
    upload(hr, "/months", "roster", roster, month=MONTH)
    shown = upload(
        hr, f"/months/{MONTH}/files", "events", month_files["dingtalk"], month_files["workbook"]
    )
    found = re.search(r"R-KF005-1016-[0-9a-f]{4}", shown)
    assert found is not None, shown
    site.item = found.group(0)
    return site


def resolve_and_seal(site: Site) -> None:
    hr = site.client("hr")
    token = token_of(hr)
    decided = hr.post(
        f"/months/{MONTH}/review/{site.item}",
        data={"csrf_token": token, "as": "personal_leave", "reason": "事假条补交"},
    )
    assert decided.status_code == 303, decided.text
    sealed = followed(hr, hr.post(f"/months/{MONTH}/seal", data={"csrf_token": token}))
    assert sealed.status_code == 200, sealed.text


@pytest.fixture(scope="module")
def drafted(
    tmp_path_factory: pytest.TempPathFactory, month_files: dict[str, Path], users_file: Path
) -> Iterator[Site]:
    """The month in draft, KF005's item not decided yet."""
    site = build_draft(tmp_path_factory.mktemp("drafted"), month_files, users_file)
    yield site
    for client in site.clients.values():
        client.close()


@pytest.fixture(scope="module")
def sealed(
    tmp_path_factory: pytest.TempPathFactory, month_files: dict[str, Path], users_file: Path
) -> Iterator[Site]:
    """The month sealed by hr (version 1), KF005's item decided as 事假."""
    site = build_draft(tmp_path_factory.mktemp("sealed"), month_files, users_file)
    resolve_and_seal(site)
    yield site
    for client in site.clients.values():
        client.close()


class Forms(HTMLParser):
    """Each form of a page: its method, action, and its inputs' names and values; the
    body's hx-headers; the elements' data-test hooks; and the page's visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self.body_headers = ""
        self.hooks: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {k: v or "" for k, v in attrs}
        if "data-test" in given:
            self.hooks.append(given["data-test"])
        if tag == "body":
            self.body_headers = given.get("hx-headers", "")
        elif tag == "form":
            method = given.get("method", "get").lower()
            self.forms.append({"method": method, "action": given.get("action", ""), "inputs": {}})
        elif tag in ("input", "select", "button") and self.forms and "name" in given:
            inputs = self.forms[-1]["inputs"]
            assert isinstance(inputs, dict)
            inputs.setdefault(given["name"], given.get("value", ""))
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parsed(html: str) -> Forms:
    forms = Forms()
    forms.feed(html)
    return forms


def visible_text(html: str) -> str:
    """The text a reader sees, a line per text node."""
    return "\n".join(t.strip() for t in parsed(html).text if t.strip())
