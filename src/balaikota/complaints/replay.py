"""Replaying complaints for `balaikota audit-verify`: each complaint's current status,
agency, category and kelurahan must be what its events and their audit entries say.

Checked for every complaint, in batches:
- its events form one unbroken path through the lifecycle table (`lifecycle.RULES`),
  starting with the submission, and end in the complaint's status;
- every event has its audit entry and every audit entry its event, agreeing on the status
  and the agency (and, for entries written since the digest was added, on every recorded
  field of the event: action, statuses, note, who, agency, photo and time);
- the last audit entry's snapshot is the complaint's current status, agency, category and
  kelurahan (and rating, in entries written since it was added);
- the moments the dashboard's figures are made of (assigned_at, followed_up_at,
  resolved_at, closed_at) are those of the events that set them: the last assignment, the
  last acceptance, the last resolution unless reopened since, the last closing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from balaikota.agencies.models import Agency
from balaikota.complaints.lifecycle import RULES, Action
from balaikota.complaints.models import Category, Complaint, Event, Status
from balaikota.core import audit
from balaikota.core.models import AuditEntry
from balaikota.core.replay import History, Problem, StatusEventReplayer
from balaikota.regions.models import Region

EVENT_FIELDS = ("action", "from_status", "to_status", "note", "actor_id", "agency_id", "photo_id")
# A service takes the time once for the complaint and once for its event, in the same
# transaction: they differ by microseconds, never by this much.
SAME_MOMENT = dt.timedelta(seconds=5)
# Which field each action sets to the time it happened; and which actions clear it again.
MOMENTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "assigned_at": (frozenset({Action.ASSIGN}), frozenset()),
    "followed_up_at": (frozenset({Action.ACCEPT}), frozenset()),
    "resolved_at": (
        frozenset({Action.RESOLVE, Action.RESOLVE_REMOTE}),
        frozenset({Action.REOPEN, Action.REOPEN_REMOTE}),
    ),
    "closed_at": (
        frozenset({Action.CONFIRM, Action.REJECT, Action.MARK_DUPLICATE}),
        frozenset(),
    ),
}


def event_digest(values: dict[str, Any]) -> str:
    """SHA-256 over an event's recorded fields, kept in its audit entry."""
    payload = {name: values[name] for name in EVENT_FIELDS}
    payload["created_at"] = values["created_at"].isoformat()
    return hashlib.sha256(audit.canonical(payload).encode()).hexdigest()


def step_allowed(action: str, start: str, end: str) -> bool:
    """Whether the lifecycle table allows an event's move from `start` to `end`."""
    if action == Action.SUBMIT:
        return start == "" and end == Status.SUBMITTED
    try:
        rule = RULES[Action(action)]
    except ValueError:
        return False
    if start not in rule.sources:
        return False
    return end == (rule.target or start)


class ComplaintReplayer(StatusEventReplayer):
    def __init__(self) -> None:
        super().__init__(
            name="complaint",
            model=Complaint,
            event_model=Event,
            object_field="complaint",
            label_field="ticket",
            object_fields=("agency_id", "category_id", "region_id", "rating", *MOMENTS),
            event_fields=("note", "actor_id", "agency_id", "photo_id"),
            allowed=step_allowed,
        )

    def batch_problems(self, batch: list[History]) -> Iterator[Problem]:
        # Small reference tables, read once per batch: ids to the codes the audit keeps.
        agencies = dict(Agency.objects.values_list("pk", "code"))
        categories = dict(Category.objects.values_list("pk", "slug"))
        regions = dict(Region.objects.values_list("pk", "code"))
        entries: dict[str, list[dict[str, Any]]] = defaultdict(list)
        tickets = [history.row["ticket"] for history in batch]
        for entry in (
            AuditEntry.objects.filter(object_type="complaint", object_id__in=tickets)
            .order_by("id")
            .values("id", "object_id", "after")
        ):
            entries[entry["object_id"]].append(dict(entry))
        for history in batch:
            message = (
                self.check_status(history)
                or _check_moments(history)
                or self._check_audit(
                    history, entries[history.row["ticket"]], agencies, categories, regions
                )
            )
            if message:
                yield self.problem(history, message)

    def _check_audit(
        self,
        history: History,
        entries: list[dict[str, Any]],
        agencies: dict[int, str],
        categories: dict[int, str],
        regions: dict[int, str],
    ) -> str | None:
        by_event = {
            entry["after"]["event"]: entry
            for entry in entries
            if isinstance(entry["after"], dict) and "event" in entry["after"]
        }
        events = {event["pk"]: event for event in history.events}
        for event_id, entry in by_event.items():
            if event_id not in events:
                return f"audit entry #{entry['id']} records event #{event_id}, which is missing"
        for event in history.events:
            recorded = by_event.get(event["pk"])
            if recorded is None:
                return f"event #{event['pk']} has no audit entry"
            entry, after = recorded, recorded["after"]
            if after.get("status") != event["to_status"]:
                return (
                    f"event #{event['pk']} ends in {event['to_status']!r} but its audit entry "
                    f"#{entry['id']} says {after.get('status')!r}"
                )
            if after.get("agency") != agencies.get(event["agency_id"]):
                return f"event #{event['pk']} names another agency than audit entry #{entry['id']}"
            if "digest" in after and after["digest"] != event_digest(event):
                return f"event #{event['pk']} differs from what audit entry #{entry['id']} recorded"
        snapshots = [e for e in entries if isinstance(e["after"], dict) and "status" in e["after"]]
        if not snapshots:
            return "has no audit entry"
        last = snapshots[-1]["after"]
        row = history.row
        current = {
            "status": row["status"],
            "agency": agencies.get(row["agency_id"]),
            "category": categories.get(row["category_id"]),
            "region": regions.get(row["region_id"]),
        }
        if "rating" in last:
            current["rating"] = row["rating"]
        for name, value in current.items():
            if last.get(name) != value:
                return (
                    f"{name} is {value!r} but the last audit entry #{snapshots[-1]['id']} "
                    f"says {last.get(name)!r}"
                )
        return None


def _check_moments(history: History) -> str | None:
    for name, (setters, clearers) in MOMENTS.items():
        expected: dt.datetime | None = None
        for event in history.events:
            if event["action"] in setters:
                expected = event["created_at"]
            elif event["action"] in clearers:
                expected = None
        actual = history.row[name]
        if (actual is None) != (expected is None) or (
            actual is not None and expected is not None and abs(actual - expected) > SAME_MOMENT
        ):
            return f"{name} is {actual} but its events say {expected}"
    return None
