from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task, db_task

from balaikota.core.schedule import wib
from balaikota.open311 import forwarding
from balaikota.open311.models import Forward, ForwardState

log = logging.getLogger(__name__)

POLL_EVERY = dt.timedelta(minutes=15)


@db_task()
def send_forward(forward_id: int) -> None:
    forward = (
        Forward.objects.select_related("target", "complaint")
        .filter(pk=forward_id, state=ForwardState.PENDING)
        .first()
    )
    if forward is None:
        return
    try:
        forwarding.send(forward)
    except forwarding.ForwardError as exc:
        retry_at = forwarding.failed(forward, str(exc))
        if retry_at is not None:
            send_forward.schedule((forward_id,), eta=retry_at)


@db_periodic_task(wib(minute="*/15"))
def poll_forwards() -> int:
    """Bring back the status of forwarded complaints until the other system closes them."""
    changed = 0
    for forward_id in forwarding.due_for_polling(
        timezone.now(), POLL_EVERY - dt.timedelta(minutes=1)
    ):
        forward = Forward.objects.select_related("target", "complaint").get(pk=forward_id)
        try:
            changed += forwarding.poll(forward)
        except Exception:
            # One odd answer must not stop the others: it waits its turn like them.
            log.exception("forward %s: polling failed", forward_id)
            Forward.objects.filter(pk=forward_id).update(polled_at=timezone.now())
    return changed


@db_periodic_task(wib(minute="7", hour="*"))
def resend_stranded_forwards() -> int:
    """Forwards still pending an hour after they were planned (the queue was down)."""
    cutoff = timezone.now() - dt.timedelta(hours=1)
    stranded = list(
        Forward.objects.filter(
            state=ForwardState.PENDING, created_at__lt=cutoff, attempts=0
        ).values_list("pk", flat=True)[:200]
    )
    for forward_id in stranded:
        send_forward(forward_id)
    return len(stranded)
