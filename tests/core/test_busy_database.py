"""A database too busy to take a write answers 503 with Retry-After in the endpoint's own
format, and keeps nothing of the request; it never answers 500, and a writer waits no
longer than DATABASE_BUSY_TIMEOUT for its turn.

The lock is real: a second connection holds the database's write lock (SQLite) or the
complaints table (PostgreSQL, with a short lock_timeout) while the requests run.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client

from balaikota.complaints.models import Complaint
from balaikota.core import busy
from balaikota.open311 import services as open311
from tests.conftest import SUMBERSARI

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Jalan berlubang besar di depan sekolah, motor sering jatuh."


def _hold_sqlite() -> Iterator[None]:
    # The test database is SQLite's shared in-memory one; its name is a URI.
    holder = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM complaints_complaint")  # a write: the lock is held
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def _hold_postgres() -> Iterator[None]:
    params = connection.get_connection_params()
    holder = psycopg.connect(
        **{key: value for key, value in params.items() if key not in {"cursor_factory", "context"}}
    )
    holder.execute("LOCK TABLE complaints_complaint IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        # The request's connection (this thread's) gives up after a second, as SQLite's
        # busy timeout does.
        cursor.execute("SET lock_timeout = '1s'")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@contextmanager
def write_lock() -> Iterator[None]:
    """The database's write lock (SQLite), or the complaints table (PostgreSQL), held by
    another connection inside the block."""
    hold = _hold_sqlite if connection.vendor == "sqlite" else _hold_postgres
    yield from hold()


def _form() -> dict[str, Any]:
    return {"text": TEXT, "category": "jalan-rusak", "lat": SUMBERSARI[0], "lon": SUMBERSARI[1]}


def test_the_api_answers_503_with_retry_after_in_json(city: None) -> None:
    client = Client()
    with write_lock():
        response = client.post("/api/v1/complaints", _form())

    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "busy" in response.json()["detail"]
    assert Complaint.objects.count() == 0


def test_open311_answers_503_as_a_georeport_error_array(city: None) -> None:
    _row, key = open311.create_client(name="Malang Bersuara", organisation="Komunitas")
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": str(SUMBERSARI[0]),
        "long": str(SUMBERSARI[1]),
        "description": TEXT,
    }
    with write_lock():
        response = Client().post("/open311/v2/requests.json", form)

    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()[0]["code"] == 503
    assert Complaint.objects.count() == 0


def test_the_report_form_answers_a_503_page(city: None) -> None:
    with write_lock():
        response = Client().post("/lapor", _form() | {"location_source": "map"})

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "text/html" in response["Content-Type"]
    assert "busy" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_after_the_lock_is_gone_the_same_request_is_taken(city: None) -> None:
    client = Client()
    with write_lock():
        refused = client.post("/api/v1/complaints", _form())

    accepted = client.post("/api/v1/complaints", _form())

    assert (refused.status_code, accepted.status_code) == (503, 201)
    assert Complaint.objects.count() == 1


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's busy timeout",
)
def test_a_sqlite_writer_waits_the_configured_time_and_no_longer(tmp_path: Path) -> None:
    # given: the production options on a database file, whose write lock another holds
    options = settings.DATABASES["default"]["OPTIONS"]
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")  # as the application's database is
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    writer = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(path), "OPTIONS": options}, "busy"
    )
    # when
    started = time.monotonic()
    with pytest.raises(OperationalError) as refused:
        writer.cursor().execute("BEGIN IMMEDIATE")
    waited = time.monotonic() - started
    writer.close()
    holder.rollback()
    holder.close()
    # then
    assert busy.is_busy(refused.value)
    assert settings.DATABASE_BUSY_TIMEOUT - 0.5 <= waited <= settings.DATABASE_BUSY_TIMEOUT + 2
    assert busy.retry_after() == settings.DATABASE_BUSY_TIMEOUT
