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
from typing import TYPE_CHECKING, TextIO

from appraisal.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    WRITTEN,
    WRITTEN_OR_SEALED,
    AddCommand,
    jobs_argument,
    ledger_file,
    month_argument,
    usage_problems,
)
from appraisal.cli.payslips import check_payslip, version_argument
from appraisal.domain.errors import InputError
from appraisal.domain.text import terminal_safe
from appraisal.files.clash import Output, Read
from appraisal.i18n import N_, _, language
from appraisal.ledger.backend import ledger_argument

if TYPE_CHECKING:
    from appraisal.audit import SealedVersion
    from appraisal.commands import WorkbookCheck
    from appraisal.files.input import InputFile

__all__ = ["register"]

VERSION_HELP = "a sealed version of the month (default: the current one)"
ALL_HELP = N_(
    "replay every sealed month (its current version), in parallel; a line a month and a total"
)
JOBS_HELP = N_(
    "worker processes: the months of --all (default: the machine's cores), or one month's "
    "employees (default 1); the results are the same whatever it is"
)
SCHEDULER_HELP = N_(
    "with --all: run the months on the Dask cluster of this scheduler (the extra dask;"
    " docs/scale.md)"
)


def register(command: AddCommand) -> None:
    replay = command("replay", help="recompute a sealed month from the ledger and compare")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", type=month_argument, help="YYYY-MM")
    which.add_argument("--all", action="store_true", dest="every_month", help=ALL_HELP)
    replay.add_argument("--jobs", type=jobs_argument, metavar="N", help=JOBS_HELP)
    replay.add_argument("--scheduler", metavar="tcp://HOST:PORT", help=SCHEDULER_HELP)
    replay.add_argument("--ledger", type=ledger_argument, default=Path("appraisal.db"))
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
        again.add_argument("--ledger", type=ledger_argument, default=Path("appraisal.db"))
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
    explain.add_argument("--ledger", type=ledger_argument, default=Path("appraisal.db"))
    explain.add_argument("--version", type=version_argument, help=VERSION_HELP)
    explain.set_defaults(handler=explain_command, then=WRITTEN_OR_SEALED)

    months = command(
        "months", help="list every sealed month and version: when, why, hashes, totals, 过期"
    )
    months.add_argument("--ledger", type=ledger_argument, default=Path("appraisal.db"))
    months.add_argument(
        "--json", action="store_true", dest="as_json", help="print the list as JSON, for tools"
    )
    months.set_defaults(handler=months_command, then=WRITTEN_OR_SEALED)


def replay_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.check.shards import cores, jobs_in_force

    misplaced = _misplaced_options(args)
    if misplaced:
        print(misplaced, file=err)
        return EXIT_USAGE
    if args.every_month:
        return replay_all_command(args, cores() if args.jobs is None else args.jobs, out, err)
    with jobs_in_force(1 if args.jobs is None else args.jobs):  # as run's --jobs
        return _replay_one(args, out, err)


def _misplaced_options(args: argparse.Namespace) -> str | None:
    """Why the options given do not go together, or None."""
    if args.every_month:
        given = [
            flag
            for flag, value in (
                ("--version", args.version),
                ("--workbook", args.workbook),
                ("--payslip", args.payslip),
            )
            if value is not None
        ]
        if given:
            return _(
                "replay --all replays the current version of every month: drop {options}"
            ).format(options=", ".join(given))
    elif args.scheduler is not None:
        return _("--scheduler runs the months of replay --all: give --all instead of --month")
    return None


