"""The outbox delivers over real SMTP and HTTP, retries after failures and loses nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from balaikota.agencies.models import Agency
from balaikota.notifications import delivery, signing
from balaikota.notifications.models import DeliveryStatus, Notice, OutboxMessage
from tests.conftest import Cast, submit
from tests.peers import Inbox, Receiver

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-agency"


def use_webhook(receiver: Receiver) -> None:
    Agency.objects.filter(code="dpupr").update(webhook_url=receiver.url, webhook_secret=SECRET)


def later(minutes: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_agency_is_told_by_email_in_app_and_signed_webhook(
    cast: Cast, smtp_server: Inbox, webhook_receiver: Receiver
) -> None:
    use_webhook(webhook_receiver)
    complaint = submit()
    delivery.deliver_due()

    subjects = [m["Subject"] for m in smtp_server.messages]
    assert any(complaint.ticket in s for s in subjects)
    assert {m["To"] for m in smtp_server.messages} >= {
        "pupr@example.test",
        "pupr-head@example.test",
    }
    assert Notice.objects.filter(user=cast.pupr_staff, title__contains=complaint.ticket).exists()

    headers, body = webhook_receiver.requests[0]
    assert signing.verify(body, headers[signing.HEADER], SECRET)
    payload = json.loads(body)
    assert payload["ticket"] == complaint.ticket
    assert payload["agency"] == "dpupr"
    assert OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).count() == 0


def test_webhook_payload_carries_no_personal_data(cast: Cast, webhook_receiver: Receiver) -> None:
    from balaikota.complaints.intake import Contact

    use_webhook(webhook_receiver)
    submit(
        contact=Contact(
            name="Siti Aminah",
            phone="081234567890",
            email="siti@example.test",
            nik="3573010101010001",
        )
    )
    delivery.deliver_due()
    _, body = webhook_receiver.requests[0]
    for secret in (b"Siti", b"081234567890", b"siti@example.test", b"3573010101010001"):
        assert secret not in body


def test_a_failed_webhook_is_retried_with_backoff_and_then_delivered(
    cast: Cast, webhook_receiver: Receiver
) -> None:
    use_webhook(webhook_receiver)
    webhook_receiver.status = 503
    submit()
    delivery.deliver_due()
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == DeliveryStatus.PENDING
    assert message.attempts == 1
    assert "503" in message.last_error
    assert message.next_attempt_at > timezone.now()

    # Not due yet: nothing is sent again before the backoff has passed.
    delivery.deliver_due()
    assert len(webhook_receiver.requests) == 1

    webhook_receiver.status = 200
    delivery.deliver_due(now=later(2))
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert message.attempts == 2
    assert len(webhook_receiver.requests) == 2


def test_an_unreachable_receiver_keeps_the_message_waiting(cast: Cast, unused_port: int) -> None:
    Agency.objects.filter(code="dpupr").update(webhook_url=f"http://127.0.0.1:{unused_port}/x")
    submit()
    delivery.deliver_due()
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == DeliveryStatus.PENDING
    assert "unreachable" in message.last_error


def test_email_waits_while_the_mail_server_is_down_then_goes(
    cast: Cast, smtp_server: Inbox, settings: object, unused_port: int
) -> None:
    real_port = settings.EMAIL_PORT  # type: ignore[attr-defined]
    settings.EMAIL_PORT = unused_port  # type: ignore[attr-defined]
    submit()
    delivery.deliver_due()
    waiting = OutboxMessage.objects.filter(channel="email", status=DeliveryStatus.PENDING)
    assert waiting.count() == 2
    assert not smtp_server.messages

    settings.EMAIL_PORT = real_port  # type: ignore[attr-defined]
    delivery.deliver_due(now=later(2))
    assert len(smtp_server.messages) == 2
    assert not OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_messages_written_while_no_worker_runs_are_delivered_when_it_comes_back(
    cast: Cast, smtp_server: Inbox
) -> None:
    # Submissions commit their messages to the outbox whether or not a worker is running.
    for _ in range(3):
        submit()
    assert OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).count() == 12
    assert delivery.deliver_due() == 12
    assert len(smtp_server.messages) == 6


def test_a_receiver_down_over_a_long_weekend_still_gets_the_message(
    cast: Cast, webhook_receiver: Receiver
) -> None:
    use_webhook(webhook_receiver)
    webhook_receiver.status = 500
    submit()
    moment = timezone.now()
    for _ in range(16):  # four days of retries every six hours
        moment += dt.timedelta(hours=6, minutes=1)
        delivery.deliver_due(now=moment)
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == DeliveryStatus.PENDING
    webhook_receiver.status = 200
    delivery.deliver_due(now=moment + dt.timedelta(hours=6, minutes=1))
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_after_a_week_of_failures_the_message_is_given_up_and_kept(
    cast: Cast, webhook_receiver: Receiver
) -> None:
    use_webhook(webhook_receiver)
    webhook_receiver.status = 500
    submit()
    moment = timezone.now()
    while moment < timezone.now() + delivery.GIVE_UP_AFTER + dt.timedelta(hours=7):
        moment += dt.timedelta(hours=6, minutes=1)
        delivery.deliver_due(now=moment)
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == DeliveryStatus.FAILED
    assert "500" in message.last_error


def test_a_message_being_sent_is_not_claimed_by_a_second_worker(cast: Cast) -> None:
    submit()
    first = delivery._claim_batch(timezone.now())
    again = delivery._claim_batch(timezone.now() + dt.timedelta(minutes=6))
    assert first
    assert not {m.pk for m in first} & {m.pk for m in again}


def test_signature_is_refused_when_tampered_or_replayed_late() -> None:
    body = b'{"ticket":"SBT-1"}'
    header = signing.sign(body, SECRET, timestamp=1_800_000_000)
    assert signing.verify(body, header, SECRET, now=1_800_000_100)
    assert not signing.verify(b'{"ticket":"SBT-2"}', header, SECRET, now=1_800_000_100)
    assert not signing.verify(body, header, "another-secret", now=1_800_000_100)
    assert not signing.verify(body, header, SECRET, now=1_800_000_000 + 3600)
