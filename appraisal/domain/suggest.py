"""'Did you mean …?': the closest known word to one that is not known.

One helper and one cutoff for every message that suggests a word: a column, kind,
flag or clause in an input, an employee id, a name in a policy expression, a column
of an attendance export, a key of a policy or a profile. Two slips of a hand rather
than of spelling are here too: a date not written YYYY-MM-DD (`date_meant`), and
full-width punctuation typed with a Chinese input method (`full_width_slip`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import date

__all__ = ["CUTOFF", "FULL_WIDTH", "closest", "date_meant", "full_width_slip"]

# difflib's similarity ratio at or above which a known word is offered. A slip of one
# character in a two-character Chinese word (迟道 for 迟到) scores exactly 0.5.
CUTOFF = 0.5

#: Full-width punctuation a Chinese input method types, and what YAML expects instead.
FULL_WIDTH = {
    "：": ":",
    "，": ",",
    "－": "-",
    "＃": "#",
    "［": "[",
    "］": "]",
    "｛": "{",
    "｝": "}",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "　": " ",  # the ideographic space
}

# 2026-11-1, 2026/11/01, 2026.11.1, 2026年11月1日: what a date written by hand looks like.
_LOOSE_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known word most like ``word``, or None when none is close enough.

    Ties go to the word that sorts first, so the suggestion never depends on the
    order the choices came in.
    """
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=CUTOFF)
    return match[0] if match else None


def date_meant(text: str) -> str | None:
    """The date ``text`` looks meant to be, written YYYY-MM-DD ("2026-11-1" →
    "2026-11-01"); "" for what looks like a date but is none (2026-02-30); None for
    text that does not look like a date at all."""
    found = _LOOSE_DATE.fullmatch(text)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def full_width_slip(line: str) -> int | None:
    """Where in ``line`` (0-based) a full-width punctuation mark outside quotes and
    comments is: a full-width colon first, the likeliest slip, then any other."""
    quote, marks = "", []
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            break  # a comment may hold anything
        elif char in FULL_WIDTH:
            marks.append(index)
    colons = [index for index in marks if line[index] == "："]
    return (colons or marks)[0] if marks else None