def _replay_one(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.audit import replay_month
    from appraisal.commands import check_workbook

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
        print(
            _("Replay of {month}: {count} difference(s).").format(
                month=args.month, count=len(outcome.differences)
            ),
            file=err,
        )
        return EXIT_PROBLEMS
    record = outcome.record
    assert record is not None
    people = len(record.results.get("employees", []))
    print(
        _(
            "Replay of {month} (version {version}, {standing}, {people} employees):"
            " identical to the sealed results."
        ).format(
            month=args.month, version=record.version, standing=outcome.standing, people=people
        ),
        file=out,
    )
    print(
        _("Policy {id} {version} sha256 {sha256}").format(
            id=record.policy_id, version=record.policy_version, sha256=record.policy_sha256
        ),
        file=out,
    )
    print(_("Record hash {hash}; ledger chain intact.").format(hash=record.record_hash), file=out)
    if checked is None:
        return EXIT_OK if args.payslip is None else check_payslip(args, out, err)
    path = args.workbook
    which = _("{month} version {version}").format(month=record.month, version=record.version)
    if checked.differences:
        for line in checked.differences:
            print(f"{path}: {line}", file=err)
        print(_("{path} is not the workbook of {which}.").format(path=path, which=which), file=err)
        return EXIT_PROBLEMS
    how = (
        _("byte-identical to the one the ledger gives.")
        if checked.identical
        else _(
            "every part identical to the one the ledger gives (only the zip compression"
            " differs, as with another zlib version)."
        )
    )
    print(
        _("{path} is the workbook of {which} ({standing}): {how}").format(
            path=path, which=which, standing=outcome.standing, how=how
        ),
        file=out,
    )
    return EXIT_OK if args.payslip is None else check_payslip(args, out, err)


def replay_all_command(args: argparse.Namespace, jobs: int, out: TextIO, err: TextIO) -> int:
    """`replay --all`: a line a month (its differences first, on stderr), then a total."""
    from appraisal.scale import replay_all

    with args.progress as progress:
        replayed = replay_all(args.ledger, jobs=jobs, scheduler=args.scheduler, progress=progress)
    for to_err, line in replayed.report():
        print(line, file=err if to_err else out)
    return EXIT_OK if replayed.identical else EXIT_PROBLEMS


def _workbook_version(args: argparse.Namespace, err: TextIO) -> InputFile | int:
    """`replay --workbook F`: the file, with ``args.version`` set to the version its 说明
    sheet names; or the exit status of a file that is of another month, or a draft."""
    from appraisal.export.manifest_read import read_manifest
    from appraisal.files.input import read_input

    path = args.workbook
    given, problems = read_input(path)  # a regular file only: never a FIFO that blocks
    if given is None:
        raise InputError(problems, what="workbook")
    manifest = read_manifest(given.data, path)
    if manifest.month != str(args.month):
        of = manifest.month or _("another month")
        print(
            terminal_safe(
                _(
                    "{path} is the workbook of {of}, not of {month}: replay it with"
                    " --month {manifest_month}; nothing was written or sealed."
                ).format(path=path, of=of, month=args.month, manifest_month=manifest.month)
            ),
            file=err,
        )
        return EXIT_PROBLEMS
    if manifest.draft:
        print(
            _(
                "{path} is a draft (草稿) of {month}, not sealed: it belongs to no version"
                " of the ledger, so there is nothing to check it against; nothing was"
                " written or sealed."
            ).format(path=path, month=manifest.month),
            file=err,
        )
        return EXIT_PROBLEMS
    if args.version is not None and args.version != manifest.version:
        print(
            _(
                "{path} is the workbook of {month} version {version}, not version {asked}:"
                " give no --version, or --version {version}; nothing was written or sealed."
            ).format(path=path, month=manifest.month, version=manifest.version, asked=args.version),
            file=err,
        )
        return EXIT_USAGE
    args.version = manifest.version
    return given


def export_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.audit import export_month

    if args.json_path is None and args.out is None:
        print(
            _("{command}: give --json FILE, --out FILE.xlsx or both").format(command=args.command),
            file=err,
        )
        return EXIT_USAGE
    outputs = [Output("--out", args.out, ".xlsx"), Output("--json", args.json_path)]
    if usage_problems(err, outputs, [Read("--ledger", ledger_file(args.ledger))]):
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
        _(
            "{month} version {version} from {ledger} (record hash {hash}; ledger chain intact):"
        ).format(
            month=record.month, version=record.version, ledger=args.ledger, hash=record.record_hash
        ),
        file=out,
    )
    if args.json_path is not None:
        print(_("Results written to {path}").format(path=args.json_path), file=out)
    if args.out is not None:
        print(
            _("Salary-adjustment workbook (工资调整表) written to {path}").format(path=args.out),
            file=out,
        )
    return EXIT_OK


def explain_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.commands import sealed_statement
    from appraisal.export.statement import UnknownEmployee

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
    from appraisal.audit import listing_json, sealed_months

    with args.progress as progress:
        listing = sealed_months(args.ledger, progress)
    if args.as_json:
        print(json.dumps(listing_json(listing), ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    months = sorted({v.month for v in listing.versions})
    print(
        _("{ledger}: {months} sealed month(s), {versions} version(s); ledger chain intact.").format(
            ledger=args.ledger, months=len(months), versions=len(listing.versions)
        ),
        file=out,
    )
    for month in months:
        versions = [v for v in listing.versions if v.month == month]
        stale = (
            _("  过期 stale: re-seal with `appraisal reseal --after {after}`").format(
                after=listing.stale_after
            )
            if month in listing.stale
            else ""
        )
        print(f"{month}{stale}", file=out)
        for version in versions:
            print(terminal_safe(f"  {_version_line(version)}"), file=out)
    return EXIT_OK


def _version_line(v: SealedVersion) -> str:
    from appraisal.audit import sealed_when
    from appraisal.i18n.sealed import sealed_text

    standing = (
        _("current")
        if v.superseded_by is None
        else _("superseded by v{version}").format(version=v.superseded_by)
    )
    amended = sealed_text(v.amend_reason, language()) if v.amend_reason else ""  # a reseal's
    reason = _("  amended: {reason}").format(reason=amended) if v.amend_reason else ""
    return _(
        "v{version}  {standing}  {sealed}{reason}  record {record}  policy {policy_id}"
        " {policy_version}  {employees} employees  gross {gross}"
    ).format(
        version=v.version,
        standing=standing,
        sealed=sealed_when(v.note),
        reason=reason,
        record=v.record_hash[:12],
        policy_id=v.policy_id,
        policy_version=v.policy_version,
        employees=v.employees,
        gross=v.gross,
    )
