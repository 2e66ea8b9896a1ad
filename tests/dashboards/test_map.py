"""The public map (/peta): clusters per bounding box and zoom, single complaints when zoomed
in, filters kept in the address, the kelurahan density, and nothing personal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from balaikota.complaints import duplicates, intake, services
from balaikota.dashboards import tasks
from balaikota.regions.models import Region
from tests.conftest import KLOJEN, SUMBERSARI, Cast, submit
from tests.dashboards.conftest import Story

pytestmark = pytest.mark.django_db

CITY = "112.55,-8.05,112.72,-7.88"


def data(client: Client, query: str = "", bbox: str = CITY, zoom: int = 12) -> dict[str, Any]:
    response = client.get(f"/peta/data?bbox={bbox}&zoom={zoom}&{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_complaints_close_together_form_one_cluster_at_city_zoom(
    cast: Cast, client: Client
) -> None:
    # given two complaints 30 m apart and one across the city
    submit(at=SUMBERSARI)
    submit(text="Jalan rusak parah dekat kampus, banyak lubang.", at=(-7.9603, 112.6142))
    submit(at=KLOJEN, category="sampah")
    # when the whole city is in view
    answer = data(client, zoom=12)
    # then
    assert answer["kind"] == "clusters"
    assert sorted(item["count"] for item in answer["items"]) == [1, 2]
    assert answer["total"] == 3


def test_zoomed_in_the_map_shows_single_complaints_with_their_supporters(
    cast: Cast, client: Client
) -> None:
    complaint = submit(at=SUMBERSARI)
    duplicates.support(complaint, "session:one")
    duplicates.support(complaint, "session:two")
    answer = data(client, bbox="112.610,-7.965,112.620,-7.955", zoom=17)
    assert answer["kind"] == "points"
    (point,) = answer["items"]
    assert point["ticket"] == complaint.ticket
    assert point["supporters"] == 2
    assert point["status"] == "assigned"


def test_only_complaints_inside_the_bounding_box_are_counted(cast: Cast, client: Client) -> None:
    submit(at=SUMBERSARI)
    submit(at=KLOJEN, category="sampah")
    # A box around Klojen only.
    answer = data(client, bbox="112.630,-7.978,112.640,-7.968", zoom=14)
    assert answer["total"] == 1


def test_a_cluster_counts_its_open_complaints_for_its_colour(
    story: Story, now: Any, client: Client
) -> None:
    items = data(client, zoom=10)["items"]
    # A and D are closed, B and C open; E (a duplicate) is not on the map.
    assert sum(item["count"] for item in items) == 4
    assert sum(item["open"] for item in items) == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kategori=sampah", {"C", "D"}),
        ("opd=dpupr", {"A", "B"}),
        ("kecamatan=35.73.02", {"B", "C"}),
        ("kelurahan=35.73.05.1005", {"A", "D"}),
        ("status=closed", {"A", "D"}),
        ("dari=2026-11-01&sampai=2026-11-02", {"A", "B"}),
        ("kategori=tidak-ada", set()),
    ],
)
def test_filters_narrow_the_map_and_the_list_alike(
    story: Story, now: Any, client: Client, query: str, expected: set[str]
) -> None:
    tickets = {getattr(story, name.lower()).ticket: name for name in "ABCDE"}
    points = data(client, query, zoom=18, bbox="112.5,-8.1,112.8,-7.8")["items"]
    assert {tickets[p["ticket"]] for p in points} == expected
    listed = client.get(f"/peta/daftar?{query}").content.decode()
    assert {name for ticket, name in tickets.items() if ticket in listed} == expected


def test_the_filter_stays_in_the_links_between_map_and_list(story: Story, client: Client) -> None:
    page = client.get("/peta?kategori=sampah&status=closed").content.decode()
    assert 'href="/peta/daftar?kategori=sampah&amp;status=closed"' in page
    assert 'data-query="kategori=sampah&amp;status=closed"' in page
    listing = client.get("/peta/daftar?kategori=sampah").content.decode()
    assert 'href="/peta?kategori=sampah"' in listing


def test_rejected_complaints_and_duplicates_stay_off_the_map(cast: Cast, client: Client) -> None:
    kept = submit()
    gone = submit(text="Jalan depan rumah saya rusak parah sekali pak.")
    services.mark_duplicate(gone, cast.operator, kept)
    assert data(client)["total"] == 1


def test_the_list_links_each_complaint_to_its_tracking_page(story: Story, client: Client) -> None:
    page = client.get("/peta/daftar").content.decode()
    assert f'href="/lacak/{story.a.ticket}"' in page
    assert story.e.ticket not in page  # the duplicate


def test_no_personal_data_on_the_map_or_the_list(cast: Cast, client: Client) -> None:
    submit(
        contact=intake.Contact(
            name="Siti Rahayu",
            phone="081234567890",
            email="siti@example.test",
            nik="3573010101010001",
        )
    )
    answers = [
        json.dumps(data(client, zoom=12)),
        json.dumps(data(client, zoom=18, bbox="112.5,-8.1,112.8,-7.8")),
        client.get("/peta/daftar").content.decode(),
        client.get("/peta/wilayah").content.decode(),
    ]
    for text in answers:
        for secret in ("Siti", "081234567890", "siti@example", "3573010101010001"):
            assert secret not in text


def test_a_bad_viewport_gets_a_clear_error(db: None, client: Client) -> None:
    response = client.get("/peta/data?bbox=1,2,3&zoom=12")
    assert response.status_code == 400
    assert "bbox" in response.json()["error"]
    assert client.get(f"/peta/data?bbox={CITY}&zoom=99").status_code == 400


def test_density_per_km2_and_per_1000_residents(story: Story, client: Client) -> None:
    klojen = Region.objects.get(code="35.73.02.1001")
    Region.objects.filter(pk=klojen.pk).update(population=20_000)
    areas = {a["code"]: a for a in client.get("/peta/wilayah").json()["areas"]}
    assert len(areas) == 57
    area = areas["35.73.02.1001"]
    assert area["count"] == 2  # B and C
    assert klojen.area_km2
    assert area["per_km2"] == round(2 / klojen.area_km2, 2)
    assert area["per_1000"] == 0.1
    assert areas["35.73.05.1005"]["per_1000"] is None  # population unknown


def test_the_map_pages_answer_in_few_queries(
    story: Story, client: Client, django_assert_max_num_queries: Any
) -> None:
    # The category's id, the kecamatan's kelurahan, the worker's counts (none yet), the cells.
    with django_assert_max_num_queries(4):
        data(client, "kategori=sampah&kecamatan=35.73.02", zoom=12)
    # The agency's id, the worker's counts, the count, the page, the filter form's four lists.
    with django_assert_max_num_queries(8):
        assert client.get("/peta/daftar?opd=dpupr").status_code == 200
    with django_assert_max_num_queries(3):
        client.get("/peta/wilayah")
    with django_assert_max_num_queries(6):
        assert client.get("/peta").status_code == 200


def test_the_unfiltered_map_comes_from_the_workers_grid(cast: Cast, client: Client) -> None:
    # given the worker's grid, made when there were two complaints
    submit(at=SUMBERSARI)
    submit(at=KLOJEN, category="sampah")
    live = data(client, zoom=13)
    tasks.refresh_map.call_local()
    cache.clear()
    # then the unfiltered map shows the same clusters, read from the grid
    assert data(client, zoom=13)["items"] == live["items"]
    # and a complaint made since joins the unfiltered map at the next refresh, but any
    # filtered view at once
    submit(text="Sampah di pinggir jalan belum diangkut tiga hari.", at=KLOJEN, category="sampah")
    cache.clear()
    assert data(client, zoom=13)["total"] == 2
    assert data(client, "kategori=sampah", zoom=13)["total"] == 2
    tasks.refresh_map.call_local()
    cache.clear()
    assert data(client, zoom=13)["total"] == 3


def test_the_unfiltered_density_comes_from_the_workers_counts(
    story: Story, client: Client, django_assert_max_num_queries: Any
) -> None:
    tasks.refresh_map.call_local()
    with django_assert_max_num_queries(2):
        areas = {a["code"]: a for a in client.get("/peta/wilayah").json()["areas"]}
    assert areas["35.73.02.1001"]["count"] == 2
