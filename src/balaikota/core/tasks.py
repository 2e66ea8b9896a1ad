"""The audit chain's chainer, the daily check of the record, and the daily head published
on /audit."""

from __future__ import annotations

import itertools
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from balaikota.core import audit, integrity, writers
from balaikota.core.models import Role, User
from balaikota.core.replay import Problem
from balaikota.core.schedule import wib

log = logging.getLogger(__name__)

# Commits that store pending audit entries within this window share one chainer run.
COALESCE_SECONDS = 1
_SCHEDULED = "audit:chain-scheduled"


@db_task(priority=10)
def chain_audit() -> int:
    """Chain every pending entry (and follow each up: `audit.entries_chained`), in batches,
    each batch in its own transaction."""
    chained = 0
    try:
        while batch := _chain_batch():
            chained += batch
    except OperationalError as exc:
        # SQLite busy beyond its timeout, or the database gone a moment: the entries stay
        # pending; the next run, or the periodic one, takes them.
        if HUEY.immediate:
            raise
        log.warning("audit: chainer run put off (%s)", exc)
    return chained


def _chain_batch() -> int:
    with writers.atomic():
        return len(audit.chain_pending())


def chain_audit_soon() -> None:
    """Called after a commit that stored pending entries: the first commit of a window
    schedules one chainer run at its end; the others leave their entries to it."""
    if HUEY.immediate:
        chain_audit()
    elif cache.add(_SCHEDULED, True, timeout=COALESCE_SECONDS):
        chain_audit.schedule(delay=COALESCE_SECONDS)


@db_periodic_task(wib(minute="*"))
def chain_audit_periodically() -> int:
    # What a queue that was down, or a worker that stopped, left pending.
    return chain_audit.call_local()


def verify_and_publish() -> bool:
    """Verify the whole record; publish today's head when it holds, alert the admins when
    it does not (a broken record's head is not published: it would vouch for the damage)."""
    problems = list(itertools.islice(integrity.problems(), 5))
    if problems:
        log.error("audit record does not verify: %s", problems[0])
        alert_admins(problems)
        return False
    integrity.publish_checkpoint()
    return True


@transaction.atomic
def alert_admins(problems: list[Problem]) -> None:
    from balaikota.notifications import services as outbox

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The audit record does not verify")
        body = _(
            "The daily check found the problems below. Nobody should change the database "
            "directly; find out who did, and record any correction as a new entry.\n\n"
            "%(problems)s\n\nRun `balaikota audit-verify --all` for the full list."
        ) % {"problems": "\n".join(str(problem) for problem in problems)}
    for admin in User.objects.filter(role=Role.ADMIN, is_active=True):
        outbox.notify_user(admin, event="audit.broken", subject=subject, body=body, link="/audit")


# 23:55 WIB: the head of the day that is ending.
@db_periodic_task(wib(minute="55", hour="23"))
def daily_audit_check() -> bool:
    return verify_and_publish()
