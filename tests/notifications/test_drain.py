"""A burst drains in batches: one SMTP connection for many messages, and a number of writes
that does not grow with the burst (on SQLite each write waits its turn behind intake)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balaikota.notifications import delivery
from balaikota.notifications.models import DeliveryStatus, Notice, OutboxMessage
from tests.conftest import Cast, submit
from tests.peers import Inbox

pytestmark = pytest.mark.django_db


def _drain_queries(complaints: int) -> int:
    for _ in range(complaints):
        submit()
    with CaptureQueriesContext(connection) as queries:
        delivery.deliver_due()
    assert not OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).exists()
    return len(queries)


def test_a_burst_of_email_goes_over_one_smtp_connection(cast: Cast, smtp_server: Inbox) -> None:
    # given six complaints, each telling two PUPR staff by e-mail
    for _ in range(6):
        submit()
    # when the outbox is drained
    assert delivery.deliver_due() == 24
    # then the twelve e-mails went out over a single connection
    assert len(smtp_server.messages) == 12
    assert len(set(smtp_server.peers)) == 1


def test_draining_twice_the_messages_takes_no_more_queries(cast: Cast, smtp_server: Inbox) -> None:
    small = _drain_queries(3)
    large = _drain_queries(6)
    assert large == small


def test_each_in_app_notice_is_shown_once(cast: Cast, smtp_server: Inbox) -> None:
    complaint = submit()
    delivery.deliver_due()
    delivery.deliver_due()
    assert (
        Notice.objects.filter(user=cast.pupr_staff, title__contains=complaint.ticket).count() == 1
    )


def test_a_batch_out_of_time_hands_back_its_unsent_messages_uncounted(
    cast: Cast, smtp_server: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a batch whose time is up after its first message
    monkeypatch.setattr(delivery, "BATCH_SECONDS", 0)
    for _ in range(2):
        submit()
    # when the outbox is drained
    assert delivery.deliver_due() == 8
    # then every message went once, and none counts an attempt it never had
    assert len(smtp_server.messages) == 4
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
