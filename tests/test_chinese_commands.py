"""Chinese first for the rest of the commands (issue 12, item 1, "Done when"): no English
prose in what a whole month's commands print with APPRAISAL_LANG=zh, nor in the 说明 and
汇总 sheets of the workbook.

One ledger lived as HR lives a month, through `appraisal.cli.main`: October run dry, then
run, re-run, listed, replayed, exported; November gathered in a draft (add, show,
resolve, remove) and sealed; October amended; `reseal --after`, `what-if`, `payslips`,
`template`, `import`, `check-policy`; and one refusal of each family of these commands.
Allowed, as the issue says: ids (level ids, rule ids, field ids, flags, file names) and
values (the policy's own texts and keys, quoted from its file).

Lines printed by files this part does not own are set aside by `FOREIGN` and checked
by the xfail tests below, one per file, so that the lead removes each mark once that
file speaks Chinese (strict: a mark left after the fix fails).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from english import english_prose

from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "roster.csv"
EVENTS = ROOT / "examples" / "events.csv"
FIXTURE = ROOT / "tests" / "fixtures" / "ledger_v1"
ATTENDANCE = ROOT / "tests" / "fixtures" / "attendance"
POLICY = ROOT / "policies" / "customer_service.yaml"
POLICY_2027 = ROOT / "policies" / "customer_service_2027.yaml"
KF006_PENALTY = "KF006,2026-10-29,penalty,,7,200,,serious,"

#: Lines printed by files this part does not own: (pattern, file). The lead's to word.
FOREIGN: tuple[tuple[str, str], ...] = (
    (r"^Record hash [0-9a-f]{64}; ledger chain intact", "appraisal/cli/audit.py"),
    (r"sealed month\(s\), .* version\(s\); ledger chain intact", "appraisal/cli/audit.py"),
    (r"^  v\d+  (current|superseded)", "appraisal/cli/audit.py"),
    (r"^\d{4}-\d{2}  过期 stale: re-seal with", "appraisal/cli/audit.py"),
    (r"^Replay of \d{4}-\d{2}", "appraisal/cli/audit.py"),
    (r"^\d{4}-\d{2} version \d+ from .*record hash", "appraisal/cli/audit.py"),
    # The reseal's amend reason is sealed English; sealed.py has no template for it yet.
    (r"re-sealed after \d{4}-\d{2} v\d+ changed the state", "appraisal/i18n/sealed.py"),
)
# The ids a person types or looks up, and the command's own name.
IDS = {"appraisal", "management", "lecturer", "none", "FILE", "MONTH"}
IDS |= {"draft", "add", "show", "resolve", "remove", "seal", "reseal", "payslips"}


def cli(*arguments: object) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in arguments])
        except SystemExit as usage:  # argparse's refusal
            code = int(usage.code or 0)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue() + err.getvalue()


def later(folder: Path, month: str) -> Path:
    path = folder / f"events_{month}.csv"
    text = (FIXTURE / "events_11.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("2026-11-", f"{month}-"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every command of the month, in Chinese: what each printed, and the workbook."""
    folder = tmp_path_factory.mktemp("zh")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APPRAISAL_LANG", "zh")
        return _live(folder)


