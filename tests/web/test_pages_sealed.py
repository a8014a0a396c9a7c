"""The sealed month's pages (issue 13, item 3): summary and charts, the per-employee table,
downloads, versions, replay (htmx, in place), statements, what-if; each role sees what it
may, and a manager only their departments' employees.

The month is sealed through the pages (test_pages_site.py): 6 people, gross 11,901.72 as
docs/verification/issue-10-walkthrough.md verified; KF005's 事假 day deducts
1000.00 / 21.75 = 45.98."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from english import english_prose

from .conftest import ROOT, appraisal_cli
from .test_pages_site import GROSS_SEALED, MONTH, Site, parsed, sealed, token_of, visible_text

__all__ = ["sealed"]  # the fixture, used by name

DATA_WORDS = ("script", "alert")  # KF006's name in our roster is markup
EMPLOYEES = {f"employee-KF00{n}" for n in range(1, 7)}


def test_hr_sees_the_sealed_month_its_downloads_and_no_replay(sealed: Site) -> None:
    page = sealed.client("hr").get(f"/months/{MONTH}")
    assert page.status_code == 200
    found = parsed(page.text)
    text = visible_text(page.text)
    assert "已封存 第1版" in text and "现行版" in text and "由 hr 于" in text
    assert set(found.hooks) >= EMPLOYEES
    assert {"download-workbook", "download-results", "download-payslips"} <= set(found.hooks)
    assert "replay" not in found.hooks  # hr does not replay; the auditor does
    assert {"chart-scores", "chart-departments", "version-1"} <= set(found.hooks)
    assert GROSS_SEALED in text  # the total, and the department's bar
    assert text.count(GROSS_SEALED) >= 2
    assert "seal" not in found.hooks and "upload" not in found.hooks  # the draft is gone


def test_the_auditor_replays_in_place_and_gets_identical(sealed: Site) -> None:
    auditor = sealed.client("auditor")
    page = parsed(auditor.get(f"/months/{MONTH}").text)
    assert "replay" in page.hooks and "download-workbook" in page.hooks
    assert not [f for f in page.forms if str(f["action"]).endswith(("/seal", "/files", "/reseal"))]  # fmt: skip
    replay = [f for f in page.forms if f["action"] == f"/months/{MONTH}/replay"]
    assert len(replay) == 1
    token = token_of(auditor)
    fragment = auditor.post(
        f"/months/{MONTH}/replay",
        data={"version": "1"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},  # as htmx sends it
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div class="replay-result ok" data-test="replay-result">')  # fmt: skip
    assert "<html" not in fragment.text
    assert "一致" in visible_text(fragment.text)
    whole = auditor.post(f"/months/{MONTH}/replay", data={"csrf_token": token, "version": "1"})
    assert "<html" in whole.text and "replay-result" in whole.text
    forged = auditor.post(
        f"/months/{MONTH}/replay", data={"version": "1"}, headers={"X-CSRF-Token": "forged"}
    )
    assert forged.status_code == 403


def test_a_manager_sees_their_rows_but_no_downloads_and_no_replay(sealed: Site) -> None:
    page = sealed.client("zhang").get(f"/months/{MONTH}")
    found = parsed(page.text)
    assert set(found.hooks) >= EMPLOYEES
    assert not {"replay", "download-workbook", "download-results", "download-payslips"} & set(found.hooks)  # fmt: skip
    assert not [f for f in found.forms if str(f["action"]).endswith(("/replay", "/seal", "/reseal"))]  # fmt: skip
    refused = sealed.client("zhang").get(f"/months/{MONTH}/download/workbook?version=1")
    assert refused.status_code == 403
    assert "无权操作" in visible_text(refused.text)
    assert "Traceback" not in refused.text


def test_a_manager_of_another_department_sees_no_employee_of_the_month(sealed: Site) -> None:
    li = sealed.client("li")
    page = li.get(f"/months/{MONTH}")
    found = parsed(page.text)
    assert not [h for h in found.hooks if h.startswith("employee-")]
    text = visible_text(page.text)
    assert "KF00" not in text and "陈静" not in text and GROSS_SEALED not in text
    statement = li.get(f"/months/{MONTH}/employees/KF005?version=1")
    assert statement.status_code == 403
    assert "陈静" not in statement.text


def test_the_downloads_are_the_ledger_s_files(sealed: Site, tmp_path: Path) -> None:
    hr = sealed.client("hr")
    workbook = hr.get(f"/months/{MONTH}/download/workbook?version=1")
    assert workbook.status_code == 200
    assert workbook.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    exported = tmp_path / "export.xlsx"
    appraisal_cli("export", "--month", MONTH, "--ledger", str(sealed.ledger), "--out", str(exported), cwd=tmp_path)  # fmt: skip
    assert workbook.content == exported.read_bytes()
    results = json.loads(hr.get(f"/months/{MONTH}/download/results?version=1").content)
    assert results["month"] == MONTH and len(results["employees"]) == 6
    gross = sum(float(e["pay"]["gross"]) for e in results["employees"])
    assert round(gross, 2) == 11901.72
    slips = hr.get(f"/months/{MONTH}/download/payslips?version=1")
    assert slips.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(slips.content)).namelist()) >= 6
    assert hr.get(f"/months/{MONTH}/download/passwords").status_code == 404


def test_a_statement_shows_the_leave_day_rule_by_rule(sealed: Site) -> None:
    page = sealed.client("zhang").get(f"/months/{MONTH}/employees/KF005?version=1")
    assert page.status_code == 200
    found = parsed(page.text)
    assert {"statement", "rules"} <= set(found.hooks)
    text = visible_text(page.text)
    assert "KF005" in text and "陈静" in text and "已封存 第1版" in text
    assert "45.98" in text  # the 事假 day: 1000.00 / 21.75
    assert f"draft decision {sealed.item}:1" in text  # the input row: the decision
    # The rule table names the pay field as the pay sheet does.
    assert "<td>请假扣款</td>" in page.text and "<td>leave_deduction</td>" not in page.text


def test_the_chinese_sealed_page_has_no_english_prose(sealed: Site) -> None:
    for name in ("hr", "auditor", "zhang"):
        text = visible_text(sealed.client(name).get(f"/months/{MONTH}").text)
        assert english_prose(text, allowed=DATA_WORDS) == [], name


def test_the_versions_link_each_version_and_a_missing_one_is_not_found(sealed: Site) -> None:
    hr = sealed.client("hr")
    page = hr.get(f"/months/{MONTH}?version=1")
    assert f'href="/months/{MONTH}?view=sealed&amp;version=1"' in page.text
    missing = hr.get(f"/months/{MONTH}?version=7")
    assert missing.status_code in (404, 409)
    assert 'data-test="error"' in missing.text and "Traceback" not in missing.text


def test_a_month_that_is_no_month_is_an_error_page_not_a_trace(sealed: Site) -> None:
    page = sealed.client("hr").get("/months/2026-13")
    assert page.status_code == 404
    text = visible_text(page.text)
    assert "2026-13" in text and "返回" in text
    assert "Traceback" not in page.text


def test_what_if_compares_a_draft_policy_and_managers_may_not(sealed: Site) -> None:
    auditor = sealed.client("auditor")
    form = parsed(auditor.get("/what-if").text)
    assert [f["action"] for f in form.forms if f["method"] == "post"] == ["/logout", "/what-if"]
    policy = ROOT / "policies" / "customer_service_2027.yaml"
    sent = [("policy", (policy.name, policy.read_bytes(), "application/yaml"))]
    token = token_of(auditor)
    # The 2027 amendment dates every clause from 2027-01-01: over October 2026 it changes
    # nothing (docs/lifecycle.md).
    same = auditor.post("/what-if", data={"csrf_token": token, "first": MONTH, "last": MONTH}, files=sent)  # fmt: skip
    assert same.status_code == 200
    assert "what-if-result" in parsed(same.text).hooks
    assert "没有员工的数字发生变化。" in visible_text(same.text)
    backwards = auditor.post(
        "/what-if", data={"csrf_token": token, "first": "2026-11", "last": MONTH}, files=sent
    )
    assert backwards.status_code == 422
    assert "起始月份晚于结束月份。" in visible_text(backwards.text)
    manager = sealed.client("zhang")
    assert manager.get("/what-if").status_code == 403
    assert "/what-if" not in manager.get("/").text  # no link for a role that may not
    assert 'href="/what-if"' in auditor.get("/").text


def test_an_amendment_is_sealed_with_its_reason_as_version_2(
    tmp_path: Path, month_files: dict[str, Path], users_file: Path
) -> None:
    from .test_pages_site import build_draft, followed, resolve_and_seal, upload

    site = build_draft(tmp_path, month_files, users_file)
    resolve_and_seal(site)
    hr = site.client("hr")
    blank = parsed(hr.get(f"/months/{MONTH}?view=draft").text)
    assert "upload" in blank.hooks  # a sealed month's draft for an amendment, empty
    upload(hr, f"/months/{MONTH}/files", "roster", tmp_path / "roster.csv")  # build_draft's
    upload(hr, f"/months/{MONTH}/files", "events", month_files["dingtalk"], month_files["workbook"])
    token = token_of(hr)
    # KF005's day decided as 病假 this time: half the 事假 deduction (docs/scheme.md),
    # 45.98 / 2 = 22.99, so the gross is 11,901.72 + 22.99 = 11,924.71.
    item = f"/months/{MONTH}/review/{site.item}"
    hr.post(item, data={"csrf_token": token, "as": "sick_leave", "reason": "病假条补交"})
    draft = hr.get(f"/months/{MONTH}")
    found = parsed(draft.text)
    assert "tabs" in found.hooks and "amend" in found.hooks
    assert f"封存 {MONTH}：6人，应发合计 11,924.71 元" in visible_text(draft.text)
    refused = hr.post(f"/months/{MONTH}/seal", data={"csrf_token": token})
    assert refused.status_code == 409
    said = visible_text(refused.text)  # the page's words, not the command line's --amend
    assert (
        f"{MONTH}已封存（第1版），输入不同；未作任何更改。如要封存第2版，请填写更正理由。" in said
    )
    assert "--amend" not in said
    done = hr.post(f"/months/{MONTH}/seal", data={"csrf_token": token, "amend": "病假条补交"})
    done = followed(hr, done)
    assert done.status_code == 200
    # The seal's outcome is shown once: a reload shows the month, not "sealed just now".
    just = f"已将{MONTH}封存为第2版（已更正，原版本保留）"
    assert just in visible_text(done.text)
    assert just not in visible_text(hr.get(f"/months/{MONTH}?view=sealed").text)
    text = visible_text(done.text)
    assert "已封存 第2版" in text and "理由：病假条补交" in text and "11,924.71" in text
    assert {"version-1", "version-2"} <= set(parsed(done.text).hooks)
    assert "已被取代" in text  # version 1, kept
