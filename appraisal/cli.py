"""The `appraisal` command line (interface.md): run, replay, check-policy.

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

from appraisal.errors import InputError
from appraisal.ledger import AlreadySealed, LedgerError, NothingToAmend, OutOfOrder
from appraisal.model import Issue, Month
from appraisal.pipeline import read_inputs, replay_month, run_month
from appraisal.policy import PolicyError, load_policy
from appraisal.summary import summary_lines
from appraisal.version import __version__

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
    replay.set_defaults(handler=_replay)

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
    if args.out is not None:
        print(
            "--out: the salary-adjustment workbook is not available in this version; use --json",
            file=err,
        )
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        _print_issues(error.issues, err, "in the policy")
        return EXIT_PROBLEMS
    inputs, _ = read_inputs(args.month, args.roster, args.events)
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
    for line in summary_lines(outcome.results_json):
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
    if args.json_path is not None:
        print(f"Results written to {args.json_path}", file=out)
    return EXIT_OK


def _write_json(path: Path, document: dict[str, Any]) -> None:
    """One employee a line: readable with grep and diff, and written by the fast C encoder."""
    head = {key: value for key, value in document.items() if key != "employees"}
    people = ",\n".join(json.dumps(person, ensure_ascii=False) for person in document["employees"])
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "employees": [\n' + people + "\n]}\n"
    # Written to a temporary file first, so a failure never leaves half a file behind.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
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
