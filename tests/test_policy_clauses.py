"""Issue 14, item 5: a figure that changes while its clause text still quotes the old one."""

from __future__ import annotations

from pathlib import Path

from appraisal.policy.clauses import stale_clauses
from appraisal.policy.loaded import load_policy


def _policy(tmp_path: Path, within_30: str) -> Path:
    path = tmp_path / "raised.yaml"
    path.write_text(
        "\n".join(
            [
                "id: cs-raised",
                'version: "2026-12"',
                "extends: customer_service.yaml",
                "override:",
                "  attendance:",
                "    lateness:",
                "      tiers:",
                f"        within_30: {within_30}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_a_raised_fine_under_the_old_clause_text_is_flagged(tmp_path: Path) -> None:
    # 处罚 4 says 10 yuan a time; from December the fine is 15, the text unchanged.
    policy = load_policy(_policy(tmp_path, "{fine: {2026-12-01: 15}}"))
    assert stale_clauses(policy) == [
        "attendance.lateness.tiers.within_30.fine: 10 → 15 from 2026-12-01, but its clause "
        "still reads '处罚 4: 迟到30分钟以内扣10元/次，并扣3分': update the clause text, "
        "which statements and the workbook show"
    ]


def test_a_clause_dated_with_its_figure_is_not_flagged(tmp_path: Path) -> None:
    within_30 = (
        "{fine: {2026-12-01: 15}, clause: {2026-12-01: '处罚 4: 迟到30分钟以内扣15元/次，并扣3分'}}"
    )
    assert stale_clauses(load_policy(_policy(tmp_path, within_30))) == []


def test_the_shipped_policy_has_no_stale_clause() -> None:
    assert stale_clauses(load_policy()) == []
