"""The message catalogue: one, built from its parts, with Chinese for every message."""

from __future__ import annotations

import pytest

from appraisal.i18n import _, language, set_language
from appraisal.i18n.catalogue import main as catalogue


def test_the_catalogue_is_built_from_its_parts_and_translates_every_marked_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = catalogue(["--check"])
    assert capsys.readouterr().err == ""
    assert status == 0


def test_chinese_is_the_default_and_english_is_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = "language must be one of {languages}, got {lang}"
    monkeypatch.delenv("APPRAISAL_LANG")
    assert language() == "zh"
    assert _(message) == "语言须为 {languages} 之一，得到 {lang}"
    monkeypatch.setenv("APPRAISAL_LANG", "en_US.UTF-8")
    assert language() == "en"
    assert _(message) == message
    set_language("zh")  # --lang outranks the environment
    assert language() == "zh"
    monkeypatch.setenv("APPRAISAL_LANG", "fr")
    set_language(None)
    assert language() == "zh"  # a language we do not have: Chinese


def test_an_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'fr'"):
        set_language("fr")
