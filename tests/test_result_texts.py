"""`ResultTexts` writes each result's two texts from remembered words (issue 11): they must
be, byte for byte, the canonical JSON and the results-file line of `to_json`, for any
text a row or a policy can hold, any number, with or without a row, a deduction or a
worker's JSON made already."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.domain.canonical import Canonical, canonical_bytes, canonical_chunks
from appraisal.domain.deductions import DEDUCTION_FIELDS, Deductions
from appraisal.domain.model import Source
from appraisal.domain.result_texts import ResultTexts, file_json
from appraisal.domain.results import (
    PAY_FIELDS,
    Conflict,
    EmployeeResult,
    PayFields,
    ScoreResult,
    TraceEntry,
)

# Text as rows and policies hold it: quotes, backslashes, controls, Chinese, emoji.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
WORDS = st.sampled_from(
    ["late 12 min: fine 10.00, -3 points", '引号"与\\反斜杠', "a\nb\tc\x01", "旷工"]
)
FIGURE = st.sampled_from(
    [Decimal(v) for v in ("10", "10.00", "-0.00", "0", "0.00", "87.356", "-5", "2.5", "1E+2")]
)
POINTS = st.sampled_from([Decimal(v) for v in ("5", "-10", "0", "-0", "2.5", "0.25", "100")])


@st.composite
def entries(draw: st.DrawFn) -> TraceEntry:
    files = st.sampled_from(["events.csv", 'a"b\\c.csv', "考评.xlsx[考评]"]) | TEXT
    source = draw(st.none() | st.builds(Source, files, st.integers(1, 10**6)))
    money = draw(st.booleans())
    return TraceEntry(
        draw(st.sampled_from(["score.exam", "penalty.6", "attendance.lateness.within_30"])),
        draw(WORDS | TEXT),
        draw(WORDS | TEXT),
        source,
        draw(st.none() | POINTS),
        draw(st.sampled_from(["fines", "absence_deduction", None])) if money else None,
        draw(FIGURE) if money or draw(st.booleans()) else None,
    )


@st.composite
def results(draw: st.DrawFn) -> EmployeeResult:
    pay = PayFields({name: draw(FIGURE) for name in PAY_FIELDS})
    deductions = None
    if draw(st.booleans()):
        deductions = Deductions(
            {name: draw(FIGURE) for name in DEDUCTION_FIELDS},
            draw(st.none() | st.just(Source("deductions.csv", 3))),
        )
    return EmployeeResult(
        employee_id=draw(TEXT),
        name=draw(WORDS | TEXT),
        department=draw(TEXT),
        level="specialist",
        next_level=draw(st.none() | st.just("intern")),
        score=ScoreResult(draw(POINTS), draw(POINTS), draw(POINTS)),
        pay=pay,
        dismissal=draw(st.booleans()),
        dismissal_reasons=tuple(draw(st.lists(TEXT, max_size=2))),
        demotion_reasons=tuple(draw(st.lists(TEXT, max_size=2))),
        promoted_to=None,
        titles=(),
        compliance=tuple(
            Conflict("wage.minimum", "劳动法", draw(FIGURE), draw(WORDS), None)
            for _ in range(draw(st.integers(0, 1)))
        ),
        review=tuple(draw(st.lists(WORDS, max_size=2))),
        trace=tuple(draw(st.lists(entries(), max_size=8))),
        offences={draw(TEXT): 1} if draw(st.booleans()) else {},
        deductions=deductions,
        appraised=draw(st.booleans()),
    )


def _expected(result: EmployeeResult) -> tuple[bytes, bytes]:
    data = result.to_json()
    return canonical_bytes(data, finite=True), file_json(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(results(), min_size=1, max_size=4))
def test_the_two_texts_are_those_of_the_json_data_whatever_the_result_holds(
    people: list[EmployeeResult],
) -> None:
    texts = ResultTexts().texts  # one for all: what it remembers of one serves the next
    for person in people:
        canonical, line = texts(person)
        assert type(canonical) is Canonical
        assert (bytes(canonical), line) == _expected(person)


def test_a_zero_keeps_its_sign_though_equal_figures_share_their_words() -> None:
    """-0.00 and 0.00 are equal Decimals; remembered by value, one would print as the other."""
    texts = ResultTexts()
    row = Source("events.csv", 7)
    plus = TraceEntry(
        "overtime", "加班", "workday overtime", row, None, "overtime", Decimal("0.00")
    )
    minus = plus._replace(yuan=Decimal("-0.00"))
    assert texts.entry(plus)[1].endswith(b'"yuan": "0.00"}')
    assert texts.entry(minus)[1].endswith(b'"yuan": "-0.00"}')
    assert texts.entry(plus)[0].endswith(b',"yuan":"0.00"}')


def test_an_entry_is_worded_around_its_row_in_both_texts() -> None:
    """Worked by hand from `TraceEntry.to_json` and the two encoders' rules."""
    entry = TraceEntry(
        "penalty.11",
        "处罚 11",
        'say "hi"',
        Source("events.csv", 9),
        Decimal(-5),
        "fines",
        Decimal("20"),
    )
    canonical, line = ResultTexts().entry(entry)
    assert (
        canonical
        == (
            '{"clause":"处罚 11","effect":"say \\"hi\\"","event":"events.csv:9","file":"events.csv",'
            '"pay_field":"fines","points":-5,"row":9,"rule":"penalty.11","yuan":"20.00"}'
        ).encode()
    )
    assert (
        line
        == (
            '{"rule": "penalty.11", "clause": "处罚 11", "event": "events.csv:9", '
            '"effect": "say \\"hi\\"", "file": "events.csv", "row": 9, "points": -5, '
            '"pay_field": "fines", "yuan": "20.00"}'
        ).encode()
    )


def test_canonical_items_are_written_as_they_are_among_json_data() -> None:
    made = Canonical(b'{"a":1}')
    assert (
        b"".join(canonical_chunks({"x": iter([made, {"b": [2]}])})) == b'{"x":[{"a":1},{"b":[2]}]}'
    )


@pytest.mark.parametrize("points", [Decimal("2.5"), Decimal("-0.25")])
def test_fractional_points_are_written_as_each_encoder_writes_a_float(points: Decimal) -> None:
    entry = TraceEntry("reward.6", "奖励 6", "bonus", None, points)
    canonical, line = ResultTexts().entry(entry)
    number = str(float(points)).encode()
    assert canonical == '{"clause":"奖励 6","effect":"bonus","event":"","points":'.encode() + (
        number + b',"rule":"reward.6"}'
    )
    assert line.endswith(b', "points": ' + number + b"}")
