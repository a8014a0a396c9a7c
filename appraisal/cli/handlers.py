"""What each command does at the command line: check its paths, call the pipeline, print.

`appraisal.cli` maps the arguments here; these functions take the parsed arguments and
the two streams, return the exit status, and raise `AppraisalError` for `cli.main` to
report. The work runs inside ``with args.progress`` (stages on a terminal's stderr, or
nothing), which ends before anything is printed, so a display never mixes with output.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from appraisal.cli.payslips import check_payslip
from appraisal.commands import (
    WorkbookCheck,
    check_workbook,
    import_attendance,
    input_form,
    policy_warnings,
    sealed_statement,
)
from appraisal.domain.errors import InputError, WriteFailed
from appraisal.domain.money import text
from appraisal.domain.results import EmployeeResult
from appraisal.domain.text import terminal_safe
from appraisal.engine.roster import left
from appraisal.export.statement import UnknownEmployee
from appraisal.export.summary import summary_lines
from appraisal.files.clash import Output, Read, output_problems
from appraisal.files.input import read_input
from appraisal.files.output import write_atomic
from appraisal.pipeline import ReplayOutcome, Run, RunRequest, reissue, replay_month, run
from appraisal.policy.describe import policy_lines
from appraisal.policy.jsonschema import policy_schema_text
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import load_policy
from appraisal.read.imports.records import ReviewItem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _usage_problems(err: TextIO, outputs: Sequence[Output], reads: Sequence[Read]) -> bool:
    """Checked before any work, so a typo in a path never costs a sealed month or an input."""
    problems = output_problems(outputs, reads)
    for problem in problems:
        print(problem, file=err)
    return bool(problems)


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    outputs = [
        Output("--ledger", args.ledger),
        Output("--out", args.out, ".xlsx"),
        Output("--json", args.json_path),
    ]
    reads = [
        Read("--roster", args.roster),
        *(Read("--events", path) for path in args.events),
        Read("--policy", args.policy),
        Read("--deductions", args.deductions),
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
        deductions=args.deductions,
    )
    with args.progress as progress:
        done = run(request, progress)
    _print_run(done, args, out)
    return EXIT_OK


def _print_run(done: Run, args: argparse.Namespace, out: TextIO) -> None:
    outcome, record = done.outcome, done.outcome.record
    gone = left({row["employee_id"] for row in record.inputs["roster"]}, record.carried_before())
    for line in summary_lines(outcome.results, demotion_line(done.policy), gone):
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
    _print_net(outcome.results.employees, out)
    _print_review(done.review, out)
    if args.json_path is not None:
        print(f"Results written to {args.json_path}", file=out)
    if args.out is not None:
        print(f"Salary-adjustment workbook (工资调整表) written to {args.out}", file=out)


def _print_net(results: Sequence[EmployeeResult], out: TextIO) -> None:
    """With a deductions file: what is paid, from gross less the deductions."""
    paid = [(r.pay.gross, r.deductions) for r in results if r.deductions is not None]
    if not paid:
        return
    gross = sum((g for g, _ in paid), Decimal(0))
    deducted = sum((d.total for _, d in paid), Decimal(0))
    print(
        f"实发工资合计 {text(gross - deducted)} = 应发 {text(gross)} − 扣款 {text(deducted)} "
        f"(net pay of {len(paid)} employees: gross less the deductions)",
        file=out,
    )


def _print_review(review: Sequence[ReviewItem], out: TextIO) -> None:
    if review:
        print(f"To review (待复核), from the attendance export: {len(review)}", file=out)
        for item in review:
            print(f"  {item}", file=out)


def replay_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with args.progress as progress:
        outcome = replay_month(args.month, args.ledger, progress)
        checked: WorkbookCheck | InputError | None = None
        if not outcome.differences and args.workbook is not None:
            progress.stage("checking the workbook")
            checked = _check_workbook(args.workbook, outcome)
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
    if checked is None:
        return EXIT_OK if args.payslip is None else check_payslip(args, out, err)
    if isinstance(checked, InputError):  # reported after the replay's own lines
        raise checked
    path = args.workbook
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
    return EXIT_OK if args.payslip is None else check_payslip(args, out, err)


def _check_workbook(path: Path, outcome: ReplayOutcome) -> WorkbookCheck | InputError:
    """`replay --workbook`: the file compared with the sealed month's, or why it cannot be."""
    assert outcome.record is not None
    given, problems = read_input(path)  # a regular file only: never a FIFO that blocks
    if given is None:
        return InputError(problems, what="workbook")
    return check_workbook(given.data, outcome.record, outcome.policy)


def reissue_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.json_path is None and args.out is None:
        print("reissue: give --json FILE, --out FILE.xlsx or both", file=err)
        return EXIT_USAGE
    outputs = [Output("--out", args.out, ".xlsx"), Output("--json", args.json_path)]
    if _usage_problems(err, outputs, [Read("--ledger", args.ledger)]):
        return EXIT_USAGE
    with args.progress as progress:
        record = reissue(
            args.month,
            args.ledger,
            json_path=args.json_path,
            workbook_path=args.out,
            progress=progress,
        )
    print(
        f"{record.month} version {record.version} from {args.ledger} (record hash "
        f"{record.record_hash}; ledger chain intact):",
        file=out,
    )
    if args.json_path is not None:
        print(f"Results written to {args.json_path}", file=out)
    if args.out is not None:
        print(f"Salary-adjustment workbook (工资调整表) written to {args.out}", file=out)
    return EXIT_OK


def template_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    reads = [Read("--roster", args.roster), Read("--policy", args.policy)]
    if _usage_problems(err, [Output("--out", args.out, ".xlsx")], reads):
        return EXIT_USAGE
    with args.progress as progress:
        data, people = input_form(args.month, args.roster, args.policy, progress)
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


def explain_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with args.progress as progress:
            text = sealed_statement(args.ledger, args.month, args.employee, args.lang, progress)
    except UnknownEmployee as error:
        print(terminal_safe(f"{args.ledger}: {args.month}: {error}"), file=err)
        return EXIT_PROBLEMS
    print(text, file=out)
    return EXIT_OK


def import_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
    with args.progress as progress:
        written = import_attendance(
            args.file,
            args.month,
            args.out,
            policy_path=args.policy,
            profile=args.profile,
            roster_path=args.roster,
            progress=progress,
        )
    imported = written.imported
    print(
        f"{args.file}: {imported.profile} — {len(imported.table.rows)} events written to "
        f"{args.out}; {len(imported.review)} items to review written to {written.review_path}",
        file=out,
    )
    _print_review(imported.review, out)
    return EXIT_OK


def check_policy_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    policy = load_policy(args.file)
    for line in policy_lines(policy, args.month):
        print(line, file=out)
    for warning in policy_warnings(policy, args.ledger):
        print(terminal_safe(f"warning: {warning}"), file=out)
    return EXIT_OK


def policy_schema_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    print(policy_schema_text(), end="", file=out)
    return EXIT_OK