def _live(folder: Path) -> dict[str, Any]:
    ledger, printed = folder / "l.db", {}
    october = ("--month", "2026-10", "--roster", ROSTER, "--ledger", ledger)

    def say(name: str, expected: int, *arguments: object) -> None:
        code, text = cli(*arguments)
        assert code == expected, (name, text)
        printed[name] = text

    say("run --dry-run", 0, "run", *october, "--events", EVENTS, "--dry-run")
    say("run", 0, "run", *october, "--events", EVENTS, "--out", folder / "w.xlsx",
        "--json", folder / "r.json")  # fmt: skip
    say("run again", 0, "run", *october, "--events", EVENTS)
    say("months", 0, "months", "--ledger", ledger)
    say("replay", 0, "replay", "--month", "2026-10", "--ledger", ledger)
    say("export", 0, "export", "--month", "2026-10", "--ledger", ledger,
        "--out", folder / "x.xlsx")  # fmt: skip
    november = ("--month", "2026-11", "--ledger", ledger)
    say("draft add roster", 0, "draft", "add", *november, "--roster", FIXTURE / "roster_11.csv")
    say("draft add roster again", 0, "draft", "add", *november,
        "--roster", FIXTURE / "roster_11.csv")  # fmt: skip
    say("draft add events", 0, "draft", "add", *november, "--events", later(folder, "2026-11"))
    dingtalk = ATTENDANCE / "dingtalk_daily_2026-10.xlsx"
    say("draft add export", 0, "draft", "add", "--month", "2026-10", "--ledger",
        folder / "d.db", "--roster", ATTENDANCE / "roster_2026-10.csv", "--events", dingtalk)  # fmt: skip
    say("draft show", 0, "draft", "show", "--month", "2026-10", "--ledger", folder / "d.db")
    item = re.search(r"R-[A-Z0-9]+-\d{4}-[0-9a-f]{4}", printed["draft show"])
    assert item is not None, printed["draft show"]
    say("draft resolve", 0, "draft", "resolve", item[0], "--month", "2026-10",
        "--ledger", folder / "d.db", "--as", "normal", "--reason", "补卡")  # fmt: skip
    say("draft remove", 0, "draft", "remove", item[0], "--month", "2026-10",
        "--ledger", folder / "d.db")  # fmt: skip
    say("draft show again", 0, "draft", "show", *november)
    say("seal", 0, "seal", *november)
    amended = folder / "amended.csv"
    lines = EVENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    amended.write_text("".join(x for x in lines if not x.startswith(KF006_PENALTY)), "utf-8")
    say("run --amend", 0, "run", *october, "--events", amended, "--amend", "处罚7登记有误")
    say("reseal", 0, "reseal", "--after", "2026-10", "--ledger", ledger,
        "--out", folder / "c.xlsx", "--json", folder / "c.json")  # fmt: skip
    say("reseal again", 0, "reseal", "--after", "2026-10", "--ledger", ledger)
    say("what-if", 0, "what-if", "--policy", POLICY_2027, "--from", "2026-10", "--to",
        "2026-11", "--ledger", ledger)  # fmt: skip
    say("payslips", 0, "payslips", "--month", "2026-10", "--ledger", ledger, "--out",
        folder / "slips", "--format", "xlsx")  # fmt: skip
    say("template", 0, "template", "--month", "2026-12", "--roster", ROSTER,
        "--out", folder / "t.xlsx")  # fmt: skip
    say("import", 0, "import", dingtalk, "--month", "2026-10", "--roster",
        ATTENDANCE / "roster_2026-10.csv", "-o", folder / "imported.csv")  # fmt: skip
    say("check-policy", 0, "check-policy", POLICY, "--month", "2026-10", "--ledger", ledger)
    # One refusal of each family.
    say("no draft", 1, "draft", "show", "--month", "2027-03", "--ledger", ledger)
    say("no such item", 1, "draft", "remove", "R-X", "--month", "2026-10",
        "--ledger", folder / "d.db")  # fmt: skip
    say("draft add nothing", 2, "draft", "add", *november)
    say("bad resolution", 2, "draft", "resolve", "R-X", "--month", "2026-10",
        "--ledger", folder / "d.db", "--as", "late:0", "--reason", "x")  # fmt: skip
    say("not sealed", 1, "reseal", "--after", "2027-05", "--ledger", ledger)
    say("what-if backwards", 2, "what-if", "--policy", POLICY_2027, "--from", "2026-11",
        "--to", "2026-10", "--ledger", ledger)  # fmt: skip
    say("what-if unsealed", 1, "what-if", "--policy", POLICY_2027, "--from", "2026-10",
        "--to", "2027-02", "--ledger", ledger)  # fmt: skip
    (folder / "a-file").write_text("x", encoding="utf-8")
    say("payslips into a file", 2, "payslips", "--month", "2026-10", "--ledger", ledger,
        "--out", folder / "a-file")  # fmt: skip
    say("bad version", 2, "payslips", "--month", "2026-10", "--ledger", ledger,
        "--version", "x", "--out", folder / "s2")  # fmt: skip
    say("no ledger", 1, "reseal", "--after", "2026-10", "--ledger", folder / "none.db")
    return {"printed": printed, "workbook": folder / "w.xlsx", "changes": folder / "c.xlsx"}


@cache
def allowed() -> frozenset[str]:
    """Ids and values: level ids, event kinds, flags, the policy's keys and values."""
    found = set(IDS)
    policy = load_policy(POLICY)
    found |= set(policy.in_force(Month(2026, 10)).levels)
    found |= {"comp_time", "self_caused", "serious", "excused", "holiday", "rest_day", "normal"}
    found |= {"late", "absent", "personal_leave", "sick_leave", "early_leave"}
    for key in _keys(policy.source.tree):
        found |= set(re.findall(r"[A-Za-z]+", key))
    return frozenset(found)


