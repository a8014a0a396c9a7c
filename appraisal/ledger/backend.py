"""Where a ledger lives: an SQLite file (the embedded default) or a PostgreSQL database.

Part of the "seal" stage. A ledger is named by a path, or by a PostgreSQL connection
string (``postgresql://…`` or ``postgres://…``, as libpq reads it). `ledger_exists` is
the one test "is there a ledger here yet" for both, `shown` the name a message prints
(a password in a connection string is never printed), and `ledger_argument` the
``--ledger`` option's type: a path stays a `Path`, a connection string stays a string.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Connection", "LedgerTarget", "is_dsn", "ledger_argument", "ledger_exists", "shown"]

#: A ledger as given: a path to an SQLite file, or a PostgreSQL connection string.
LedgerTarget = str | Path

_SCHEMES = ("postgresql://", "postgres://")


class Connection(Protocol):
    """What the ledger uses of a database connection: `sqlite3.Connection`, or
    `appraisal.ledger.postgres.PostgresConnection` which speaks the same subset."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = (), /) -> Iterable[Any]: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...

    def close(self) -> None: ...


def is_dsn(target: LedgerTarget) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(target, str) and target.lower().startswith(_SCHEMES)


def ledger_argument(text: str) -> LedgerTarget:
    """The ``--ledger`` option's type: a connection string as given (`Path` would fold
    its ``//``), anything else a path."""
    return text if is_dsn(text) else Path(text)


def shown(target: LedgerTarget) -> str:
    """``target`` as a message names it: a path as is, a connection string without its
    password."""
    if not is_dsn(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def ledger_exists(target: LedgerTarget) -> bool:
    """Whether a ledger is there: the SQLite file exists, or the PostgreSQL database
    (its schema on the search path) holds the ledger's tables. Raises `LedgerError` when
    the database cannot be reached."""
    if not is_dsn(target):
        return Path(target).exists()
    from appraisal.ledger.postgres import has_ledger  # psycopg only when asked for

    return has_ledger(str(target), shown(target))
