"""What every command of the command line shares: exit statuses, the month argument,
the check of paths before any work, how a list of problems ends, the review list."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from appraisal.domain.model import Month
from appraisal.files.clash import Output, Read, output_problems
from appraisal.i18n import _
from appraisal.ledger.backend import LedgerTarget, is_dsn
from appraisal.problems import CHANGED, STORED, WRITTEN, WRITTEN_OR_SEALED

if TYPE_CHECKING:
    from appraisal.read.imports.records import ReviewItem

__all__ = [
    "CHANGED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "STORED",
    "WRITTEN",
    "WRITTEN_OR_SEALED",
    "AddCommand",
    "jobs_argument",
    "ledger_file",
    "month_argument",
    "print_review",
    "steps_of",
    "usage_problems",
]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

#: `add_parser` of the commands, with the options every command takes (--quiet): a
#: module's ``register(command)`` adds its commands with it.
AddCommand = Callable[..., argparse.ArgumentParser]


def steps_of(
    command: AddCommand, parser: argparse.ArgumentParser, dest: str, metavar: str
) -> AddCommand:
    """How the sub-commands of ``parser`` (draft add, ledger copy) are added: each takes
    what every command takes (--quiet, --lang) and shows its help from the catalogue."""
    steps = parser.add_subparsers(dest=dest, required=True, metavar=metavar)
    shared: dict[str, Any] = getattr(command, "keywords", {})

    def step(name: str, **options: Any) -> argparse.ArgumentParser:
        return steps.add_parser(name, **shared, **options)

    return step


def month_argument(text: str) -> Month:
    """The type of every --month: YYYY-MM, or a usage error saying why not."""
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def jobs_argument(value: str) -> int:
    """The type of every --jobs: a whole number, 1 or more."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number of 1 or more").format(value=value)
        )
    return jobs


def ledger_file(target: LedgerTarget) -> Path | None:
    """The ledger as a file the path checks compare (`usage_problems`): None for a
    PostgreSQL ledger, which is no file."""
    return None if is_dsn(target) else Path(target)


def usage_problems(err: TextIO, outputs: Sequence[Output], reads: Sequence[Read]) -> bool:
    """Checked before any work, so a typo in a path never costs a sealed month or an input."""
    problems = output_problems(outputs, reads)
    for problem in problems:
        print(problem, file=err)
    return bool(problems)


def print_review(review: Sequence[ReviewItem], out: TextIO) -> None:
    if review:
        heading = _("To review (待复核), from the attendance export: {count}")
        print(heading.format(count=len(review)), file=out)
        for item in review:
            print(f"  {item}", file=out)
