"""The changes between two results of the same month, as `appraisal reseal` and
`appraisal what-if` report them: per employee (score, level, each pay field, awards,
the rules responsible), with totals per month and per department.

read → … → seal → **export**

`month_changes` compares two `MonthResults` of one month; `change_lines` is what the
command prints, `changes_json` the ``--json`` file, and `changes_workbook_bytes` the
``--out`` workbook (`payroll_export.changes_workbook`). The rules responsible are the
rule ids whose trace entries differ between the two results (the trace names every
rule that fired, with its points and yuan), so HR can follow each yuan of back pay to
the rule that moved it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from appraisal.domain.money import text
from appraisal.domain.results import PAY_FIELDS, EmployeeResult, MonthResults, TraceEntry, number
from appraisal.i18n import N_, _, language
from payroll_export.changes_model import (
    ChangeReport,
    EmployeeChange,
    FieldChange,
    MonthChanges,
)
from payroll_export.changes_workbook import changes_workbook
from payroll_export.model import pay_label

__all__ = [
    "change_lines",
    "changes_json",
    "changes_json_bytes",
    "changes_workbook_bytes",
    "month_changes",
]

ZERO = Decimal("0.00")
#: An employee in only one of the two results.
ONLY_ONE_SIDE = {"added": N_("only after"), "removed": N_("only before")}


def month_changes(
    before: MonthResults, after: MonthResults, before_label: str, after_label: str
) -> MonthChanges:
    """Every employee of the month whose figures differ between ``before`` and ``after``
    (score, level, next month's level, dismissal, awards, any pay field), by employee_id."""
    old = {person.employee_id: person for person in before.employees}
    new = {person.employee_id: person for person in after.employees}
    changes = []
    for employee_id in sorted(old.keys() | new.keys()):
        change = _employee_change(after.month, old.get(employee_id), new.get(employee_id))
        if change is not None:
            changes.append(change)
    return MonthChanges(
        after.month, len(old.keys() | new.keys()), tuple(changes), before_label, after_label
    )


def _employee_change(
    month: str, before: EmployeeResult | None, after: EmployeeResult | None
) -> EmployeeChange | None:
    person = after or before
    assert person is not None
    pay = tuple(
        FieldChange(name, _pay(before, name), _pay(after, name))
        for name in PAY_FIELDS
        if _pay(before, name) != _pay(after, name)
    )
    change = EmployeeChange(
        month=month,
        employee_id=person.employee_id,
        name=person.name,
        department=person.department,
        status="removed" if after is None else "added" if before is None else "changed",
        score_before=before.score.total if before else None,
        score_after=after.score.total if after else None,
        level_before=before.level if before else None,
        level_after=after.level if after else None,
        next_level_before=before.next_level if before else None,
        next_level_after=after.next_level if after else None,
        titles_before=before.titles if before else (),
        titles_after=after.titles if after else (),
        dismissal_before=before.dismissal if before else False,
        dismissal_after=after.dismissal if after else False,
        gross=FieldChange("gross", _pay(before, "gross"), _pay(after, "gross")),
        pay=pay,
        rules=_rules_responsible(before, after),
    )
    same = (
        change.status == "changed"
        and not pay
        and change.score_before == change.score_after
        and change.level_before == change.level_after
        and change.next_level_before == change.next_level_after
        and change.titles_before == change.titles_after
        and change.dismissal_before == change.dismissal_after
    )
    return None if same else change


def _pay(person: EmployeeResult | None, name: str) -> Decimal:
    return person.pay[name] if person is not None else ZERO


def _rules_responsible(
    before: EmployeeResult | None, after: EmployeeResult | None
) -> tuple[str, ...]:
    """The rule ids whose trace entries (points, yuan, effect, input row) differ."""
    old = Counter(_entry_key(e) for e in (before.trace if before else ()))
    new = Counter(_entry_key(e) for e in (after.trace if after else ()))
    differing = (old - new) + (new - old)
    return tuple(sorted({key[0] for key in differing}))


def _entry_key(entry: TraceEntry) -> tuple[str, str, str, str, str, str]:
    points = "" if entry.points is None else str(number(entry.points))
    yuan = "" if entry.yuan is None else text(entry.yuan)
    return (entry.rule, entry.effect, entry.event, points, entry.pay_field or "", yuan)


# -- what the command prints -------------------------------------------------------


def change_lines(report: ChangeReport) -> Iterator[str]:
    """The report as the command prints it: each month's changed employees, one line
    each with every figure that changed, then the month's and the departments' totals."""
    for month in report.months:
        said = (
            _("{month} ({before} → {after}): {changed} of {employees} employees change")
            if month.changes
            else _("{month} ({before} → {after}): no change for any of {employees} employees")
        )
        yield said.format(
            month=month.month,
            before=month.before_label,
            after=month.after_label,
            changed=len(month.changes),
            employees=month.employees,
        )
        for change in month.changes:
            who = f"{change.employee_id} {change.name}"
            if change.department:  # a roster without departments names none
                who += f" ({change.department})"
            yield f"  {who}: " + "; ".join(_change_parts(change))
            if change.rules:
                yield _("    rules: {rules}").format(rules=", ".join(change.rules))
        if month.changes:
            settled = _settlement(month.back_pay, month.clawback)
            yield _("  {month} total: {settled}").format(month=month.month, settled=settled)
            for department in month.departments():
                yield _("    {department}: {employees} employee(s), {settled}").format(
                    department=department.department or _(NO_DEPARTMENT),
                    employees=department.employees,
                    settled=_settlement(department.back_pay, department.clawback),
                )
    total = _("Total over {months} month(s): {changed} change(s); {settled}")
    settled = _settlement(report.back_pay, report.clawback)
    yield total.format(months=len(report.months), changed=report.changed, settled=settled)


def _change_parts(change: EmployeeChange) -> Iterator[str]:
    if change.status != "changed":
        yield _(ONLY_ONE_SIDE[change.status])
    if change.score_before != change.score_after:
        yield _("总分 score {before} → {after}").format(
            before=_number(change.score_before), after=_number(change.score_after)
        )
    if change.level_before != change.level_after:
        yield _("职级 level {before} → {after}").format(
            before=change.level_before or "—", after=change.level_after or "—"
        )
    if change.next_level_before != change.next_level_after:
        yield _("下月职级 next level {before} → {after}").format(
            before=change.next_level_before or "—", after=change.next_level_after or "—"
        )
    if change.dismissal_before != change.dismissal_after:
        yield _("开除 dismissal {before} → {after}").format(
            before=_yes(change.dismissal_before), after=_yes(change.dismissal_after)
        )
    if change.titles_before != change.titles_after:
        yield _("评优 awards {before} → {after}").format(
            before=", ".join(change.titles_before) or "—",
            after=", ".join(change.titles_after) or "—",
        )
    chinese = language() == "zh"
    for field in change.pay:
        yield f"{pay_label(field.name, chinese)} {text(field.before)} → {text(field.after)}"
    gross = change.gross
    if gross.delta:
        moved = (
            _("gross {before} → {after} (补发 back pay {amount})")
            if gross.delta > 0
            else _("gross {before} → {after} (扣回 clawback {amount})")
        )
        amount = text(abs(gross.delta))
        yield moved.format(before=text(gross.before), after=text(gross.after), amount=amount)


#: How a department is named when the roster gives none.
NO_DEPARTMENT = N_("(no department)")


def _settlement(back_pay: Decimal, clawback: Decimal) -> str:
    settled = _("补发 back pay {back_pay}, 扣回 clawback {clawback}, net {net}")
    net = _signed(back_pay - clawback)
    return settled.format(back_pay=text(back_pay), clawback=text(clawback), net=net)


def _signed(amount: Decimal) -> str:
    return f"+{text(amount)}" if amount > 0 else text(amount)


def _number(value: Decimal | None) -> str:
    return "—" if value is None else str(number(value))


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


# -- the --json file and the --out workbook ----------------------------------------


def changes_json(report: ChangeReport) -> dict[str, Any]:
    """The report as JSON: money as decimal strings, as the results file writes it."""
    return {
        "kind": report.kind,
        "title": report.title,
        "notes": list(report.notes),
        "totals": _totals(report.back_pay, report.clawback),
        "months": [_month_json(month) for month in report.months],
    }


def changes_json_bytes(report: ChangeReport) -> bytes:
    return (json.dumps(changes_json(report), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def changes_workbook_bytes(report: ChangeReport) -> bytes:
    return changes_workbook(report)


def _month_json(month: MonthChanges) -> dict[str, Any]:
    return {
        "month": month.month,
        "before": month.before_label,
        "after": month.after_label,
        "employees": month.employees,
        "totals": _totals(month.back_pay, month.clawback),
        "departments": [
            {"department": d.department, "employees": d.employees}
            | _totals(d.back_pay, d.clawback)
            | {"gross_before": text(d.gross_before), "gross_after": text(d.gross_after)}
            for d in month.departments()
        ],
        "changes": [_change_json(change) for change in month.changes],
    }


def _change_json(change: EmployeeChange) -> dict[str, Any]:
    return {
        "employee_id": change.employee_id,
        "name": change.name,
        "department": change.department,
        "status": change.status,
        "score": _pair(_json_number(change.score_before), _json_number(change.score_after)),
        "level": _pair(change.level_before, change.level_after),
        "next_level": _pair(change.next_level_before, change.next_level_after),
        "dismissal": _pair(change.dismissal_before, change.dismissal_after),
        "titles": _pair(list(change.titles_before), list(change.titles_after)),
        "pay": {
            field.name: _pair(text(field.before), text(field.after)) | {"change": text(field.delta)}
            for field in (*change.pay, change.gross)
        },
        "rules": list(change.rules),
    }


def _pair(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


def _json_number(value: Decimal | None) -> int | float | None:
    return None if value is None else number(value)


def _totals(back_pay: Decimal, clawback: Decimal) -> dict[str, str]:
    return {
        "back_pay": text(back_pay),
        "clawback": text(clawback),
        "net": text(back_pay - clawback),
    }
