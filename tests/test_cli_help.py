"""Every command's --help in Chinese first, English on request (issue 12 item 1)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest
from english import english_prose

from appraisal.cli import _parser, main
from appraisal.i18n import set_language


def parsers(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield parser.prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from parsers(sub)


def every_help() -> Iterator[tuple[str, str]]:
    for prog, parser in parsers(_parser()):
        yield prog, parser.format_help()


def test_every_command_has_its_help_in_chinese() -> None:
    set_language("zh")
    seen = 0
    for prog, text in every_help():
        seen += 1
        assert "用法：" in text, prog
        # What a user types stays as it is: the program's name, the metavars (MONTH,
        # REASON: upper case) and the values (zh, en, pdf, xlsx, late:MIN …).
        metavars = {word for word in re.findall(r"[A-Z][A-Z_]+", text)}
        assert english_prose(text, allowed={*prog.split(), "pdf", "xlsx", *metavars}) == [], prog
    assert seen >= 20  # appraisal, its commands and draft's sub-commands


def test_english_on_request_is_the_english_help() -> None:
    set_language("en")
    text = dict(every_help())["appraisal run"]
    assert "usage: appraisal run" in text
    assert "evaluate and print as a run would" in text


@pytest.mark.parametrize(
    "where", [["--lang", "zh", "run", "--help"], ["run", "--lang", "zh", "--help"]]
)
def test_lang_before_or_after_the_command(
    where: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPRAISAL_LANG", "en")  # --lang outranks it
    with pytest.raises(SystemExit) as done:
        main(where)
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：appraisal run")
    assert "按 run 的方式计算并打印" in out  # --dry-run's help
