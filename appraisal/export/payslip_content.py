"""What one employee's payslip (工资条) says, whatever file it is written to.

The "export" stage, like `appraisal.export.statement`: a function of the sealed results
alone. `slip_of` gathers, for one employee of a sealed month, every pay line (the
fields of the results in payslip order, then, when the month was run with a deductions
file, each deduction after gross and the net pay 实发工资), the score items (add side,
deduct side, and the totals they come to) and the clause behind each yuan the trail
moved. `appraisal.export.payslip_pdf` and `appraisal.export.payslip_xlsx` lay it out.

Every word a person reads is in `TEXT`, in Chinese, so that a message catalogue can take
them over. A payslip is Chinese whatever ``--lang`` says, so that a sealed month's
payslips have one set of bytes (replay verifies them): the sealed English effects are
shown in Chinese (or as sealed, for a month an earlier release sealed:
`payroll_export.wording`); the pay labels are the workbook's own (`payroll_export.model.PAY_LABELS`),
so a payslip and the pay sheet name each line the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal

from appraisal.domain.deductions import DEDUCTION_FIELDS, DEDUCTION_TITLES
from appraisal.domain.results import PAY_FIELDS, EmployeeResult, TraceEntry
from appraisal.export.statement import score_side
from payroll_export.model import PAY_LABELS
from payroll_export.wording import shown

__all__ = [
    "TEXT",
    "PayLine",
    "Slip",
    "SlipEntry",
    "pay_lines",
    "points_text",
    "slip_characters",
    "slip_of",
]

TEXT: Mapping[str, str] = {
    "title": "工资条",
    "month": "{year}年{month}月",
    "employee_id": "工号",
    "name": "姓名",
    "department": "部门",
    "level": "本月职级",
    "next_level": "下月职级",
    "pay_date": "发薪日",
    "dismissed": "开除",
    "pay": "一、工资（元）",
    "item": "项目",
    "amount": "金额（元）",
    "deductions_total": "扣款合计",
    "net": "实发工资",
    "score": "二、考核分数",
    "add_side": "加分项",
    "deduct_side": "减分项",
    "points": "分值",
    "clause": "条款",
    "effect": "说明",
    "source": "来源",
    "add": "加分项合计",
    "deduct_left": "减分项剩余",
    "total": "总分",
    "bounds": "上下限",
    "details": "三、各项金额的依据",
    "levels": "四、职级与评优",
    "none": "（无）",
    "month_end": "月末",
    "footer": "账本记录 {record} · 第 {version} 版 · 政策 {policy} {policy_version}",
}


# Rules whose points count on the add side whatever their sign (the exam's band E is -10
# on the add side, scheme.md §3); other rules add when positive and deduct otherwise.
# As `appraisal.export.statement` sorts them.
_LEVEL_RULES = ("demotion", "dismissal", "promotion", "awards")


@dataclass(frozen=True)
class PayLine:
    """One line of the pay table: a label, its amount, and whether it is a total."""

    key: str  # the field's id (``base``, ``gross``, ``income_tax``, ``net``)
    label: str
    amount: Decimal
    total: bool = False


@dataclass(frozen=True)
class SlipEntry:
    """A trace entry as the payslip shows it: the figure, the clause, what happened, where."""

    figure: str
    clause: str
    effect: str
    source: str


@dataclass(frozen=True)
class Slip:
    """One employee's payslip of one sealed month, ready to lay out."""

    employee_id: str
    name: str
    month: str
    title: str  # 某公司 2026年10月 工资条
    identity: tuple[tuple[str, str], ...]  # (label, value), in reading order
    pay: tuple[PayLine, ...]
    add_items: tuple[SlipEntry, ...]
    deduct_items: tuple[SlipEntry, ...]
    score_lines: tuple[tuple[str, str], ...]  # 加分项合计, 减分项剩余, 总分
    details: tuple[tuple[str, tuple[SlipEntry, ...]], ...]  # pay label → the yuan behind it
    levels: tuple[SlipEntry, ...]
    footer: str


