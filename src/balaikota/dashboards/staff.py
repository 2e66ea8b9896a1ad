"""Reads for the staff dashboards: live queries on indexed columns, a handful per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from balaikota.agencies.models import Agency, Membership
from balaikota.complaints.models import OPEN_STATUSES, Channel, Complaint, Event, Status
from balaikota.core import roles
from balaikota.core.models import User
from balaikota.regions.selectors import with_places

OLDEST_SHOWN = 10


def agencies_for(user: User) -> QuerySet[Agency]:
    """The agencies whose dashboard `user` may open."""
    if roles.reads_whole_city(user):
        return Agency.objects.filter(is_active=True)
    if roles.is_agency_member(user):
        return Agency.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("agency_id")
        )
    return Agency.objects.none()


def agency_for_dashboard(user: User, code: str) -> Agency | None:
    """The agency to show: the one asked for if `user` may see it (else 404), or the
    user's own when they have exactly one, or None (the page offers a choice)."""
    allowed = agencies_for(user)
    if code:
        agency = allowed.filter(code=code).first()
        if agency is None:
            raise Http404("no such agency for this user")
        return agency
    return allowed.first() if allowed.count() == 1 else None


@dataclass(frozen=True)
class StaffOverdue:
    name: str
    count: int


@dataclass(frozen=True)
class AgencyHealth:
    agency: Agency
    open: int
    overdue: int
    waiting: int  # sent to the agency, not yet accepted
    in_progress: int
    oldest: list[Complaint]
    overdue_by_staff: list[StaffOverdue]


def agency_health(agency: Agency, now: dt.datetime) -> AgencyHealth:
    queue = Complaint.objects.filter(agency=agency, status__in=list(OPEN_STATUSES))
    late = Q(due_at__lt=now, clock_paused_at__isnull=True)
    counts = queue.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=late),
        waiting=Count("id", filter=Q(status=Status.ASSIGNED)),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
    )
    oldest = list(
        with_places(queue.select_related("category")).order_by("created_at", "id")[:OLDEST_SHOWN]
    )
    return AgencyHealth(
        agency=agency,
        oldest=oldest,
        overdue_by_staff=_overdue_by_staff(queue.filter(late), agency),
        **counts,
    )


def _overdue_by_staff(overdue: QuerySet[Complaint], agency: Agency) -> list[StaffOverdue]:
    """Overdue complaints by the staff member who accepted them (the latest acceptance by
    this agency); those not yet accepted are counted apart."""
    accepted_by = Subquery(
        Event.objects.filter(complaint=OuterRef("pk"), action="accept", agency=agency)
        .order_by("-created_at", "-id")
        .values("actor_id")[:1]
    )
    rows = list(
        overdue.annotate(accepted_by=accepted_by)
        .values("accepted_by")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=[r["accepted_by"] for r in rows if r["accepted_by"]])
    }
    return [
        StaffOverdue(names.get(row["accepted_by"], "") if row["accepted_by"] else "", row["count"])
        for row in rows
    ]


@dataclass(frozen=True)
class ChannelIntake:
    label: str
    last_7_days: int
    last_30_days: int
    total: int


@dataclass(frozen=True)
class Intake:
    channels: list[ChannelIntake]
    unrouted: list[tuple[str, int]]  # status label, open complaints without an agency

    @property
    def unrouted_total(self) -> int:
        return sum(count for _label, count in self.unrouted)


def operator_intake(now: dt.datetime) -> Intake:
    """What came in, by channel, and what waits for an operator to route it."""
    week, month = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    rows: dict[str, dict[str, Any]] = {
        row["channel"]: dict(row)
        for row in Complaint.objects.order_by()
        .values("channel")
        .annotate(
            total=Count("id"),
            week=Count("id", filter=Q(created_at__gte=week)),
            month=Count("id", filter=Q(created_at__gte=month)),
        )
    }
    channels = [
        ChannelIntake(
            str(label),
            rows.get(value, {}).get("week", 0),
            rows.get(value, {}).get("month", 0),
            rows.get(value, {}).get("total", 0),
        )
        for value, label in Channel.choices
    ]
    waiting = dict(
        Complaint.objects.filter(status__in=list(OPEN_STATUSES), agency__isnull=True)
        .order_by()
        .values("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    unrouted = [(str(Status(status).label), count) for status, count in sorted(waiting.items())]
    return Intake(channels, unrouted)
