"""What a person reads, in their language: Chinese first, English on request.

One message catalogue (gettext; Babel extracts and compiles it, `make messages`): the
code's messages are English msgids, and `appraisal/i18n/locale/zh/LC_MESSAGES/appraisal.po`
gives each its Chinese. The language is `zh` unless ``--lang en`` or the environment
variable ``APPRAISAL_LANG`` says otherwise (`set_language`, `language`).

Only what people read is translated, never what is sealed: the results JSON keeps the
English texts it has always had, so a month replays identically whatever the language.
JSON keys and command-line flags are the interface and stay English. Those sealed
English texts are worded in the reader's language where they are shown: `sealed_text`
(`appraisal.i18n.sealed`).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

__all__ = ["LANGUAGES", "N_", "_", "in_language", "language", "set_language", "speaking"]

LANGUAGES = ("zh", "en")
DOMAIN = "appraisal"
LOCALE_DIR = Path(__file__).parent / "locale"
ENVIRONMENT = "APPRAISAL_LANG"

_chosen: list[str] = []  # set_language's choice, which outranks the environment
# One request's language on the web page (`speaking`), which outranks both: each request
# of the server runs in its own context, so one user's English is not another's.
_spoken: ContextVar[str | None] = ContextVar("appraisal_language", default=None)


def language() -> str:
    """The language of this process: ``set_language``'s, else ``APPRAISAL_LANG``'s, else zh.

    Only the part before ``_`` or ``.`` counts (``en_US.UTF-8`` is en); anything not
    known is zh."""
    spoken = _spoken.get()
    if spoken is not None:
        return spoken
    if _chosen:
        return _chosen[-1]
    wanted = os.environ.get(ENVIRONMENT, "").strip().lower().replace("-", "_")
    code = wanted.split("_")[0].split(".")[0]
    return code if code in LANGUAGES else "zh"


def set_language(lang: str | None) -> None:
    """Choose the language for the rest of the process (None: back to the environment's)."""
    _chosen.clear()
    if lang is not None:
        if lang not in LANGUAGES:
            message = _("language must be one of {languages}, got {lang}")
            raise ValueError(message.format(languages=", ".join(LANGUAGES), lang=repr(lang)))
        _chosen.append(lang)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """``lang`` (one of `LANGUAGES`, else zh) for the messages made inside the block, in
    this context only: the web server words each request in its user's language."""
    token = _spoken.set(lang if lang in LANGUAGES else "zh")
    try:
        yield
    finally:
        _spoken.reset(token)


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` (an English msgid of the catalogue) in the current language."""
    return _catalogue(language()).gettext(message)


def in_language(message: str, lang: str) -> str:
    """``message`` in ``lang`` whatever the current language: for what is always written
    in one language (the workbook and the payslips are Chinese, so that their bytes do
    not depend on ``--lang``)."""
    return _catalogue(lang).gettext(message)


def N_(message: str) -> str:
    """Marks a msgid to extract without translating it here (it is translated later)."""
    return message
