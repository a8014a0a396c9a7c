"""The pages (issue 13, item 3): logging in, the language switch, the months page and the
draft page, for each role; CSRF on every form; escaping; Chinese without English prose.

The month is built through the pages (test_pages_site.py); figures are the walkthrough's
(docs/verification/issue-10-walkthrough.md)."""

from __future__ import annotations

import json
from pathlib import Path

from english import english_prose

from .test_pages_site import (
    GROSS_BEFORE_DECISION,
    HOSTILE_NAME,
    MONTH,
    Site,
    build_draft,
    drafted,
    log_in,
    make_app,
    parsed,
    token_of,
    visible_text,
)

__all__ = ["drafted"]  # the fixture, used by name

# Words of data, not prose: the input workbook's profile names the command that writes it
# (appraisal template), and KF006's name in our roster is markup (script, alert).
DATA_WORDS = ("appraisal", "template", "script", "alert")


# -- logging in ---------------------------------------------------------------------------


def test_login_keeps_a_local_next_and_refuses_another_site(drafted: Site) -> None:
    client = log_in(drafted.app, "zhang")
    form = parsed(client.get("/login", params={"next": "https://evil.example/x"}).text)
    assert form.forms[0]["inputs"] == {"next": "/", "username": "", "password": ""}
    for target, expected in (
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        (f"/months/{MONTH}?view=draft", f"/months/{MONTH}?view=draft"),
    ):
        answer = client.post(
            "/login", data={"username": "zhang", "password": "zhang-password-1", "next": target}
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == expected, target


def test_a_wrong_password_is_worded_on_the_login_page(users_file: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path / "ledger.db", users_file)  # its own failed-login counts
    client = log_in(app, "hr")
    refused = client.post("/login", data={"username": "hr", "password": "wrong", "next": "/x"})
    assert refused.status_code == 401
    text = visible_text(refused.text)
    assert "用户名或密码不正确。" in text, text
    assert parsed(refused.text).forms[0]["inputs"]["next"] == "/x"
    assert "wrong" not in refused.text  # the password is never shown back
    for _attempt in range(4):  # five failures in all: the sixth attempt is rate-limited
        client.post("/login", data={"username": "hr", "password": "wrong"})
    limited = client.post("/login", data={"username": "hr", "password": "hr-password-3"})
    assert limited.status_code == 429
    assert 'data-test="login-error"' in limited.text
    assert "登录失败次数过多；请在5分钟后再试。" in visible_text(limited.text)


def test_a_page_without_a_session_goes_to_the_login_page(drafted: Site) -> None:
    from fastapi.testclient import TestClient

    anonymous = TestClient(drafted.app, follow_redirects=False)
    answer = anonymous.get(f"/months/{MONTH}?view=draft")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fmonths%2F2026-10%3Fview%3Ddraft"
    login = anonymous.get(answer.headers["location"])
    assert parsed(login.text).forms[0]["inputs"]["next"] == f"/months/{MONTH}?view=draft"


def test_logout_ends_the_session(users_file: Path, tmp_path: Path) -> None:
    client = log_in(make_app(tmp_path / "ledger.db", users_file), "auditor")
    token = token_of(client)
    assert client.post("/logout", data={}).status_code == 403  # no token: refused
    assert client.get("/").status_code == 200
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/").status_code == 303


# -- CSRF -------------------------------------------------------------------------------------


def test_every_form_carries_the_session_token(drafted: Site) -> None:
    for name, paths in (
        ("hr", ["/", f"/months/{MONTH}"]),
        ("zhang", ["/", f"/months/{MONTH}"]),
    ):
        client = drafted.client(name)
        token = token_of(client)
        for path in paths:
            page = parsed(client.get(path).text)
            posts = [f for f in page.forms if f["method"] == "post"]
            assert posts, path
            for form in posts:
                inputs = form["inputs"]
                assert isinstance(inputs, dict)
                assert inputs.get("csrf_token") == token, (name, path, form["action"])
            assert json.loads(page.body_headers) == {"X-CSRF-Token": token}


def test_a_post_without_the_token_is_refused_and_changes_nothing(drafted: Site) -> None:
    hr = drafted.client("hr")
    path = f"/months/{MONTH}/review/{drafted.item}"
    decision = {"as": "absent", "reason": "没有令牌"}
    for extra, headers in (({}, {}), ({"csrf_token": "forged"}, {}), ({}, {"X-CSRF-Token": "forged"})):  # fmt: skip
        refused = hr.post(path, data={**decision, **extra}, headers=headers)
        assert refused.status_code == 403
        assert "CSRF" in visible_text(refused.text)
        assert "Traceback" not in refused.text
    page = hr.get(f"/months/{MONTH}?view=draft").text
    assert "没有令牌" not in page
    assert 'data-test="decision"' not in page


# -- the months page -------------------------------------------------------------------------


def test_the_months_page_shows_the_draft_and_the_start_form_by_role(drafted: Site) -> None:
    hr = parsed(drafted.client("hr").get("/").text)
    assert f"month-{MONTH}" in hr.hooks and "badge-draft" in hr.hooks
    assert "草稿" in "".join(hr.text)
    start = [f for f in hr.forms if f["action"] == "/months"]
    assert len(start) == 1
    auditor = parsed(drafted.client("auditor").get("/").text)
    assert f"month-{MONTH}" in auditor.hooks
    assert not [f for f in auditor.forms if f["action"] == "/months"]  # may not upload


# -- the draft page ----------------------------------------------------------------------------


def test_hr_sees_the_draft_preview_and_the_seal_confirmation(drafted: Site) -> None:
    page = drafted.client("hr").get(f"/months/{MONTH}")
    assert page.status_code == 200
    found = parsed(page.text)
    text = visible_text(page.text)
    assert f"review-{drafted.item}" in found.hooks
    assert {"upload", "seal", "seal-confirm", "seal-summary"} <= set(found.hooks)
    assert {f"employee-KF00{n}" for n in range(1, 7)} <= set(found.hooks)
    assert f"封存 {MONTH}：6人，应发合计 {GROSS_BEFORE_DECISION} 元" in text
    assert "上班缺卡" in text and "尚未处理" in text
    roles = [f for f in found.forms if f["action"] == f"/months/{MONTH}/files"]
    assert len(roles) == 1
    assert "钉钉每日统计" in text  # what was recognised: the DingTalk daily profile
    seal = [f for f in found.forms if f["action"] == f"/months/{MONTH}/seal"]
    assert len(seal) == 1 and "amend" not in seal[0]["inputs"]  # not sealed yet
    assert 'option value="roster"' in page.text


def test_a_manager_sees_their_items_but_no_preview_and_no_seal(drafted: Site) -> None:
    page = drafted.client("zhang").get(f"/months/{MONTH}")
    found = parsed(page.text)
    assert f"review-{drafted.item}" in found.hooks
    assert "upload" in found.hooks
    assert "seal" not in found.hooks and "seal-confirm" not in found.hooks
    assert not [h for h in found.hooks if h.startswith("employee-")]  # no preview
    assert f"/months/{MONTH}/seal" not in page.text
    assert 'option value="roster"' not in page.text  # hr sends the roster
    resolve = [f for f in found.forms if f["action"] == f"/months/{MONTH}/review/{drafted.item}"]
    assert len(resolve) == 1


def test_a_manager_of_another_department_sees_none_of_its_employees(drafted: Site) -> None:
    page = drafted.client("li").get(f"/months/{MONTH}")
    assert page.status_code == 200
    found = parsed(page.text)
    assert not [h for h in found.hooks if h.startswith(("review-", "employee-"))]
    assert "KF005" not in visible_text(page.text)
    assert "陈静" not in page.text


def test_a_manager_decides_an_item_and_the_page_says_who(
    users_file: Path, tmp_path: Path, month_files: dict[str, Path]
) -> None:
    from .test_pages_site import build_draft

    site = build_draft(tmp_path, month_files, users_file)
    zhang = site.client("zhang")
    token = token_of(zhang)
    path = f"/months/{MONTH}/review/{site.item}"
    bad = zhang.post(path, data={"csrf_token": token, "as": "late", "minutes": "x", "reason": "r"})
    assert bad.status_code == 422
    assert 'data-test="problems"' in bad.text and "late:MIN" in bad.text
    done = zhang.post(path, data={"csrf_token": token, "as": "late", "minutes": "12", "reason": "打卡机故障"})  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == f"/months/{MONTH}?view=draft#review-{site.item}"
    text = visible_text(zhang.get(done.headers["location"]).text)
    assert "已处理：迟到 12，处理人 zhang" in text and "打卡机故障" in text


def test_a_refused_upload_lists_every_problem_as_the_cli_does(
    drafted: Site, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "employee_id,date,kind,value\nKF001,2026-13-01,late,5\nKF001,2026-10-02,late,x\n",
        encoding="utf-8",
    )
    hr = drafted.client("hr")
    files = [("file", ("bad.csv", bad.read_bytes(), "text/csv"))]
    data = {"csrf_token": token_of(hr), "role": "events"}
    refused = hr.post(f"/months/{MONTH}/files", data=data, files=files)
    assert refused.status_code == 422
    problems = [line for line in visible_text(refused.text).splitlines() if line.startswith("bad.csv:")]  # fmt: skip
    assert [p.split(" ")[0].rsplit(":", 1)[0] for p in problems] == ["bad.csv:2:date", "bad.csv:3:value"]  # fmt: skip
    assert "输入中有2个问题；未保存任何内容。" in refused.text
    assert "bad.csv" not in visible_text(hr.get(f"/months/{MONTH}").text)  # nothing stored


def test_a_managers_file_of_another_department_is_refused_on_the_draft_page(
    drafted: Site, tmp_path: Path
) -> None:
    """li manages 客服二组; all six are 客服一组's: every row is named, on the draft page
    (its upload form still there to send the right file), and nothing is stored."""
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(
        "employee_id,date,kind,value\nKF001,2026-10-05,late,5\nKF002,2026-10-06,late,7\n",
        encoding="utf-8",
    )
    li = drafted.client("li")
    files = [("file", ("theirs.csv", theirs.read_bytes(), "text/csv"))]
    refused = li.post(
        f"/months/{MONTH}/files", data={"csrf_token": token_of(li), "role": "events"}, files=files
    )
    assert refused.status_code == 403
    text = visible_text(refused.text)
    assert "theirs.csv:2：员工 KF001 不属于您所管的部门（客服二组）" in text
    assert "theirs.csv:3：员工 KF002 不属于您所管的部门（客服二组）" in text
    assert "upload" in parsed(refused.text).hooks
    assert "theirs.csv" not in visible_text(drafted.client("hr").get(f"/months/{MONTH}").text)


# -- escaping, Chinese, the English switch -------------------------------------------------------


def test_a_name_with_markup_is_shown_as_text(drafted: Site) -> None:
    page = drafted.client("hr").get(f"/months/{MONTH}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;赵磊" in page
    assert HOSTILE_NAME in visible_text(page)  # and the reader sees it as it was written


def test_the_chinese_draft_page_has_no_english_prose(drafted: Site) -> None:
    for name in ("hr", "zhang"):
        text = visible_text(drafted.client(name).get(f"/months/{MONTH}").text)
        assert english_prose(text, allowed=DATA_WORDS) == [], name
        assert "绩效考核" in text and "退出" in text


def test_the_english_switch_gives_english_and_comes_back(drafted: Site) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(drafted.app, follow_redirects=False)
    client.cookies = drafted.client("hr").cookies
    page = client.get(f"/months/{MONTH}")
    assert f'href="/lang/en?next=/months/{MONTH}"' in page.text
    switched = client.get("/lang/en", params={"next": f"/months/{MONTH}"})
    assert switched.status_code == 303 and switched.headers["location"] == f"/months/{MONTH}"
    assert "lang=en" in switched.headers["set-cookie"]
    english = visible_text(client.get(f"/months/{MONTH}").text)
    assert "Performance appraisal" in english and "Log out" in english
    assert f"Seal {MONTH}: 6 employee(s), gross total {GROSS_BEFORE_DECISION} yuan" in english
    assert "绩效考核" not in english
    away = client.get("/lang/zh", params={"next": "https://evil.example/"})
    assert away.headers["location"] == "/" and "lang=zh" in away.headers["set-cookie"]
    assert "绩效考核" in visible_text(client.get("/").text)


def test_a_draft_statement_is_the_preview_s(drafted: Site) -> None:
    page = drafted.client("hr").get(f"/months/{MONTH}/employees/KF005")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "草稿预览，未封存" in text and "陈静" in text
    assert f'href="/months/{MONTH}?view=draft"' in page.text


def test_an_uploads_outcome_is_shown_once_and_only_to_who_sent_it(
    tmp_path: Path, month_files: dict[str, Path], users_file: Path
) -> None:
    """Post, redirect, get: the page after an upload says what was added; a reload, or
    another user given the same address, is shown the month without it."""
    site = build_draft(tmp_path, month_files, users_file)
    extra = tmp_path / "extra.csv"
    extra.write_text("employee_id,date,kind,value\nKF001,2026-10-07,late,3\n", encoding="utf-8")
    hr = site.client("hr")
    data = {"csrf_token": token_of(hr), "role": "events"}
    files = [("file", ("extra.csv", extra.read_bytes(), "text/csv"))]
    posted = hr.post(f"/months/{MONTH}/files", data=data, files=files)
    assert posted.status_code == 303
    where = posted.headers["location"]
    assert "recognised" not in parsed(site.client("zhang").get(where).text).hooks
    assert "recognised" in parsed(hr.get(where).text).hooks
    assert "recognised" not in parsed(hr.get(where).text).hooks  # once
