"""A month writes the same few hundred figures a hundred thousand times: their texts
(`money.text`) and JSON numbers (`trace.number`) are made once each and kept. What is
kept never changes what is written: equal figures write alike, a zero keeps its sign,
and the memory is bounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.domain import money, trace
from appraisal.domain.money import KEPT, text
from appraisal.domain.trace import number


def test_equal_amounts_written_any_way_have_one_text() -> None:
    for amount in ("87.36", "87.360", "87.3600000"):
        assert text(Decimal(amount)) == "87.36"
    assert text(Decimal("10")) == text(Decimal("1E+1")) == "10.00"
    assert text(Decimal("0.005")) == "0.01"  # half up, as `cents` rounds
    assert text(Decimal("-0.005")) == "-0.01"


@pytest.mark.parametrize("first", ["0", "-0"])
def test_a_zero_keeps_its_sign_whichever_is_written_first(first: str) -> None:
    """0 and -0 are equal keys: neither is kept, so each is written as itself."""
    other = "-0" if first == "0" else "0"
    written = {zero: text(Decimal(zero)) for zero in (first, other, first)}
    assert written == {"0": "0.00", "-0": "-0.00"}
    assert text(Decimal("-0.00")) == "-0.00"


def test_equal_scores_are_one_number_and_not_finite_ones_are_refused() -> None:
    assert number(Decimal("3.0")) == number(Decimal("3")) == 3
    assert type(number(Decimal("3.00"))) is int
    assert number(Decimal("2.50")) == number(Decimal("2.5")) == 2.5
    assert number(Decimal("-0")) == 0 and type(number(Decimal("-0.0"))) is int
    for bad in ("NaN", "-Infinity", "sNaN"):
        with pytest.raises(ValueError, match="not a finite number"):
            number(Decimal(bad))


def test_what_is_kept_is_bounded() -> None:
    for cents in range(3 * KEPT):
        amount = Decimal(cents + 1) / 100
        assert text(amount) == f"{amount:.2f}"
        whole = (cents + 1) % 100 == 0
        assert number(amount) == ((cents + 1) // 100 if whole else float(amount))
    assert len(money._TEXTS) <= KEPT
    assert len(trace._NUMBERS) <= KEPT


def test_gross_is_worked_out_once_and_is_no_part_of_what_pay_is() -> None:
    """应发 = base + floating − fines − leave − absence + overtime + rewards + awards +
    settlement + allowances: 2000 + 1000 − 30 − 45.98 − 0 + 71 + 50 + 0 + 0 + 50 = 3095.02."""
    import pickle

    from appraisal.domain.results import PAY_FIELDS, PayFields

    figures = {
        "base": "2000.00",
        "floating": "1000.00",
        "fines": "30.00",
        "leave_deduction": "45.98",
        "overtime": "71.00",
        "rewards": "50.00",
        "allowances": "50.00",
    }
    values = {name: Decimal(figures.get(name, "0.00")) for name in PAY_FIELDS}
    pay = PayFields(values)
    assert pay.gross == Decimal("3095.02")
    assert pay.gross is pay.gross  # kept
    again = pickle.loads(pickle.dumps(pay))
    assert again == pay and again._gross is None and again.gross == Decimal("3095.02")
    assert PayFields(dict(values)) == pay  # a gross worked out or not: the same pay
