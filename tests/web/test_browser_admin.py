"""The admin's page and the English switch, in Chromium (issue 13): the admin adds a
manager in the browser, who logs in at once (no restart) and sees only their department;
then removes them, and their open page stops working; the language switch words the
same page in English and back.

The month is issue 10's (tests/web/conftest.py), sealed through the API first: six people
of 客服一组, 11,901.72 (docs/verification/issue-10-walkthrough.md).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, expect

from .conftest import settings_for
from .live import LiveServer, api_client, live_server
from .test_browser import BROKEN, log_in, open_page, shoot, shots  # noqa: F401 (a fixture)

MONTH = "2026-10"


def seal_the_month(server: LiveServer, month_files: dict[str, Path]) -> None:
    with api_client(server, "hr") as hr:
        for role, key in (("roster", "roster"), ("events", "dingtalk"), ("events", "workbook")):
            file = month_files[key]
            sent = hr.post(
                f"/api/months/{MONTH}/files",
                data={"role": role},
                files={"file": (file.name, file.read_bytes())},
            )
            assert sent.status_code == 200, sent.text
        (item,) = [r["id"] for r in hr.get(f"/api/months/{MONTH}/draft").json()["review"]]
        decided = hr.post(
            f"/api/months/{MONTH}/review/{item}",
            json={"as": "personal_leave", "reason": "事假条补交"},
        )
        assert decided.status_code == 200, decided.text
        assert hr.post(f"/api/months/{MONTH}/seal").json()["figures"]["gross"] == "11901.72"


def test_the_admin_adds_a_manager_who_logs_in_at_once_then_removes_them(
    browser: Browser,
    month_files: dict[str, Path],
    users_file: Path,
    shots: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    BROKEN.clear()
    users = tmp_path / "users.yaml"  # the session's users file stays as it is
    shutil.copy(users_file, users)
    with live_server(settings_for(tmp_path / "ledger.db", users)) as server:
        seal_the_month(server, month_files)
        admin = log_in(browser, server, "admin")
        expect(admin).to_have_url(re.compile(r"/users$"))  # the months are not the admin's
        form = admin.locator("form[data-test=add-user]")
        form.locator("[data-test=user-name]").fill("王主管")
        form.locator("[data-test=user-role]").select_option("manager")
        form.locator("[data-test=user-departments]").fill("客服一组")
        form.locator("[data-test=user-password]").fill("wang-password-2026")
        form.locator("[data-test=user-password-again]").fill("wang-password-2026")
        form.locator("button[type=submit]").click()
        row = admin.locator('[data-test="user-王主管"]')
        expect(row).to_contain_text("部门经理")
        expect(row).to_contain_text("客服一组")
        shoot(admin, shots, "users")

        # The new manager logs in now, without a restart, and sees their six people.
        wang = open_page(browser, server)
        wang.goto("/login")
        wang.fill("input[name=username]", "王主管")
        wang.fill("input[name=password]", "wang-password-2026")
        wang.click("form[data-test=login] button[type=submit]")
        month_row = wang.locator(f"[data-test=month-{MONTH}]")
        expect(month_row).to_contain_text("11,901.72")  # all six are 客服一组's

        # Removed (after the confirmation), their open page answers with the login.
        admin.locator('[data-test="remove-王主管"]').click()
        admin.locator("[data-test=remove-confirm]").click()
        expect(admin.locator('[data-test="user-王主管"]')).to_have_count(0)
        wang.goto(f"/months/{MONTH}")
        expect(wang).to_have_url(re.compile(r"/login\?next="))
    assert BROKEN == []


def test_the_language_switch_words_the_same_page_in_english_and_back(
    browser: Browser, month_files: dict[str, Path], users_file: Path, tmp_path: Path
) -> None:
    with live_server(settings_for(tmp_path / "ledger.db", users_file)) as server:
        seal_the_month(server, month_files)
        auditor = log_in(browser, server, "auditor")
        auditor.goto(f"/months/{MONTH}")
        expect(auditor.locator("h2").first).to_have_text("下载")
        auditor.click("text=English")
        expect(auditor).to_have_url(re.compile(rf"/months/{MONTH}$"))
        expect(auditor.locator("h2").first).to_have_text("Downloads")
        expect(auditor.locator("[data-test=gross-total]")).to_have_text("11,901.72")
        auditor.click("[data-test=replay]")
        expect(auditor.locator("[data-test=replay-result]")).to_contain_text("Identical")
        auditor.click("text=中文")
        expect(auditor.locator("h2").first).to_have_text("下载")
