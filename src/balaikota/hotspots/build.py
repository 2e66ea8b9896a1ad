"""The worker's job: find the hotspots afresh from the published complaints of the window,
and carry each known hotspot (its history, its planned work) over to the cluster that
continues it. Run every quarter of an hour (`tasks.refresh_hotspots`), never per request.

Which complaints count (the open data holds exactly these, so anyone can recompute the
same hotspots from it): published ones (not confidential, not withheld, not waiting for a
moderator), with a category and a location, in any status but rejected and duplicate,
submitted from 00:00 (Asia/Jakarta) of the first of the last HOTSPOT_DAYS days up to the
second the computation starts (not including it).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from balaikota.complaints import publication, routing
from balaikota.complaints.models import Category, Status
from balaikota.core.workdays import JAKARTA
from balaikota.hotspots import clustering
from balaikota.hotspots.models import Build, Hotspot, Member
from balaikota.regions.models import Level, Region

LEFT_OUT = (Status.REJECTED, Status.DUPLICATE)
CHUNK = 5000


@dataclass(frozen=True)
class Thresholds:
    radius_m: int
    min_complaints: int
    days: int


def thresholds() -> Thresholds:
    return Thresholds(
        settings.HOTSPOT_RADIUS_METRES, settings.HOTSPOT_MIN_COMPLAINTS, settings.HOTSPOT_DAYS
    )


def window(now: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    """From the start of the window's first day in the city's time, up to `now` in whole
    seconds (the export writes whole seconds: a complaint is in if its written time is)."""
    end = now.replace(microsecond=0)
    first_day = end.astimezone(JAKARTA).date() - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first_day, dt.time(0), tzinfo=JAKARTA), end


def export_time(moment: dt.datetime) -> str:
    """The time as the open data writes it (`opendata.fields`): the order of the points."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Found:
    category_id: int
    complaint_ids: list[int]
    lat: float
    lon: float
    first: dt.datetime
    last: dt.datetime
    region_id: int | None


def _rows(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[object, ...]]:
    return (
        publication.published()
        .filter(
            created_at__gte=start,
            created_at__lt=end,
            category__isnull=False,
            lat__isnull=False,
            lon__isnull=False,
        )
        .exclude(status__in=[str(s) for s in LEFT_OUT])
        .order_by()
        .values_list("id", "ticket", "created_at", "category_id", "lat", "lon", "region_id")
        .iterator(chunk_size=CHUNK)
    )


def _main_region(region_ids: list[int | None], codes: dict[int, str]) -> int | None:
    """The kelurahan most of the complaints are in; on a tie, the smaller code."""
    counted = Counter(r for r in region_ids if r is not None)
    if not counted:
        return None
    return min(counted, key=lambda r: (-counted[r], codes.get(r, "")))


def find(start: dt.datetime, end: dt.datetime, limits: Thresholds) -> tuple[list[Found], int]:
    """The hotspots of the window, and how many complaints were considered."""
    points: dict[int, list[clustering.Point]] = defaultdict(list)
    facts: dict[str, tuple[int, dt.datetime, int | None]] = {}
    considered = 0
    for pk, ticket, created, category_id, lat, lon, region_id in _rows(start, end):
        considered += 1
        points[category_id].append(  # type: ignore[index]
            clustering.Point(export_time(created), ticket, lat, lon)  # type: ignore[arg-type]
        )
        facts[ticket] = (pk, created, region_id)  # type: ignore[index,assignment]
    codes = dict(Region.objects.filter(level=Level.VILLAGE).values_list("pk", "code"))
    found: list[Found] = []
    for category_id in sorted(points):
        for cluster in clustering.clusters(
            points[category_id], limits.radius_m, limits.min_complaints
        ):
            members = [facts[p.key] for p in cluster]
            found.append(
                Found(
                    category_id=category_id,
                    complaint_ids=[m[0] for m in members],
                    lat=sum(p.lat for p in cluster) / len(cluster),
                    lon=sum(p.lon for p in cluster) / len(cluster),
                    first=min(m[1] for m in members),
                    last=max(m[1] for m in members),
                    region_id=_main_region([m[2] for m in members], codes),
                )
            )
    return found, considered


