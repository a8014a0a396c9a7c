"""The `appraisal` command line (interface.md): run, replay, check-policy, template, explain,
import.

The outer edge of the pipeline. It turns arguments into calls of `appraisal.pipeline`,
prints every problem as ``file:row:column: message``, and chooses the exit status:
0 success, 1 input, policy or replay problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from appraisal.domain.errors import InputError
from appraisal.domain.model import Employee, Issue, Month
from appraisal.domain.results import MonthResults
from appraisal.domain.version import __version__
from appraisal.engine.validate import validate
from appraisal.export.statement import UnknownEmployee, statement
from appraisal.export.summary import summary_lines
from appraisal.export.workbook import salary_workbook_of, workbook_differences
from appraisal.ledger.store import (
    AlreadySealed,
    Ledger,
    LedgerError,
    NothingToAmend,
    OutOfOrder,
    SealedMonth,
)
from appraisal.pipeline import read_inputs, replay_month, run_month
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import PolicyError, PolicyInForce, load_policy, load_policy_bundle
from appraisal.read.form.template import template_workbook
from appraisal.read.imports import (
    ProfileError,
    ReviewItem,
    import_export,
    load_profile,
    shipped_profiles,
    write_events_csv,
)
from appraisal.read.parse import parse_events, parse_roster
from appraisal.read.tables import read_roster_table

__all__ = ["main"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args, sys.stdout, sys.stderr))
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130


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
    run.set_defaults(handler=_run)

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
    replay.set_defaults(handler=_replay)

    template = commands.add_parser(
        "template", help="write the managers' input workbook (考勤/考评) for a month"
    )
    template.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    template.add_argument("--roster", required=True, type=Path, help="roster .csv or .xlsx")
    template.add_argument("--out", required=True, type=Path, help="the workbook to write (.xlsx)")
    template.add_argument("--policy", type=Path, help="policy file (default: the shipped one)")
    template.set_defaults(handler=_template)

    explain = commands.add_parser(
        "explain", help="print one employee's statement of a sealed month: every point and yuan"
    )
    explain.add_argument("employee", help="employee_id (工号)")
    explain.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    explain.add_argument("--ledger", type=Path, default=Path("appraisal.db"))
    explain.add_argument("--lang", choices=("zh", "en"), default="zh", help="zh (default) or en")
    explain.set_defaults(handler=_explain)

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
    convert.set_defaults(handler=_import)

    check = commands.add_parser("check-policy", help="check a policy file and print what it says")
    check.add_argument("file", type=Path)
    check.add_argument("--month", type=_month, help="show the values in force for this month")
    check.set_defaults(handler=_check_policy)
    return parser


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _print_issues(
    issues: Sequence[Issue], err: TextIO, what: str, then: str = "; nothing was written or sealed."
) -> None:
    for issue in issues:
        print(issue, file=err)
    noun = "problem" if len(issues) == 1 else "problems"
    print(f"{len(issues)} {noun} {what}{then}", file=err)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    for path, suffix in ((args.out, ".xlsx"), (args.json_path, None)):
        if path is not None and (problem := _output_problem(path, suffix)):
            print(problem, file=err)
            return EXIT_USAGE
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        _print_issues(error.issues, err, "in the policy")
        return EXIT_PROBLEMS
    hours_per_day = policy.in_force(args.month).doc.attendance.hours_per_day
    inputs, _ = read_inputs(args.month, args.roster, args.events, hours_per_day=hours_per_day)
    try:
        outcome = run_month(policy, inputs, args.ledger, args.amend)
    except InputError as error:
        _print_issues(error.issues, err, "in the input")
        return EXIT_PROBLEMS
    except AlreadySealed as error:
        print(
            f"{args.ledger}: {args.month} is already sealed (version {error.current.version}) "
            "with other inputs, policy or carried state; nothing was changed. "
            'To replace it, run again with --amend "REASON".',
            file=err,
        )
        return EXIT_PROBLEMS
    except NothingToAmend:
        print(f"{args.ledger}: {args.month} is not sealed yet; run it without --amend.", file=err)
        return EXIT_PROBLEMS
    except OutOfOrder as error:
        print(f"{args.ledger}: {error}", file=err)
        return EXIT_PROBLEMS
    except LedgerError as error:
        print(f"{args.ledger}: {error}", file=err)
        return EXIT_PROBLEMS
    if args.json_path is not None:
        _write_json(args.json_path, outcome.results_json)
    if args.out is not None:
        _write_bytes(args.out, salary_workbook_of(outcome.record))
    results = MonthResults.from_json(outcome.results_json)
    for line in summary_lines(results, demotion_line(policy.in_force(args.month))):
        print(line, file=out)
    record = outcome.record
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
    _print_review(inputs.review, out)
    if args.json_path is not None:
        print(f"Results written to {args.json_path}", file=out)
    if args.out is not None:
        print(f"Salary-adjustment workbook (工资调整表) written to {args.out}", file=out)
    return EXIT_OK


def _print_review(review: Sequence[ReviewItem], out: TextIO) -> None:
    if review:
        print(
            f"To review (待复核), from the attendance export, not applied: {len(review)}", file=out
        )
        for item in review:
            print(f"  {item}", file=out)


def _output_problem(path: Path, suffix: str | None) -> str | None:
    """Checked before anything is sealed, so a typo in a path never costs a sealed month."""
    if suffix is not None and path.suffix.lower() != suffix:
        return f"{path}: the file to write must end in {suffix}"
    if not path.parent.is_dir():
        return f"{path}: the folder {path.parent} does not exist"
    if path.is_dir():
        return f"{path}: is a directory"
    return None


def _write_json(path: Path, document: dict[str, Any]) -> None:
    """One employee a line: readable with grep and diff, and written by the fast C encoder."""
    head = {key: value for key, value in document.items() if key != "employees"}
    people = ",\n".join(json.dumps(person, ensure_ascii=False) for person in document["employees"])
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "employees": [\n' + people + "\n]}\n"
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    # Written to a temporary file first, so a failure never leaves half a file behind.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        outcome = replay_month(args.month, args.ledger)
    except LedgerError as error:
        print(f"{args.ledger}: {error}", file=err)
        return EXIT_PROBLEMS
    except PolicyError as error:
        _print_issues(error.issues, err, "in the stored policy")
        return EXIT_PROBLEMS
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
    if args.workbook is not None:
        return _check_workbook(args.workbook, record, out, err)
    return EXIT_OK


def _check_workbook(path: Path, record: SealedMonth, out: TextIO, err: TextIO) -> int:
    try:
        found = path.read_bytes()
    except OSError as error:
        print(f"{path}: cannot read the workbook: {error.strerror}", file=err)
        return EXIT_PROBLEMS
    expected = salary_workbook_of(record)
    differences = workbook_differences(expected, found)
    if differences:
        for line in differences:
            print(f"{path}: {line}", file=err)
        print(f"{path} is not the workbook of {record.month} version {record.version}.", file=err)
        return EXIT_PROBLEMS
    if found == expected:
        print(f"{path}: byte-identical to the workbook of the sealed month.", file=out)
    else:
        print(
            f"{path}: every part identical to the workbook of the sealed month "
            "(only the zip compression differs, as with another zlib version).",
            file=out,
        )
    return EXIT_OK


def _template(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if problem := _output_problem(args.out, ".xlsx"):
        print(problem, file=err)
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        _print_issues(error.issues, err, "in the policy", then="; nothing was written.")
        return EXIT_PROBLEMS
    in_force = policy.in_force(args.month)
    roster, issues = _read_roster(args.roster, in_force)
    if issues:
        _print_issues(issues, err, "in the roster", then="; nothing was written.")
        return EXIT_PROBLEMS
    data = template_workbook(args.month, roster, in_force)
    _write_bytes(args.out, data)
    print(
        f"Input workbook for {args.month} ({len(roster)} employees) written to {args.out}; "
        f"fill it in, then: appraisal run --month {args.month} --roster {args.roster} "
        f"--events {args.out}",
        file=out,
    )
    return EXIT_OK


def _read_roster(path: Path, in_force: PolicyInForce) -> tuple[list[Employee], list[Issue]]:
    """A roster for a command that writes a file from it, every problem found.

    Levels are checked against the policy here too: what is written must not carry a
    level that `run` would refuse.
    """
    table, issues = read_roster_table(path)
    if table is None:
        return [], issues
    roster, found = parse_roster(table)
    named = {table.name: table.file}
    found += [
        Issue(named.get(i.file, i.file), i.row, i.column, i.message)
        for i in validate(in_force, roster, ())
    ]
    return roster, issues + sorted(found, key=lambda i: (i.row or 0, i.column or ""))


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if not args.ledger.exists():
        print(f"{args.ledger}: no ledger file", file=err)
        return EXIT_PROBLEMS
    try:
        with Ledger(args.ledger) as ledger:
            record = ledger.current(str(args.month))
            sealed = ledger.sealed_months()
    except LedgerError as error:
        print(f"{args.ledger}: {error}", file=err)
        return EXIT_PROBLEMS
    if record is None:
        print(
            f"{args.ledger}: {args.month} is not sealed (sealed months: {', '.join(sealed) or 'none'})",
            file=err,
        )
        return EXIT_PROBLEMS
    in_force = load_policy_bundle(record.policy_sources).in_force(args.month)
    titles = {level.id: level.title for level in in_force.levels.values()}
    try:
        text = statement(MonthResults.from_json(record.results), args.employee, args.lang, titles)
    except UnknownEmployee as error:
        print(f"{args.ledger}: {args.month}: {error}", file=err)
        return EXIT_PROBLEMS
    print(text, file=out)
    return EXIT_OK


def _import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if problem := _output_problem(args.out, ".csv"):
        print(problem, file=err)
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy)
        profile = load_profile(args.profile) if args.profile else None
    except PolicyError as error:
        _print_issues(error.issues, err, "in the policy", then="; nothing was written.")
        return EXIT_PROBLEMS
    except ProfileError as error:
        _print_issues(error.issues, err, "in the profile", then="; nothing was written.")
        return EXIT_PROBLEMS
    in_force = policy.in_force(args.month)
    roster: list[Employee] | None = None
    if args.roster is not None:
        roster, issues = _read_roster(args.roster, in_force)
        if issues:
            _print_issues(issues, err, "in the roster", then="; nothing was written.")
            return EXIT_PROBLEMS
    hours_per_day = in_force.doc.attendance.hours_per_day
    imported = import_export(
        args.file, args.month, roster, hours_per_day=hours_per_day, profile=profile
    )
    # What is written must read back as the events `run` accepts.
    issues = list(imported.issues) or parse_events(imported.table, args.month)[1]
    if issues:
        _print_issues(issues, err, "in the export", then="; nothing was written.")
        return EXIT_PROBLEMS
    review_path = write_events_csv(imported, args.out)
    print(
        f"{args.file}: {imported.profile} — {len(imported.table.rows)} events written to "
        f"{args.out}; {len(imported.review)} items to review written to {review_path}",
        file=out,
    )
    _print_review(imported.review, out)
    return EXIT_OK


def _check_policy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        policy = load_policy(args.file)
    except PolicyError as error:
        _print_issues(error.issues, err, "in the policy", then=".")
        return EXIT_PROBLEMS
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
