"""What the workbook writer is given besides the results: the manifest and the ladder.

The "export" stage reads the month's results (`appraisal.domain.results.MonthResults`,
interface.md "Results") and nothing else of the engine; these two records carry what
the results do not: where the month is sealed (so an auditor can tie the file to the
ledger), the policy's demotion line, and the job ladder's titles and order.
Also here: the labels users see, Chinese with the English field name beside, in one
place so that every sheet says the same thing the same way.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from appraisal.domain.results import EmployeeResult, MonthResults

__all__ = [
    "DRAFT",
    "NOT_APPRAISED",
    "PAY_COLUMNS",
    "PAY_LABELS",
    "LevelLabel",
    "Manifest",
    "check_matches",
    "explain",
    "level_text",
    "month_after",
    "pay_date",
    "pay_label",
]


DRAFT = "草稿"  # a draft's mark in titles: not sealed, no ledger record


@dataclass(frozen=True)
class Manifest:
    """Where the month's results come from: the sealed ledger record and its inputs,
    and the figures of the policy in force that the workbook shows but the results do
    not carry.

    ``demotion_line`` is the score below which the policy demotes (降级线): the policy
    states it as a trigger's condition, which a chart cannot read, so the caller gives
    the number it works out from the policy in force (`appraisal.policy.lines`). None
    when the policy demotes on no score threshold; the summary then draws no line.
    """

    month: str  # "2026-10"
    policy_id: str
    policy_version: str
    policy_sha256: str
    input_files: Mapping[str, str]  # file name -> sha256
    engine_version: str
    record_hash: str
    ledger_version: int
    ledger_seq: int
    demotion_line: int | None
    pay_day_of_month: int = 5
    amend_reason: str | None = None
    organisation: str | None = None  # the policy's `organisation`, named in the pay sheet's title
    # A 草稿 (draft): evaluated, sealed nowhere (`run --dry-run`); the record fields are
    # then empty and every title and the 说明 say 草稿.
    draft: bool = False

    @property
    def record_text(self) -> str:
        """The ledger record as a page footer names it, or 草稿 for a draft."""
        return DRAFT if self.draft else self.record_hash


@dataclass(frozen=True)
class LevelLabel:
    """A level of the policy's ladder, in ladder order: its title and its track (the
    track's id, and its title as the policy gives it: 管理序列)."""

    id: str
    title: str
    track: str
    track_title: str = ""

    @property
    def track_text(self) -> str:
        return self.track_title or self.track


# The pay fields in payslip order (interface.md), with the label each column carries.
PAY_LABELS: Mapping[str, tuple[str, str]] = {
    "base": ("基本工资", "base"),
    "floating": ("浮动工资", "floating"),
    "fines": ("罚款", "fines"),
    "leave_deduction": ("请假扣款", "leave_deduction"),
    "absence_deduction": ("旷工扣款", "absence_deduction"),
    "overtime": ("加班工资", "overtime"),
    "rewards": ("奖金", "rewards"),
    "awards": ("评优奖励", "awards"),
    "allowances": ("补贴", "allowances"),
    "settlement": ("开除结算", "settlement"),
    "gross": ("应发工资", "gross"),
}
PAY_COLUMNS = tuple(PAY_LABELS)


def pay_label(field: str, chinese: bool = True) -> str:
    """A pay field as the pay sheet names it (``fines``: 罚款), or its own name in English."""
    labels = PAY_LABELS.get(field)
    return field if labels is None else labels[0 if chinese else 1]


# An employee sealed with no criterion or exam row (run --allow-unappraised).
NOT_APPRAISED = "未考核"


def level_text(level: str | None, ladder: Mapping[str, LevelLabel]) -> str:
    """A level as HR reads it: its title, with the id an auditor matches to the policy."""
    if level is None:
        return ""
    known = ladder.get(level)
    return f"{known.title} ({level})" if known else level


def month_after(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def pay_date(month: str, day_of_month: int) -> date:
    """Pay day (工资发放日): the given day of the month after the appraised one.

    A day past the end of a short month falls on its last day, as payroll would.
    """
    year, number = (int(part) for part in month_after(month).split("-"))
    last = calendar.monthrange(year, number)[1]
    return date(year, number, min(day_of_month, last))


def check_matches(results: MonthResults, manifest: Manifest) -> None:
    """Refuse to label one month's results with another month's seal."""
    policy = results.policy
    pairs = (
        ("month", results.month, manifest.month),
        ("policy id", policy.id, manifest.policy_id),
        ("policy version", policy.version, manifest.policy_version),
        ("policy sha256", policy.sha256, manifest.policy_sha256),
    )
    for what, in_results, in_manifest in pairs:
        if in_results != in_manifest:
            raise ValueError(
                f"the manifest does not describe these results: {what} is {in_results!r} "
                f"in the results and {in_manifest!r} in the manifest"
            )


def explain(person: EmployeeResult, family: str, codes: Sequence[str]) -> tuple[str, str]:
    """Reasons as HR reads them, and the input rows behind them, from the trace.

    A reason code (``low_score``) is shown with the clause of the rule that fired it
    (``demotion.low_score``: 降级情况一: 月度考核分数低于140分), one a line.
    """
    fired = {entry.rule: entry for entry in person.trace}
    lines: list[str] = []
    sources: list[str] = []
    for code in codes:
        entry = fired.get(f"{family}.{code}")
        lines.append(f"{code}: {entry.clause}" if entry else code)
        if entry and entry.event:
            sources.append(entry.event)
    return "\n".join(lines), ", ".join(sources)
