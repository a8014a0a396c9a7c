"""Sealed texts: English in the results, worded in the reader's language where shown.

The engine and the checks seal English texts into the results (trace ``effect``,
``compliance`` messages and laws, ``review`` items); those bytes never change, or old
months would stop replaying identically. Each such text is made here, from a template
marked with ``N_()`` and formatted with ``str.format``, so the English is exactly what
it always was: ``LATE.format(minutes=12, fine="10.00", points=3)`` is
``late 12 min: fine 10.00, -3 points``.

Where a text is shown (statements, the workbook, payslips), `sealed_text` reads it back:
it finds the template the text was made from (every template is compiled once to an
anchored regex, ``{name}`` a non-greedy group, or a number or a date for the names in
`_TYPED`; when several match, the one with the most fixed text wins) and fills that
template's Chinese (the catalogue's, ``parts/sealed.po``) with the same values. A text
no template matches (a month sealed by an older release, a hand-made test) is shown as
it is. Values (a clause's title, a level's) pass through unchanged: they come from the
policy, in its own language already.

A sign is wording in Chinese (扣3分, 加2分), so a template never takes a signed number
for its points: each sign has its own template (`EXAM_UP`, `EXAM_DOWN`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from appraisal.i18n import N_, in_language, language

__all__ = ["TEMPLATES", "sealed_text"]

# --- attendance (engine.attendance) -------------------------------------------------
LATE = N_("late {minutes} min: fine {fine}, -{points} points")
EARLY = N_("early leave {minutes} min: fine {fine}, -{points} points")
ABSENCE = N_("{days} day(s) of absence (旷工): deduct {amount}, -{points} points")
LATE_ABSENCE = N_(
    "late {minutes} min: {days} day(s) of absence (旷工): deduct {amount}, -{points} points"
)
EARLY_ABSENCE = N_(
    "early leave {minutes} min: {days} day(s) of absence (旷工): deduct {amount}, -{points} points"
)
EARLY_REVIEW = N_("excused early leave: for review")
EARLY_REVIEW_ITEM = N_("excused early leave {minutes} min on {date} ({source}): case by case")
EARLY_NO_EFFECT = N_("early leave: no effect")
PERSONAL_LEAVE = N_("personal leave (事假) {days} day(s): deduct {amount}")
SICK_LEAVE = N_("sick leave (病假) {days} day(s): deduct {amount}")
PAID_LEAVE = N_("paid leave ({kind}) {days} day(s): no deduction")
PAID_LEAVE_PRICED = N_(
    "paid leave ({kind}) {days} day(s): deduct {amount} ({share} of personal leave)"
)
# Overtime by kind of day: paid, unpaid by a flag, or not priced by the policy.
OVERTIME = {
    "workday": (
        N_("workday overtime {days} day(s): {amount}"),
        N_("workday overtime {days} day(s): {amount} (unpaid: {flags})"),
        N_("workday overtime {days} day(s): {amount} (the policy pays nothing)"),
    ),
    "rest_day": (
        N_("rest_day overtime {days} day(s): {amount}"),
        N_("rest_day overtime {days} day(s): {amount} (unpaid: {flags})"),
        N_("rest_day overtime {days} day(s): {amount} (the policy pays nothing)"),
    ),
    "holiday": (
        N_("holiday overtime {days} day(s): {amount}"),
        N_("holiday overtime {days} day(s): {amount} (unpaid: {flags})"),
        N_("holiday overtime {days} day(s): {amount} (the policy pays nothing)"),
    ),
}
FREQUENT_LEAVE = N_("{count} leave rows this month (≥ {at_least}): -{points} points")

# --- score (engine.score) -----------------------------------------------------------
MET = N_("{title}: met")
NOT_MET = N_("{title}: not met")
EXAM_NO_BAND = N_("exam {mark}: no band")
EXAM_UP = N_("exam {mark}: band {band}, +{points} points")
EXAM_DOWN = N_("exam {mark}: band {band}, -{points} points")
EXAM_BELOW = N_("exam score {mark} is below every band ({source}); band {band} applied")
REWARD = N_("{title}: reward {amount}, +{points} points")
METRIC = N_("{title}: {value}")
ADD_BOUNDS = N_("add side {points} kept within {floor}–{ceiling}: {add}")
DEDUCT_FLOOR = N_("deduct pool floored at {floor}")
# A penalty, by the notes that follow it: (first offence: warning, the amount not
# charged, a loss to compensate), or "warning" alone.
PENALTY = {
    (False, False, False): N_("{title}: fine {fine}, -{points} points"),
    (True, False, False): N_(
        "{title}: fine {fine}, -{points} points; first offence: warning (首次警告)"
    ),
    (True, True, False): N_(
        "{title}: fine {fine}, -{points} points; first offence: warning (首次警告); amount {amount} not charged"
    ),
    (False, False, True): N_(
        "{title}: fine {fine}, -{points} points; loss to compensate {loss} (reported, not deducted)"
    ),
    (True, False, True): N_(
        "{title}: fine {fine}, -{points} points; first offence: warning (首次警告); loss to compensate {loss} (reported, not deducted)"
    ),
    (True, True, True): N_(
        "{title}: fine {fine}, -{points} points; first offence: warning (首次警告); amount {amount} not charged; loss to compensate {loss} (reported, not deducted)"
    ),
}
PENALTY_WARNING = N_("{title}: fine {fine}, -{points} points; warning")

# --- levels (engine.levels) ---------------------------------------------------------
REHIRED = N_("rehired: dismissed in {month}; level {level} from the roster")
LEDGER_LEVEL = N_(
    "the roster says {roster}; the ledger carries {carried} from earlier months, which is used"
)
DISMISSAL = N_("dismissal (开除)")
DEMOTION_SCORE = N_("demotion trigger: {when} with score {score}")
DEMOTION_EVENT = N_("demotion trigger: {event}")
DEMOTION_SERIOUS = N_("demotion trigger: serious case of clause {clauses}")
DEMOTION_PROPOSED = N_(
    "demotion proposed ({reasons}): the {title}'s level is decided by the general manager "
    "(总经理和副总经理决定); no change applied"
)
DEMOTION_LOWEST = N_("demotion trigger at the lowest level ({title}): no change, for review")
LEVEL_CHANGE = N_("{level} → {target} from {month}")
PROMOTION_AWAITS = N_("promotion to {target} awaits approval ({source})")
PROMOTION_PENDING = N_("application to {target}: not yet approved")
PROMOTION_DEMOTED = N_("approved promotion to {target} not applied: demotion trigger this month")
PROMOTION_BLOCKED = N_("blocked by a demotion trigger")
PROMOTION_INELIGIBLE = N_("approved promotion to {target} not applied: not eligible ({eligible})")
INELIGIBLE = N_("not eligible: {eligible}")

# --- pay (engine.pay) ---------------------------------------------------------------
ALLOWANCE = N_("{label} {amount}")
BASE = N_("base wage ({title}) {amount}")
FLOATING = N_("floating wage {amount}")
FINES_OVER = N_("fines {fines} exceed the floating wage {floating}: {excess} not deducted")
FINES_CAP = N_("fines capped at the floating wage; {excess} reported, not carried over")
DEDUCTIONS_OVER = N_(
    "leave and absence deductions {deducted} exceed the wage left after fines {room}: "
    "{excess} not deducted"
)
DEDUCTIONS_CAP = {
    "leave_deduction": N_(
        "leave_deduction {before} capped at {after}: the wage left after fines is {room}; "
        "{excess} reported, not carried over"
    ),
    "absence_deduction": N_(
        "absence_deduction {before} capped at {after}: the wage left after fines is {room}; "
        "{excess} reported, not carried over"
    ),
}
REPLACED = {
    "fines": N_("fines {amount} not applied: replaced by the settlement"),
    "leave_deduction": N_("leave_deduction {amount} not applied: replaced by the settlement"),
    "absence_deduction": N_("absence_deduction {amount} not applied: replaced by the settlement"),
}
SETTLEMENT_MONTH = N_("settlement for the whole month: {amount}")
SETTLEMENT_DAYS = N_("settlement for {days} working day(s): {amount}")
TERMINATION = N_(
    "termination row ({source}) without a dismissal clause: pay computed as a normal month"
)

# --- awards (engine.awards) ---------------------------------------------------------
AWARD_MONTHLY = N_("月度优秀客服代表 (top score {top}): {amount}")
AWARD_YEARLY = N_("年度最佳客服代表 ({count} monthly titles in {year}): {amount}")

# --- the reason of a reseal's amendment (lifecycle.reseal_after) ----------------------
RESEALED = N_("re-sealed after {month} v{version} changed the state it starts from (reseal)")

# --- compliance (check.compliance) --------------------------------------------------
ART_44 = N_("劳动法 第44条 (Labor Law art. 44)")
ART_16 = N_("工资支付暂行规定 第16条 (Interim Provisions on Wage Payment art. 16)")
MINIMUM_WAGE = N_("最低工资规定 (Minimum Wage Provisions)")
HOLIDAY_COMP_TIME = N_(
    "statutory-holiday work on {date} was repaid with time off (补休); "
    "the law requires at least 300% pay, {owed} for {days} day(s)"
)
OVERTIME_BELOW = {
    "workday": N_("workday overtime on {date} paid {paid}; the statutory minimum is {minimum}"),
    "rest_day": N_("rest-day overtime on {date} paid {paid}; the statutory minimum is {minimum}"),
    "holiday": N_("holiday overtime on {date} paid {paid}; the statutory minimum is {minimum}"),
}
FINES_OVER_CAP = N_("fines {fines} exceed {percent}% of the month's wage {wage} (cap {cap})")
BELOW_MINIMUM = N_(
    "pay {counted} (gross less overtime and allowances) is below the local minimum wage {minimum}"
)


def _all(values: Iterable[object]) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            yield from _all(value.values())
        elif isinstance(value, tuple):
            yield from _all(value)


TEMPLATES: tuple[str, ...] = tuple(
    dict.fromkeys(
        _all(v for k, v in dict(globals()).items() if k.isupper() and not k.startswith("_"))
    )
)
"""Every template of a sealed text, in the order above."""

# Placeholders that only ever hold money (always with two places: `domain.money.text`),
# another number (days, points, a mark) or a date: a typed group keeps a general
# template such as "{label} {amount}" from matching other text ("floored at 0").
_MONEY = r"-?\d+\.\d\d"
_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:E[-+]?\d+)?"
_MONEY_NAMES = "amount fine fines floating excess deducted room before after owed paid minimum wage cap counted loss"
_NUMBER_NAMES = (
    "minutes points days count at_least mark floor ceiling add value score top year share percent"
)
_TYPED = {
    **dict.fromkeys(_MONEY_NAMES.split(), _MONEY),
    **dict.fromkeys(_NUMBER_NAMES.split(), _NUMBER),
    "date": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
}
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class _Pattern:
    template: str
    prefix: str  # the fixed text before the first placeholder: a cheap first test
    regex: re.Pattern[str]
    fixed: int  # how much of the template is fixed text: the most specific wins


def _compile(template: str) -> _Pattern:
    parts: list[str] = []
    seen: set[str] = set()
    end = 0
    for found in _FIELD.finditer(template):
        name = found[1]
        parts.append(re.escape(template[end : found.start()]))
        if name in seen:  # the same value again
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>{_TYPED.get(name, '.+?')})")
            seen.add(name)
        end = found.end()
    parts.append(re.escape(template[end:]))
    first = _FIELD.search(template)
    prefix = template[: first.start()] if first else template
    fixed = len(_FIELD.sub("", template))
    return _Pattern(template, prefix, re.compile(r"\A" + "".join(parts) + r"\Z", re.S), fixed)


@cache
def _patterns() -> list[_Pattern]:
    """Every template compiled, the most specific first, so the first match is the one
    that wins; compiled when a text is first shown, not when a run starts (issue 11)."""
    return sorted((_compile(t) for t in TEMPLATES), key=lambda p: -p.fixed)


def match(text: str) -> tuple[str, dict[str, str]] | None:
    """The template ``text`` was made from and its values, or None."""
    for pattern in _patterns():
        if text.startswith(pattern.prefix):
            found = pattern.regex.match(text)
            if found:
                return pattern.template, found.groupdict()
    return None


@lru_cache(maxsize=16384)
def _worded(text: str, lang: str) -> str:
    found = match(text)
    if found is None:
        return text
    template, values = found
    return in_language(template, lang).format(**values)


def sealed_text(text: str, lang: str | None = None) -> str:
    """A sealed English text in ``lang`` (default: the current language).

    ``late 12 min: fine 10.00, -3 points`` is ``迟到12分钟：罚款10.00元，扣3分`` in zh;
    a text no template matches is returned unchanged, and every text in en."""
    wanted = lang or language()
    if wanted == "en":
        return text
    return _worded(text, wanted)
