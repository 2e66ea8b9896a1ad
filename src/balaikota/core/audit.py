"""The append-only audit log: each entry is chained to the previous by SHA-256.

Entries are only ever added through `record()`; nothing in the application updates or
deletes them (the model refuses). `broken_links()` recomputes every link;
`core.integrity` adds the published daily heads and the replay of each app's events, for
`balaikota audit-verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from balaikota.core.models import AuditEntry, Role, User

GENESIS = "0" * 64
# How new entries name a citizen who acted: a citizen's user name is often their e-mail
# address or phone number, and the chain keeps every entry for ever (erasure cannot touch
# it). Entries written before keep their label: their hashes cover it.
CITIZEN_LABEL = "warga"


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
    every other writer of the chain waits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    _serialise_writers()
    head = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
    previous_hash = head or GENESIS
    # The time is taken in turn too, so that it never goes back along the chain.
    now = timezone.now()
    for item in entries:
        item.created_at = now
        item.previous_hash = previous_hash
        item.entry_hash = compute_hash(item, previous_hash)
        previous_hash = item.entry_hash
    return AuditEntry.objects.bulk_create(entries)


def broken_links() -> Iterator[AuditEntry]:
    """Entries whose hash or link does not match the chain, first broken first."""
    previous_hash = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous_hash or compute_hash(entry, previous_hash) != (
            entry.entry_hash
        ):
            yield entry
        previous_hash = entry.entry_hash
