from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import OperationalError
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from balaikota.core.schedule import wib
from balaikota.notifications import delivery

log = logging.getLogger(__name__)

# Commits that write to the outbox within this window share one delivery run.
COALESCE_SECONDS = 1
_SCHEDULED = "notifications:delivery-scheduled"


# Ahead of the alert and forward runs queued by the same burst: they only add messages.
@db_task(priority=5)
def deliver_outbox() -> int:
    try:
        return delivery.deliver_due()
    except OperationalError as exc:
        # SQLite busy with intake's writes beyond its timeout, or the database gone a
        # moment: what is due stays pending; a run shortly after takes it.
        if HUEY.immediate:
            raise
        log.warning("outbox: delivery run put off (%s)", exc)
        deliver_outbox_soon()  # coalesced: failing runs do not multiply
        return 0


def deliver_outbox_soon() -> None:
    """Called after a commit that wrote to the outbox: deliver within a second or two.

    Under load, hundreds of complaints a minute would each queue a delivery run that finds
    little to do; instead the first commit of a window schedules one run at the window's
    end, and the commits inside the window leave their messages to it.
    """
    if HUEY.immediate:
        deliver_outbox()
    elif cache.add(_SCHEDULED, True, timeout=COALESCE_SECONDS):
        deliver_outbox.schedule(delay=COALESCE_SECONDS)


@db_periodic_task(wib(minute="*"))
def deliver_outbox_periodically() -> int:
    # Picks up what failed earlier and is due for another try, and anything written while
    # the worker was down.
    return delivery.deliver_due()
