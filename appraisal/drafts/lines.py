"""The lines a draft's changes are reported in, the same on the command line and the web
page: a file added (or already held), the roster it replaced, a decision made, a file or
a decision removed."""

from __future__ import annotations

from appraisal.domain.model import Month
from appraisal.i18n import _
from appraisal.ledger.drafts import Decision, DraftFile
from appraisal.read.imports.records import ReviewItem

__all__ = ["added_line", "file_line", "removed_line", "replaced_line", "resolved_line"]


def added_line(file: DraftFile, status: str, month: Month | str) -> str:
    """A file sent to the draft: ``added``, or ``same`` (its bytes were held already)."""
    if status == "same":
        message = _(
            "{file}: already in the {month} draft (the same bytes, sha256 {sha256}); "
            "nothing new stored"
        )
    else:
        message = _("Added {role} {file} (sha256 {sha256}) to the {month} draft, from {by} at {at}")
    return message.format(
        role=_(file.role),
        file=file.name,
        sha256=file.sha256[:12],
        month=month,
        by=file.added_by,
        at=file.added_at,
    )


def replaced_line(file: DraftFile) -> str:
    """The roster a new roster replaced."""
    message = _("It replaces the roster {file} (sha256 {sha256}) sent by {by} at {at}")
    return message.format(
        file=file.name, sha256=file.sha256[:12], by=file.added_by, at=file.added_at
    )


def file_line(file: DraftFile, width: int = 0) -> str:
    """One of the draft's files: role, name, sha256 prefix, who sent it and when; the
    role padded to ``width`` (the command line aligns them)."""
    return _("{role} {file}  sha256 {sha256}  by {by} at {at}").format(
        role=f"{_(file.role):<{width}}",
        file=file.name,
        sha256=file.sha256[:12],
        by=file.added_by,
        at=file.added_at,
    )


def resolved_line(item: ReviewItem, decision: Decision) -> str:
    """A decision recorded on a review item, and the event it makes."""
    applied = (
        _("no event (counts as a normal day)")
        if decision.resolution == "normal"
        else _("an event {resolution} from draft decision {item}").format(
            resolution=decision.resolution, item=item.id
        )
    )
    message = _("Resolved {item} ({what}) as {resolution}, by {by} at {at}: {applied}")
    return message.format(
        item=item.id,
        what=item,
        resolution=decision.resolution,
        by=decision.decided_by,
        at=decision.decided_at,
        applied=applied,
    )


def removed_line(gone: DraftFile | Decision, month: Month | str, width: int = 0) -> str:
    """A file or a decision taken out of the draft."""
    if isinstance(gone, DraftFile):
        line = file_line(gone, width)
        return _("Removed {file} from the {month} draft").format(file=line, month=month)
    message = _("Removed the decision on {item} ({resolution}) from the {month} draft")
    return message.format(item=gone.item_id, resolution=gone.resolution, month=month)
