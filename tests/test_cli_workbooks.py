"""The commands around the workbooks, end to end: `run --out`, `replay --workbook`,
`template` and `explain` (issue 3).

The workbook of a sealed month is a function of the ledger record alone: the file `run`
writes, the file a second identical `run` writes and the file `replay` rebuilds are the
same bytes, and any edit to the file is found and named by sheet and cell.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import openpyxl
import pytest

from appraisal import Ledger
from appraisal.cli import main
from appraisal.domain.model import Month
from appraisal.export.workbook import salary_workbook_of
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import load_policy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
EXAMPLE_EVENTS = ROOT / "examples" / "events.csv"


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_example(
    capsys: pytest.CaptureFixture[str], ledger: Path, *extra: object
) -> tuple[int, str, str]:
    return cli(
        capsys,
        "run",
        "--month",
        "2026-10",
        "--roster",
        EXAMPLE_ROSTER,
        "--events",
        EXAMPLE_EVENTS,
        "--ledger",
        ledger,
        *extra,
    )


def replay_workbook(
    capsys: pytest.CaptureFixture[str], ledger: Path, workbook: Path
) -> tuple[int, str, str]:
    return cli(capsys, "replay", "--month", "2026-10", "--ledger", ledger, "--workbook", workbook)


@pytest.fixture
def sealed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[Path, Path]:
    """The example month sealed in a fresh ledger, with its workbook written."""
    ledger, workbook = tmp_path / "ledger.db", tmp_path / "工资调整.xlsx"
    code, out, err = run_example(capsys, ledger, "--out", workbook)
    assert code == 0, err
    assert f"written to {workbook}" in out
    return ledger, workbook


def test_run_writes_the_workbook_the_ledger_gives(sealed: tuple[Path, Path]) -> None:
    ledger, workbook = sealed
    with Ledger(ledger) as book:
        record = book.current("2026-10")
    assert record is not None
    assert workbook.read_bytes() == salary_workbook_of(record)
    sheets = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    for name in (
        "工资调整",
        "工资条",
        "考核评分",
        "职级变动",
        "审计轨迹",
        "合规提示",
        "汇总",
        "说明",
    ):
        assert name in sheets


def test_a_second_identical_run_writes_the_same_bytes(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path], tmp_path: Path
) -> None:
    ledger, workbook = sealed
    again = tmp_path / "again.xlsx"
    code, out, err = run_example(capsys, ledger, "--out", again)
    assert code == 0, err
    assert "nothing new stored" in out
    assert again.read_bytes() == workbook.read_bytes()


def test_replay_confirms_an_untouched_workbook(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path]
) -> None:
    ledger, workbook = sealed
    code, out, err = replay_workbook(capsys, ledger, workbook)
    assert code == 0, err
    assert "byte-identical" in out


def test_replay_names_the_cell_of_an_edited_workbook(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path], tmp_path: Path
) -> None:
    ledger, workbook = sealed
    book = openpyxl.load_workbook(workbook)
    sheet = book["工资调整"]
    # The first cell holding a number below the header: someone "corrects" a figure.
    target = next(
        cell
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    )
    target.value = target.value + 100
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    code, _, err = replay_workbook(capsys, ledger, edited)
    assert code == 1
    assert f"工资调整!{target.coordinate}" in err
    assert "is not the workbook of 2026-10 version 1" in err


def test_replay_tells_a_resaved_workbook_from_an_edited_one(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path], tmp_path: Path
) -> None:
    ledger, workbook = sealed
    resaved = tmp_path / "resaved.xlsx"
    openpyxl.load_workbook(workbook).save(resaved)
    code, _, err = replay_workbook(capsys, ledger, resaved)
    assert code == 1
    assert "the cell values are the same" in err
    assert "saved again by another program" in err


def test_replay_of_a_file_that_is_not_a_workbook(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path], tmp_path: Path
) -> None:
    ledger, _ = sealed
    text = tmp_path / "notes.xlsx"
    text.write_text("employee_id,gross\n", encoding="utf-8")
    code, _, err = replay_workbook(capsys, ledger, text)
    assert code == 1
    assert "not an Excel workbook" in err


@pytest.mark.parametrize(
    ("out_name", "message"),
    [("results.csv", "must end in .xlsx"), ("missing/工资.xlsx", "does not exist")],
)
def test_a_bad_workbook_path_is_refused_before_anything_is_sealed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, out_name: str, message: str
) -> None:
    ledger = tmp_path / "ledger.db"
    code, out, err = run_example(capsys, ledger, "--out", tmp_path / out_name)
    assert code == 2
    assert message in err
    assert not ledger.exists()
    assert "Sealed" not in out


def test_explain_prints_one_employees_statement(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path]
) -> None:
    ledger, _ = sealed
    # KF018 (worked by hand in tests/cases): exactly 140 points, so not demoted.
    for lang in ("zh", "en"):
        code, out, err = cli(
            capsys, "explain", "KF018", "--month", "2026-10", "--ledger", ledger, "--lang", lang
        )
        assert code == 0, err
        assert "KF018" in out
        assert "140" in out


def test_explain_suggests_a_close_id(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path]
) -> None:
    ledger, _ = sealed
    code, _, err = cli(capsys, "explain", "KF0018", "--month", "2026-10", "--ledger", ledger)
    assert code == 1
    assert "KF018" in err


def test_explain_of_a_month_not_sealed(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path]
) -> None:
    ledger, _ = sealed
    code, _, err = cli(capsys, "explain", "KF018", "--month", "2026-11", "--ledger", ledger)
    assert code == 1
    assert "2026-11 is not sealed (sealed months: 2026-10)" in err


def test_template_writes_the_input_workbook(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "input.xlsx"
    code, out, err = cli(
        capsys, "template", "--month", "2026-11", "--roster", EXAMPLE_ROSTER, "--out", out_path
    )
    assert code == 0, err
    assert "20 employees" in out
    sheets = openpyxl.load_workbook(out_path, read_only=True).sheetnames
    for name in ("名册", "考勤", "考评"):
        assert name in sheets


def test_template_refuses_a_roster_with_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,name,level\nE1,张三,no_such_level\nE1,李四,specialist\n")
    out_path = tmp_path / "input.xlsx"
    code, _, err = cli(
        capsys, "template", "--month", "2026-11", "--roster", roster, "--out", out_path
    )
    assert code == 1
    assert f"{roster}:2:level: unknown level 'no_such_level'" in err
    assert f"{roster}:3" in err  # the repeated id, on the file's third line
    assert not out_path.exists()


def test_replay_accepts_a_workbook_compressed_by_another_zlib(
    capsys: pytest.CaptureFixture[str], sealed: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same parts in the same order, compressed at another level: what a machine with
    another zlib produces. The content is the ledger's, so replay accepts it and says so."""
    ledger, workbook = sealed
    recompressed = tmp_path / "recompressed.xlsx"
    with (
        zipfile.ZipFile(workbook) as source,
        zipfile.ZipFile(recompressed, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info), compresslevel=1)
    assert recompressed.read_bytes() != workbook.read_bytes()
    code, out, err = replay_workbook(capsys, ledger, recompressed)
    assert code == 0, err
    assert "every part identical" in out


@pytest.mark.parametrize(
    ("when", "line"),
    [("score < 140", 140), ("score <= 149", 150), ("score < 140 and add < 10", None)],
)
def test_the_demotion_line_comes_from_the_policy(when: str, line: int | None) -> None:
    policy = load_policy(None).in_force(Month.parse("2026-10"))
    trigger = policy.doc.demotion.triggers["low_score"]
    changed = policy.doc.demotion.triggers | {
        "low_score": trigger.model_copy(update={"when": when})
    }
    doc = policy.doc.model_copy(
        update={"demotion": policy.doc.demotion.model_copy(update={"triggers": changed})}
    )
    assert demotion_line(dataclasses.replace(policy, doc=doc)) == line
