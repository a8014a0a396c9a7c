"""One employee's statement of a month: every point and every yuan, back to its input row.

The "export" stage, like `appraisal.export.summary`: it reads only the results the
ledger sealed (`MonthResults`, read back from their JSON), so a month's statement reads
the same whenever it is printed (`appraisal explain EMPLOYEE --month M`). The score lists each item with its points, clause and
input row, and adds them up to ``add`` / ``deduct_left`` / ``total``; the pay lists,
under each pay field, the trace entries that moved yuan into it, summing to the field,
then ``gross`` as the signed sum of the fields. Every trace entry is printed somewhere,
so nothing in the results goes unexplained. Its words are the one catalogue's
(`appraisal.i18n`): Chinese (``zh``, with the ids of the results' fields) or English
(``en``), and the sealed English texts of the results (effects, compliance, review) are
worded in that language too (`sealed_text`). Names, notes and the other input text in it are shown with
their control characters escaped (`terminal_safe`), as every line printed to a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from appraisal.domain.money import text
from appraisal.domain.results import (
    PAY_FIELDS,
    PAY_SIGNS,
    Conflict,
    EmployeeResult,
    MonthResults,
    TraceEntry,
)
from appraisal.domain.suggest import closest
from appraisal.domain.text import display_width, terminal_safe
from appraisal.i18n import LANGUAGES, N_, _, in_language, language
from appraisal.i18n.sealed import sealed_text
from payroll_export.model import PAY_LABELS

__all__ = ["UnknownEmployee", "score_side", "statement"]


class UnknownEmployee(KeyError):
    """No such employee in the month's results; ``suggestion`` is the closest id, if any."""

    def __init__(self, employee_id: str, suggestion: str | None = None) -> None:
        super().__init__(employee_id)
        self.employee_id = employee_id
        self.suggestion = suggestion

    def __str__(self) -> str:
        if self.suggestion:
            message = _(
                "no employee {employee_id} in the month's results; did you mean {suggestion}?"
            )
        else:
            message = _("no employee {employee_id} in the month's results")
        return message.format(employee_id=repr(self.employee_id), suggestion=repr(self.suggestion))


# The statement's words, English msgids of the one catalogue, in the statement's language.
_HEADINGS = {
    "score": N_("Score (total = add side + what is left of the deduct pool)"),
    "pay": N_("Pay (yuan)"),
    "levels": N_("Level"),
    "titles": N_("Titles"),
    "compliance": N_("Compliance (PRC wage law)"),
    "review": N_("For review"),
    "other": N_("Other trace entries"),
}
# Section numbers: 1. 2. … in English, 一、二、… in Chinese.
_NUMBERS = N_("1 2 3 4 5 6 7 8 9")

_TITLES = {"monthly": "月度优秀客服代表", "yearly": "年度最佳客服代表"}
# Rules whose points count on the add side whatever their sign (the exam's band E is -10
# on the add side, scheme.md §3); other rules add when positive and deduct otherwise.
_ADD_SIDE = ("score.criteria.", "score.exam", "rewards.")
_BOUNDS = ("score.add_bounds", "score.deduct_floor")


def score_side(entry: TraceEntry) -> str | None:
    """Which side of the 200-point score a trace entry counts on: "add", "deduct",
    "bound" (the rule that kept a side within its bounds), or None for no points.
    Statements and payslips group the score items by it."""
    if entry.points is None:
        return None
    if entry.rule in _BOUNDS:
        return "bound"
    return "add" if entry.rule.startswith(_ADD_SIDE) or entry.points > 0 else "deduct"


_LEVEL_RULES = ("demotion", "dismissal", "promotion")
_FIELD_WIDTH = 24  # 旷工扣款 absence_deduction


def statement(
    results: MonthResults,
    employee_id: str,
    lang: str | None = None,
    level_titles: Mapping[str, str] | None = None,
) -> str:
    """One employee's statement of the month, as text lines ending in a newline, in
    ``lang`` (default: the current language, `appraisal.i18n.language`)."""
    lang = lang or language()
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    person = _find(results, employee_id)
    writer = _Statement(person, lang, level_titles or {})
    writer.heading(results)
    writer.score()
    writer.pay()
    writer.levels()
    writer.listing("titles", [writer.title(t) for t in person.titles])
    writer.listing("compliance", [writer.conflict(c) for c in person.compliance])
    writer.listing("review", [sealed_text(item, lang) for item in person.review])
    writer.rest()
    return "\n".join(terminal_safe(line) for line in writer.lines) + "\n"


