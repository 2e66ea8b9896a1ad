"""The public audit page: the chain's head now, the heads published each day, and the
daily check that alerts the admins when the record does not verify."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client

from balaikota.core import tasks
from balaikota.core.models import AuditCheckpoint, AuditEntry
from balaikota.core.workdays import JAKARTA
from balaikota.notifications.models import Channel, OutboxMessage
from tests.conftest import Cast, submit

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_current_head(cast: Cast, client: Client) -> None:
    submit()
    head = AuditEntry.objects.order_by("-id").first()
    assert head is not None
    page = client.get("/audit").content.decode()
    assert f'id="head-hash">{head.entry_hash}<' in page
    assert f"#{head.pk}" in page


def test_the_daily_job_publishes_one_head_a_day(cast: Cast, client: Client) -> None:
    submit()
    with time_machine.travel(dt.datetime(2026, 11, 27, 23, 55, tzinfo=JAKARTA), tick=False):
        assert tasks.daily_audit_check.call_local()
        assert tasks.daily_audit_check.call_local()  # run twice: still one head that day
    submit(text="Lampu jalan mati di gang tiga sejak kemarin malam.")
    with time_machine.travel(dt.datetime(2026, 11, 28, 23, 55, tzinfo=JAKARTA), tick=False):
        tasks.daily_audit_check.call_local()
    first, second = AuditCheckpoint.objects.order_by("date")
    assert (first.date, second.date) == (dt.date(2026, 11, 27), dt.date(2026, 11, 28))
    assert second.entry_id > first.entry_id
    body = client.get("/audit.json").json()
    assert [c["date"] for c in body["checkpoints"]] == ["2026-11-28", "2026-11-27"]
    assert body["checkpoints"][1]["hash"] == first.entry_hash
    assert body["head"]["hash"] == AuditEntry.objects.order_by("-id").first().entry_hash  # type: ignore[union-attr]
    assert 'data-date="2026-11-27"' in client.get("/audit").content.decode()


def test_a_broken_record_alerts_every_admin_and_publishes_nothing(cast: Cast) -> None:
    complaint = submit()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complaints_complaint SET status = %s WHERE id = %s", ["closed", complaint.pk]
        )
    assert tasks.daily_audit_check.call_local() is False
    assert not AuditCheckpoint.objects.exists()
    alerts = OutboxMessage.objects.filter(event="audit.broken", recipient_user=cast.admin)
    assert set(alerts.values_list("channel", flat=True)) == {Channel.IN_APP, Channel.EMAIL}
    assert complaint.ticket in alerts.first().body  # type: ignore[union-attr]
    assert not OutboxMessage.objects.filter(event="audit.broken", recipient_user=cast.operator)
