"""The auditor's commands: `replay` (recompute a sealed month and compare, and check a
workbook or payslip against it), `export` and `reissue` (its files again from the
ledger), `explain` (one employee's statement) and `months` (every sealed version).

`--version N` picks a version of the month on `replay`, `explain`, `export` and
`payslips`: every one reads it through `appraisal.ledger.read_sealed`, so an unknown
version is refused alike, naming the versions there are.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from appraisal.audit import (
    LedgerListing,
    SealedVersion,
    export_month,
    replay_month,
    sealed_months,
    sealed_when,
)
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
from appraisal.cli.payslips import check_payslip, version_argument
from appraisal.commands import WorkbookCheck, check_workbook, sealed_statement
from appraisal.domain.errors import InputError
from appraisal.domain.text import terminal_safe
from appraisal.export.manifest_read import read_manifest
from appraisal.export.statement import UnknownEmployee
from appraisal.files.clash import Output, Read
from appraisal.files.input import InputFile, read_input
from appraisal.i18n import language

__all__ = ["register"]

VERSION_HELP = "a sealed version of the month (default: the current one)"


def register(command: AddCommand) -> None:
    replay = command("replay", help="recompute a sealed month from the ledger and compare")
    replay.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    replay.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    replay.add_argument("--version", type=version_argument, help=VERSION_HELP)
    replay.add_argument(
        "--workbook",
        type=Path,
        help="also check that this salary-adjustment workbook is the one the ledger gives"
        " for the version its 说明 (manifest) sheet names",
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

    for name, help_text in (
        ("export", "write a sealed month's workbook or results JSON, any version, from the ledger"),
        ("reissue", "write a sealed month's results JSON or workbook again, from the ledger alone"),
    ):
        again = command(name, help=help_text)
        again.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
        again.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
        if name == "export":
            again.add_argument("--version", type=version_argument, help=VERSION_HELP)
        again.add_argument("--out", type=Path, help="salary-adjustment workbook (.xlsx)")
        again.add_argument("--json", type=Path, dest="json_path", help="the results as JSON")
        again.set_defaults(handler=export_command, then=WRITTEN, version=None)

    explain = command(
        "explain", help="print one employee's statement of a sealed month: every point and yuan"
    )
    explain.add_argument("employee", help="employee_id (工号)")
    explain.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    explain.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    explain.add_argument("--version", type=version_argument, help=VERSION_HELP)
    explain.set_defaults(handler=explain_command, then=WRITTEN_OR_SEALED)

    months = command(
        "months", help="list every sealed month and version: when, why, hashes, totals, 过期"
    )
    months.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    months.add_argument(
        "--json", action="store_true", dest="as_json", help="print the list as JSON, for tools"
    )
    months.set_defaults(handler=months_command, then=WRITTEN_OR_SEALED)


def replay_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    given: InputFile | None = None
    if args.workbook is not None:
        found = _workbook_version(args, err)
        if isinstance(found, int):
            return found
        given = found
    with args.progress as progress:
        outcome = replay_month(args.month, args.ledger, progress, version=args.version)
        checked: WorkbookCheck | None = None
        if not outcome.differences and given is not None:
            progress.stage("checking the workbook")
            assert outcome.record is not None
            checked = check_workbook(given.data, outcome.record, outcome.policy)
    if outcome.differences:
        for line in outcome.differences:
            print(line, file=err)
        print(f"Replay of {args.month}: {len(outcome.differences)} difference(s).", file=err)
        return EXIT_PROBLEMS
    record = outcome.record
    assert record is not None
    people = len(record.results.get("employees", []))
    print(
        f"Replay of {args.month} (version {record.version}, {outcome.standing},"
        f" {people} employees): identical to the sealed results.",
        file=out,
    )
    print(
        f"Policy {record.policy_id} {record.policy_version} sha256 {record.policy_sha256}", file=out
    )
    print(f"Record hash {record.record_hash}; ledger chain intact.", file=out)
    if checked is None:
        return EXIT_OK if args.payslip is None else check_payslip(args, out, err)
    path, which = args.workbook, f"{record.month} version {record.version}"
    if checked.differences:
        for line in checked.differences:
            print(f"{path}: {line}", file=err)
        print(f"{path} is not the workbook of {which}.", file=err)
        return EXIT_PROBLEMS
    how = (
        "byte-identical to the one the ledger gives."
        if checked.identical
        else "every part identical to the one the ledger gives (only the zip compression"
        " differs, as with another zlib version)."
    )
    print(f"{path} is the workbook of {which} ({outcome.standing}): {how}", file=out)
    return EXIT_OK if args.payslip is None else check_payslip(args, out, err)


def _workbook_version(args: argparse.Namespace, err: TextIO) -> InputFile | int:
    """`replay --workbook F`: the file, with ``args.version`` set to the version its 说明
    sheet names; or the exit status of a file that is of another month, or a draft."""
    path = args.workbook
    given, problems = read_input(path)  # a regular file only: never a FIFO that blocks
    if given is None:
        raise InputError(problems, what="workbook")
    manifest = read_manifest(given.data, path)
    if manifest.month != str(args.month):
        print(
            terminal_safe(
                f"{path} is the workbook of {manifest.month or 'another month'}, not of"
                f" {args.month}: replay it with --month {manifest.month}" + WRITTEN_OR_SEALED
            ),
            file=err,
        )
        return EXIT_PROBLEMS
    if manifest.draft:
        print(
            f"{path} is a draft (草稿) of {manifest.month}, not sealed: it belongs to no version"
            " of the ledger, so there is nothing to check it against" + WRITTEN_OR_SEALED,
            file=err,
        )
        return EXIT_PROBLEMS
    if args.version is not None and args.version != manifest.version:
        print(
            f"{path} is the workbook of {manifest.month} version {manifest.version}, not"
            f" version {args.version}: give no --version, or --version {manifest.version}"
            + WRITTEN_OR_SEALED,
            file=err,
        )
        return EXIT_USAGE
    args.version = manifest.version
    return given


def export_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.json_path is None and args.out is None:
        print(f"{args.command}: give --json FILE, --out FILE.xlsx or both", file=err)
        return EXIT_USAGE
    outputs = [Output("--out", args.out, ".xlsx"), Output("--json", args.json_path)]
    if usage_problems(err, outputs, [Read("--ledger", args.ledger)]):
        return EXIT_USAGE
    with args.progress as progress:
        record = export_month(
            args.month,
            args.ledger,
            version=args.version,
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
            text = sealed_statement(
                args.ledger, args.month, args.employee, language(), progress, version=args.version
            )
    except UnknownEmployee as error:
        print(terminal_safe(f"{args.ledger}: {args.month}: {error}"), file=err)
        return EXIT_PROBLEMS
    print(text, file=out)
    return EXIT_OK


def months_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with args.progress as progress:
        listing = sealed_months(args.ledger, progress)
    if args.as_json:
        print(json.dumps(_listing_json(listing), ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    months = sorted({v.month for v in listing.versions})
    print(
        f"{args.ledger}: {len(months)} sealed month(s), {len(listing.versions)} version(s);"
        " ledger chain intact.",
        file=out,
    )
    for month in months:
        versions = [v for v in listing.versions if v.month == month]
        stale = (
            f"  过期 stale: re-seal with `appraisal reseal --after {listing.stale_after}`"
            if month in listing.stale
            else ""
        )
        print(f"{month}{stale}", file=out)
        for version in versions:
            print(terminal_safe(f"  {_version_line(version)}"), file=out)
    return EXIT_OK


def _version_line(v: SealedVersion) -> str:
    standing = "current" if v.superseded_by is None else f"superseded by v{v.superseded_by}"
    reason = f"  amended: {v.amend_reason}" if v.amend_reason else ""
    return (
        f"v{v.version}  {standing}  {sealed_when(v.note)}{reason}  record {v.record_hash[:12]}"
        f"  policy {v.policy_id} {v.policy_version}  {v.employees} employees"
        f"  gross {v.gross}"
    )


def _listing_json(listing: LedgerListing) -> dict[str, object]:
    return {
        "months": [
            {
                "month": v.month,
                "version": v.version,
                "seq": v.seq,
                "current": v.superseded_by is None,
                "superseded_by": v.superseded_by,
                "stale": v.superseded_by is None and v.month in listing.stale,
                "sealed_at": v.note.sealed_at if v.note else None,
                "sealed_by": v.note.sealed_by if v.note else None,
                "amend_reason": v.amend_reason,
                "record_hash": v.record_hash,
                "policy": {"id": v.policy_id, "version": v.policy_version},
                "employees": v.employees,
                "gross": str(v.gross),
            }
            for v in listing.versions
        ],
        "stale": list(listing.stale),
        "reseal_after": listing.stale_after,
    }
