"""The counters behind every limit on abuse: shared by every process, never in one's memory.

"Two processes" are two counters that share nothing but the store: two database
connections (each thread has its own), or two Redis clients when REDIS_URL is set.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import RequestFactory

from balaikota.core import ratelimit
from balaikota.core.envvars import ConfigurationError, env_rate
from balaikota.core.models import RateCounter

REDIS_URL = os.environ.get("REDIS_URL", "")


@contextmanager
def override_database_name(name: str) -> Iterator[None]:
    """The default database as if it were the file `name` (only its settings are read)."""
    before = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.settings_dict["NAME"] = before


def in_another_connection(work: Any) -> Any:
    """Runs `work` in a thread, which Django gives its own database connection."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_a_limit_reached_in_one_connection_holds_in_another() -> None:
    # given: two "processes", each with its own counter and database connection
    rate = (3, 60)
    first = [
        ratelimit.hit("test:shared", rate, store=ratelimit.DatabaseCounter()) for _ in range(3)
    ]
    # when: the second one counts the same bucket
    second = in_another_connection(
        lambda: ratelimit.hit("test:shared", rate, store=ratelimit.DatabaseCounter())
    )
    # then: the first three passed, and the fourth is refused wherever it arrives
    assert first == [0, 0, 0]
    assert 0 < second <= 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_each_counted_once() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The in-memory test database's shared cache refuses a second writer at once; the
        # file database Balaikota runs on queues it (WAL, busy_timeout).
        pytest.skip("concurrent writers need a file or server database")

    def hammer() -> list[int]:
        store = ratelimit.DatabaseCounter()
        return [ratelimit.count("test:race", (1000, 60), store=store).count for _ in range(25)]

    results: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(in_another_connection(hammer))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    seen = sorted(c for counts in results for c in counts)
    # Every hit got its own number: none lost, none counted twice.
    assert seen == list(range(1, 76))


# One web process on the SQLite file: its own connection, WAL, a busy timeout.
_PROCESS = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=20, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
for _ in range(40):
    print(db.execute(sys.argv[2], ["test:processes", 0, "2999-01-01 00:00:00"]).fetchone()[0])
