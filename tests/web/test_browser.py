"""Issue 13, item 6: the whole month walked in a real browser (Debian's Chromium, driven by
Playwright), and the refusals.

The month is issue 10's (tests/web/conftest.py): hr starts it with the roster; the manager
of 客服一组 drops the DingTalk daily export on the page, chooses the filled input workbook,
sees what was recognised and resolves KF005's 缺卡 day as 事假; hr previews (6 people,
gross 11,901.72, the figure docs/verification/issue-10-walkthrough.md worked), seals and
downloads the workbook, which is byte for byte `appraisal export`'s; the auditor replays
and reads 一致. Refused on the way: the roster from a manager, everything of KF001–KF006
from the manager of 客服二组 (page and API), anyone not logged in, a form without its CSRF
token, a file with problems (each named file:row:column, as the CLI names it).

Chromium is Debian's (/usr/bin/chromium; .ci/run installs it), never a downloaded one:
without it these tests are skipped, and under CI they fail. Each page is photographed, into
the folder APPRAISAL_SCREENSHOTS names (docs/images/web/ for the README), else the test's
temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ROOT, appraisal_cli, settings_for
from .live import USERS, LiveServer, api_client, demo_logins, live_server

MONTH = "2026-10"
KF = [f"KF00{n}" for n in range(1, 7)]
BAD_EVENTS = (
    "employee_id,date,kind,value,clause,amount,points,flags,note\n"
    "KF001,2026-10-09,late,abc,,,,,x\n"
    "KF001,2026-13-01,late,5,,,,,y\n"
    "KF002,2026-10-09,lateness,5,,,,,z\n"
)
# A DataTransfer holding one file, dropped on the upload form's drop zone as a person's
# drag from the desktop drops it (Playwright's set_input_files does not drag).
DROP = """([name, bytes]) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], name));
    return transfer;
}"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("APPRAISAL_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# What the browser said went wrong in a page: a script's error, or a script or style the
# page's Content-Security-Policy blocked (the refusals' 401/403 answers are not counted).
BROKEN: list[str] = []


def open_page(browser: Browser, server: LiveServer) -> Page:
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 860}, accept_downloads=True
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.on("pageerror", lambda error: BROKEN.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and BROKEN.append(f"{page.url}: {message.text}")
        ),
    )
    return page


