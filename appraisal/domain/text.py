"""How text shows on a screen or in a cell: its display width."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["display_width"]


@lru_cache(maxsize=8192)
def display_width(text: str) -> int:
    """Columns a text takes on screen: a Chinese character is as wide as two letters."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
