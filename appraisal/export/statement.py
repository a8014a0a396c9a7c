"""One employee's statement of a month: every point and every yuan, back to its input row.

The "export" stage, like `appraisal.export.summary`: it reads only the results the
ledger sealed (`MonthResults`, read back from their JSON), so a month's statement reads
the same whenever it is printed (`appraisal explain EMPLOYEE --month M`). The score lists each item with its points, clause and
input row, and adds them up to ``add`` / ``deduct_left`` / ``total``; the pay lists,
under each pay field, the trace entries that moved yuan into it, summing to the field,
then ``gross`` as the signed sum of the fields. Every trace entry is printed somewhere,
so nothing in the results goes unexplained. Labels are Chinese (``zh``, with the English
ids) or English (``en``). Names, notes and the other input text in it are shown with
their control characters escaped (`terminal_safe`), as every line printed to a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

__all__ = ["LANGUAGES", "UnknownEmployee", "score_side", "statement"]


class UnknownEmployee(KeyError):
    """No such employee in the month's results; ``suggestion`` is the closest id, if any."""

    def __init__(self, employee_id: str, suggestion: str | None = None) -> None:
        super().__init__(employee_id)
        self.employee_id = employee_id
        self.suggestion = suggestion

    def __str__(self) -> str:
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        return f"no employee {self.employee_id!r} in the month's results{hint}"


_ZH = {
    "title": "绩效考核结算单 (statement)",
    "employee": "工号",
    "name": "姓名",
    "department": "部门",
    "policy": "政策",
    "level": "职级",
    "next": "下月职级",
    "unchanged": "不变",
    "promoted": "晋升",
    "demoted": "降级",
    "dismissed": "无（开除 dismissed）",
    "score": "考核分数 score (总分 = 加分项 + 减分项剩余)",
    "add_side": "加分项 add side",
    "add": "加分项合计 add",
    "bounded": "按上下限",
    "deduct_side": "减分项 deduct side",
    "deduct_left": "减分项剩余 deduct_left",
    "total": "总分 total",
    "none": "（无）",
    "pay": "工资 pay（元）",
    "rounding": "分项舍入 rounding",
    "gross": "应发合计 gross",
    "levels": "职级 level",
    "demotion": "降级原因 demotion",
    "dismissal": "开除原因 dismissal",
    "promotion": "晋升 promotion",
    "titles": "评优 titles",
    "compliance": "合规提示 compliance",
    "review": "待复核 review",
    "other": "其他记录 other trace",
}
_EN = {
    "title": "Appraisal statement",
    "employee": "Employee",
    "name": "Name",
    "department": "Department",
    "policy": "Policy",
    "level": "Level",
    "next": "next month",
    "unchanged": "unchanged",
    "promoted": "promoted",
    "demoted": "demoted",
    "dismissed": "none (dismissed)",
    "score": "Score (total = add side + what is left of the deduct pool)",
    "add_side": "Add side",
    "add": "add",
    "bounded": "within bounds",
    "deduct_side": "Deduct side",
    "deduct_left": "deduct_left",
    "total": "total",
    "none": "(none)",
    "pay": "Pay (yuan)",
    "rounding": "rounding of the field",
    "gross": "gross",
    "levels": "Level",
    "demotion": "demotion",
    "dismissal": "dismissal",
    "promotion": "promotion",
    "titles": "Titles",
    "compliance": "Compliance (PRC wage law)",
    "review": "For review",
    "other": "Other trace entries",
}
LANGUAGES: Mapping[str, Mapping[str, str]] = {"zh": _ZH, "en": _EN}
_NUMBERS = {"zh": "一二三四五六七八九", "en": "123456789"}
_NUMBERED = {"zh": "{}、{}", "en": "{}. {}"}

