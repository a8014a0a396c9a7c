"""The draft workflow's parts: a review item's stable id, the resolutions, the event a
decision makes (issue 10, item 3)."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest

from appraisal.domain.model import Kind
from appraisal.drafts import decision_event, parse_resolution
from appraisal.ledger.drafts import Decision
from appraisal.read.imports.records import ReviewItem

ITEM = ReviewItem("KF005", datetime.date(2026, 10, 16), "上班缺卡", "d.xlsx", "每日统计!H8")


def test_a_review_item_id_is_who_which_day_and_what() -> None:
    wording = hashlib.sha256("上班缺卡".encode()).hexdigest()[:4]
    assert ITEM.id == f"R-KF005-1016-{wording}"
    moved = ReviewItem("KF005", ITEM.date, "上班缺卡", "again.xlsx", "每日统计!H9")
    assert moved.id == ITEM.id  # the export sent again: the same item, the same decision
    assert ReviewItem("KF005", ITEM.date, "下班缺卡", "d.xlsx", "x").id != ITEM.id
    assert ReviewItem("KF004", ITEM.date, "上班缺卡", "d.xlsx", "x").id != ITEM.id


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("normal", "normal"),
        ("sick_leave", "sick_leave"),
        ("late:15", "late:15"),
        ("late:015", "late:15"),
    ],
)
def test_resolutions_taken(text: str, meant: str) -> None:
    assert parse_resolution(text) == meant


@pytest.mark.parametrize("text", ["late", "late:0", "late:-3", "late:2.5", "late:x", "leave", ""])
def test_resolutions_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_resolution(text)


def decided(resolution: str) -> Decision:
    return Decision("2026-10", ITEM.id, resolution, "补卡单", "主管", "2026-11-02T09:00:00Z")


def test_a_decision_is_an_event_whose_source_is_the_decision() -> None:
    event = decision_event(ITEM, decided("personal_leave"))
    assert event is not None
    assert (event.employee_id, event.date, event.kind) == ("KF005", ITEM.date, Kind.PERSONAL_LEAVE)
    assert event.value == Decimal(1)  # one day (interface.md: personal_leave in days)
    assert event.source.file == f"draft decision {ITEM.id}"
    assert "主管" in event.note and "2026-11-02T09:00:00Z" in event.note and "补卡单" in event.note
    late = decision_event(ITEM, decided("late:20"))
    assert late is not None and (late.kind, late.value) == (Kind.LATE, Decimal(20))  # minutes
    absent = decision_event(ITEM, decided("absent"))
    assert absent is not None and (absent.kind, absent.value) == (Kind.ABSENT, Decimal(1))
    assert decision_event(ITEM, decided("normal")) is None
