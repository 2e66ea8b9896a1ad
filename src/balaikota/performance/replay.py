"""Replaying the performance auction for `balaikota audit-verify`: each commitment's,
offer's, check-in's, review's and reassignment's current status must be what its events
and their audit entries say.

Every step of the auction writes one `Event` (subject and subject id, status before and
after) and one audit entry (`performance.<action>` on `performance.<subject>`), in that
order and in the same transaction (`services.log`). Checked for every object, in batches:
- its events form one unbroken path of allowed steps, from its first status, and end in
  the object's status;
- its events and its audit entries pair up one to one, in order, agreeing on the action,
  the status before and after and the note (and on the event's id, in entries written
  since it was recorded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from balaikota.core.models import AuditEntry
from balaikota.core.replay import History, Problem, StatusEventReplayer
from balaikota.performance.models import (
    CheckIn,
    CheckInStatus,
    Commitment,
    CommitmentStatus,
    Event,
    Offer,
    OfferStatus,
    Reassignment,
    Review,
)

Step = tuple[str, str]

_OFFER = OfferStatus
_CHECK_IN = CheckInStatus
_COMMITMENT = CommitmentStatus
_REVIEW = Review.State

# The moves each service makes; "" is "before the object existed".
STEPS: dict[str, frozenset[Step]] = {
    "commitment": frozenset(
        {
            ("", _COMMITMENT.ACTIVE),
            (_COMMITMENT.ACTIVE, _COMMITMENT.UNDER_REVIEW),
            (_COMMITMENT.UNDER_REVIEW, _COMMITMENT.ACTIVE),
            (_COMMITMENT.ACTIVE, _COMMITMENT.TRANSFERRED),
            (_COMMITMENT.UNDER_REVIEW, _COMMITMENT.TRANSFERRED),
        }
    ),
    "offer": frozenset(
        {
            ("", _OFFER.PENDING),
            (_OFFER.PENDING, _OFFER.COMMITTED),
            (_OFFER.PENDING, _OFFER.COUNTERED),
            (_OFFER.PENDING, _OFFER.DECLINED),
            (_OFFER.COUNTERED, _OFFER.PENDING),
            (_OFFER.COMMITTED, _OFFER.ACCEPTED),
            (_OFFER.DECLINED, _OFFER.REASSIGNING),
            (_OFFER.ACCEPTED, _OFFER.REASSIGNING),
            (_OFFER.REASSIGNED, _OFFER.REASSIGNING),
            (_OFFER.REASSIGNING, _OFFER.REASSIGNED),
            (_OFFER.REASSIGNING, _OFFER.APPOINTED),
            (_OFFER.APPOINTED, _OFFER.REASSIGNED),
            (_OFFER.APPOINTED, _OFFER.REASSIGNING),
        }
    ),
    "checkin": frozenset(
        {
            ("", _CHECK_IN.DRAFT),
            ("", _CHECK_IN.SUBMITTED),
            (_CHECK_IN.DRAFT, _CHECK_IN.SUBMITTED),
            (_CHECK_IN.RETURNED, _CHECK_IN.SUBMITTED),
            (_CHECK_IN.SUBMITTED, _CHECK_IN.VERIFIED),
            (_CHECK_IN.SUBMITTED, _CHECK_IN.RETURNED),
            (_CHECK_IN.VERIFIED, _CHECK_IN.SUPERSEDED),
        }
    ),
    "review": frozenset(
        {
            ("", _REVIEW.OPEN),
            (_REVIEW.OPEN, _REVIEW.RECOMMENDED),
            (_REVIEW.RECOMMENDED, _REVIEW.DECIDED),
        }
    ),
    "reassignment": frozenset({(Reassignment.State.OPEN, Reassignment.State.DECIDED)}),
}
# Steps that record something without moving the status (the agreement PDF's hash).
STILL_ACTIONS = frozenset({"agreement_pdf"})


@dataclass
class SubjectReplayer(StatusEventReplayer):
    """A `StatusEventReplayer` over the performance `Event` table, whose rows name their
    object by `subject` and `subject_id` rather than by a foreign key.

    `initial` is the status an object is created in without an event of its own (a
    reassignment opens with its offer's event); otherwise the first event starts from "".
    """

    subject: str = ""
    initial: str | None = None

    def batches(self) -> Iterator[list[History]]:
        rows = self.model._default_manager.order_by("pk").values("pk", self.status_field)
        events = Event.objects.filter(subject=self.subject).order_by(
            "subject_id", "created_at", "pk"
        )
        last = None
        while True:
            page = rows if last is None else rows.filter(pk__gt=last)
            batch = list(page[: self.chunk_size])
            if not batch:
                return
            last = batch[-1]["pk"]
            histories = {row["pk"]: History(row) for row in batch}
            for event in events.filter(subject_id__in=list(histories)).values(
                "pk", "subject_id", "action", "from_status", "to_status", "note", "created_at"
            ):
                histories[event["subject_id"]].events.append(dict(event))
            yield list(histories.values())

    def check_status(self, history: History) -> str | None:
        if not history.events and self.initial is not None:
            current = history.row[self.status_field]
            if current != self.initial:
                return f"status is {current!r} but it has no recorded events"
            return None
        if history.events and history.events[0]["from_status"] != (self.initial or ""):
            first = history.events[0]
            return f"its first event #{first['pk']} starts from {first['from_status']!r}"
        return super().check_status(history)

    def batch_problems(self, batch: list[History]) -> Iterator[Problem]:
        entries: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in (
            AuditEntry.objects.filter(
                object_type=f"performance.{self.subject}",
                object_id__in=[str(history.row["pk"]) for history in batch],
                action__startswith="performance.",
            )
            .order_by("id")
            .values("id", "object_id", "action", "before", "after")
        ):
            entries[entry["object_id"]].append(dict(entry))
        for history in batch:
            message = self.check_status(history) or _check_audit(
                history, entries[str(history.row["pk"])]
            )
            if message:
                yield self.problem(history, message)


def _check_audit(history: History, entries: list[dict[str, Any]]) -> str | None:
    """Events and audit entries pair up in order: `services.log` writes both, together."""
    for event, entry in zip(history.events, entries, strict=False):
        after = entry["after"] if isinstance(entry["after"], dict) else {}
        before = entry["before"] if isinstance(entry["before"], dict) else {}
        recorded = {
            "action": entry["action"].removeprefix("performance."),
            "to_status": after.get("status"),
            "from_status": before.get("status", ""),
            "note": after.get("note", ""),
        }
        if "event" in after and after["event"] != event["pk"]:
            return f"event #{event['pk']} is not the one audit entry #{entry['id']} records"
        for name, value in recorded.items():
            if event[name] != value:
                return (
                    f"event #{event['pk']} has {name} {event[name]!r} but its audit entry "
                    f"#{entry['id']} says {value!r}"
                )
    if len(history.events) > len(entries):
        return f"event #{history.events[len(entries)]['pk']} has no audit entry"
    if len(entries) > len(history.events):
        return f"audit entry #{entries[len(history.events)]['id']} has no event"
    return None


def _allowed_in(subject: str) -> Any:
    steps = STEPS[subject]

    def allowed(action: str, start: str, end: str) -> bool:
        if action in STILL_ACTIONS:
            return start == end
        return (start, end) in steps

    return allowed


def _replayer(name: str, model: type[models.Model], initial: str | None = None) -> SubjectReplayer:
    return SubjectReplayer(
        name=name,
        model=model,
        event_model=Event,
        object_field="",
        subject=name,
        initial=initial,
        status_field="state" if model in (Review, Reassignment) else "status",
        allowed=_allowed_in(name),
    )


def replayers() -> list[SubjectReplayer]:
    """One replayer per kind of object whose status only events change."""
    return [
        _replayer("offer", Offer),
        _replayer("commitment", Commitment),
        _replayer("checkin", CheckIn),
        _replayer("review", Review),
        _replayer("reassignment", Reassignment, initial=Reassignment.State.OPEN),
    ]
