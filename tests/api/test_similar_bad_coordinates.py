"""Coordinates that are not a point on Earth are a 422 naming the parameter, as the
OpenAPI document declares, not a server error (`lat=inf` was a math domain error)."""

from __future__ import annotations

import pytest
from django.test import Client

from balaikota.api.views import api
from tests.conftest import SUMBERSARI, submit

pytestmark = pytest.mark.django_db

BAD = [
    ("inf", "112.61"),
    ("-inf", "112.61"),
    ("nan", "112.61"),
    ("1e400", "112.61"),
    ("-91", "112.61"),
    ("-7.96", "181"),
    ("-7.96", "Infinity"),
]


@pytest.mark.parametrize(("lat", "lon"), BAD)
@pytest.mark.parametrize(
    "path", ["/api/v1/complaints/similar?category=jalan-rusak&", "/api/v1/regions/locate?"]
)
def test_a_point_off_the_earth_is_a_422(
    client: Client, city: None, path: str, lat: str, lon: str
) -> None:
    response = client.get(f"{path}lat={lat}&lon={lon}")

    assert response.status_code == 422
    named = {tuple(problem["loc"])[-1] for problem in response.json()["detail"]}
    assert named & {"lat", "lon"}


def test_the_document_declares_the_422_and_the_ranges() -> None:
    operation = api.get_openapi_schema()["paths"]["/api/v1/complaints/similar"]["get"]
    lat = next(p for p in operation["parameters"] if p["name"] == "lat")

    assert 422 in operation["responses"]
    assert (lat["schema"]["minimum"], lat["schema"]["maximum"]) == (-90, 90)


def test_a_good_point_still_finds_the_complaint_nearby(client: Client, city: None) -> None:
    complaint = submit()

    response = client.get(
        "/api/v1/complaints/similar",
        {"category": "jalan-rusak", "lat": SUMBERSARI[0], "lon": SUMBERSARI[1], "text": "jalan"},
    )

    assert response.status_code == 200
    assert [s["ticket"] for s in response.json()] == [complaint.ticket]
