"""How the events reader words a row that lacks its value or clause, in the catalogue.

What ``value`` and ``clause`` mean for each kind of event row (interface.md), as the
messages of `appraisal.read.parse` name them: "a late row needs a value (minutes late)".
"""

from __future__ import annotations

from appraisal.domain.model import Kind
from appraisal.i18n import N_, _

__all__ = ["CLAUSE_MEANING", "VALUE_MEANING", "row_needs"]

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
