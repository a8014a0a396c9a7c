"""Months re-sealed after an amendment, and a draft policy tried on sealed months (issue 10)."""
