"""Replaying recorded events: does every object's current state follow from its history?

Each app whose objects change only through events registers a *replayer* (in its
`AppConfig.ready()`); `balaikota audit-verify` runs them all after checking the hash chain.
A replayer reads its objects and their events in batches, so memory stays flat however
many rows there are.

For the common case, an object with a status field changed only by events that carry the
status before and after, `StatusEventReplayer` is the whole replayer:

    replay.register(StatusEventReplayer(
        name="commitment", model=Commitment, event_model=CommitmentEvent,
        object_field="commitment", label_field="code",
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models

CHUNK = 2000


@dataclass(frozen=True)
class Problem:
    """One mismatch between an object's state and its recorded history."""

    kind: str  # the replayer's name, e.g. "complaint"
    label: str  # which object, e.g. its ticket
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.label}: {self.message}"


class Replayer(Protocol):
    name: str

    def problems(self) -> Iterator[Problem]:
        """Every mismatch found, in a stable order (the first is reported)."""
        ...


_registry: dict[str, Replayer] = {}


def register(replayer: Replayer) -> None:
    """Add (or replace, by name) a replayer run by `audit-verify`."""
    _registry[replayer.name] = replayer


def replayers() -> list[Replayer]:
    return list(_registry.values())


@dataclass
class History:
    """One object's row and its events, oldest first, as plain dicts."""

    row: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StatusEventReplayer:
    """Checks that each object's status is the `to` status of its last event, and that
    every event starts from the status the previous one ended in.

    `allowed(action, from_status, to_status)` may further restrict which steps are legal;
    a subclass's `check_history` or `batch_problems` adds checks of its own.
    """

    name: str
    model: type[models.Model]
    event_model: type[models.Model]
    object_field: str  # the event's foreign key to the object
    label_field: str = "pk"
    status_field: str = "status"
    from_field: str = "from_status"
    to_field: str = "to_status"
    action_field: str | None = "action"
    time_field: str = "created_at"
    object_fields: tuple[str, ...] = ()
    event_fields: tuple[str, ...] = ()
    allowed: Callable[[str, str, str], bool] | None = None
    chunk_size: int = CHUNK

    def batches(self) -> Iterator[list[History]]:
        """Objects by primary key in batches, each with its events: two queries a batch
        (keyset pagination, so a batch costs the same at the end as at the start)."""
        fk = f"{self.object_field}_id"
        row_fields = {"pk", self.label_field, self.status_field, *self.object_fields}
        event_fields = {"pk", fk, self.from_field, self.to_field, self.time_field}
        event_fields |= set(self.event_fields)
        if self.action_field:
            event_fields.add(self.action_field)
        rows = self.model._default_manager.order_by("pk").values(*row_fields)
        events = self.event_model._default_manager.order_by(fk, self.time_field, "pk")
        last = None
        while True:
            page = rows if last is None else rows.filter(pk__gt=last)
            batch = list(page[: self.chunk_size])
            if not batch:
                return
            last = batch[-1]["pk"]
            histories = {row["pk"]: History(row) for row in batch}
            for event in events.filter(**{f"{fk}__in": list(histories)}).values(*event_fields):
                histories[event[fk]].events.append(event)
            yield list(histories.values())

    def problems(self) -> Iterator[Problem]:
        for batch in self.batches():
            yield from self.batch_problems(batch)

    def batch_problems(self, batch: list[History]) -> Iterator[Problem]:
        for history in batch:
            message = self.check_status(history) or self.check_history(history)
            if message:
                yield self.problem(history, message)

    def problem(self, history: History, message: str) -> Problem:
        return Problem(self.name, str(history.row[self.label_field]), message)

    def check_status(self, history: History) -> str | None:
        if not history.events:
            return "has no recorded events"
        previous: str | None = None
        for event in history.events:
            start, end = event[self.from_field], event[self.to_field]
            if previous is not None and start != previous:
                return (
                    f"event #{event['pk']} starts from {start!r} but the previous event "
                    f"ended in {previous!r}"
                )
            action = event[self.action_field] if self.action_field else ""
            if self.allowed is not None and not self.allowed(action, start, end):
                return f"event #{event['pk']} ({action}) cannot move {start!r} to {end!r}"
            previous = end
        current = history.row[self.status_field]
        if current != previous:
            return f"status is {current!r} but its events end in {previous!r}"
        return None

    def check_history(self, history: History) -> str | None:
        return None
