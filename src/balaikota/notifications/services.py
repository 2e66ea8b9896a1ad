"""Putting messages in the outbox. Call inside the transaction of the change they report."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from balaikota.core import writers
from balaikota.core.models import User
from balaikota.notifications.models import Channel, OutboxMessage

# The messages of a `collected()` block, written together when it ends.
_collecting: contextvars.ContextVar[list[OutboxMessage] | None] = contextvars.ContextVar(
    "outbox_collecting", default=None
)


@contextmanager
def collected() -> Iterator[None]:
    """Write the messages put in the outbox inside the block with one insert when it ends
    (still inside the caller's transaction): for a caller that tells of many things at once,
    such as the chainer announcing a run's new complaints. A block that raises writes none."""
    if _collecting.get() is not None:  # an outer block writes them
        yield
        return
    messages: list[OutboxMessage] = []
    token = _collecting.set(messages)
    try:
        yield
    finally:
        _collecting.reset(token)
    _put(messages)


def _put(messages: list[OutboxMessage]) -> None:
    if not messages:
        return
    pending = _collecting.get()
    if pending is not None:
        pending.extend(messages)
        return
    if len(messages) == 1:
        messages[0].save(force_insert=True)
    else:
        # Built once, not by the ORM's compiler: the chainer puts hundreds at a time.
        writers.insert(messages)
    _schedule_delivery()


def _schedule_delivery() -> None:
    """Ask the worker to deliver once this transaction commits (`deliver_outbox_soon`
    coalesces the requests of many messages and commits into one run).

    robust=True: if the queue cannot be reached, the change still stands and the periodic
    job delivers the messages a minute later.
    """
    from balaikota.notifications import tasks

    transaction.on_commit(tasks.deliver_outbox_soon, robust=True)


def notify_user(user: User, *, event: str, subject: str, body: str, link: str = "") -> None:
    """An in-app notice, and an e-mail when the user has an address."""
    notify_users([user], event=event, subject=subject, body=body, link=link)


def notify_users(users: list[User], *, event: str, subject: str, body: str, link: str = "") -> None:
    """`notify_user` for each of `users`, in one insert."""
    messages = []
    for user in users:
        messages.append(
            OutboxMessage(
                channel=Channel.IN_APP,
                recipient_user=user,
                subject=subject,
                body=body,
                link=link,
                event=event,
                next_attempt_at=timezone.now(),
            )
        )
        if not user.email:
            continue
        messages.append(
            OutboxMessage(
                channel=Channel.EMAIL,
                recipient_user=user,
                address=user.email,
                subject=subject,
                body=body,
                link=link,
                event=event,
                next_attempt_at=timezone.now(),
            )
        )
    _put(messages)


def notify_in_app(user_id: int, *, event: str, subject: str, body: str, link: str = "") -> None:
    """An in-app notice only (a citizen chose how else to hear: see the caller)."""
    OutboxMessage.objects.create(
        channel=Channel.IN_APP,
        recipient_user_id=user_id,
        subject=subject,
        body=body,
        link=link,
        event=event,
        next_attempt_at=timezone.now(),
    )
    _schedule_delivery()


def send_email(
    address: str,
    *,
    event: str,
    subject: str,
    body: str,
    link: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """`headers`: extra mail headers, e.g. List-Unsubscribe for alerts."""
    _put(
        [
            OutboxMessage(
                channel=Channel.EMAIL,
                address=address,
                subject=subject,
                body=body,
                link=link,
                payload={"headers": headers} if headers else None,
                event=event,
                next_attempt_at=timezone.now(),
            )
        ]
    )


def post_webhook(url: str, secret: str, *, event: str, payload: dict[str, Any]) -> None:
    _put(
        [
            OutboxMessage(
                channel=Channel.WEBHOOK,
                address=url,
                secret=secret,
                subject=event,
                body="",
                payload=payload,
                event=event,
                next_attempt_at=timezone.now(),
            )
        ]
    )


def send_text(number: str, *, channel: str, event: str, text: str) -> None:
    """A short message to a phone, through the SMS/WhatsApp gateway (`channel` is "sms" or
    "whatsapp")."""
    _put(
        [
            OutboxMessage(
                channel=Channel.GATEWAY,
                address=number,
                subject=channel,
                body=text,
                event=event,
                next_attempt_at=timezone.now(),
            )
        ]
    )
