"""The JSON API behind the pages (``/api``, documented at ``/docs``).

Log in with ``POST /api/login`` (``{"username", "password"}``): it sets the session cookie
and returns ``{"csrf_token"}``, which every state-changing call carries in the header
``X-CSRF-Token``. Each endpoint hands the request to the Desk (`appraisal.web.desk`),
which checks what the user may do and see, and returns its view's ``to_json()``; files
come back as bytes with their name (``Content-Disposition``, RFC 5987). Refusals are
``{"error": {"status": …, "messages": […]}}``, worded as the command line words them
(`appraisal.web.app`). Every change is logged (logger ``appraisal.web``) with who made
it and when.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, Field

from appraisal.domain.model import Month
from appraisal.i18n import N_
from appraisal.web.auth import api_user, csrf_api, log_in, log_out
from appraisal.web.errors import Invalid
from appraisal.web.pages_base import desk_of
from appraisal.web.users import RIGHTS, ROLE_TITLES, User
from appraisal.web.views import Download

__all__ = ["month_of", "router"]

router = APIRouter(prefix="/api", tags=["api"])
log = logging.getLogger("appraisal.web")
Json = dict[str, object]
CurrentUser = Annotated[User, Depends(api_user)]
Changes = [Depends(csrf_api)]  # every state-changing call


class Login(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class Decide(BaseModel):
    as_: str = Field(
        alias="as", description="normal | absent | personal_leave | sick_leave | late:MIN"
    )
    reason: str = Field(min_length=1, max_length=2000)


class Seal(BaseModel):
    amend: str | None = Field(default=None, description="re-seal a sealed month, recording why")


class Replay(BaseModel):
    version: int | None = None


def month_of(text: str) -> Month:
    """A month of the path, read as the command line reads --month; 422 saying why not."""
    try:
        return Month.parse(text)
    except ValueError as error:
        raise Invalid(str(error)) from None


def changed(user: User, what: str, month: Month | str = "") -> None:
    """A change, for the server's log: who, when (UTC) and what."""
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    log.info("%s %s by %s (%s) at %s", what, month, user.name, user.role, at)


