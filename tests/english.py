"""English prose in text meant to be Chinese: a helper for the tests of `--lang zh` output.

Prose is a run of two or more English words of three letters or more ("late 12 min:
fine" is; "迟到12分钟" and "12 min" are not). Ids, file names, flags and the like are no prose: a token joined
by ``_ . : / -`` (``score.criteria.1``, ``events.csv:9``, ``comp_time``, ``--lang``) is
one token, never a word, and the words of `ALLOWED` (units, field ids) are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ALLOWED", "english_prose"]

ALLOWED = frozenset(
    {
        # field ids of the results, as the statement shows them beside the Chinese
        "add", "total", "gross", "base", "floating", "fines", "overtime", "rewards",
        "awards", "allowances", "settlement",
        # the policy's ids and expressions (score < 140), and units
        "score", "CSAT", "percent", "PDF", "CSV", "xlsx", "JSON", "sha256",
    }
)  # fmt: skip
# A token: letters and digits joined by _ . : / - (an id), or a flag (--lang).
_TOKEN = re.compile(r"-{0,2}[A-Za-z0-9]+(?:[_.:/@-][A-Za-z0-9]+)*")


def english_prose(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Every run of two or more English words (3+ letters, not allowed) in ``text``.

    Numbers, ids, short words and ASCII punctuation between two words do not break a
    run ("late 12 min: fine" is one); Chinese text or a line end does."""
    allow = ALLOWED | set(allowed)
    runs: list[str] = []
    for line in text.splitlines():
        run: list[str] = []
        position = 0
        for found in _TOKEN.finditer(line):
            token = found[0]
            if not line[position : found.start()].isascii():
                _close(run, runs)
            position = found.end()
            if token.isalpha() and token.isascii() and len(token) >= 3 and token not in allow:
                run.append(token)
        _close(run, runs)
    return runs


def _close(run: list[str], runs: list[str]) -> None:
    if len(run) >= 2:
        runs.append(" ".join(run))
    run.clear()
