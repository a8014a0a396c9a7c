"""The reseal flow on the pages: October amended after November was sealed on it, so
November is stale (需重新封存), and hr re-seals it from its page.

The figures are the walkthrough's (docs/verification/issue-10-walkthrough.md, step 4),
worked by hand there: October's draft had left out KF004's adopted suggestion (奖励 2:
50 yuan and 5 points). With it KF004's October total is 135 + 5 = 140, not below the line
of 140 (§ 4), so KF004 is not demoted and stays 客服专员 in November (base 1000 +
floating 900) instead of 实习客服 (700 + 0): 1,200.00 of back pay for November.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import appraisal_cli, fill
from .test_pages_site import (
    MONTH,
    build_draft,
    followed,
    parsed,
    resolve_and_seal,
    token_of,
    upload,
    visible_text,
)

NOVEMBER = "2026-11"
AMENDMENT = (
    "employee_id,date,kind,value,clause,amount,points,flags,note\n"
    "KF004,2026-10-20,reward,,2,50,5,,合理化建议被采纳（漏登）\n"
)


def test_a_stale_month_is_resealed_from_its_page_with_its_back_pay(
    tmp_path: Path, month_files: dict[str, Path], users_file: Path
) -> None:
    site = build_draft(tmp_path, month_files, users_file)
    resolve_and_seal(site)
    hr = site.client("hr")
    roster = tmp_path / "roster.csv"  # build_draft's

    # November, sealed on October's version 1.
    november = tmp_path / f"input_{NOVEMBER}.xlsx"
    made = ["template", "--month", NOVEMBER, "--roster", str(roster), "--out", str(november)]
    appraisal_cli(*made, cwd=tmp_path)
    fill(november, exam=85)
    upload(hr, "/months", "roster", roster, month=NOVEMBER)
    upload(hr, f"/months/{NOVEMBER}/files", "events", november)
    sealed = followed(hr, hr.post(f"/months/{NOVEMBER}/seal", data={"csrf_token": token_of(hr)}))
    assert "已封存 第1版" in visible_text(sealed.text)
    assert "需重新封存" not in visible_text(hr.get("/").text)

    # October amended: its files again, the left-out reward, the same decision.
    amendment = tmp_path / "amend_10.csv"
    amendment.write_text(AMENDMENT, encoding="utf-8")
    upload(hr, f"/months/{MONTH}/files", "roster", roster)
    events = (month_files["dingtalk"], month_files["workbook"], amendment)
    upload(hr, f"/months/{MONTH}/files", "events", *events)
    token = token_of(hr)
    decided = hr.post(
        f"/months/{MONTH}/review/{site.item}",
        data={"csrf_token": token, "as": "personal_leave", "reason": "事假条补交"},
    )
    assert decided.status_code == 303
    amend = {"csrf_token": token, "amend": "补登KF004合理化建议奖励"}
    amended = followed(hr, hr.post(f"/months/{MONTH}/seal", data=amend))
    assert amended.status_code == 200 and "已封存 第2版" in visible_text(amended.text)

    # November is stale now: its badge on the months page, the reseal form on its page.
    assert "需重新封存" in visible_text(hr.get("/").text)
    page = hr.get(f"/months/{NOVEMBER}")
    forms = [f for f in parsed(page.text).forms if f["action"] == f"/months/{MONTH}/reseal"]
    assert len(forms) == 1, visible_text(page.text)
    # Not for a manager, who may not seal.
    manager_page = site.client("zhang").get(f"/months/{NOVEMBER}")
    assert f"/months/{MONTH}/reseal" not in manager_page.text

    resealed = hr.post(f"/months/{MONTH}/reseal", data={"csrf_token": token})
    assert resealed.status_code == 200, resealed.text
    found = parsed(resealed.text)
    assert f"change-{NOVEMBER}-KF004" in found.hooks
    assert [h for h in found.hooks if h.startswith("change-2026")] == [f"change-{NOVEMBER}-KF004"]
    text = visible_text(resealed.text)
    assert "+1,200.00" in text  # KF004's November back pay
    totals = text[text.index("补发") :]
    assert "1,200.00" in totals.splitlines()[1]
    assert "需重新封存" not in visible_text(hr.get("/").text)
    again = visible_text(hr.get(f"/months/{NOVEMBER}").text)
    assert "已封存 第2版" in again
