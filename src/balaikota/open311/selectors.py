"""Reads for the Open311 API: public complaints, their updates, the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from balaikota.complaints.lifecycle import STAFF_ONLY_NOTES, Action
from balaikota.complaints.models import Category, Complaint, Event, Photo, RoutingRule
from balaikota.open311.georeport import CLOSED_STATUSES
from balaikota.regions.models import Region
from balaikota.regions.selectors import with_places, without_boundaries


@dataclass(frozen=True)
class RequestFilter:
    ids: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()  # "open" / "closed"
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


def services() -> list[tuple[Category, str]]:
    """Active categories with their group: the agency that handles them city-wide."""
    categories = list(
        Category.objects.filter(is_active=True)
        .prefetch_related("attributes")
        .order_by("position", "slug")
    )
    groups = dict(
        RoutingRule.objects.filter(region__isnull=True).values_list(
            "category_id", "agency__short_name"
        )
    )
    return [(category, groups.get(category.pk, "")) for category in categories]


def village(code: str) -> Region | None:
    return without_boundaries().filter(code=code, level="village").first()


def service(code: str) -> Category | None:
    return Category.objects.filter(slug=code, is_active=True).prefetch_related("attributes").first()


# Never shown by GeoReport: the reporter's data stays out of the public answer's memory
# altogether, and each column left out is one less to convert on every row of a list.
_NOT_PUBLISHED = (
    "text",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_nik",
    "reporter_key_hash",
    "submission_key",
    "submission_hash",
    "suggestions",
    "rating_comment",
    "moderated_at",
    "contact_removed_at",
    "dispose_due",
    "followup_due",
    "resolve_due",
    "escalated_due",
    "assigned_at",
    "followed_up_at",
    "resolved_at",
    "closed_at",
)


def _public(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Published complaints only, with what their public version needs. The last note
    is read as written: `georeport` hides the personal data in it."""
    last_note = (
        Event.objects.filter(complaint=OuterRef("pk"))
        .exclude(note="")
        # The reporter's answers are theirs, not the city's status note.
        .exclude(action__in=[str(a) for a in STAFF_ONLY_NOTES | {Action.ANSWER}])
        .order_by("-created_at", "-id")
        .values("note")[:1]
    )
    qs = qs.filter(published=True)
    return (
        with_places(qs.select_related("category", "agency"))
        .defer(*_NOT_PUBLISHED)
        .annotate(
            last_note=Subquery(last_note),
            duplicate_ticket=Subquery(
                Complaint.objects.filter(pk=OuterRef("duplicate_of_id")).values("ticket")[:1]
            ),
        )
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("id")))
    )


def requests(flt: RequestFilter) -> QuerySet[Complaint]:
    """Newest first. With ids, only those (the other filters are ignored, as the spec says)."""
    if flt.ids:
        return _public(Complaint.objects.filter(ticket__in=list(flt.ids))).order_by(
            "-created_at", "-id"
        )
    qs = Complaint.objects.all()
    if flt.service_codes:
        qs = qs.filter(category__slug__in=list(flt.service_codes))
    if flt.statuses and set(flt.statuses) != {"open", "closed"}:
        closed = [str(s) for s in CLOSED_STATUSES]
        qs = (
            qs.filter(status__in=closed)
            if "closed" in flt.statuses
            else qs.exclude(status__in=closed)
        )
    if flt.start is not None:
        qs = qs.filter(created_at__gte=flt.start)
    if flt.end is not None:
        qs = qs.filter(created_at__lte=flt.end)
    return _public(qs).order_by("-created_at", "-id")


def request(ticket: str) -> Complaint | None:
    return _public(Complaint.objects.filter(ticket=ticket)).first()


def updates(start: dt.datetime, end: dt.datetime) -> QuerySet[Event]:
    """Every recorded step of a published complaint in the period, oldest first (a follower
    keeps its place by time)."""
    return (
        Event.objects.filter(created_at__gte=start, created_at__lte=end, complaint__published=True)
        .select_related("complaint", "photo")
        .order_by("created_at", "id")
    )