_PAY_ZH = {
    "base": "底薪",
    "floating": "浮动工资",
    "fines": "罚款",
    "leave_deduction": "请假扣款",
    "absence_deduction": "旷工扣款",
    "overtime": "加班工资",
    "rewards": "奖金",
    "awards": "评优奖金",
    "allowances": "补贴",
    "settlement": "开除结算",
}
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
    lang: str = "zh",
    level_titles: Mapping[str, str] | None = None,
) -> str:
    """One employee's statement of the month, as text lines ending in a newline."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    person = _find(results, employee_id)
    writer = _Statement(person, LANGUAGES[lang], lang, level_titles or {})
    writer.heading(results)
    writer.score()
    writer.pay()
    writer.levels()
    writer.listing("titles", [writer.title(t) for t in person.titles])
    writer.listing("compliance", [_conflict(c) for c in person.compliance])
    writer.listing("review", list(person.review))
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

    def __init__(
        self,
        person: EmployeeResult,
        words: Mapping[str, str],
        lang: str,
        level_titles: Mapping[str, str],
    ) -> None:
        self.person, self.words, self.lang, self.level_titles = person, words, lang, level_titles
        self.trace = person.trace
        self.shown: set[int] = set()
        self.lines: list[str] = []
        self.sections = 0
        # The source column is as wide as its widest entry, so the clauses line up.
        self.where_width = max((display_width(_where(t)) for t in self.trace), default=1)

    def heading(self, results: MonthResults) -> None:
        w, p = self.words, self.person
        policy = results.policy
        self.lines += [
            f"{w['title']} · {results.month}",
            f"{w['employee']} {p.employee_id}   {w['name']} {p.name}   "
            f"{w['department']} {p.department or '—'}",
            f"{w['level']} {self.level(p.level)} → {w['next']} {self.next_level()}",
            f"{w['policy']} {policy.id} {policy.version}".rstrip(),
        ]

    def level(self, level_id: str) -> str:
        title = self.level_titles.get(level_id)
        if not title:
            return level_id
        return f"{title} {level_id}" if self.lang == "zh" else f"{level_id} ({title})"

    def next_level(self) -> str:
        p, w = self.person, self.words
        if p.next_level is None:
            return w["dismissed"]
        if p.promoted_to:
            change = w["promoted"]
        elif p.next_level != p.level:
            change = w["demoted"]
        else:
            change = w["unchanged"]
        if self.lang == "zh":
            return f"{self.level(p.next_level)}（{change}）"
        return f"{self.level(p.next_level)}, {change}"

    def section(self, key: str) -> None:
        """A numbered section heading, after a blank line; numbers skip no empty section."""
        number = _NUMBERS[self.lang][self.sections]
        self.sections += 1
        self.lines += ["", _NUMBERED[self.lang].format(number, self.words[key])]

    def entry(self, index: int, amount: str) -> str:
        """One trace entry as a line: amount, input row, clause, effect."""
        self.shown.add(index)
        t = self.trace[index]
        where = _where(t)
        padding = " " * (self.where_width - display_width(where))
        return f"    {amount:>9}  {where}{padding}  {t.clause} — {t.effect}"

    def score(self) -> None:
        w, score = self.words, self.person.score
        add_side: list[tuple[int, Decimal]] = []
        deduct_side: list[tuple[int, Decimal]] = []
        for index, t in enumerate(self.trace):
            side = score_side(t)
            if t.points is not None and side in ("add", "deduct"):
                (add_side if side == "add" else deduct_side).append((index, t.points))
        self.section("score")
        self.lines.append(f"  {w['add_side']}")
        self.lines += [self.entry(i, f"{pts:+}") for i, pts in add_side] or [f"    {w['none']}"]
        added = sum((pts for _, pts in add_side), Decimal(0))
        add = score.add
        line = f"  {w['add']} = {_points(added)}"
        if added != add:
            line += f" → {w['bounded']} {_points(add)}"
        self.lines.append(line)
        self.bounds("score.add_bounds")
        self.lines.append(f"  {w['deduct_side']}")
        self.lines += [self.entry(i, f"{pts:+}") for i, pts in deduct_side] or [f"    {w['none']}"]
        deducted = -sum((pts for _, pts in deduct_side), Decimal(0))
        left = score.deduct_left
        if any(t.rule == "score.deduct_floor" for t in self.trace):
            self.lines.append(f"  {w['deduct_left']} = {_points(left)}")
            self.bounds("score.deduct_floor")
        else:  # the pool is what is left plus what was deducted
            pool = left + deducted
            self.lines.append(
                f"  {w['deduct_left']} = {_points(pool)} − {_points(deducted)} = {_points(left)}"
            )
        self.lines.append(
            f"  {w['total']} = {_points(add)} + {_points(left)} = {_points(score.total)}"
        )

    def bounds(self, rule: str) -> None:
        for index, t in enumerate(self.trace):
            if t.rule == rule:
                self.lines.append(self.entry(index, ""))

    def pay(self) -> None:
        w, pay = self.words, self.person.pay
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
                self.lines.append(f"    {rounding:>+9.2f}  {w['rounding']}")
            if value:
                sign = "+" if PAY_SIGNS[name] > 0 else "−"
                terms.append(f"{sign} {self.field(name)} {value:.2f}")
        formula = " ".join(terms).removeprefix("+ ") or "0.00"
        self.lines.append(f"  {w['gross']} = {formula} = {pay.gross:.2f}")

    def field(self, name: str) -> str:
        return f"{_PAY_ZH[name]} {name}" if self.lang == "zh" else name

    def levels(self) -> None:
        w, p = self.words, self.person
        facts = []
        if p.demotion_reasons:
            facts.append(f"  {w['demotion']}: {', '.join(p.demotion_reasons)}")
        if p.dismissal_reasons:
            facts.append(f"  {w['dismissal']}: {', '.join(p.dismissal_reasons)}")
        if p.promoted_to:
            facts.append(f"  {w['promotion']}: {self.level(p.promoted_to)}")
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
        return f"{name} {title}" if self.lang == "zh" else f"{title} ({name})"

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


def _conflict(conflict: Conflict) -> str:
    where = f" [{conflict.event}]" if conflict.event else ""
    return f"{conflict.law}: {conflict.message} ({text(conflict.amount)}){where}"
