"""Complaints, categories and events in the shapes of GeoReport v2 (plain dicts).

The public version of published complaints only (the selectors pass no other): the public
text, notes with personal data hidden, public photos. The reporter's name, phone, e-mail,
NIK and account never appear here.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from balaikota.complaints.disclosure import event_note
from balaikota.complaints.lifecycle import ACTION_LABELS, Action
from balaikota.complaints.models import (
    AttributeType,
    Category,
    CategoryAttribute,
    Complaint,
    Event,
    Photo,
    Status,
)
from balaikota.complaints.publication import public_note, public_photos

# What Open311 calls closed: the agency's work is done, or the complaint ended otherwise.
CLOSED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE})


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in the city's time, with its offset (e.g. 2026-11-28T09:30:00+07:00)."""
    if moment is None:
        return None
    return moment.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


@functools.lru_cache(maxsize=16)
def _status_labels(language: str | None) -> dict[str, str]:
    return {str(value): str(label) for value, label in Status.choices}


def status_label(status: str) -> str:
    """The status's name in the reader's language (translated once per language, not once
    per row of a list)."""
    return _status_labels(translation.get_language()).get(status, status)


def service(category: Category, group: str | None) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.display_name,
        "description": category.display_description,
        "metadata": bool(category.attributes.all()),
        "type": "realtime",
        "keywords": category.keywords,
        "group": group or "",
    }


def _attribute(question: CategoryAttribute) -> dict[str, Any]:
    listed = question.datatype in {AttributeType.SINGLE, AttributeType.MULTI}
    row: dict[str, Any] = {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.get_datatype_display(),
        "order": question.position,
        "description": question.display_description,
    }
    if listed:
        row["values"] = [
            {"key": str(v.get("key")), "name": str(v.get("name"))}
            for v in question.values
            if isinstance(v, dict)
        ]
    return row


def service_definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "attributes": [_attribute(q) for q in category.attributes.all()],
    }


def _photo_url(request: HttpRequest, photo: Photo | None, thumbnail: bool = False) -> str | None:
    if photo is None or photo.state != Photo.State.READY or not photo.image:
        return None
    return request.build_absolute_uri((photo.thumbnail if thumbnail else photo.image).url)


def _address(complaint: Complaint) -> str | None:
    region = complaint.region
    # In the citizen's words ("depan rumah Pak Budi"): hidden like the text.
    parts = [public_note(complaint.address)] if complaint.address else []
    if region is not None:
        parts.append(f"Kel. {region.name}")
        if region.parent is not None:
            parts.append(f"Kec. {region.parent.name}")
    return ", ".join(parts) or None


def _status_notes(complaint: Complaint) -> str | None:
    if complaint.status == Status.REJECTED and complaint.rejection_reason:
        return public_note(complaint.rejection_reason)
    if complaint.status == Status.DUPLICATE and complaint.duplicate_of_id:
        original = getattr(complaint, "duplicate_ticket", None)
        if original:
            return f"{status_label(complaint.status)}: {original}"
    note = getattr(complaint, "last_note", None)
    return public_note(note) if note else status_label(complaint.status)


def request(request: HttpRequest, complaint: Complaint, *, extensions: bool) -> dict[str, Any]:
    """One published service request. Expects the selectors' annotations (`last_note`,
    photos)."""
    photos = public_photos(complaint, complaint.photos.all())
    before = next((p for p in photos if p.kind == Photo.Kind.BEFORE), None)
    row: dict[str, Any] = {
        "service_request_id": complaint.ticket,
        "status": open311_status(complaint.status),
        "status_notes": _status_notes(complaint),
        "service_name": complaint.category.display_name if complaint.category else None,
        "service_code": complaint.category.slug if complaint.category else "",
        "description": complaint.public_text[:4000],
        "agency_responsible": complaint.agency.display_name if complaint.agency else None,
        "service_notice": None,
        "requested_datetime": iso(complaint.created_at),
        "updated_datetime": iso(complaint.updated_at),
        "expected_datetime": iso(complaint.due_at) if complaint.is_open else None,
        "address": _address(complaint),
        "address_id": complaint.region.code if complaint.region else None,
        "zipcode": None,
        "lat": complaint.lat,
        "long": complaint.lon,
        "media_url": _photo_url(request, before),
    }
    if extensions:
        region = complaint.region
        district = region.parent if region else None
        row["extended_attributes"] = {
            "status": complaint.status,
            "status_label": status_label(complaint.status),
            "channel": complaint.channel,
            "kelurahan": {"code": region.code, "name": region.name} if region else None,
            "kecamatan": {"code": district.code, "name": district.name} if district else None,
            "agency_code": complaint.agency.code if complaint.agency else None,
            "supporters": complaint.supporters,
            # A list, not an object: attribute codes are not always valid XML names.
            "answers": [
                {"code": k, "value": _public_answer(v)} for k, v in complaint.attributes.items()
            ],
            "photos": [
                {
                    "kind": p.kind,
                    "url": _photo_url(request, p),
                    "thumbnail": _photo_url(request, p, thumbnail=True),
                }
                for p in photos
            ],
            "tracking_url": request.build_absolute_uri(
                reverse("complaints:track", args=[complaint.ticket])
            ),
        }
    return row


def _public_answer(value: Any) -> Any:
    """An answer to a category's question: free text may name people too."""
    if isinstance(value, str):
        return public_note(value)
    if isinstance(value, list):
        return [public_note(v) if isinstance(v, str) else v for v in value]
    return value


def update(request: HttpRequest, event: Event) -> dict[str, Any]:
    """One entry of mySociety's servicerequestupdates extension (of a published complaint)."""
    label = ACTION_LABELS.get(Action(event.action), event.action)
    photo = event.photo
    if photo is not None and not public_photos(event.complaint, [photo]):
        photo = None
    return {
        "update_id": str(event.pk),
        "service_request_id": event.complaint.ticket,
        "status": open311_status(event.to_status),
        "updated_datetime": iso(event.created_at),
        "description": event_note(event) or str(label),
        "media_url": _photo_url(request, photo),
        "external_status_code": event.to_status,
    }
