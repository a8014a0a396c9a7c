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
from pathlib import Path
from typing import TextIO

from appraisal.cli import handlers, payslips
from appraisal.cli.handlers import EXIT_PROBLEMS
from appraisal.cli.progress import progress_for
from appraisal.domain.errors import AppraisalError, BadFile, InputError, WriteFailed
from appraisal.domain.model import Issue, Month
from appraisal.domain.text import terminal_safe
from appraisal.domain.version import __version__
from appraisal.ledger.errors import AlreadySealed, NothingToAmend
from appraisal.read.imports.catalog import shipped_profiles

__all__ = ["main"]

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as the shell reports a reader that went away
# A month is hundreds of thousands of records that live until the command ends; at
# CPython's default threshold (700 new objects) the cycle collector walks them again
# thousands of times, about a sixth of a 10,000-employee `run`. A command is one short
# process, so it collects rarely; results never depend on when it collects.
GC_THRESHOLDS = (50_000, 20, 100)
QUIET_HELP = "show no progress on stderr (shown only on a terminal, after about 2 s)"
DEDUCTIONS_HELP = (
    "扣款 .csv 或 .xlsx，每人一行：工号、社保个人、公积金个人、个税、其他扣款，得出实发工资 "
    "(deductions, one row per employee, for the net pay; sealed with the month)"
)
# How a list of problems ends, by what the command would have done.
WRITTEN_OR_SEALED = "; nothing was written or sealed."
WRITTEN = "; nothing was written."


