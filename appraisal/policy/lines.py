"""Score lines the policy draws, derived from its rules (the "resolve policy" stage).

The exports show the demotion line (降级线: 降级情况一, 月度考核分数低于140分) in the
text summary, the workbook's score bands and its chart. The policy states the line
only as a trigger's condition (``when: "score < 140"``), and a second copy of the
number in the policy or in code could drift from it, so the line is worked out from
the condition itself: evaluated at every whole score of the range, the trigger's
scores must be exactly those below some line.
"""

from __future__ import annotations

import math
from decimal import Decimal

from appraisal.policy.expr import ExpressionError, compile_expression
from appraisal.policy.loaded import PolicyInForce
from appraisal.policy.slots import SCORE_NAMES

__all__ = ["demotion_line"]


def demotion_line(in_force: PolicyInForce) -> int | None:
    """The score below which the policy demotes (降级线), or None when it demotes on no
    score threshold.

    Each demotion trigger whose condition uses the score alone is evaluated at every
    whole score from 0 to the top of the range (add_max + deduct_pool); it gives a line
    N when it holds below N and nowhere from N up. Triggers that give no line (one that
    also reads ``add``, or holds on no single stretch of low scores) are left out; of
    several lines, the highest is where demotion stops, since any trigger demotes.
    """
    score = in_force.doc.score
    top = math.floor(score.add_max + score.deduct_pool)
    lines = []
    for trigger in in_force.doc.demotion.triggers.values():
        if trigger.when is None:
            continue
        # The trigger's own text, as the document in force states it, compiled here.
        condition = compile_expression(trigger.when, SCORE_NAMES)
        if condition.names != {"score"}:
            continue
        try:
            held = [condition.holds({"score": Decimal(s)}) for s in range(top + 1)]
        except (ExpressionError, ArithmeticError):  # e.g. a division by zero at some score
            continue
        line = _line_below(held)
        if line is not None:
            lines.append(line)
    return max(lines, default=None)


def _line_below(held: list[bool]) -> int | None:
    """N when ``held[s]`` is true exactly for the scores s below N, inside the range:
    some score is below the line and some at or above it."""
    line = held.count(True)
    if not 0 < line < len(held) or not all(held[:line]):
        return None
    return line