def log_in(browser: Browser, server: LiveServer, name: str) -> Page:
    """A browser of its own (cookies and all) for ``name``, logged in through the form."""
    page = open_page(browser, server)
    page.goto("/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", USERS[name][2])
    page.click("form[data-test=login] button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    expect(page.locator("[data-test=user]")).to_contain_text(name)
    return page


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def upload(page: Page, role: str, file: Path, *, drop: bool = False) -> None:
    """One file sent through the draft's upload form: dropped on its drop zone, or chosen."""
    form = page.locator("form[data-test=upload]")
    form.locator("select[name=role]").select_option(role)
    if drop:
        transfer = page.evaluate_handle(DROP, [file.name, list(file.read_bytes())])
        form.locator("[data-test=dropzone]").dispatch_event("drop", {"dataTransfer": transfer})
        chosen = form.locator("input[type=file]").evaluate("input => input.files.length")
        assert chosen == 1, "the drop zone did not take the dropped file"
    else:
        form.locator("input[type=file]").set_input_files(file)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def page_text(page: Page) -> str:
    return page.locator("body").inner_text()


def test_the_fixture_month_seals_as_issue_10_verified(
    month_files: dict[str, Path], tmp_path: Path
) -> None:
    """The files the browser uploads give, through the CLI, the figures
    docs/verification/issue-10-walkthrough.md worked: 6 people, gross 11,901.72."""
    ledger = str(tmp_path / "cli.db")
    month = ("--month", MONTH, "--ledger", ledger)
    roster, dingtalk, workbook = (str(month_files[k]) for k in ("roster", "dingtalk", "workbook"))
    appraisal_cli("draft", "add", *month, "--roster", roster, "--events", dingtalk, cwd=tmp_path)
    appraisal_cli("draft", "add", *month, "--events", workbook, cwd=tmp_path)
    shown = appraisal_cli("draft", "show", *month, cwd=tmp_path).stdout
    item = re.search(r"R-KF005-1016-[0-9a-f]{4}", shown)
    assert item is not None, shown
    resolve = ("--as", "personal_leave", "--by", "hr", "--reason", "事假条补交")
    appraisal_cli("draft", "resolve", *month, item.group(0), *resolve, cwd=tmp_path)
    sealed = appraisal_cli("seal", *month, cwd=tmp_path).stdout
    assert "Head count: 6" in sealed and "11,901.72" in sealed, sealed


def test_a_whole_month_in_the_browser(
    browser: Browser,
    live: LiveServer,
    month_files: dict[str, Path],
    shots: Path,
    tmp_path: Path,
) -> None:
    BROKEN.clear()
    # -- nobody logged in: the page sends to the login form, the API answers 401 --------
    anonymous = open_page(browser, live)
    anonymous.goto(f"/months/{MONTH}")
    assert re.search(r"/login\?next=%2Fmonths%2F2026-10$", anonymous.url), anonymous.url
    expect(anonymous.locator("input[name=password]")).to_be_visible()
    shoot(anonymous, shots, "login")
    answer = anonymous.request.get("/api/months")
    assert answer.status == 401 and answer.json()["error"]["status"] == 401

    # -- hr starts the month with the roster; a manager may not send one ---------------
    hr = log_in(browser, live, "hr")
    start = hr.locator("form[data-test=upload]")
    start.locator("input[name=month]").fill(MONTH)
    upload(hr, "roster", month_files["roster"])
    expect(hr.locator("[data-test=recognised]")).to_contain_text("roster.csv")
    expect(hr.locator("table[data-test=files]")).to_contain_text("roster.csv")

    zhang = log_in(browser, live, "zhang")
    zhang.goto(f"/months/{MONTH}")
    assert zhang.locator("select[name=role] option[value=roster]").count() == 0
    with api_client(live, "zhang") as api:
        refused = api.post(
            f"/api/months/{MONTH}/files",
            data={"role": "roster"},
            files={"file": ("roster.csv", month_files["roster"].read_bytes(), "text/csv")},
        )
        assert refused.status_code == 403, refused.text

    # -- the manager drops the DingTalk export, chooses the workbook, sees them read ---
    upload(zhang, "events", month_files["dingtalk"], drop=True)
    recognised = zhang.locator("[data-test=recognised]")
    expect(recognised).to_contain_text("dingtalk_daily_2026-10.xlsx")
    expect(recognised).to_contain_text("(dingtalk_daily)")
    # tests/fixtures/attendance/expected_events_2026-10.csv: 9 events, of KF001–KF005
    expect(recognised).to_contain_text(re.compile(r"读出的事件\s*9\s"))
    expect(recognised).to_contain_text(re.compile(r"已匹配员工\s*5"))
    upload(zhang, "events", month_files["workbook"])
    expect(zhang.locator("[data-test=recognised]")).to_contain_text("input_2026-10.xlsx")
    files = zhang.locator("table[data-test=files]")
    expect(files.locator("tr", has_text="dingtalk_daily_2026-10.xlsx")).to_contain_text("zhang")
    expect(files.locator("tr", has_text="roster.csv")).to_contain_text("hr")
    item = zhang.locator('[data-test^="review-R-KF005-1016-"]')
    expect(item).to_have_count(1)
    item_id = (item.get_attribute("data-test") or "").removeprefix("review-")
    assert re.fullmatch(r"R-KF005-1016-[0-9a-f]{4}", item_id), item_id
    expect(item).to_contain_text("上班缺卡")
    shoot(zhang, shots, "draft")

    # -- a file with problems: every one named file:row:column, as the CLI names them --
    bad = tmp_path / "bad_events.csv"
    bad.write_text(BAD_EVENTS, encoding="utf-8")
    upload(zhang, "events", bad)
    shown = page_text(zhang)
    for where in ("bad_events.csv:2:value", "bad_events.csv:3:date", "bad_events.csv:4:kind"):
        assert where in shown, shown
    assert "输入中有3个问题" in shown and "Traceback" not in zhang.content()
    shoot(zhang, shots, "upload-problems")

    # -- a form posted without its CSRF token is refused, and changes nothing ----------
    zhang.goto(f"/months/{MONTH}")
    form = zhang.locator(f'[data-test="review-{item_id}"] form')
    form.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    form.locator("input[name=reason]").fill("没有令牌")
    with zhang.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("[data-test=resolve-absent]").click()
    assert posted.value.status == 403
    answer = zhang.request.post(
        f"/months/{MONTH}/review/{item_id}", form={"as": "absent", "reason": "没有令牌"}
    )
    assert answer.status == 403
    zhang.goto(f"/months/{MONTH}")
    expect(zhang.locator(f'[data-test="review-{item_id}"] [data-test=decision]')).to_have_count(0)

    # -- ... and with it, KF005's 缺卡 day is 事假, decided by the logged-in manager ----
    form = zhang.locator(f'[data-test="review-{item_id}"] form')
    form.locator("input[name=reason]").fill("事假条补交")
    form.locator("[data-test=resolve-personal_leave]").click()
    zhang.wait_for_load_state()
    decision = zhang.locator(f'[data-test="review-{item_id}"] [data-test=decision]')
    expect(decision).to_contain_text("事假")
    expect(decision).to_contain_text("zhang")
    expect(decision).to_contain_text("事假条补交")

    # -- the manager of 客服二组 sees none of 客服一组's people, and may not touch them --
    li = log_in(browser, live, "li")
    li.goto(f"/months/{MONTH}")
    for employee in KF:
        assert employee not in li.content(), employee
    with api_client(live, "li") as api:
        answer_li = api.post(
            f"/api/months/{MONTH}/review/{item_id}", json={"as": "absent", "reason": "x"}
        )
        assert answer_li.status_code == 403, answer_li.text
        assert answer_li.json()["error"]["messages"], answer_li.text

    # -- hr previews: 6 people, 11,901.72; confirms, seals, downloads the workbook -----
    hr.goto(f"/months/{MONTH}")
    expect(hr.locator("[data-test=head-count]")).to_have_text("6")
    expect(hr.locator("[data-test=gross-total]")).to_have_text("11,901.72")
    hr.click("[data-test=seal]")
    confirmation = hr.locator("[data-test=seal-summary]")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_contain_text("6人")
    expect(confirmation).to_contain_text("11,901.72")
    # KF004's gross, worked by hand in docs/verification/issue-10-walkthrough.md (step 4)
    expect(hr.locator("[data-test=employee-KF004]")).to_contain_text("1,862.64")
    shoot(hr, shots, "seal-confirmation")
    hr.click("[data-test=seal-confirm]")
    expect(hr.locator("[data-test=sealed]")).to_be_visible()
    expect(hr.locator("[data-test=chart-scores] rect")).not_to_have_count(0)
    expect(hr.locator("[data-test=chart-departments] rect")).not_to_have_count(0)
    expect(hr.locator("[data-test=gross-total]")).to_have_text("11,901.72")
    shoot(hr, shots, "sealed")
    with hr.expect_download() as downloading:
        hr.click("[data-test=download-workbook]")
    downloaded = Path(downloading.value.path()).read_bytes()
    exported = tmp_path / "exported.xlsx"
    appraisal_cli(
        "export", "--month", MONTH, "--ledger", str(live.settings.ledger), "--out", str(exported),
        cwd=tmp_path,
    )  # fmt: skip
    assert downloaded == exported.read_bytes()

    # -- a statement, from the employee table --------------------------------------
    hr.click("[data-test=employee-KF005] a")
    hr.wait_for_url(f"**/months/{MONTH}/employees/KF005**")
    expect(hr.locator("[data-test=statement]")).to_contain_text("KF005")
    expect(hr.locator("h1")).to_contain_text("陈静")
    shoot(hr, shots, "statement")

    # -- after the seal, the other department's manager still sees none of them --------
    li.goto(f"/months/{MONTH}")
    for employee in KF:
        assert employee not in li.content(), employee
    with api_client(live, "li") as api:
        statement = api.get(f"/api/months/{MONTH}/employees/KF005/statement")
        assert statement.status_code == 403, statement.text
    assert httpx.get(f"{live.url}/api/months/{MONTH}/draft").status_code == 401

    # -- the auditor replays: identical --------------------------------------------
    auditor = log_in(browser, live, "auditor")
    auditor.goto(f"/months/{MONTH}")
    assert auditor.locator("form[data-test=upload]").count() == 0
    assert auditor.locator("[data-test=seal]").count() == 0
    auditor.click("[data-test=replay]")
    result = auditor.locator("[data-test=replay-result]")
    expect(result).to_contain_text("一致")
    shoot(auditor, shots, "replay")

    # -- what-if: the 2027 amendment over October, as of 2027-01 ------------------
    auditor.goto("/what-if")
    what_if = auditor.locator("form[data-test=what-if]")
    what_if.locator("input[name=policy]").set_input_files(
        ROOT / "policies" / "customer_service_2027.yaml"
    )
    what_if.locator("input[name=first]").fill(MONTH)
    what_if.locator("input[name=last]").fill(MONTH)
    what_if.locator("input[name=as_of]").fill("2027-01")
    what_if.locator("button[type=submit]").click()
    expect(auditor.locator("[data-test=what-if-result]")).to_contain_text(MONTH)
    shoot(auditor, shots, "what-if")

    # -- the months, as hr sees them now -------------------------------------------
    hr.goto("/")
    expect(hr.locator(f"[data-test=month-{MONTH}] [data-test=badge-sealed]")).to_be_visible()
    shoot(hr, shots, "months")
    assert BROKEN == []  # no script failed, and the CSP blocked nothing the pages use


def test_the_server_works_on_a_postgresql_ledger(
    live_postgres: LiveServer, month_files: dict[str, Path], tmp_path: Path
) -> None:
    """The same month through the API, on a ledger in PostgreSQL: sealed with the figures
    the walkthrough worked, and the workbook is `appraisal export`'s from that database."""
    with api_client(live_postgres, "hr") as hr:
        for role, key in (("roster", "roster"), ("events", "dingtalk"), ("events", "workbook")):
            file = month_files[key]
            added = hr.post(
                f"/api/months/{MONTH}/files",
                data={"role": role},
                files={"file": (file.name, file.read_bytes())},
            )
            assert added.status_code == 200, added.text
        draft = hr.get(f"/api/months/{MONTH}/draft")
        assert draft.status_code == 200, draft.text
        items = [r["id"] for r in draft.json()["review"] if r["employee_id"] == "KF005"]
        assert len(items) == 1 and items[0].startswith("R-KF005-1016-"), items
        decided = hr.post(
            f"/api/months/{MONTH}/review/{items[0]}",
            json={"as": "personal_leave", "reason": "事假条补交"},
        )
        assert decided.status_code == 200, decided.text
        sealed = hr.post(f"/api/months/{MONTH}/seal")
        assert sealed.status_code == 200, sealed.text
        figures = sealed.json()["figures"]
        assert (figures["head_count"], figures["gross"]) == (6, "11901.72")
        (row,) = hr.get("/api/months").json()["months"]
        assert (row["month"], row["status"], row["version"]) == (MONTH, "sealed", 1)
        assert row["gross"] == "11901.72"
        workbook = hr.get(f"/api/months/{MONTH}/workbook", params={"version": 1})
        assert workbook.status_code == 200, workbook.text
    exported = tmp_path / "exported.xlsx"
    ledger = str(live_postgres.settings.ledger)
    appraisal_cli(
        "export", "--month", MONTH, "--ledger", ledger, "--out", str(exported), cwd=tmp_path
    )
    assert workbook.content == exported.read_bytes()


def test_make_serves_demo_logs_in_every_role_and_walks_its_month(tmp_path: Path) -> None:
    """What `make serve` makes (examples/web/demo.sh), served: every demo login works and
    sees what its role may; the managers upload their teams' appraisals (not the other
    team's), KF005's 缺卡 day is decided by 客服二组's manager, hr seals, the auditor
    replays: identical."""
    command = Path(sys.executable).parent / "appraisal"
    made = subprocess.run(
        ["sh", "examples/web/demo.sh"],
        cwd=ROOT,
        env={**os.environ, "APPRAISAL": str(command), "DEMO_OUT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    logins = demo_logins()
    assert sorted(role for role, _ in logins.values()) == [
        "admin", "auditor", "hr", "manager", "manager",
    ]  # fmt: skip
    for name, (_, password) in logins.items():  # printed for the person who ran it
        assert re.search(rf"^  {name} +{password} ", made.stdout, re.MULTILINE), made.stdout
    team = {n: ROOT / "examples" / "web" / f"appraisal_2026-10_team{n}.csv" for n in (1, 2)}
    settings = settings_for(tmp_path / "web.db", tmp_path / "users.yaml")
    with live_server(settings) as server, ExitStack() as stack:
        clients = {
            name: stack.enter_context(api_client(server, name, password))
            for name, (_, password) in logins.items()
        }
        manager1, manager2, hr, auditor, admin = (
            clients[n] for n in ("manager1", "manager2", "hr", "auditor", "admin")
        )
        months = {row["month"]: row for row in hr.get("/api/months").json()["months"]}
        assert (months["2026-09"]["status"], months["2026-09"]["head_count"]) == ("sealed", 6)
        assert (months[MONTH]["status"], months[MONTH]["open_items"]) == ("draft", 1)
        seen = {row["month"]: row for row in manager1.get("/api/months").json()["months"]}
        assert seen["2026-09"]["head_count"] == 3 and seen[MONTH]["open_items"] == 0
        assert admin.get("/api/months").status_code == 403

        def send(client: httpx.Client, file: Path) -> httpx.Response:
            upload = {"file": (file.name, file.read_bytes(), "text/csv")}
            return client.post(f"/api/months/{MONTH}/files", data={"role": "events"}, files=upload)

        assert send(manager1, team[2]).status_code == 403
        assert send(manager1, team[1]).status_code == 200
        assert send(manager2, team[2]).status_code == 200
        (item,) = manager2.get(f"/api/months/{MONTH}/draft").json()["review"]
        assert item["employee_id"] == "KF005" and item["date"] == "2026-10-16"
        decided = manager2.post(
            f"/api/months/{MONTH}/review/{item['id']}",
            json={"as": "personal_leave", "reason": "事假条补交"},
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["decision"]["by"] == "manager2"
        sealed = hr.post(f"/api/months/{MONTH}/seal")
        assert sealed.status_code == 200, sealed.text
        assert sealed.json()["figures"]["head_count"] == 6
        replayed = auditor.post(f"/api/months/{MONTH}/replay")
        assert replayed.status_code == 200 and replayed.json()["identical"] is True