def download(file: Download) -> Response:
    """The file's bytes, named for the browser in ASCII and, exactly, in UTF-8 (RFC 5987)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in file.filename
    )
    disposition = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file.filename, safe='')}"
    )
    return Response(
        file.data, media_type=file.media_type, headers={"Content-Disposition": disposition}
    )


# -- sessions ---------------------------------------------------------------------------


@router.post("/login", summary=N_("Log in; returns the CSRF token and sets the session cookie"))
def login(body: Login, request: Request, response: Response) -> Json:
    return {"csrf_token": log_in(request, response, body.username, body.password)}


@router.post("/logout", summary=N_("End the session"), dependencies=Changes)
def logout(request: Request, response: Response, user: CurrentUser) -> Json:
    log_out(request, response)
    return {"ok": True}


@router.get("/me", summary=N_("Who is logged in, their role, departments and rights"))
def me(user: CurrentUser) -> Json:
    return {
        "name": user.name,
        "role": user.role,
        "role_title": ROLE_TITLES[user.role],
        "departments": list(user.departments),
        "rights": sorted(RIGHTS[user.role]),
    }


# -- the months and their drafts --------------------------------------------------------


@router.get("/months", summary=N_("Every month: draft, sealed vN or stale"))
def months(request: Request, user: CurrentUser) -> Json:
    return {"months": [row.to_json() for row in desk_of(request).months(user)]}


@router.get(
    "/months/{month}/draft", summary=N_("The draft: files, completeness, review items, preview")
)
def draft(month: str, request: Request, user: CurrentUser) -> Json:
    return desk_of(request).draft(month_of(month), user).to_json()


@router.post("/months/{month}/files", summary=N_("Add a file to the draft"), dependencies=Changes)
def add_file(
    month: str,
    request: Request,
    user: CurrentUser,
    role: Annotated[Literal["roster", "events", "deductions"], Form()],
    file: Annotated[UploadFile, File()],
) -> Json:
    when = month_of(month)
    name = _base_name(file.filename or "upload")
    added = desk_of(request).add_file(when, role, name, file.file.read(), user)
    changed(user, f"added {role} {name!r} to the draft of", when)
    return {"files": [item.to_json() for item in added]}


@router.delete(
    "/months/{month}/files/{what}",
    summary=N_("Take a file or a decision out of the draft"),
    dependencies=Changes,
)
def remove(month: str, what: str, request: Request, user: CurrentUser) -> Json:
    when = month_of(month)
    line = desk_of(request).remove(when, what, user)
    changed(user, f"removed {what!r} from the draft of", when)
    return {"message": line}


@router.post(
    "/months/{month}/review/{item}",
    summary=N_("Decide a review item (待复核)"),
    dependencies=Changes,
)
def resolve(month: str, item: str, body: Decide, request: Request, user: CurrentUser) -> Json:
    when = month_of(month)
    resolved = desk_of(request).resolve(when, item, body.as_, body.reason, user)
    changed(user, f"resolved {item} as {body.as_} in", when)
    return resolved.to_json()


@router.post(
    "/months/{month}/seal", summary=N_("Seal the month's draft (hr)"), dependencies=Changes
)
def seal(month: str, request: Request, user: CurrentUser, body: Seal | None = None) -> Json:
    when = month_of(month)
    amend = body.amend if body is not None else None
    sealed = desk_of(request).seal(when, user, amend=amend)
    changed(user, "sealed" if amend is None else f"amended ({amend!r})", when)
    return sealed.to_json()


# -- sealed months ----------------------------------------------------------------------


@router.get("/months/{month}", summary=N_("A sealed month: summary, charts, versions"))
def sealed(month: str, request: Request, user: CurrentUser, version: int | None = None) -> Json:
    return desk_of(request).sealed(month_of(month), user, version).to_json()


@router.get("/months/{month}/workbook", summary=N_("The salary-adjustment workbook (.xlsx)"))
def workbook(
    month: str, request: Request, user: CurrentUser, version: int | None = None
) -> Response:
    return download(desk_of(request).workbook(month_of(month), user, version))


@router.get("/months/{month}/results", summary=N_("The results (JSON file)"))
def results(
    month: str, request: Request, user: CurrentUser, version: int | None = None
) -> Response:
    return download(desk_of(request).results(month_of(month), user, version))


@router.get("/months/{month}/payslips", summary=N_("The payslips (a zip)"))
def payslips(
    month: str, request: Request, user: CurrentUser, version: int | None = None
) -> Response:
    return download(desk_of(request).payslips(month_of(month), user, version))


@router.get(
    "/months/{month}/employees/{employee_id}/statement", summary=N_("One employee's statement")
)
def statement(
    month: str, employee_id: str, request: Request, user: CurrentUser, version: int | None = None
) -> Json:
    return desk_of(request).statement(month_of(month), employee_id, user, version).to_json()


@router.post(
    "/months/{month}/replay", summary=N_("Replay a sealed month (auditor)"), dependencies=Changes
)
def replay(month: str, request: Request, user: CurrentUser, body: Replay | None = None) -> Json:
    when = month_of(month)
    version = body.version if body is not None else None
    done = desk_of(request).replay(when, user, version)
    changed(user, f"replayed (version {version or 'current'})", when)
    return done.to_json()


@router.post(
    "/months/{after}/reseal",
    summary=N_("Re-seal the months made stale after one (hr)"),
    dependencies=Changes,
)
def reseal(after: str, request: Request, user: CurrentUser) -> Json:
    when = month_of(after)
    done = desk_of(request).reseal(when, user)
    changed(user, "re-sealed the stale months after", when)
    return done.to_json()


@router.post(
    "/what-if", summary=N_("A draft policy over sealed months (auditor)"), dependencies=Changes
)
def what_if(
    request: Request,
    user: CurrentUser,
    policy: Annotated[UploadFile, File(description="the draft policy (.yaml)")],
    first: Annotated[str, Form(alias="from")],
    last: Annotated[str, Form(alias="to")],
    as_of: Annotated[str | None, Form()] = None,
) -> Json:
    name = _base_name(policy.filename or "policy.yaml")
    months_asked = (month_of(first), month_of(last), month_of(as_of) if as_of else None)
    trial = desk_of(request).what_if(
        name, policy.file.read(), *months_asked[:2], user, as_of=months_asked[2]
    )
    changed(user, f"ran what-if with {name!r} over {first}..{last}")
    return trial.to_json()


def _base_name(filename: str) -> str:
    """The file's own name, whatever folder the browser says it came from."""
    return PureWindowsPath(PurePosixPath(filename).name).name or "upload"
