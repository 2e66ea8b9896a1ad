"""Reads for the public map and list: only published complaints and their public fields,
aggregated in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, FloatField, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from balaikota.agencies.models import Agency
from balaikota.complaints import publication
from balaikota.complaints.models import OPEN_STATUSES, Category, Complaint
from balaikota.core.workdays import JAKARTA
from balaikota.dashboards.filters import (
    HIDDEN_STATUSES,
    POINT_ZOOM,
    MapFilter,
    Viewport,
    cell_degrees,
)
from balaikota.dashboards.models import Summary
from balaikota.regions.models import Level, Region

MAX_POINTS = 2000


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=JAKARTA)


def public_complaints(flt: MapFilter) -> QuerySet[Complaint]:
    """Published complaints, narrowed by the filter: nothing of a confidential, withheld or
    unmoderated complaint reaches the map, its clusters, the density layer or the list.
    Codes are turned into ids first, so the big table is filtered on its own indexed
    columns, without joins."""
    # Without a status filter, "not rejected, not a duplicate": a condition no index can
    # serve, so the map's bounding box picks the covering (lat, lon, status, supporters) one.
    published = publication.published()
    if flt.status:
        qs = published.filter(status=flt.status)
    else:
        qs = published.exclude(status__in=HIDDEN_STATUSES)
    lookups: list[tuple[str, Any, dict[str, Any]]] = [
        ("category_id", Category, {"slug": flt.kategori}),
        ("agency_id", Agency, {"code": flt.opd}),
        ("region_id", Region, {"code": flt.kelurahan, "level": Level.VILLAGE}),
    ]
    for column, model, match in lookups:
        if next(iter(match.values())):
            found = model.objects.filter(**match).values_list("pk", flat=True).first()
            if found is None:
                return qs.none()
            qs = qs.filter(**{column: found})
    if flt.kecamatan:
        villages = Region.objects.filter(parent__code=flt.kecamatan, level=Level.VILLAGE)
        qs = qs.filter(region_id__in=list(villages.values_list("pk", flat=True)))
    if flt.dari:
        qs = qs.filter(created_at__gte=_start_of(flt.dari))
    if flt.sampai:
        qs = qs.filter(created_at__lt=_start_of(flt.sampai + dt.timedelta(days=1)))
    return qs


GRID_ZOOMS = tuple(range(10, POINT_ZOOM))


def _in_view(qs: QuerySet[Complaint], view: Viewport) -> QuerySet[Complaint]:
    return qs.filter(
        lat__gte=view.south, lat__lte=view.north, lon__gte=view.west, lon__lte=view.east
    )


@dataclass(frozen=True)
class MapAnswer:
    kind: str  # "clusters" or "points"
    items: list[dict[str, Any]]
    total: int
    truncated: bool = False


def map_answer(flt: MapFilter, view: Viewport) -> MapAnswer:
    if view.zoom >= POINT_ZOOM:
        return _points(flt, view)
    # The unfiltered city, the map's first view, comes from the worker's grid: grouping a
    # million complaints takes about a second. Filtered views are counted live.
    grid = precomputed_grid(view.zoom) if flt.is_empty else None
    if grid is not None:
        items = [item for item in grid if _inside(item, view)]
    else:
        items = grid_cells(_in_view(public_complaints(flt), view), view.zoom)
    return MapAnswer("clusters", items, sum(item["count"] for item in items))


def _inside(item: dict[str, Any], view: Viewport) -> bool:
    return view.south <= item["lat"] <= view.north and view.west <= item["lon"] <= view.east


def grid_cells(qs: QuerySet[Complaint], zoom: int) -> list[dict[str, Any]]:
    """Grid clustering in SQL: complaints grouped by their cell of a grid that gets finer
    with the zoom; one row per cell with its count and mean position. Only columns of the
    covering index are read, so the database never visits the table itself."""
    cell = cell_degrees(zoom)
    rows = (
        qs.annotate(
            cell_y=Cast((F("lat") + 90.0) / cell, IntegerField()),
            cell_x=Cast((F("lon") + 180.0) / cell, IntegerField()),
        )
        .values("cell_y", "cell_x")
        .annotate(
            count=Count("id"),
            mean_lat=Avg("lat", output_field=FloatField()),
            mean_lon=Avg("lon", output_field=FloatField()),
            open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
            supporters=Sum("supporters"),
        )
        .order_by("cell_y", "cell_x")
    )
    return [
        {
            "lat": round(row["mean_lat"], 6),
            "lon": round(row["mean_lon"], 6),
            "count": row["count"],
            "open": row["open"],
            "supporters": row["supporters"] or 0,
        }
        for row in rows
        if row["mean_lat"] is not None
    ]


def precomputed_grid(zoom: int) -> list[dict[str, Any]] | None:
    """The whole city's clusters at this zoom, as the worker last computed them."""
    summary = Summary.objects.filter(key=grid_key(max(zoom, GRID_ZOOMS[0]))).first()
    return summary.data["cells"] if summary is not None else None


