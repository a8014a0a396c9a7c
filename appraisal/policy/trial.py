"""A trial run of every expression of a policy, when it loads (the "resolve policy" stage).

An expression that is well formed can still fail on the values it meets: ``floating /
0`` divides by zero, ``floating * 1e300`` is more yuan than any payslip can show. So
`load_policy` (and with it `check-policy`) evaluates each expression once over the
policy's own values before any month is run: every level's base and floating wage,
scores at the bottom, the middle and the top of the range (0, 100 and 200 under the
shipped scheme), yes and no for each yes/no name. A failure names the field and the
values it failed on, so `run` never meets it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal, Overflow

from appraisal.files.yamlfile import Path_
from appraisal.i18n import _
from appraisal.policy.expr import NUMBER, ExpressionError, Value
from appraisal.policy.schema import PolicyDoc
from appraisal.policy.slots import RATE_NAMES, SCORE_NAMES, YES_NO_NAMES, Compiled

__all__ = ["LARGEST_YUAN", "METRIC_TRIALS", "trial_problems"]

#: The largest yuan amount a formula may give for one day or one month.
LARGEST_YUAN = Decimal("1000000000000")
#: The values a metric (CSAT, FCR: percent) is tried at.
METRIC_TRIALS = (Decimal(0), Decimal(50), Decimal(100))

Trial = dict[str, Value]


def trial_problems(
    doc: PolicyDoc, rates: Mapping[str, Mapping[str, Value]], compiled: Mapping[str, Compiled]
) -> list[tuple[Path_, str]]:
    """What goes wrong when each expression is evaluated over the policy's own values.

    ``rates`` gives, by level id, the names a rate expression reads for that level.
    One problem an expression at most: the first trial that fails.
    """
    problems: list[tuple[Path_, str]] = []
    for item in compiled.values():
        for level, names in _trials(doc, rates, item.expression.names):
            failure = _failure(item, names)
            if failure is not None:
                problems.append((item.path, f"{failure} {_with(names, level)}"))
                break
    return problems


def _failure(item: Compiled, names: Trial) -> str | None:
    try:
        result = item.expression.evaluate(names)
    except (ArithmeticError, ExpressionError, TypeError, ValueError) as error:
        return _reason(error)
    if item.slot.result != NUMBER or isinstance(result, bool):
        return None
    if not result.is_finite() or abs(result) > LARGEST_YUAN:
        return _("gives {result}, more than {largest_yuan:,} yuan").format(
            result=result, largest_yuan=LARGEST_YUAN
        )
    return None


def _reason(error: Exception) -> str:
    # The C decimal module raises InvalidOperation([DivisionUndefined]) for 0 / 0.
    signals = error.args[0] if error.args and isinstance(error.args[0], list) else []
    if isinstance(error, ZeroDivisionError) or any(
        isinstance(s, type) and issubclass(s, ZeroDivisionError) for s in signals
    ):
        return _("divides by zero")
    if isinstance(error, Overflow) or Overflow in signals:
        return "overflows"
    return _("cannot be worked out ({error_type})").format(error_type=type(error).__name__)


def _trials(
    doc: PolicyDoc, rates: Mapping[str, Mapping[str, Value]], used: frozenset[str]
) -> Iterator[tuple[str | None, Trial]]:
    """Every combination of trial values of the names ``used``, with the level it is for."""
    levels: list[tuple[str | None, Trial]] = [(None, {})]
    if used & RATE_NAMES:
        levels = [
            (level, {n: v for n, v in names.items() if n in used}) for level, names in rates.items()
        ]
    choices: list[list[Trial]] = []
    if used & SCORE_NAMES:
        choices.append(_scores(doc, used))
    for name in sorted(used - RATE_NAMES - SCORE_NAMES):
        choices.append([{name: value} for value in _values(doc, name)])
    for level, rate in levels:
        for parts in itertools.product(*choices):
            trial = dict(rate)
            for part in parts:
                trial.update(part)
            yield level, trial


def _scores(doc: PolicyDoc, used: frozenset[str]) -> list[Trial]:
    """The score at the bottom, the middle and the top of each side, as far as used."""
    score = doc.score
    adds = (score.add_floor, (score.add_floor + score.add_max) / 2, score.add_max)
    lefts = (score.deduct_floor, (score.deduct_floor + score.deduct_pool) / 2, score.deduct_pool)
    seen: dict[tuple[tuple[str, Value], ...], Trial] = {}
    for add, left in itertools.product(adds, lefts):
        full: Trial = {"score": add + left, "add": add, "deduct_left": left}
        trial = {n: v for n, v in full.items() if n in used}
        seen.setdefault(tuple(sorted(trial.items())), trial)
    return list(seen.values())


def _values(doc: PolicyDoc, name: str) -> tuple[Value, ...]:
    if name in YES_NO_NAMES:
        return (False, True)
    if name == "avg_score_3m":
        return (Decimal(0), doc.score.add_max + doc.score.deduct_pool)
    if name == "months_scored":
        return (Decimal(1), Decimal(3))
    return METRIC_TRIALS


def _with(names: Trial, level: str | None) -> str:
    shown = ", ".join(f"{n} {_shown(v)}" for n, v in sorted(names.items()))
    where = f" (level {level})" if level is not None else ""
    return f"with {shown}{where}" if shown else "with no names"


def _shown(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value.normalize():f}"
