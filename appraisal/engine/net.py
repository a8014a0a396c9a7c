"""The net pay (实发工资): gross (应发工资) less what HR deducts, per employee.

Part of the "evaluate" stage, after the scheme has given each employee's gross: the
deductions of the month's deductions file (`appraisal.read.deductions`, `run
--deductions`) go onto each result, which then carries its net (`Deductions.net`). A
month without that file is left as it is. Deductions larger than gross are refused, an
input error naming the deductions row: HR cannot pay a negative net, and a slip of a
digit in 个税 is far likelier than a month that truly owes the employer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from appraisal.domain.deductions import Deductions
from appraisal.domain.model import Issue
from appraisal.domain.money import text
from appraisal.domain.results import EmployeeResult
from appraisal.i18n import N_, _

__all__ = ["MESSAGES", "net_pay"]

# What a person reads, Chinese first, kept together for a message catalogue to take over.
MESSAGES = {
    "negative": N_(
        "扣款合计 {total} 超过 {id} 的应发工资 {gross}，实发工资不能为负 (the deductions, "
        "{total} in all, exceed the gross pay of {id}, {gross}: HR cannot pay a negative net)"
    ),
}


def net_pay(
    results: Sequence[EmployeeResult], deductions: Mapping[str, Deductions] | None
) -> tuple[tuple[EmployeeResult, ...], list[Issue]]:
    """Each result with its deductions (the read stage gave a row for every employee of
    the roster), and a problem for each whose deductions exceed gross."""
    if deductions is None:
        return tuple(results), []
    issues: list[Issue] = []
    paid: list[EmployeeResult] = []
    for result in results:
        own = deductions.get(result.employee_id)
        if own is None:
            paid.append(result)
            continue
        if own.net(result.pay.gross) < 0:
            message = _(MESSAGES["negative"]).format(
                total=text(own.total), id=result.employee_id, gross=text(result.pay.gross)
            )
            where = own.source
            issue = (
                Issue.at(where, None, message)
                if where
                else Issue("deductions", None, None, message)
            )
            issues.append(issue)
        paid.append(replace(result, deductions=own))
    return tuple(paid), issues
