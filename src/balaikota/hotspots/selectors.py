"""Reads of hotspots and planned work, for the public pages, the staff pages and the
complaint's public page. Public reads show published complaints only."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from balaikota.agencies.models import Membership
from balaikota.complaints.models import Complaint
from balaikota.core import roles
from balaikota.core.models import User
from balaikota.hotspots.models import Hotspot, Member, PlannedWork, WorkEvent


def _latest_work(field: str) -> Subquery:
    return Subquery(
        PlannedWork.objects.filter(hotspot=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def _listed(qs: QuerySet[Hotspot]) -> QuerySet[Hotspot]:
    return qs.select_related("category", "region", "region__parent", "agency").annotate(
        work_id=_latest_work("id"),
        work_status=_latest_work("status"),
        work_title=_latest_work("title"),
    )


def public_hotspots() -> QuerySet[Hotspot]:
    """The current hotspots, the largest first."""
    return _listed(Hotspot.objects.filter(active=True)).order_by(
        "-active", "-count", "-last_reported_at", "id"
    )


def map_items() -> list[dict[str, Any]]:
    rows = (
        Hotspot.objects.filter(active=True)
        .annotate(work_status=_latest_work("status"))
        .values("pk", "lat", "lon", "count", "category__name", "category__name_en", "work_status")
        .order_by("-count", "id")
    )
    return [dict(row) for row in rows]


def hotspot(pk: int) -> Hotspot:
    found = _listed(Hotspot.objects.filter(pk=pk)).first()
    if found is None:
        raise Http404("no such hotspot")
    return found


def public_members(spot: Hotspot) -> list[Complaint]:
    """The hotspot's published complaints, current ones first, each oldest first."""
    members = (
        Member.objects.filter(hotspot=spot, complaint__published=True)
        .select_related("complaint")
        .order_by("-current", "complaint__created_at", "complaint_id")
    )
    found = []
    for member in members:
        complaint = member.complaint
        complaint.in_hotspot_now = member.current  # type: ignore[attr-defined]
        found.append(complaint)
    return found


def works_of(spot: Hotspot) -> list[PlannedWork]:
    return list(
        spot.works.select_related("agency").prefetch_related(
            Prefetch("events", queryset=WorkEvent.objects.order_by("created_at", "id"))
        )
    )


def work(pk: int) -> PlannedWork:
    found = (
        PlannedWork.objects.select_related(
            "agency", "hotspot", "hotspot__category", "hotspot__region", "hotspot__region__parent"
        )
        .prefetch_related(Prefetch("events", queryset=WorkEvent.objects.order_by("created_at")))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("no such planned work")
    return found


def works_for_complaint(complaint: Complaint) -> list[PlannedWork]:
    """The planned work of the hotspots a published complaint is (or was) in."""
    if not complaint.published:
        return []
    return list(
        PlannedWork.objects.filter(hotspot__members__complaint=complaint)
        .exclude(status="cancelled")
        .order_by("-created_at", "-id")
        .distinct()
    )


# -- staff ------------------------------------------------------------------------------


def for_staff(user: User) -> QuerySet[Hotspot]:
    """The hotspots `user` sees: their agencies' (by routing), or the whole city's."""
    qs = Hotspot.objects.all()
    if roles.reads_whole_city(user):
        pass
    elif roles.is_agency_member(user):
        qs = qs.filter(agency_id__in=Membership.objects.filter(user=user).values("agency_id"))
    else:
        qs = qs.none()
    return _listed(qs).order_by("-active", "-count", "-last_reported_at", "id")


def hotspot_for_staff(user: User, pk: int) -> Hotspot:
    found = for_staff(user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such hotspot for this user")
    return found


@dataclass(frozen=True)
class HistoryEntry:
    complaint: Complaint
    current: bool
    joined_at: dt.datetime


def history(spot: Hotspot) -> list[HistoryEntry]:
    """Every complaint ever found in the hotspot, oldest first (staff see them all)."""
    members = (
        Member.objects.filter(hotspot=spot)
        .select_related("complaint")
        .order_by("complaint__created_at", "complaint_id")
    )
    return [HistoryEntry(m.complaint, m.current, m.joined_at) for m in members]


def per_month(entries: list[HistoryEntry]) -> list[tuple[str, int]]:
    """Complaints per month of submission (the city's time), in order."""
    months = Counter(timezone.localtime(e.complaint.created_at).strftime("%Y-%m") for e in entries)
    return sorted(months.items())
