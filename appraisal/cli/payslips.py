"""`appraisal payslips` and `replay --payslip`: the 工资条 of a sealed month, one file an
employee, and the check that a payslip file is the one the ledger gives."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from appraisal.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    WRITTEN,
    AddCommand,
    month_argument,
)
from appraisal.domain.errors import InputError
from appraisal.domain.model import Issue
from appraisal.i18n import _
from appraisal.ledger.backend import ledger_argument

__all__ = ["check_payslip", "payslips_command", "register", "version_argument"]


def version_argument(text: str) -> int:
    """The type of every --version N of a sealed month: a whole number from 1."""
    if not text.strip().isdigit() or int(text) < 1:
        message = _("{text} is not a version number (1, 2, …)")
        raise argparse.ArgumentTypeError(message.format(text=repr(text)))
    return int(text)


def register(command: AddCommand) -> None:
    slips = command(
        "payslips", help="write each employee's payslip (工资条) of a sealed month, a file each"
    )
    slips.add_argument("--month", required=True, type=month_argument, help="YYYY-MM")
    slips.add_argument("--ledger", type=ledger_argument, default=Path("appraisal.db"))
    slips.add_argument(
        "--version", type=version_argument, help="a sealed version (default: the current one)"
    )
    slips.add_argument("--out", required=True, type=Path, help="the folder to write them into")
    slips.add_argument(
        "--format", choices=("pdf", "xlsx"), default="pdf", help="pdf (default) or xlsx"
    )
    slips.add_argument(
        "--passwords", type=Path, help="employee_id,password file: encrypt each PDF with its own"
    )
    slips.set_defaults(handler=payslips_command, then=WRITTEN)


def payslips_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.export.payslips import write_payslips

    if args.out.exists() and not args.out.is_dir():
        message = _("{out}: --out names a file; give a folder for the payslips")
        print(message.format(out=args.out), file=err)
        return EXIT_USAGE
    with args.progress as progress:
        progress.stage("writing the payslips")
        written = write_payslips(
            args.ledger,
            args.month,
            args.out,
            version=args.version,
            fmt=args.format,
            passwords=args.passwords,
        )
    said = (
        _("{count} 工资条 (payslips) of {month} written to {out} (each encrypted with its employee's password)")
        if args.passwords
        else _("{count} 工资条 (payslips) of {month} written to {out}")
    )  # fmt: skip
    print(said.format(count=len(written), month=args.month, out=args.out), file=out)
    return EXIT_OK


def check_payslip(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`replay --payslip FILE --employee ID [--passwords FILE]`, after the replay itself."""
    from appraisal.export.payslip_read import read_passwords
    from appraisal.export.payslips import verify_payslip
    from appraisal.files.input import read_input

    if args.employee is None:
        print(_("replay --payslip: give --employee ID, whose payslip the file is"), file=err)
        return EXIT_USAGE
    given, problems = read_input(args.payslip)  # a regular file only: never a FIFO
    if given is None:
        raise InputError(problems, what="payslip")
    password = None
    if args.passwords is not None:
        passwords, problems = read_passwords(args.passwords)
        if problems:
            raise InputError(problems, what="passwords")
        password = passwords.get(args.employee)
        if password is None:
            message = _("no password for {employee}").format(employee=args.employee)
            raise InputError([Issue(str(args.passwords), None, None, message)], what="passwords")
    checked = verify_payslip(given.data, args.ledger, args.month, args.employee, password=password)
    path = args.payslip
    if not checked.identical:
        for line in checked.differences:
            print(f"{path}: {line}", file=err)
        wrong = _("{path} is not the payslip of {employee} for {month}.")
        print(wrong.format(path=path, employee=args.employee, month=args.month), file=err)
        return EXIT_PROBLEMS
    same = _("{path}: byte-identical to the payslip of {employee} the ledger gives.")
    print(same.format(path=path, employee=args.employee), file=out)
    return EXIT_OK