"""


def test_separate_processes_on_one_sqlite_file_each_count_every_hit(tmp_path: Path) -> None:
    path = str(tmp_path / "counters.sqlite3")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE core_ratecounter (id INTEGER PRIMARY KEY, bucket TEXT, "
        "window_start INTEGER, hits INTEGER, expires_at TEXT, UNIQUE (bucket, window_start))"
    )
    db.commit()
    db.close()
    sql = ratelimit._UPSERT.replace("%s", "?")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _PROCESS, path, sql], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60)[0] for process in processes]
    counts = sorted(int(line) for output in outputs for line in output.split())
    assert counts == list(range(1, 121))


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
def test_two_redis_clients_share_the_count() -> None:
    first = ratelimit.CacheCounter.__new__(ratelimit.CacheCounter)
    second = ratelimit.CacheCounter.__new__(ratelimit.CacheCounter)
    # Two caches with their own connection pools, as in two web processes.
    first.cache = RedisCache(REDIS_URL, {})
    second.cache = RedisCache(REDIS_URL, {})
    bucket = f"test:redis:{time.time_ns()}"
    answers = [ratelimit.hit(bucket, (2, 60), store=s) for s in (first, second, first, second)]
    assert answers[:2] == [0, 0]
    assert all(0 < wait <= 60 for wait in answers[2:])


def test_with_redis_configured_the_counters_are_in_redis(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
        }
    }
    assert isinstance(ratelimit.counter(), ratelimit.CacheCounter)


def test_a_process_memory_cache_is_never_used(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert isinstance(ratelimit.counter(), ratelimit.DatabaseCounter)


@pytest.mark.django_db
def test_retry_after_is_the_rest_of_the_window() -> None:
    rate = (1, 3600)
    assert ratelimit.hit("test:window", rate) == 0
    wait = ratelimit.hit("test:window", rate)
    window_end = (int(time.time()) // 3600 + 1) * 3600
    assert abs(wait - (window_end - time.time())) <= 2


@pytest.mark.django_db
def test_ended_windows_are_cleared_when_a_new_one_begins() -> None:
    store = ratelimit.DatabaseCounter()
    ratelimit.hit("test:short", (5, 1), store=store)
    RateCounter.objects.update(expires_at="2000-01-01T00:00:00Z")
    ratelimit.hit("test:other", (5, 60), store=store)
    assert list(RateCounter.objects.values_list("bucket", flat=True)) == ["test:other"]


@pytest.mark.django_db
def test_counters_name_clients_by_a_keyed_hash_only(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    request = RequestFactory().post("/lapor", REMOTE_ADDR="203.0.113.77")
    ratelimit.check(request, "report", (5, 60), key="warga@example.test")
    buckets = " ".join(RateCounter.objects.values_list("bucket", flat=True))
    assert "report:ip:" in buckets
    assert "report:key:" in buckets
    assert "203.0.113" not in buckets
    assert "warga" not in buckets


@pytest.mark.django_db
def test_a_key_with_its_own_rate_is_not_held_to_the_address() -> None:
    request = RequestFactory().post("/api/v1/complaints", REMOTE_ADDR="203.0.113.5")
    per_address = (2, 3600)
    bulk = [
        ratelimit.check(request, "report", per_address, key="partner", key_rate=(50, 60))
        for _ in range(10)
    ]
    plain = [ratelimit.check(request, "report", per_address, key="app") for _ in range(3)]
    assert bulk == [0] * 10
    assert plain[:2] == [0, 0]
    assert plain[2] > 0


def test_the_client_address_follows_the_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert ratelimit.client_address(forged) == "10.0.0.9"
    settings.TRUSTED_PROXIES = 1
    behind = factory.get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.10"
    )
    assert ratelimit.client_address(behind) == "203.0.113.10"


@pytest.mark.django_db
def test_citizens_behind_one_balancer_are_counted_apart(settings: Any) -> None:
    # given: haproxy in front, which lists each client alone in X-Forwarded-For
    settings.TRUSTED_PROXIES = 1
    factory = RequestFactory()

    def through_balancer(client: str) -> Any:
        return factory.post("/", REMOTE_ADDR="10.77.11.2", HTTP_X_FORWARDED_FOR=client)

    scope = f"report-{uuid.uuid4().hex}"  # counters in Redis outlive a test

    # when: one citizen uses up the limit
    first = [ratelimit.check(through_balancer("203.0.113.7"), scope, (2, 3600)) for _ in "abc"]
    other = ratelimit.check(through_balancer("198.51.100.20"), scope, (2, 3600))

    # then: the next citizen is not refused for it
    assert ratelimit.client_address(through_balancer("203.0.113.7")) == "203.0.113.7"
    assert first[:2] == [0, 0]
    assert first[2] > 0
    assert other == 0


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (2, "203.0.113.7, 10.0.0.5", "203.0.113.7"),  # a CDN, then the balancer
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"),  # the client forged one
        (2, "203.0.113.7", "10.0.0.9"),  # came round the CDN: the socket's address
        (1, "", "10.0.0.9"),  # straight to the application
        (1, "not-an-address", "10.0.0.9"),
    ],
)
def test_the_client_is_the_nth_address_from_the_right(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_address(request) == expected


@pytest.mark.parametrize(
    ("value", "rate"),
    [("10/hour", (10, 3600)), ("3/10m", (3, 600)), ("1/5s", (1, 5)), ("100/d", (100, 86400))],
)
def test_rates_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, rate: tuple[int, int]
) -> None:
    monkeypatch.setenv("RATE_LIMIT_REPORTS", value)
    assert env_rate("RATE_LIMIT_REPORTS") == rate


@pytest.mark.parametrize("value", ["ten/hour", "10", "10/fortnight", "0/hour", "5/0m"])
def test_a_malformed_rate_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RATE_LIMIT_SUPPORTS", value)
    with pytest.raises(ConfigurationError, match="RATE_LIMIT_SUPPORTS"):
        env_rate("RATE_LIMIT_SUPPORTS")


def test_a_limit_counted_in_the_file_holds_in_another_process(tmp_path: Path) -> None:
    # given: two web processes' counters on the same file beside a SQLite database
    path = tmp_path / "rate-counters.sqlite3"
    rate = (2, 60)
    first = [ratelimit.hit("test:file", rate, store=ratelimit.FileCounter(path)) for _ in range(2)]
    # when: the other process counts the same bucket
    second = in_another_connection(
        lambda: ratelimit.hit("test:file", rate, store=ratelimit.FileCounter(path))
    )
    # then: the third request is refused wherever it arrives
    assert first == [0, 0]
    assert 0 < second <= 60


def test_the_file_forgets_ended_windows(tmp_path: Path) -> None:
    store = ratelimit.FileCounter(tmp_path / "rate-counters.sqlite3")
    store.increment("test:old", 1, 1)
    with sqlite3.connect(store.path) as counters:
        counters.execute("UPDATE counter SET expires_at = 0")  # its window ended long ago

    store.increment("test:new", int(time.time()), 60)

    with sqlite3.connect(store.path) as counters:
        assert counters.execute("SELECT bucket FROM counter").fetchall() == [("test:new",)]


@pytest.mark.django_db
def test_a_sqlite_file_install_counts_beside_its_database(settings: Any, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite installs")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    database = tmp_path / "balaikota.sqlite3"
    with override_database_name(str(database)):
        store = ratelimit.counter()
    assert isinstance(store, ratelimit.FileCounter)
    assert store.path == str(tmp_path / "rate-counters.sqlite3")


@pytest.mark.django_db
def test_postgresql_keeps_the_counters_out_of_its_log() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's unlogged tables")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'core_ratecounter'")
        assert cursor.fetchone() == ("u",)
