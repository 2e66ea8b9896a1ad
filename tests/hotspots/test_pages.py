"""The public hotspot pages: the table, the map's data, one hotspot; no personal data, and
as many queries for many hotspots as for few."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balaikota.complaints import intake, moderation
from balaikota.hotspots import build, services
from balaikota.hotspots.models import Hotspot
from tests.conftest import Cast
from tests.hotspots.conftest import NOW, report

pytestmark = pytest.mark.django_db

CONTACT = intake.Contact(
    name="Siti Rahayu",
    phone="081355512345",
    email="siti.rahayu@example.test",
    nik="3573015505900001",
)


def hotspots_in_a_row(count: int, start: int = 0) -> None:
    """`count` road hotspots 300 m apart, three complaints each."""
    for n in range(start, start + count):
        for offset in (0, 10, 20):
            report(3, offset, n * 300, contact=CONTACT)


def queries(client: Client, path: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def test_the_public_lists_cost_the_same_for_many_hotspots_as_for_few(
    cast: Cast, client: Client
) -> None:
    hotspots_in_a_row(2)
    build.rebuild(NOW)
    spot = Hotspot.objects.order_by("pk").first()
    assert spot is not None
    services.create_work(
        spot,
        cast.pupr_staff,
        services.WorkInput("Perbaikan jalan", "Diaspal ulang.", NOW.date(), NOW.date()),
    )
    client.force_login(cast.pupr_staff)
    staff_few = queries(client, "/staf/titik-rawan")
    client.logout()
    few = {path: queries(client, path) for path in ("/titik-rawan", "/titik-rawan/peta.json")}

    hotspots_in_a_row(10, start=2)
    build.rebuild(NOW)
    assert Hotspot.objects.filter(active=True).count() == 12
    client.force_login(cast.pupr_staff)
    assert queries(client, "/staf/titik-rawan") == staff_few
    client.logout()
    from django.core.cache import cache

    cache.clear()
    for path, count in few.items():
        assert queries(client, path) == count, path
    assert few["/titik-rawan"] <= 5


def test_the_table_is_paginated_with_a_clear_error_for_a_wrong_page(
    cast: Cast, client: Client, settings: object
) -> None:
    hotspots_in_a_row(3)
    build.rebuild(NOW)
    from balaikota.hotspots import views

    views.PAGE_SIZE, saved = 2, views.PAGE_SIZE
    try:
        first = client.get("/titik-rawan").content.decode()
        second = client.get("/titik-rawan?halaman=2").content.decode()
    finally:
        views.PAGE_SIZE = saved
    assert first.count("data-hotspot=") == 2
    assert second.count("data-hotspot=") == 1
    response = client.get("/titik-rawan?halaman=dua")
    assert response.status_code == 400
    assert "halaman is a whole number from 1." in response.content.decode()


def test_public_pages_show_no_personal_data(cast: Cast, client: Client) -> None:
    hotspots_in_a_row(1)
    build.rebuild(NOW)
    spot = Hotspot.objects.get()
    work = services.create_work(
        spot,
        cast.pupr_staff,
        services.WorkInput("Perbaikan jalan", "Diaspal ulang.", NOW.date(), NOW.date()),
    )
    pages = [
        "/titik-rawan",
        "/titik-rawan/peta.json",
        f"/titik-rawan/{spot.pk}",
        f"/pekerjaan-terencana/{work.pk}",
        "/dasbor",
    ]
    for path in pages:
        body = client.get(path).content.decode()
        for value in (CONTACT.name, CONTACT.phone, CONTACT.email, CONTACT.nik, "pupr@example"):
            assert value not in body, (path, value)
    assert f"/titik-rawan/{spot.pk}" in client.get("/dasbor").content.decode()


def test_a_complaint_withheld_after_the_computation_leaves_the_public_page(
    cast: Cast, client: Client
) -> None:
    hotspots_in_a_row(1)
    build.rebuild(NOW)
    spot = Hotspot.objects.get()
    hidden = spot.complaints.order_by("pk").first()
    assert hidden is not None
    moderation.set_withheld(hidden, cast.operator, True, "Foto menampilkan wajah.")
    page = client.get(f"/titik-rawan/{spot.pk}").content.decode()
    assert hidden.ticket not in page
    assert page.count("data-ticket=") == 2


def test_the_map_data_names_each_hotspot_and_its_work(cast: Cast, client: Client) -> None:
    hotspots_in_a_row(1)
    build.rebuild(NOW)
    spot = Hotspot.objects.get()
    services.create_work(
        spot,
        cast.pupr_staff,
        services.WorkInput("Perbaikan jalan", "Diaspal ulang.", NOW.date(), NOW.date()),
    )
    from django.core.cache import cache

    cache.clear()
    data = client.get("/titik-rawan/peta.json").json()["hotspots"]
    assert data == [
        {
            "id": spot.pk,
            "lat": spot.lat,
            "lon": spot.lon,
            "count": 3,
            "category": "Damaged road",
            "work": "Planned",
            "url": f"/titik-rawan/{spot.pk}",
        }
    ]


def test_before_the_first_computation_the_page_says_so(city: None, client: Client) -> None:
    page = client.get("/titik-rawan").content.decode()
    assert 'id="hotspots-computing"' in page
