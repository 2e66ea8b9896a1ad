"""Periodic jobs run once per scheduled minute, however many worker hosts run the schedule.

Every worker host runs the same configuration, scheduler included, so a city loses no job
when one host dies. Before a scheduler enqueues a due job it claims (job, minute) in the
database; the claim is unique, so only the first scheduler to get there enqueues the job.
The Huey classes below are named in settings.HUEY; they import no model at module level
(Huey's Django integration loads them while the apps are still being set up).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from huey import PriorityRedisHuey, SqliteHuey

log = logging.getLogger(__name__)

KEEP_RUNS = dt.timedelta(days=7)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def claim(task: str, minute: dt.datetime) -> bool:
    """True unless another worker claimed `task` for `minute` (an aware datetime) first.

    A claim the database cannot take (SQLite busy beyond its timeout, PostgreSQL gone a
    moment) lets the job run: a daily job missed is worse than one run twice, and every
    job reads the state it works on.
    """
    from django.db import DatabaseError, IntegrityError, transaction

    from balaikota.core.models import PeriodicRun

    try:
        with transaction.atomic():
            PeriodicRun.objects.create(task=task, due_at=minute, host=WORKER[:200])
    except IntegrityError:
        return False
    except DatabaseError:
        log.warning("periodic job %s of %s not claimed; running it", task, minute, exc_info=True)
    return True


def claim_due(due: list[Any], moment: dt.datetime) -> list[Any]:
    """The tasks of `due` (due at `moment`, naive UTC as Huey gives it) this worker claims."""
    from django.db import DatabaseError, close_old_connections, connection

    from balaikota.core.models import PeriodicRun

    minute = moment.replace(second=0, microsecond=0, tzinfo=dt.UTC)
    # The scheduler's thread lives as long as the worker: its connection may have gone stale
    # (never closed inside a transaction: a caller's, or a test's).
    fresh = not connection.in_atomic_block
    if fresh:
        close_old_connections()
    try:
        claimed = [task for task in due if claim(task.name, minute)]
        if minute.minute == 0:
            PeriodicRun.objects.filter(due_at__lt=minute - KEEP_RUNS).delete()
    except DatabaseError:
        log.warning("old periodic runs not deleted", exc_info=True)
    finally:
        if fresh:
            close_old_connections()
    return claimed


class _PeriodicOnce:
    def read_periodic(self, timestamp: dt.datetime | None) -> list[Any]:
        moment = timestamp or self._get_timestamp()  # type: ignore[attr-defined]
        due = super().read_periodic(moment)  # type: ignore[misc]
        return claim_due(due, moment) if due else []


class PeriodicOnceRedisHuey(_PeriodicOnce, PriorityRedisHuey):
    """Redis with priorities; periodic jobs once per minute across workers."""


class PeriodicOnceSqliteHuey(_PeriodicOnce, SqliteHuey):
    """SQLite (priorities included); periodic jobs once per minute across workers."""
