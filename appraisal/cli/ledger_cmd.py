"""`appraisal ledger copy SRC DST`: a whole ledger moved between SQLite and PostgreSQL.

Either side is a path (an SQLite file) or a ``postgresql://`` connection string
(`appraisal.ledger.backend.ledger_argument`); see docs/postgres.md.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from appraisal.cli.common import CHANGED, AddCommand, steps_of
from appraisal.i18n import _
from appraisal.ledger import LedgerError, ledger_argument, ledger_exists
from appraisal.ledger.backend import shown

__all__ = ["register"]


def register(command: AddCommand) -> None:
    ledger = command("ledger", help="work on a ledger as a whole (copy it to PostgreSQL and back)")
    step = steps_of(command, ledger, "action", "ACTION")
    copy = step(
        "copy", help="copy a whole ledger (sealed months, seal notes, drafts) into an empty one"
    )
    copy.add_argument(
        "source",
        metavar="SRC",
        type=ledger_argument,
        help="the ledger to copy: a file, or postgresql://…",
    )
    copy.add_argument(
        "destination",
        metavar="DST",
        type=ledger_argument,
        help="the ledger to create: a new file, or an empty postgresql://… database",
    )
    copy.set_defaults(handler=copy_command, then=CHANGED)


def copy_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.ledger.copy import copy_ledger

    if not ledger_exists(args.source):
        raise LedgerError(_("{ledger}: no ledger there").format(ledger=shown(args.source)))
    copied = copy_ledger(args.source, args.destination)
    out.write(
        _(
            "Copied {source} to {destination}: {records} sealed records, {drafts} draft files,"
            " {decisions} draft decisions; its chain verifies.\n"
        ).format(
            source=shown(args.source),
            destination=shown(args.destination),
            records=copied["sealed_month"],
            drafts=copied["draft_file"],
            decisions=copied["draft_decision"],
        )
    )
    return 0