def _keys(tree: object) -> Iterator[str]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield str(key)
            yield from _keys(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _keys(value)
    elif isinstance(tree, str):
        yield tree


def prose(text: str) -> list[str]:
    # The policy's own texts, quoted as written (titles, clauses, expressions).
    text = re.sub(r"\[[^\]]*\]|\"[^\"]*\"|\([^()]*\)$", "", text)
    return english_prose(text, allowed())


def foreign(line: str) -> str | None:
    return next((file for pattern, file in FOREIGN if re.search(pattern, line)), None)


def own_prose(printed: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    found = []
    for name, text in printed.items():
        for line in text.splitlines():
            runs = prose(line) if foreign(line) is None else []
            if runs:
                found.append((name, line, runs))
    return found


def test_every_command_of_the_month_prints_no_english_prose(lived: dict[str, Any]) -> None:
    printed = lived["printed"]
    assert own_prose(printed) == []
    # Chinese is what they print, worded by hand from the catalogue.
    # The levels by the policy's titles (customer_service.yaml: team_lead 客服组长,
    # specialist 客服专员, intern 实习客服), not their ids.
    assert (
        "降级：3人 — KF006 杨磊 (客服组长→客服专员), KF010 吴强 (客服专员→实习客服)"
        in printed["run"]
    )
    assert "晋升：2人 — KF007 赵敏 (→客服组长), KF016 郭晓燕 (→客服专员)" in printed["run"]
    assert "人数：20" in printed["run"]
    assert "待复核：6项；合规提示：2项" in printed["run"]
    assert "2026-11草稿已清空。" in printed["seal"]
    assert "应发 1750.00 → 1850.00（补发 100.00）" in printed["reseal"]
    assert "补发 100.00，扣回 0.00，净额 +100.00" in printed["reseal"]
    assert "无需重新封存" in printed["reseal again"]
    assert "20人均无变动" in printed["what-if"]
    assert "2026-10的20份工资条已写入" in printed["payslips"]
    assert "迟到 within_30    ≤ 30分钟：罚款10元，扣3分" in printed["check-policy"]
    assert "降级线（取自 demotion.triggers）：总分低于140分" in printed["check-policy"]
    assert "2027-03" in printed["no draft"] and "没有" in printed["no draft"]
    assert "2027-05尚未封存" in printed["not sealed"]


def test_the_check_finds_english_where_there_is_some(lived: dict[str, Any]) -> None:
    english = {"run": "Head count: 20\nFor review: 6 item(s)\n"}
    assert own_prose(english) != []


@cache
def _sheet_texts(path: Path, sheets: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    book = openpyxl.load_workbook(path, read_only=True)
    found = []
    for sheet in book.worksheets:
        if sheet.title in sheets:
            for row in sheet.iter_rows(values_only=True):
                found += [(sheet.title, v) for v in row if isinstance(v, str) and v[:1] != "="]
    return tuple(found)


# The tables 说明 names in its 分页 rows, as payroll_export/workbook.py keys them (not
# this part's file): checked by the xfail test below.
TABLE_NAMES = ("职级变动 level changes", "审计轨迹 audit trail")


def test_the_manifest_and_summary_sheets_have_no_english_prose(lived: dict[str, Any]) -> None:
    texts = _sheet_texts(lived["workbook"], ("说明", "汇总"))
    ids = {"MAX_SHEET_ROWS", "replay", "month"}
    found = [
        (sheet, text)
        for sheet, text in texts
        if text not in TABLE_NAMES and english_prose(text, allowed() | ids)
    ]
    assert found == []
    values = {text for _, text in texts}
    assert {"引擎版本", "账本记录", "审计轨迹", "降级线", "按职级合计"} <= values


def test_the_changes_workbook_speaks_the_command_s_language(lived: dict[str, Any]) -> None:
    texts = _sheet_texts(lived["changes"], ("汇总", "2026-11"))
    assert [text for _, text in texts if english_prose(text, allowed())] == []
    assert "总计" in {text for _, text in texts}


def _foreign_prose(printed: dict[str, str], file: str) -> list[str]:
    return [
        line
        for text in printed.values()
        for line in text.splitlines()
        if foreign(line) == file and prose(line)
    ]


@pytest.mark.parametrize("file", sorted({file for _, file in FOREIGN}))
def test_lines_of_other_files_have_no_english_prose(lived: dict[str, Any], file: str) -> None:
    assert _foreign_prose(lived["printed"], file) == []


def test_the_manifest_names_the_tables_in_chinese(lived: dict[str, Any]) -> None:
    texts = {text for _, text in _sheet_texts(lived["workbook"], ("说明",))}
    assert texts.isdisjoint(TABLE_NAMES)


def test_the_refusal_of_a_month_not_appraised_is_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10's first step in Chinese: the DingTalk export alone, previewed and refused."""
    monkeypatch.setenv("APPRAISAL_LANG", "zh")
    attendance = ROOT / "tests" / "fixtures" / "attendance"
    month = ["--month", "2026-10", "--roster", attendance / "roster_2026-10.csv"]
    month += ["--events", attendance / "dingtalk_daily_2026-10.xlsx", "--ledger", tmp_path / "l.db"]
    code, printed = cli("run", *month, "--dry-run")
    assert code == 0 and "6人中有6人未考核" in printed
    assert prose(printed) == []
    code, printed = cli("run", *month)
    assert code == 1
    assert "KF005 陈静 未考核：2026-10没有考核标准或考试记录" in printed
    assert prose(printed) == []
    assert not (tmp_path / "l.db").exists()
