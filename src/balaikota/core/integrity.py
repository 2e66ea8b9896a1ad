"""Is the record intact? The hash chain, the published daily heads, and every registered
replayer (each app's check that current state follows from recorded events)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from balaikota.core import audit, replay
from balaikota.core.models import AuditCheckpoint, AuditEntry
from balaikota.core.replay import Problem


def chain_problems() -> Iterator[Problem]:
    """Every chained entry, in chain order (pending ones are checked once chained)."""
    previous_hash = audit.GENESIS
    chained = AuditEntry.objects.filter(position__isnull=False).order_by("position")
    for entry in chained.iterator(chunk_size=2000):
        if entry.previous_hash != previous_hash:
            yield Problem("audit", f"#{entry.pk}", "does not link to the entry before it")
        elif audit.compute_hash(entry, previous_hash) != entry.entry_hash:
            yield Problem("audit", f"#{entry.pk}", "its contents no longer match its hash")
        previous_hash = entry.entry_hash or audit.GENESIS


def checkpoint_problems() -> Iterator[Problem]:
    """A published head whose entry now has another hash: history was rewritten."""
    rows = AuditCheckpoint.objects.order_by("date").values_list(
        "date", "entry_id", "entry_hash", "entry__entry_hash"
    )
    for date, entry_id, published, current in rows.iterator(chunk_size=2000):
        if published != current:
            yield Problem(
                "checkpoint",
                f"{date:%Y-%m-%d}",
                f"entry #{entry_id} was published with hash {published[:16]}… and now has "
                f"{(current or '')[:16]}…",
            )


def problems() -> Iterator[Problem]:
    """Every problem found, the chain's first (a broken chain makes the rest moot)."""
    yield from chain_problems()
    yield from checkpoint_problems()
    for replayer in replay.replayers():
        yield from replayer.problems()


@dataclass(frozen=True)
class Head:
    entry_id: int
    entry_hash: str
    created_at: dt.datetime
    count: int  # chained entries, the head included
    pending: int = 0  # stored, not chained yet (the chainer's queue)


def current_head() -> Head | None:
    """The last chained entry; None while nothing is chained."""
    chained = AuditEntry.objects.filter(position__isnull=False)
    entry = chained.order_by("-position").only("id", "entry_hash", "created_at").first()
    if entry is None or entry.entry_hash is None:
        return None
    return Head(
        entry.pk, entry.entry_hash, entry.created_at, chained.count(), audit.pending_count()
    )


@transaction.atomic
def publish_checkpoint(day: dt.date | None = None) -> AuditCheckpoint | None:
    """Record today's head (once a day; a second call the same day changes nothing)."""
    day = day or timezone.localdate()
    existing = AuditCheckpoint.objects.filter(date=day).first()
    if existing is not None:
        return existing
    audit.chain_pending(limit=None)  # the day's head covers every entry stored so far
    head = current_head()
    if head is None:
        return None
    return AuditCheckpoint.objects.create(
        date=day,
        entry_id=head.entry_id,
        entry_hash=head.entry_hash,
        entry_count=head.count,
        created_at=timezone.now(),
    )
