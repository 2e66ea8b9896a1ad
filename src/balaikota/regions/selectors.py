"""Reading regions, and the process-wide point -> kelurahan index."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Max, Model, QuerySet

from balaikota.regions.lookup import Located, Match, RegionIndex, parse_geometry
from balaikota.regions.models import Level, Region
from balaikota.regions.names import normalise_name

_RECHECK_SECONDS = 30.0
_M = TypeVar("_M", bound=Model)


class _IndexCache:
    """Builds the index once per process and rebuilds it when the kelurahan change; keeps
    their rows too (names and codes, without boundaries), so that placing a point reads
    nothing from the database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: RegionIndex | None = None
        self._villages: dict[str, Region] = {}
        self._stamp: tuple[object, ...] | None = None
        self._checked_at = 0.0

    def get(self) -> RegionIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < _RECHECK_SECONDS:
            return self._index
        with self._lock:
            villages = Region.objects.filter(level=Level.VILLAGE, geometry__isnull=False)
            summary = villages.aggregate(count=Count("id"), last=Max("updated_at"))
            stamp = (summary["count"], summary["last"])
            if self._index is None or stamp != self._stamp:
                rows = villages.values_list("code", "geometry")
                self._index = RegionIndex(
                    (code, parse_geometry(geom)) for code, geom in rows if geom is not None
                )
                self._villages = {
                    village.code: village
                    for village in without_boundaries()
                    .filter(level=Level.VILLAGE)
                    .select_related("parent")
                    .defer("parent__geometry")
                }
                self._stamp = stamp
            self._checked_at = now
            return self._index

    def village(self, code: str) -> Region | None:
        """The kelurahan of the index's `code`, with its kecamatan; shared: never change it."""
        self.get()
        return self._villages.get(code)

    @property
    def loaded(self) -> bool:
        return self._index is not None

    def clear(self) -> None:
        with self._lock:
            self._index = None
            self._stamp = None


index_cache = _IndexCache()


def with_places(qs: QuerySet[_M], field: str = "region") -> QuerySet[_M]:
    """`qs` with each row's kelurahan and its kecamatan joined in, their names and codes but
    never their boundaries: a polygon is kilobytes of JSON parsed for every row, and no list
    draws it (`village_boundaries` serves the map its own simplified copy)."""
    return qs.select_related(field, f"{field}__parent").defer(
        f"{field}__geometry", f"{field}__parent__geometry"
    )


def without_boundaries() -> QuerySet[Region]:
    """Regions to name or link to, not to draw: without the boundary."""
    return Region.objects.defer("geometry")


@dataclass(frozen=True)
class PlaceAnswer:
    village: Region | None
    match: Match
    distance_m: float

    @property
    def inside_city(self) -> bool:
        return self.village is not None


def locate(lat: float, lon: float) -> PlaceAnswer:
    found: Located = index_cache.get().locate(lat, lon)
    if found.code is None:
        return PlaceAnswer(None, Match.OUTSIDE, 0.0)
    village = index_cache.village(found.code)
    if village is None:  # renamed or removed a moment ago: the index catches up
        village = (
            without_boundaries()
            .select_related("parent")
            .defer("parent__geometry")
            .get(code=found.code)
        )
    return PlaceAnswer(village, found.match, found.distance_m)


def find_by_name(name: str, level: Level | None = None) -> Region | None:
    key = normalise_name(name)
    regions = without_boundaries()
    if level is not None:
        regions = regions.filter(level=level)
    for region in regions.prefetch_related("aliases"):
        if normalise_name(region.name) == key or any(
            alias.normalised == key for alias in region.aliases.all()
        ):
            return region
    return None


def boundaries_version() -> str:
    summary = Region.objects.filter(level=Level.VILLAGE).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    last = summary["last"].isoformat() if summary["last"] else "none"
    return f"{summary['count']}:{last}"


def boundaries_are_approximate() -> bool:
    return Region.objects.filter(level=Level.VILLAGE, is_approximate=True).exists()


def districts() -> list[Region]:
    return list(without_boundaries().filter(level=Level.DISTRICT).order_by("name"))


def villages() -> list[Region]:
    return list(
        without_boundaries()
        .filter(level=Level.VILLAGE)
        .select_related("parent")
        .defer("parent__geometry")
        .order_by("name")
    )


BOUNDARY_TOLERANCE_DEG = 0.0001  # about 11 m: invisible at city zoom, a third of the bytes


def village_boundaries() -> dict[str, object]:
    """The kelurahan as one GeoJSON FeatureCollection, simplified for drawing on a map."""
    from shapely.geometry import mapping

    features = []
    for region in Region.objects.filter(level=Level.VILLAGE, geometry__isnull=False).select_related(
        "parent"
    ):
        if region.geometry is None:
            continue
        shape = parse_geometry(region.geometry).simplify(
            BOUNDARY_TOLERANCE_DEG, preserve_topology=True
        )
        features.append(
            {
                "type": "Feature",
                "geometry": _rounded(mapping(shape)),
                "properties": {
                    "code": region.code,
                    "name": region.name,
                    "district": region.parent.name if region.parent else None,
                    "approximate": region.is_approximate,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _rounded(geometry: object) -> object:
    """Coordinates to 5 decimals (about 1 m)."""
    if isinstance(geometry, dict):
        return {key: _rounded(value) for key, value in geometry.items()}
    if isinstance(geometry, list | tuple):
        if geometry and isinstance(geometry[0], float):
            return [round(value, 5) for value in geometry]
        return [_rounded(item) for item in geometry]
    return geometry
