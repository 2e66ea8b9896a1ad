"""/api/v1/agency: an agency's own system (a key with the `agency` scope) reads the agency's
complaints as its staff do and acts on them: accept, progress note, resolve, return.

The key acts through its staff account (`ApiClient.account`, a member of its agency alone),
so the selectors and services of the staff pages apply unchanged: the same visibility, the
same lifecycle, the same events, notices and audit entries, with the key's name as the
actor. The reporter of an anonymous complaint stays hidden, as from every agency officer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile as DjangoUpload
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import AuthorizationError
from ninja.files import UploadedFile
from ninja.responses import Status

from balaikota.api import auth
from balaikota.api.schemas import ErrorOut, LocationOut, RegionOut
from balaikota.complaints import (
    identity,
    lifecycle,
    photo_copies,
    publication,
    selectors,
    services,
)
from balaikota.complaints.lifecycle import ACTION_LABELS, Action, Actor, TransitionNotAllowed
from balaikota.complaints.models import Complaint, Event, Photo
from balaikota.complaints.models import Status as ComplaintStatus
from balaikota.core.models import User
from balaikota.core.redaction import hide_values

router = Router(tags=["agency"], auth=auth.AGENCY)

PAGE_SIZE = 50
# Whose name a timeline shows: staff who acted (a person or a key), never a citizen's.
_NAMED_ACTORS = frozenset({Actor.OPERATOR.value, Actor.AGENCY.value})


class ReporterOut(Schema):
    """The reporter as an agency officer sees them: `hidden` under the anonymous mode."""

    hidden: bool
    name: str
    phone: str
    email: str


class StaffEventOut(Schema):
    at: datetime
    action: str
    label: str
    status: str
    note: str
    agency: str | None
    # Who acted, when staff did: an officer's name or an API key's.
    actor: str | None


class AgencyComplaintOut(Schema):
    ticket: str
    status: str
    status_label: str
    privacy: str
    # The stored text (without the reporter's own contact when the complaint is anonymous).
    text: str
    category: str | None
    region: RegionOut | None
    location: LocationOut
    address: str
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    supporters: int
    # What this key may do now: accept, note, resolve, return.
    actions: list[str]


class StaffPhotoOut(Schema):
    kind: str
    # The staff copy (upright, no metadata, not blurred), fetched with the same key.
    url: str
    thumbnail: str


class AgencyComplaintDetail(AgencyComplaintOut):
    reporter: ReporterOut
    photos: list[StaffPhotoOut]
    events: list[StaffEventOut]


class AgencyPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AgencyComplaintOut]


class ListQuery(Schema):
    status: str = Field("open", description="`open` (the default), `all`, or one status.")
    page: int = Field(1, ge=1, le=100_000)


_KEY_ACTIONS = (Action.ACCEPT, Action.NOTE, Action.RESOLVE, Action.RETURN)


def _account(request: HttpRequest) -> User:
    client = auth.client_of(request)
    account = client.account if client is not None else None
    if account is None or not account.is_active:
        # Not reached: saving a key with an agency gives it an active account.
        raise AuthorizationError(message=_("This API key may not act for an agency."))
    return account


def _actions(complaint: Complaint) -> list[str]:
    allowed = lifecycle.allowed_actions(complaint.status, Actor.AGENCY)
    return [a.value for a in _KEY_ACTIONS if a in allowed]


def _row(
    complaint: Complaint, user: User, now: datetime, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """A list's row as plain values: the response schema checks it once, on the way out."""
    region = complaint.region
    return {
        "ticket": complaint.ticket,
        "status": complaint.status,
        "status_label": labels[complaint.status] if labels else complaint.get_status_display(),
        "privacy": complaint.privacy,
        "text": identity.staff_text(complaint, user),
        "category": complaint.category.slug if complaint.category else None,
        "region": {"code": region.code, "name": region.name} if region else None,
        "location": {
            "lat": complaint.lat,
            "lon": complaint.lon,
            "source": complaint.location_source or None,
        },
        "address": complaint.address,
        "created_at": complaint.created_at,
        "due_at": complaint.due_at,
        "overdue": complaint.is_overdue(now),
        "supporters": complaint.supporters,
        "actions": _actions(complaint),
    }


