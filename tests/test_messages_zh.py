"""Input and policy errors in Chinese first (issue 12, item 1).

With ``APPRAISAL_LANG=zh`` every family of input problem — a CSV with several problems,
a file that is no workbook, a bad policy, a bad month, an unknown level with a
suggestion, a deductions file, an import profile — reads in Chinese through
`appraisal.cli.main`, keeps its ``file:row:column``, and carries no English prose: no
run of two English words of three letters or more, once the field ids, file names,
flags and the values quoted from the input are set aside. Only the issue lines are
checked: the CLI's closing line is the lead's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appraisal.cli import main

ROSTER = "employee_id,name,level\nE1,甲,specialist\nE2,乙,team_lead\n"
EVENTS = "employee_id,date,kind,value\nE2,2026-09-03,late,1\n"

# Two English words in a row (3+ letters each): what "English prose" means here.
_PROSE = re.compile(r"\b[A-Za-z]{3,}\s+[A-Za-z]{3,}\b")
# Set aside before looking: quoted input values, ids and flags (snake_case, dotted,
# --flags), and upper-case constant names such as MAX_ROWS.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_IDS = re.compile(r"--?[\w-]+|\b\w+(?:[._]\w+)+\b|\b[A-Z][A-Z_]+\b")


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPRAISAL_LANG", "zh")


def issue_lines(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.startswith("/")]


def message(line: str, where: str) -> str:
    """The message of an issue line printed at ``where`` (file:row:column)."""
    assert line.startswith(where + ": "), line
    return line[len(where) + 2 :]


def assert_chinese(text: str) -> None:
    rest = _IDS.sub(" ", _QUOTED.sub(" ", text))
    assert not _PROSE.search(rest), f"English prose in {text!r}: {_PROSE.search(rest)}"
    assert re.search(r"[\u4e00-\u9fff]", text), f"no Chinese in {text!r}"


def month_files(folder: Path, roster: str = ROSTER, events: str = EVENTS) -> None:
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    (folder / "events.csv").write_text(events, encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], folder: Path, *extra: object) -> tuple[int, list[str]]:
    return issue_lines(
        capsys, "run", "--month", "2026-09", "--roster", folder / "roster.csv",
        "--events", folder / "events.csv", "--ledger", folder / "l.db", *extra,
    )  # fmt: skip


def test_a_csv_with_several_problems_reports_each_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    events = (
        "employee_id,date,kind,value,flags\n"
        "E1,2026-09-31,late,5,\n"  # row 2: no such day
        "E1,2026-09-04,lat,5,\n"  # row 3: unknown kind, suggests late
        "E2,2026-09-05,late,-3,\n"  # row 4: minutes must be more than 0
        "E2,2026-09-06,overtime,1,holliday\n"  # row 5: unknown flag, suggests holiday
        "E22,2026-09-07,absent,1,\n"  # row 6: not in the roster, suggests E2
    )
    month_files(tmp_path, events=events)
    code, lines = run(capsys, tmp_path)
    assert code == 1
    file = tmp_path / "events.csv"
    by_place = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in lines}
    assert by_place[f"{file}:2:date"] == "不是日期：'2026-09-31'（没有这一天）"
    assert by_place[f"{file}:3:kind"] == "未知类型 'lat'；是否应为 'late'？"
    assert by_place[f"{file}:4:value"] == "迟到分钟数须大于 0，得到 '-3'"
    assert by_place[f"{file}:5:flags"] == "未知标记 'holliday'；是否应为 'holiday'？"
    assert by_place[f"{file}:6:employee_id"] == "未知员工 'E22'：不在名册中；是否应为 'E2'？"
    for line in lines:
        assert_chinese(line.split(": ", 1)[1])


def test_a_file_that_is_no_workbook_is_named_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    month_files(tmp_path)
    fake = tmp_path / "events.xlsx"
    fake.write_text("employee_id,date,kind\n", encoding="utf-8")
    code, lines = issue_lines(
        capsys, "run", "--month", "2026-09", "--roster", tmp_path / "roster.csv",
        "--events", fake, "--ledger", tmp_path / "l.db",
    )  # fmt: skip
    assert code == 1
    assert lines == [f"{fake}: 不是 Excel 工作簿（看起来是文本文件，可能是改名为 .xlsx 的 CSV）"]
    assert_chinese(message(lines[0], str(fake)))


def test_a_policy_with_a_misspelt_key_and_a_bad_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "extends: customer_service.yaml\nscroe: {}\npay:\n  pay_day_of_month: five\n",
        encoding="utf-8",
    )
    code, lines = issue_lines(capsys, "check-policy", policy)
    assert code != 0
    # pay: written here without its other fields: each is reported missing (缺少此项).
    assert lines == [
        f"{policy}:2:1: scroe: 未知的键 'scroe'（是否应为 'score'？）",
        f"{policy}:4:3: pay.clause: 缺少此项",
        f"{policy}:4:3: pay.pay_day_basis: 缺少此项",
        f"{policy}:4:21: pay.pay_day_of_month: 请写整数，不能写 'five'",
    ]
    for line in lines:
        assert_chinese(line.split(": ", 1)[1])


def test_a_month_out_of_range_is_refused_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    month_files(tmp_path)
    with pytest.raises(SystemExit):
        main([
            "run", "--month", "1899-12", "--roster", str(tmp_path / "roster.csv"),
            "--events", str(tmp_path / "events.csv"), "--ledger", str(tmp_path / "l.db"),
        ])  # fmt: skip
    err = capsys.readouterr().err
    assert "月份须在 1900-01 至 9998-12 之间，得到 '1899-12'" in err
    assert "month must be" not in err


def test_an_unknown_level_comes_with_a_suggestion_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    month_files(tmp_path, roster="employee_id,name,level\nE1,甲,specalist\nE2,乙,team_lead\n")
    code, lines = run(capsys, tmp_path)
    assert code == 1
    text = message(lines[0], f"{tmp_path / 'roster.csv'}:2:level")
    assert text.startswith("未知职级 'specalist'（是否应为 'specialist'？）；职级：")
    assert_chinese(text)


def test_a_deductions_file_problem_reads_in_chinese_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    month_files(tmp_path)
    deductions = tmp_path / "deductions.csv"
    deductions.write_text(
        "工号,姓名,社保个人,公积金个人,个税,其他扣款\nE1,甲,-5,,,\nE11,丙,1,,,\nE2,乙,,,,\n",
        encoding="utf-8",
    )
    code, lines = run(capsys, tmp_path, "--deductions", deductions)
    assert code == 1
    by_place = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in lines}
    assert by_place[f"{deductions}:2:social_insurance"] == "扣款不能为负数，得到 '-5'"
    assert by_place[f"{deductions}:3:employee_id"] == "工号 'E11' 不在名册中；是否应为 'E1'？"
    for text in by_place.values():
        assert "(" not in text  # the English in brackets is gone from the Chinese text
        assert_chinese(text)


def test_an_import_profile_problem_reads_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "id: my_export\ntitle: 我的导出\nlayout: day_rows\nheader:\n  required: [姓名, 日期]\n"
        "units: {分钟: minute}\nemployee:\n  ids: [工号]\nday_rows:\n  date: 日期\n"
        "  columns:\n    - {name: 迟到时长, event: late, review: 迟到}\n    - {name: 缺卡次数}\n",
        encoding="utf-8",
    )
    export = Path(__file__).parent / "fixtures" / "attendance" / "dingtalk_daily_2026-10.xlsx"
    code, lines = issue_lines(
        capsys, "import", export, "--month", "2026-10", "--profile", profile,
        "-o", tmp_path / "e.csv",
    )  # fmt: skip
    assert code == 1
    assert lines == [
        f"{profile}:12: day_rows.columns.0: event 与 review 只能给一个",
        f"{profile}:13: day_rows.columns.1: 列须有 event 或 review",
    ]
    for line in lines:
        assert_chinese(line.split(": ", 1)[1])
