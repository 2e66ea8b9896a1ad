"""The map's filtered views from the worker's counts (`tally`): they show what counting
live shows, right after a change where the change is a new complaint, after the next
refresh for a change to an older one, and only ever published complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from balaikota.complaints import moderation, services
from balaikota.complaints.models import Complaint
from balaikota.core.workdays import JAKARTA
from balaikota.dashboards import filters, selectors, tally, tasks
from balaikota.dashboards.models import MapTally, Summary
from tests.conftest import KLOJEN, SUMBERSARI, Cast, jpeg, submit

pytestmark = pytest.mark.django_db

CITY = "112.55,-8.05,112.72,-7.88"
NEAR_KLOJEN = (-7.9725, 112.6362)
FILTERS = [
    "",
    "kategori=sampah",
    "kategori=jalan-rusak",
    "opd=dpupr",
    "status=submitted",
    "status=closed",
    "kecamatan=35.73.02",
    "kelurahan=35.73.05.1005",
    "kategori=sampah&kecamatan=35.73.02",
    "dari=2026-10-01",
    "dari=2026-10-01&sampai=2026-10-31",
    "dari=2026-09-20&sampai=2026-11-10",
    "dari=2026-10-10&sampai=2026-10-20",
    "sampai=2026-10-31&kategori=jalan-rusak",
    "dari=2026-09-15&status=submitted&kategori=sampah",
]
TRASH = "Sampah menumpuk di pinggir jalan sudah seminggu tidak diangkut."


def _at(month: int, day: int) -> time_machine.travel:
    return time_machine.travel(dt.datetime(2026, month, day, 9, tzinfo=JAKARTA), tick=False)


@pytest.fixture
def city(cast: Cast) -> dict[str, Complaint]:
    """Complaints over three months and two kecamatan, some handled, one withheld."""
    made: dict[str, Complaint] = {}
    with _at(9, 1):  # first day of a month: the edge of the worker's months
        made["road-sumbersari"] = submit(at=SUMBERSARI)
    with _at(9, 30):
        made["trash-klojen"] = submit(text=TRASH, category="sampah", at=KLOJEN)
    with _at(10, 14):
        made["trash-near"] = submit(text=TRASH, category="sampah", at=NEAR_KLOJEN)
        services.accept_complaint(made["road-sumbersari"], cast.pupr_staff)
    with _at(10, 31):
        made["road-klojen"] = submit(at=KLOJEN)
        made["withheld"] = submit(text=TRASH, category="sampah", at=KLOJEN)
        moderation.set_withheld(made["withheld"], cast.operator, True, "Nama orang disebut.")
    with _at(11, 2):
        made["trash-sumbersari"] = submit(text=TRASH, category="sampah", at=SUMBERSARI)
        services.resolve_complaint(
            made["road-sumbersari"], cast.pupr_staff, "Sudah ditambal.", jpeg()
        )
        services.confirm_resolution(made["road-sumbersari"], rating=4)
    return made


def _views(query: str) -> dict[str, Any]:
    """What the map and the list show under the filter, at three zooms and per kelurahan."""
    flt = filters.parse(dict(part.split("=") for part in query.split("&") if part))
    shown: dict[str, Any] = {
        "list": selectors.public_list(flt).count(),
        "areas": {a.code: a.count for a in selectors.densities(flt) if a.count},
    }
    if not flt.is_empty:
        shown["count"] = selectors.public_count(flt)
        for zoom in (10, 13, 15):
            view = filters.parse_viewport(CITY, str(zoom))
            shown[f"zoom {zoom}"] = selectors.filtered_cells(flt, view)
    return shown


def _live(query: str) -> dict[str, Any]:
    """The same, counted live: as if the worker had never counted."""
    kept = list(Summary.objects.filter(key=tally.KEY))
    Summary.objects.filter(key=tally.KEY).delete()
    try:
        shown = _views(query)
    finally:
        Summary.objects.bulk_create(kept)
    if "count" in shown:
        shown["count"] = shown["list"]
    return shown


def test_the_workers_counts_show_what_counting_live_shows(city: dict[str, Complaint]) -> None:
    with _at(11, 30):
        tasks.refresh_map.call_local()
        for query in FILTERS:
            assert _views(query) == _live(query), query


def test_a_new_complaint_is_on_the_filtered_map_at_once_a_status_change_after_the_refresh(
    city: dict[str, Complaint], cast: Cast, client: Client
) -> None:
    def shown(query: str) -> dict[str, Any]:
        cache.clear()
        response = client.get(f"/peta/data?bbox={CITY}&zoom=13&{query}")
        return {"total": response.json()["total"], **_views(query)}

    with _at(11, 30):
        # given the worker's counts
        tasks.refresh_map.call_local()
        before = shown("kategori=sampah")
        waiting = f"status={city['trash-klojen'].status}&kategori=sampah"
        waiting_before = shown(waiting)
        # when a citizen reports, and an agency accepts an older complaint
        submit(text=TRASH, category="sampah", at=NEAR_KLOJEN)
        services.accept_complaint(city["trash-klojen"], cast.dlh_staff)
        # then the new complaint is counted at once on every filtered view
        now = shown("kategori=sampah")
        assert now["total"] == before["total"] + 1
        assert now == _live("kategori=sampah") | {"total": now["total"]}
        # but the accepted one keeps its old status on the clusters and the list's count
        # until the worker's next count (the list itself is live)
        stale = shown(waiting)
        assert stale["list"] == waiting_before["list"]  # the new one came, the old one left
        assert stale["total"] == waiting_before["total"] + 1
        tasks.refresh_map.call_local()
        after = shown(waiting)
        assert after["total"] == waiting_before["total"]
        assert after == _live(waiting) | {"total": after["total"]}


def test_a_withheld_complaint_leaves_the_counts_at_the_next_refresh(
    city: dict[str, Complaint], cast: Cast
) -> None:
    with _at(11, 30):
        tasks.refresh_map.call_local()
        moderation.set_withheld(city["trash-near"], cast.operator, True, "Alamat rumah disebut.")
        assert _views("kategori=sampah")["count"] == 3
        tasks.refresh_map.call_local()
        assert _views("kategori=sampah")["count"] == 2
        assert _views("kategori=sampah") == _live("kategori=sampah")


def test_a_refresh_replaces_the_counts_it_made_before(city: dict[str, Complaint]) -> None:
    first = tasks.refresh_map.call_local()
    rows = MapTally.objects.count()
    second = tasks.refresh_map.call_local()
    assert second.generation == first.generation + 1
    assert set(MapTally.objects.values_list("generation", flat=True)) == {second.generation}
    assert MapTally.objects.count() == rows == second.rows


def test_filtered_map_views_answer_in_few_queries(
    city: dict[str, Complaint], client: Client, django_assert_max_num_queries: Any
) -> None:
    tasks.refresh_map.call_local()
    # The category's id, the kecamatan's kelurahan, the worker's build, its rows, the
    # complaints since the build.
    with django_assert_max_num_queries(5):
        client.get(f"/peta/data?bbox={CITY}&zoom=13&kategori=sampah&kecamatan=35.73.02")
    # The same and the days of a period's first month, counted live.
    with django_assert_max_num_queries(5):
        client.get(f"/peta/data?bbox={CITY}&zoom=13&dari=2026-09-20")
    with django_assert_max_num_queries(5):
        client.get("/peta/wilayah?kategori=sampah")
    # The agency's id, the count (build, rows, since), the page, the filter form's lists.
    with django_assert_max_num_queries(9):
        assert client.get("/peta/daftar?opd=dpupr").status_code == 200
