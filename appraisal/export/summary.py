"""The short summary `appraisal run` prints: head count, scores, level changes, payroll.

Part of the "export" stage; it reads only the month's results (as the ledger sealed
them), so a replayed or sealed month prints exactly the same summary. The demotion
line it marks is the policy's (`appraisal.policy.lines.demotion_line`), given by the
caller.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from appraisal.domain.results import EmployeeResult, MonthResults, pay_totals
from appraisal.domain.text import terminal_safe
from appraisal.i18n import _, language

__all__ = ["summary_lines"]

# Score bands of the distribution, highest first: each holds the scores from its floor
# up to the next band's floor.
BANDS = ((180, "180-200"), (160, "160-179"), (140, "140-159"), (100, "100-139"), (0, "0-99"))
BAR_WIDTH = 30


def summary_lines(
    results: MonthResults,
    demotion_line: int | None,
    left: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
) -> list[str]:
    """The summary's lines. ``demotion_line`` is the score below which the policy
    demotes (None: on no score threshold); the band just below it is marked. ``left``:
    who was on last month's payroll and is not on this roster. ``titles``: the levels'
    titles (`PolicyInForce.level_titles`), which name the levels in Chinese (客服组长→客服专员);
    in English, and without them, the levels' ids. Names and ids are input: their
    control characters are shown escaped (`terminal_safe`)."""
    shown: Mapping[str, str] = (titles or {}) if language() == "zh" else {}

    def level(name: str | None) -> str:
        return shown.get(name, name) if name else ""

    employees = results.employees
    policy = results.policy
    heading = _("Appraisal {month} — policy {policy} {version} (sha256 {sha256}…)")
    lines = [
        heading.format(
            month=results.month,
            policy=policy.id,
            version=policy.version,
            sha256=policy.sha256[:12],
        ),
        _("Head count: {count}").format(count=len(employees)),
    ]
    counts = Counter(_band(e.score.total) for e in employees)
    markers = _markers(demotion_line)
    lines.append(_("Scores (总分):"))
    for _floor, label in BANDS:
        bar = "#" * round(BAR_WIDTH * counts[label] / max(len(employees), 1))
        lines.append(f"  {label:>7}  {counts[label]:>5}  {bar}{markers.get(label, '')}")
    demoted = [
        e for e in employees if e.next_level and e.next_level != e.level and e.demotion_reasons
    ]
    promoted = [e for e in employees if e.promoted_to]
    dismissed = [e for e in employees if e.dismissal]
    lines.append(
        _("Demotions (降级): {count}").format(count=len(demoted))
        + _names(demoted, lambda e: f"{level(e.level)}→{level(e.next_level)}")
    )
    lines.append(
        _("Promotions (晋升): {count}").format(count=len(promoted))
        + _names(promoted, lambda e: f"→{level(e.promoted_to)}")
    )
    lines.append(
        _("Dismissals (开除): {count}").format(count=len(dismissed))
        + _names(dismissed, lambda e: ",".join(e.dismissal_reasons))
    )
    missing = [e for e in employees if not e.appraised]
    if missing:
        unappraised = _(
            "Not appraised (未考核, no criterion or exam row; criteria counted as not met): {count}"
        )
        lines.append(
            unappraised.format(count=len(missing))
            + _names(missing, lambda e: level(e.level), limit=len(missing))
        )
    if left:
        gone = _("Left (离职, on last month's payroll, not on this roster): {count} — {who}")
        lines.append(gone.format(count=len(left), who=", ".join(left)))
    review = sum(len(e.review) for e in employees)
    conflicts = sum(len(e.compliance) for e in employees)
    counted = _("For review: {review} item(s); compliance conflicts (合规提示): {conflicts}")
    lines.append(counted.format(review=review, conflicts=conflicts))

    total = pay_totals(employees).__getitem__
    contract = total("base") + total("floating") + total("allowances")
    gross = total("gross")
    payroll = _(
        "Payroll (应发): gross {gross}; appraisal change {change} (fines -{fines}, "
        "leave -{leave}, absence -{absence}, overtime +{overtime}, rewards +{rewards}, "
        "awards +{awards}, settlements +{settlements})"
    )
    lines.append(
        payroll.format(
            gross=f"{gross:,.2f}",
            change=f"{gross - contract:+,.2f}",
            fines=f"{total('fines'):,.2f}",
            leave=f"{total('leave_deduction'):,.2f}",
            absence=f"{total('absence_deduction'):,.2f}",
            overtime=f"{total('overtime'):,.2f}",
            rewards=f"{total('rewards'):,.2f}",
            awards=f"{total('awards'):,.2f}",
            settlements=f"{total('settlement'):,.2f}",
        )
    )
    return [terminal_safe(line) for line in lines]


def _band(total: Decimal) -> str:
    for floor, label in BANDS:
        if total >= floor:
            return label
    return BANDS[-1][1]


def _markers(demotion_line: int | None) -> dict[str, str]:
    """The mark beside the band holding the scores just below the line: that band and
    those under it demote, or, for a line inside a band, part of it does."""
    if demotion_line is None:
        return {}
    ceiling = None  # the floor of the band above: where a band's scores end
    for floor, label in BANDS:
        if floor < demotion_line:
            if demotion_line == ceiling:
                mark = _("  ← below {line} demotes")
            else:
                mark = _("  ← below {line} demotes (within this band)")
            return {label: mark.format(line=demotion_line)}
        ceiling = floor
    return {}  # a line at or below the lowest score demotes no one


def _names(
    people: Sequence[EmployeeResult], detail: Callable[[EmployeeResult], str], limit: int = 8
) -> str:
    if not people:
        return ""
    shown = [f"{e.employee_id} {e.name} ({detail(e)})" for e in people[:limit]]
    more = _(", … {count} more").format(count=len(people) - limit) if len(people) > limit else ""
    return " — " + ", ".join(shown) + more
