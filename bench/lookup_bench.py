"""Bulk point -> kelurahan lookup with the app's RegionIndex over the real Malang polygons."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import shapely
from samples import bbox_points

from balaikota.regions.lookup import Located, Match, RegionIndex, parse_geometry


def build_index(boundaries: Path) -> tuple[RegionIndex, list[shapely.Geometry], float]:
    """The index over every kelurahan of the file, its geometries and the build time (s)."""
    started = time.perf_counter()
    features = json.loads(boundaries.read_text())["features"]
    areas = [(f["properties"]["kode"], parse_geometry(f["geometry"])) for f in features]
    index = RegionIndex(areas)
    return index, [geometry for _, geometry in areas], time.perf_counter() - started


def _vectorised_inside(
    geometries: list[shapely.Geometry], lats: np.ndarray, lons: np.ndarray
) -> tuple[int, float]:
    """Reference: points inside some polygon with one vectorised STRtree query (no slivers)."""
    tree = shapely.STRtree(geometries)
    started = time.perf_counter()
    hits = tree.query(shapely.points(lons, lats), predicate="within")
    inside = len(np.unique(hits[0]))
    return inside, time.perf_counter() - started


def _filled_outline(geometries: list[shapely.Geometry]) -> shapely.Geometry:
    """The city as one area: the union of the kelurahan with its inner gaps filled."""
    union = shapely.union_all(geometries)
    polygons = shapely.get_parts(union)
    return shapely.union_all([shapely.Polygon(shapely.get_exterior_ring(p)) for p in polygons])


def _nearest_in_gaps(
    geometries: list[shapely.Geometry], points: list[tuple[float, float]], found: list[Located]
) -> int:
    """How many 'nearest' answers lie in gaps between kelurahan rather than outside the city."""
    nearest = [p for p, item in zip(points, found, strict=True) if item.match == Match.NEAREST]
    if not nearest:
        return 0
    lats, lons = np.array(nearest).T
    return int(shapely.contains_xy(_filled_outline(geometries), lons, lats).sum())


def run_lookup(boundaries: Path, count: int, seed: int) -> dict[str, object]:
    index, geometries, build_seconds = build_index(boundaries)
    lats, lons = bbox_points(count, seed)
    points = list(zip(lats.tolist(), lons.tolist(), strict=True))
    index.locate(points[0][0], points[0][1])  # warm up
    started = time.perf_counter()
    found = index.locate_many(points)
    seconds = time.perf_counter() - started
    matches = Counter(item.match for item in found)
    reference_inside, reference_seconds = _vectorised_inside(geometries, lats, lons)
    return {
        "areas": len(index.codes),
        "points": count,
        "build_seconds": round(build_seconds, 3),
        "seconds": round(seconds, 3),
        "points_per_second": round(count / seconds),
        "microseconds_per_point": round(seconds / count * 1e6, 2),
        "inside": matches[Match.INSIDE],
        "nearest": matches[Match.NEAREST],
        "outside": matches[Match.OUTSIDE],
        "share_inside": round(matches[Match.INSIDE] / count, 4),
        "share_nearest": round(matches[Match.NEAREST] / count, 4),
        "share_outside": round(matches[Match.OUTSIDE] / count, 4),
        "nearest_in_gaps_between_kelurahan": _nearest_in_gaps(geometries, points, found),
        "reference_vectorised_inside": reference_inside,
        "reference_vectorised_points_per_second": round(count / reference_seconds),
    }
