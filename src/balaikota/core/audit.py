"""The append-only audit log: each entry is chained to the previous by SHA-256.

Entries are only ever added through `record()`/`append()` (chained at once, under the
chain's lock) or `append_pending()` (stored pending, without waiting for the lock: a
citizen's new complaint); nothing in the application updates or deletes them (the model
refuses), except that the chainer (`chain_pending()`) gives a pending entry, once, its
place and its hashes. The order of the chain is `position`: the order in which entries
were chained. Pending entries are chained in the order they were stored (their id), by
the worker within a second or two, and before any entry chained at once, so that no later
step of a complaint is chained before its submission.

`broken_links()` recomputes every link; `core.integrity` adds the published daily heads
and the replay of each app's events, for `balaikota audit-verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from balaikota.core import writers
from balaikota.core.models import AuditEntry, Role, User

GENESIS = "0" * 64
# How new entries name a citizen who acted: a citizen's user name is often their e-mail
# address or phone number, and the chain keeps every entry for ever (erasure cannot touch
# it). Entries written before keep their label: their hashes cover it.
CITIZEN_LABEL = "warga"
# Sent by the chainer inside its transaction with the entries it has just chained
# (`entries`, in chain order): what a pending entry stood for can be followed up in the
# same transaction, exactly once.
entries_chained = Signal()


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def _entry_payload(entry: AuditEntry, previous_hash: str) -> dict[str, Any]:
    return {
        "previous": previous_hash,
        "time": entry.created_at.isoformat(),
        "actor": entry.actor_label,
        "action": entry.action,
        "object": f"{entry.object_type}:{entry.object_id}",
        "before": entry.before,
        "after": entry.after,
    }


def compute_hash(entry: AuditEntry, previous_hash: str) -> str:
    return hashlib.sha256(canonical(_entry_payload(entry, previous_hash)).encode()).hexdigest()


def actor_label(actor: User | None) -> str:
    if actor is None:
        return "sistem"
    if actor.role == Role.CITIZEN:
        return CITIZEN_LABEL
    return actor.get_username()


# Any constant: the key of the transaction-scoped advisory lock that orders audit writers.
_POSTGRES_LOCK_KEY = 0x0A0D17


def _serialise_writers() -> None:
    """Make concurrent writers take turns, so that no two chain to the same predecessor.

    On SQLite, transactions are IMMEDIATE: a writer already holds the database's write lock.
    On PostgreSQL, an advisory lock held until the transaction ends does the same for the
    audit chain alone (locking the head row would not: the next writer would still see the
    old head once the lock is released).
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_POSTGRES_LOCK_KEY])


def entry(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """An entry not yet chained nor stored: give it to `append()`."""
    return AuditEntry(
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=json.loads(canonical(before)) if before is not None else None,
        after=json.loads(canonical(after)) if after is not None else None,
    )


def record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction that made the change."""
    made = entry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )
    return append([made])[0]


def append(entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """Chain `entries` in order after the head and store them in one insert. Must run inside
    the transaction that made the change, best as its last write: from here to the commit,
    every other writer of the chain waits. Pending entries are chained first."""
    _check_in_transaction()
    _serialise_writers()
    _chain_pending_locked(limit=None)
    position, previous_hash = _head()
    # The time is taken in turn too, so that it never goes back along the chain.
    now = timezone.now()
    for item in entries:
        position += 1
        item.created_at = now
        _link(item, position, previous_hash)
        previous_hash = item.entry_hash or GENESIS
    return AuditEntry.objects.bulk_create(entries)


def append_pending(entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """Store `entries` pending, in one insert, without waiting for the chain: the chainer
    links them later in this order (the caller has the worker run `chain_pending` once
    this transaction commits). Must run inside the transaction that made the change."""
    _check_in_transaction()
    now = timezone.now()
    for item in entries:
        item.created_at = now
    return list(writers.insert(entries))


def chain_pending(limit: int | None = 500) -> list[AuditEntry]:
    """Chain the pending entries (at most `limit`), oldest first, and tell the followers
    (`entries_chained`) in the same transaction. Must run inside a transaction."""
    _check_in_transaction()
    _serialise_writers()
    return _chain_pending_locked(limit=limit)


def pending_count() -> int:
    """Entries stored but not chained yet: visible as such, verified once chained."""
    return AuditEntry.objects.filter(position__isnull=True).count()


def _check_in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries must be written inside transaction.atomic()")


def _head() -> tuple[int, str]:
    """The last chained entry's position and hash (0 and GENESIS for an empty chain)."""
    head = (
        AuditEntry.objects.filter(position__isnull=False)
        .order_by("-position")
        .values_list("position", "entry_hash")
        .first()
    )
    if head is None or head[0] is None or head[1] is None:
        return 0, GENESIS
    return head[0], head[1]


def _link(item: AuditEntry, position: int, previous_hash: str) -> None:
    item.position = position
    item.previous_hash = previous_hash
    item.entry_hash = compute_hash(item, previous_hash)


# The chainer's one update, which the model's own save() refuses: a pending entry's place
# and links, written once (the condition keeps it from ever overwriting a chained entry).
_CHAIN = (
    "UPDATE core_auditentry SET position = %s, previous_hash = %s, entry_hash = %s "
    "WHERE id = %s AND position IS NULL"
)


def _chain_pending_locked(*, limit: int | None) -> list[AuditEntry]:
    pending = AuditEntry.objects.filter(position__isnull=True).order_by("id")
    batch = list(pending[:limit] if limit else pending)
    if not batch:
        return []
    position, previous_hash = _head()
    for item in batch:
        position += 1
        _link(item, position, previous_hash)
        previous_hash = item.entry_hash or GENESIS
    with transaction.get_connection().cursor() as cursor:
        cursor.executemany(
            _CHAIN, [(e.position, e.previous_hash, e.entry_hash, e.pk) for e in batch]
        )
    entries_chained.send(sender=AuditEntry, entries=batch)
    return batch


def broken_links() -> Iterator[AuditEntry]:
    """Chained entries whose hash or link does not match the chain, first broken first."""
    previous_hash = GENESIS
    chained = AuditEntry.objects.filter(position__isnull=False).order_by("position")
    for entry in chained.iterator(chunk_size=2000):
        if entry.previous_hash != previous_hash or compute_hash(entry, previous_hash) != (
            entry.entry_hash
        ):
            yield entry
        previous_hash = entry.entry_hash or GENESIS
