"""Every value of a policy in force, as `appraisal check-policy` prints it.

Part of the "resolve policy" stage, for people: what a policy says for a month, in one
listing that leaves nothing out. The first lines are the file, its fingerprint and the
dates its values change on, then the ladder and the lateness tiers in brief; then every
section of the policy as in force (pay, the ladder, the score and its criteria,
rewards, penalties, attendance, overtime, demotion, promotion, dismissal, awards and
the compliance settings), each value with the formula as written where it is one, each
rule with the clause of the rulebook it encodes, and the date a value took effect
where the policy dates it. The listing walks the policy's schema, so a setting added
to the schema is listed without a change here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from appraisal.domain.model import Month
from appraisal.domain.money import plain
from appraisal.files.yamlfile import Path_
from appraisal.i18n import _
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import Policy, PolicyInForce
from appraisal.policy.schema import Range
from appraisal.policy.source import BEGINNING, is_dated

__all__ = ["policy_lines"]

INDENT = "  "


def policy_lines(policy: Policy, month: Month | None) -> list[str]:
    """What `appraisal check-policy FILE [--month M]` prints, line by line.

    Without a month, the values in force from the policy's latest effective date.
    """
    shown = str(policy.path) if policy.path is not None else policy.source.main_file
    lines = [
        _("{file}: OK — {policy} version {version}").format(
            file=shown, policy=policy.id, version=policy.version
        ),
        f"sha256 {policy.sha256} ({', '.join(sorted(policy.texts))})",
    ]
    dates = [d for d in policy.source.effective_dates() if d.year > 1]
    if dates:
        changes = ", ".join(d.isoformat() for d in dates)
        lines.append(_("values change on: {dates}").format(dates=changes))
    if month is not None:
        day = month.first_day
        in_force = policy.in_force(month)
        lines.append(_("in force for {month}:").format(month=month))
    elif dates:
        day = dates[-1]
        in_force = policy.in_force_on(day)
        latest = _("in force from {day} (the latest values; --month YYYY-MM for a month):")
        lines.append(latest.format(day=day))
    else:
        day = BEGINNING
        in_force = policy.in_force_on(day)
        lines.append(_("in force (no value of this policy is dated):"))
    lines.extend(_brief(in_force))
    lines.append(_("every value in force:"))
    lines.extend(_Listing(policy.source.tree, day, in_force).lines())
    return lines


def _brief(in_force: PolicyInForce) -> list[str]:
    """The ladder and the lateness tiers in brief, as check-policy has always shown them."""
    doc = in_force.doc
    wage = _("base {base} + floating {floating}")
    lines = [
        f"  {level.track:<10} {level.id:<18} {level.title}  "
        + wage.format(base=level.base, floating=level.floating)
        for level in in_force.levels.values()
    ]
    for tier_id, tier in doc.attendance.lateness.tiers.items():
        effect = (
            _("fine {fine}, -{points}").format(fine=tier.fine, points=tier.points)
            if tier.absence_days is None
            else _("one day's absence")
        )
        tier_line = _("  lateness {tier} ≤ {minutes} min: {effect}")
        minutes = tier.max_minutes or "∞"
        lines.append(tier_line.format(tier=f"{tier_id:<12}", minutes=minutes, effect=effect))
    criteria = ", ".join(doc.score.criteria)
    lines.append(_("  criteria: {criteria}").format(criteria=criteria))
    return lines


class _Listing:
    """Every field of the policy document in force, walked in the schema's order."""

    def __init__(self, tree: Mapping[str, Any], day: date, in_force: PolicyInForce) -> None:
        self.tree = tree
        self.day = day
        self.in_force = in_force

    def lines(self) -> list[str]:
        out: list[str] = []
        doc = self.in_force.doc
        for name in type(doc).model_fields:
            out.extend(self.field(name, getattr(doc, name), (name,), 1))
        line = demotion_line(self.in_force)
        below = (
            _("a score below {line}").format(line=line)
            if line is not None
            else _("none (no trigger on the score)")
        )
        said = _("demotion line (降级线, from demotion.triggers): {below}").format(below=below)
        out.append(f"{INDENT}{said}")
        return out

    def field(self, name: Any, value: Any, path: Path_, depth: int) -> list[str]:
        pad = INDENT * depth
        if isinstance(value, Range):
            return [f"{pad}{name}: {_text(value)}{self.dated(path)}"]
        if isinstance(value, BaseModel) and (
            depth == 1 or not _simple_model(value) or self.formulas(value, path) > 1
        ):
            out = [f"{pad}{name}{self.dated(path)}{_clause(value)}:"]
            for inner in type(value).model_fields:
                if inner != "clause":
                    out.extend(self.field(inner, getattr(value, inner), (*path, inner), depth + 1))
            return out
        if isinstance(value, BaseModel):
            return [f"{pad}{name}: {self.compact(value, path)}{self.dated(path)}{_clause(value)}"]
        if isinstance(value, Mapping) and value and not _all_simple(value.values()):
            out = [f"{pad}{name}{self.dated(path)}:"]
            for key, item in value.items():
                out.extend(self.field(key, item, (*path, key), depth + 1))
            return out
        if isinstance(value, list) and value and not _all_simple(value):
            out = [f"{pad}{name}:"]
            for i, item in enumerate(value):
                out.extend(self.field(f"- {i + 1}", item, (*path, i), depth + 1))
            return out
        return [f"{pad}{name}: {self.value(value, path)}{self.dated(path)}"]

    def compact(self, model: BaseModel, path: Path_) -> str:
        parts = []
        for name in type(model).model_fields:
            if name != "clause":
                value = getattr(model, name)
                inner = (*path, name)
                shown = (
                    f"({self.compact(value, inner)})"
                    if isinstance(value, BaseModel) and not isinstance(value, Range)
                    else self.value(value, inner)
                )
                parts.append(f"{name} {shown}{self.dated(inner, path)}")
        return ", ".join(parts)

    def formulas(self, model: BaseModel, path: Path_) -> int:
        """How many of the model's fields hold an expression."""
        keys = (".".join(str(p) for p in (*path, name)) for name in type(model).model_fields)
        return sum(key in self.in_force.expressions for key in keys)

    def value(self, value: Any, path: Path_) -> str:
        if ".".join(str(p) for p in path) in self.in_force.expressions:
            return f'"{value}"'  # a formula or a condition, as written
        return _text(value)

    def dated(self, path: Path_, parent: Path_ | None = None) -> str:
        """`` (from D)`` where the value at ``path`` took effect on a date its parent did
        not, and `` (until D)`` where a rule goes out of force."""
        start, end = _dates(self.tree, path, self.day)
        if parent is None:
            parent = path[:-1]
        if (start, end) == _dates(self.tree, parent, self.day):
            return ""
        parts = [_("from {date}").format(date=start)] if start is not None else []
        parts += [_("until {date}").format(date=end)] if end is not None else []
        return f" ({', '.join(parts)})" if parts else ""


