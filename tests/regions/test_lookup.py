"""Point -> kelurahan on plain shapely geometry: inside, in a sliver, in an overlap, outside."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon, box

from balaikota.regions.lookup import InvalidGeometry, Match, RegionIndex, parse_geometry

# Two squares of about 1.1 km at Malang's latitude, 0.0003° (~33 m) apart: a sliver between.
WEST = box(112.600, -7.970, 112.610, -7.960)
EAST = box(112.6103, -7.970, 112.620, -7.960)


@pytest.fixture
def index() -> RegionIndex:
    return RegionIndex([("west", WEST), ("east", EAST)])


def test_point_inside_a_polygon_is_found(index: RegionIndex) -> None:
    found = index.locate(-7.965, 112.605)
    assert (found.code, found.match) == ("west", Match.INSIDE)


def test_point_in_a_sliver_goes_to_the_nearest_polygon(index: RegionIndex) -> None:
    # 0.0002° east of WEST's edge (~22 m), 0.0001° west of EAST's edge (~11 m).
    found = index.locate(-7.965, 112.6102)
    assert found.code == "east"
    assert found.match == Match.NEAREST
    assert 8 < found.distance_m < 15


def test_point_further_than_fifty_metres_is_outside(index: RegionIndex) -> None:
    # 0.0006° (~66 m) west of WEST.
    found = index.locate(-7.965, 112.5994)
    assert found.code is None
    assert found.match == Match.OUTSIDE


def test_point_in_an_overlap_goes_to_the_polygon_it_is_deepest_in() -> None:
    big = box(112.600, -7.970, 112.620, -7.950)
    small = box(112.6150, -7.960, 112.6205, -7.955)  # overlaps big's eastern edge
    index = RegionIndex([("big", big), ("small", small)])
    # Inside both, 0.0005° from big's edge but 0.0025° from small's.
    assert index.locate(-7.9575, 112.6175).code == "small"


def test_invalid_polygon_is_refused_with_the_reason() -> None:
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    with pytest.raises(InvalidGeometry, match="invalid"):
        parse_geometry({"type": "Polygon", "coordinates": [list(bowtie.exterior.coords)]})


def test_a_point_geometry_is_not_an_area() -> None:
    with pytest.raises(InvalidGeometry, match="Polygon"):
        parse_geometry({"type": "Point", "coordinates": [112.6, -7.9]})


def test_nan_coordinates_are_outside(index: RegionIndex) -> None:
    assert index.locate(float("nan"), 112.605).code is None


def test_many_points_at_once_give_the_same_answers_as_one_by_one(index: RegionIndex) -> None:
    points = [(-7.965, 112.605), (-7.965, 112.6102), (-7.965, 112.5994), (-7.965, 112.615)]
    assert index.locate_many(points) == [index.locate(lat, lon) for lat, lon in points]
