"""The map, list and dashboard refuse what they cannot use, by name, with a 400: a date
outside the calendar they cover (which was a 500), an unknown parameter (which was ignored,
showing the whole city as if filtered), a page number that is not one."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import submit

pytestmark = pytest.mark.django_db

CITY_BBOX = "bbox=112.55,-8.05,112.72,-7.88&zoom=13"
PAGES = ["/peta?{}", "/peta/daftar?{}"]
JSON = [f"/peta/data?{CITY_BBOX}&{{}}", "/peta/wilayah?{}"]


@pytest.mark.parametrize("path", PAGES + JSON)
@pytest.mark.parametrize(
    "query", ["dari=0001-01-01", "sampai=9999-12-31", "dari=1999-12-31", "sampai=2101-01-01"]
)
def test_a_date_beyond_the_supported_years_is_a_400_naming_the_range(
    client: Client, city: None, path: str, query: str
) -> None:
    response = client.get(path.format(query))

    assert response.status_code == 400
    assert "from 2000 to 2100" in response.content.decode()


@pytest.mark.parametrize("path", PAGES + JSON)
def test_a_date_that_is_no_date_is_a_400(client: Client, city: None, path: str) -> None:
    response = client.get(path.format("dari=2026-02-30"))

    assert response.status_code == 400
    assert "dari is not a date" in response.content.decode()


@pytest.mark.parametrize("path", PAGES + JSON)
def test_an_unknown_filter_is_named_with_the_known_ones(
    client: Client, city: None, path: str
) -> None:
    response = client.get(path.format("category=sampah"))

    text = response.content.decode()
    assert response.status_code == 400
    assert "Unknown parameter category" in text
    assert "kategori, opd, kecamatan, kelurahan, status, dari, sampai" in text


def test_the_json_endpoints_answer_json(client: Client, city: None) -> None:
    answer = client.get("/peta/wilayah?dari=0001-01-01")

    assert answer["Content-Type"] == "application/json"
    assert answer.json()["problems"] == ["dari is out of range: from 2000 to 2100."]


def test_every_problem_is_named_at_once(client: Client, city: None) -> None:
    problems = client.get("/peta/wilayah?dari=0001-01-01&sampai=x&status=lost&warna=merah")

    assert len(problems.json()["problems"]) == 4


@pytest.mark.parametrize(
    "viewport",
    [
        "bbox=nan,-8.05,112.72,-7.88&zoom=13",
        "bbox=112.55,-8.05,inf,-7.88&zoom=13",
        "bbox=-1e999,-8.05,112.72,-7.88&zoom=13",
        f"bbox=112.55,-8.05,112.72,-7.88&zoom={'9' * 5000}",
        "bbox=112.55,-8.05,112.72,-7.88&zoom=-1",
    ],
)
def test_a_viewport_that_is_not_one_is_a_400(client: Client, city: None, viewport: str) -> None:
    assert client.get(f"/peta/data?{viewport}").status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "9" * 30, "١"])
def test_a_page_number_that_is_not_one_is_a_400(client: Client, city: None, page: str) -> None:
    response = client.get("/peta/daftar", {"halaman": page})

    assert response.status_code == 400
    assert "halaman is a whole number from 1" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client: Client, city: None) -> None:
    submit()

    assert client.get("/peta/daftar?halaman=999999").status_code == 200


@pytest.mark.parametrize("path", PAGES + JSON)
def test_the_ends_of_the_supported_years_are_accepted(
    client: Client, city: None, path: str
) -> None:
    # (test_map.py shows that the filters narrow what is shown.)
    query = "kategori=jalan-rusak&status=submitted&dari=2000-01-01&sampai=2100-12-31"

    assert client.get(path.format(query)).status_code == 200


@pytest.mark.parametrize("path", ["/dasbor", "/dasbor/kategori.csv"])
@pytest.mark.parametrize("query", ["periode=tahun", "periode=bulan&tahun=2026"])
def test_the_dashboard_names_what_it_cannot_use(
    client: Client, city: None, path: str, query: str
) -> None:
    assert client.get(f"{path}?{query}").status_code == 400


@pytest.mark.parametrize("path", ["/audit?halaman=0", "/audit.json?halaman=x"])
def test_the_audit_pages_refuse_a_page_that_is_not_one(client: Client, db: None, path: str) -> None:
    assert client.get(path).status_code == 400
