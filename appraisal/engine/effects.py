"""What a rule returns: effects on one employee's month.

Part of the "evaluate" stage. A rule handler (`attendance`, `score`, `levels`, `pay`,
`awards`) reads the month's context and returns a tuple of these values; it changes
nothing itself. `appraisal.engine.fold.RunningMonth.apply` folds them into the
employee's running month, in the order given, so a rule can be read, tested and
reordered alone.

- A `TraceEntry` (made by `fired`): a rule fired. It names the rule, the clause and
  the row; its points count by their sign (a deduction goes into the deduct pool) and
  its yuan go into its pay field. This is how points and yuan move, so every figure
  has its trace entry. `AddSide(entry)`: the same, but the points count on the add
  side whatever their sign (criteria, exam bands, rewards).
- `Review`, `Problem`: an item for a person to review; an input problem (`Issue`).
- Tallies that later rules read: `LATE` and `LEAVE` (one more row of each), `Serious`,
  `Offence`, `Metric`.
- Month-end decisions: `Scored`, `Dismissed`, `DemotionTriggered`, `NextLevel`,
  `Promoted`, `Title`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple

from appraisal.domain.model import Event, Issue, Source
from appraisal.domain.results import ScoreResult, TraceEntry

__all__ = [
    "LATE",
    "LEAVE",
    "AddSide",
    "Count",
    "DemotionTriggered",
    "Dismissed",
    "Effect",
    "Effects",
    "Metric",
    "NextLevel",
    "Offence",
    "Problem",
    "Promoted",
    "Review",
    "Scored",
    "Serious",
    "Tally",
    "Title",
    "fired",
    "made",
]


class AddSide(NamedTuple):
    """A rule that fired whose points count on the add side whatever their sign: exam
    band E's -10 lowers the add side, not the deduct pool (scheme.md §3). A tuple, as
    its entry is: one for each criterion, exam and reward row."""

    entry: TraceEntry


@dataclass(frozen=True, slots=True)
class Review:
    """An item for a person to review; it changes no figure."""

    text: str


@dataclass(frozen=True, slots=True)
class Problem:
    """An input problem that only evaluation reveals, reported with the others."""

    issue: Issue


@dataclass(frozen=True, slots=True)
class Count:
    """One more lateness (迟到, early leave counted as lateness) or leave (请假) row."""

    tally: Literal["late", "leave"]


LATE = Count("late")
LEAVE = Count("leave")


@dataclass(frozen=True, slots=True)
class Serious:
    """A serious case (情况严重) of a penalty clause, for the demotion trigger."""

    clause: str


@dataclass(frozen=True, slots=True)
class Offence:
    """One more offence under a penalty clause: counted for "first time: warning", and
    the row kept for the dismissal triggers."""

    key: str  # "penalty.<clause>", as the ledger carries it
    clause: str
    event: Event


@dataclass(frozen=True, slots=True)
class Metric:
    """A measured figure of the month (CSAT and the like), for criteria with `when`, and
    the input row that gave it (the source of a criterion the figure meets)."""

    name: str
    value: Decimal
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Scored:
    """The month's score, once the add side and the deduct pool are bounded."""

    score: ScoreResult


@dataclass(frozen=True, slots=True)
class Dismissed:
    """A dismissal trigger (开除) that fired."""

    trigger: str


@dataclass(frozen=True, slots=True)
class DemotionTriggered:
    """A demotion trigger (降级) that fired."""

    trigger: str


@dataclass(frozen=True, slots=True)
class NextLevel:
    """The level for next month; None once dismissed."""

    level: str | None


@dataclass(frozen=True, slots=True)
class Promoted:
    """An approved promotion (晋升) applied: the level for next month."""

    level: str


@dataclass(frozen=True, slots=True)
class Title:
    """An excellence title won this month ("monthly" or "yearly")."""

    name: str


Tally = (
    Review
    | Problem
    | Count
    | Serious
    | Offence
    | Metric
    | Scored
    | Dismissed
    | DemotionTriggered
    | NextLevel
    | Promoted
    | Title
)
"""Every effect but a rule that fired: what the month records besides points and yuan."""
Effect = TraceEntry | AddSide | Tally
Effects = tuple[Effect, ...]


# ``fired(rule, clause, effect, source, points=None, pay_field=None, yuan=None)``: the rule
# ``rule`` of ``clause`` fired on ``source`` (None: at month end). Points are signed; yuan
# are added to the pay field as they are, so a correction (the fines cap, the settlement)
# is an entry with negative yuan. The entry's own constructor, called once per rule that
# fires: no call in between.
fired = TraceEntry

# ``made(TraceEntry, (rule, clause, words, source, points, pay_field, yuan))``, every field
# given, or ``made(AddSide, (entry,))``: the record made from its fields in one C call,
# without the tuple type's own ``__new__``, a Python function (0.07 against 0.18 µs). For
# the rules that run on every row (criterion, exam, attendance, rewards, penalties), whose
# fields but the source are made once per set of the row's values (`Rates.row_words`).
made = tuple.__new__
