"""职级变动 (level changes): promotions, demotions and dismissals, and what awaits a decision.

One row per change, with the reason (the clause that fired it), the input rows behind
it and the month it takes effect: a level change from next month, a dismissal this
month. A demotion the engine could not apply (the lowest level, or a level the general
manager decides) and a promotion awaiting approval are listed too, for HR to act on.
Effects and review items are shown in Chinese, as the whole workbook
(`payroll_export.audit_sheet`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from appraisal.domain.results import EmployeeResult
from payroll_export.model import LevelLabel, explain, level_text, month_after
from payroll_export.sheet import (
    DEPARTMENT,
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    Book,
    Column,
    Part,
    Row,
)
from payroll_export.table import write_table
from payroll_export.wording import label, shown

__all__ = [
    "CHANGES_SHEET",
    "DEMOTION",
    "DISMISSAL",
    "NOT_APPLIED",
    "PENDING",
    "PROMOTION",
    "changes",
    "write_changes_sheet",
]

CHANGES_SHEET = "职级变动"
PROMOTION = "晋升 promotion"
DEMOTION = "降级 demotion"
DISMISSAL = "开除 dismissal"
NOT_APPLIED = ("降级未执行", "降级未执行 demotion not applied")  # label(now, before 0.2.0)
PENDING = ("晋升待批", "晋升待批 promotion pending")
LEVEL_CHANGE = ("职级变动", "职级变动 level change")

COLUMNS = (
    EMPLOYEE_ID,
    EMPLOYEE_NAME,
    DEPARTMENT,
    Column("变动", "change", max_width=30),
    Column("本月职级", "level", max_width=28),
    Column("下月职级", "next_level", max_width=28),
    Column("原因", "reason", max_width=48, wrap=True),
    Column("依据", "event", max_width=24, wrap=True),
    Column("生效月份", "effective", max_width=10),
    Column("复核", "review", max_width=48, wrap=True),
)


def changes(
    person: EmployeeResult, month: str, ladder: Mapping[str, LevelLabel]
) -> Iterator[tuple[object, ...]]:
    """The change rows of one employee: (change, from, to, reason, event, effective)."""
    level, next_level = person.level, person.next_level
    fired = [entry for entry in person.trace if entry.rule == "promotion.pending"]
    if person.dismissal:
        reason, event = explain(person, "dismissal", person.dismissal_reasons)
        yield DISMISSAL, level_text(level, ladder), None, reason, event, month
    elif next_level != level:
        if person.promoted_to:
            kind = PROMOTION
            reason, event = _promotion(person)
        else:
            kind = DEMOTION if person.demotion_reasons else label(*LEVEL_CHANGE)
            reason, event = explain(person, "demotion", person.demotion_reasons)
        to = level_text(next_level, ladder)
        yield kind, level_text(level, ladder), to, reason, event, month_after(month)
    elif person.demotion_reasons:
        reason, event = explain(person, "demotion", person.demotion_reasons)
        yield (
            label(*NOT_APPLIED),
            level_text(level, ladder),
            level_text(next_level, ladder),
            reason,
            event,
            None,
        )
    for entry in fired:
        reason = f"{entry.clause}\n{shown(entry.effect)}"
        same = level_text(level, ladder)
        yield label(*PENDING), same, same, reason, entry.event, None


def _promotion(person: EmployeeResult) -> tuple[str, str]:
    for entry in person.trace:
        if entry.rule == "promotion":
            return f"{entry.clause}\n{shown(entry.effect)}", entry.event
    return "", ""


def write_changes_sheet(
    book: Book,
    employees: Sequence[EmployeeResult],
    month: str,
    ladder: Mapping[str, LevelLabel],
    *,
    max_rows: int,
) -> list[Part]:
    def rows() -> Iterator[Row]:
        for person in employees:
            review = "\n".join(shown(item) for item in person.review)
            for change, was, becomes, reason, event, effective in changes(person, month, ladder):
                yield Row(
                    (
                        person.employee_id,
                        person.name,
                        person.department,
                        change,
                        was,
                        becomes,
                        reason,
                        event,
                        effective,
                        review,
                    )
                )

    return write_table(book, CHANGES_SHEET, COLUMNS, rows(), max_rows=max_rows, split=True)
