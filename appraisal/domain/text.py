"""How text shows on a screen or in a cell, and how it leaves the program safely.

Every stage may use these; the rules for text that leaves the program live here, once:

- **A terminal** (`terminal_safe`). A name or a note is input, and input may hold control
  characters: ESC starts a sequence that clears the screen or retitles the window, BEL
  rings, a bidi override (U+202E) prints the rest of a line backwards. Every line the
  program prints with such text in it goes through `terminal_safe`, which shows C0 and
  C1 controls, DEL, the bidi embeddings, overrides and isolates, and the Unicode line and
  paragraph separators as escapes (``\\x1b``, ``\\x07``, ``\\u202e``; tab, newline and
  carriage return as ``\\t``, ``\\n``, ``\\r``). Every other character, Chinese names
  included, prints as it is, so ordinary text is unchanged.
- **A CSV cell** (`csv_cell`, and `from_csv_cell` for reading back). A spreadsheet that
  opens a CSV runs a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return as a formula: ``=HYPERLINK(…)`` or ``+cmd|' /C calc'!A0``. As OWASP's
  "CSV Injection" guidance says, such a cell is written with a single quote in front
  (``'=HYPERLINK(…)``), which every spreadsheet shows as text. A plain number (``-5``,
  ``-0.5``, ``+3``) is left alone: a spreadsheet reads it as that number and nothing
  else, and OWASP allows it. Any other cell whose text begins with quotes before such a
  character (``'=X``) gets one more quote too, so that reading back is exact:
  `from_csv_cell`, which the CSV reader applies to every cell, takes one quote off a
  cell that begins with quotes and then one of those characters, and only such a cell.
  So ``from_csv_cell(csv_cell(text)) == text`` for every text, and the events file
  `appraisal import` writes reads back through `appraisal run` as what was imported.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["CSV_FORMULA_START", "csv_cell", "display_width", "from_csv_cell", "terminal_safe"]

# OWASP's list: a cell beginning with one of these is a formula to a spreadsheet.
CSV_FORMULA_START = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)

# C0 controls, DEL and C1 controls; the bidi embeddings and overrides (U+202A–U+202E)
# and isolates (U+2066–U+2069); the line and paragraph separators, which some
# terminals and editors break lines at.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


@lru_cache(maxsize=8192)
def display_width(text: str) -> int:
    """Columns a text takes on screen: a Chinese character is as wide as two letters."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def terminal_safe(text: str) -> str:
    """``text`` with every control, bidi and line-separator character shown as an escape
    (``\\x1b[2J`` for ESC [2J); other text, Chinese included, as it is."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def csv_cell(text: str) -> str:
    """A cell as a CSV file of ours writes it: ``'`` before a formula's first character,
    never before a plain number (the rule in this module's docstring)."""
    if _NEEDS_QUOTE.match(text) is None or _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def from_csv_cell(text: str) -> str:
    """A CSV cell as read: the quote `csv_cell` added taken off again, and nothing else."""
    if text[:1] == "'" and _QUOTED.match(text):
        return text[1:]
    return text