def slip_of(
    person: EmployeeResult,
    *,
    month: str,
    organisation: str | None,
    level_titles: Mapping[str, str],
    pay_date: str,
    record: str,
    version: int,
    policy: tuple[str, str],
) -> Slip:
    """The payslip of ``person`` in the sealed ``month``.

    ``record`` is the ledger record's hash (the footer shows its first 16 digits),
    ``policy`` the policy's id and version.
    """
    year, number = month.split("-")
    when = TEXT["month"].format(year=year, month=int(number))
    title = " ".join(part for part in (organisation, when, TEXT["title"]) if part)
    next_level = (
        TEXT["dismissed"]
        if person.dismissal or person.next_level is None
        else level_titles.get(person.next_level, person.next_level)
    )
    identity = (
        (TEXT["employee_id"], person.employee_id),
        (TEXT["name"], person.name),
        (TEXT["department"], person.department or "—"),
        (TEXT["level"], level_titles.get(person.level, person.level)),
        (TEXT["next_level"], next_level),
        (TEXT["pay_date"], pay_date),
    )
    add_items, deduct_items, bounds = _score_items(person.trace)
    score = person.score
    score_lines = (
        (TEXT["add"], points_text(score.add)),
        (TEXT["deduct_left"], points_text(score.deduct_left)),
        (TEXT["total"], points_text(score.total)),
    )
    levels = tuple(
        _entry(entry, "")
        for entry in person.trace
        # what moved yuan (a settlement) is under its pay field already
        if entry.rule.split(".")[0] in _LEVEL_RULES and entry.points is None and entry.yuan is None
    )
    footer = TEXT["footer"].format(
        record=record[:16], version=version, policy=policy[0], policy_version=policy[1]
    )
    return Slip(
        employee_id=person.employee_id,
        name=person.name,
        month=month,
        title=title,
        identity=identity,
        pay=pay_lines(person),
        add_items=add_items,
        deduct_items=deduct_items + bounds,
        score_lines=score_lines,
        details=_details(person.trace),
        levels=levels,
        footer=footer,
    )


def pay_lines(person: EmployeeResult) -> tuple[PayLine, ...]:
    """Every pay field, gross, and with deductions each of them, their total and the net."""
    lines = [PayLine(name, PAY_LABELS[name][0], person.pay[name]) for name in PAY_FIELDS]
    lines.append(PayLine("gross", PAY_LABELS["gross"][0], person.pay.gross, total=True))
    deductions = person.deductions
    if deductions is not None:
        lines += [
            PayLine(name, DEDUCTION_TITLES[name], deductions.values[name])
            for name in DEDUCTION_FIELDS
        ]
        lines.append(PayLine("deductions_total", TEXT["deductions_total"], deductions.total))
        lines.append(PayLine("net", TEXT["net"], deductions.net(person.pay.gross), total=True))
    return tuple(lines)


def _score_items(
    trace: tuple[TraceEntry, ...],
) -> tuple[tuple[SlipEntry, ...], tuple[SlipEntry, ...], tuple[SlipEntry, ...]]:
    """The add side's items, the deduct side's, and the bounds that capped either."""
    add: list[SlipEntry] = []
    deduct: list[SlipEntry] = []
    bounds: list[SlipEntry] = []
    for entry in trace:
        side = score_side(entry)
        if side is None or entry.points is None:
            continue
        figure = f"{entry.points:+}" if entry.points else "0"
        if side == "bound":
            bounds.append(_entry(entry, TEXT["bounds"]))
        else:
            (add if side == "add" else deduct).append(_entry(entry, figure))
    return tuple(add), tuple(deduct), tuple(bounds)


def _details(trace: tuple[TraceEntry, ...]) -> tuple[tuple[str, tuple[SlipEntry, ...]], ...]:
    """Under each pay field's label, the trace entries that moved yuan into it."""
    found = []
    for name in PAY_FIELDS:
        entries = tuple(
            _entry(entry, f"{entry.yuan:.2f}")
            for entry in trace
            if entry.pay_field == name and entry.yuan is not None
        )
        if entries:
            found.append((PAY_LABELS[name][0], entries))
    return tuple(found)


def _entry(entry: TraceEntry, figure: str) -> SlipEntry:
    effect = shown(entry.effect)
    return SlipEntry(figure, entry.clause, effect, entry.event or TEXT["month_end"])


def points_text(value: Decimal) -> str:
    """Points as the results hold them: 147, 8.5 (never 147.0 or 1.47E+2)."""
    digits = f"{value:f}"
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def slip_characters(slips: Iterable[Slip]) -> Iterator[str]:
    """Every text the payslips may print: their own, and every label of `TEXT`."""
    yield from TEXT.values()
    for slip in slips:
        yield from _texts(slip)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    elif is_dataclass(value):
        for item in fields(value):
            yield from _texts(getattr(value, item.name))
