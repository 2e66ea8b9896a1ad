"""Reads for the public map and list: only published complaints and their public fields,
aggregated in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import cached_property

from balaikota.agencies.models import Agency
from balaikota.complaints import publication
from balaikota.complaints.models import OPEN_STATUSES, Category, Complaint
from balaikota.core.workdays import JAKARTA
from balaikota.dashboards import tally
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


def filter_ids(flt: MapFilter) -> dict[str, Any] | None:
    """The filter's category, agency and kelurahan as ids (the kelurahan of a kecamatan as a
    list), so that the big table is filtered on its own indexed columns, without joins; None
    when a code names nothing."""
    ids: dict[str, Any] = {}
    lookups: list[tuple[str, Any, dict[str, Any]]] = [
        ("category_id", Category, {"slug": flt.kategori}),
        ("agency_id", Agency, {"code": flt.opd}),
        ("region_id", Region, {"code": flt.kelurahan, "level": Level.VILLAGE}),
    ]
    for column, model, match in lookups:
        if next(iter(match.values())):
            found = model.objects.filter(**match).values_list("pk", flat=True).first()
            if found is None:
                return None
            ids[column] = found
    if flt.kecamatan:
        villages = Region.objects.filter(parent__code=flt.kecamatan, level=Level.VILLAGE)
        within = list(villages.values_list("pk", flat=True))
        if "region_id" in ids:
            within = [pk for pk in within if pk == ids["region_id"]]
        ids["region_id"] = within
    return ids


def public_complaints(flt: MapFilter, ids: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    """Published complaints, narrowed by the filter: nothing of a confidential, withheld or
    unmoderated complaint reaches the map, its clusters, the density layer or the list.
    `ids`: the filter's ids when the caller has them already."""
    # Without a status filter, "not rejected, not a duplicate": a condition no index can
    # serve, so the map's bounding box picks the covering (lat, lon, status, supporters) one.
    published = publication.published()
    if flt.status:
        qs = published.filter(status=flt.status)
    else:
        qs = published.exclude(status__in=HIDDEN_STATUSES)
    ids = filter_ids(flt) if ids is None else ids
    if ids is None:
        return qs.none()
    for column, value in ids.items():
        qs = qs.filter(**{f"{column}__in" if isinstance(value, list) else column: value})
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
    # The unfiltered city, the map's first view, comes from the worker's grid; a filtered
    # one from the worker's counts per cell (grouping a million complaints live takes
    # about a second unfiltered, 100-200 ms filtered).
    grid = precomputed_grid(view.zoom) if flt.is_empty else None
    if grid is not None:
        items = [item for item in grid if _inside(item, view)]
    else:
        items = filtered_cells(flt, view)
    return MapAnswer("clusters", items, sum(item["count"] for item in items))


def _inside(item: dict[str, Any], view: Viewport) -> bool:
    return view.south <= item["lat"] <= view.north and view.west <= item["lon"] <= view.east


# (cell_y, cell_x) -> [count, open, sum of latitudes, sum of longitudes, supporters]
Cells = dict[tuple[int, int], list[float]]


def cell_sums(qs: QuerySet[Complaint], zoom: int) -> Cells:
    """Grid clustering in SQL: complaints grouped by their cell of a grid that gets finer
    with the zoom; one row per cell with its sums. Only columns of the covering index are
    read, so the database never visits the table itself."""
    cell = cell_degrees(zoom)
    rows = (
        qs.filter(lat__isnull=False, lon__isnull=False)
        .annotate(
            cell_y=tally.CellIndex((F("lat") + 90.0) / cell),
            cell_x=tally.CellIndex((F("lon") + 180.0) / cell),
        )
        .values("cell_y", "cell_x")
        .annotate(
            n=Count("id"),
            n_open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
            lat_sum=Sum("lat"),
            lon_sum=Sum("lon"),
            support=Sum("supporters"),
        )
        .order_by()
    )
    return {(row["cell_y"], row["cell_x"]): _sums_of(row) for row in rows}


def _sums_of(row: Mapping[str, Any]) -> list[float]:
    return [row["n"], row["n_open"], row["lat_sum"], row["lon_sum"], row["support"] or 0]


def _add(cells: Cells, more: Cells) -> None:
    for key, sums in more.items():
        if key in cells:
            cells[key] = [mine + theirs for mine, theirs in zip(cells[key], sums, strict=True)]
        else:
            cells[key] = sums


