"""Chinese first: `--lang zh` output has no English prose (issue 12, "Done when").

The example month is run in process through `appraisal.cli.main`, in Chinese by
``--lang zh`` and by ``APPRAISAL_LANG=zh``; the statements of three employees and the
text of the workbook's sheets are checked with `tests.english.english_prose`. Allowed
are the ids a person types or looks up (level ids, rule ids, flags, field ids). The
policy's clause texts are the company's own words, quoted as written; the shipped
policy's are Chinese (from 2010-07-28.4), so they are checked too. The workbook is
Chinese whatever the language, so its bytes are the same for ``--lang en`` and
``--lang zh``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from english import english_prose

from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("--roster", str(ROOT / "examples" / "roster.csv"))
EVENTS = ("--events", str(ROOT / "examples" / "events.csv"))
# KF002 (lateness, overtime), KF015 (dismissed, settlement), KF017 (review items, the
# fines cap, the lowest level).
EMPLOYEES = ("KF002", "KF015", "KF017")
# The sheets this part words: their sealed texts and labels.
OWN_SHEETS = ("考核评分", "职级变动", "审计轨迹", "合规提示")


def run(folder: Path, *lang: str) -> Path:
    code = main(
        [
            "run",
            "--month",
            "2026-10",
            *EXAMPLE,
            *EVENTS,
            "--ledger",
            str(folder / "l.db"),
            "--json",
            str(folder / "r.json"),
            "--out",
            str(folder / "w.xlsx"),
            *lang,
        ]
    )
    assert code == 0
    return folder


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("zh"), "--lang", "zh")


@cache
def ids() -> frozenset[str]:
    """What may stand in Chinese text as it is: level ids, flags, event kinds."""
    policy = load_policy().in_force(Month(2026, 10))
    found = set(policy.levels)
    found |= {"comp_time", "self_caused", "serious", "excused", "holiday", "rest_day"}
    found |= {"low_score", "major_fault", "unfit", "serious_case", "late_five_times"}
    return frozenset(found)


def prose(text: str, folder: Path) -> list[str]:
    return english_prose(text, ids())


def explain(folder: Path, employee: str, capsys: pytest.CaptureFixture[str], *lang: str) -> str:
    capsys.readouterr()
    args = ["explain", employee, "--month", "2026-10", "--ledger", str(folder / "l.db")]
    assert main([*args, *lang]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("employee", EMPLOYEES)
def test_explain_with_lang_zh_has_no_english_prose(
    chinese: Path, employee: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = explain(chinese, employee, capsys, "--lang", "zh")
    assert text.startswith("绩效考核结算单 · 2026-10\n")
    assert prose(text, chinese) == []


def test_explain_through_the_environment_is_chinese_too(
    chinese: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPRAISAL_LANG", "zh")
    text = explain(chinese, "KF002", capsys)
    assert "迟到12分钟：罚款10.00元，扣3分" in text
    assert prose(text, chinese) == []
    monkeypatch.setenv("APPRAISAL_LANG", "en")
    english = explain(chinese, "KF002", capsys)
    assert "late 12 min: fine 10.00, -3 points" in english
    assert prose(english, chinese) != []  # the check finds English where there is some


def cells(path: Path, sheets: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        if sheet.title.split(" (")[0] in sheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        yield sheet.title, value


def test_the_workbook_sheets_of_the_trace_have_no_english_prose(chinese: Path) -> None:
    found = [
        (sheet, run)
        for sheet, text in cells(chinese / "w.xlsx", OWN_SHEETS)
        for run in prose(text, chinese)
    ]
    assert found == []
    texts = {text for _, text in cells(chinese / "w.xlsx", OWN_SHEETS)}
    assert "迟到12分钟：罚款10.00元，扣3分" in texts  # 考核评分, 审计轨迹
    assert "2026-10-28工作日加班支付0.00元，低于法定最低41.38元" in texts  # 合规提示
    assert "劳动法 第44条" in texts
    assert "罚款20.00元超过浮动工资0.00元：20.00元不予扣除" in texts  # 待复核


def test_the_workbook_and_the_results_do_not_depend_on_the_language(
    chinese: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPRAISAL_LANG", "en")
    english = run(tmp_path)
    assert (english / "w.xlsx").read_bytes() == (chinese / "w.xlsx").read_bytes()
    assert (english / "r.json").read_bytes() == (chinese / "r.json").read_bytes()
    results = (chinese / "r.json").read_text(encoding="utf-8")
    assert "late 12 min: fine 10.00, -3 points" in results  # sealed: English, always
    assert "迟到12分钟" not in results
