"""Hotspots from points: the whole algorithm, free of Django, so that anyone can run it on
the open-data export (docs/hotspots.md shows how) and get the same hotspots.

Density clustering (DBSCAN) of one category's complaints, with a deterministic rule for the
one choice DBSCAN leaves open:

1. A complaint is a *core* when at least `min_points` complaints (itself included) lie
   within `radius_m` metres of it (great-circle distance, `distance_m`).
2. Cores within `radius_m` of each other are in the same cluster (and so, in turn, are
   their cores: a cluster is a connected group).
3. Every other complaint within `radius_m` of a core joins the cluster of its nearest core
   (on a tie, the core submitted first; then the smaller tracking code).
4. A cluster of at least `min_points` complaints is a hotspot. (Step 3 can leave a cluster
   smaller, when its edge complaints are nearer another cluster's cores.)

Neighbours are found through a grid of cells at least `radius_m` wide, so the work grows
with the number of complaints, not with its square; the grid only narrows the search, the
distances decide.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180
# Cells a little wider than the radius: float rounding never hides a neighbour.
CELL_MARGIN = 1.01


@dataclass(frozen=True, order=True)
class Point:
    """One complaint: ordered by when it was submitted, then by its code."""

    created: str  # ISO 8601 time, as the export writes it; compared as text
    key: str  # the tracking code
    lat: float
    lon: float


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine, on a sphere of EARTH_RADIUS_M)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class _Grid:
    def __init__(self, points: Sequence[Point], radius_m: float) -> None:
        self.cell_lat = radius_m / METRES_PER_DEGREE * CELL_MARGIN
        farthest = max((abs(p.lat) for p in points), default=0.0) + self.cell_lat
        shrink = max(math.cos(math.radians(min(farthest, 89.0))), 1e-6)
        self.cell_lon = self.cell_lat / shrink
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, point in enumerate(points):
            self.cells[self.cell_of(point)].append(index)

    def cell_of(self, point: Point) -> tuple[int, int]:
        return math.floor(point.lat / self.cell_lat), math.floor(point.lon / self.cell_lon)

    def near(self, point: Point) -> Iterable[int]:
        y, x = self.cell_of(point)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                yield from self.cells.get((y + dy, x + dx), ())


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def clusters(points: Iterable[Point], radius_m: float, min_points: int) -> list[list[Point]]:
    """The hotspots among one category's points: each a list of points in order, the
    hotspots in the order of their first point. The result does not depend on the order
    of `points`."""
    ordered = sorted(set(points))
    grid = _Grid(ordered, radius_m)
    neighbours: list[list[tuple[float, int]]] = []
    for point in ordered:
        near = [(distance_m(point, ordered[j]), j) for j in grid.near(point)]
        neighbours.append([(d, j) for d, j in near if d <= radius_m])
    core = [len(found) >= min_points for found in neighbours]
    parent = list(range(len(ordered)))
    for i, found in enumerate(neighbours):
        if core[i]:
            for _d, j in found:
                if core[j]:
                    a, b = _root(parent, i), _root(parent, j)
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, found in enumerate(neighbours):
        if core[i]:
            groups[_root(parent, i)].append(i)
            continue
        cores = [(d, j) for d, j in found if core[j]]
        if cores:
            # Nearest, then the earliest core (indices follow the points' order).
            _d, nearest = min(cores)
            groups[_root(parent, nearest)].append(i)
    found_clusters = [sorted(ordered[i] for i in members) for members in groups.values()]
    return sorted((c for c in found_clusters if len(c) >= min_points), key=lambda c: c[0])
