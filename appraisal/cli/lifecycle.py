"""`appraisal reseal` and `appraisal what-if`: months sealed again on an amended state,
and a draft policy tried on sealed months (issue 10)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from appraisal.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    WRITTEN,
    WRITTEN_OR_SEALED,
    AddCommand,
    ledger_file,
    month_argument,
    usage_problems,
)
from appraisal.domain.errors import WriteFailed
from appraisal.domain.text import terminal_safe
from appraisal.files.clash import Output, Read
from appraisal.files.output import write_atomic
from appraisal.i18n import N_, _
from appraisal.ledger.backend import ledger_argument

if TYPE_CHECKING:
    from payroll_export.changes_model import ChangeReport

__all__ = ["register"]

LEDGER_HELP = "ledger (default appraisal.db)"
OUT_HELP = "the changes as a workbook (.xlsx): a summary sheet and a sheet per month"
JSON_HELP = "the changes as JSON"


def register(command: AddCommand) -> None:
    reseal = command(
        "reseal",
        help="seal again, in order, every month after M that stands on a superseded state "
        "(after an amendment of M), and print the back pay or clawback each change makes",
    )
    reseal.add_argument(
        "--after", required=True, type=month_argument, metavar="M", help="the amended month YYYY-MM"
    )
    reseal.add_argument("--by", metavar="NAME", help="who re-seals (default: the OS user)")
    reseal.add_argument(
        "--ledger", type=ledger_argument, default=Path("appraisal.db"), help=LEDGER_HELP
    )
    reseal.add_argument("--out", type=Path, help=OUT_HELP)
    reseal.add_argument("--json", type=Path, dest="json_path", help=JSON_HELP)
    reseal.set_defaults(handler=reseal_command, then=WRITTEN_OR_SEALED, month=None)

    trial = command(
        "what-if",
        help="evaluate the stored inputs of sealed months under a draft policy and print what "
        "would change; seals nothing",
    )
    trial.add_argument("--policy", required=True, type=Path, help="the draft policy (.yaml)")
    trial.add_argument(
        "--from", required=True, type=month_argument, dest="first", metavar="M1", help="YYYY-MM"
    )
    trial.add_argument(
        "--to", required=True, type=month_argument, dest="last", metavar="M2", help="YYYY-MM"
    )
    trial.add_argument(
        "--as-of",
        type=month_argument,
        metavar="YYYY-MM",
        help="evaluate every month under the values the draft has in force in this month "
        "(to try an amendment on months before it takes effect)",
    )
    trial.add_argument(
        "--ledger", type=ledger_argument, default=Path("appraisal.db"), help=LEDGER_HELP
    )
    trial.add_argument("--out", type=Path, help=OUT_HELP)
    trial.add_argument("--json", type=Path, dest="json_path", help=JSON_HELP)
    trial.set_defaults(handler=what_if_command, then=WRITTEN, month=None)


def reseal_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.i18n.sealed import sealed_text
    from appraisal.lifecycle import reseal_after

    outputs = [
        Output("--ledger", ledger_file(args.ledger)),
        Output("--out", args.out, ".xlsx"),
        Output("--json", args.json_path),
    ]
    if usage_problems(err, outputs, []):
        return EXIT_USAGE
    with args.progress as progress:
        done = reseal_after(args.after, args.ledger, sealed_by=args.by, progress=progress)
    if not done.resealed:
        nothing = _(
            "Nothing to re-seal: no month after {after} in {ledger} stands on a "
            "superseded state; nothing was sealed or written."
        )
        print(nothing.format(after=args.after, ledger=args.ledger), file=out)
        return EXIT_OK
    resealed = _(
        'Re-sealed {count} month(s) after {after} in {ledger}, each as an amendment: "{reason}"'
    )
    counts = {"count": len(done.resealed), "after": args.after, "ledger": args.ledger}
    print(resealed.format(reason=sealed_text(done.reason or ""), **counts), file=out)
    each = _(
        "  {month}: version {version} supersedes version {before}, which is kept "
        "(record hash {hash})"
    )
    for one in done.resealed:
        after, before = one.after, one.before
        said = each.format(
            month=after.month, version=after.version, before=before.version, hash=after.record_hash
        )
        print(said, file=out)
    _print_report(done.report, out)
    sealed = ", ".join(one.after.month for one in done.resealed)
    _write(args, done.report, out, sealed=sealed)
    return EXIT_OK


def what_if_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.lifecycle import what_if
    from appraisal.policy.loaded import as_of, load_policy

    if str(args.first) > str(args.last):
        wrong = _("what-if: --from {first} is after --to {last}")
        print(wrong.format(first=args.first, last=args.last), file=err)
        return EXIT_USAGE
    outputs = [Output("--out", args.out, ".xlsx"), Output("--json", args.json_path)]
    reads = [Read("--ledger", ledger_file(args.ledger)), Read("--policy", args.policy)]
    if usage_problems(err, outputs, reads):
        return EXIT_USAGE
    with args.progress as progress:
        progress.stage("reading the policy")
        policy = load_policy(args.policy)  # its problems, as check-policy reports them
        if args.as_of is not None:
            policy = as_of(policy, args.as_of)
        trial = what_if(policy, args.first, args.last, args.ledger, progress)
    heading = _(
        "What-if: {first}..{last} of {ledger} under the draft policy "
        "{policy} {version} ({path}); nothing was sealed."
    )
    where = {"first": args.first, "last": args.last, "ledger": args.ledger, "path": args.policy}
    print(heading.format(policy=policy.id, version=policy.version, **where), file=out)
    if args.as_of is not None:
        said = _("Every month evaluated under the values the draft has in force in {month}.")
        print(said.format(month=args.as_of), file=out)
    _print_report(trial.report, out)
    _write(args, trial.report, out, sealed=None)
    return EXIT_OK


def _print_report(report: ChangeReport, out: TextIO) -> None:
    from appraisal.export.changes import change_lines

    for note in report.notes:
        print(terminal_safe(_("note: {note}").format(note=note)), file=out)
    for line in change_lines(report):
        print(terminal_safe(line), file=out)


def _write(args: argparse.Namespace, report: ChangeReport, out: TextIO, sealed: str | None) -> None:
    from appraisal.export.changes import changes_json_bytes, changes_workbook_bytes

    files: list[tuple[Path | None, Callable[[ChangeReport], bytes], str]] = [
        (args.json_path, changes_json_bytes, N_("Changes written to {path}")),
        (args.out, changes_workbook_bytes, N_("Changes workbook (变动明细) written to {path}")),
    ]
    for path, make, said in files:
        if path is None:
            continue
        try:
            write_atomic(path, make(report))
        except OSError as error:
            raise WriteFailed(str(path), error.strerror or str(error), sealed=sealed) from error
        print(_(said).format(path=path), file=out)
