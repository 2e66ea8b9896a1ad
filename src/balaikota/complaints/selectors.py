"""Reading complaints, for pages, the API and (later) Open311 and dashboards alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from balaikota.agencies.models import Membership
from balaikota.complaints import publication, tickets
from balaikota.complaints.models import (
    OPEN_STATUSES,
    Category,
    CategoryAttribute,
    Complaint,
    Event,
    Photo,
    Privacy,
    Status,
)
from balaikota.complaints.tickets import normalise_ticket
from balaikota.core import roles
from balaikota.core.models import User
from balaikota.core.refcache import Reference
from balaikota.regions.selectors import with_places


@dataclass(frozen=True)
class InboxFilter:
    status: str = ""
    category: str = ""
    region: str = ""
    overdue: bool = False
    agency: str = ""
    search: str = ""  # a tracking code, or words of the complaint


def _load_active_categories() -> dict[str, Category]:
    active = Category.objects.filter(is_active=True).prefetch_related("attributes")
    return {category.slug: category for category in active}


# Read by every new complaint: once a minute per process (core/refcache.py), at once after
# an edit in the same process.
active_categories = Reference(_load_active_categories, Category, CategoryAttribute)


def active_category(slug: str) -> Category | None:
    """The active category with this slug, its questions loaded; shared: read, never change."""
    return active_categories.get().get(slug)


def _with_relations(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return with_places(qs.select_related("category", "agency"))


def visible_to_staff(user: User) -> QuerySet[Complaint]:
    """Every complaint `user` may see in the staff pages."""
    if roles.reads_whole_city(user):
        return Complaint.objects.all()
    if roles.is_agency_member(user):
        agencies = Membership.objects.filter(user=user).values("agency_id")
        return Complaint.objects.filter(agency_id__in=agencies)
    return Complaint.objects.none()


def inbox(user: User, flt: InboxFilter) -> QuerySet[Complaint]:
    qs = visible_to_staff(user)
    if flt.status == "open" or not flt.status:
        qs = qs.filter(status__in=list(OPEN_STATUSES))
    elif flt.status in Status.values:
        qs = qs.filter(status=flt.status)
    if flt.category:
        qs = qs.filter(category__slug=flt.category)
    if flt.region:
        qs = qs.filter(Q(region__code=flt.region) | Q(region__parent__code=flt.region))
    if flt.agency:
        qs = qs.filter(agency__code=flt.agency)
    if flt.overdue:
        qs = qs.filter(
            status__in=list(OPEN_STATUSES), due_at__lt=timezone.now(), clock_paused_at__isnull=True
        )
    if flt.search:
        qs = qs.filter(_matching(flt.search))
    return _with_relations(qs).order_by("due_at", "created_at", "id")


def _matching(search: str) -> Q:
    """A tracking code however it was typed, or words of the text. An anonymous reporter's
    own words are not searched (a name typed into the box would find them): only the public
    version of their complaint is."""
    words = search.strip()[:100]
    found = Q(public_text__icontains=words) | (
        Q(text__icontains=words) & ~Q(privacy=Privacy.ANONYMOUS)
    )
    code = tickets.normalise_ticket(words)
    if len(code) == len(tickets.PREFIX) + 8 and all(
        c in tickets.ALPHABET for c in code.removeprefix(tickets.PREFIX)
    ):
        found |= Q(ticket=code)
    return found


@dataclass(frozen=True)
class QueueHealth:
    open: int
    overdue: int
    new: int


def queue_health(user: User) -> QueueHealth:
    """Counts for the top of the inbox: what is open, late, and not yet accepted."""
    counts = visible_to_staff(user).aggregate(
        open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
        overdue=Count(
            "id",
            filter=Q(
                status__in=list(OPEN_STATUSES),
                due_at__lt=timezone.now(),
                clock_paused_at__isnull=True,  # the clock stands still
            ),
        ),
        new=Count("id", filter=Q(status=Status.ASSIGNED)),
    )
    return QueueHealth(**counts)


def reported_by(user: User | None, tickets: list[str]) -> QuerySet[Complaint]:
    """A citizen's own complaints: those filed while signed in, and those of this browser."""
    mine = Q(ticket__in=tickets)
    if user is not None:
        mine |= Q(reporter=user)
    return _with_relations(Complaint.objects.filter(mine)).order_by("-created_at")


def operator_queue() -> QuerySet[Complaint]:
    """New complaints and those no agency holds: waiting for an operator."""
    return _with_relations(
        Complaint.objects.filter(
            status__in=[Status.SUBMITTED, Status.VERIFIED, Status.REOPENED], agency__isnull=True
        )
    ).order_by("due_at", "created_at", "id")


def _timeline() -> Prefetch[Any]:
    return Prefetch(
        "events",
        queryset=Event.objects.select_related("agency", "photo", "actor").order_by(
            "created_at", "id"
        ),
    )


def _photos() -> Prefetch[Any]:
    return Prefetch("photos", queryset=Photo.objects.order_by("id"))


def _with_timeline(qs: QuerySet[Complaint], ticket: str) -> Complaint:
    complaint = (
        _with_relations(qs)
        .prefetch_related(_timeline(), _photos())
        .filter(ticket=normalise_ticket(ticket))
        .first()
    )
    if complaint is None:
        raise Http404("no such complaint")
    return complaint


def complaint_for_staff(user: User, ticket: str) -> Complaint:
    """The complaint, if `user` may see it in the staff pages; otherwise 404."""
    return _with_timeline(visible_to_staff(user), ticket)


def public_complaint(ticket: str) -> Complaint:
    """The complaint with its timeline and photos, for its tracking page; otherwise 404.

    Any complaint, published or not: the page itself decides how much of it to show.
    """
    return _with_timeline(Complaint.objects.all(), ticket)


def recent_public(limit: int = 10) -> QuerySet[Complaint]:
    """The newest published complaints (the home page)."""
    return _with_relations(
        publication.published().exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
    ).order_by("-created_at")[:limit]
