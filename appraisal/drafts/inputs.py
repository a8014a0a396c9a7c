"""A draft's files read back as `run` reads them, and its decisions made events."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

from appraisal.domain.model import Event, Issue, Kind, Month, Source
from appraisal.i18n import _
from appraisal.ledger.drafts import Decision, DraftFile
from appraisal.policy.loaded import Policy
from appraisal.read.imports.records import ReviewItem
from appraisal.read.inputs import MonthInputs, read_inputs

__all__ = [
    "DAY_KINDS",
    "DECISION_SOURCE",
    "RESOLUTIONS",
    "decision_event",
    "materialised",
    "parse_resolution",
    "with_decisions",
]

DECISION_SOURCE = "draft decision {item}"  # the source file of a decision's event
DAY_KINDS = {"absent": Kind.ABSENT, "personal_leave": Kind.PERSONAL_LEAVE}
DAY_KINDS["sick_leave"] = Kind.SICK_LEAVE
#: How a review item may be resolved; ``late:MIN`` takes the minutes late.
RESOLUTIONS = ("normal", "absent", "personal_leave", "sick_leave", "late:MIN")


def decision_event(item: ReviewItem, decision: Decision) -> Event | None:
    """The input event a decision makes: none for ``normal``, else its kind on the item's
    day (a whole day, or the minutes late), its source the decision itself."""
    if decision.resolution == "normal":
        return None
    kind, _, minutes = decision.resolution.partition(":")
    note = f"decided by {decision.decided_by} at {decision.decided_at}: {decision.reason}"
    note += f" (review item {item.file}:{item.cell} {item.what})"
    return Event(
        employee_id=item.employee_id,
        date=item.date,
        kind=Kind.LATE if kind == "late" else DAY_KINDS[kind],
        source=Source(DECISION_SOURCE.format(item=item.id), 1),
        value=Decimal(minutes) if kind == "late" else Decimal(1),
        note=note,
    )


InputsOf = Callable[[Month, Policy], tuple[MonthInputs, list[Issue]]]


@contextmanager
def materialised(
    files: Sequence[DraftFile], given: dict[int, Path] | None = None
) -> Iterator[tuple[InputsOf, Callable[[Issue], Issue]]]:
    """The draft's files written under their own names, each in its own folder (two
    managers may both send ``input.xlsx``), and read together as `run` reads them.
    ``given``: files not stored yet, read from the path the user gave. The second value
    names a file of the draft in a message by its name instead of the folder it was
    written to."""
    with tempfile.TemporaryDirectory(prefix="appraisal-draft-") as folder:
        paths: dict[int, Path] = {}
        for number, file in enumerate(files):
            if given is not None and number in given:
                paths[number] = given[number]
                continue
            place = Path(folder) / str(number)
            place.mkdir()
            paths[number] = place / file.name
            paths[number].write_bytes(file.content)

        def inputs_of(month: Month, policy: Policy) -> tuple[MonthInputs, list[Issue]]:
            by_role = {
                role: [paths[n] for n, f in enumerate(files) if f.role == role]
                for role in ("roster", "events", "deductions")
            }
            deductions = by_role["deductions"][0] if by_role["deductions"] else None
            inputs, issues = read_inputs(
                month,
                by_role["roster"][0],
                by_role["events"],
                hours_per_day=policy.in_force(month).doc.attendance.hours_per_day,
                deductions_path=deductions,
            )
            review = tuple(dataclasses.replace(i, file=name(i.file)) for i in inputs.review)
            return dataclasses.replace(inputs, review=review), issues

        prefix = str(Path(folder)) + "/"

        def name(text: str) -> str:
            while prefix in text:
                start = text.index(prefix)
                text = text[:start] + text[start + len(prefix) :].partition("/")[2]
            return text

        def tidy(issue: Issue) -> Issue:
            return dataclasses.replace(issue, file=name(issue.file), message=name(issue.message))

        yield inputs_of, tidy


def with_decisions(inputs: MonthInputs, made: Sequence[Decision]) -> MonthInputs:
    """The inputs with an event for each decision on one of their review items."""
    items = {item.id: item for item in inputs.review}
    events = [
        event
        for decision in made
        if decision.item_id in items
        and (event := decision_event(items[decision.item_id], decision)) is not None
    ]
    if not events:
        return inputs
    return dataclasses.replace(inputs, events=(*inputs.events, *events))


def parse_resolution(text: str) -> str:
    """``normal``, ``absent``, ``personal_leave``, ``sick_leave`` or ``late:MIN`` (MIN a
    whole number of minutes above 0); ValueError saying why not."""
    if text in ("normal", *DAY_KINDS):
        return text
    kind, _colon, minutes = text.partition(":")
    if kind == "late":
        try:
            value = Decimal(minutes)
        except InvalidOperation:
            value = Decimal(0)
        if value.is_finite() and value == value.to_integral_value() and value > 0:
            return f"late:{int(value)}"
        message = _("late:MIN takes whole minutes above 0, not {minutes}")
        raise ValueError(message.format(minutes=repr(minutes)))
    message = _("{text} is not one of {resolutions}")
    raise ValueError(message.format(text=repr(text), resolutions=", ".join(RESOLUTIONS)))
