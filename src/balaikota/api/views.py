"""The /api/v1 JSON API: the same services as the pages, for apps and integrators."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from ninja import Form, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from balaikota.api import auth, schemas
from balaikota.api.contract import ContractAPI
from balaikota.api.schemas import (
    CategoryOut,
    ComplaintCreated,
    ComplaintPublic,
    ComplaintRestricted,
    ErrorOut,
    EventOut,
    LocateOut,
    LocateQuery,
    LocationOut,
    PhotoOut,
    RegionOut,
    SimilarQuery,
)
from balaikota.complaints import disclosure, duplicates, intake, selectors, services
from balaikota.complaints.lifecycle import ACTION_LABELS, Action
from balaikota.complaints.models import Category, Channel, Complaint, Photo
from balaikota.core import answercache, endpoint_errors, ratelimit
from balaikota.open311 import services as open311
from balaikota.regions import selectors as regions
from balaikota.regions.models import Region

# Every operation: an API key with the scope it needs, a session (writes with CSRF), or nobody.
api = ContractAPI(
    auth=auth.PUBLIC,
    title="Balaikota API",
    version="1",
    description="SAMBAT complaints of the city: submit and track. No personal data is ever "
    "returned.",
    urls_namespace="api",
)


def _region(region: Region | None) -> RegionOut | None:
    return RegionOut(code=region.code, name=region.name) if region else None


def _location(complaint: Complaint) -> LocationOut:
    return LocationOut(
        lat=complaint.lat, lon=complaint.lon, source=complaint.location_source or None
    )


def private_url(request: HttpRequest, ticket: str, key: str | None) -> str | None:
    """The reporter's private link, as the web form's receipt shows it."""
    if not key:
        return None
    return request.build_absolute_uri(reverse("complaints:track", args=[ticket]) + f"?kunci={key}")


def created_body(complaint: Complaint, private: str | None = None) -> ComplaintCreated:
    return ComplaintCreated(
        private_url=private,
        ticket=complaint.ticket,
        status=complaint.status,
        category=complaint.category.slug if complaint.category else None,
        agency=complaint.agency.code if complaint.agency else None,
        region=_region(complaint.region),
        location=_location(complaint),
        privacy=complaint.privacy,
    )


def _photo_url(request: HttpRequest, photo: Photo | None, thumb: bool = False) -> str | None:
    if photo is None or photo.state != Photo.State.READY or not photo.image:
        return None
    field = photo.thumbnail if thumb else photo.image
    return request.build_absolute_uri(field.url)


def restricted_body(complaint: Complaint) -> ComplaintRestricted:
    """All the public may know of a complaint that is not published."""
    return ComplaintRestricted(
        ticket=complaint.ticket,
        status=complaint.status,
        status_label=complaint.get_status_display(),
        agency=complaint.agency.code if complaint.agency else None,
        agency_name=complaint.agency.display_name if complaint.agency else None,
        due_at=complaint.due_at if complaint.is_open else None,
    )


def public_body(
    request: HttpRequest, complaint: Complaint, *, reporter: bool = False
) -> ComplaintPublic:
    """The public version of a published complaint; for its `reporter`, all of it."""
    region = complaint.region
    photos = disclosure.photos_for(complaint, complaint.photos.all(), reporter=reporter)
    shown = {p.pk for p in photos}
    return ComplaintPublic(
        ticket=complaint.ticket,
        status=complaint.status,
        status_label=complaint.get_status_display(),
        published=complaint.published,
        text=complaint.text if reporter else complaint.public_text,
        moderated=complaint.moderated_at is not None,
        category=complaint.category.slug if complaint.category else None,
        agency=complaint.agency.code if complaint.agency else None,
        agency_name=complaint.agency.display_name if complaint.agency else None,
        region=_region(region),
        district=_region(region.parent if region else None),
        location=_location(complaint),
        created_at=complaint.created_at,
        updated_at=complaint.updated_at,
        due_at=complaint.due_at,
        rating=complaint.rating,
        supporters=complaint.supporters,
        photos=[
            PhotoOut(
                kind=p.kind, url=_photo_url(request, p), thumbnail=_photo_url(request, p, True)
            )
            for p in photos
        ],
        events=[
            EventOut(
                at=e.created_at,
                action=e.action,
                label=str(ACTION_LABELS[Action(e.action)]),
                status=e.to_status,
                note=disclosure.event_note(e),
                agency=e.agency.code if e.agency else None,
                photo=_photo_url(request, e.photo) if e.photo_id in shown else None,
            )
            for e in complaint.events.all()
        ],
    )


def _float(value: str | None, name: str, errors: dict[str, list[str]]) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        errors.setdefault(name, []).append(_("Not a number."))
        return None


@api.post(
    "/complaints",
    response={
        201: ComplaintCreated,
        200: ComplaintCreated,
        400: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
    },
    auth=auth.INTAKE,
    summary="Submit a complaint",
)
def submit(
    request: HttpRequest,
    text: schemas.Text,
    category: schemas.CategorySlug,
    lat: schemas.Latitude,
    lon: schemas.Longitude,
    phone: schemas.Phone,
    email: schemas.Email,
    nik: schemas.Nik,
    location_source: Form[str | None] = None,
    name: Form[str | None] = None,
    privacy: Form[Literal["public", "anonymous", "confidential"]] = "public",
    notify_by: Form[Literal["email", "phone", "both"] | None] = None,
    phone_channel: Form[Literal["whatsapp", "sms"] | None] = None,
    photos: list[UploadedFile] = schemas.PHOTOS,
) -> Status[Any] | HttpResponse:
    """Multipart form: `text`, optional `category` (slug), `lat`/`lon` (or a photo with GPS),
    up to 5 `photos` (JPEG, PNG, HEIC), the reporter's contact and `privacy`: `public` (the
    default), `anonymous` (the reporter's identity is shown to nobody in the city) or
    `confidential` (nothing of the complaint is published), and how the reporter hears of
    each step: `notify_by` (`email`, `phone` or `both`; by default e-mail when given, else
    the phone) and `phone_channel` (`whatsapp`, the default, or `sms`). The answer's
    `private_url` is the reporter's private link (confirm, rate, reopen): give it to the
    reporter only. An `Idempotency-Key`
    header makes a retried request return the complaint made the first time (200); the same
    key with a different complaint is refused (409). Too many complaints from one address
    or key: 429 with Retry-After (RATE_LIMIT_REPORTS, or the key's own limit per minute)."""
    caller = auth.client_of(request)
    wait = ratelimit.check(
        request,
        "report",
        settings.RATE_LIMIT_REPORTS,
        key=f"api:{caller.pk}" if caller else "",
        key_rate=(caller.rate_limit, 60) if caller and caller.rate_limit else None,
    )
    if wait:
        return endpoint_errors.error_response(
            request, 429, ratelimit.wait_message(wait), retry_after=wait
        )
    errors: dict[str, list[str]] = {}
    chosen = None
    if category:
        chosen = selectors.active_category(category)
        if chosen is None:
            errors["category"] = [_("Unknown category: %(slug)s.") % {"slug": category}]
    lat_value = _float(lat, "lat", errors)
    lon_value = _float(lon, "lon", errors)
    if errors:
        return Status(400, ErrorOut(detail=_("The complaint was not accepted."), errors=errors))
    key = request.headers.get("Idempotency-Key", "").strip()[:255] or None
    client = auth.client_of(request)
    if key and client is not None:
        key = f"{client.pk}:{key}"  # a key's idempotency keys are its own, as in Open311
    try:
        submission = intake.submit_complaint(
            text=text,
            category=chosen,
            lat=lat_value,
            lon=lon_value,
            location_source=location_source or "map",
            photo_files=list(photos or []),
            contact=intake.Contact(
                name=name or "",
                phone=phone or "",
                email=email or "",
                nik=nik or "",
                notify_by=notify_by or "",
                phone_channel=phone_channel or "",
            ),
            channel=Channel.API,
            reporter=auth.signed_in(request),
            submission_key=f"api:{key}" if key else None,
            privacy=privacy,
            # The key's link to its complaint, in the complaint's own transaction.
            also=(lambda complaint: open311.link_new_request(client, complaint))
            if client is not None
            else None,
        )
    except intake.SubmissionInvalid as exc:
        return Status(400, ErrorOut(detail=_("The complaint was not accepted."), errors=exc.errors))
    except intake.SubmissionConflict as exc:
        return Status(409, ErrorOut(detail=str(exc)))
    complaint = submission.complaint
    return Status(
        201 if submission.created else 200,
        created_body(complaint, private_url(request, complaint.ticket, submission.reporter_key)),
    )


class SimilarOut(Schema):
    ticket: str
    text: str
    category: str
    category_name: str
    status: str
    status_label: str
    distance_m: float
    supporters: int
    url: str


@api.get("/complaints/similar", response=list[SimilarOut], summary="Open complaints near a point")
def similar(request: HttpRequest, q: Query[SimilarQuery]) -> Any:
    """Published open complaints within 100 m and 30 days, of `category` when given (of every
    category without it), most alike `text` first, else nearest: the report form shows them
    as soon as the pin is placed, and asks whether the problem is already reported."""
    category = None
    if q.category:
        category = Category.objects.filter(slug=q.category).first()
        if category is None:
            return []
    found = duplicates.find_nearby(category=category, lat=q.lat, lon=q.lon, text=q.text)
    return [
        SimilarOut(
            ticket=s.complaint.ticket,
            text=s.complaint.public_text[:200],
            category=s.complaint.category.slug if s.complaint.category else "",
            category_name=s.complaint.category.display_name if s.complaint.category else "",
            status=s.complaint.status,
            status_label=s.complaint.get_status_display(),
            distance_m=s.distance_m,
            supporters=s.complaint.supporters,
            url=reverse("complaints:track", args=[s.complaint.ticket]),
        )
        for s in found
    ]


@api.get(
    "/complaints/{ticket}",
    response={200: ComplaintPublic | ComplaintRestricted, 404: ErrorOut},
    summary="Track a complaint",
)
def track(request: HttpRequest, ticket: str) -> Any:
    """The public version of a published complaint. Of one that is not published
    (confidential, withheld or awaiting moderation) only its ticket, status, agency and next
    deadline, unless the request comes from its reporter: signed in, or in the browser
    session that holds the complaint's private link."""
    try:
        complaint = selectors.public_complaint(ticket)
    except Http404:
        return Status(404, ErrorOut(detail=_("No complaint has this tracking code.")))
    user = request.user if request.user.is_authenticated else None
    reporter = services.reporter_may_act(
        complaint, key=request.session.get(f"key:{complaint.ticket}"), user=user
    )
    if not complaint.published and not reporter:
        return restricted_body(complaint)
    return public_body(request, complaint, reporter=reporter)


@api.get("/categories", response=list[CategoryOut], summary="Complaint categories")
def categories(request: HttpRequest) -> Any:
    """The same for everyone: kept until the catalogue changes (core/answercache.py)."""

    def build() -> tuple[bytes, str]:
        rows = [
            CategoryOut(
                slug=c.slug,
                name=c.name,
                name_en=c.name_en,
                description=c.display_description,
                location_required=c.location_required,
            ).model_dump(mode="json")
            for c in Category.objects.filter(is_active=True)
        ]
        return json.dumps(rows, ensure_ascii=False).encode(), "application/json; charset=utf-8"

    key = ("api-categories", translation.get_language() or "")
    return answercache.respond(request, answercache.CATALOGUE_ANSWERS.get(key, build))


@api.get("/regions/locate", response=LocateOut, summary="Which kelurahan holds a point")
def locate(request: HttpRequest, q: Query[LocateQuery]) -> Any:
    place = regions.locate(q.lat, q.lon)
    if place.village is None:
        return LocateOut(
            inside=False,
            match=place.match,
            region=None,
            district=None,
            message=_("Outside the service area."),
        )
    return LocateOut(
        inside=True,
        match=place.match,
        region=_region(place.village),
        district=_region(place.village.parent),
        message=_("Kelurahan %(village)s, Kecamatan %(district)s")
        % {
            "village": place.village.name,
            "district": place.village.parent.name if place.village.parent else "-",
        },
    )


@api.get("/regions/boundaries", summary="Kelurahan boundaries (GeoJSON, simplified)")
def boundaries(request: HttpRequest) -> HttpResponse:
    """Drawn under the maps so that they stay usable when the tile server is unreachable."""
    body = cache.get_or_set(
        "regions:boundaries:" + regions.boundaries_version(),
        lambda: json.dumps(regions.village_boundaries(), separators=(",", ":")),
        timeout=24 * 3600,
    )
    response = HttpResponse(body, content_type="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return gzip_page(lambda _request: response)(request)


# The performance auction's endpoints live in their own module (balaikota.api.performance).
from balaikota.api.performance import router as performance_router  # noqa: E402

api.add_router("/performance", performance_router)

# An agency's own system, with a key of the `agency` scope (balaikota.api.agency).
from balaikota.api.agency import router as agency_router  # noqa: E402

api.add_router("/agency", agency_router)
