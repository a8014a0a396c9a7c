"""The `appraisal` command line (interface.md): run, replay, check-policy, template, explain,
import.

The outer edge of the pipeline, and only that: it maps arguments onto
`appraisal.pipeline` and `appraisal.commands`, prints what they return, and maps the
one exception family (`AppraisalError`) and its issues onto exit statuses: 0 success,
1 input, policy, ledger or replay problems, 2 usage errors (141 when the reader of the
output went away, as after ``| head``). Every problem is printed as
``file:row:column: message``, all of them at once.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from appraisal.commands import (
    check_workbook,
    import_attendance,
    input_form,
    sealed_statement,
)
from appraisal.domain.errors import AppraisalError, BadFile, InputError, WriteFailed
from appraisal.domain.model import Issue, Month
from appraisal.domain.version import __version__
from appraisal.export.statement import UnknownEmployee
from appraisal.export.summary import summary_lines
from appraisal.files.clash import Output, Read, output_problems
from appraisal.files.output import write_atomic
from appraisal.ledger.errors import AlreadySealed, NothingToAmend
from appraisal.pipeline import Run, RunRequest, replay_month, run
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import load_policy
from appraisal.read.imports.catalog import shipped_profiles
from appraisal.read.imports.records import ReviewItem

__all__ = ["main"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as the shell reports a reader that went away
# A month is hundreds of thousands of records that live until the command ends; at
# CPython's default threshold (700 new objects) the cycle collector walks them again
# thousands of times, about a sixth of a 10,000-employee `run`. A command is one short
# process, so it collects rarely; results never depend on when it collects.
GC_THRESHOLDS = (50_000, 20, 100)
# How a list of problems ends, by what the command would have done.
WRITTEN_OR_SEALED = "; nothing was written or sealed."
WRITTEN = "; nothing was written."


def main(argv: Sequence[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    parser = _parser()
    args = parser.parse_args(argv)
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
    """What went wrong, as the user reads it; every issue of the error, then a count."""
    if isinstance(error, InputError | BadFile):
        _print_issues(error.issues, err, f"in the {error.what}", then=args.then)
    elif isinstance(error, AlreadySealed):
        print(
            f"{args.ledger}: {args.month} is already sealed (version {error.current.version}) "
            "with other inputs, policy or carried state; nothing was changed. "
            'To replace it, run again with --amend "REASON".',
            file=err,
        )
    elif isinstance(error, WriteFailed):
        print(error, file=err)
    elif isinstance(error, NothingToAmend):
        print(f"{args.ledger}: {args.month} is not sealed yet; run it without --amend.", file=err)
    else:  # the ledger's other refusals
        print(f"{args.ledger}: {error}", file=err)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appraisal",
        description="Performance appraisal (客服绩效考核) from declarative policies, sealed in a ledger.",
    )
    parser.add_argument("--version", action="version", version=f"appraisal {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="evaluate a month and seal it in the ledger")
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
    run.add_argument(
        "--ledger", type=Path, default=Path("appraisal.db"), help="ledger (default appraisal.db)"
    )
    run.add_argument("--out", type=Path, help="salary-adjustment workbook (.xlsx)")
    run.add_argument("--json", type=Path, dest="json_path", help="write the results as JSON")
    run.add_argument(
        "--amend", metavar="REASON", help="re-seal a sealed month with other inputs, recording why"
    )
    run.set_defaults(handler=_run, then=WRITTEN_OR_SEALED)

    replay = commands.add_parser(
        "replay", help="recompute a sealed month from the ledger and compare"
    )
    replay.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    replay.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    replay.add_argument(
        "--workbook",
        type=Path,
        help="also check that this salary-adjustment workbook is the one the ledger gives",
    )
    replay.set_defaults(handler=_replay, then=WRITTEN_OR_SEALED)

    template = commands.add_parser(
        "template", help="write the managers' input workbook (考勤/考评) for a month"
    )
    template.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    template.add_argument("--roster", required=True, type=Path, help="roster .csv or .xlsx")
    template.add_argument("--out", required=True, type=Path, help="the workbook to write (.xlsx)")
    template.add_argument("--policy", type=Path, help="policy file (default: the shipped one)")
    template.set_defaults(handler=_template, then=WRITTEN)

    explain = commands.add_parser(
        "explain", help="print one employee's statement of a sealed month: every point and yuan"
    )
    explain.add_argument("employee", help="employee_id (工号)")
    explain.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    explain.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    explain.add_argument("--lang", choices=("zh", "en"), default="zh", help="zh (default) or en")
    explain.set_defaults(handler=_explain, then=WRITTEN_OR_SEALED)

    convert = commands.add_parser(
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
    convert.set_defaults(handler=_import, then=WRITTEN)

    check = commands.add_parser("check-policy", help="check a policy file and print what it says")
    check.add_argument("file", type=Path)
    check.add_argument("--month", type=_month, help="show the values in force for this month")
    check.set_defaults(handler=_check_policy, then=".")
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


def _usage_problems(err: TextIO, outputs: Sequence[Output], reads: Sequence[Read]) -> bool:
    """Checked before any work, so a typo in a path never costs a sealed month or an input."""
    problems = output_problems(outputs, reads)
    for problem in problems:
        print(problem, file=err)
    return bool(problems)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    outputs = [
        Output("--ledger", args.ledger),
        Output("--out", args.out, ".xlsx"),
        Output("--json", args.json_path),
    ]
    reads = [
        Read("--roster", args.roster),
        *(Read("--events", path) for path in args.events),
        Read("--policy", args.policy),
    ]
    if _usage_problems(err, outputs, reads):
        return EXIT_USAGE
    request = RunRequest(
        month=args.month,
        roster=args.roster,
        events=tuple(args.events),
        ledger=args.ledger,
        policy=args.policy,
        amend=args.amend,
        json_path=args.json_path,
        workbook_path=args.out,
    )
    _print_run(run(request), args, out)
    return EXIT_OK


def _print_run(done: Run, args: argparse.Namespace, out: TextIO) -> None:
    outcome, record = done.outcome, done.outcome.record
    for line in summary_lines(outcome.results, demotion_line(done.policy)):
        print(line, file=out)
    if outcome.status == "unchanged":
        print(
            f"Already sealed with these inputs (version {record.version}); nothing new stored.",
            file=out,
        )
    elif outcome.status == "amended":
        print(
            f"Amended: version {record.version} supersedes the earlier one, which is kept.",
            file=out,
        )
    else:
        print(f"Sealed {record.month} in {args.ledger} (record {record.seq}).", file=out)
    print(f"Record hash {record.record_hash}", file=out)
    if outcome.stale_months:
        print(
            f"Later months were sealed on the superseded state and must be re-sealed with --amend: "
            f"{', '.join(outcome.stale_months)}",
            file=out,
        )
    _print_review(done.review, out)
    if args.json_path is not None:
        print(f"Results written to {args.json_path}", file=out)
    if args.out is not None:
        print(f"Salary-adjustment workbook (工资调整表) written to {args.out}", file=out)


def _print_review(review: Sequence[ReviewItem], out: TextIO) -> None:
    if review:
        print(
            f"To review (待复核), from the attendance export, not applied: {len(review)}", file=out
        )
        for item in review:
            print(f"  {item}", file=out)


def _replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    outcome = replay_month(args.month, args.ledger)
    if outcome.differences:
        for line in outcome.differences:
            print(line, file=err)
        print(f"Replay of {args.month}: {len(outcome.differences)} difference(s).", file=err)
        return EXIT_PROBLEMS
    record = outcome.record
    assert record is not None
    people = len(record.results.get("employees", []))
    print(
        f"Replay of {args.month} (version {record.version}, {people} employees): identical to the sealed results.",
        file=out,
    )
    print(
        f"Policy {record.policy_id} {record.policy_version} sha256 {record.policy_sha256}", file=out
    )
    print(f"Record hash {record.record_hash}; ledger chain intact.", file=out)
    if args.workbook is None:
        return EXIT_OK
    path = args.workbook
    try:
        found = path.read_bytes()
    except OSError as error:
        print(f"{path}: cannot read the workbook: {error.strerror}", file=err)
        return EXIT_PROBLEMS
    checked = check_workbook(found, record, outcome.policy)
    if checked.differences:
        for line in checked.differences:
            print(f"{path}: {line}", file=err)
        print(f"{path} is not the workbook of {record.month} version {record.version}.", file=err)
        return EXIT_PROBLEMS
    if checked.identical:
        print(f"{path}: byte-identical to the workbook of the sealed month.", file=out)
    else:
        print(
            f"{path}: every part identical to the workbook of the sealed month "
            "(only the zip compression differs, as with another zlib version).",
            file=out,
        )
    return EXIT_OK


def _template(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    reads = [Read("--roster", args.roster), Read("--policy", args.policy)]
    if _usage_problems(err, [Output("--out", args.out, ".xlsx")], reads):
        return EXIT_USAGE
    data, people = input_form(args.month, args.roster, args.policy)
    try:
        write_atomic(args.out, data)
    except OSError as error:
        raise WriteFailed(str(args.out), error.strerror or str(error)) from error
    print(
        f"Input workbook for {args.month} ({people} employees) written to {args.out}; "
        f"fill it in, then: appraisal run --month {args.month} --roster {args.roster} "
        f"--events {args.out}",
        file=out,
    )
    return EXIT_OK


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        text = sealed_statement(args.ledger, args.month, args.employee, args.lang)
    except UnknownEmployee as error:
        print(f"{args.ledger}: {args.month}: {error}", file=err)
        return EXIT_PROBLEMS
    print(text, file=out)
    return EXIT_OK


def _import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    review = args.out.with_suffix(".review.csv")  # as write_events_csv names it
    outputs = [Output("-o", args.out, ".csv"), Output("-o (its review list)", review)]
    profile = Path(args.profile) if args.profile and args.profile.endswith(".yaml") else None
    reads = [
        Read("the export", args.file),
        Read("--roster", args.roster),
        Read("--policy", args.policy),
        Read("--profile", profile),
    ]
    if _usage_problems(err, outputs, reads):
        return EXIT_USAGE
    written = import_attendance(
        args.file,
        args.month,
        args.out,
        policy_path=args.policy,
        profile=args.profile,
        roster_path=args.roster,
    )
    imported = written.imported
    print(
        f"{args.file}: {imported.profile} — {len(imported.table.rows)} events written to "
        f"{args.out}; {len(imported.review)} items to review written to {written.review_path}",
        file=out,
    )
    _print_review(imported.review, out)
    return EXIT_OK


def _check_policy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    policy = load_policy(args.file)
    print(f"{args.file}: OK — {policy.id} version {policy.version}", file=out)
    print(f"sha256 {policy.sha256} ({', '.join(sorted(policy.texts))})", file=out)
    dates = [d for d in policy.source.effective_dates() if d.year > 1]
    if dates:
        print(f"values change on: {', '.join(d.isoformat() for d in dates)}", file=out)
    if args.month is not None:
        in_force = policy.in_force(args.month)
        doc = in_force.doc
        print(f"in force for {args.month}:", file=out)
        for level in in_force.levels.values():
            print(
                f"  {level.track:<10} {level.id:<18} {level.title}  base {level.base} + floating {level.floating}",
                file=out,
            )
        for tier_id, tier in doc.attendance.lateness.tiers.items():
            effect = (
                f"fine {tier.fine}, -{tier.points}"
                if tier.absence_days is None
                else "one day's absence"
            )
            print(f"  lateness {tier_id:<12} ≤ {tier.max_minutes or '∞'} min: {effect}", file=out)
        print(f"  criteria: {', '.join(doc.score.criteria)}", file=out)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
