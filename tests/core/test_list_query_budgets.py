"""Every public list answers with the same number of queries for 3 complaints as for 30 (no
query per row), within its pinned budget, and never reads a kelurahan's or kecamatan's
boundary: a polygon is kilobytes of JSON to parse per row, and no list draws one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balaikota.agencies.models import Agency
from balaikota.core import answercache
from balaikota.open311 import services
from balaikota.open311.models import Scope
from tests.conftest import Cast, jpeg, submit

pytestmark = pytest.mark.django_db

LOWOKWARU, SUMBERSARI_CODE = "35.73.05", "35.73.05.1005"

# Path -> the queries it runs, keys, rate counters and the session included (with Redis the
# rate counters run there: one query fewer).
BUDGETS = {
    "/open311/v2/requests.json?extensions=true": 4,
    "/open311/v2/requests.xml": 4,
    "/api/v1/agency/complaints": 4,
    "/api/v1/agency/complaints?status=all": 4,
    f"/feed/kecamatan/{LOWOKWARU}": 2,
    f"/feed/kelurahan/{SUMBERSARI_CODE}": 2,
    "/feed/kategori/jalan-rusak": 2,
    "/peta/daftar": 7,  # its count from the map's tally: one lookup of the current build
    "/": 2,
    "/data-terbuka/aduan.csv": 5,
}


def _queries(client: Client, path: str, headers: dict[str, str]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200, (path, response.content[:300])
    return [query["sql"] for query in captured.captured_queries]


def _complaints(count: int) -> None:
    for n in range(count):
        submit(
            f"Jalan berlubang nomor {n} di depan sekolah, motor sering jatuh.",
            photo_files=[jpeg()] if n % 3 == 0 else [],
        )


def test_every_list_costs_the_same_queries_for_3_and_30_complaints(cast: Cast) -> None:
    _client, key = services.create_client(
        name="SIMDA PUPR",
        organisation="Dinas PUPR",
        scopes={Scope.AGENCY},
        agency=Agency.objects.get(code="dpupr"),
    )
    headers = {"Authorization": f"Bearer {key}"}
    client = Client()

    def costs() -> dict[str, list[str]]:
        found = {}
        for path in BUDGETS:
            wanted = headers if path.startswith("/api/") else {}
            _queries(client, path, wanted)  # the session and rate counters exist from now on
            answercache.forget_here()  # the public lists are built afresh, not served as kept
            found[path] = _queries(client, path, wanted)
        return found

    _complaints(3)
    few = costs()
    _complaints(27)
    many = costs()

    for path, budget in BUDGETS.items():
        assert len(few[path]) == len(many[path]) <= budget, (path, many[path])
        assert not [sql for sql in many[path] if '"geometry"' in sql], path


def test_the_tracking_page_and_the_api_track_never_read_a_boundary(cast: Cast) -> None:
    complaint = submit(photo_files=[jpeg()])
    client = Client()
    for path in (f"/lacak/{complaint.ticket}", f"/api/v1/complaints/{complaint.ticket}"):
        queries = _queries(client, path, {})
        assert not [sql for sql in queries if '"geometry"' in sql], path


def test_open311_rows_still_name_the_kelurahan_and_kecamatan(cast: Cast, client: Any) -> None:
    submit()
    row = client.get("/open311/v2/requests.json", {"extensions": "true"}).json()[0]
    assert row["address"] == "Kel. Sumbersari, Kec. Lowokwaru"
    assert row["extended_attributes"]["kelurahan"] == {
        "code": SUMBERSARI_CODE,
        "name": "Sumbersari",
    }
    assert row["extended_attributes"]["kecamatan"]["code"] == LOWOKWARU


# Served as kept (core/answercache.py): the key and the rate counter, nothing of complaints.
KEPT_BUDGETS = {
    "/open311/v2/services.json": 1,
    "/open311/v2/requests.json?extensions=true": 1,
    "/open311/v2/requests.xml?page_size=100": 1,
}


def test_a_public_list_asked_for_again_reads_no_complaint(cast: Cast) -> None:
    _complaints(3)
    _client, key = services.create_client(name="Malang Bersuara", organisation="Komunitas")
    client = Client()
    for path, budget in KEPT_BUDGETS.items():
        keyed = f"{path}{'&' if '?' in path else '?'}api_key={key}"
        _queries(client, keyed, {})

        queries = _queries(client, keyed, {})

        assert len(queries) <= budget, (path, queries)
        assert not [sql for sql in queries if "complaints_" in sql], path
