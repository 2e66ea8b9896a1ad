from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from balaikota.notifications import delivery


@db_task()
def deliver_outbox() -> int:
    return delivery.deliver_due()


def deliver_outbox_soon() -> None:
    """Called after a commit that wrote to the outbox: deliver now, not at the next minute."""
    deliver_outbox()


@db_periodic_task(crontab(minute="*"))
def deliver_outbox_periodically() -> int:
    # Picks up what failed earlier and is due for another try, and anything written while
    # the worker was down.
    return delivery.deliver_due()
