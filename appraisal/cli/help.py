"""The command line's help and argparse's own words, in the current language.

Every parser is made with `TranslatedHelp`, which looks each help text and description
up in the catalogue when the help is shown (so the modules that add commands write plain
English msgids), and `translate_argparse` lets argparse's own words ("usage:", "options",
"the following arguments are required: …") come from the same catalogue.
`tests/test_cli_help.py` walks every command's parser and checks each text has Chinese.
"""

from __future__ import annotations

import argparse

from appraisal.i18n import _

__all__ = ["TranslatedHelp", "translate_argparse"]


class TranslatedHelp(argparse.HelpFormatter):
    """Help texts and descriptions looked up in the catalogue as they are shown."""

    def _expand_help(self, action: argparse.Action) -> str:
        if action.help:
            action = _copy_with_help(action, _(action.help))
        return super()._expand_help(action)

    def _format_text(self, text: str) -> str:
        return super()._format_text(_(text) if text else text)


def _copy_with_help(action: argparse.Action, text: str) -> argparse.Action:
    copy = argparse.Action.__new__(type(action))
    copy.__dict__.update(action.__dict__)
    copy.help = text
    return copy


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _(singular if count == 1 else plural)


def translate_argparse() -> None:
    """argparse's own words from the catalogue: its module functions ``_`` and
    ``ngettext``, which it calls for every text it makes, are replaced by ours."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
