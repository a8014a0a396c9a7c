"""A month's pages: its draft (upload, review, preview, seal) and its sealed versions
(summary, downloads, replay, reseal), and an employee's statement.

`/months/{month}` shows the draft when the month has one, else the sealed month, with
tabs between them when both exist (``?view=draft|sealed``; ``?version=N`` a sealed
version). A refused upload, decision or seal is shown on the draft page, every problem as
the command line words it (`appraisal.problems.problem_messages`); the desk's other
refusals go on to the app's error page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from appraisal.domain.errors import AppraisalError, BadFile, InputError
from appraisal.domain.model import Month
from appraisal.drafts import DraftError
from appraisal.i18n import _
from appraisal.ledger.backend import shown
from appraisal.ledger.errors import LedgerError, NotSealed
from appraisal.problems import CHANGED, STORED, WRITTEN_OR_SEALED, problem_messages
from appraisal.web.errors import Forbidden, Invalid, NotFound, Refused, WebError
from appraisal.web.pages_base import Checked, PageUser, desk_of, keep, month_of, page, take
from appraisal.web.users import User
from appraisal.web.views import AddedFile, DraftPage, SealedPage

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
DOWNLOADS = ("workbook", "results", "payslips")


def _empty_draft(month: Month) -> DraftPage:
    return DraftPage(str(month), (), (), (), (), (), (), None, has_roster=False)


def _has_draft(draft: DraftPage | None) -> bool:
    return draft is not None and bool(draft.files or draft.review or draft.orphan_decisions)


def _draft_or_none(request: Request, month: Month, user: User) -> DraftPage | None:
    try:
        return desk_of(request).draft(month, user)
    except (DraftError, NotFound):
        return None


def _sealed_or_none(
    request: Request, month: Month, user: User, version: int | None
) -> SealedPage | None:
    try:
        return desk_of(request).sealed(month, user, version)
    except (NotFound, LedgerError) as missing:
        # Not sealed (or no ledger yet): the draft page instead. A broken chain is no
        # "not sealed": it goes on to the error page.
        unsealed = isinstance(missing, NotFound | NotSealed) or type(missing) is LedgerError
        if version is not None or not unsealed:
            raise
        return None


def _worded(request: Request, error: AppraisalError | WebError, month: Month, then: str) -> tuple[list[str], int]:  # fmt: skip
    """A refusal's lines and status, as the app would answer it."""
    if isinstance(error, WebError):
        return error.messages, error.status
    ledger = shown(request.app.state.settings.ledger)
    lines = problem_messages(error, ledger=ledger, month=str(month), then=then)
    return lines, 422 if isinstance(error, InputError | BadFile) else 409


def _month_page(
    request: Request,
    user: User,
    month: Month,
    *,
    view: str | None = None,
    version: int | None = None,
    status: int = 200,
    problems: Sequence[str] = (),
    notices: Sequence[str] = (),
    added: Sequence[AddedFile] = (),
    sealed_now: SealedPage | None = None,
) -> HTMLResponse:
    """The month's draft page or its sealed page (``view``), with what just happened."""
    draft = _draft_or_none(request, month, user)
    sealed = sealed_now or _sealed_or_none(request, month, user, version)
    has_draft, has_sealed = _has_draft(draft), sealed is not None
    if sealed_now is not None or version is not None:
        view = "sealed"
    if view not in ("draft", "sealed"):
        view = "draft" if has_draft or not has_sealed else "sealed"
    if view == "sealed" and not has_sealed:
        view = "draft"
    if view == "draft" and not has_draft and not user.may("upload"):
        if not has_sealed:
            raise NotFound(_("{month} has neither a draft nor a sealed version.").format(month=month))  # fmt: skip
        view = "sealed"
    context: dict[str, object] = {
        "month": str(month),
        "view": view,
        "has_draft": has_draft,
        "has_sealed": has_sealed,
        "problems": list(problems),
        "notices": list(notices),
    }
    if view == "sealed" and sealed is not None:
        previous = _reseal_after(request, user, month) if sealed.stale else None
        return page(request, user, "sealed.html", status, page=sealed, previous=previous, **context)  # fmt: skip
    shown_draft = draft if draft is not None else _empty_draft(month)
    return page(request, user, "draft.html", status, draft=shown_draft, added=list(added), **context)  # fmt: skip


def _reseal_after(request: Request, user: User, month: Month) -> str | None:
    """The month to re-seal after: the latest sealed one before ``month`` that is not stale."""
    earlier = [
        row.month
        for row in desk_of(request).months(user)
        if row.month < str(month) and row.status in ("sealed", "sealed+draft")
    ]
    return earlier[-1] if earlier else None


@router.get("/months/{month}", response_class=HTMLResponse)
def month_page(
    request: Request,
    month: str,
    user: PageUser,
    view: str | None = None,
    version: int | None = None,
    done: str | None = None,
) -> HTMLResponse:
    """The month's page; ``done`` the key of what the form post before it did (`keep`)."""
    outcome = take(request, user, done)
    added = outcome.get("added", ())
    sealed_now = outcome.get("sealed_now")
    return _month_page(
        request,
        user,
        month_of(month),
        view=view,
        version=version,
        added=added if isinstance(added, tuple) else (),
        sealed_now=sealed_now if isinstance(sealed_now, SealedPage) else None,
    )


def _done(request: Request, user: User, month: Month, view: str, **outcome: object) -> RedirectResponse:  # fmt: skip
    """The redirect after a form post that changed something, to the month's page."""
    key = keep(request, user, **outcome)
    return RedirectResponse(f"/months/{month}?view={view}&done={key}", status_code=303)


