"""The administrator's page and API (issue 13 item 2, "admin: manages users"): the users
listed, added, replaced and removed through ``/users`` and ``/api/users``, at once for the
running server; the refusals (other roles, anonymous, no CSRF token, the administrator
themselves, the last administrator, a bad form); the users file on disk (hashes only,
mode 0600); the Chinese page without English prose.

Every test that changes users works on its own copy of the users file (`live.USERS`),
never on the session's shared one. The month's figures are the walkthrough's
(docs/verification/issue-10-walkthrough.md, tests/web/test_pages_site.py): sealed, 6
people of 客服一组 and a gross of 11,901.72.
"""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from english import english_prose
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from appraisal.i18n import speaking
from appraisal.web.users import UsersFileError, add_user, load_users, remove_user

from .live import USERS
from .test_pages_site import (
    GROSS_SEALED,
    MONTH,
    Site,
    build_draft,
    log_in,
    make_app,
    parsed,
    resolve_and_seal,
    token_of,
    visible_text,
)

NEW_PASSWORD = "wang-password-6"
REFUSED_CSRF = "请求未带本会话的 CSRF 令牌；请刷新页面后重试。"


# -- helpers --------------------------------------------------------------------------------


def own_users(users_file: Path, folder: Path) -> Path:
    """A copy of the test users' file (`live.USERS`) that a test may change."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "users.yaml"
    shutil.copyfile(users_file, copy)
    copy.chmod(0o600)
    return copy


def users_file_of(app: FastAPI) -> Path:
    path: Path = app.state.settings.users_file
    return path


def login_as(app: FastAPI, name: str, password: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    answer = client.post("/login", data={"username": name, "password": password, "next": "/"})
    assert answer.status_code == 303, answer.text
    return client


def api_login(app: FastAPI, name: str, password: str | None = None) -> TestClient:
    """A client logged in through ``POST /api/login``, its CSRF token in every request."""
    client = TestClient(app, follow_redirects=False)
    answer = client.post(
        "/api/login", json={"username": name, "password": password or USERS[name][2]}
    )
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def users_token(client: TestClient) -> str:
    page = client.get("/users")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def post_user(client: TestClient, **fields: str | list[str]) -> Response:
    data: dict[str, str | list[str]] = {"csrf_token": users_token(client), **fields}
    return client.post("/users", data=data)


def done_page(client: TestClient, answer: Response) -> str:
    """A change redirects (303) to /users?done=…, which shows what it did: that page."""
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/users?done="), location
    shown = client.get(location)
    assert shown.status_code == 200
    return visible_text(shown.text)


def row_text(html: str, hook: str) -> str:
    """The visible text of the table row ``data-test=hook``, its cells joined by |."""
    found = re.search(rf'<tr data-test="{re.escape(hook)}">(.*?)</tr>', html, re.S)
    assert found is not None, f"{hook} not on the page"
    return "|".join(visible_text(found.group(1)).splitlines())


def problems_of(html: str) -> list[str]:
    box = re.search(r'data-test="problems">(.*?)</section>', html, re.S)
    assert box is not None, html
    return re.findall(r"<li>(.*?)</li>", box.group(1), re.S)


def remove(client: TestClient, name: str, *, confirm: bool) -> Response:
    data = {"csrf_token": users_token(client)}
    if confirm:
        data["confirm"] = "yes"
    return client.post(f"/users/{name}/remove", data=data)


@pytest.fixture
def app(tmp_path: Path, users_file: Path) -> Iterator[FastAPI]:
    """An app over an empty ledger and its own users file."""
    yield make_app(tmp_path / "ledger.db", own_users(users_file, tmp_path / "users"))


@pytest.fixture(scope="module")
def sealed_site(
    tmp_path_factory: pytest.TempPathFactory, month_files: dict[str, Path], users_file: Path
) -> Iterator[Site]:
    """The month sealed by hr (6 people of 客服一组, 11,901.72), on its own users file."""
    folder = tmp_path_factory.mktemp("users_sealed")
    site = build_draft(folder, month_files, own_users(users_file, folder / "users"))
    resolve_and_seal(site)
    yield site
    for client in site.clients.values():
        client.close()


# -- listing --------------------------------------------------------------------------------


def test_the_admin_lists_every_user_in_chinese_and_never_a_hash(app: FastAPI) -> None:
    admin = log_in(app, "admin")
    answer = admin.get("/users")
    assert answer.status_code == 200
    hooks = parsed(answer.text).hooks
    for name in USERS:
        assert f"user-{name}" in hooks
    assert {"users", "add-user", "users-link", "remove-zhang", "remove-hr"} <= set(hooks)
    assert "remove-admin" not in hooks  # not their own
    assert row_text(answer.text, "user-zhang") == "zhang|部门经理|客服一组|删除"
    assert row_text(answer.text, "user-hr") == "hr|人事专员|删除"
    assert row_text(answer.text, "user-auditor") == "auditor|审计员|删除"
    assert row_text(answer.text, "user-admin") == "admin|管理员"
    assert "argon2" not in answer.text
    listed = api_login(app, "admin").get("/api/users").json()["users"]
    assert [u["name"] for u in listed] == sorted(USERS)
    assert listed[sorted(USERS).index("li")] == {
        "name": "li",
        "role": "manager",
        "role_title": "部门经理",
        "departments": ["客服二组"],
    }


def test_the_months_page_sends_the_admin_to_the_users_and_others_see_no_users_link(
    app: FastAPI,
) -> None:
    moved = log_in(app, "admin").get("/")
    assert moved.status_code == 303 and moved.headers["location"] == "/users"
    for name in ("hr", "auditor", "zhang"):
        page = log_in(app, name).get("/")
        assert page.status_code == 200
        assert "users-link" not in parsed(page.text).hooks, name


# -- adding, replacing --------------------------------------------------------------------


def test_an_added_manager_of_two_departments_logs_in_at_once_and_sees_only_theirs(
    sealed_site: Site,
) -> None:
    app = sealed_site.app
    admin = sealed_site.client("admin")
    shown = done_page(
        admin,
        post_user(
            admin,
            name="wang",
            role="manager",
            departments="客服一组、客服三组",
            password=NEW_PASSWORD,
            password_again=NEW_PASSWORD,
        ),
    )
    assert "已添加用户 wang（部门经理）；现在即可登录。" in shown
    # one field per department, a comma in one of them: the same as 、
    done_page(
        admin,
        post_user(
            admin,
            name="zhao",
            role="manager",
            departments=["客服二组", "客服三组, 客服四组"],
            password="zhao-password-7",
            password_again="zhao-password-7",
        ),
    )
    listed = admin.get("/users").text
    assert row_text(listed, "user-wang") == "wang|部门经理|客服一组、客服三组|删除"
    assert row_text(listed, "user-zhao") == "zhao|部门经理|客服二组、客服三组、客服四组|删除"
    # No restart: both log in now. wang manages 客服一组, all 6 of the sealed month;
    # zhao manages none of its people.
    wang = login_as(app, "wang", NEW_PASSWORD).get("/")
    cells = row_text(wang.text, f"month-{MONTH}").split("|")
    assert cells[:5] == [MONTH, "已封存 第1版", "6", GROSS_SEALED, "0"]
    zhao = login_as(app, "zhao", "zhao-password-7").get("/")
    cells = row_text(zhao.text, f"month-{MONTH}").split("|")
    assert cells[:5] == [MONTH, "已封存 第1版", "0", "0.00", "0"]
    statement = login_as(app, "zhao", "zhao-password-7").get(f"/months/{MONTH}/employees/KF005")
    assert statement.status_code == 403


def test_a_replaced_password_works_at_once_and_the_old_one_no_longer(app: FastAPI) -> None:
    old_session = log_in(app, "zhang")
    assert old_session.get("/").status_code == 200
    admin = log_in(app, "admin")
    shown = done_page(
        admin,
        post_user(
            admin,
            name="zhang",
            role="manager",
            departments="客服一组",
            password=NEW_PASSWORD,
            password_again=NEW_PASSWORD,
        ),
    )
    assert "已替换用户 zhang（部门经理）；其旧密码不再有效。" in shown
    refused = TestClient(app, follow_redirects=False).post(
        "/login", data={"username": "zhang", "password": USERS["zhang"][2], "next": "/"}
    )
    assert refused.status_code == 401
    assert login_as(app, "zhang", NEW_PASSWORD).get("/").status_code == 200
    gone = old_session.get("/")  # the session of the old password ended
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    # the admin replacing their own password stays logged in
    done_page(
        admin,
        post_user(
            admin, name="admin", role="admin", password="admin-new-8", password_again="admin-new-8"
        ),
    )
    assert admin.get("/users").status_code == 200
    assert login_as(app, "admin", "admin-new-8").get("/users").status_code == 200


# -- removing -------------------------------------------------------------------------------


def test_a_removed_user_is_confirmed_first_then_their_sessions_end_at_once(app: FastAPI) -> None:
    page_session = log_in(app, "zhang")
    api_session = api_login(app, "zhang")
    admin = log_in(app, "admin")
    asked = remove(admin, "zhang", confirm=False)
    assert asked.status_code == 200
    assert "remove-confirm" in parsed(asked.text).hooks
    assert "删除用户 zhang（部门经理）？删除后该用户无法再登录" in visible_text(asked.text)
    confirming = [f["action"] for f in parsed(asked.text).forms if "confirm" in f["inputs"]]  # type: ignore[operator]
    assert confirming == ["/users/zhang/remove"]
    assert page_session.get("/").status_code == 200  # asked, not yet removed
    assert load_users(users_file_of(app)).get("zhang") is not None

    shown = done_page(admin, remove(admin, "zhang", confirm=True))
    assert "已删除用户 zhang；其会话已结束。" in shown
    assert "user-zhang" not in parsed(admin.get("/users").text).hooks
    gone = page_session.get(f"/months/{MONTH}")
    assert gone.status_code == 303
    assert gone.headers["location"] == f"/login?next=%2Fmonths%2F{MONTH}"
    assert api_session.get("/api/months").status_code == 401
    assert load_users(users_file_of(app)).get("zhang") is None
    again = TestClient(app, follow_redirects=False).post(
        "/login", data={"username": "zhang", "password": USERS["zhang"][2], "next": "/"}
    )
    assert again.status_code == 401
    assert log_in(app, "li").get("/").status_code == 200  # the others are untouched
    # Given the name again, zhang is a new user: the old sessions stay ended.
    readded = api_login(app, "admin").post(
        "/api/users",
        json={"name": "zhang", "role": "manager", "departments": ["客服一组"], "password": "z-9"},
    )
    assert readded.status_code == 200 and readded.json()["replaced"] is False
    assert page_session.get("/").status_code == 303
    assert api_session.get("/api/months").status_code == 401


def test_the_admin_cannot_remove_themselves_and_the_last_admin_stays(app: FastAPI) -> None:
    path = users_file_of(app)
    admin = log_in(app, "admin")
    for confirm in (False, True):
        refused = remove(admin, "admin", confirm=confirm)
        assert refused.status_code == 409
        assert problems_of(refused.text) == ["不能删除自己（admin）；可由另一位管理员删除。"]
    api_admin = api_login(app, "admin")
    answer = api_admin.delete("/api/users/admin")
    assert answer.status_code == 409
    assert answer.json()["error"]["messages"] == ["不能删除自己（admin）；可由另一位管理员删除。"]
    unknown = api_admin.delete("/api/users/nobody")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["messages"] == ["没有用户 'nobody'；未删除任何用户。"]
    demoted = post_user(admin, name="admin", role="hr", password="x", password_again="x")
    assert demoted.status_code == 422
    assert problems_of(demoted.text) == ["不能更改自己的角色；可由另一位管理员更改"]
    assert load_users(path).get("admin").role == "admin"

    # A second administrator removes the first; then they are the last, and stay.
    added = api_admin.post(
        "/api/users", json={"name": "admin2", "role": "admin", "password": "admin2-password"}
    )
    assert added.status_code == 200 and added.json()["replaced"] is False
    second = login_as(app, "admin2", "admin2-password")
    done_page(second, remove(second, "admin", confirm=True))
    assert admin.get("/users").status_code == 303  # the removed admin's session ended
    assert remove(second, "admin2", confirm=True).status_code == 409
    before = path.read_bytes()
    with speaking("zh"), pytest.raises(UsersFileError) as last:
        remove_user(path, "admin2")
    assert [str(issue) for issue in last.value.issues] == [
        f"{path}:name: 'admin2' 是最后一位管理员：没有管理员就无人能管理用户；"
        "请先添加另一位管理员；未删除任何用户"
    ]
    assert path.read_bytes() == before


def test_remove_user_names_the_file_for_an_unknown_user_and_keeps_the_others(
    tmp_path: Path, users_file: Path
) -> None:
    path = own_users(users_file, tmp_path)
    before = yaml.safe_load(path.read_text(encoding="utf-8"))["users"]
    with speaking("en"), pytest.raises(UsersFileError) as unknown:
        remove_user(path, "nobody")
    assert [str(i) for i in unknown.value.issues] == [
        f"{path}:name: there is no user 'nobody'; nothing was removed"
    ]
    remove_user(path, "li")
    after = yaml.safe_load(path.read_text(encoding="utf-8"))["users"]
    assert after == [entry for entry in before if entry["name"] != "li"]  # hashes kept as they were
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["users.yaml"]  # no temporary file left


# -- refusals -------------------------------------------------------------------------------


def test_every_problem_of_a_bad_form_at_once_and_the_form_kept_but_the_passwords(
    app: FastAPI,
) -> None:
    admin = log_in(app, "admin")
    before = users_file_of(app).read_bytes()
    bad = post_user(
        admin, name="", role="boss", departments="", password="one", password_again="two"
    )
    assert bad.status_code == 422
    assert problems_of(bad.text) == [
        "name 必须是1到64个字符的文本，不含控制字符",
        "未知的角色 &#39;boss&#39;；角色为 manager, hr, auditor, admin",
        "两次输入的密码不一致；请输入两次相同的密码",
    ]
    no_department = post_user(
        admin, name="wu", role="manager", departments=" ", password="one", password_again="two"
    )
    assert no_department.status_code == 422
    html = no_department.text
    assert problems_of(html) == [
        "部门经理（manager）至少需要一个部门",
        "两次输入的密码不一致；请输入两次相同的密码",
    ]
    inputs = next(f for f in parsed(html).forms if f["action"] == "/users")["inputs"]
    assert inputs["name"] == "wu"
    assert inputs["password"] == "" and inputs["password_again"] == ""
    assert 'option value="manager" selected' in html
    kept = post_user(
        admin, name="wu", role="hr", departments="客服一组", password="", password_again=""
    )
    assert problems_of(kept.text) == [
        "只有部门经理（manager）才有部门；hr 可查看所有部门",
        "密码为空",
    ]
    assert 'name="departments" value="客服一组"' in kept.text
    api = api_login(app, "admin").post(
        "/api/users", json={"name": "", "role": "manager", "departments": [], "password": ""}
    )
    assert api.status_code == 422
    assert api.json()["error"]["messages"] == [
        "name 必须是1到64个字符的文本，不含控制字符",
        "部门经理（manager）至少需要一个部门",
        "密码为空",
    ]
    assert users_file_of(app).read_bytes() == before


@pytest.mark.parametrize("name", ["hr", "auditor", "zhang"])
def test_other_roles_get_403_on_the_users_page_and_api(app: FastAPI, name: str) -> None:
    before = users_file_of(app).read_bytes()
    client = log_in(app, name)
    token = token_of(client)
    page = client.get("/users")
    assert page.status_code == 403
    assert "无权管理用户" in visible_text(page.text)
    form = {"csrf_token": token, "name": "x", "role": "admin", "password": "p", "password_again": "p"}  # fmt: skip
    assert client.post("/users", data=form).status_code == 403
    assert client.post("/users/li/remove", data={"csrf_token": token, "confirm": "yes"}).status_code == 403  # fmt: skip
    api = api_login(app, name)
    assert api.get("/api/users").status_code == 403
    added = api.post("/api/users", json={"name": "x", "role": "admin", "password": "p"})
    assert added.status_code == 403
    assert "无权管理用户" in added.json()["error"]["messages"][0]
    assert api.delete("/api/users/li").status_code == 403
    assert users_file_of(app).read_bytes() == before


def test_anonymous_is_sent_to_log_in_or_answered_401(app: FastAPI) -> None:
    before = users_file_of(app).read_bytes()
    anonymous = TestClient(app, follow_redirects=False)
    page = anonymous.get("/users")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fusers"
    assert anonymous.get("/api/users").status_code == 401
    assert anonymous.delete("/api/users/li").status_code == 401
    assert anonymous.post("/api/users", json={"name": "x", "role": "hr", "password": "p"}).status_code == 401  # fmt: skip
    assert anonymous.post("/users", data={"name": "x", "role": "hr"}).status_code == 401
    assert users_file_of(app).read_bytes() == before


def test_a_post_without_its_csrf_token_is_refused(app: FastAPI) -> None:
    before = users_file_of(app).read_bytes()
    admin = log_in(app, "admin")
    form = {"name": "x", "role": "hr", "password": "p-1", "password_again": "p-1"}
    for token in (None, "forged"):
        data = form if token is None else {**form, "csrf_token": token}
        refused = admin.post("/users", data=data)
        assert refused.status_code == 403
        assert REFUSED_CSRF in visible_text(refused.text)
        assert admin.post("/users/li/remove", data={"confirm": "yes"}).status_code == 403
    api = api_login(app, "admin")
    del api.headers["X-CSRF-Token"]
    answer = api.post("/api/users", json={"name": "x", "role": "hr", "password": "p"})
    assert answer.status_code == 403
    assert answer.json()["error"]["messages"] == [REFUSED_CSRF]
    assert api.delete("/api/users/li").status_code == 403
    assert users_file_of(app).read_bytes() == before


# -- the file, the API, the language --------------------------------------------------------


def test_the_users_file_holds_only_argon2_hashes_and_stays_private(app: FastAPI) -> None:
    path = users_file_of(app)
    admin = log_in(app, "admin")
    done_page(
        admin,
        post_user(
            admin,
            name="王芳",
            role="auditor",
            password="王芳的密码-9",
            password_again="王芳的密码-9",
        ),
    )
    api = api_login(app, "admin")
    assert api.post("/api/users", json={"name": "sun", "role": "hr", "password": "sun-pw-10"}).status_code == 200  # fmt: skip
    assert api.delete("/api/users/li").status_code == 200
    text = path.read_text(encoding="utf-8")
    passwords = ["王芳的密码-9", "sun-pw-10", *(password for _r, _d, password in USERS.values())]
    assert not [p for p in passwords if p in text]
    entries = yaml.safe_load(text)["users"]
    assert [e["name"] for e in entries] == ["zhang", "hr", "auditor", "admin", "王芳", "sun"]
    assert all(e["password"].startswith("$argon2id$") for e in entries)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_users(path).check("王芳", "王芳的密码-9") is not None


def test_the_api_adds_replaces_and_removes_a_user(app: FastAPI) -> None:
    api = api_login(app, "admin")
    first = api.post(
        "/api/users",
        json={
            "name": "sun",
            "role": "manager",
            "departments": ["客服一组、客服二组"],
            "password": "a-1",
        },
    )
    assert first.status_code == 200
    assert first.json() == {
        "name": "sun",
        "role": "manager",
        "role_title": "部门经理",
        "departments": ["客服一组", "客服二组"],
        "replaced": False,
    }
    sun = api_login(app, "sun", "a-1")
    assert sun.get("/api/me").json()["departments"] == ["客服一组", "客服二组"]
    second = api.post("/api/users", json={"name": "sun", "role": "hr", "password": "b-2"})
    assert second.json()["replaced"] is True
    assert sun.get("/api/me").status_code == 401  # the old entry's session ended
    assert api_login(app, "sun", "b-2").get("/api/me").json()["role"] == "hr"
    assert api.delete("/api/users/sun").json() == {"removed": "sun"}
    assert "sun" not in [u["name"] for u in api.get("/api/users").json()["users"]]
    assert api.delete("/api/users/sun").status_code == 404


def test_the_chinese_users_page_has_no_english_prose(app: FastAPI) -> None:
    admin = log_in(app, "admin")
    pages = [
        admin.get("/users").text,
        remove(admin, "li", confirm=False).text,
        post_user(admin, name="", role="manager", password="a", password_again="b").text,
    ]
    for html in pages:
        text = visible_text(html)
        assert english_prose(text) == [], text
        assert "用户" in text and "退出" in text


def test_a_users_file_written_by_the_command_line_is_read_by_the_page(
    tmp_path: Path, users_file: Path
) -> None:
    """`appraisal users add`'s `add_user` and the page share the file: what one writes the
    other reads, and `add_user` still says whether it replaced an entry."""
    path = own_users(users_file, tmp_path / "users")
    assert add_user(path, "钱", "hr", [], "qian-password") is False
    assert add_user(path, "钱", "auditor", [], "qian-password-2") is True
    app = make_app(tmp_path / "ledger.db", path)
    page = log_in(app, "admin").get("/users")
    assert row_text(page.text, "user-钱") == "钱|审计员|删除"
