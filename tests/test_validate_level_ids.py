"""`with_level_ids`: a promotion's target named by its title becomes the level's id, and
every other row is handed on as it is, in its place (issue 11 finds the promotion rows
by one scan of the kinds)."""

from __future__ import annotations

from datetime import date

from appraisal import Month, load_policy
from appraisal.domain.model import Event, Kind, Source
from appraisal.engine.validate import with_level_ids

DAY = date(2026, 10, 5)


def _row(row: int, kind: Kind, note: str = "") -> Event:
    return Event("KF1", DAY, kind, Source("events.csv", row), note=note)


def test_each_promotion_named_by_title_gets_the_id_and_nothing_else_moves() -> None:
    policy = load_policy().in_force(Month.parse("2026-10"))
    rows = (
        _row(2, Kind.PROMOTION, " 客服组长 "),  # the shipped policy's title of team_lead
        _row(3, Kind.CRITERION),
        _row(4, Kind.PROMOTION, "supervisor"),  # an id already
        _row(5, Kind.PROMOTION, "客服主管"),  # supervisor's title
        _row(6, Kind.LATE),
        _row(7, Kind.PROMOTION, "no such level"),  # left as written: validate reports it
    )
    _people, out = with_level_ids(policy, (), rows)
    assert [e.note for e in out] == [
        "team_lead",
        "",
        "supervisor",
        "supervisor",
        "",
        "no such level",
    ]
    assert [e.source.row for e in out] == [2, 3, 4, 5, 6, 7]
    assert out[1] is rows[1] and out[2] is rows[2] and out[4] is rows[4]


def test_a_month_without_promotions_is_handed_on_row_for_row() -> None:
    policy = load_policy().in_force(Month.parse("2026-10"))
    rows = (_row(2, Kind.LATE), _row(3, Kind.CRITERION))
    assert with_level_ids(policy, (), rows)[1] == rows