def cell_items(cells: Cells) -> list[dict[str, Any]]:
    """The map's clusters: each cell's count and mean position, south-west first."""
    return [
        {
            "lat": round(lat_sum / count, 6),
            "lon": round(lon_sum / count, 6),
            "count": int(count),
            "open": int(n_open),
            "supporters": int(support),
        }
        for (_y, _x), (count, n_open, lat_sum, lon_sum, support) in sorted(cells.items())
        if count
    ]


def grid_cells(qs: QuerySet[Complaint], zoom: int) -> list[dict[str, Any]]:
    return cell_items(cell_sums(qs, zoom))


def filtered_cells(flt: MapFilter, view: Viewport) -> list[dict[str, Any]]:
    """Clusters under a filter: the worker's counts for the cells the viewport touches,
    plus what they do not hold yet, counted live; live alone before the worker's first."""
    ids = filter_ids(flt)
    if ids is None:
        return []
    level = tally.level_for(view.zoom, flt)
    built = tally.current()
    if built is None:
        return cell_items(cell_sums(_in_view(public_complaints(flt, ids), view), level))
    counting = tally.plan(flt, ids, built, level, detailed=bool(ids))
    cells: Cells = {}
    if counting.rows is not None:
        for row in tally.cell_rows(counting.rows, view, level):
            cells[(row["cell_y"], row["cell_x"])] = _sums_of(row)
    for part in _live_parts(counting, ids):
        _add(cells, cell_sums(_in_view(part, view), level))
    return [item for item in cell_items(cells) if _inside(item, view)]


def _live_parts(counting: tally.Plan, ids: dict[str, Any]) -> list[QuerySet[Complaint]]:
    """The complaints a plan counts live: partial months whole, and of the months the
    worker counted, the complaints made since (found by their ids first, so that the
    database walks the newest ids, not an index on position or date)."""
    parts = []
    for part, above in counting.live:
        qs = public_complaints(part, ids)
        if above:
            new = list(
                Complaint.objects.filter(id__gt=above)
                .order_by("id")
                .values_list("id", flat=True)[: tally.LIVE_IDS + 1]
            )
            if not new:
                continue
            qs = qs.filter(id__in=new) if len(new) <= tally.LIVE_IDS else qs.filter(id__gt=above)
        parts.append(qs)
    return parts


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
    counts are the worker's; filtered, the worker's counts per kelurahan and what they do
    not hold yet."""
    if flt.is_empty:
        # Stored with the worker's counts: without them, there are none to add to.
        stored = Summary.objects.filter(key=VILLAGE_COUNTS).first()
        counts = stored.data if stored else village_counts(public_complaints(flt))
    else:
        counts = filtered_village_counts(flt)
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


def filtered_village_counts(flt: MapFilter) -> dict[str, int]:
    ids = filter_ids(flt)
    if ids is None:
        return {}
    built = tally.current()
    if built is None:
        return village_counts(public_complaints(flt, ids))
    counting = tally.plan(flt, ids, built, tally.REGION_LEVEL, detailed=True)
    counts: dict[str, int] = {}
    if counting.rows is not None:
        counts = {str(region): int(n) for region, n in tally.region_counts(counting.rows)}
    for part in _live_parts(counting, ids):
        for region, n in village_counts(part).items():
            counts[region] = counts.get(region, 0) + n
    return counts


def _public_count(flt: MapFilter, ids: dict[str, Any]) -> int | None:
    """How many complaints the list holds under the filter, from the worker's counts and
    what they do not hold yet; None before the worker's first count."""
    built = tally.current()
    if built is None:
        return None
    counting = tally.plan(flt, ids, built, tally.REGION_LEVEL, detailed=bool(ids))
    found = tally.total(counting.rows) if counting.rows is not None else 0
    return found + sum(part.count() for part in _live_parts(counting, ids))


def public_count(flt: MapFilter) -> int | None:
    ids = filter_ids(flt)
    return 0 if ids is None else _public_count(flt, ids)


class CountedPaginator(Paginator):
    """A paginator told its count (the worker's counts make it cheap; counting a million
    rows for every page is not)."""

    def __init__(self, object_list: Any, per_page: int, *, known_count: int | None) -> None:
        super().__init__(object_list, per_page)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else super().count


def list_page(flt: MapFilter, number: int, per_page: int) -> Page:
    """A page of the public list, newest first, and how many pages there are."""
    ids = filter_ids(flt)
    if ids is None:
        return CountedPaginator(Complaint.objects.none(), per_page, known_count=0).get_page(1)
    paginator = CountedPaginator(
        public_list(flt, ids), per_page, known_count=_public_count(flt, ids)
    )
    return paginator.get_page(number)


def public_list(flt: MapFilter, ids: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    """The same complaints as the map, newest first, with public fields only."""
    return (
        public_complaints(flt, ids)
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
