"""`appraisal draft …` and `appraisal seal`: a month assembled from several submissions,
reviewed, previewed, then sealed on purpose (issue 10)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from appraisal.cli.common import (
    CHANGED,
    EXIT_OK,
    EXIT_USAGE,
    STORED,
    WRITTEN_OR_SEALED,
    AddCommand,
    ledger_file,
    month_argument,
    steps_of,
    usage_problems,
)
from appraisal.domain.text import terminal_safe
from appraisal.files.clash import Output, Read
from appraisal.i18n import N_, _
from appraisal.ledger.backend import ledger_argument

if TYPE_CHECKING:
    from appraisal.drafts import DraftView
    from appraisal.ledger.drafts import DraftFile
    from appraisal.policy.loaded import Policy

__all__ = ["RESOLUTIONS", "register"]

# `appraisal.drafts.RESOLUTIONS`, as `draft resolve --as` shows them in its help: written
# here so that the parser is made without importing the drafts (and with them the whole
# pipeline) for every command; tests/test_cli_imports.py checks that the two agree.
RESOLUTIONS = ("normal", "absent", "personal_leave", "sick_leave", "late:MIN")

#: The roles of a draft's files, as its lines name them.
ROLES = (N_("roster"), N_("events"), N_("deductions"))


def register(command: AddCommand) -> None:
    draft = command("draft", help="gather a month's files and review decisions before the seal")
    step = steps_of(command, draft, "draft_command", "STEP")
    add = step("add", help="store files in the month's draft, checked as run reads them")
    _common(add)
    add.add_argument("--roster", type=Path, help="roster .csv or .xlsx (replaces the draft's)")
    add.add_argument(
        "--events",
        type=Path,
        action="append",
        default=[],
        help="events .csv or .xlsx, or an attendance export (repeatable)",
    )
    add.add_argument("--deductions", type=Path, help="扣款 .csv or .xlsx (deductions)")
    add.add_argument("--by", metavar="NAME", help="who sent the files (default: the OS user)")
    add.set_defaults(handler=_add, then=STORED)

    view = step("show", help="the draft, its review items and the preview of its seal")
    _common(view)
    view.set_defaults(handler=_show, then=CHANGED)

    decide = step("resolve", help="record a decision on a review item (待复核)")
    _common(decide)
    decide.add_argument("item", metavar="ITEM", help="the review item's id, as draft show gives it")
    decide.add_argument(
        "--as", dest="resolution", required=True, type=_resolution, help=" | ".join(RESOLUTIONS)
    )
    decide.add_argument("--by", metavar="NAME", help="who decided (default: the OS user)")
    decide.add_argument("--reason", required=True, metavar="TEXT", help="why")
    decide.set_defaults(handler=_resolve, then=CHANGED)

    out = step("remove", help="take a file or a decision out of the draft")
    _common(out, policy=False)
    out.add_argument(
        "what", metavar="FILE|ITEM", help="a file's name or sha256 prefix, or an item id"
    )
    out.set_defaults(handler=_remove, then=CHANGED)

    seal = command("seal", help="seal the month's draft, as run would seal its files")
    _common(seal)
    seal.add_argument("--by", metavar="NAME", help="who seals (default: the OS user)")
    seal.add_argument(
        "--allow-unappraised",
        action="store_true",
        help="seal even with employees not appraised (their criteria count as not met)",
    )
    seal.add_argument("--amend", metavar="REASON", help="re-seal a sealed month, recording why")
    seal.add_argument("--out", type=Path, help="salary-adjustment workbook (.xlsx)")
    seal.add_argument("--json", type=Path, dest="json_path", help="write the results as JSON")
    seal.set_defaults(handler=_seal, then=WRITTEN_OR_SEALED)


def _common(parser: argparse.ArgumentParser, *, policy: bool = True) -> None:
    parser.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    parser.add_argument(
        "--ledger",
        type=ledger_argument,
        default=Path("appraisal.db"),
        help="ledger (default appraisal.db)",
    )
    if policy:
        parser.add_argument(
            "--policy", type=Path, help="policy file (default: the shipped customer-service policy)"
        )


def _resolution(text: str) -> str:
    from appraisal.drafts import parse_resolution

    try:
        return parse_resolution(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.drafts import add_files
    from appraisal.drafts.lines import added_line, replaced_line
    from appraisal.policy.loaded import load_policy

    given = [("roster", args.roster)] if args.roster else []
    given += [("events", path) for path in args.events]
    given += [("deductions", args.deductions)] if args.deductions else []
    if not given:
        print(_("draft add: give at least one of --roster, --events, --deductions"), file=err)
        return EXIT_USAGE
    reads = [Read(f"--{role}", path) for role, path in given]
    if usage_problems(
        err, [Output("--ledger", ledger_file(args.ledger))], [*reads, Read("--policy", args.policy)]
    ):
        return EXIT_USAGE
    added, replaced = add_files(args.ledger, args.month, given, args.by, load_policy(args.policy))
    for file, status in added:
        print(terminal_safe(added_line(file, status, args.month)), file=out)
    for file in replaced:
        print(terminal_safe(replaced_line(file)), file=out)
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.drafts import show
    from appraisal.policy.loaded import load_policy

    if usage_problems(err, [], [Read("--policy", args.policy)]):
        return EXIT_USAGE
    policy = load_policy(args.policy)
    view = show(args.ledger, args.month, policy)
    heading = _("Draft of {month} in {ledger}: {count} files")
    print(heading.format(month=args.month, ledger=args.ledger, count=len(view.files)), file=out)
    for file in view.files:
        print(f"  {_file_line(file)}", file=out)
    if view.preview is None:
        hint = _("No roster yet: add one with appraisal draft add --month {month} --roster FILE")
        print(hint.format(month=args.month), file=out)
    else:
        _print_preview(view, policy, out)
    ids = {item.id for item in view.review}
    for decision in (d for d in view.decisions if d.item_id not in ids):
        message = _(
            "Decision on {item} ({resolution}) matches no review item of the draft now; "
            "it is not applied"
        )
        said = message.format(item=decision.item_id, resolution=decision.resolution)
        print(terminal_safe(said), file=out)
    return EXIT_OK


def _file_line(file: DraftFile) -> str:
    from appraisal.drafts.lines import file_line

    return terminal_safe(file_line(file, width=10))


def _print_preview(view: DraftView, policy: Policy, out: TextIO) -> None:
    from appraisal.export.summary import summary_lines
    from appraisal.policy.lines import demotion_line

    seen = view.preview
    assert seen is not None
    if seen.unappraised:
        unappraised = _("Not appraised (未考评): {count}: {who}")
        who = ", ".join(seen.unappraised)
        print(unappraised.format(count=len(seen.unappraised), who=who), file=out)
    else:
        print(_("Everyone on the roster is appraised."), file=out)
    if view.review:
        print(_("To review (待复核): {count}").format(count=len(view.review)), file=out)
    for item in view.review:
        decision = next((d for d in view.decisions if d.item_id == item.id), None)
        said = (
            _("not resolved")
            if decision is None
            else _("resolved as {resolution} by {by} at {at}: {reason}").format(
                resolution=decision.resolution,
                by=decision.decided_by,
                at=decision.decided_at,
                reason=decision.reason,
            )
        )
        print(f"  {item.id}  {item}", file=out)
        print(terminal_safe(f"      {said}"), file=out)
    if seen.issues:
        stopping = _("Problems that would stop the seal: {count}")
        print(stopping.format(count=len(seen.issues)), file=out)
        for issue in seen.issues:
            print(f"  {issue}", file=out)
    if seen.computed is not None:
        print(_("Preview (草稿, not sealed):"), file=out)
        in_force = policy.in_force(view.month)  # the policy read once
        line, titles = demotion_line(in_force), in_force.level_titles()
        for text in summary_lines(seen.computed.results, line, titles=titles):
            print(text, file=out)


def _resolve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.drafts import resolve
    from appraisal.drafts.lines import resolved_line
    from appraisal.policy.loaded import load_policy

    if usage_problems(err, [], [Read("--policy", args.policy)]):
        return EXIT_USAGE
    policy = load_policy(args.policy)
    item, decision = resolve(
        args.ledger, args.month, args.item, args.resolution, args.by, args.reason, policy
    )
    print(resolved_line(item, decision), file=out)
    return EXIT_OK


def _remove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.drafts import remove
    from appraisal.drafts.lines import removed_line

    gone = remove(args.ledger, args.month, args.what)
    print(terminal_safe(removed_line(gone, args.month, width=10)), file=out)
    return EXIT_OK


def _seal(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.cli.run import print_sealed, print_written
    from appraisal.drafts import seal_draft
    from appraisal.policy.loaded import load_policy

    outputs = [
        Output("--ledger", ledger_file(args.ledger)),
        Output("--out", args.out, ".xlsx"),
        Output("--json", args.json_path),
    ]
    if usage_problems(err, outputs, [Read("--policy", args.policy)]):
        return EXIT_USAGE
    policy = load_policy(args.policy)
    with args.progress as progress:
        sealed = seal_draft(
            args.ledger,
            args.month,
            policy,
            by=args.by,
            amend=args.amend,
            allow_unappraised=args.allow_unappraised,
            json_path=args.json_path,
            workbook_path=args.out,
            progress=progress,
        )
    print_sealed(sealed.outcome, policy.in_force(args.month), args.ledger, out)
    print(_("The {month} draft is cleared.").format(month=args.month), file=out)
    if sealed.unresolved:
        left_open = _("Not applied (review items left unresolved): {count}")
        print(left_open.format(count=len(sealed.unresolved)), file=out)
        for item in sealed.unresolved:
            print(f"  {item.id}  {item}", file=out)
    print_written(args, out)
    return EXIT_OK
