"""How the events reader words a row's value and clause, in the catalogue.

What ``value`` and ``clause`` mean for each kind of event row (interface.md), as the
messages of `appraisal.read.parse` name them: "a late row needs a value (minutes late)";
what is wrong with a value for its kind (`value_problem`); and which rows an employee
may have once a month (`once_a_month`).
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.model import Kind
from appraisal.i18n import N_, _
from appraisal.read.cells import shown

__all__ = [
    "CLAUSE_MEANING",
    "EXAM_MAX",
    "MONTH_MAX_DAYS",
    "VALUE_MEANING",
    "once_a_month",
    "row_needs",
    "value_problem",
]

# What `value` means for each kind that requires one (used in messages).
VALUE_MEANING = {
    Kind.LATE: N_("minutes late"),
    Kind.EARLY_LEAVE: N_("minutes left early"),
    Kind.ABSENT: N_("days absent"),
    Kind.PERSONAL_LEAVE: N_("days of leave"),
    Kind.SICK_LEAVE: N_("days of leave"),
    Kind.PAID_LEAVE: N_("days of leave"),
    Kind.OVERTIME: N_("days worked"),
    Kind.CRITERION: N_("1 met, 0 not met"),
    Kind.EXAM: N_("the exam score"),
    Kind.TERMINATION: N_("working days worked"),
    Kind.METRIC: N_("the measured figure"),
}
CLAUSE_MEANING = {
    Kind.CRITERION: N_("the criterion number"),
    Kind.REWARD: N_("the reward clause number"),
    Kind.PENALTY: N_("the penalty clause number"),
    Kind.METRIC: N_("the metric's name"),
}


def row_needs(kind: Kind, what: str) -> str:
    """ "a late row needs a value (minutes late)", "an exam row needs …": one msgid each."""
    vowel = kind.value[0] in "aeiou"
    if what == "value":
        if vowel:
            message = _("an {kind} row needs a value ({meaning})")
        else:
            message = _("a {kind} row needs a value ({meaning})")
        return message.format(kind=kind.value, meaning=_(VALUE_MEANING[kind]))
    if vowel:
        message = _("an {kind} row needs a clause ({meaning})")
    else:
        message = _("a {kind} row needs a clause ({meaning})")
    return message.format(kind=kind.value, meaning=_(CLAUSE_MEANING[kind]))


def once_a_month(
    employee_id: str, kind: Kind, clause: str | None
) -> tuple[tuple[str, Kind, str], str, str] | None:
    """(key, what, column) of a row an employee may have once a month: an exam, a
    termination, each criterion."""
    if kind is Kind.CRITERION and clause is not None:
        return (employee_id, kind, clause), f"criterion {clause}", "clause"
    if kind is Kind.EXAM or kind is Kind.TERMINATION:
        return (employee_id, kind, ""), kind.value, "kind"
    return None


EXAM_MAX = Decimal(100)
MONTH_MAX_DAYS = Decimal(31)
_HALF = Decimal("0.5")
_ONE_DAY = Decimal(1)
_MINUTES = (Kind.LATE, Kind.EARLY_LEAVE)
_HALF_DAYS = (Kind.ABSENT, Kind.PERSONAL_LEAVE, Kind.SICK_LEAVE, Kind.PAID_LEAVE)


def value_problem(kind: Kind, value_text: str, value: Decimal | None) -> str | None:
    """What is wrong with a row's value for its kind (interface.md), or None."""
    meaning = _(VALUE_MEANING[kind])
    problem = None
    if value is None:
        problem = row_needs(kind, "value")
    elif kind in _MINUTES or kind is Kind.OVERTIME:
        if value <= 0:
            problem = _("{meaning} must be more than 0, got {value_text}").format(
                meaning=meaning, value_text=shown(value_text)
            )
    elif kind in _HALF_DAYS:
        if value <= 0 or value % _HALF != 0:
            problem = _("{meaning} must be a positive multiple of 0.5, got {value_text}").format(
                meaning=meaning, value_text=shown(value_text)
            )
        elif value > _ONE_DAY:
            # A row is dated: it holds at most the one day of its date (处罚 4, 5).
            problem = _(
                "{meaning} must be 0.5 or 1: a row is one date, and a date holds at most one day, got {value_text}"
            ).format(meaning=meaning, value_text=shown(value_text))
    elif kind is Kind.CRITERION:
        if value not in (0, 1):
            problem = _(
                "a criterion value must be 1 (met) or 0 (not met), got {value_text}"
            ).format(value_text=shown(value_text))
    elif kind is Kind.EXAM:
        if not 0 <= value <= EXAM_MAX:
            problem = _("the exam score must be between 0 and 100, got {value_text}").format(
                value_text=shown(value_text)
            )
    elif kind is Kind.TERMINATION and not 0 <= value <= MONTH_MAX_DAYS:
        problem = _("working days worked must be between 0 and 31, got {value_text}").format(
            value_text=shown(value_text)
        )
    return problem
