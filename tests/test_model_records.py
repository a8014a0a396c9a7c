"""The input records (`Source`, `Event`) are named tuples for speed (issue 11): they must
keep the meaning they had as frozen dataclasses."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest

from appraisal.domain.model import Event, Kind, Source


def test_a_source_is_equal_and_hashed_by_its_file_and_row_never_by_the_path_given() -> None:
    here, there = Source("events.csv", 5, "a/events.csv"), Source("events.csv", 5, "b/events.csv")
    assert here == there
    assert (here != there) is False  # tuple inequality would see the paths differ
    assert hash(here) == hash(there)
    assert len({here, there}) == 1
    assert Source("events.csv", 6, "a/events.csv") != here
    assert Source("other.csv", 5, "a/events.csv") != here
    assert here.where == "a/events.csv" and Source("events.csv", 5).where == "events.csv"
    assert str(here) == "events.csv:5"


def test_an_event_is_equal_field_by_field_its_source_by_file_and_row() -> None:
    day = date(2026, 10, 3)
    late = Event("KF1", day, Kind.LATE, Source("events.csv", 2, "x.csv"), Decimal(12))
    assert late == Event("KF1", day, Kind.LATE, Source("events.csv", 2, "y.csv"), Decimal(12))
    assert late != Event("KF1", day, Kind.LATE, Source("events.csv", 3, "x.csv"), Decimal(12))
    assert late != late._replace(value=Decimal(13))
    assert late.flags == frozenset() and late.note == "" and late.clause is None


def test_records_cannot_be_changed_and_travel_to_workers_whole() -> None:
    source = Source("events.csv", 2, "october/events.csv")
    late = Event("KF1", date(2026, 10, 3), Kind.LATE, source, Decimal(12), flags=frozenset({"x"}))
    with pytest.raises(AttributeError):
        late.value = Decimal(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        source.row = 3  # type: ignore[misc]
    back = pickle.loads(pickle.dumps(late))
    assert back == late and back.source.path == "october/events.csv"
    assert type(back) is Event and type(back.source) is Source