def _note(complaint: Complaint, event: Event) -> str:
    if complaint.hides_identity:
        # A reporter may have written their own number into a note.
        return hide_values(event.note, publication.contact_of(complaint))
    return event.note


def _event(complaint: Complaint, event: Event) -> StaffEventOut:
    actor = event.actor
    return StaffEventOut(
        at=event.created_at,
        action=event.action,
        label=str(ACTION_LABELS[Action(event.action)]),
        status=event.to_status,
        note=_note(complaint, event),
        agency=event.agency.code if event.agency else None,
        actor=(actor.get_full_name() or actor.username)
        if actor is not None and event.actor_role in _NAMED_ACTORS
        else None,
    )


def _photos(request: HttpRequest, complaint: Complaint) -> list[StaffPhotoOut]:
    rows = []
    for photo in complaint.photos.all():
        if photo.state != Photo.State.READY or not photo.staff_image:
            continue
        url = request.build_absolute_uri(reverse("api:agency_photo", args=[photo.pk]))
        rows.append(StaffPhotoOut(kind=photo.kind, url=url, thumbnail=f"{url}?size=small"))
    return rows


def _detail(request: HttpRequest, complaint: Complaint, user: User) -> AgencyComplaintDetail:
    who = identity.identity_for(complaint, user)
    return AgencyComplaintDetail(
        **_row(complaint, user, timezone.now()),
        reporter=ReporterOut(hidden=who.hidden, name=who.name, phone=who.phone, email=who.email),
        photos=_photos(request, complaint),
        events=[_event(complaint, e) for e in complaint.events.all()],
    )


def _not_found() -> Status[ErrorOut]:
    return Status(404, ErrorOut(detail=_("This agency has no complaint with this tracking code.")))


