"""The auditor's commands: `replay` (recompute a sealed month and compare, and check a
workbook or payslip against it), `reissue` (its files again from the ledger) and
`explain` (one employee's statement)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from appraisal.audit import ReplayOutcome, reissue, replay_month
from appraisal.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    WRITTEN,
    WRITTEN_OR_SEALED,
    AddCommand,
    month_argument,
    usage_problems,
)
from appraisal.cli.payslips import check_payslip
from appraisal.commands import WorkbookCheck, check_workbook, sealed_statement
from appraisal.domain.errors import InputError
from appraisal.domain.text import terminal_safe
from appraisal.export.statement import UnknownEmployee
from appraisal.files.clash import Output, Read
from appraisal.files.input import read_input
from appraisal.i18n import language

__all__ = ["register"]


def register(command: AddCommand) -> None:
    replay = command("replay", help="recompute a sealed month from the ledger and compare")
    replay.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
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
    replay.set_defaults(handler=replay_command, then=WRITTEN_OR_SEALED)

    again = command(
        "reissue",
        help="write a sealed month's results JSON or workbook again, from the ledger alone",
    )
    again.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    again.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    again.add_argument("--out", type=Path, help="salary-adjustment workbook (.xlsx)")
    again.add_argument("--json", type=Path, dest="json_path", help="the results as JSON")
    again.set_defaults(handler=reissue_command, then=WRITTEN)

    explain = command(
        "explain", help="print one employee's statement of a sealed month: every point and yuan"
    )
    explain.add_argument("employee", help="employee_id (工号)")
    explain.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    explain.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    explain.set_defaults(handler=explain_command, then=WRITTEN_OR_SEALED)


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
    if usage_problems(err, outputs, [Read("--ledger", args.ledger)]):
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


def explain_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with args.progress as progress:
            text = sealed_statement(args.ledger, args.month, args.employee, language(), progress)
    except UnknownEmployee as error:
        print(terminal_safe(f"{args.ledger}: {args.month}: {error}"), file=err)
        return EXIT_PROBLEMS
    print(text, file=out)
    return EXIT_OK
