"""The JSON API (issue 13 item 4) over a real ledger: every endpoint refuses an anonymous
caller (401) and a state-changing call without its CSRF token (403); the roles' refusals
(403); a bad upload answered with the command line's messages; the upload limit (413);
the security headers; and a whole month: uploaded, reviewed, sealed, downloaded, replayed.

The month is issue 10's (tests/web/conftest.py): six employees of 客服一组, KF005's
缺卡 day resolved as 事假; sealed, 6 people and a gross total of 11,901.72, KF004's gross
1,862.64 (docs/verification/issue-10-walkthrough.md, worked there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from appraisal.web.auth import COOKIE

from .test_auth import client_for, log_in

MONTH = "/api/months/2026-10"
ITEM = "R-KF005-1016-0000"
#: Every call that changes something, with a body it could take.
CHANGES: list[tuple[str, str, dict[str, object]]] = [
    ("POST", "/api/logout", {}),
    ("POST", f"{MONTH}/files", {"data": {"role": "events"}, "files": {"file": ("e.csv", b"x")}}),
    ("DELETE", f"{MONTH}/files/e.csv", {}),
    ("POST", f"{MONTH}/review/{ITEM}", {"json": {"as": "normal", "reason": "ok"}}),
    ("POST", f"{MONTH}/seal", {"json": {}}),
    ("POST", f"{MONTH}/replay", {"json": {}}),
    ("POST", f"{MONTH}/reseal", {}),
    (
        "POST",
        "/api/what-if",
        {"data": {"from": "2026-10", "to": "2026-10"}, "files": {"policy": ("p.yaml", b"x")}},
    ),
]
READS = [
    "/api/me",
    "/api/months",
    f"{MONTH}/draft",
    MONTH,
    f"{MONTH}/workbook",
    f"{MONTH}/results?version=1",
    f"{MONTH}/payslips",
    f"{MONTH}/employees/KF001/statement",
]


@pytest.fixture
def client(tmp_path: Path, users_file: Path) -> Iterator[TestClient]:
    with client_for(tmp_path / "ledger.db", users_file, max_upload_bytes=2 * 1024 * 1024) as made:
        yield made


def upload(client: TestClient, role: str, path: Path, name: str | None = None) -> object:
    files = {"file": (name or path.name, path.read_bytes())}
    return client.post(f"{MONTH}/files", data={"role": role}, files=files)


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_an_anonymous_change_is_refused_401(
    client: TestClient, method: str, path: str, body: dict[str, object]
) -> None:
    answer = client.request(method, path, **body)  # type: ignore[arg-type]
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == 401


@pytest.mark.parametrize("path", READS)
def test_an_anonymous_read_is_refused_401(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 401
    assert answer.json() == {
        "error": {"status": 401, "messages": ["请先登录：没有有效的会话（已结束或已过期）。"]}
    }


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_a_change_without_the_sessions_csrf_token_is_refused_403(
    client: TestClient, method: str, path: str, body: dict[str, object], token: str | None
) -> None:
    log_in(client, "hr")
    del client.headers["X-CSRF-Token"]
    headers = {} if token is None else {"X-CSRF-Token": token}
    answer = client.request(method, path, headers=headers, **body)  # type: ignore[arg-type]
    assert answer.status_code == 403
    assert answer.json()["error"]["messages"] == ["请求未带本会话的 CSRF 令牌；请刷新页面后重试。"]
    assert client.get("/api/me").status_code == 200  # the session is still there


@pytest.mark.parametrize("path", ["/api/me", "/static/htmx.min.js", "/docs", "/nowhere", "/login"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_the_api_is_documented_at_docs_without_any_script(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "<script" not in page.text
    for path in ("/api/login", "/api/months/{month}/files", "/api/months/{month}/replay"):
        assert f"{path}</code>" in page.text
    assert "登录；返回 CSRF 令牌并设置会话 Cookie" in page.text  # in the reader's language
    schema = client.get("/openapi.json").json()
    assert {"/api/login", "/api/months/{month}/seal", "/api/what-if"} <= set(schema["paths"])


def test_an_upload_over_the_limit_is_refused_413(client: TestClient) -> None:
    log_in(client, "hr")
    big = b"employee_id,name,level\n" + b"x" * (2 * 1024 * 1024)
    answer = client.post(f"{MONTH}/files", data={"role": "roster"}, files={"file": ("r.csv", big)})
    assert answer.status_code == 413
    assert answer.json()["error"]["messages"] == ["上传的文件过大：最多接受 2 MB。"]

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        for _chunk in range(40):
            yield b"y" * 65536

    answer = client.post(
        f"{MONTH}/files",
        content=streamed(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 413
    assert client.get("/api/months").status_code == 200  # the server goes on


def test_a_bad_upload_gets_the_command_lines_messages_in_each_language(
    client: TestClient, month_files: dict[str, Path]
) -> None:
    log_in(client, "hr")
    assert upload(client, "roster", month_files["roster"]).status_code == 200
    bad = (
        b"employee_id,date,kind,value,clause,amount,points,flags,note\n"
        b"KF001,2026-10-40,late,5,,,,,\n"
        b"KF999,2026-10-05,late,5,,,,,\n"
    )
    sent = {"data": {"role": "events"}, "files": {"file": ("events.csv", bad)}}
    answer = client.post(f"{MONTH}/files", **sent)  # type: ignore[arg-type]
    assert answer.status_code == 422
    chinese = answer.json()["error"]["messages"]
    assert chinese[0].startswith("events.csv:2:date: ")
    assert chinese[1].startswith("events.csv:3:employee_id: ") and "KF999" in chinese[1]
    assert chinese[-1] == "输入中有2个问题；未保存任何内容。"
    client.cookies["lang"] = "en"
    english = client.post(f"{MONTH}/files", **sent).json()["error"]["messages"]  # type: ignore[arg-type]
    assert [line.split(": ")[0] for line in english] == [line.split(": ")[0] for line in chinese[:2]] + ["2 problems in the input; nothing was stored."]  # fmt: skip
    assert english != chinese
    draft = client.get(f"{MONTH}/draft").json()
    assert [f["role"] for f in draft["files"]] == ["roster"]  # nothing stored


def test_a_bad_month_is_refused_as_the_command_line_refuses_it(client: TestClient) -> None:
    log_in(client, "hr")
    answer = client.get("/api/months/2026-13/draft")
    assert answer.status_code == 422
    assert answer.json()["error"]["messages"] == ["月份须写作 YYYY-MM，得到 '2026-13'"]


def test_a_body_that_is_not_valid_is_worded(client: TestClient) -> None:
    log_in(client, "hr")
    answer = client.post(f"{MONTH}/review/{ITEM}", json={"reason": "x"})
    assert answer.status_code == 422
    assert answer.json()["error"]["messages"] == ["as：必填，但未提供"]


def test_a_whole_month_through_the_api(
    client: TestClient, month_files: dict[str, Path], users_file: Path, tmp_path: Path
) -> None:
    log_in(client, "hr")
    added = upload(client, "roster", month_files["roster"]).json()  # type: ignore[attr-defined]
    assert [(f["role"], f["name"], f["by"]) for f in added["files"]] == [("roster", "roster.csv", "hr")]  # fmt: skip

    log_in(client, "zhang")  # the manager of 客服一组
    refused = upload(client, "roster", month_files["roster"])
    assert refused.status_code == 403  # type: ignore[attr-defined]
    [said] = refused.json()["error"]["messages"]  # type: ignore[attr-defined]
    assert said.startswith("zhang（部门经理）无权") and "花名册" in said
    for name in ("dingtalk", "workbook"):
        answer = upload(client, "events", month_files[name])
        assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    draft = client.get(f"{MONTH}/draft").json()
    assert {f["by"] for f in draft["files"] if f["role"] == "events"} == {"zhang"}
    items = [r["id"] for r in draft["review"] if r["employee_id"] == "KF005"]
    assert len(items) == 1 and items[0].startswith("R-KF005-1016-")
    item = items[0]

    with client_for(tmp_path / "ledger.db", users_file) as other:  # the same ledger
        log_in(other, "li")  # the manager of 客服二组: none of these employees
        decided = other.post(f"{MONTH}/review/{item}", json={"as": "personal_leave", "reason": "x"})
        assert decided.status_code == 403
        assert other.get(f"{MONTH}/employees/KF005/statement").status_code == 403
        assert other.get(f"{MONTH}/draft").json()["review"] == []

    resolved = client.post(f"{MONTH}/review/{item}", json={"as": "personal_leave", "reason": "事假条补交"})  # fmt: skip
    assert resolved.status_code == 200
    assert resolved.json()["decision"]["by"] == "zhang"
    assert client.post(f"{MONTH}/seal", json={}).status_code == 403  # a manager does not seal

    log_in(client, "auditor")
    answer = client.post(f"{MONTH}/seal", json={})
    assert answer.status_code == 403
    [said] = answer.json()["error"]["messages"]
    assert said.startswith("auditor（审计员）无权") and "封存" in said

    log_in(client, "hr")
    sealed = client.post(f"{MONTH}/seal", json={})
    assert sealed.status_code == 200, sealed.text
    figures = sealed.json()["figures"]
    assert (figures["head_count"], figures["gross"]) == (6, "11901.72")
    kf004 = next(e for e in figures["employees"] if e["employee_id"] == "KF004")
    assert kf004["gross"] == "1862.64"
    again = client.post(f"{MONTH}/seal", json={})
    assert again.status_code == 409  # nothing left to seal, worded
    assert again.json()["error"]["messages"]

    summary = client.get(f"{MONTH}?version=1").json()
    assert summary["version"] == 1 and summary["sealed_by"] == "hr"
    book = client.get(f"{MONTH}/workbook?version=1")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    disposition = book.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and "filename*=UTF-8''" in disposition
    results = client.get(f"{MONTH}/results").json()
    assert {e["employee_id"]: e["pay"]["gross"] for e in results["employees"]}["KF004"] == "1862.64"
    assert client.get(f"{MONTH}/payslips").content[:2] == b"PK"
    assert client.post(f"{MONTH}/replay", json={}).status_code == 403  # hr does not replay

    log_in(client, "auditor")
    replayed = client.post(f"{MONTH}/replay", json={"version": 1})
    assert replayed.status_code == 200 and replayed.json()["identical"] is True
    months = client.get("/api/months").json()["months"]
    assert [(m["month"], m["version"]) for m in months] == [("2026-10", 1)]


def test_logout_through_the_api_clears_the_cookie(client: TestClient) -> None:
    log_in(client, "hr")
    assert client.post("/api/logout").json() == {"ok": True}
    assert COOKIE not in client.cookies
    assert client.get("/api/me").status_code == 401
