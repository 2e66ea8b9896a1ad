"""Limits on abuse: requests counted per bucket and fixed window, shared by every web process
and host.

The counters live in Redis when REDIS_URL is set (the default cache is Redis then). Without
it, on a SQLite install, in a small SQLite file of their own beside the database (every
process on the machine shares it, and counting never takes the database's write lock); on
PostgreSQL in the database (RateCounter, an UNLOGGED table there: one row per bucket and
window, incremented by a single atomic upsert). Never in a process's memory: with three web
processes, a count kept by each lets three times the limit through.

A bucket names what is limited and who asks ("report:ip:<hash>"); clients are named by a keyed
hash (`fingerprint`), so that no address, phone number or e-mail is stored in a counter.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balaikota.core import writers
from balaikota.core.models import RateCounter

# A rate: at most `count` requests in each window of `seconds`.
Rate = tuple[int, int]


class Counter(Protocol):
    def increment(self, bucket: str, window_start: int, seconds: int) -> int:
        """Count one hit in the window; the hits counted so far, this one included."""
        ...


# One statement, atomic on SQLite (3.35+) and PostgreSQL alike: two processes counting the
# same window at once each see their own hit. (The ORM's upsert can only set values.)
_UPSERT = (
    "INSERT INTO core_ratecounter (bucket, window_start, hits, expires_at) VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = core_ratecounter.hits + 1 "
    "RETURNING hits"
)


class DatabaseCounter:
    """Counters in the database: the same for every process that reaches it."""

    def increment(self, bucket: str, window_start: int, seconds: int) -> int:
        alias = router.db_for_write(RateCounter)
        connection = connections[alias]
        expires = connection.ops.adapt_datetimefield_value(
            timezone.now() + dt.timedelta(seconds=seconds)
        )
        with writers.turn(alias), connection.cursor() as cursor:
            relaxed = connection.vendor == "sqlite" and not connection.in_atomic_block
            if relaxed:
                # A count lost to a power cut costs nothing, while an fsync per request held
                # every other reader and writer behind SQLite's one write lock. Only this
                # statement: complaints are still written with synchronous=FULL.
                cursor.execute("PRAGMA synchronous=NORMAL")
            try:
                cursor.execute(_UPSERT, [bucket, window_start, expires])
                (hits,) = cursor.fetchone()
            finally:
                if relaxed:
                    cursor.execute("PRAGMA synchronous=FULL")
        if hits == 1:
            # A new window began: clear the ones that ended (an indexed, usually empty delete).
            RateCounter.objects.using(alias).filter(expires_at__lt=timezone.now()).delete()
        return int(hits)


class FileCounter:
    """Counters in their own SQLite file (SQLite installs: one machine, so every process
    reaches it). Each count is one statement holding that file's lock for microseconds,
    never synced to disk (synchronous=OFF): a count lost to a power cut costs nothing,
    and the database's own write lock is left to the complaints."""

    _CREATE = (
        "CREATE TABLE IF NOT EXISTS counter (bucket TEXT NOT NULL, window_start INTEGER "
        "NOT NULL, hits INTEGER NOT NULL, expires_at REAL NOT NULL, "
        "PRIMARY KEY (bucket, window_start)) WITHOUT ROWID"
    )
    _UPSERT = (
        "INSERT INTO counter (bucket, window_start, hits, expires_at) VALUES (?, ?, 1, ?) "
        "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits"
    )
    _local = threading.local()

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def increment(self, bucket: str, window_start: int, seconds: int) -> int:
        connection = self._connection()
        now = time.time()
        (hits,) = connection.execute(self._UPSERT, (bucket, window_start, now + seconds)).fetchone()
        if hits == 1:
            # A new window began: clear the ones that ended.
            connection.execute("DELETE FROM counter WHERE expires_at < ?", (now,))
        return int(hits)

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (a forked worker opens its own)."""
        key = (os.getpid(), self.path)
        opened: dict[tuple[int, str], sqlite3.Connection] = self._local.__dict__.setdefault(
            "connections", {}
        )
        if key not in opened:
            connection = sqlite3.connect(
                self.path, timeout=settings.DATABASE_BUSY_TIMEOUT, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(self._CREATE)
            opened[key] = connection
        return opened[key]


def counter_file() -> Path | None:
    """The counters' file beside a SQLite database; None on PostgreSQL or in memory."""
    connection = connections[router.db_for_write(RateCounter)]
    if not isinstance(connection, SQLiteWrapper) or connection.is_in_memory_db():
        return None
    return Path(connection.settings_dict["NAME"]).with_name("rate-counters.sqlite3")


