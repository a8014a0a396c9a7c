"""The month's work for a logged-in user, below HTTP: the desk the API and pages call.

Each method checks the user's right first (`access.require`), then calls the same
functions as the command line (`appraisal.drafts` for the draft, `desk_sealed` for the
sealed month, over `appraisal.audit` and `appraisal.lifecycle`), and returns a view of
`appraisal.web.views` holding only what the user sees (a manager: their departments).
Refusals are `WebError`s already worded; the engine's own errors (`AppraisalError`,
`InputError` with every ``file:row:column`` issue) go up for the app to word as the
CLI does. Who sent a file or made a decision is the logged-in user.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from appraisal import drafts
from appraisal.domain.model import Employee, Month
from appraisal.drafts.lines import added_line, removed_line, replaced_line, resolved_line
from appraisal.i18n import _
from appraisal.i18n.sealed import sealed_text
from appraisal.ledger.backend import ledger_exists
from appraisal.ledger.drafts import Decision, DraftFile, decisions, draft_files, draft_months
from appraisal.ledger.store import Ledger
from appraisal.policy.lines import demotion_line
from appraisal.read.imports.records import ReviewItem
from appraisal.web.access import refuse_employee, require, visible
from appraisal.web.desk_read import (
    figures,
    parsed_resolution,
    recognise,
    roster_of,
    rows_by_employee,
    safe_name,
    uploaded,
)
from appraisal.web.desk_sealed import SealedDesk
from appraisal.web.errors import Forbidden, Invalid, NotFound, Refused
from appraisal.web.users import User
from appraisal.web.views import (
    AddedFile,
    DecisionRow,
    DraftPage,
    FileRow,
    MonthRow,
    ResolvedItem,
    ReviewRow,
)

__all__ = ["Desk"]

FILE_ROLES = ("roster", "events", "deductions")


def _file_row(file: DraftFile) -> FileRow:
    return FileRow(file.role, file.name, file.sha256, file.added_by, file.added_at)


def _decision_row(decision: Decision) -> DecisionRow:
    return DecisionRow(
        decision.item_id,
        decision.resolution,
        decision.decided_by,
        decision.decided_at,
        decision.reason,
    )


def _department(roster: Mapping[str, Employee], employee_id: str) -> str | None:
    person = roster.get(employee_id)
    return person.department if person else None


def _item_employee(item_id: str) -> str:
    """The employee of a review item's id, R-{employee}-{MMDD}-{hash4}."""
    return item_id[2:-10] if item_id.startswith("R-") and len(item_id) > 12 else ""


