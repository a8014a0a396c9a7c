"""The pages' Jinja2 environment: templates, their wording helpers and filters, chart data.

Autoescape is on for every template, so whatever a roster or an upload says (a name like
``<script>``) is shown as text. Templates word their texts with ``{{ _("…") }}`` (the
catalogue extracts them, `appraisal.i18n.catalogue`) in the request's language; sealed
English texts (trace effects, reasons) are worded by the ``sealed`` filter. Money is
shown ``1,234.50``; the charts are drawn on the server as SVG from the `Chart` data here,
so no script draws them (the CSP allows none inline).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from appraisal.i18n import N_, _, language
from appraisal.i18n.sealed import sealed_text
from appraisal.web.views import Band, DepartmentGross
from payroll_export.model import pay_label as pay_label_of

__all__ = [
    "ENVIRONMENT",
    "RESOLUTIONS",
    "ROLE_NAMES",
    "Bar",
    "Chart",
    "bar_chart",
    "department_chart",
    "money",
    "render",
    "score_chart",
    "when",
]

TEMPLATES = Path(__file__).parent / "templates"

# The roles as people call them (users.ROLES).
ROLE_NAMES = {
    "manager": N_("Department manager"),
    "hr": N_("HR"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
}
# How a review item may be decided (`draft resolve --as`), as the page names each.
RESOLUTIONS = (
    ("normal", N_("Normal")),
    ("absent", N_("Absent (unexcused)")),
    ("personal_leave", N_("Personal leave")),
    ("sick_leave", N_("Sick leave")),
)
LATE_NAME = N_("Late")
# What an upload's file is for (`draft add --roster | --events | --deductions`).
FILE_ROLES = {
    "roster": N_("Roster"),
    "events": N_("Attendance or appraisal events"),
    "deductions": N_("Deductions"),
}
CHART_WIDTH = 480  # the SVG's user units; the CSS scales it to its box
BAR_HEIGHT = 22
LABEL_WIDTH = 120
VALUE_WIDTH = 90


def money(value: object) -> str:
    """``1234.5`` → ``1,234.50``: two decimals, thousands grouped, exact (Decimal or its text)."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}"


def signed_money(value: object) -> str:
    """``+1,200.00`` or ``-50.00``: a difference, its sign always shown."""
    text = money(value)
    return text if not text or text.startswith("-") else f"+{text}"


def when(value: object) -> str:
    """An ISO 8601 UTC time as people read it: ``2026-11-27T18:18:12Z`` → ``2026-11-27 18:18 UTC``."""
    text = "" if value is None else str(value)
    if len(text) >= 16 and text[10] == "T":
        return f"{text[:10]} {text[11:16]} UTC"
    return text


def role_name(role: str) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def resolution_name(resolution: str) -> str:
    """``late:12`` → ``迟到 12``; ``personal_leave`` → ``事假``."""
    kind, _sep, minutes = resolution.partition(":")
    if kind == "late":
        return f"{_(LATE_NAME)} {minutes}"
    names = dict(RESOLUTIONS)
    return _(names[kind]) if kind in names else resolution


def file_role(role: str) -> str:
    return _(FILE_ROLES[role]) if role in FILE_ROLES else role


def pay_label(field: str | None) -> str:
    """A pay field as the pay sheet names it: ``leave_deduction`` is 请假扣款 in zh."""
    return pay_label_of(field, language() == "zh") if field else ""


def sealed(value: object) -> str:
    """A sealed English text (a trace effect, a reason) in the reader's language."""
    return sealed_text(str(value)) if value is not None else ""


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart, in the SVG's user units."""

    label: str
    value: str  # as shown beside the bar
    y: int
    width: int
    marked: bool = False  # drawn in the warning colour (the bands that demote)


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: its bars, and the SVG's size."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(items: Iterable[tuple[str, Decimal | int, str]], marked: Iterable[str] = ()) -> Chart:
    """A bar per (label, value, value as shown), each as long as its share of the largest
    value (negative values draw no bar)."""
    rows = list(items)
    flagged = set(marked)
    largest = max((value for _label, value, _shown in rows), default=0)
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value, shown) in enumerate(rows):
        length = int(room * value / largest) if largest > 0 and value > 0 else 0
        bars.append(Bar(label, shown, index * (BAR_HEIGHT + 6), length, label in flagged))
    height = max(len(rows), 1) * (BAR_HEIGHT + 6)
    return Chart(tuple(bars), CHART_WIDTH, height)


def score_chart(bands: Iterable[Band]) -> Chart:
    """Head count per score band, as the desk gives them; a band below the demotion line
    (its label ``<140``) marked."""
    given = list(bands)
    marked = [b.label for b in given if b.label.startswith("<")]
    return bar_chart(((b.label, b.count, str(b.count)) for b in given), marked)


def department_chart(departments: Iterable[DepartmentGross]) -> Chart:
    """Gross pay per department (no department: —)."""
    return bar_chart((d.department or "—", d.gross, money(d.gross)) for d in departments)


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        _=_,
        language=language,
        role_name=role_name,
        resolution_name=resolution_name,
        file_role=file_role,
        pay_label=pay_label,
        resolutions=RESOLUTIONS,
        late_name=LATE_NAME,
        file_roles=FILE_ROLES,
        score_chart=score_chart,
        department_chart=department_chart,
    )
    environment.filters.update(money=money, signed_money=signed_money, when=when, sealed=sealed)
    return environment


ENVIRONMENT = _environment()


def render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """``template`` rendered for ``request`` (its path and language known to the layout)."""
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = ENVIRONMENT.get_template(template).render(
        {"request_path": path, "lang": language(), **context}
    )
    return HTMLResponse(page, status_code=status)


def shown(values: Sequence[object]) -> str:
    """Values joined as a list is shown in the reader's language (、 in Chinese)."""
    return ("、" if language() == "zh" else ", ").join(str(v) for v in values)
