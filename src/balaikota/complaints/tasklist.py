"""A field officer's task list: the open complaints handed to them, and those handed to
their team that no officer has taken yet; the nearest first when the phone says where it
is, else the oldest first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet

from balaikota.agencies.models import Membership
from balaikota.complaints.duplicates import distance_m
from balaikota.complaints.models import Complaint, Status
from balaikota.complaints.placecheck import Point
from balaikota.core.models import User
from balaikota.regions.selectors import with_places

WORKING = (Status.ASSIGNED, Status.IN_PROGRESS)


def tasks_for(user: User, near: Point | None = None) -> QuerySet[Complaint]:
    memberships = Membership.objects.filter(user=user)
    teams = memberships.filter(is_field_officer=True, team__isnull=False).values("team_id")
    qs = Complaint.objects.filter(
        status__in=WORKING,
        agency_id__in=memberships.values("agency_id"),
    ).filter(Q(field_officer=user) | Q(field_officer__isnull=True, field_team__in=teams))
    qs = with_places(qs.select_related("category", "field_team"))
    if near is None:
        return qs.order_by("created_at", "id")
    # Good enough to sort a city's places by: a flat projection of latitude and longitude.
    stretch = math.cos(math.radians(near[0]))
    dlat = F("lat") - near[0]
    dlon = (F("lon") - near[1]) * stretch
    closeness = ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())
    return qs.annotate(closeness=closeness).order_by(
        F("closeness").asc(nulls_last=True), "created_at", "id"
    )


@dataclass(frozen=True)
class Directions:
    geo: str  # the phone's own map app
    osm: str  # OpenStreetMap's route planner, in the browser


def directions(complaint: Complaint) -> Directions | None:
    if complaint.lat is None or complaint.lon is None:
        return None
    point = f"{complaint.lat:.6f},{complaint.lon:.6f}"
    return Directions(
        geo=f"geo:{point}?q={point}({quote(complaint.ticket)})",
        osm="https://www.openstreetmap.org/directions?route="
        + quote(f";{point}")
        + f"#map=17/{complaint.lat:.6f}/{complaint.lon:.6f}",
    )


def away_m(complaint: Complaint, near: Point | None) -> float | None:
    if near is None or complaint.lat is None or complaint.lon is None:
        return None
    return distance_m(near[0], near[1], complaint.lat, complaint.lon)
