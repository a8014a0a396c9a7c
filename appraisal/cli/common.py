"""What every command of the command line shares: exit statuses, the month argument,
the check of paths before any work, how a list of problems ends, the review list."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TextIO

from appraisal.domain.model import Month
from appraisal.files.clash import Output, Read, output_problems
from appraisal.i18n import _
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
    "month_argument",
    "print_review",
    "usage_problems",
]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# How a list of problems ends, by what the command would have done.
WRITTEN_OR_SEALED = "; nothing was written or sealed."
WRITTEN = "; nothing was written."
STORED = "; nothing was stored."
CHANGED = "; nothing was changed."

#: `add_parser` of the commands, with the options every command takes (--quiet): a
#: module's ``register(command)`` adds its commands with it.
AddCommand = Callable[..., argparse.ArgumentParser]


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
