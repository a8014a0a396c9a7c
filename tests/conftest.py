"""The test session reads English unless a test asks for Chinese.

Most tests assert messages word for word; they were written against the English
catalogue (the msgids), so the session runs with ``APPRAISAL_LANG=en``, and the
subprocesses tests start inherit it. A test of the Chinese text sets ``zh`` itself
(``monkeypatch.setenv("APPRAISAL_LANG", "zh")`` or ``--lang zh``); every test ends
with the language back to the environment's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from appraisal.i18n import set_language

os.environ["APPRAISAL_LANG"] = "en"


@pytest.fixture(autouse=True)
def _language_of_the_environment() -> Iterator[None]:
    yield
    set_language(None)
