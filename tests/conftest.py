"""The test session reads English unless a test asks for Chinese; and a ledger on the
test PostgreSQL server for the tests that take ``postgres_ledger``.

Most tests assert messages word for word; they were written against the English
catalogue (the msgids), so the session runs with ``APPRAISAL_LANG=en``, and the
subprocesses tests start inherit it. A test of the Chinese text sets ``zh`` itself
(``monkeypatch.setenv("APPRAISAL_LANG", "zh")`` or ``--lang zh``); every test ends
with the language back to the environment's.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from appraisal.i18n import set_language

os.environ["APPRAISAL_LANG"] = "en"


@pytest.fixture(autouse=True)
def _language_of_the_environment() -> Iterator[None]:
    yield
    set_language(None)


#: A postgresql:// connection string to the test server (.ci/run starts a throwaway one).
POSTGRES = "APPRAISAL_TEST_POSTGRES"


def postgres_server() -> str:
    """The test server's connection string; skips (fails under CI=true) without one:
    CI must test the ledger and the web page on PostgreSQL too."""
    dsn = os.environ.get(POSTGRES, "")
    if not dsn:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {POSTGRES} is not set: PostgreSQL is untested")
        pytest.skip(f"{POSTGRES} is not set (a postgresql:// connection string)")
    return dsn


@pytest.fixture
def postgres_ledger() -> Iterator[str]:
    """A connection string whose search path is a new, empty schema, dropped afterwards."""
    import psycopg

    server = postgres_server()
    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in server else "?"
    try:
        yield f"{server}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")
