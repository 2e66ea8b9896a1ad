"""POST /api/v1/complaints and GET /api/v1/complaints/{ticket}, as an app developer uses them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from balaikota.complaints.models import Complaint
from tests.conftest import KLOJEN, OUTSIDE, SUMBERSARI, Cast, jpeg

pytestmark = pytest.mark.django_db


def post(data: dict[str, Any], **headers: str) -> Any:
    return Client().post("/api/v1/complaints", data, headers=headers)


def test_submission_answers_201_with_the_contract_shape(cast: Cast) -> None:
    response = post(
        {
            "text": "Jalan berlubang di depan SD.",
            "category": "jalan-rusak",
            "lat": str(SUMBERSARI[0]),
            "lon": str(SUMBERSARI[1]),
        }
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "ticket",
        "status",
        "category",
        "agency",
        "region",
        "location",
        "privacy",
        "private_url",
    }
    assert body["privacy"] == "public"
    assert body["status"] == "assigned"
    assert body["category"] == "jalan-rusak"
    assert body["agency"] == "dpupr"
    assert body["region"] == {"code": "35.73.05.1005", "name": "Sumbersari"}
    assert body["location"] == {"lat": SUMBERSARI[0], "lon": SUMBERSARI[1], "source": "map"}
    assert Complaint.objects.get(ticket=body["ticket"]).channel == "api"


def test_location_comes_from_the_photo_when_not_given(cast: Cast) -> None:
    response = post(
        {
            "text": "Sampah dibuang di lahan kosong.",
            "category": "sampah",
            "photos": [jpeg(gps=KLOJEN)],
        }
    )
    assert response.status_code == 201
    body = response.json()
    assert body["location"]["source"] == "exif"
    assert body["region"]["name"] == "Klojen"


def test_outside_the_city_is_a_400_with_a_clear_message(cast: Cast) -> None:
    response = post(
        {"text": "Jalan rusak di luar kota.", "lat": str(OUTSIDE[0]), "lon": str(OUTSIDE[1])}
    )
    assert response.status_code == 400
    assert "outside the service area" in response.json()["errors"]["location"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "Jalan rusak parah.", "lat": "abc", "lon": "112.6"}, "lat"),
        (
            {"text": "Jalan rusak parah.", "category": "nope", "lat": "-7.96", "lon": "112.61"},
            "category",
        ),
        ({"text": "x", "lat": "-7.96", "lon": "112.61"}, "text"),
    ],
)
def test_bad_fields_are_named_in_the_error(cast: Cast, data: dict[str, str], field: str) -> None:
    response = post(data)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_missing_text_is_a_client_error_not_a_crash(cast: Cast) -> None:
    response = post({"lat": "-7.96", "lon": "112.61"})
    assert 400 <= response.status_code < 500


def test_a_retried_request_with_the_same_key_makes_one_complaint(cast: Cast) -> None:
    data = {
        "text": "Lampu lalu lintas mati.",
        "category": "lampu-lalu-lintas",
        "lat": str(SUMBERSARI[0]),
        "lon": str(SUMBERSARI[1]),
    }
    first = post(data, **{"Idempotency-Key": "abc-1"})
    again = post(data, **{"Idempotency-Key": "abc-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["ticket"] == again.json()["ticket"]
    assert Complaint.objects.count() == 1


def test_tracking_view_has_the_timeline_and_no_personal_data(cast: Cast) -> None:
    created = post(
        {
            "text": "Pohon tumbang menutup jalan.",
            "category": "pohon-tumbang",
            "lat": str(SUMBERSARI[0]),
            "lon": str(SUMBERSARI[1]),
            "name": "Budi Santoso",
            "phone": "081298765432",
            "email": "budi@example.test",
            "nik": "3573020202020002",
        }
    ).json()
    response = Client().get(f"/api/v1/complaints/{created['ticket']}")
    assert response.status_code == 200
    body = response.json()
    assert [e["action"] for e in body["events"]] == ["submit", "assign"]
    assert body["agency"] == "dlh"
    assert body["district"]["name"] == "Lowokwaru"
    raw = response.content.decode()
    for secret in ("Budi", "081298765432", "budi@example.test", "3573020202020002"):
        assert secret not in raw


def test_unknown_ticket_is_404(cast: Cast) -> None:
    assert Client().get("/api/v1/complaints/SBT-ZZZZZZZZ").status_code == 404


def test_openapi_document_describes_the_submission(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/complaints" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/complaints"]


def test_locate_tells_the_kelurahan_or_outside(cast: Cast) -> None:
    inside = Client().get("/api/v1/regions/locate", {"lat": SUMBERSARI[0], "lon": SUMBERSARI[1]})
    assert inside.json()["region"]["code"] == "35.73.05.1005"
    outside = Client().get("/api/v1/regions/locate", {"lat": OUTSIDE[0], "lon": OUTSIDE[1]})
    assert outside.json()["inside"] is False


def test_the_same_key_with_another_complaint_is_refused(cast: Cast) -> None:
    data = {
        "text": "Lampu lalu lintas mati.",
        "category": "lampu-lalu-lintas",
        "lat": str(SUMBERSARI[0]),
        "lon": str(SUMBERSARI[1]),
    }
    assert post(data, **{"Idempotency-Key": "k-1"}).status_code == 201
    other = post(data | {"text": "Sampah menumpuk di depan pasar."}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert Complaint.objects.count() == 1


def test_a_long_idempotency_key_is_accepted(cast: Cast) -> None:
    data = {
        "text": "Lampu lalu lintas mati.",
        "category": "lampu-lalu-lintas",
        "lat": str(SUMBERSARI[0]),
        "lon": str(SUMBERSARI[1]),
    }
    key = "f" * 64  # a SHA-256 in hex, as many clients use
    assert post(data, **{"Idempotency-Key": key}).status_code == 201
    assert post(data, **{"Idempotency-Key": key}).status_code == 200
