"""The pages' helpers: money and time as people read them, the charts' geometry, the
wording of roles and decisions in each language, and where a login may send the browser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.i18n import speaking
from appraisal.web.pages_base import local_path
from appraisal.web.render import (
    CHART_WIDTH,
    ENVIRONMENT,
    LABEL_WIDTH,
    VALUE_WIDTH,
    bar_chart,
    department_chart,
    money,
    resolution_name,
    role_name,
    score_chart,
    signed_money,
    when,
)
from appraisal.web.views import Band, DepartmentGross

ROOM = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("11901.72"), "11,901.72"),
        ("1862.64", "1,862.64"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("-50"), "-50.00"),
        (Decimal("0"), "0.00"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_money_has_two_decimals_and_grouped_thousands(value: object, shown: str) -> None:
    assert money(value) == shown


def test_a_difference_always_shows_its_sign() -> None:
    assert signed_money(Decimal("1200")) == "+1,200.00"
    assert signed_money(Decimal("-45.98")) == "-45.98"
    assert signed_money(Decimal("0")) == "+0.00"


def test_a_utc_time_is_shown_to_the_minute() -> None:
    assert when("2026-11-27T18:18:12Z") == "2026-11-27 18:18 UTC"
    assert when("time unknown") == "time unknown"
    assert when(None) == ""


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/months/2026-10?view=draft", "/months/2026-10?view=draft"),
        ("/", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("http:/evil", "/"),
        ("months", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_only_a_local_path_is_a_place_to_go_back_to(target: str | None, kept: str) -> None:
    assert local_path(target) == kept


def test_bars_are_as_long_as_their_share_of_the_largest() -> None:
    chart = bar_chart([("a", 4, "4"), ("b", 2, "2"), ("c", 0, "0"), ("d", -3, "-3")], marked=["b"])
    assert [bar.width for bar in chart.bars] == [ROOM, ROOM // 2, 0, 0]
    assert [bar.marked for bar in chart.bars] == [False, True, False, False]
    assert [bar.y for bar in chart.bars] == [0, 28, 56, 84]
    assert chart.height == 4 * 28
    empty = bar_chart([])
    assert empty.bars == () and empty.height == 28


def test_the_score_chart_marks_the_band_below_the_demotion_line() -> None:
    bands = (Band("<140", 3), Band("140-159", 3), Band("160-179", 0), Band("180-200", 0))
    chart = score_chart(bands)
    assert [(b.label, b.value, b.marked) for b in chart.bars] == [
        ("<140", "3", True),
        ("140-159", "3", False),
        ("160-179", "0", False),
        ("180-200", "0", False),
    ]
    money_chart = department_chart([DepartmentGross("客服一组", 6, Decimal("11901.72")), DepartmentGross("", 1, Decimal("0"))])  # fmt: skip
    assert [(b.label, b.value) for b in money_chart.bars] == [("客服一组", "11,901.72"), ("—", "0.00")]  # fmt: skip


def test_roles_and_decisions_are_named_in_the_reader_s_language() -> None:
    with speaking("zh"):
        assert [role_name(r) for r in ("manager", "hr", "auditor", "admin")] == ["部门经理", "人事", "审计", "管理员"]  # fmt: skip
        names = [resolution_name(r) for r in ("normal", "absent", "personal_leave", "sick_leave", "late:12")]  # fmt: skip
        assert names == ["正常", "旷工", "事假", "病假", "迟到 12"]
    with speaking("en"):
        assert role_name("hr") == "HR"
        assert resolution_name("late:12") == "Late 12"
        assert resolution_name("personal_leave") == "Personal leave"


def test_templates_escape_what_they_are_given() -> None:
    template = ENVIRONMENT.from_string("<p>{{ name }}</p>")
    assert template.render(name="<b>&</b>") == "<p>&lt;b&gt;&amp;&lt;/b&gt;</p>"
