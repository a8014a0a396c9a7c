"""`appraisal users add` and `appraisal users list`: the users file of the web page.

The password is read from standard input: asked twice without echo on a terminal, else
one line (``printf '%s\\n' "$PASSWORD" | appraisal users add …``). Neither a password
nor its hash is ever printed."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from appraisal.cli.common import CHANGED, EXIT_OK, EXIT_PROBLEMS, AddCommand, steps_of
from appraisal.i18n import _

__all__ = ["MIN_PASSWORD", "register"]

MIN_PASSWORD = 8  # characters
ROLE_CHOICES = ("manager", "hr", "auditor", "admin")  # appraisal.web.users.ROLES


def register(command: AddCommand) -> None:
    users = command("users", help="the users of the web page: add one, or list them")
    step = steps_of(command, users, "users_command", "STEP")
    add = step(
        "add",
        help="add a user (or replace one of the same name); the password is read from stdin",
    )
    add.add_argument("name", metavar="NAME", help="the user's login name")
    add.add_argument(
        "--role",
        required=True,
        choices=ROLE_CHOICES,
        metavar="ROLE",
        help="manager, hr, auditor or admin",
    )
    add.add_argument(
        "--department",
        dest="departments",
        action="append",
        default=[],
        metavar="D",
        help="a department the manager manages (repeatable)",
    )
    _users_file(add)
    add.set_defaults(handler=_add, then=CHANGED)
    listed = step("list", help="the users: names, roles and departments (never a password)")
    _users_file(listed)
    listed.set_defaults(handler=_list, then=".")


def _users_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--users",
        type=Path,
        default=Path("users.yaml"),
        metavar="FILE",
        help="the users file (default users.yaml)",
    )


def _password(err: TextIO) -> str | None:
    """The new password from stdin, or None (said on ``err``) when it cannot be taken."""
    if sys.stdin.isatty():
        first = getpass.getpass(_("Password: "))
        again = getpass.getpass(_("The password again: "))
        if first != again:
            print(_("The two passwords differ; nothing was changed."), file=err)
            return None
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if len(first) < MIN_PASSWORD:
        message = _("The password must have at least {count} characters; nothing was changed.")
        print(message.format(count=MIN_PASSWORD), file=err)
        return None
    return first


def _add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.web.users import add_user, user_problems  # argon2 only when used

    problems = user_problems(args.name, args.role, args.departments)
    if problems:  # before asking for a password
        for field, message in problems:
            print(f"{args.users}:{field}: {message}", file=err)
        return EXIT_PROBLEMS
    password = _password(err)
    if password is None:
        return EXIT_PROBLEMS
    replaced = add_user(args.users, args.name, args.role, args.departments, password)
    said = (
        _("Replaced the entry of {name} in {file}: now {role}{departments}.")
        if replaced
        else _("Added {name} to {file} as {role}{departments}.")
    )
    departments = f" ({', '.join(args.departments)})" if args.departments else ""
    print(
        said.format(name=args.name, file=args.users, role=args.role, departments=departments),
        file=out,
    )
    print(_("A running server takes it at its next start."), file=out)
    return EXIT_OK


def _list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from appraisal.web.users import load_users

    users = load_users(args.users)
    print(_("{file}: {count} user(s)").format(file=args.users, count=len(users)), file=out)
    for user in users:
        departments = ", ".join(user.departments)
        print(f"  {user.name}  {user.role}" + (f"  {departments}" if departments else ""), file=out)
    return EXIT_OK
