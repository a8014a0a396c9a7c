"""`appraisal.lifecycle.reseal_after`: the months an amendment left stale, sealed again.

Each stale month is sealed again in order with its own stored inputs and the policy
texts it was sealed with, on the state the month before now hands on, as an amendment
saying why; all of them or none. Figures are worked by hand from
../shared/spec/scheme.md (see tests/test_cli_lifecycle.py for the same ledger on the
command line).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

import appraisal.lifecycle as lifecycle
from appraisal.audit import replay_month
from appraisal.domain.errors import InputError
from appraisal.domain.model import Issue, Month
from appraisal.ledger.errors import ChainBroken, LedgerError, NotSealed
from appraisal.ledger.store import Ledger
from appraisal.lifecycle import reseal_after
from appraisal.pipeline import RunRequest, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "ledger_v1"
EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
EXAMPLE_EVENTS = ROOT / "examples" / "events.csv"
KF006_PENALTY = "KF006,2026-10-29,penalty,,7,200,,serious,"


def seal(ledger: Path, month: str, roster: Path, events: Path, amend: str | None = None) -> None:
    run(RunRequest(Month.parse(month), roster, (events,), ledger, amend=amend))


def three_months(tmp_path: Path) -> Path:
    ledger = tmp_path / "appraisal.db"
    seal(ledger, "2026-10", EXAMPLE_ROSTER, EXAMPLE_EVENTS)
    november = (FIXTURE / "events_11.csv").read_text(encoding="utf-8")
    for month in ("2026-11", "2026-12"):
        events = tmp_path / f"events_{month}.csv"
        events.write_text(november.replace("2026-11-", f"{month}-"), encoding="utf-8")
        seal(ledger, month, FIXTURE / "roster_11.csv", events)
    return ledger


def amend_october(tmp_path: Path, ledger: Path) -> None:
    """October again without KF006's serious penalty 7: he is not demoted (scheme §2.3)."""
    lines = EXAMPLE_EVENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    amended = tmp_path / "events_amended.csv"
    amended.write_text("".join(x for x in lines if not x.startswith(KF006_PENALTY)), "utf-8")
    seal(ledger, "2026-10", EXAMPLE_ROSTER, amended, amend="处罚7登记有误")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_stale_month_is_sealed_again_in_order_on_the_new_state(tmp_path: Path) -> None:
    ledger = three_months(tmp_path)
    amend_october(tmp_path, ledger)
    with Ledger(ledger) as opened:
        assert opened.stale_months() == ["2026-11", "2026-12"]

    done = reseal_after(Month.parse("2026-10"), ledger)

    assert [(one.after.month, one.after.version) for one in done.resealed] == [
        ("2026-11", 2),
        ("2026-12", 2),
    ]
    assert done.reason is not None and "2026-10 v2" in done.reason
    with Ledger(ledger) as opened:
        assert opened.stale_months() == []
        october, november, december = (opened.current(m) for m in ("2026-10", "2026-11", "2026-12"))
        assert october is not None and november is not None and december is not None
        assert november.state_before == october.state_after
        assert december.state_before == november.state_after
        assert november.amend_reason == done.reason
        # The stored inputs and policy texts of the first seal, unchanged.
        first = opened.versions("2026-11")[0]
        assert (november.inputs, november.policy_sources) == (first.inputs, first.policy_sources)
        assert opened.verify_chain() == []
    for month in ("2026-11", "2026-12"):
        assert replay_month(Month.parse(month), ledger).differences == []

    # Hand-worked: KF006 stays 客服组长 (team_lead, base 1100) in November instead of
    # 客服专员 (base 1000): +100.00. November's own serious penalty then demotes him to
    # specialist for December (1000 + 900 − 200 + 50 = 1750.00) rather than intern
    # (700 + 0, the 200 fine capped at the floating wage 0, + 50 = 750.00): +1000.00.
    november_changes, december_changes = done.report.months
    assert [c.employee_id for c in november_changes.changes] == ["KF006"]
    kf006 = november_changes.changes[0]
    assert (kf006.level_before, kf006.level_after) == ("specialist", "team_lead")
    base = kf006.field("base")
    assert base is not None and (base.before, base.after) == (Decimal(1000), Decimal(1100))
    assert kf006.gross.delta == Decimal("100.00")
    assert "pay.base" in kf006.rules
    assert [c.employee_id for c in december_changes.changes] == ["KF006"]
    assert december_changes.changes[0].gross.before == Decimal("750.00")
    assert december_changes.changes[0].gross.after == Decimal("1750.00")
    assert done.report.back_pay == Decimal("1100.00")
    assert done.report.clawback == Decimal("0.00")
    (department,) = november_changes.departments()
    assert (department.department, department.net) == ("电话客服组", Decimal("100.00"))


def test_nothing_stale_after_the_month_seals_nothing(tmp_path: Path) -> None:
    ledger = three_months(tmp_path)
    before = digest(ledger)
    done = reseal_after(Month.parse("2026-10"), ledger)
    assert done.resealed == () and done.report.months == ()
    assert digest(ledger) == before


def test_all_months_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """December's stored inputs refused after November was re-sealed: neither is kept."""
    ledger = three_months(tmp_path)
    amend_october(tmp_path, ledger)
    before = digest(ledger)
    compute = lifecycle.compute

    def refuse_december(policy, inputs, state):  # type: ignore[no-untyped-def]
        if str(inputs.month) == "2026-12":
            return None, [Issue("events.csv", 2, "date", "refused for the test")]
        return compute(policy, inputs, state)

    monkeypatch.setattr(lifecycle, "compute", refuse_december)
    with pytest.raises(InputError) as refused:
        reseal_after(Month.parse("2026-10"), ledger)
    assert str(refused.value.issues[0]) == "2026-12 stored events.csv:2:date: refused for the test"
    assert digest(ledger) == before
    with Ledger(ledger) as opened:
        assert opened.stale_months() == ["2026-11", "2026-12"]
        assert [r.version for r in opened.versions("2026-11")] == [1]


def test_refusals_leave_the_ledger_as_it_was(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no ledger file"):
        reseal_after(Month.parse("2026-10"), tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()
    ledger = three_months(tmp_path)
    amend_october(tmp_path, ledger)
    before = digest(ledger)
    with pytest.raises(NotSealed, match=r"2027-01 is not sealed \(sealed months: 2026-10, "):
        reseal_after(Month.parse("2027-01"), ledger)
    with pytest.raises(
        LedgerError, match=r"reseal --after 2026-10 \(stale months: 2026-11, 2026-12\)"
    ):
        reseal_after(Month.parse("2026-11"), ledger)
    assert digest(ledger) == before


def test_a_broken_chain_is_refused(tmp_path: Path) -> None:
    import sqlite3

    ledger = three_months(tmp_path)
    amend_october(tmp_path, ledger)
    with sqlite3.connect(ledger) as db:
        db.execute("UPDATE sealed_month SET amend_reason = 'edited' WHERE seq = 4")
    before = digest(ledger)
    with pytest.raises(ChainBroken, match=r"seq 4 \(2026-10 v2\)"):
        reseal_after(Month.parse("2026-10"), ledger)
    assert digest(ledger) == before