class CacheCounter:
    """Counters in a shared cache (Redis): SET NX then INCR, each atomic in Redis."""

    def __init__(self, alias: str = "default") -> None:
        self.cache = caches[alias]

    def increment(self, bucket: str, window_start: int, seconds: int) -> int:
        key = f"rate:{bucket}:{window_start}"
        self.cache.add(key, 0, timeout=seconds + 5)
        try:
            return int(self.cache.incr(key))
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, timeout=seconds + 5)
            return 1


def counter() -> Counter:
    """Redis when the default cache is Redis; otherwise a file beside a SQLite database, or
    PostgreSQL (a process's memory is never shared, so LocMemCache is never used)."""
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        return CacheCounter()
    path = counter_file()
    return FileCounter(path) if path is not None else DatabaseCounter()


@dataclass(frozen=True)
class Hit:
    count: int
    retry_after: int  # seconds until the window ends


def count(bucket: str, rate: Rate, *, store: Counter | None = None) -> Hit:
    """Count one request in `bucket`'s current window of `rate`."""
    seconds = rate[1]
    now = time.time()
    window_start = int(now // seconds * seconds)
    hits = (store or counter()).increment(bucket, window_start, seconds)
    return Hit(hits, max(1, math.ceil(window_start + seconds - now)))


def hit(bucket: str, rate: Rate, *, store: Counter | None = None) -> int:
    """Count one request: 0 when allowed, otherwise the seconds to wait (for Retry-After)."""
    counted = count(bucket, rate, store=store)
    return 0 if counted.count <= rate[0] else counted.retry_after


def allow(bucket: str, limit: int) -> int:
    """`hit` with `limit` requests per minute."""
    return hit(bucket, (limit, 60))


def fingerprint(value: str) -> str:
    """A keyed hash of a client's address, number or e-mail: the same client gets the same
    bucket, and nobody can tell from a bucket who it was (nor test guesses without the key)."""
    return salted_hmac("balaikota.ratelimit", value, algorithm="sha256").hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The client's address by the same rule as the log-in lockout (TRUSTED_PROXIES)."""
    return get_client_ip_address(request) or "unknown"


def check(
    request: HttpRequest,
    scope: str,
    rate: Rate,
    *,
    key: str = "",
    key_rate: Rate | None = None,
) -> int:
    """Counts a request to `scope` per client address and per `key` (an API key's id, a
    device, a sender); 0 when allowed, else the seconds to wait.

    A key with a rate of its own (a partner sending in bulk) is held to that rate instead of
    the per-address one; any other key to `rate` as well as its address.
    """
    if key and key_rate:
        return hit(f"{scope}:key:{fingerprint(key)}", key_rate)
    waits = [hit(f"{scope}:ip:{fingerprint(client_address(request))}", rate)]
    if key:
        waits.append(hit(f"{scope}:key:{fingerprint(key)}", rate))
    return max(waits)


def wait_message(seconds: int) -> str:
    """What the client is told: how long to wait, and until when (the city's time)."""
    at = localtime(timezone.now() + dt.timedelta(seconds=seconds))
    if seconds < 60:
        wait = ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return _("Too many requests from your connection. Try again in %(wait)s (at %(time)s).") % {
        "wait": wait,
        "time": f"{at:%H:%M}",
    }
