"""The building blocks every change to a complaint is made of: an event with its audit
entry (and the signal other apps follow), the assignment to an agency, a stored photo.

Used inside the transactions of `intake` (a new complaint) and `services` (every later
step); nothing here opens a transaction of its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from balaikota.agencies.models import Agency
from balaikota.complaints import deadlines, lifecycle, photos, signals
from balaikota.complaints import notifications as notify
from balaikota.complaints.lifecycle import Action, Actor
from balaikota.complaints.models import Complaint, Event, Photo
from balaikota.complaints.replay import EVENT_FIELDS, event_digest
from balaikota.core import audit, plaintext, writers
from balaikota.core.models import AuditEntry, User


def city_text(message: Promise, **values: Any) -> str:
    """A note the system writes into a complaint's timeline, in the city's language (it is
    stored, and read later by people who may use another one)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


def save_upload(ticket: str, upload: UploadedFile, result: photos.Checked, kind: str) -> str:
    """The upload as received, in private storage (never served): the worker's input."""
    upload.seek(0)
    extension = {"JPEG": "jpg", "PNG": "png", "HEIF": "heic"}.get(result.format, "bin")
    return storages["private"].save(
        f"uploads/{ticket}/{kind}.{extension}", ContentFile(upload.read())
    )


def add_photo(complaint: Complaint, name: str, result: photos.Checked, kind: str) -> Photo:
    photo = Photo.objects.create(
        complaint=complaint,
        kind=kind,
        original=name,
        width=result.width,
        height=result.height,
        gps_lat=result.gps[0] if result.gps else None,
        gps_lon=result.gps[1] if result.gps else None,
    )
    from balaikota.complaints import tasks

    # robust=True: a queue that is down must not fail a complaint already committed; the
    # sweep for stranded photos picks it up later.
    transaction.on_commit(lambda: tasks.process_photo(photo.pk), robust=True)
    return photo


def add_remote_photo(complaint: Complaint, url: str) -> Photo:
    photo = Photo.objects.create(complaint=complaint, kind=Photo.Kind.BEFORE, source_url=url)
    from balaikota.complaints import tasks

    transaction.on_commit(lambda: tasks.fetch_photo(photo.pk), robust=True)
    return photo


def check_upload(upload: UploadedFile) -> photos.Checked:
    return photos.check(
        upload,
        size=upload.size or 0,
        max_bytes=settings.PHOTO_MAX_BYTES,
        max_pixels=settings.PHOTO_MAX_PIXELS,
    )


def snapshot(complaint: Complaint) -> dict[str, Any]:
    values: dict[str, Any] = {
        "status": complaint.status,
        "agency": complaint.agency.code if complaint.agency else None,
        "category": complaint.category.slug if complaint.category else None,
        "region": complaint.region.code if complaint.region else None,
        "rating": complaint.rating,
    }
    if complaint.field_team_id or complaint.field_officer_id:
        # Ids only: the chain keeps no one's name (staff are users, erasable like others).
        values["field"] = {"team": complaint.field_team_id, "officer": complaint.field_officer_id}
    return values


def record(
    complaint: Complaint,
    action: Action,
    user: User | None,
    actor: Actor,
    note: str,
    from_status: str,
    *,
    photo: Photo | None = None,
    before: dict[str, Any] | None = None,
) -> Event:
    note = plaintext.clean(note)
    event = Event.objects.create(
        complaint=complaint,
        actor=user,
        actor_role=actor.value,
        action=action.value,
        from_status=from_status if action != Action.SUBMIT else "",
        to_status=complaint.status,
        note=note,
        agency=complaint.agency,
        photo=photo,
    )
    audit.append([_audit_entry(complaint, event, before, snapshot(complaint))])
    signals.event_recorded.send(sender=Complaint, complaint=complaint, event=event)
    return event


def record_first(
    complaint: Complaint, submitted: dict[str, Any], *, photo: Photo | None
) -> list[AuditEntry]:
    """A new complaint's first events in one insert: its submission and, when it was routed
    (`route`), the system's assignment.

    Returns their audit entries, for the caller to store pending (`audit.append_pending`):
    the apps that follow events hear of them once the chainer has chained them
    (`complaints.announce`). `submitted` is the complaint's snapshot before it was routed.
    """
    events = [
        Event(
            complaint=complaint,
            actor_role=Actor.REPORTER.value,
            action=Action.SUBMIT.value,
            to_status=submitted["status"],
            photo=photo,
        )
    ]
    steps: list[tuple[dict[str, Any] | None, dict[str, Any]]] = [(None, submitted)]
    if complaint.agency is not None:
        events.append(
            Event(
                complaint=complaint,
                actor_role=Actor.SYSTEM.value,
                action=Action.ASSIGN.value,
                from_status=submitted["status"],
                to_status=complaint.status,
                agency=complaint.agency,
            )
        )
        steps.append((submitted, snapshot(complaint)))
    writers.insert(events)
    return [
        _audit_entry(complaint, event, before, after)
        for event, (before, after) in zip(events, steps, strict=True)
    ]


def _audit_entry(
    complaint: Complaint, event: Event, before: dict[str, Any] | None, after: dict[str, Any]
) -> AuditEntry:
    return audit.entry(
        actor=event.actor,
        action=f"complaint.{event.action}",
        object_type="complaint",
        object_id=complaint.ticket,
        before=before,
        after=after | {"event": event.pk, "digest": event_digest(_event_values(event))},
    )


def _event_values(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in (*EVENT_FIELDS, "created_at")}


def assign(
    complaint: Complaint,
    agency: Agency,
    user: User | None,
    actor: Actor,
    note: str,
    *,
    tell_reporter: bool = True,
) -> None:
    before = snapshot(complaint)
    route(complaint, agency, actor, note)
    complaint.save()
    record(complaint, Action.ASSIGN, user, actor, note, before["status"], before=before)
    notify.assigned(complaint, tell_reporter=tell_reporter)


def route(complaint: Complaint, agency: Agency, actor: Actor, note: str) -> None:
    """Give the complaint to `agency`: its status, the time and the follow-up deadline, in
    memory (the caller saves it and records the event)."""
    complaint.status = lifecycle.check(Action.ASSIGN, complaint.status, actor, note)
    if complaint.agency_id != agency.pk:
        # Teams and officers are the agency's own: another agency starts without them.
        complaint.field_team = complaint.field_officer = complaint.field_assigned_at = None
    complaint.agency = agency
    now = timezone.now()
    complaint.assigned_at = now
    complaint.followup_due = deadlines.followup_due(now, complaint.category)
    complaint.due_at = complaint.followup_due
