"""`appraisal months`, `export`, and `--version N` on replay, explain and payslips, through
`appraisal.cli.main` (issue 10, item 4), with their refusals."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from appraisal.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "ledger_v1"
ROSTER = (
    "employee_id,name,level,hire_date",
    "E001,张三,specialist,2020-01-01",
    "E002,李四,team_lead,2019-05-06",
)
HEADER = "employee_id,date,kind,value,clause,amount,points,flags,note"


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    for name in ("ledger.db", "oct_v1.xlsx"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    return tmp_path


def events(folder: Path, month: str, *extra: str) -> Path:
    """Every criterion met by both; exam 95 (band A, +10) for E001, 90 (band B, +5) for E002."""
    rows = [f"E00{n},{month}-30,criterion,1,{c},,,,达标" for n in (1, 2) for c in range(1, 6)]
    rows += [f"E001,{month}-30,exam,95,,,,,考试", f"E002,{month}-30,exam,90,,,,,考试", *extra]
    path = folder / f"events_{month}_{len(extra)}.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """2026-10 sealed, then amended with a clause 11 fine for E002 (值日 20 yuan, −5)."""
    monkeypatch.setattr("getpass.getuser", lambda: "hr-lin")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(ROSTER) + "\n", encoding="utf-8")
    ledger = tmp_path / "small.db"
    for extra, amend in (
        ((), []),
        (("E002,2026-10-15,penalty,,11,,,,值日未做",), ["--amend", "值日罚款漏登"]),
    ):
        code, _, err = cli(
            capsys,
            "run",
            "--month",
            "2026-10",
            "--roster",
            roster,
            "--events",
            events(tmp_path, "2026-10", *extra),
            "--ledger",
            ledger,
            *amend,
        )
        assert code == 0, err
    return ledger


def test_months_lists_each_version_with_its_time_and_totals(
    capsys: pytest.CaptureFixture[str], small: Path
) -> None:
    code, out, err = cli(capsys, "months", "--ledger", small)
    assert code == 0, err
    assert "1 sealed month(s), 2 version(s); ledger chain intact." in out
    v1, v2 = (line.strip() for line in out.splitlines() if line.startswith("  v"))
    # By hand: E001 1000 base + 900 floating + 50 transport = 1950, + 100 award as the
    # month's best (score 150 against E002's 145) = 2050; E002 1100 + 900 + 50 = 2050.
    assert v1.startswith("v1  superseded by v2  sealed ") and "by hr-lin" in v1
    assert "2 employees  gross 4100.00" in v1
    # Version 2: E002's 20-yuan fine comes out of the floating wage: 2050 + 2030.
    assert v2.startswith("v2  current  sealed ") and "amended: 值日罚款漏登" in v2
    assert "2 employees  gross 4080.00" in v2


def test_months_as_json_for_tools(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    code, out, _ = cli(capsys, "months", "--ledger", small, "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(m["version"], m["current"], m["gross"], m["sealed_by"]) for m in listed["months"]] == [
        (1, False, "4100.00", "hr-lin"),
        (2, True, "4080.00", "hr-lin"),
    ]
    assert len(listed["months"][0]["record_hash"]) == 64
    assert listed["stale"] == [] and listed["reseal_after"] is None


def test_months_of_the_migrated_fixture(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    code, out, err = cli(capsys, "months", "--ledger", fixture_dir / "ledger.db")
    assert code == 0, err
    assert out.count("time unknown") == 3  # sealed before the ledger noted when
    assert "2026-11  过期 stale: re-seal with `appraisal reseal --after 2026-10`" in out
    assert "amended: 罚款登记有误，撤销处罚" in out


def test_months_refuses_a_missing_ledger_and_creates_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "months", "--ledger", tmp_path / "no.db")
    assert code == 1
    assert "no.db: no ledger file" in err
    assert not (tmp_path / "no.db").exists()


def test_months_refuses_a_tampered_chain(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    ledger = fixture_dir / "ledger.db"
    db = sqlite3.connect(ledger)
    db.execute("UPDATE sealed_month SET amend_reason = '改过' WHERE seq = 3")
    db.commit()
    db.close()
    code, out, err = cli(capsys, "months", "--ledger", ledger)
    assert code == 1 and out == ""
    assert "the hash chain does not hold" in err and "seq 3 (2026-10 v2)" in err


def test_export_rebuilds_version_1_byte_for_byte(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    out_path = fixture_dir / "again.xlsx"
    code, out, err = cli(
        capsys,
        "export",
        "--month",
        "2026-10",
        "--version",
        "1",
        "--ledger",
        fixture_dir / "ledger.db",
        "--out",
        out_path,
        "--json",
        fixture_dir / "v1.json",
    )
    assert code == 0, err
    assert out.startswith("2026-10 version 1 from ")
    assert out_path.read_bytes() == (FIXTURE / "oct_v1.xlsx").read_bytes()
    results = json.loads((fixture_dir / "v1.json").read_text(encoding="utf-8"))
    kf001 = next(e for e in results["employees"] if e["employee_id"] == "KF001")
    assert kf001["pay"]["fines"] == "200.00"  # clause 7, revoked in version 2


@pytest.mark.parametrize(
    ("month", "version", "message"),
    [
        ("2026-10", "3", "2026-10 has no version 3 (versions: 1, 2)"),
        ("2026-12", "1", "2026-12 is not sealed (sealed months: 2026-10, 2026-11)"),
    ],
)
@pytest.mark.parametrize("command", ["export", "explain", "replay"])
def test_an_unknown_version_is_refused_naming_the_versions(
    capsys: pytest.CaptureFixture[str],
    fixture_dir: Path,
    command: str,
    month: str,
    version: str,
    message: str,
) -> None:
    ledger = fixture_dir / "ledger.db"
    common = ["--month", month, "--version", version, "--ledger", ledger]
    argv = {
        "export": ["export", *common, "--out", fixture_dir / "x.xlsx"],
        "explain": ["explain", "KF001", *common],
        "replay": ["replay", *common],
    }[command]
    code, _, err = cli(capsys, *argv)
    assert code == 1
    assert message in err
    assert not (fixture_dir / "x.xlsx").exists()


def test_export_needs_an_output(capsys: pytest.CaptureFixture[str], fixture_dir: Path) -> None:
    code, _, err = cli(
        capsys, "export", "--month", "2026-10", "--ledger", fixture_dir / "ledger.db"
    )
    assert code == 2
    assert "export: give --json FILE, --out FILE.xlsx or both" in err


def test_a_version_is_a_whole_number_from_1(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(
            [
                "replay",
                "--month",
                "2026-10",
                "--version",
                "0",
                "--ledger",
                str(fixture_dir / "ledger.db"),
            ]
        )
    assert stop.value.code == 2
    assert "'0' is not a version number" in capsys.readouterr().err


def test_explain_reads_the_version_asked_for(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    ledger = fixture_dir / "ledger.db"
    statements = {}
    for version in ("1", "2"):
        code, out, err = cli(
            capsys,
            "explain",
            "KF001",
            "--month",
            "2026-10",
            "--version",
            version,
            "--ledger",
            ledger,
        )
        assert code == 0, err
        statements[version] = out
    # The clause 7 fine of 200 yuan is in version 1 and revoked by version 2.
    assert "200.00" in statements["1"] and statements["1"] != statements["2"]
    code, out, _ = cli(capsys, "explain", "KF001", "--month", "2026-10", "--ledger", ledger)
    assert out == statements["2"]


def test_replay_of_a_superseded_version(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    code, out, err = cli(
        capsys, "replay", "--month", "2026-10", "--version", "1", "--ledger", small
    )
    assert code == 0, err
    assert "Replay of 2026-10 (version 1, superseded by version 2 on " in out
    assert "by hr-lin, 2 employees): identical to the sealed results." in out


def test_replay_workbook_confirms_the_version_its_manifest_names(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    """Done when, step 6: the workbook HR paid from is confirmed as version 1."""
    code, out, err = cli(
        capsys,
        "replay",
        "--month",
        "2026-10",
        "--ledger",
        fixture_dir / "ledger.db",
        "--workbook",
        fixture_dir / "oct_v1.xlsx",
    )
    assert code == 0, err
    assert (
        f"{fixture_dir / 'oct_v1.xlsx'} is the workbook of 2026-10 version 1"
        " (superseded by version 2, sealed at a time unknown): byte-identical" in out
    )


def test_replay_workbook_refuses_another_version_asked_for(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    code, _, err = cli(
        capsys,
        "replay",
        "--month",
        "2026-10",
        "--version",
        "2",
        "--ledger",
        fixture_dir / "ledger.db",
        "--workbook",
        fixture_dir / "oct_v1.xlsx",
    )
    assert code == 2
    assert "is the workbook of 2026-10 version 1, not version 2" in err


def test_replay_workbook_of_another_month_is_refused_naming_both(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    ledger, november = fixture_dir / "ledger.db", fixture_dir / "nov.xlsx"
    assert (
        cli(capsys, "export", "--month", "2026-11", "--ledger", ledger, "--out", november)[0] == 0
    )
    code, _, err = cli(
        capsys, "replay", "--month", "2026-10", "--ledger", ledger, "--workbook", november
    )
    assert code == 1
    assert f"{november} is the workbook of 2026-11, not of 2026-10" in err


def test_replay_refuses_a_draft_workbook(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    draft = fixture_dir / "draft.xlsx"
    book = openpyxl.load_workbook(fixture_dir / "oct_v1.xlsx")
    sheet = book["说明"]
    for row in sheet.iter_rows(min_row=1):
        if row[1].value == "record_hash":  # a preview has no record: 草稿, and no hash
            row[1].value, row[2].value = None, "草稿 draft: not sealed"
    book.save(draft)
    code, _, err = cli(
        capsys,
        "replay",
        "--month",
        "2026-10",
        "--ledger",
        fixture_dir / "ledger.db",
        "--workbook",
        draft,
    )
    assert code == 1
    assert f"{draft} is a draft (草稿) of 2026-10, not sealed" in err


def test_replay_refuses_a_workbook_without_a_manifest(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    bare = fixture_dir / "bare.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "工资调整"
    book.save(bare)
    code, _, err = cli(
        capsys,
        "replay",
        "--month",
        "2026-10",
        "--ledger",
        fixture_dir / "ledger.db",
        "--workbook",
        bare,
    )
    assert code == 1
    assert f"{bare}: no 说明 (manifest) sheet" in err


def test_payslips_refuse_an_unknown_version_alike(
    capsys: pytest.CaptureFixture[str], fixture_dir: Path
) -> None:
    slips = fixture_dir / "slips"
    code, _, err = cli(
        capsys,
        "payslips",
        "--month",
        "2026-10",
        "--version",
        "3",
        "--ledger",
        fixture_dir / "ledger.db",
        "--out",
        slips,
    )
    assert code == 1
    assert "2026-10 has no version 3 (versions: 1, 2)" in err
