"""A web thread keeps its database connection from one request to the next (on SQLite the
PRAGMAs ran on every request before), and a connection the database dropped meanwhile (a
restarted PostgreSQL) is replaced before a request uses it, never answered with a 500.
Counting a request for the rate limits skips SQLite's fsync; complaints keep theirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from balaikota.core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def web_thread(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own, as a web thread has: with the settings' options, on a file
    for SQLite (the tests' in-memory database is never closed at all)."""
    params = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        params["NAME"] = str(tmp_path / "balaikota.sqlite3")
    wrapper = type(connections["default"])(params)
    yield wrapper
    wrapper.close()


def _request(wrapper: BaseDatabaseWrapper) -> None:
    """What Django does around a request: close_old_connections at its start and end."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
    wrapper.close_if_unusable_or_obsolete()


def test_the_connection_is_kept_between_requests(web_thread: BaseDatabaseWrapper) -> None:
    _request(web_thread)
    first = web_thread.connection

    for _ in range(3):
        _request(web_thread)

    assert first is not None
    assert web_thread.connection is first


def test_sqlite_connections_are_set_up_once_for_durable_writes(
    web_thread: BaseDatabaseWrapper,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's PRAGMAs")
    _request(web_thread)
    with web_thread.cursor() as cursor:
        settings = {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert settings["journal_mode"] == "wal"
    assert settings["synchronous"] == 2  # FULL
    assert settings["foreign_keys"] == 1
    assert settings["busy_timeout"] > 0


def test_a_connection_the_database_dropped_is_replaced(web_thread: BaseDatabaseWrapper) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a server that can drop a connection")
    _request(web_thread)
    dropped = web_thread.connection
    assert dropped is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped.info.backend_pid])

    _request(web_thread)

    assert web_thread.connection is not dropped


@pytest.mark.django_db(transaction=True)
def test_counting_a_request_leaves_sqlite_writing_durably() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's synchronous setting")
    store = ratelimit.DatabaseCounter()

    hits = [store.increment("open311:ip:test", 1, 60) for _ in range(3)]

    assert hits == [1, 2, 3]
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
