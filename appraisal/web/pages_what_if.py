"""The what-if page: a draft policy over sealed months, compared with what is sealed.

Nothing is sealed (the desk only reads the ledger). The draft's problems are shown as
`appraisal check-policy` words them, every one at once, above the form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from appraisal.domain.errors import AppraisalError
from appraisal.domain.model import Month
from appraisal.i18n import _
from appraisal.ledger.backend import shown
from appraisal.problems import WRITTEN, problem_messages
from appraisal.web import auth
from appraisal.web.errors import Invalid, NotFound, Refused
from appraisal.web.pages_base import Checked, PageUser, desk_of, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/what-if", response_class=HTMLResponse)
def what_if_form(request: Request, user: PageUser) -> HTMLResponse:
    auth.require(user, "what_if")
    form = {"first": "", "last": "", "as_of": ""}
    return page(request, user, "what_if.html", form=form, result=None, problems=[])


@router.post("/what-if", response_class=HTMLResponse, dependencies=[Checked])
def what_if(
    request: Request,
    user: PageUser,
    policy: Annotated[UploadFile, File()],
    first: Annotated[str, Form()],
    last: Annotated[str, Form()],
    as_of: Annotated[str, Form()] = "",
) -> HTMLResponse:
    auth.require(user, "what_if")
    form = {"first": first, "last": last, "as_of": as_of}
    problems: list[str] = []
    months: dict[str, Month] = {}
    for name, text in (("first", first), ("last", last), ("as_of", as_of)):
        if name == "as_of" and not text.strip():
            continue
        try:
            months[name] = Month.parse(text)
        except ValueError as error:
            problems.append(str(error))
    if not problems and months["first"].first_day > months["last"].first_day:
        problems.append(_("The first month comes after the last one."))
    if problems:
        return page(request, user, "what_if.html", 422, form=form, result=None, problems=problems)
    try:
        result = desk_of(request).what_if(
            policy.filename or "policy.yaml",
            policy.file.read(),
            months["first"],
            months["last"],
            user,
            as_of=months.get("as_of"),
        )
    except (AppraisalError, Invalid, NotFound, Refused) as refused:
        if isinstance(refused, AppraisalError):
            ledger = shown(request.app.state.settings.ledger)
            lines, status = problem_messages(refused, ledger=ledger, then=WRITTEN), 422
        else:
            lines, status = refused.messages, refused.status
        return page(request, user, "what_if.html", status, form=form, result=None, problems=lines)
    return page(request, user, "what_if.html", form=form, result=result, problems=[])
