"""The desk's sealed months: the seal, a version's page, its files to download, a
statement, replay, reseal and what-if, through `appraisal.audit`, `appraisal.drafts`
and `appraisal.lifecycle` as the command line calls them. `appraisal.web.desk.Desk`
adds the draft's side."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from appraisal import drafts
from appraisal.audit import SealedVersion, export_month, replay_month, sealed_months
from appraisal.domain.model import Month
from appraisal.domain.results import MonthResults
from appraisal.export.payslips import write_payslips
from appraisal.export.statement import UnknownEmployee, statement
from appraisal.i18n import N_, _, language
from appraisal.i18n.sealed import sealed_text
from appraisal.ledger.backend import LedgerTarget, ledger_exists
from appraisal.ledger.errors import AlreadySealed, NotSealed
from appraisal.ledger.records import SealedMonth
from appraisal.ledger.writer import read_sealed
from appraisal.lifecycle import reseal_after, what_if
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import Policy, PolicyInForce, load_policy, load_policy_bundle
from appraisal.policy.loaded import as_of as policy_as_of
from appraisal.web.access import refuse_employee, require
from appraisal.web.desk_read import changes_seen, figures, report_lines, safe_name, uploaded
from appraisal.web.errors import Invalid, NotFound, Refused
from appraisal.web.users import User
from appraisal.web.views import (
    Download,
    MonthRow,
    ReplayPage,
    ResealedMonth,
    ResealPage,
    RuleLine,
    SealedPage,
    Statement,
    VersionRow,
    WhatIfPage,
)

__all__ = ["SealedDesk"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _policy_of(record: SealedMonth) -> Policy:
    return load_policy_bundle(record.policy_sources)


#: What became of a seal (`RunOutcome.status`), as the page says it.
SEAL_STATUS = {
    "sealed": N_("sealed"),
    "amended": N_("amended: the earlier version is kept"),
    "unchanged": N_("unchanged: already sealed with these inputs"),
}


class SealedDesk:
    """The sealed side of the desk, on one ledger."""

    def __init__(self, ledger: LedgerTarget, policy: Path | None = None) -> None:
        self.ledger = ledger
        self.policy_path = policy

    @functools.cached_property
    def policy(self) -> Policy:
        """The policy drafts are read and sealed with (loaded once, when first needed)."""
        return load_policy(self.policy_path)

    def _results(self, month: Month, version: int | None) -> tuple[SealedMonth, MonthResults]:
        record = read_sealed(self.ledger, month, version)
        return record, record.month_results()

    def _seen_totals(self, version: SealedVersion, user: User) -> tuple[int, Decimal]:
        """A sealed version's head count and gross total of what ``user`` sees: the
        listing's for who sees every department, else of their departments' people."""
        if user.sees_all:
            return version.employees, version.gross
        results = self._results(Month.parse(version.month), version.version)[1]
        people = [p for p in results.employees if user.sees(p.department)]
        return len(people), sum((p.pay.gross for p in people), Decimal("0.00"))

    def sealed_rows(self, user: User) -> list[MonthRow]:
        """The sealed months' current versions, figures for what the user sees."""
        if not ledger_exists(self.ledger):
            return []
        listing = sealed_months(self.ledger)
        rows = []
        for v in listing.versions:
            if v.superseded_by is not None:
                continue
            heads, gross = self._seen_totals(v, user)
            status = "stale" if v.month in listing.stale else "sealed"
            sealed_by = v.note.sealed_by if v.note else None
            sealed_at = v.note.sealed_at if v.note else None
            rows.append(MonthRow(v.month, status, v.version, sealed_by, sealed_at, heads, gross))
        return rows

    def seal(self, month: Month, user: User, amend: str | None = None) -> SealedPage:
        require(user, "seal")
        try:
            done = drafts.seal_draft(
                self.ledger, month, self.policy, by=user.name, amend=amend or None
            )
        except AlreadySealed as sealed:  # the command line's words name --amend
            message = _(
                "{month} is already sealed (version {version}) with other inputs; nothing was"
                " changed. To seal version {next}, give the reason for the amendment."
            )
            version = sealed.current.version
            raise Refused(message.format(month=month, version=version, next=version + 1)) from None
        page = self.sealed(month, user, done.outcome.record.version)
        record = done.outcome.record
        lines = [
            _("Sealed {month} as version {version} ({status}); record hash {hash}").format(
                month=month,
                version=record.version,
                status=_(SEAL_STATUS.get(done.outcome.status, done.outcome.status)),
                hash=record.record_hash,
            ),
            _("The {month} draft is cleared.").format(month=month),
        ]
        if done.unresolved:
            left = _("Not applied (review items left unresolved): {count}")
            lines.append(left.format(count=len(done.unresolved)))
            lines += [f"  {item.id}  {item}" for item in done.unresolved]
        return dataclasses.replace(page, lines=tuple(lines))

    def sealed(self, month: Month, user: User, version: int | None = None) -> SealedPage:
        require(user, "read")
        record, results = self._results(month, version)
        listing = sealed_months(self.ledger)
        ours = [v for v in listing.versions if v.month == str(month)]
        versions = []
        for v in ours:
            heads, gross = self._seen_totals(v, user)
            versions.append(
                VersionRow(
                    v.version,
                    v.note.sealed_at if v.note else "",
                    v.note.sealed_by if v.note else "",
                    v.amend_reason and sealed_text(v.amend_reason),
                    heads,
                    gross,
                    "current" if v.superseded_by is None else "superseded",
                    v.record_hash,
                )
            )
        this = next(v for v in versions if v.version == record.version)
        people = [p for p in results.employees if user.sees(p.department)]
        in_force = _policy_of(record).in_force(month)
        titles = in_force.level_titles()
        whole = len(people) == len(results.employees)
        shown = figures(results, people, demotion_line(in_force), whole, titles)
        return SealedPage(
            month=str(month),
            version=record.version,
            standing=this.standing,
            sealed_by=this.sealed_by,
            sealed_at=this.sealed_at,
            amend_reason=this.reason,
            stale=this.standing == "current" and str(month) in listing.stale,
            versions=tuple(versions),
            figures=shown,
        )

    # -- downloads -------------------------------------------------------------------

    def _written(self, month: Month, version: int | None, suffix: str) -> tuple[int, bytes]:
        with tempfile.TemporaryDirectory(prefix="appraisal-web-") as folder:
            path = Path(folder) / f"out{suffix}"
            if suffix == ".xlsx":
                record = export_month(month, self.ledger, version=version, workbook_path=path)
            else:
                record = export_month(month, self.ledger, version=version, json_path=path)
            return record.version, path.read_bytes()

    def workbook(self, month: Month, user: User, version: int | None = None) -> Download:
        require(user, "download")
        number, data = self._written(month, version, ".xlsx")
        return Download(f"salary_{month}_v{number}.xlsx", XLSX, data)

    def results(self, month: Month, user: User, version: int | None = None) -> Download:
        require(user, "download")
        number, data = self._written(month, version, ".json")
        return Download(f"results_{month}_v{number}.json", "application/json", data)

    def payslips(self, month: Month, user: User, version: int | None = None) -> Download:
        """Every payslip (PDF, unencrypted: the web gives no passwords file) in one zip."""
        require(user, "download")
        record = read_sealed(self.ledger, month, version)
        with tempfile.TemporaryDirectory(prefix="appraisal-web-") as folder:
            written = write_payslips(
                self.ledger, month, Path(folder) / "slips", version=record.version
            )
            target = Path(folder) / "slips.zip"
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(written):
                    info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
            data = target.read_bytes()
        return Download(f"payslips_{month}_v{record.version}.zip", "application/zip", data)

    # -- a statement -----------------------------------------------------------------

    def statement(
        self, month: Month, employee_id: str, user: User, version: int | None = None
    ) -> Statement:
        require(user, "read")
        try:
            record = read_sealed(self.ledger, month, version)
        except NotSealed:
            if version is not None:
                raise
            return self._draft_statement(month, employee_id, user)
        in_force = _policy_of(record).in_force(month)
        return self._statement(record.month_results(), record.version, employee_id, user, in_force)

    def _draft_statement(self, month: Month, employee_id: str, user: User) -> Statement:
        if not user.may("preview") and user.role != "manager":
            require(user, "preview")
        view = drafts.show(self.ledger, month, self.policy)
        if view.preview is None or view.preview.computed is None:
            message = _(
                "the {month} draft has no preview yet (no roster, or problems that stop the seal)"
            )
            raise NotFound(message.format(month=month))
        results = view.preview.computed.results
        return self._statement(results, None, employee_id, user, self.policy.in_force(month))

    def _statement(
        self,
        results: MonthResults,
        version: int | None,
        employee_id: str,
        user: User,
        in_force: PolicyInForce,
    ) -> Statement:
        people = {p.employee_id: p for p in results.employees}
        person = people.get(employee_id)
        if person is None:
            message = _("no employee {employee} in {month}").format(
                employee=employee_id, month=results.month
            )
            raise NotFound(message)
        if not user.sees(person.department):
            raise refuse_employee(user, employee_id)
        try:
            text = statement(results, employee_id, language(), in_force.level_titles())
        except UnknownEmployee as error:  # pragma: no cover - found above
            raise NotFound(str(error)) from None
        rules = tuple(
            RuleLine(
                t.rule, t.clause, sealed_text(t.effect), t.points, t.pay_field, t.yuan, t.event
            )
            for t in person.trace
        )
        return Statement(
            results.month,
            version,
            person.employee_id,
            person.name,
            person.department,
            tuple(text.splitlines()),
            rules,
        )

    # -- audit and lifecycle ---------------------------------------------------------

    def replay(self, month: Month, user: User, version: int | None = None) -> ReplayPage:
        require(user, "replay")
        outcome = replay_month(month, self.ledger, version=version)
        number = outcome.record.version if outcome.record is not None else (version or 0)
        if outcome.differences:
            said = _("Replay of {month}: {count} difference(s).").format(
                month=month, count=len(outcome.differences)
            )
        else:
            said = _(
                "Replay of {month} version {version} ({standing}): identical to the sealed results."
            ).format(month=month, version=number, standing=outcome.standing)
        lines = (*outcome.differences, said)
        return ReplayPage(
            str(month),
            number,
            not outcome.differences,
            tuple(outcome.differences),
            outcome.standing,
            lines,
        )

    def reseal(self, after: Month, user: User) -> ResealPage:
        require(user, "seal")
        done = reseal_after(after, self.ledger, sealed_by=user.name)
        months = tuple(
            ResealedMonth(
                one.after.month, one.after.version, one.before.version, one.after.record_hash
            )
            for one in done.resealed
        )
        if not done.resealed:
            nothing = _(
                "Nothing to re-seal: no month after {after} stands on a superseded state; nothing was sealed."
            )
            lines: tuple[str, ...] = (nothing.format(after=after),)
        else:
            lines = report_lines(done.report)
        changes, totals = changes_seen(done.report, user)
        return ResealPage(str(after), months, changes, *totals, lines)

    def what_if(
        self,
        policy_name: str,
        policy_data: bytes,
        first: Month,
        last: Month,
        user: User,
        as_of: Month | None = None,
    ) -> WhatIfPage:
        require(user, "what_if")
        if str(first) > str(last):
            raise Invalid(
                _("what-if: --from {first} is after --to {last}").format(first=first, last=last)
            )
        name = safe_name(policy_name)
        with uploaded(name, policy_data) as path:
            policy = load_policy(path)
            if as_of is not None:
                policy = policy_as_of(policy, as_of)
            trial = what_if(policy, first, last, self.ledger)
        changes, totals = changes_seen(trial.report, user)
        heading = _(
            "What-if: {first}..{last} under the draft policy {policy} {version} ({path}); nothing was sealed."
        )
        lines = [
            heading.format(
                first=first, last=last, policy=policy.id, version=policy.version, path=name
            )
        ]
        if as_of is not None:
            said = _("Every month evaluated under the values the draft has in force in {month}.")
            lines.append(said.format(month=as_of))
        if user.sees_all:  # the report's lines name every department's people
            lines += report_lines(trial.report)
        return WhatIfPage(
            name,
            str(first),
            str(last),
            None if as_of is None else str(as_of),
            changes,
            *totals,
            tuple(lines),
        )
