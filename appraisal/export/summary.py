"""The short summary `appraisal run` prints: head count, scores, level changes, payroll.

Part of the "export" stage; it reads only the results JSON, so a replayed or sealed
month prints exactly the same summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["summary_lines"]

# Score bands for the distribution; 140 is the demotion line (低于140分降级).
BANDS = ((180, "180-200"), (160, "160-179"), (140, "140-159"), (100, "100-139"), (0, "0-99"))
BAR_WIDTH = 30


def summary_lines(results: Mapping[str, Any]) -> list[str]:
    employees = results["employees"]
    policy = results["policy"]
    lines = [
        f"Appraisal {results['month']} — policy {policy['id']} {policy['version']} (sha256 {policy['sha256'][:12]}…)",
        f"Head count: {len(employees)}",
    ]
    counts = Counter(_band(Decimal(str(e["score"]["total"]))) for e in employees)
    lines.append("Scores (总分):")
    for _, label in BANDS:
        bar = "#" * round(BAR_WIDTH * counts[label] / max(len(employees), 1))
        marker = "  ← below 140 demotes" if label == "100-139" else ""
        lines.append(f"  {label:>7}  {counts[label]:>5}  {bar}{marker}")
    demoted = [
        e
        for e in employees
        if e["next_level"] and e["next_level"] != e["level"] and e["demotion_reasons"]
    ]
    promoted = [e for e in employees if e.get("promoted_to")]
    dismissed = [e for e in employees if e["dismissal"]]
    lines.append(
        f"Demotions (降级): {len(demoted)}"
        + _names(demoted, lambda e: f"{e['level']}→{e['next_level']}")
    )
    lines.append(
        f"Promotions (晋升): {len(promoted)}" + _names(promoted, lambda e: f"→{e['promoted_to']}")
    )
    lines.append(
        f"Dismissals (开除): {len(dismissed)}"
        + _names(dismissed, lambda e: ",".join(e["dismissal_reasons"]))
    )
    review = sum(len(e["review"]) for e in employees)
    conflicts = sum(len(e["compliance"]) for e in employees)
    lines.append(f"For review: {review} item(s); compliance conflicts (合规提示): {conflicts}")

    def total(field: str) -> Decimal:
        return sum((Decimal(e["pay"][field]) for e in employees), Decimal(0))

    contract = total("base") + total("floating") + total("allowances")
    gross = total("gross")
    lines.append(
        f"Payroll (应发): gross {gross:,.2f}; appraisal change {gross - contract:+,.2f} "
        f"(fines -{total('fines'):,.2f}, leave -{total('leave_deduction'):,.2f}, "
        f"absence -{total('absence_deduction'):,.2f}, overtime +{total('overtime'):,.2f}, "
        f"rewards +{total('rewards'):,.2f}, awards +{total('awards'):,.2f}, settlements +{total('settlement'):,.2f})"
    )
    return lines


def _band(total: Decimal) -> str:
    for floor, label in BANDS:
        if total >= floor:
            return label
    return BANDS[-1][1]


def _names(people: list[dict[str, Any]], detail: Any, limit: int = 8) -> str:
    if not people:
        return ""
    shown = [f"{e['employee_id']} {e['name']} ({detail(e)})" for e in people[:limit]]
    more = f", … {len(people) - limit} more" if len(people) > limit else ""
    return " — " + ", ".join(shown) + more
