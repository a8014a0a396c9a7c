"""What the desk hands the API and the pages: frozen records, each with ``to_json``.

`appraisal.web.desk` makes them (already filtered to what the user may see, every text
already worded in the request's language); `appraisal.web.api` returns their ``to_json``
and the templates of `appraisal.web.pages` read their fields. ``to_json`` gives JSON-ready
values: money as a string with two decimals (``"1862.64"``), as results.json has it,
points as numbers' text (``"182"``, ``"182.5"``), dates as ISO text, keys in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from appraisal.web.desk_views import (
    Download,
    EmployeeChange,
    MonthRow,
    ReplayPage,
    ResealedMonth,
    ResealPage,
    RuleLine,
    Statement,
    VersionRow,
    WhatIfPage,
    money,
    points,
)

__all__ = [
    "AddedFile",
    "Band",
    "Charts",
    "DecisionRow",
    "DepartmentGross",
    "Download",
    "DraftPage",
    "EmployeeChange",
    "EmployeeRow",
    "Figures",
    "FileRow",
    "MonthRow",
    "Recognised",
    "ReplayPage",
    "ResealPage",
    "ResealedMonth",
    "ResolvedItem",
    "ReviewRow",
    "RuleLine",
    "SealedPage",
    "Statement",
    "Unmatched",
    "VersionRow",
    "WhatIfPage",
]

#: How a month stands, as `MonthRow.status` says it.
STATUSES = ("draft", "sealed", "stale", "sealed+draft")
#: The score bands of the charts, lowest first (the demotion line is 140).


@dataclass(frozen=True)
class FileRow:
    """A file of the draft: role (roster, events, deductions), name as sent, sha256, who
    sent it and when (UTC, ISO 8601)."""

    role: str
    name: str
    sha256: str
    by: str
    at: str

    @property
    def sha256_prefix(self) -> str:
        return self.sha256[:12]

    def to_json(self) -> dict[str, object]:
        return {
            "role": self.role,
            "name": self.name,
            "sha256": self.sha256,
            "sha256_prefix": self.sha256_prefix,
            "by": self.by,
            "at": self.at,
        }


@dataclass(frozen=True)
class Unmatched:
    """A person an attendance export names who is not on the roster: the name or id the
    export gives, the rows (``file:row``) naming them, and the roster's closest matches."""

    key: str
    rows: tuple[str, ...]
    suggestions: tuple[str, ...]
    message: str  # the line `draft add` / `import` words for it

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "rows": list(self.rows),
            "suggestions": list(self.suggestions),
            "message": self.message,
        }


@dataclass(frozen=True)
class Recognised:
    """What was recognised in a file: its import profile (``dingtalk_daily``, …, or
    ``roster``, ``events`` (our own template or CSV), ``deductions``), its worded name,
    its data rows, the employees matched to the roster and those not matched."""

    file: str
    role: str
    profile: str
    profile_name: str
    rows: int
    matched: tuple[str, ...]
    unmatched: tuple[Unmatched, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "role": self.role,
            "profile": self.profile,
            "profile_name": self.profile_name,
            "rows": self.rows,
            "matched": list(self.matched),
            "unmatched": [u.to_json() for u in self.unmatched],
        }


@dataclass(frozen=True)
class DecisionRow:
    """A decision on a review item: how it counts, by whom, when, why."""

    item_id: str
    resolution: str
    by: str
    at: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "item_id": self.item_id,
            "resolution": self.resolution,
            "by": self.by,
            "at": self.at,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ReviewRow:
    """A review item (待复核): its id, whose and which day, what the export says (worded
    for display), where it is (``file:cell``), and the decision on it if any."""

    id: str
    employee_id: str
    name: str
    department: str
    date: str
    what: str
    where: str
    decision: DecisionRow | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "employee_id": self.employee_id,
            "name": self.name,
            "department": self.department,
            "date": self.date,
            "what": self.what,
            "where": self.where,
            "decision": None if self.decision is None else self.decision.to_json(),
        }


@dataclass(frozen=True)
class EmployeeRow:
    """One employee of a preview or a sealed month."""

    employee_id: str
    name: str
    department: str
    level: str
    next_level: str | None
    score: Decimal
    gross: Decimal
    net: Decimal
    demoted: bool
    appraised: bool = True
    level_title: str = ""  # the policy's title of the level (客服专员), for people to read
    next_level_title: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "employee_id": self.employee_id,
            "name": self.name,
            "department": self.department,
            "level": self.level,
            "level_title": self.level_title,
            "next_level": self.next_level,
            "next_level_title": self.next_level_title,
            "score": points(self.score),
            "gross": money(self.gross),
            "net": money(self.net),
            "demoted": self.demoted,
            "appraised": self.appraised,
        }


