"""`appraisal serve`: the web page for the month (issue 13), on this machine's uvicorn.

It listens on 127.0.0.1 unless told otherwise (and warns when told otherwise), reads the
users file once at start (so a user added while it runs logs in after the next start),
and refuses to start without a user."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import logging
import socket
from pathlib import Path
from typing import TextIO

from appraisal.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand
from appraisal.i18n import _
from appraisal.ledger.backend import ledger_argument, shown

__all__ = ["register"]


def register(command: AddCommand) -> None:
    serve = command(
        "serve",
        help="start the web page; users added while it runs log in after the next start",
        description=(
            "Start the web page for managers, HR and auditors. The users file is read once, "
            "at start: a user added with appraisal users add while the server runs can log in "
            "after the next start."
        ),
    )
    serve.add_argument(
        "--ledger",
        type=ledger_argument,
        default=Path("appraisal.db"),
        help="ledger (default appraisal.db)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--users",
        type=Path,
        default=Path("users.yaml"),
        metavar="FILE",
        help="the users file (default users.yaml)",
    )
    serve.add_argument(
        "--policy", type=Path, help="policy file (default: the shipped customer-service policy)"
    )
    serve.add_argument(
        "--max-upload",
        type=_megabytes,
        default=20.0,
        metavar="MB",
        help="the largest upload taken, in MB (default 20)",
    )
    serve.add_argument(
        "--secure-cookies",
        action="store_true",
        help="send the session cookie over HTTPS only (behind a TLS proxy)",
    )
    serve.set_defaults(handler=_serve, then=".")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(_("{text} is not a port (1 to 65535)").format(text=text))
    return port


def _megabytes(text: str) -> float:
    try:
        size = float(text)
    except ValueError:
        size = 0.0
    if not 0 < size <= 10_000:
        message = _("{text} is not a size in MB above 0 (at most 10000)")
        raise argparse.ArgumentTypeError(message.format(text=text))
    return size


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import uvicorn  # the server only for the command that serves

    from appraisal.web.app import Settings, create_app

    settings = Settings(
        ledger=args.ledger,
        users_file=args.users,
        policy=args.policy,
        max_upload_bytes=int(args.max_upload * 1024 * 1024),
        secure_cookies=args.secure_cookies,
    )
    app = create_app(settings)  # UsersFileError: every problem of the users file
    if not len(app.state.users):
        message = _("{file}: no user; add one with appraisal users add NAME --role admin")
        print(message.format(file=args.users), file=err)
        return EXIT_PROBLEMS
    if not _loopback(args.host):
        warning = _(
            "Warning: listening on {host}, which other machines can reach; put it behind "
            "HTTPS (with --secure-cookies) or listen on 127.0.0.1."
        )
        print(warning.format(host=args.host), file=err)
    busy = _taken(args.host, args.port)
    if busy is not None:
        print(busy, file=err)
        return EXIT_PROBLEMS
    host = f"[{args.host}]" if ":" in args.host else args.host
    listening = _(
        "The web page is at http://{host}:{port}/ (ledger {ledger}, users {users}, {count} user(s)); Ctrl+C stops it."
    )
    said = listening.format(
        host=host,
        port=args.port,
        ledger=shown(args.ledger),
        users=args.users,
        count=len(app.state.users),
    )
    print(said, file=out, flush=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", server_header=False)
    return EXIT_OK


def _taken(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, when another program holds the
    port or it needs rights this user lacks; else None (uvicorn says anything else)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as trial:
            trial.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            trial.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            message = _("Port {port} on {host} is in use by another program; choose another with --port.")  # fmt: skip
        elif error.errno == errno.EACCES:
            message = _("Port {port} on {host} needs rights this user lacks; choose one above 1023 with --port.")  # fmt: skip
        else:
            return None
        return message.format(host=host, port=port)
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
