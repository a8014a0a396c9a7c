"""How a workbook words the texts a month sealed, by the release that sealed it.

The texts a month seals (trace effects, laws, conflicts, review items, level-change
reasons) are English in the ledger, whatever the language, so that the month replays
identically. From release 0.2.0 the workbook and the payslips show them in Chinese
(`appraisal.i18n.sealed.sealed_text`), under Chinese labels. A month sealed by an earlier
release is shown as that release showed it: its texts as sealed, under its bilingual
labels, deflated as that release deflated it (zlib's default level; from 0.2.0 the level
is `appraisal.files.xlsx.COMPRESS_LEVEL`). So the workbook HR paid from, and `appraisal
export` of that month, stay byte for byte the file that release wrote, and `replay
--workbook` verifies it.

`wording_of(engine_version)` sets the wording for a block (the writer of one workbook or
one month's payslips); `shown` and `label` read it. A context variable, not a global: a
block's wording ends with it, in whatever thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from appraisal.domain.version import release
from appraisal.i18n.sealed import sealed_text

__all__ = ["WORDED_FROM", "compress_level", "label", "shown", "wording_of"]

#: The first release whose workbooks word sealed texts in Chinese.
WORDED_FROM = (0, 2, 0)
ZLIB_DEFAULT_LEVEL = 6  # what a zip entry was deflated at before 0.2.0 set a level
LANGUAGE = "zh"  # a workbook's and a payslip's, whatever --lang says: their bytes are replayed

_as_sealed: ContextVar[bool] = ContextVar("as_sealed", default=False)


@contextmanager
def wording_of(engine_version: str) -> Iterator[None]:
    """Word the block's sealed texts as the release ``engine_version`` did."""
    token = _as_sealed.set(release(engine_version) < WORDED_FROM)
    try:
        yield
    finally:
        _as_sealed.reset(token)


def shown(text: str) -> str:
    """A sealed text as the workbook shows it: in Chinese, or as sealed (before 0.2.0)."""
    return text if _as_sealed.get() else sealed_text(text, LANGUAGE)


def label(now: str, before: str) -> str:
    """A label of the workbook: ``now``, or ``before`` for a month sealed before 0.2.0."""
    return before if _as_sealed.get() else now


def compress_level(engine_version: str) -> int | None:
    """The deflate level of a workbook of a month the release ``engine_version`` sealed:
    zlib's default before 0.2.0, None (the writer's own level) from then on."""
    return ZLIB_DEFAULT_LEVEL if release(engine_version) < WORDED_FROM else None
