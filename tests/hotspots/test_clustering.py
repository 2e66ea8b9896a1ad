"""The hotspot algorithm on its own: thresholds, distance edges, order independence, and
the grid finding exactly what comparing every pair would."""

from __future__ import annotations

import math
import random

from balaikota.hotspots.clustering import METRES_PER_DEGREE, Point, clusters, distance_m

BASE = (-7.960, 112.614)


def at(key: str, north_m: float = 0.0, east_m: float = 0.0, day: int = 1) -> Point:
    lat = BASE[0] + north_m / METRES_PER_DEGREE
    lon = BASE[1] + east_m / (METRES_PER_DEGREE * math.cos(math.radians(BASE[0])))
    return Point(f"2026-11-{day:02d}T10:00:00+07:00", key, lat, lon)


def keys(found: list[list[Point]]) -> list[list[str]]:
    return [[p.key for p in cluster] for cluster in found]


def test_three_complaints_close_together_make_a_hotspot_and_two_do_not() -> None:
    three = [at("A"), at("B", 20), at("C", 0, 20)]
    assert keys(clusters(three, 50, 3)) == [["A", "B", "C"]]
    assert clusters(three[:2], 50, 3) == []


def test_the_radius_is_inclusive_up_to_the_metre() -> None:
    inside = [at("A"), at("B", 49.9), at("C", -49.9)]
    outside = [at("A"), at("B", 50.1), at("C", -50.1)]
    assert keys(clusters(inside, 50, 3)) == [["A", "B", "C"]]
    assert clusters(outside, 50, 3) == []
    assert 49.85 < distance_m(at("A"), at("B", 49.9)) < 49.95


def test_a_complaint_at_the_edge_joins_through_a_core() -> None:
    # B is a core (A, B, C within 50 m of it); C is not (A is 80 m away); D is 55 m
    # beyond C: not in.
    points = [at("A", -40), at("B"), at("C", 40), at("D", 95)]
    assert keys(clusters(points, 50, 3)) == [["A", "B", "C"]]
    # A complaint between C and D makes both cores' neighbours: D joins through it.
    points.append(at("E", 70))
    assert keys(clusters(points, 50, 3)) == [["A", "B", "C", "D", "E"]]


def test_an_edge_complaint_goes_to_its_nearest_core() -> None:
    # Two groups of four (each a core), 85 m apart; M between them sees one core of each,
    # 40 m and 45 m away, so it is not a core itself (3 < 4) and joins the nearer group.
    left = [at("L1", 0, -40), at("L2", 0, -60), at("L3", 20, -60), at("L4", 25, -50)]
    right = [at("R1", 0, 45), at("R2", 0, 65), at("R3", 20, 65), at("R4", 25, 55)]
    middle = at("M", 0, 0)
    found = keys(clusters([*right, middle, *left], 50, 4))
    assert found == [["L1", "L2", "L3", "L4", "M"], ["R1", "R2", "R3", "R4"]]


def test_the_minimum_is_a_setting() -> None:
    points = [at("A"), at("B", 10), at("C", 20)]
    assert clusters(points, 50, 4) == []
    assert keys(clusters(points, 50, 2)) == [["A", "B", "C"]]


def test_the_result_does_not_depend_on_the_order_of_the_points() -> None:
    rng = random.Random(7)
    points = [at(f"K{i:03d}", rng.uniform(-300, 300), rng.uniform(-300, 300)) for i in range(300)]
    first = clusters(points, 50, 3)
    rng.shuffle(points)
    assert clusters(points, 50, 3) == first
    assert first  # the test means something only if there are hotspots


def _brute_force(points: list[Point], radius: float, minimum: int) -> list[list[Point]]:
    """The same definition, every pair compared: what the grid must reproduce."""
    ordered = sorted(points)
    near = [[q for q in ordered if distance_m(p, q) <= radius] for p in ordered]
    core = {p for p, found in zip(ordered, near, strict=True) if len(found) >= minimum}
    label: dict[Point, Point] = {}
    for p in ordered:  # connected groups of cores, labelled by their first core
        if p in core and p not in label:
            stack = [p]
            label[p] = p
            while stack:
                q = stack.pop()
                for r in ordered:
                    if r in core and r not in label and distance_m(q, r) <= radius:
                        label[r] = p
                        stack.append(r)
    groups: dict[Point, list[Point]] = {}
    for p, found in zip(ordered, near, strict=True):
        if p in core:
            groups.setdefault(label[p], []).append(p)
            continue
        cores = sorted((distance_m(p, q), q) for q in found if q in core)
        if cores:
            groups.setdefault(label[cores[0][1]], []).append(p)
    return sorted((sorted(g) for g in groups.values() if len(g) >= minimum), key=lambda g: g[0])


def test_the_grid_finds_what_comparing_every_pair_finds() -> None:
    rng = random.Random(2026)
    points = [at(f"P{i:04d}", rng.uniform(-800, 800), rng.uniform(-800, 800)) for i in range(600)]
    # Some exactly repeated places (a pin dropped on the same spot).
    points += [
        Point("2026-11-02T08:00:00+07:00", f"Q{i}", points[i].lat, points[i].lon)
        for i in range(0, 60, 3)
    ]
    assert clusters(points, 50, 3) == _brute_force(points, 50, 3)