@dataclass(frozen=True)
class Band:
    """A score band of the chart: below the demotion line (``<140``), then ``140-159``,
    ``160-179``, ``180-200``."""

    label: str
    count: int

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "count": self.count}


@dataclass(frozen=True)
class DepartmentGross:
    """A department's head count and gross pay, for the chart."""

    department: str
    head_count: int
    gross: Decimal

    def to_json(self) -> dict[str, object]:
        return {
            "department": self.department,
            "head_count": self.head_count,
            "gross": money(self.gross),
        }


@dataclass(frozen=True)
class Charts:
    """The charts' data: scores in bands (lowest first), gross pay by department."""

    bands: tuple[Band, ...]
    departments: tuple[DepartmentGross, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "bands": [b.to_json() for b in self.bands],
            "departments": [d.to_json() for d in self.departments],
        }


@dataclass(frozen=True)
class Figures:
    """A month's figures, of a preview or a sealed version, for what the user sees:
    totals, per-employee rows, chart data and the summary lines `draft show` /
    `run` print (those are of the whole month, so a manager gets none: ``summary`` ())."""

    head_count: int
    gross: Decimal
    net: Decimal
    demoted: int
    employees: tuple[EmployeeRow, ...]
    charts: Charts
    summary: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "head_count": self.head_count,
            "gross": money(self.gross),
            "net": money(self.net),
            "demoted": self.demoted,
            "employees": [e.to_json() for e in self.employees],
            "charts": self.charts.to_json(),
            "summary": list(self.summary),
        }


@dataclass(frozen=True)
class DraftPage:
    """A month's draft: files, what was recognised in them, the review items (with any
    decision), decisions matching no item, who is not appraised, the problems that would
    stop the seal (lines as the CLI prints them), and the preview (None unless the user
    may preview and the draft has a roster). ``sealed_version``: the month's current
    sealed version, if any (the draft is then an amendment)."""

    month: str
    files: tuple[FileRow, ...]
    recognised: tuple[Recognised, ...]
    review: tuple[ReviewRow, ...]
    orphan_decisions: tuple[DecisionRow, ...]
    unappraised: tuple[str, ...]
    problems: tuple[str, ...]
    preview: Figures | None
    has_roster: bool
    sealed_version: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "files": [f.to_json() for f in self.files],
            "recognised": [r.to_json() for r in self.recognised],
            "review": [r.to_json() for r in self.review],
            "orphan_decisions": [d.to_json() for d in self.orphan_decisions],
            "unappraised": list(self.unappraised),
            "problems": list(self.problems),
            "preview": None if self.preview is None else self.preview.to_json(),
            "has_roster": self.has_roster,
            "sealed_version": self.sealed_version,
        }


@dataclass(frozen=True)
class AddedFile:
    """A file sent to the draft: ``status`` added or same (the bytes were held already);
    ``replaced``: the roster it replaced; ``recognised``: what was read in it; ``lines``:
    what `draft add` prints for it."""

    role: str
    name: str
    sha256: str
    status: str
    by: str
    at: str
    replaced: FileRow | None = None
    recognised: Recognised | None = None
    lines: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "role": self.role,
            "name": self.name,
            "sha256": self.sha256,
            "status": self.status,
            "by": self.by,
            "at": self.at,
            "replaced": None if self.replaced is None else self.replaced.to_json(),
            "recognised": None if self.recognised is None else self.recognised.to_json(),
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class ResolvedItem:
    """A decision recorded on a review item, with the line `draft resolve` prints."""

    item: ReviewRow
    decision: DecisionRow
    line: str

    def to_json(self) -> dict[str, object]:
        return {"item": self.item.to_json(), "decision": self.decision.to_json(), "line": self.line}


@dataclass(frozen=True)
class SealedPage:
    """A sealed month's version: who sealed it and when, the amendment's reason, whether
    it is current and whether the month is stale, every version, its figures, and
    ``lines``: what the seal printed (only right after a seal; else ())."""

    month: str
    version: int
    standing: str  # "current" or "superseded"
    sealed_by: str
    sealed_at: str
    amend_reason: str | None
    stale: bool
    versions: tuple[VersionRow, ...]
    figures: Figures
    lines: tuple[str, ...] = ()
    unresolved: tuple[ReviewRow, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "version": self.version,
            "standing": self.standing,
            "sealed_by": self.sealed_by,
            "sealed_at": self.sealed_at,
            "amend_reason": self.amend_reason,
            "stale": self.stale,
            "versions": [v.to_json() for v in self.versions],
            "figures": self.figures.to_json(),
            "lines": list(self.lines),
            "unresolved": [r.to_json() for r in self.unresolved],
        }
