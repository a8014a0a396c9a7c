"""What HR deducts after gross (应发工资): the employee's 社保 and 公积金, 个税, and other
deductions, and the net pay (实发工资) they leave.

Not part of the appraisal scheme: they come from an optional input, keyed by employee
(`appraisal run --deductions FILE`), sealed with the month like any other input, so a
replay reproduces the net pay. The results carry them per employee only when the month
was run with such a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from appraisal.domain import json_fields
from appraisal.domain.model import Source
from appraisal.domain.money import text

__all__ = ["DEDUCTION_FIELDS", "DEDUCTION_TITLES", "Deductions"]

# The deductions in the order a pay sheet shows them, with their Chinese titles.
DEDUCTION_FIELDS = ("social_insurance", "housing_fund", "income_tax", "other")
DEDUCTION_TITLES: Mapping[str, str] = {
    "social_insurance": "社保个人",
    "housing_fund": "公积金个人",
    "income_tax": "个税",
    "other": "其他扣款",
}


@dataclass(frozen=True)
class Deductions:
    """One employee's deductions after gross, each to the cent, and the row they came from."""

    values: Mapping[str, Decimal]  # every DEDUCTION_FIELDS name
    source: Source | None = None

    @property
    def total(self) -> Decimal:
        return sum((self.values[name] for name in DEDUCTION_FIELDS), Decimal(0))

    def net(self, gross: Decimal) -> Decimal:
        """实发工资: gross less every deduction."""
        return gross - self.total

    def to_json(self, gross: Decimal) -> dict[str, Any]:
        out: dict[str, Any] = {name: text(self.values[name]) for name in DEDUCTION_FIELDS}
        out["total"] = text(self.total)
        out["net"] = text(self.net(gross))
        if self.source is not None:
            out["file"], out["row"] = self.source.file, self.source.row
        return out

    @classmethod
    def from_json(cls, data: Any, gross: Decimal, where: str) -> Deductions:
        found = json_fields.mapping(data, where)
        values = {
            name: json_fields.yuan(found.get(name), f"{where}.{name}") for name in DEDUCTION_FIELDS
        }
        source = (
            Source(
                json_fields.string(found, "file", where),
                json_fields.count(found.get("row"), f"{where}.row"),
            )
            if "file" in found
            else None
        )
        deductions = cls(values, source)
        for name, value in (("total", deductions.total), ("net", deductions.net(gross))):
            if json_fields.yuan(found.get(name), f"{where}.{name}") != value:
                raise ValueError(f"{where}.{name}: not {text(value)}, as the deductions give")
        return deductions