def _dates(tree: Any, path: Path_, day: date) -> tuple[date | None, date | None]:
    """When the value at ``path`` came into force, and when it goes out, as dated."""
    start: date | None = None
    end: date | None = None
    node = tree
    for step in (None, *path):
        if step is not None:
            if not isinstance(node, Mapping) or step not in node:
                break
            node = node[step]
        if is_dated(node):
            keys = [k for k in node if k <= day]
            if not keys:
                break
            if max(keys) > BEGINNING:
                start = max(keys) if start is None else max(start, max(keys))
            node = node[max(keys)]
        if isinstance(node, Mapping):
            begins, ends = node.get("from"), node.get("until")
            if isinstance(begins, date) and begins <= day:
                start = begins if start is None else max(start, begins)
            if isinstance(ends, date) and ends > day:
                end = ends if end is None else min(end, ends)
    return start, end


def _clause(model: BaseModel) -> str:
    clause = getattr(model, "clause", None)
    return f"  [{clause}]" if clause else ""


def _simple(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_simple(v) and not isinstance(v, Mapping | list) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, BaseModel | Mapping | list) for v in value)
    return not isinstance(value, BaseModel) or isinstance(value, Range)


def _all_simple(values: Any) -> bool:
    return all(_simple(v) and not isinstance(v, Mapping | list) for v in values)


def _simple_model(model: BaseModel, nested: bool = True) -> bool:
    """A model that fits on one line: its fields are plain values (a `Range` counts as
    one), or models of plain values."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel) and not isinstance(value, Range):
            if not (nested and _simple_model(value, nested=False)):
                return False
        elif isinstance(value, Mapping) or not _simple(value):
            return False
    return True


def _text(value: Any) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Range):
        return _range(value) + (_(" (optional)") if value.optional else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) if value else _("none")
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items()) if value else _("none")
    return str(value)


def _range(value: Range) -> str:
    """A range as `Range.describe` words it, in the reader's language."""
    if value.max is None:
        return _("at least {min}").format(min=value.min)
    return value.describe()
