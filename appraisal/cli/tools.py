"""The commands around a month: the managers' input form (`template`), an attendance
export converted to events (`import`), and a policy checked (`check-policy`) or its
JSON Schema printed (`policy-schema`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from appraisal.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    WRITTEN,
    AddCommand,
    month_argument,
    print_review,
    usage_problems,
)
from appraisal.domain.errors import WriteFailed
from appraisal.domain.text import terminal_safe
from appraisal.files.clash import Output, Read
from appraisal.files.output import write_atomic
from appraisal.i18n import N_, _

__all__ = ["register"]


PROFILE_HELP = N_(
    "an import profile id ({profiles}) or a profile .yaml; default: recognise the export"
)


class _ProfileOption(argparse._StoreAction):
    """``import --profile``, whose help names the shipped profiles: they are read from
    their files when the help is shown, not each time the parser is made."""

    @property
    def help(self) -> str:
        from appraisal.read.imports.catalog import shipped_profiles

        profiles = ", ".join(p.id for p in shipped_profiles())
        return _(PROFILE_HELP).format(profiles=profiles)

    @help.setter
    def help(self, value: str | None) -> None:
        pass  # always the text above


def register(command: AddCommand) -> None:
    template = command(
        "template", help="write the managers' input workbook (考勤/考评) for a month"
    )
    template.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    template.add_argument("--roster", required=True, type=Path, help="roster .csv or .xlsx")
    template.add_argument("--out", required=True, type=Path, help="the workbook to write (.xlsx)")
    template.add_argument("--policy", type=Path, help="policy file (default: the shipped one)")
    template.set_defaults(handler=template_command, then=WRITTEN)

    convert = command(
        "import",
        help="convert an attendance export (DingTalk, ZKTeco) to an events file to review",
    )
    convert.add_argument("file", type=Path, help="the export (.xlsx)")
    convert.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    convert.add_argument(
        "-o", "--out", required=True, type=Path, help="the events file to write (.csv)"
    )
    convert.add_argument("--profile", action=_ProfileOption)
    convert.add_argument(
        "--roster",
        type=Path,
        help="match people to this roster by 工号/UserId or an unambiguous name "
        "(default: take the export's 工号 as written)",
    )
    convert.add_argument(
        "--policy", type=Path, help="policy whose hours per day turn hours into days"
    )
    convert.set_defaults(handler=import_command, then=WRITTEN)

    check = command("check-policy", help="check a policy file and print what it says")
    check.add_argument("file", type=Path)
    check.add_argument(
        "--month", type=month_argument, help="show the values in force for this month"
    )
    check.add_argument(
        "--ledger",
        type=Path,
        help="also warn of a version this ledger sealed with another text, and of clause "
        "texts unchanged since the text it sealed last",
    )
    check.set_defaults(handler=check_policy_command, then=".")

    schema = command(
        "policy-schema",
        help="print the JSON Schema of policy files, for an editor that checks and completes",
    )
    schema.set_defaults(handler=policy_schema_command, then=".")


def template_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.commands import input_form

    reads = [Read("--roster", args.roster), Read("--policy", args.policy)]
    if usage_problems(err, [Output("--out", args.out, ".xlsx")], reads):
        return EXIT_USAGE
    with args.progress as progress:
        data, people = input_form(args.month, args.roster, args.policy, progress)
        try:
            write_atomic(args.out, data)
        except OSError as error:
            raise WriteFailed(str(args.out), error.strerror or str(error)) from error
    message = _(
        "Input workbook for {month} ({people} employees) written to {out}; fill it in, then: "
        "appraisal run --month {month} --roster {roster} --events {out}"
    )
    print(
        message.format(month=args.month, people=people, out=args.out, roster=args.roster), file=out
    )
    return EXIT_OK


def import_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.commands import import_attendance

    review = args.out.with_suffix(".review.csv")  # as write_events_csv names it
    outputs = [Output("-o", args.out, ".csv"), Output("-o (its review list)", review)]
    profile = Path(args.profile) if args.profile and args.profile.endswith(".yaml") else None
    reads = [
        Read("the export", args.file),
        Read("--roster", args.roster),
        Read("--policy", args.policy),
        Read("--profile", profile),
    ]
    if usage_problems(err, outputs, reads):
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
    message = _(
        "{file}: {profile} — {events} events written to {out}; {items} items to review written "
        "to {review}"
    )
    counts = {"events": len(imported.table.rows), "items": len(imported.review)}
    where = {"file": args.file, "out": args.out, "review": written.review_path}
    print(message.format(profile=imported.profile, **counts, **where), file=out)
    print_review(imported.review, out)
    return EXIT_OK


def check_policy_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.commands import policy_warnings
    from appraisal.policy.describe import policy_lines
    from appraisal.policy.loaded import load_policy

    policy = load_policy(args.file)
    for line in policy_lines(policy, args.month):
        print(line, file=out)
    for warning in policy_warnings(policy, args.ledger):
        print(terminal_safe(_("warning: {warning}").format(warning=warning)), file=out)
    return EXIT_OK


def policy_schema_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.policy.jsonschema import policy_schema_text

    print(policy_schema_text(), end="", file=out)
    return EXIT_OK