@router.get(
    "/complaints",
    response={200: AgencyPage, 400: ErrorOut},
    summary="The agency's complaints (agency key)",
)
def complaints(request: HttpRequest, q: Query[ListQuery]) -> Any:
    """The complaints now with the key's agency, what is due first first, as in the staff
    inbox; `status=all` for every one, closed ones too."""
    if q.status not in {"open", "all", *ComplaintStatus.values}:
        return Status(
            400,
            ErrorOut(
                detail=_("Unknown status: %(status)s.") % {"status": q.status},
                errors={"status": [_("Use open, all or one status.")]},
            ),
        )
    user = _account(request)
    qs = selectors.inbox(user, selectors.InboxFilter(status="open" if q.status == "open" else ""))
    if q.status not in {"open", "all"}:
        qs = qs.filter(status=q.status)
    elif q.status == "all":
        qs = selectors.visible_to_staff(user).select_related("category", "region")
        qs = qs.defer("region__geometry")
        qs = qs.order_by("due_at", "created_at", "id")
    count = qs.count()
    now = timezone.now()
    start = (q.page - 1) * PAGE_SIZE
    # Translated once per answer, not once per row.
    labels = {str(value): str(label) for value, label in ComplaintStatus.choices}
    return {
        "count": count,
        "page": q.page,
        "pages": max(1, -(-count // PAGE_SIZE)),
        "results": [_row(c, user, now, labels) for c in qs[start : start + PAGE_SIZE]],
    }


@router.get(
    "/complaints/{ticket}",
    response={200: AgencyComplaintDetail, 404: ErrorOut},
    summary="One of the agency's complaints (agency key)",
)
def complaint(request: HttpRequest, ticket: str) -> Any:
    """The complaint as the agency's officers see it, with its whole timeline. The reporter
    of an anonymous complaint is hidden (`reporter.hidden`)."""
    user = _account(request)
    try:
        return _detail(request, selectors.complaint_for_staff(user, ticket), user)
    except Http404:
        return _not_found()


ACTED = {200: AgencyComplaintDetail, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _act(request: HttpRequest, ticket: str, step: Any, *, note: str | None = None) -> Any:
    """Run one staff service as the key's account; the lifecycle's refusal is a 409.
    `note`, when given, is required: refused here before anything is read."""
    if note is not None and not note.strip():
        return Status(
            400,
            ErrorOut(
                detail=_("Please write a reason or a note."),
                errors={"note": [_("This field is required.")]},
            ),
        )
    user = _account(request)
    try:
        complaint = selectors.complaint_for_staff(user, ticket)
    except Http404:
        return _not_found()
    try:
        done = step(complaint, user)
    except TransitionNotAllowed as exc:
        return Status(409, ErrorOut(detail=str(exc)))
    # Read from the service's answer: a returned complaint has left the agency's reach.
    return _detail(request, done, user)


@router.post("/complaints/{ticket}/accept", response=ACTED, summary="Accept (agency key)")
def accept(request: HttpRequest, ticket: str, note: Form[str] = "") -> Any:
    """The agency takes the complaint in hand: in progress, with its resolution deadline."""
    return _act(request, ticket, lambda c, u: services.accept_complaint(c, u, note))


@router.post("/complaints/{ticket}/note", response=ACTED, summary="Progress note (agency key)")
def note(
    request: HttpRequest,
    ticket: str,
    note: Form[str],
    photo: File[UploadedFile | None] = None,
) -> Any:
    """A progress update in the complaint's timeline (the reporter is told), with an
    optional photo."""
    upload: DjangoUpload | None = photo
    return _act(
        request, ticket, lambda c, u: services.add_progress_note(c, u, note, upload), note=note
    )


@router.post("/complaints/{ticket}/resolve", response=ACTED, summary="Resolve (agency key)")
def resolve(request: HttpRequest, ticket: str, note: Form[str], photo: File[UploadedFile]) -> Any:
    """Resolved, with what was done and the “after” photo (JPEG, PNG, HEIC); the reporter
    is asked to confirm."""
    return _act(
        request, ticket, lambda c, u: services.resolve_complaint(c, u, note, photo), note=note
    )


@router.post(
    "/complaints/{ticket}/return", response=ACTED, summary="Return to the operator (agency key)"
)
def return_to_operator(request: HttpRequest, ticket: str, note: Form[str]) -> Any:
    """Not this agency's: back to the operator with the reason, to find the right agency.
    The complaint leaves the agency (and this key's reach)."""
    return _act(request, ticket, lambda c, u: services.return_to_operator(c, u, note), note=note)


@router.get(
    "/photos/{pk}",
    response={200: None, 404: ErrorOut},
    url_name="agency_photo",
    openapi_extra={
        "responses": {
            200: {
                "description": "The photo (JPEG)",
                "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="The staff copy of a photo (agency key)",
)
def photo(request: HttpRequest, pk: int, size: Literal["full", "small"] = "full") -> Any:
    """A photo of one of the agency's complaints as its officers see it: upright, without
    metadata, not blurred (JPEG). `size=small` gives the thumbnail."""
    complaints = selectors.visible_to_staff(_account(request))
    found = Photo.objects.filter(pk=pk, complaint__in=complaints).exclude(staff_image="").first()
    if found is None:
        return Status(404, ErrorOut(detail=_("This agency has no photo with this number.")))
    name = found.staff_image
    if size == "small":
        name = photo_copies.staff_thumbnail_name(name)
    try:
        handle = storages["private"].open(name, "rb")
    except FileNotFoundError:
        return Status(404, ErrorOut(detail=_("This agency has no photo with this number.")))
    response = FileResponse(handle, content_type="image/jpeg")
    # Never kept by a shared cache: it is not a public picture.
    patch_cache_control(response, private=True, max_age=3600)
    return response
