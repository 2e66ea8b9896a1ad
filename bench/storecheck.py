"""Read the server's database directly: are acknowledged complaints stored, photos ready?"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CHUNK = 500


@dataclass
class Store:
    connection: Any  # sqlite3.Connection or psycopg.Connection
    placeholder: str

    def rows(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _CHUNK):
            chunk = list(values[start : start + _CHUNK])
            marks = ", ".join([self.placeholder] * len(chunk))
            cursor = self.connection.cursor()
            cursor.execute(sql.format(marks=marks), chunk)
            found.extend(cursor.fetchall())
            cursor.close()
        return found


@contextmanager
def open_store(var_dir: Path, database_url: str | None) -> Iterator[Store]:
    if database_url:
        import psycopg

        with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as pg:
            yield Store(pg, "%s")
        return
    lite = sqlite3.connect(var_dir / "balaikota.sqlite3", timeout=20)
    try:
        yield Store(lite, "?")
    finally:
        lite.close()


def queue_backlog(var_dir: Path) -> dict[str, int]:
    """Tasks waiting in the SQLite Huey queues (default and photos), by task, and results
    kept in their stores."""
    blobs: list[bytes] = []
    kept = 0
    for name in ("huey.sqlite3", "huey-photos.sqlite3"):
        if not (var_dir / name).exists():
            continue
        conn = sqlite3.connect(var_dir / name, timeout=20)
        try:
            blobs += [bytes(row[0]) for row in conn.execute("SELECT data FROM task")]
            kept += conn.execute("SELECT count(*) FROM kv").fetchone()[0]
        finally:
            conn.close()
    names = ("process_photo", "deliver_outbox")
    counts = {name: sum(1 for blob in blobs if name.encode() in blob) for name in names}
    return {"queued": len(blobs), **counts, "results_kept": int(kept)}


def outbox_counts(store: Store) -> dict[str, int]:
    """Outbox messages by status (pending, sent, failed)."""
    cursor = store.connection.cursor()
    cursor.execute("SELECT status, count(*) FROM notifications_outboxmessage GROUP BY status")
    counts = {str(status): int(count) for status, count in cursor.fetchall()}
    cursor.close()
    return {"pending": 0, "sent": 0, "failed": 0} | counts


@dataclass
class OutboxDrain:
    written_during_intake: int
    sent_during_intake: int
    intake_seconds: float
    pending_when_intake_ended: int
    pending_at_end: int
    drain_seconds: float

    def as_dict(self) -> dict[str, object]:
        seconds = max(self.intake_seconds, 1e-9)
        return {
            "written_during_intake": self.written_during_intake,
            "written_per_second": round(self.written_during_intake / seconds, 1),
            "sent_per_second_during_intake": round(self.sent_during_intake / seconds, 1),
            "pending_when_intake_ended": self.pending_when_intake_ended,
            "pending_at_end": self.pending_at_end,
            "seconds_to_drain_after_intake": round(self.drain_seconds, 1),
            "drained": self.pending_at_end == 0,
        }


@dataclass
class OutboxWatch:
    """Seconds from `since` (time.monotonic()) until no outbox message was pending."""

    store: Store
    since: float
    pending: int = -1
    seconds: float = 0.0

    def poll(self) -> bool:
        """True once drained; the time is that of the first poll that found it so."""
        if self.pending != 0:
            self.pending = outbox_counts(self.store)["pending"]
            self.seconds = time.monotonic() - self.since
        return self.pending == 0

    def wait(self, max_seconds: float) -> None:
        while not self.poll() and time.monotonic() - self.since < max_seconds:
            time.sleep(0.5)


def stored_tickets(store: Store, tickets: Sequence[str]) -> set[str]:
    sql = "SELECT ticket FROM complaints_complaint WHERE ticket IN ({marks})"
    return {row[0] for row in store.rows(sql, tickets)}


def photo_states(store: Store, tickets: Sequence[str]) -> Counter[str]:
    sql = (
        "SELECT p.state FROM complaints_photo p "
        "JOIN complaints_complaint c ON c.id = p.complaint_id WHERE c.ticket IN ({marks})"
    )
    return Counter(row[0] for row in store.rows(sql, tickets))


@dataclass
class PhotoWait:
    photos: int
    processing_at_end_of_intake: int
    ready: int
    failed: int
    seconds: float
    drained: bool

    def as_dict(self) -> dict[str, object]:
        rate = self.photos / self.seconds if self.seconds else 0.0
        return {
            "photos": self.photos,
            "processing_when_intake_ended": self.processing_at_end_of_intake,
            "ready": self.ready,
            "failed": self.failed,
            "seconds_after_intake": round(self.seconds, 1),
            "all_done": self.drained,
            "overall_photos_per_second": round(rate, 2),
        }


def wait_for_photos(
    store: Store,
    tickets: Sequence[str],
    max_seconds: float,
    on_poll: Callable[[], object] = lambda: None,
) -> PhotoWait:
    """Poll until no photo of `tickets` is still processing, or `max_seconds` passed;
    `on_poll` is called at each poll (the outbox is watched meanwhile)."""
    started = time.monotonic()
    states = photo_states(store, tickets)
    at_end = states.get("processing", 0)
    while states.get("processing", 0) and time.monotonic() - started < max_seconds:
        on_poll()
        time.sleep(1.0)
        states = photo_states(store, tickets)
    return PhotoWait(
        photos=sum(states.values()),
        processing_at_end_of_intake=at_end,
        ready=states.get("ready", 0),
        failed=states.get("failed", 0),
        seconds=time.monotonic() - started,
        drained=not states.get("processing", 0),
    )
