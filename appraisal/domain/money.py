"""Money: exact decimals, and the one place where rounding happens.

Every yuan figure is computed exactly in a fixed decimal context (so the machine's
default context can never change a result) and rounded half up to the cent once, per
pay field, just before it is reported.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = ["CONTEXT", "ZERO", "cents", "plain", "text"]

CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)
CENT = Decimal("0.01")
ZERO = Decimal(0)


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent: the only rounding of money in the engine."""
    # Positional arguments: `Decimal.quantize` takes keywords at twice the cost.
    return value.quantize(CENT, ROUND_HALF_UP, CONTEXT)


def text(value: Decimal) -> str:
    """A money figure as the JSON string with two places, e.g. "1940.00"."""
    if not value:  # a zero, most of a month's pay fields: it keeps its sign
        return "-0.00" if value.is_signed() else "0.00"
    found = _TEXTS.get(value) if value.is_finite() else None
    if found is None:
        found = f"{cents(value):.2f}"
        if value.is_finite():
            if len(_TEXTS) >= KEPT:
                _TEXTS.clear()
            _TEXTS[value] = found
    return found


# A month writes the same few hundred figures a hundred thousand times: each one's text,
# made once. Equal figures have equal texts (to the cent), but for a zero's sign.
KEPT = 4096
_TEXTS: dict[Decimal, str] = {}


def plain(value: Decimal) -> str:
    """A count of days or points as people write it: 1.0 → "1", 0.50 → "0.5", 100 → "100".

    The same quantity reads the same whichever way the input file wrote it.
    """
    return f"{value.normalize(CONTEXT):f}"
