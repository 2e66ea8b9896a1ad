"""Delivering the outbox: in-app notices, e-mail over SMTP, signed webhooks over HTTP."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, transaction
from django.utils import timezone

from balaikota.core import writers
from balaikota.core.redaction import redact
from balaikota.notifications import signing
from balaikota.notifications.models import Channel, DeliveryStatus, Notice, OutboxMessage

log = logging.getLogger(__name__)

# Retry for a week (a receiver down over a long weekend still gets everything), then keep
# the message as failed for an admin to "send again".
GIVE_UP_AFTER = dt.timedelta(days=7)
# A burst is drained in batches: one claim, one SMTP connection and one write of the
# outcomes per batch, not a write per message (on SQLite each write waits for the web's).
BATCH_SIZE = 100
WEBHOOK_TIMEOUT_SECONDS = 10
# A batch stops sending after this long and hands its unsent messages back at once, so a
# slow receiver (10 s per webhook, 20 s per SMTP command) cannot hold a claim past its lease.
BATCH_SECONDS = 120
# A claim lasts longer than the slowest batch can take (BATCH_SECONDS plus one slow send),
# so no other worker takes over a message that is still being sent.
CLAIM_LEASE = dt.timedelta(minutes=10)
SAVE_ATTEMPTS = 3


class DeliveryError(Exception):
    pass


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes after each failure, then every 6 hours."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 360))


def deliver_due(now: dt.datetime | None = None) -> int:
    """Deliver every message whose time has come; returns how many were sent."""
    sent = 0
    moment = now or timezone.now()
    while True:
        batch = _claim_batch(moment)
        if not batch:
            return sent
        sent += _deliver_batch(batch, moment)


def _claim_batch(now: dt.datetime) -> list[OutboxMessage]:
    due = OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    # Most coalesced runs find the outbox already drained: a read says so without taking
    # SQLite's write lock from intake (every transaction there begins IMMEDIATE).
    if not due.exists():
        return []
    # Claim by pushing next_attempt_at forward inside a locked transaction, so two workers
    # never send the same message; the claim of a worker that dies expires with its lease.
    with transaction.atomic():
        batch = list(
            due.select_for_update(skip_locked=True).order_by("next_attempt_at", "id")[:BATCH_SIZE]
        )
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
                next_attempt_at=now + CLAIM_LEASE
            )
    return batch


@dataclass
class _Outcomes:
    """What happened to each message of a batch, recorded in one transaction at the end."""

    deadline: float
    failed: dict[int, Exception] = field(default_factory=dict)
    unsent: set[int] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)

    tried: int = 0

    def out_of_time(self, message: OutboxMessage) -> bool:
        # At least one message per batch is tried, so that draining always moves on.
        if not self.tried or time.monotonic() < self.deadline:
            self.tried += 1
            return False
        self.unsent.add(message.pk)
        return True


def _deliver_batch(batch: list[OutboxMessage], now: dt.datetime) -> int:
    outcomes = _Outcomes(deadline=time.monotonic() + BATCH_SECONDS)
    _send_emails([m for m in batch if m.channel == Channel.EMAIL], outcomes)
    for message in batch:
        if message.channel == Channel.EMAIL or outcomes.out_of_time(message):
            continue
        try:
            _send(message, outcomes)
        except Exception as exc:
            outcomes.failed[message.pk] = exc
    sent = sum(_record(message, now, outcomes) for message in batch)
    _save_outcomes(batch, outcomes.notices)
    return sent


def _save_outcomes(batch: list[OutboxMessage], notices: list[Notice]) -> None:
    """One transaction; tried again while the database is busy (SQLite under a burst), as
    what was sent must be recorded or it would go out a second time when the claim expires."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                # The in-app notices with their messages' "sent": never shown twice.
                Notice.objects.bulk_create(notices)
                # One prepared UPDATE run once per message: bulk_update's CASE per column
                # cost the worker more CPU than everything else a new complaint asks of it.
                writers.update_rows(
                    batch, ["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
                )
            return
        except OperationalError:
            if attempt == SAVE_ATTEMPTS:
                raise
            log.warning("outbox: database busy, saving %s outcomes again", len(batch))
            for notice in notices:
                notice.pk = None


def _record(message: OutboxMessage, now: dt.datetime, outcomes: _Outcomes) -> int:
    if message.pk in outcomes.unsent:
        message.next_attempt_at = now  # back in the queue, not counted as an attempt
        return 0
    message.attempts += 1
    exc = outcomes.failed.get(message.pk)
    if exc is None:
        message.status = DeliveryStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        return 1
    # A mail server's refusal names the recipient: the address never goes into the record
    # of the error, nor into the log, which names the message and its event.
    message.last_error = redact(f"{type(exc).__name__}: {exc}", [message.address])[:2000]
    if now - message.created_at >= GIVE_UP_AFTER:
        message.status = DeliveryStatus.FAILED
        log.error(
            "giving up on outbox message %s (%s, %s): %s",
            message.pk,
            message.channel,
            message.event,
            message.last_error,
        )
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        log.warning(
            "outbox message %s (%s, %s) failed: %s",
            message.pk,
            message.channel,
            message.event,
            message.last_error,
        )
    return 0


def _send(message: OutboxMessage, outcomes: _Outcomes) -> None:
    if message.channel == Channel.IN_APP:
        if message.recipient_user_id is None:
            raise DeliveryError("in-app notice without a recipient")
        outcomes.notices.append(
            Notice(
                user_id=message.recipient_user_id,
                title=message.subject,
                body=message.body,
                link=message.link,
            )
        )
    elif message.channel == Channel.WEBHOOK:
        _post_webhook(message)
    elif message.channel == Channel.GATEWAY:
        _send_text(message)
    else:
        raise DeliveryError(f"unknown channel {message.channel}")


def _send_emails(messages: list[OutboxMessage], outcomes: _Outcomes) -> None:
    """The batch's e-mail over one SMTP connection, opened again after a failure (the
    server may have dropped it)."""
    connection = get_connection(fail_silently=False)
    try:
        for message in messages:
            if outcomes.out_of_time(message):
                continue
            try:
                connection.open()  # once: send() then leaves it open for the next message
                _email(message, connection).send(fail_silently=False)
            except Exception as exc:
                outcomes.failed[message.pk] = exc
                with contextlib.suppress(Exception):
                    connection.close()
    finally:
        with contextlib.suppress(Exception):
            connection.close()


def _email(message: OutboxMessage, connection: BaseEmailBackend) -> EmailMessage:
    body = message.body
    if message.link:
        body = f"{body}\n\n{settings.SITE_URL}{message.link}"
    return EmailMessage(
        subject=message.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={
            "X-Balaikota-Event": message.event,
            **((message.payload or {}).get("headers") or {}),
        },
        connection=connection,
    )


def _post_webhook(message: OutboxMessage) -> None:
    body = json.dumps(message.payload, sort_keys=True, ensure_ascii=False).encode()
    headers = {
        "User-Agent": "Balaikota-Webhook/1",
        "X-Balaikota-Event": message.event,
        "X-Balaikota-Delivery": str(message.pk),
    }
    if message.secret:
        headers[signing.HEADER] = signing.sign(body, message.secret)
    _post_json(message.address, body, headers, "receiver")


def _send_text(message: OutboxMessage) -> None:
    """POST `{"to", "text", "channel"}` to the gateway's send URL with its bearer token."""
    if not settings.GATEWAY_SEND_URL:
        raise DeliveryError("GATEWAY_SEND_URL is not set")
    body = json.dumps(
        {"to": message.address, "text": message.body, "channel": message.subject},
        ensure_ascii=False,
    ).encode()
    headers = {"User-Agent": "Balaikota-Gateway/1"}
    if settings.GATEWAY_SEND_TOKEN:
        headers["Authorization"] = f"Bearer {settings.GATEWAY_SEND_TOKEN}"
    _post_json(settings.GATEWAY_SEND_URL, body, headers, "gateway")


def _post_json(url: str, body: bytes, headers: dict[str, str], peer: str) -> None:
    """One POST; anything but a 2xx answer is a DeliveryError (the message is retried)."""
    # urllib also opens file: and ftp: URLs; a receiver is only ever an HTTP(S) endpoint.
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(f"{peer} URL is not http:// or https://")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            if not 200 <= response.status < 300:
                raise DeliveryError(f"{peer} answered HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{peer} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"{peer} unreachable: {exc}") from exc
