"""Turns for SQLite's one writer, queued in the kernel instead of in SQLite's busy handler.

SQLite lets one transaction write at a time. A writer that finds the lock taken sleeps and
tries again, up to 100 ms between tries: under load a waiting writer often sleeps while
the lock is free, and an unlucky one waits seconds while later ones get in (a long p99).
The busiest writers (new complaints, the rate counters, the audit chainer) therefore queue
first on an exclusive `flock` of a file beside the database, which the kernel hands on the
moment it is released; SQLite's own lock is then free when they reach it.

Only for a SQLite file outside any transaction (a nested call takes no second turn); on
PostgreSQL, writers lock rows, not the database, and need no turns.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper


@contextmanager
def turn(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    if (
        not isinstance(connection, SQLiteWrapper)
        or connection.in_atomic_block
        or connection.is_in_memory_db()
    ):
        yield
        return
    descriptor = os.open(f"{connection.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT)
    try:
        # Blocks until the holder's transaction ends (and the kernel drops a dead one's).
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
