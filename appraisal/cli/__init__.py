"""The `appraisal` command line (interface.md): run, replay, check-policy, template, explain,
import.

The outer edge of the pipeline, and only that: it maps arguments onto
`appraisal.pipeline` and `appraisal.commands`, prints what they return, and maps the
one exception family (`AppraisalError`) and its issues onto exit statuses: 0 success,
1 input, policy, ledger or replay problems, 2 usage errors (141 when the reader of the
output went away, as after ``| head``). Every problem is printed as
``file:row:column: message``, all of them at once.

A command that takes a while shows its stages on stderr when stderr is a terminal
(`appraisal.cli.progress`); ``--quiet``, before or after the command's name, turns
that off. Each handler gets the progress as ``args.progress`` and ends it (``with``)
before it prints. A new command is a `_parser` entry made with ``command(...)``, so it
takes ``--quiet`` too, and a handler ``(args, out, err) -> exit status``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import TextIO

from appraisal.cli import (
    audit,
    drafts,
    ledger_cmd,
    lifecycle,
    payslips,
    run,
    serve,
    tools,
    users,
)
from appraisal.cli.common import EXIT_PROBLEMS
from appraisal.cli.help import TranslatedHelp, translate_argparse
from appraisal.cli.progress import progress_for
from appraisal.domain.errors import AppraisalError
from appraisal.domain.version import __version__
from appraisal.i18n import LANGUAGES, N_, set_language
from appraisal.ledger.backend import shown
from appraisal.problems import problem_messages

__all__ = ["main"]

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as the shell reports a reader that went away
# A month is hundreds of thousands of records that live until the command ends; at
# CPython's default threshold (700 new objects) the cycle collector walks them again
# thousands of times, about a sixth of a 10,000-employee `run`. A command is one short
# process, so it collects rarely; results never depend on when it collects.
GC_THRESHOLDS = (50_000, 20, 100)
LANG_HELP = N_("zh (default) or en; the environment variable APPRAISAL_LANG says it too")
QUIET_HELP = N_("show no progress on stderr (shown only on a terminal, after about 2 s)")


def main(argv: Sequence[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    arguments = sys.argv[1:] if argv is None else list(argv)
    # The language first: the help and every message are built in it.
    set_language(_language_asked(arguments))
    parser = _parser()
    args = parser.parse_args(arguments)
    args.progress = progress_for(sys.stderr, quiet=args.quiet)
    args.process_ends = argv is None  # the `appraisal` command, not a caller in Python
    try:
        status = int(args.handler(args, sys.stdout, sys.stderr))
        sys.stdout.flush()  # a reader that went away is found here, not at exit
        return status
    except AppraisalError as error:
        _report(error, args, sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        # `appraisal explain … | head`: the reader stopped reading; end quietly, as a
        # program killed by SIGPIPE does, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130


def _report(error: AppraisalError, args: argparse.Namespace, err: TextIO) -> None:
    """What went wrong, as the user reads it (`appraisal.problems`): every issue of the
    error, then a count; or the ledger's refusal, saying what to do."""
    ledger = getattr(args, "ledger", None)  # `ledger copy` names two
    where = shown(ledger) if ledger is not None else ""
    month = str(getattr(args, "month", ""))
    then = getattr(args, "then", ".")
    for line in problem_messages(error, ledger=where, month=month, then=then):
        print(line, file=err)


def _parser() -> argparse.ArgumentParser:
    translate_argparse()
    parser = argparse.ArgumentParser(
        prog="appraisal",
        formatter_class=TranslatedHelp,
        description="Performance appraisal (客服绩效考核) from declarative policies, sealed in a ledger.",
    )
    parser.add_argument("--version", action="version", version=f"appraisal {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Every command takes --quiet after its name too; given there, it does not reset the
    # global one (SUPPRESS: the attribute is set only when the option is given).
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP
    )
    quiet.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)
    command = partial(commands.add_parser, parents=[quiet], formatter_class=TranslatedHelp)

    for module in (run, audit, payslips, drafts, lifecycle, tools, ledger_cmd, serve, users):
        module.register(command)
    return parser


def _language_asked(arguments: Sequence[str]) -> str | None:
    """``--lang`` wherever it is given (the last one counts), else None: the environment's."""
    asked = argparse.ArgumentParser(add_help=False)
    asked.add_argument("--lang", choices=LANGUAGES)
    try:
        known, _rest = asked.parse_known_args([a for a in arguments if a != "--"])
    except SystemExit:  # a wrong --lang: the full parser says so, in the default language
        return None
    return known.lang  # type: ignore[no-any-return]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