def _match(found: list[Found]) -> dict[int, int]:
    """Which known, current hotspot each cluster continues (cluster index -> hotspot id):
    the one it shares most complaints with, each hotspot continued by one cluster at most."""
    of_complaint = dict(
        Member.objects.filter(current=True, hotspot__active=True).values_list(
            "complaint_id", "hotspot_id"
        )
    )
    pairs: list[tuple[int, int, int]] = []
    for index, cluster in enumerate(found):
        shared = Counter(of_complaint[c] for c in cluster.complaint_ids if c in of_complaint)
        pairs += [(-n, hotspot, index) for hotspot, n in shared.items()]
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _n, hotspot, index in sorted(pairs):
        if index not in matched and hotspot not in taken:
            matched[index] = hotspot
            taken.add(hotspot)
    return matched


def _agency_id(category: Category, region: Region | None) -> int | None:
    agency = routing.agency_for(category, region)
    return agency.pk if agency else None


FIELDS = (
    "category_id",
    "region_id",
    "agency_id",
    "lat",
    "lon",
    "count",
    "first_reported_at",
    "last_reported_at",
    "active",
    "seen_at",
)


def _save_hotspots(found: list[Found], now: dt.datetime) -> list[int]:
    """Update the continued hotspots, create the new ones, end the others; their ids, in
    the order of `found`."""
    matched = _match(found)
    previous = set(Hotspot.objects.filter(active=True).values_list("pk", flat=True))
    categories = Category.objects.in_bulk({f.category_id for f in found})
    regions = Region.objects.in_bulk({f.region_id for f in found if f.region_id})
    rows: list[Hotspot] = []
    for index, cluster in enumerate(found):
        region = regions.get(cluster.region_id) if cluster.region_id else None
        rows.append(
            Hotspot(
                pk=matched.get(index),
                category_id=cluster.category_id,
                region_id=cluster.region_id,
                agency_id=_agency_id(categories[cluster.category_id], region),
                lat=cluster.lat,
                lon=cluster.lon,
                count=len(cluster.complaint_ids),
                first_reported_at=cluster.first,
                last_reported_at=cluster.last,
                active=True,
                detected_at=now,
                seen_at=now,
            )
        )
    Hotspot.objects.bulk_update([h for h in rows if h.pk], FIELDS, batch_size=500)
    Hotspot.objects.bulk_create([h for h in rows if not h.pk], batch_size=500)
    ids = [h.pk for h in rows]
    ended = sorted(previous - set(ids))
    for start in range(0, len(ended), CHUNK):
        Hotspot.objects.filter(pk__in=ended[start : start + CHUNK]).update(active=False)
    return ids


def _save_members(found: list[Found], ids: list[int], now: dt.datetime) -> None:
    Member.objects.filter(current=True).update(current=False)
    known = {
        (hotspot, complaint): pk
        for pk, hotspot, complaint in Member.objects.filter(hotspot_id__in=ids).values_list(
            "pk", "hotspot_id", "complaint_id"
        )
    }
    again: list[int] = []
    new: list[Member] = []
    for hotspot_id, cluster in zip(ids, found, strict=True):
        for complaint_id in cluster.complaint_ids:
            pk = known.get((hotspot_id, complaint_id))
            if pk is None:
                new.append(Member(hotspot_id=hotspot_id, complaint_id=complaint_id, joined_at=now))
            else:
                again.append(pk)
    for start in range(0, len(again), CHUNK):
        Member.objects.filter(pk__in=again[start : start + CHUNK]).update(current=True)
    Member.objects.bulk_create(new, batch_size=CHUNK)


def rebuild(now: dt.datetime | None = None) -> Build:
    """Find the hotspots of the window ending now and make them current."""
    now = now or timezone.now()
    limits = thresholds()
    start, end = window(now, limits.days)
    found, considered = find(start, end, limits)
    with transaction.atomic():
        ids = _save_hotspots(found, now)
        _save_members(found, ids, now)
        build, _created = Build.objects.update_or_create(
            key="current",
            defaults={
                "computed_at": end,
                "window_start": start,
                "window_end": end,
                "radius_m": limits.radius_m,
                "min_complaints": limits.min_complaints,
                "days": limits.days,
                "hotspots": len(found),
                "complaints": considered,
            },
        )
    return build


def current() -> Build | None:
    return Build.objects.filter(key="current").first()