def grid_key(zoom: int) -> str:
    return f"map:{zoom}"


def _points(flt: MapFilter, view: Viewport) -> MapAnswer:
    rows = list(
        _in_view(public_complaints(flt), view)
        .order_by("-created_at")
        .values("ticket", "lat", "lon", "status", "supporters", "created_at", "category__name")[
            : MAX_POINTS + 1
        ]
    )
    items = [
        {
            "ticket": row["ticket"],
            "lat": row["lat"],
            "lon": row["lon"],
            "status": row["status"],
            "supporters": row["supporters"],
            "category": row["category__name"] or "",
            "date": timezone.localtime(row["created_at"]).date().isoformat(),
        }
        for row in rows[:MAX_POINTS]
    ]
    return MapAnswer("points", items, len(items), truncated=len(rows) > MAX_POINTS)


@dataclass(frozen=True)
class AreaDensity:
    code: str
    name: str
    district: str
    count: int
    area_km2: float | None
    population: int | None

    @property
    def per_km2(self) -> float | None:
        return round(self.count / self.area_km2, 2) if self.area_km2 else None

    @property
    def per_1000(self) -> float | None:
        return round(self.count * 1000 / self.population, 2) if self.population else None


VILLAGE_COUNTS = "map:villages"


def village_counts(qs: QuerySet[Complaint]) -> dict[str, int]:
    """Complaints per kelurahan id (as a string key, like the stored summary's)."""
    rows = qs.values("region_id").annotate(count=Count("id")).order_by()
    return {str(row["region_id"]): row["count"] for row in rows if row["region_id"]}


def densities(flt: MapFilter) -> list[AreaDensity]:
    """Complaints per kelurahan under the filter, with the area (km², from the polygon in a
    metric projection) and population where known: the map's choropleth. Unfiltered, the
    counts are the worker's; filtered, they are counted now."""
    stored = Summary.objects.filter(key=VILLAGE_COUNTS).first() if flt.is_empty else None
    counts = stored.data if stored is not None else village_counts(public_complaints(flt))
    villages = (
        Region.objects.filter(level=Level.VILLAGE)
        .select_related("parent")
        .only("code", "name", "area_km2", "population", "parent__name")
        .order_by("name")
    )
    return [
        AreaDensity(
            code=village.code,
            name=village.name,
            district=village.parent.name if village.parent else "",
            count=counts.get(str(village.pk), 0),
            area_km2=village.area_km2,
            population=village.population,
        )
        for village in villages
    ]


def public_list(flt: MapFilter) -> QuerySet[Complaint]:
    """The same complaints as the map, newest first, with public fields only."""
    return (
        public_complaints(flt)
        .select_related("category", "agency", "region", "region__parent")
        .only(
            "ticket",
            "created_at",
            "status",
            "supporters",
            "category__name",
            "category__name_en",
            "agency__short_name",
            "region__name",
            "region__parent__name",
        )
        .order_by("-created_at", "-id")
    )
