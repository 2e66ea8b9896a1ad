"""Open-data downloads: CSV, GeoJSON and Excel with filters, and no personal data."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from balaikota.complaints import intake, services
from balaikota.opendata import fields
from tests.conftest import KLOJEN, Cast, jpeg, submit

PERSONAL = ("Siti Rahayu", "081234567890", "siti@example.test", "3573010101010001")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(client: Client, **params: Any) -> list[dict[str, str]]:
    response = client.get("/data-terbuka/aduan.csv", params)
    assert response.status_code == 200
    assert response.streaming
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def two_complaints(cast: Cast, django_capture_on_commit_callbacks: Any) -> tuple[Any, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        road = submit(
            photo_files=[jpeg()],
            contact=intake.Contact(
                name=PERSONAL[0], phone=PERSONAL[1], email=PERSONAL[2], nik=PERSONAL[3]
            ),
        )
        rubbish = submit(
            "Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah", at=KLOJEN
        )
    services.accept_complaint(road, cast.pupr_staff)
    services.resolve_complaint(road, cast.pupr_staff, "Sudah ditambal.", jpeg())
    return road, rubbish


def test_csv_holds_every_documented_column_and_no_personal_data(
    client: Client, two_complaints: Any
) -> None:
    road, _rubbish = two_complaints

    rows = csv_rows(client)

    assert list(rows[0]) == fields.NAMES
    by_ticket = {r["ticket"]: r for r in rows}
    row = by_ticket[road.ticket]
    assert row["status"] == "resolved"
    assert row["open311_status"] == "closed"
    assert row["kelurahan"] == "Sumbersari"
    assert row["kecamatan_code"] == "35.73.05"
    assert row["followed_up_within_deadline"] == "true"
    assert row["working_days_to_follow_up"] == "0"
    assert row["photo_url"].startswith("http://127.0.0.1:8000/media/photos/")
    assert row["tracking_url"] == f"http://127.0.0.1:8000/lacak/{road.ticket}"
    everything = json.dumps(rows)
    assert not any(secret in everything for secret in PERSONAL)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kategori": "sampah"}, ["rubbish"]),
        ({"opd": "dpupr"}, ["road"]),
        ({"kecamatan": "35.73.02"}, ["rubbish"]),
        ({"status": "closed"}, ["road"]),
        ({"status": "open"}, ["rubbish"]),
        ({"status": "resolved"}, ["road"]),
        ({"dari": "2000-01-01", "sampai": "2000-12-31"}, []),
        ({"start": "2000-01-01", "end": "2000-12-31"}, []),  # the former names
    ],
)
def test_filters_narrow_the_download(
    client: Client, two_complaints: Any, params: dict[str, str], expected: list[str]
) -> None:
    road, rubbish = two_complaints
    names = {road.ticket: "road", rubbish.ticket: "rubbish"}

    rows = csv_rows(client, **params)

    assert sorted(names[r["ticket"]] for r in rows) == expected


def test_geojson_is_a_feature_collection_of_points(client: Client, two_complaints: Any) -> None:
    road, _rubbish = two_complaints

    response = client.get("/data-terbuka/aduan.geojson")
    collection = json.loads(body(response))

    assert collection["type"] == "FeatureCollection"
    feature = next(f for f in collection["features"] if f["id"] == road.ticket)
    assert feature["geometry"] == {"type": "Point", "coordinates": [road.lon, road.lat]}
    assert feature["properties"]["category"] == "jalan-rusak"
    assert not any(secret in json.dumps(collection) for secret in PERSONAL)


def test_excel_opens_with_the_same_rows(client: Client, two_complaints: Any) -> None:
    response = client.get("/data-terbuka/aduan.xlsx")

    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    sheet = workbook["aduan"]
    values = list(sheet.values)

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert list(values[0]) == fields.NAMES
    assert sorted(v[0] for v in values[1:]) == sorted(c.ticket for c in two_complaints)


def test_a_bad_filter_is_refused_with_the_reason(client: Client, city: None) -> None:
    wrong_date = client.get("/data-terbuka/aduan.csv", {"start": "kemarin"})
    backwards = client.get("/data-terbuka/aduan.csv", {"start": "2026-02-01", "end": "2026-01-01"})
    unknown = client.get("/data-terbuka/aduan.pdf")

    assert wrong_date.status_code == backwards.status_code == unknown.status_code == 400
    assert b"end date is before" in backwards.content


def test_the_data_dictionary_explains_every_column(client: Client, city: None) -> None:
    page = client.get("/data-terbuka")

    assert page.status_code == 200
    for name in fields.NAMES:
        assert f"<code>{name}</code>".encode() in page.content


def test_the_export_reads_in_a_fixed_number_of_queries(
    client: Client, city: None, django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        submit(f"Jalan rusak nomor {n}, sangat berbahaya untuk pengendara.")

    # The filter form's three lists, the days off, the rows: the same for 8 or 8 million.
    with django_assert_max_num_queries(5):
        rows = csv_rows(client)

    assert len(rows) == 8


def test_excel_refuses_a_range_too_large_before_building_it(
    client: Client, two_complaints: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from balaikota.opendata import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1)

    response = client.get("/data-terbuka/aduan.xlsx")

    assert response.status_code == 400
    assert b"CSV" in response.content
