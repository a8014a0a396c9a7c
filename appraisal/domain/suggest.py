"""'Did you mean …?': the closest known word to one that is not known.

One helper and one cutoff for every message that suggests a word: a column, kind,
flag or clause in an input, an employee id, a name in a policy expression, a column
of an attendance export.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["CUTOFF", "closest"]

# difflib's similarity ratio at or above which a known word is offered. A slip of one
# character in a two-character Chinese word (迟道 for 迟到) scores exactly 0.5.
CUTOFF = 0.5


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known word most like ``word``, or None when none is close enough.

    Ties go to the word that sorts first, so the suggestion never depends on the
    order the choices came in.
    """
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=CUTOFF)
    return match[0] if match else None