def _find(results: MonthResults, employee_id: str) -> EmployeeResult:
    people = {p.employee_id: p for p in results.employees}
    if employee_id in people:
        return people[employee_id]
    wanted = employee_id.strip()
    # A name, or an id in the wrong case, is a likely slip; then a close spelling.
    for person in people.values():
        if wanted in (person.name, person.employee_id) or (
            wanted.lower() == person.employee_id.lower()
        ):
            raise UnknownEmployee(employee_id, person.employee_id)
    raise UnknownEmployee(employee_id, closest(wanted, people))


class _Statement:
    """The lines of one statement, and which trace entries they have shown."""

    def __init__(self, person: EmployeeResult, lang: str, level_titles: Mapping[str, str]) -> None:
        self.person, self.lang, self.level_titles = person, lang, level_titles
        self.say: Callable[[str], str] = lambda message: in_language(message, lang)
        self.trace = person.trace
        self.shown: set[int] = set()
        self.lines: list[str] = []
        self.sections = 0
        # The source column is as wide as its widest entry, so the clauses line up.
        self.where_width = max((display_width(_where(t)) for t in self.trace), default=1)

    def heading(self, results: MonthResults) -> None:
        say, p = self.say, self.person
        policy = results.policy
        self.lines += [
            say(N_("Appraisal statement · {month}")).format(month=results.month),
            say(N_("Employee {employee_id}   Name {name}   Department {department}")).format(
                employee_id=p.employee_id, name=p.name, department=p.department or "—"
            ),
            say(N_("Level {level} → next month {next}")).format(
                level=self.level(p.level), next=self.next_level()
            ),
            say(N_("Policy {policy} {version}"))
            .format(policy=policy.id, version=policy.version)
            .rstrip(),
        ]

    def level(self, level_id: str) -> str:
        title = self.level_titles.get(level_id)
        if not title:
            return level_id
        return self.say(N_("{id} ({title})")).format(id=level_id, title=title)

    def next_level(self) -> str:
        p, say = self.person, self.say
        if p.next_level is None:
            return say(N_("none (dismissed)"))
        if p.promoted_to:
            change = say(N_("promoted"))
        elif p.next_level != p.level:
            change = say(N_("demoted"))
        else:
            change = say(N_("unchanged"))
        return say(N_("{level}, {change}")).format(level=self.level(p.next_level), change=change)

    def section(self, key: str) -> None:
        """A numbered section heading, after a blank line; numbers skip no empty section."""
        number = self.say(_NUMBERS).split()[self.sections]
        self.sections += 1
        heading = self.say(N_("{number}. {heading}"))
        self.lines += ["", heading.format(number=number, heading=self.say(_HEADINGS[key]))]

    def entry(self, index: int, amount: str) -> str:
        """One trace entry as a line: amount, input row, clause, effect."""
        self.shown.add(index)
        t = self.trace[index]
        where = _where(t)
        padding = " " * (self.where_width - display_width(where))
        effect = sealed_text(t.effect, self.lang)
        return f"    {amount:>9}  {where}{padding}  {t.clause} — {effect}"

    def score(self) -> None:
        say, score = self.say, self.person.score
        add_side: list[tuple[int, Decimal]] = []
        deduct_side: list[tuple[int, Decimal]] = []
        for index, t in enumerate(self.trace):
            side = score_side(t)
            if t.points is not None and side in ("add", "deduct"):
                (add_side if side == "add" else deduct_side).append((index, t.points))
        self.section("score")
        none = f"    {say(N_('(none)'))}"
        self.lines.append(f"  {say(N_('Add side'))}")
        self.lines += [self.entry(i, f"{pts:+}") for i, pts in add_side] or [none]
        added = sum((pts for _, pts in add_side), Decimal(0))
        add = score.add
        if added != add:
            line = say(N_("add = {added} → within bounds {add}"))
        else:
            line = say(N_("add = {added}"))
        self.lines.append("  " + line.format(added=_points(added), add=_points(add)))
        self.bounds("score.add_bounds")
        self.lines.append(f"  {say(N_('Deduct side'))}")
        self.lines += [self.entry(i, f"{pts:+}") for i, pts in deduct_side] or [none]
        deducted = -sum((pts for _, pts in deduct_side), Decimal(0))
        left = score.deduct_left
        if any(t.rule == "score.deduct_floor" for t in self.trace):
            line = say(N_("deduct_left = {left}")).format(left=_points(left))
            self.lines.append(f"  {line}")
            self.bounds("score.deduct_floor")
        else:  # the pool is what is left plus what was deducted
            pool = left + deducted
            line = say(N_("deduct_left = {pool} − {deducted} = {left}"))
            self.lines.append(
                "  "
                + line.format(pool=_points(pool), deducted=_points(deducted), left=_points(left))
            )
        line = say(N_("total = {add} + {left} = {total}"))
        self.lines.append(
            "  " + line.format(add=_points(add), left=_points(left), total=_points(score.total))
        )

    def bounds(self, rule: str) -> None:
        for index, t in enumerate(self.trace):
            if t.rule == rule:
                self.lines.append(self.entry(index, ""))

    def pay(self) -> None:
        say, pay = self.say, self.person.pay
        self.section("pay")
        terms = []
        for name in PAY_FIELDS:
            value = pay[name]
            moved = [
                (i, t.yuan)
                for i, t in enumerate(self.trace)
                if t.pay_field == name and t.yuan is not None
            ]
            if value == 0 and not moved:
                continue
            label = self.field(name)
            padding = " " * max(_FIELD_WIDTH - display_width(label), 0)
            self.lines.append(f"  {label}{padding} {value:>10.2f}")
            self.lines += [self.entry(i, text(yuan)) for i, yuan in moved]
            rounding = value - sum((yuan for _, yuan in moved), Decimal(0))
            if moved and rounding:
                self.lines.append(f"    {rounding:>+9.2f}  {say(N_('rounding of the field'))}")
            if value:
                sign = "+" if PAY_SIGNS[name] > 0 else "−"
                terms.append(f"{sign} {self.field(name)} {value:.2f}")
        formula = " ".join(terms).removeprefix("+ ") or "0.00"
        line = say(N_("gross = {formula} = {gross}")).format(
            formula=formula, gross=f"{pay.gross:.2f}"
        )
        self.lines.append(f"  {line}")

    def field(self, name: str) -> str:
        """A pay field: its id, and in Chinese the pay sheet's label before it."""
        return self.say(N_("{field_id}")).format(field_id=name, label=PAY_LABELS[name][0])

    def levels(self) -> None:
        say, p = self.say, self.person
        facts = []
        if p.demotion_reasons:
            reasons = ", ".join(p.demotion_reasons)
            facts.append("  " + say(N_("demotion: {reasons}")).format(reasons=reasons))
        if p.dismissal_reasons:
            reasons = ", ".join(p.dismissal_reasons)
            facts.append("  " + say(N_("dismissal: {reasons}")).format(reasons=reasons))
        if p.promoted_to:
            level = self.level(p.promoted_to)
            facts.append("  " + say(N_("promotion: {level}")).format(level=level))
        entries = [
            self.entry(i, "")
            for i, t in enumerate(self.trace)
            if i not in self.shown and t.rule.split(".")[0] in _LEVEL_RULES
        ]
        if facts or entries:
            self.section("levels")
            self.lines += [*facts, *entries]

    def title(self, title: str) -> str:
        name = _TITLES.get(title)
        if name is None:
            return title
        return self.say(N_("{id} ({title})")).format(id=title, title=name)

    def conflict(self, conflict: Conflict) -> str:
        line = self.say(N_("{law}: {message} ({amount})")).format(
            law=sealed_text(conflict.law, self.lang),
            message=sealed_text(conflict.message, self.lang),
            amount=text(conflict.amount),
        )
        return f"{line} [{conflict.event}]" if conflict.event else line

    def listing(self, key: str, items: Sequence[str]) -> None:
        if items:
            self.section(key)
            self.lines += [f"  {item}" for item in items]

    def rest(self) -> None:
        """Trace entries no section above has shown (metrics, cases for review)."""
        rest = [self.entry(i, "") for i in range(len(self.trace)) if i not in self.shown]
        if rest:
            self.section("other")
            self.lines += rest


def _where(entry: TraceEntry) -> str:
    """The input row of a trace entry (``events.csv:9``), or — for a month-end rule;
    escaped here already, so that the column is as wide as it prints."""
    return terminal_safe(entry.event) if entry.event else "—"


def _points(value: Decimal) -> str:
    """Points as the results hold them: 147, 8.5 (never 147.0 or 1.47E+2)."""
    digits = f"{value:f}"
    return digits.rstrip("0").rstrip(".") if "." in digits else digits
