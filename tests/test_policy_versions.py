"""Issue 14, item 5: one version of a policy names one text in a ledger."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from appraisal.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "policies" / "customer_service.yaml", tmp_path / "policy.yaml")
    shutil.copy(EXAMPLES / "roster.csv", tmp_path / "roster.csv")
    shutil.copy(EXAMPLES / "events.csv", tmp_path / "october.csv")
    # November: two ordinary rows (October dismissed KF013 and KF015; they are not in it).
    roster = (EXAMPLES / "roster.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in roster if not line.startswith(("KF013,", "KF015,"))]
    (tmp_path / "roster_nov.csv").write_text("".join(kept), encoding="utf-8")
    (tmp_path / "november.csv").write_text(
        "employee_id,date,kind,value,clause\nKF001,2026-11-03,late,12,\nKF002,2026-11-04,criterion,1,1\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(month: str, events: str) -> int:
    """Seal the month; November appraises only KF002, and these tests are about the
    policy's versions, so the others' missing criteria count as not met."""
    roster = "roster.csv" if month == "2026-10" else "roster_nov.csv"
    argv = ["run", "--month", month, "--roster", roster, "--events", events]
    argv += ["--allow-unappraised"]
    return main([*argv, "--policy", "policy.yaml", "--ledger", "l.db"])


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_other_rules_under_a_sealed_version_are_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("2026-10", "october.csv") == 0
    ledger = hashlib.sha256((folder / "l.db").read_bytes()).hexdigest()
    # The HR analyst raises the fine for lateness within 30 minutes, in place.
    _edit(folder, "max_minutes: 30, fine: 10", "max_minutes: 30, fine: 15")
    capsys.readouterr()
    assert _run("2026-11", "november.csv") == 1
    err = capsys.readouterr().err
    assert (
        "policy cs-appraisal version 2010-07-28.4 was sealed with another text (2026-10 v1" in err
    )
    assert "give it a new version (the policy's `version:`) and run again" in err
    assert hashlib.sha256((folder / "l.db").read_bytes()).hexdigest() == ledger
    # With a version of its own, the new text is sealed.
    _edit(folder, 'version: "2010-07-28.4"', 'version: "2026-11"')
    assert _run("2026-11", "november.csv") == 0


def test_the_same_text_seals_month_after_month(folder: Path) -> None:
    assert _run("2026-10", "october.csv") == 0
    assert _run("2026-11", "november.csv") == 0


def test_check_policy_with_the_ledger_warns_of_a_reused_version_and_stale_clauses(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("2026-10", "october.csv") == 0
    _edit(folder, "max_minutes: 30, fine: 10", "max_minutes: 30, fine: 15")
    capsys.readouterr()
    assert main(["check-policy", "policy.yaml", "--ledger", "l.db"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if "warning" in line]
    assert warnings[0].startswith(
        "warning: l.db: version 2010-07-28.4 of cs-appraisal was sealed with another text "
        "(2026-10 v1, sha256 "
    )
    assert warnings[0].endswith("run will refuse this one: give it a new version")
    # With a version of its own, the fine 10 → 15 under a clause that still says 10 is named.
    _edit(folder, 'version: "2010-07-28.4"', 'version: "2026-11"')
    assert main(["check-policy", "policy.yaml", "--ledger", "l.db"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if "warning" in line]
    assert warnings == [
        "warning: attendance.lateness.tiers.within_30.fine: 10 → 15 since version "
        "2010-07-28.4, sealed in 2026-10, but its clause still reads "
        "'处罚 4: 迟到30分钟以内扣10元/次，并扣3分': update the clause text, which statements "
        "and the workbook show"
    ]


def test_check_policy_of_the_shipped_policies_warns_of_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("customer_service.yaml", "customer_service_2027.yaml"):
        assert main(["check-policy", str(ROOT / "policies" / name)]) == 0
        assert "warning" not in capsys.readouterr().out


def test_policy_schema_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy-schema"]) == 0
    shipped = ROOT / "appraisal" / "policy" / "policy.schema.json"
    assert capsys.readouterr().out == shipped.read_text(encoding="utf-8")