# -- the draft: files, decisions, the seal ----------------------------------------------


def _upload(
    request: Request, user: User, month: Month, role: str, files: Sequence[UploadFile]
) -> HTMLResponse | RedirectResponse:
    desk = desk_of(request)
    added: list[AddedFile] = []
    try:
        for upload in files:
            data = upload.file.read()
            added += desk.add_file(month, role, upload.filename or "", data, user)
    except (AppraisalError, Invalid, Forbidden, Refused) as refused:  # shown on the draft
        lines, status = _worded(request, refused, month, STORED)
        return _month_page(request, user, month, view="draft", status=status, problems=lines, added=added)  # fmt: skip
    return _done(request, user, month, "draft", added=tuple(added))


@router.post("/months", response_model=None, dependencies=[Checked])
def start_month(
    request: Request,
    user: PageUser,
    month: Annotated[str, Form()],
    role: Annotated[str, Form()],
    file: Annotated[list[UploadFile], File()],
) -> HTMLResponse | RedirectResponse:
    """The months page's form: a month's first files (or more files for it)."""
    try:
        chosen = Month.parse(month)
    except ValueError as error:
        raise Invalid(str(error)) from None
    return _upload(request, user, chosen, role, file)


@router.post("/months/{month}/files", response_model=None, dependencies=[Checked])
def upload(
    request: Request,
    month: str,
    user: PageUser,
    role: Annotated[str, Form()],
    file: Annotated[list[UploadFile], File()],
) -> HTMLResponse | RedirectResponse:
    return _upload(request, user, month_of(month), role, file)


@router.post("/months/{month}/review/{item}", response_model=None, dependencies=[Checked])
def resolve(
    request: Request,
    month: str,
    item: str,
    user: PageUser,
    resolution: Annotated[str, Form(alias="as")],
    reason: Annotated[str, Form()] = "",
    minutes: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """A decision on a review item (正常, 旷工, 事假, 病假, 迟到 N minutes), with its reason."""
    chosen = month_of(month)
    if resolution == "late":
        resolution = f"late:{minutes.strip()}"
    try:
        desk_of(request).resolve(chosen, item, resolution, reason, user)
    except (AppraisalError, Invalid, NotFound) as refused:
        lines, status = _worded(request, refused, chosen, CHANGED)
        return _month_page(request, user, chosen, view="draft", status=status, problems=lines)
    target = f"/months/{chosen}?view=draft#review-{quote(item, safe='')}"
    return RedirectResponse(target, status_code=303)


@router.post("/months/{month}/seal", response_model=None, dependencies=[Checked])
def seal(
    request: Request, month: str, user: PageUser, amend: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    """The draft sealed (after the confirmation that showed its head count and gross)."""
    chosen = month_of(month)
    try:
        sealed = desk_of(request).seal(chosen, user, amend.strip() or None)
    except (AppraisalError, Invalid, Refused) as refused:
        lines, status = _worded(request, refused, chosen, WRITTEN_OR_SEALED)
        return _month_page(request, user, chosen, view="draft", status=status, problems=lines)
    return _done(request, user, chosen, "sealed", sealed_now=sealed)


# -- the sealed month: replay, reseal, downloads; statements --------------------------------


@router.post("/months/{month}/replay", response_class=HTMLResponse, dependencies=[Checked])
def replay(
    request: Request, month: str, user: PageUser, version: Annotated[int | None, Form()] = None
) -> HTMLResponse:
    """The version replayed from the ledger: 一致 identical, or the differences. From htmx,
    the result alone, to show in place (a refusal too, so that htmx shows it)."""
    chosen = month_of(month)
    fragment = request.headers.get("HX-Request") == "true"
    try:
        result = desk_of(request).replay(chosen, user, version)
    except (AppraisalError, WebError) as refused:
        if not fragment:
            raise
        lines, _status = _worded(request, refused, chosen, WRITTEN_OR_SEALED)
        return page(request, user, "_replay.html", replay=None, messages=lines, month=str(chosen))
    template = "_replay.html" if fragment else "replay.html"
    return page(request, user, template, replay=result, messages=[], month=str(chosen))


@router.post("/months/{month}/reseal", response_class=HTMLResponse, dependencies=[Checked])
def reseal(request: Request, month: str, user: PageUser) -> HTMLResponse:
    """The stale months after ``month`` sealed again, with the back pay they make."""
    result = desk_of(request).reseal(month_of(month), user)
    return page(request, user, "reseal.html", result=result)


@router.get("/months/{month}/download/{what}")
def download(
    request: Request, month: str, what: str, user: PageUser, version: int | None = None
) -> Response:
    """The workbook (.xlsx), the results (.json) or the payslips (.zip) of a sealed version."""
    if what not in DOWNLOADS:
        raise NotFound(_("There is no such download: {what}.").format(what=what))
    desk = desk_of(request)
    chosen = month_of(month)
    made = {"workbook": desk.workbook, "results": desk.results, "payslips": desk.payslips}
    got = made[what](chosen, user, version)
    disposition = f"attachment; filename*=UTF-8''{quote(got.filename, safe='')}"
    return Response(got.data, media_type=got.media_type, headers={"Content-Disposition": disposition})  # fmt: skip


@router.get("/months/{month}/employees/{employee_id}", response_class=HTMLResponse)
def statement(
    request: Request, month: str, employee_id: str, user: PageUser, version: int | None = None
) -> HTMLResponse:
    """An employee's statement: every point and every yuan, rule by rule."""
    found = desk_of(request).statement(month_of(month), employee_id, user, version)
    return page(request, user, "statement.html", statement=found)