def main(argv: Sequence[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    parser = _parser()
    args = parser.parse_args(argv)
    args.progress = progress_for(sys.stderr, quiet=args.quiet)
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
    """What went wrong, as the user reads it; every issue of the error, then a count.

    Text from the user's files and arguments is shown with its control characters
    escaped (`terminal_safe`), so a name can never clear or retitle the terminal.
    """
    if isinstance(error, InputError | BadFile):
        _print_issues(error.issues, err, f"in the {error.what}", then=args.then)
        return
    if isinstance(error, AlreadySealed):
        message = (
            f"{args.ledger}: {args.month} is already sealed (version {error.current.version}) "
            "with other inputs, policy or carried state; nothing was changed. "
            'To replace it, run again with --amend "REASON".'
        )
    elif isinstance(error, NothingToAmend):
        message = f"{args.ledger}: {args.month} is not sealed yet; run it without --amend."
    elif isinstance(error, WriteFailed):
        message = str(error)
    else:  # the ledger's other refusals
        message = f"{args.ledger}: {error}"
    print(terminal_safe(message), file=err)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appraisal",
        description="Performance appraisal (客服绩效考核) from declarative policies, sealed in a ledger.",
    )
    parser.add_argument("--version", action="version", version=f"appraisal {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Every command takes --quiet after its name too; given there, it does not reset the
    # global one (SUPPRESS: the attribute is set only when the option is given).
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP
    )
    command = partial(commands.add_parser, parents=[quiet])

    run = command("run", help="evaluate a month and seal it in the ledger")
    run.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    run.add_argument("--roster", required=True, type=Path, help="roster .csv or .xlsx")
    run.add_argument(
        "--events",
        required=True,
        type=Path,
        action="append",
        help="events .csv or .xlsx (repeatable)",
    )
    run.add_argument(
        "--policy", type=Path, help="policy file (default: the shipped customer-service policy)"
    )
    run.add_argument("--deductions", type=Path, metavar="FILE", help=DEDUCTIONS_HELP)
    run.add_argument(
        "--ledger", type=Path, default=Path("appraisal.db"), help="ledger (default appraisal.db)"
    )
    run.add_argument("--out", type=Path, help="salary-adjustment workbook (.xlsx)")
    run.add_argument("--json", type=Path, dest="json_path", help="write the results as JSON")
    run.add_argument(
        "--amend", metavar="REASON", help="re-seal a sealed month with other inputs, recording why"
    )
    run.set_defaults(handler=handlers.run_command, then=WRITTEN_OR_SEALED)

    replay = command("replay", help="recompute a sealed month from the ledger and compare")
    replay.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    replay.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    replay.add_argument(
        "--workbook",
        type=Path,
        help="also check that this salary-adjustment workbook is the one the ledger gives",
    )
    replay.add_argument(
        "--payslip",
        type=Path,
        help="also check that this payslip (工资条) file is the one the ledger gives",
    )
    replay.add_argument("--employee", help="the employee_id (工号) whose payslip --payslip is")
    replay.add_argument(
        "--passwords", type=Path, help="employee_id,password file, for an encrypted payslip"
    )
    replay.set_defaults(handler=handlers.replay_command, then=WRITTEN_OR_SEALED)

    slips = command(
        "payslips", help="write each employee's payslip (工资条) of a sealed month, a file each"
    )
    slips.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    slips.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    slips.add_argument("--version", type=int, help="a sealed version (default: the current one)")
    slips.add_argument("--out", required=True, type=Path, help="the folder to write them into")
    slips.add_argument(
        "--format", choices=("pdf", "xlsx"), default="pdf", help="pdf (default) or xlsx"
    )
    slips.add_argument(
        "--passwords", type=Path, help="employee_id,password file: encrypt each PDF with its own"
    )
    slips.set_defaults(handler=payslips.payslips_command, then=WRITTEN)

    template = command(
        "template", help="write the managers' input workbook (考勤/考评) for a month"
    )
    template.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    template.add_argument("--roster", required=True, type=Path, help="roster .csv or .xlsx")
    template.add_argument("--out", required=True, type=Path, help="the workbook to write (.xlsx)")
    template.add_argument("--policy", type=Path, help="policy file (default: the shipped one)")
    template.set_defaults(handler=handlers.template_command, then=WRITTEN)

    reissue = command(
        "reissue",
        help="write a sealed month's results JSON or workbook again, from the ledger alone",
    )
    reissue.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    reissue.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    reissue.add_argument("--out", type=Path, help="salary-adjustment workbook (.xlsx)")
    reissue.add_argument("--json", type=Path, dest="json_path", help="the results as JSON")
    reissue.set_defaults(handler=handlers.reissue_command, then=WRITTEN)

    explain = command(
        "explain", help="print one employee's statement of a sealed month: every point and yuan"
    )
    explain.add_argument("employee", help="employee_id (工号)")
    explain.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    explain.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    explain.add_argument("--lang", choices=("zh", "en"), default="zh", help="zh (default) or en")
    explain.set_defaults(handler=handlers.explain_command, then=WRITTEN_OR_SEALED)

    convert = command(
        "import",
        help="convert an attendance export (DingTalk, ZKTeco) to an events file to review",
    )
    convert.add_argument("file", type=Path, help="the export (.xlsx)")
    convert.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    convert.add_argument(
        "-o", "--out", required=True, type=Path, help="the events file to write (.csv)"
    )
    convert.add_argument(
        "--profile",
        help=f"an import profile id ({', '.join(p.id for p in shipped_profiles())}) or a "
        "profile .yaml; default: recognise the export",
    )
    convert.add_argument(
        "--roster",
        type=Path,
        help="match people to this roster by 工号/UserId or an unambiguous name "
        "(default: take the export's 工号 as written)",
    )
    convert.add_argument(
        "--policy", type=Path, help="policy whose hours per day turn hours into days"
    )
    convert.set_defaults(handler=handlers.import_command, then=WRITTEN)

    check = command("check-policy", help="check a policy file and print what it says")
    check.add_argument("file", type=Path)
    check.add_argument("--month", type=_month, help="show the values in force for this month")
    check.add_argument(
        "--ledger",
        type=Path,
        help="also warn of a version this ledger sealed with another text, and of clause "
        "texts unchanged since the text it sealed last",
    )
    check.set_defaults(handler=handlers.check_policy_command, then=".")

    schema = command(
        "policy-schema",
        help="print the JSON Schema of policy files, for an editor that checks and completes",
    )
    schema.set_defaults(handler=handlers.policy_schema_command, then=".")
    return parser


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _print_issues(issues: Sequence[Issue], err: TextIO, what: str, then: str) -> None:
    for issue in issues:
        print(issue, file=err)
    noun = "problem" if len(issues) == 1 else "problems"
    print(f"{len(issues)} {noun} {what}{then}", file=err)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
