"""Rows written without the ORM's compiler (`core.writers.insert`, `update_rows`) hold exactly
what `save()` and `bulk_update` would have written, in one statement for many rows."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from balaikota.core import writers
from balaikota.notifications.models import Channel, DeliveryStatus, OutboxMessage

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 12, 3, 7, 30, 15, 123456, tzinfo=dt.UTC)


def message(number: int) -> OutboxMessage:
    return OutboxMessage(
        channel=Channel.EMAIL,
        address=f"warga{number}@example.org",
        subject=f"Aduan {number} diterima",
        body="Terima kasih.\nLaporan Anda sudah kami terima.",
        payload={"ticket": f"MLG-{number}", "points": [1.5, None], "nama": "Sri Wahyuni"},
        event="complaint.submit",
        next_attempt_at=WHEN,
    )


def row(pk: int) -> dict[str, object]:
    values = OutboxMessage.objects.filter(pk=pk).values().get()
    values.pop("id")
    values.pop("created_at")
    return values


def test_an_inserted_row_holds_what_save_would_have_stored() -> None:
    saved = message(1)
    saved.save()
    inserted = message(1)
    before = timezone.now()

    writers.insert([inserted])

    assert inserted.pk is not None
    assert inserted.pk != saved.pk
    assert not inserted._state.adding
    assert row(inserted.pk) == row(saved.pk)
    assert row(inserted.pk)["payload"] == {
        "ticket": "MLG-1",
        "points": [1.5, None],
        "nama": "Sri Wahyuni",
    }
    # auto_now_add and defaults, as save() gives them
    stored = OutboxMessage.objects.get(pk=inserted.pk)
    assert stored.created_at >= before
    assert stored.status == DeliveryStatus.PENDING
    assert stored.attempts == 0


def test_many_rows_go_in_one_statement_and_each_gets_its_own_key() -> None:
    rows = [message(n) for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        writers.insert(rows)
    assert len(queries) == 1
    by_key = {m.pk: m.subject for m in OutboxMessage.objects.all()}
    assert [by_key[m.pk] for m in rows] == [f"Aduan {n} diterima" for n in range(5)]


def test_updated_rows_each_get_their_own_values_in_one_statement() -> None:
    rows = writers.insert([message(n) for n in range(4)])
    untouched = rows[3]
    for number, item in enumerate(rows[:3]):
        item.attempts = number + 1
        item.status = DeliveryStatus.SENT if number else DeliveryStatus.FAILED
        item.sent_at = WHEN + dt.timedelta(seconds=number) if number else None
        item.last_error = "" if number else "SMTPRecipientsRefused: [redacted]"
        item.subject = "not written: not among the names"

    with CaptureQueriesContext(connection) as queries:
        writers.update_rows(rows[:3], ["attempts", "status", "sent_at", "last_error"])

    assert len(queries) == 1
    stored = {m.pk: m for m in OutboxMessage.objects.all()}
    assert [stored[m.pk].attempts for m in rows] == [1, 2, 3, 0]
    assert [stored[m.pk].status for m in rows] == ["failed", "sent", "sent", "pending"]
    assert [stored[m.pk].sent_at for m in rows] == [
        None,
        WHEN + dt.timedelta(seconds=1),
        WHEN + dt.timedelta(seconds=2),
        None,
    ]
    assert stored[rows[0].pk].last_error == "SMTPRecipientsRefused: [redacted]"
    assert {stored[m.pk].subject for m in rows} == {f"Aduan {n} diterima" for n in range(4)}
    assert stored[untouched.pk].status == DeliveryStatus.PENDING


def test_the_rows_intake_writes_itself_have_no_receiver_it_skips() -> None:
    """`writers.insert` sends no signals: intake calls the complaint's one `post_save`
    receiver itself. A receiver added later to these models would be skipped at every POST
    without a sound, so it must be added here and to intake first."""
    from django.db.models.signals import post_save, pre_save

    from balaikota.complaints import public_changes
    from balaikota.complaints.models import Complaint, Event
    from balaikota.core.models import AuditEntry
    from balaikota.open311.models import ClientRequest

    called_by_intake = {public_changes._saved_or_deleted}
    for model in (Complaint, Event, AuditEntry, ClientRequest):
        for signal in (pre_save, post_save):
            receivers = {r for r in signal._live_receivers(model)[0]}
            assert receivers <= called_by_intake, (model.__name__, receivers)


def test_more_rows_than_one_statement_may_carry_are_written_in_batches_each_with_its_key() -> None:
    # 400 messages × their columns is more parameters than SQLite takes in one statement
    rows = [message(n) for n in range(400)]

    with CaptureQueriesContext(connection) as queries:
        writers.insert(rows)

    assert 1 <= len(queries) <= 400 // 40 + 1
    by_key = {m.pk: m.address for m in OutboxMessage.objects.all()}
    assert len(by_key) == 400
    assert [by_key[m.pk] for m in rows] == [f"warga{n}@example.org" for n in range(400)]


class _Turns:
    """The writers' turn as a real `flock` on a file, on any database (the test database is
    in memory or PostgreSQL, where writers take no turn)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.touch()

    def take(self, using: str) -> int:
        descriptor = os.open(self.path, os.O_RDWR)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        return descriptor

    def free(self) -> bool:
        """Could another writer get its turn now?"""
        other = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(other)
        return True


@pytest.fixture
def turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Turns:
    turns = _Turns(tmp_path / "db.sqlite3-writers")
    monkeypatch.setattr(writers, "_take_turn", turns.take)
    return turns


@pytest.mark.django_db(transaction=True)
def test_the_next_writer_gets_its_turn_at_the_commit_before_the_commits_hooks_run(
    turns: _Turns,
) -> None:
    seen: list[tuple[str, bool]] = []

    with writers.atomic():
        writers.insert([message(1)])
        transaction.on_commit(lambda: seen.append(("hook", turns.free())))
        seen.append(("inside", turns.free()))

    assert seen == [("inside", False), ("hook", True)]
    assert OutboxMessage.objects.count() == 1
    assert turns.free()


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_fails_writes_nothing_and_hands_its_turn_on(turns: _Turns) -> None:
    def fails() -> None:
        with writers.atomic():
            writers.insert([message(1)])
            raise ConnectionResetError("the client went away")

    with pytest.raises(ConnectionResetError):
        fails()

    assert OutboxMessage.objects.count() == 0
    assert turns.free()