class Desk(SealedDesk):
    """The month's work on one ledger, under one policy (default: the shipped one)."""

    def _draft_files(self, month: Month) -> list[DraftFile]:
        if not ledger_exists(self.ledger):
            return []
        with Ledger(self.ledger) as ledger:
            return draft_files(ledger, str(month))

    # -- the months ------------------------------------------------------------------

    def months(self, user: User) -> list[MonthRow]:
        require(user, "read")
        if not ledger_exists(self.ledger):
            return []
        with Ledger(self.ledger) as ledger:
            drafted = draft_months(ledger)
        rows = {row.month: row for row in self.sealed_rows(user)}
        for month in drafted:
            files, open_items = self._draft_counts(Month.parse(month), user)
            row = rows.get(month)
            if row is None:
                rows[month] = MonthRow(month, "draft", draft_files=files, open_items=open_items)
            else:
                status = row.status if row.status == "stale" else "sealed+draft"
                rows[month] = MonthRow(
                    month,
                    status,
                    row.version,
                    row.sealed_by,
                    row.sealed_at,
                    row.head_count,
                    row.gross,
                    files,
                    open_items,
                )
        return [rows[month] for month in sorted(rows)]

    def _draft_counts(self, month: Month, user: User) -> tuple[int, int]:
        """The draft's files and the open review items the user sees (no preview: the
        months page evaluates no month)."""
        files, made, review = drafts.review(self.ledger, month, self.policy)
        departments = {k: p.department for k, p in roster_of(files).items()}
        decided = {d.item_id for d in made}
        items = visible(user, review, lambda i: i.employee_id, departments)
        return len(files), sum(1 for item in items if item.id not in decided)

    # -- the draft -------------------------------------------------------------------

    def draft(self, month: Month, user: User) -> DraftPage:
        require(user, "read")
        view = drafts.show(self.ledger, month, self.policy)
        roster = roster_of(view.files)
        departments = {k: p.department for k, p in roster.items()}
        recognised = []
        # A manager sends only their own employees' files (`_managers_rows`); of the
        # others' files (HR's, another department's) they are told nothing but the name.
        theirs = {f.name for f in view.files if f.added_by == user.name}

        def mine(name: str) -> bool:
            return user.sees_all or name in theirs

        for file in view.files:
            if file.role == "events" and mine(file.name):
                with uploaded(file.name, file.content) as path:
                    recognised.append(
                        recognise(path, file.name, file.role, month, list(roster.values()))
                    )
        review = tuple(
            self._review_row(i, view.decisions, roster)
            for i in visible(user, view.review, lambda i: i.employee_id, departments)
        )
        ids = {item.id for item in view.review}
        orphans = [d for d in view.decisions if d.item_id not in ids]
        orphans = visible(user, orphans, lambda d: _item_employee(d.item_id), departments)
        seen = view.preview
        unappraised: tuple[str, ...] = ()
        problems: tuple[str, ...] = ()
        preview = None
        sealed_version = None
        if seen is not None:
            unappraised = tuple(visible(user, seen.unappraised, lambda e: e, departments))
            problems = tuple(str(issue) for issue in seen.issues if mine(issue.file))
            sealed_version = seen.sealed_version
            if seen.computed is not None and user.may("preview"):
                results = seen.computed.results
                people = [p for p in results.employees if user.sees(p.department)]
                in_force = self.policy.in_force(month)
                whole = len(people) == len(results.employees)
                titles = in_force.level_titles()
                preview = figures(results, people, demotion_line(in_force), whole, titles)
        return DraftPage(
            month=str(month),
            files=tuple(_file_row(f) for f in view.files),
            recognised=tuple(recognised),
            review=review,
            orphan_decisions=tuple(_decision_row(d) for d in orphans),
            unappraised=unappraised,
            problems=problems,
            preview=preview,
            has_roster=bool(roster),
            sealed_version=sealed_version,
        )

    @staticmethod
    def _review_row(
        item: ReviewItem, made: tuple[Decision, ...], roster: Mapping[str, Employee]
    ) -> ReviewRow:
        person = roster.get(item.employee_id)
        decision = next((d for d in made if d.item_id == item.id), None)
        where = f"{item.file}:{item.cell}" if item.cell else item.file
        return ReviewRow(
            id=item.id,
            employee_id=item.employee_id,
            name=person.name if person else "",
            department=person.department if person else "",
            date=item.date.isoformat(),
            what=sealed_text(item.what),
            where=where,
            decision=None if decision is None else _decision_row(decision),
        )

    def add_file(
        self, month: Month, role: str, filename: str, data: bytes, user: User
    ) -> list[AddedFile]:
        if role not in FILE_ROLES:
            message = _("{role} is not a file role; give one of {roles}")
            raise Invalid(message.format(role=repr(role), roles=", ".join(FILE_ROLES)))
        require(user, "upload_roster" if role == "roster" else "upload")
        name = safe_name(filename)
        roster = roster_of(self._draft_files(month))
        with uploaded(name, data) as path:
            if user.role == "manager":
                self._managers_rows(path, name, role, month, roster, user)
            added, replaced = drafts.add_files(
                self.ledger, month, [(role, path)], user.name, self.policy
            )
            if role == "roster":
                roster = roster_of(self._draft_files(month))
            recognised = recognise(path, name, role, month, list(roster.values()))
        out = []
        for file, status in added:
            said = added_line(file, status, month)
            lines = [said]
            gone = replaced[0] if replaced else None
            if gone is not None:
                lines.append(replaced_line(gone))
            out.append(
                AddedFile(
                    file.role,
                    file.name,
                    file.sha256,
                    status,
                    file.added_by,
                    file.added_at,
                    None if gone is None else _file_row(gone),
                    recognised,
                    tuple(lines),
                )
            )
        return out

    def _managers_rows(
        self,
        path: Path,
        name: str,
        role: str,
        month: Month,
        roster: Mapping[str, Employee],
        user: User,
    ) -> None:
        """A manager sends files only once the roster is in, and only of their employees.
        An id the roster does not have is left to `drafts.add_files`, which names it with
        the file's other problems, as `draft add` does (its closest id suggested)."""
        if not roster:
            message = _("the {month} draft has no roster yet; HR sends the roster first")
            raise Refused(message.format(month=month))
        people = list(roster.values())
        others = [
            (employee, row)
            for employee, row in rows_by_employee(path, role, month, people)
            if employee in roster and not user.sees(_department(roster, employee))
        ]
        if others:
            message = _("{where}: employee {employee} is not of your departments ({departments})")
            departments = ", ".join(user.departments) or _("none")
            raise Forbidden(
                [
                    message.format(
                        where=f"{name}:{row}" if row else name,
                        employee=employee,
                        departments=departments,
                    )
                    for employee, row in sorted(set(others), key=lambda e: (e[1], e[0]))
                ]
            )

    def resolve(
        self, month: Month, item_id: str, resolution: str, reason: str, user: User
    ) -> ResolvedItem:
        require(user, "resolve")
        resolution = parsed_resolution(resolution)
        if not reason.strip():
            raise Invalid(_("give the reason for the decision"))
        files, _made, review = drafts.review(self.ledger, month, self.policy)
        roster = roster_of(files)
        items = {item.id: item for item in review}
        if item_id in items and not user.sees(_department(roster, items[item_id].employee_id)):
            raise refuse_employee(user, items[item_id].employee_id)
        if item_id not in items and user.role == "manager":
            message = _("no review item {item} in the {month} draft")
            raise NotFound(message.format(item=item_id, month=month))
        item, decision = drafts.resolve(
            self.ledger, month, item_id, resolution, user.name, reason, self.policy
        )
        said = resolved_line(item, decision)
        return ResolvedItem(
            self._review_row(item, (decision,), roster), _decision_row(decision), said
        )

    def remove(self, month: Month, what: str, user: User) -> str:
        """A file or a decision out of the draft: HR any; a manager only what they sent or
        decided themselves."""
        require(user, "upload")
        if user.role == "manager":
            files = self._draft_files(month)
            theirs = [
                f
                for f in files
                if f.added_by == user.name
                and (f.name == what or (len(what) >= 4 and f.sha256.startswith(what.lower())))
            ]
            with Ledger(self.ledger) as ledger:
                made = decisions(ledger, str(month))
            decided = [d for d in made if d.item_id == what and d.decided_by == user.name]
            if not theirs and not decided:
                message = _(
                    "{user} may remove only the files and decisions they sent: {what} is not one"
                )
                raise Forbidden(message.format(user=user.name, what=what))
        return removed_line(drafts.remove(self.ledger, month, what), month)
