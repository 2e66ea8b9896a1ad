"""Every public write answers a flood with 429, Retry-After and a message in the endpoint's own
format, and loses nothing the citizen wrote; a partner's key with its own limit sends in bulk.

The attacks replayed: 300 posts in a row to /lapor and /api/v1/complaints (each e-mails an
agency), a flood of SMS from one number, a flood of alert sign-ups.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from balaikota.complaints.models import Complaint
from balaikota.open311 import services as open311
from balaikota.opendata.models import Subscription
from tests.conftest import SUMBERSARI, Cast

TWO_PER_HOUR = (2, 3600)


@pytest.fixture(autouse=True)
def _tiny_limits(settings: Any) -> None:
    settings.RATE_LIMIT_REPORTS = TWO_PER_HOUR
    settings.RATE_LIMIT_SUBSCRIBE = TWO_PER_HOUR


def report_form(n: int) -> dict[str, Any]:
    return {
        "text": f"Lampu jalan mati di gang {n}, gelap sekali setiap malam.",
        "category": "jalan-rusak",
        "lat": SUMBERSARI[0],
        "lon": SUMBERSARI[1],
        "location_source": "map",
        "privacy": "anonymous",
        "submission_key": f"form-{n}",
    }


def assert_retry_after(response: Any) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600


def test_the_report_form_answers_a_flood_with_its_own_page_and_keeps_the_draft(
    cast: Cast,
) -> None:
    browser = Client()
    answers = [browser.post(reverse("complaints:report"), report_form(n)) for n in range(4)]

    assert [a.status_code for a in answers[:2]] == [302, 302]
    assert Complaint.objects.count() == 2
    refused = answers[3]
    assert_retry_after(refused)
    page = refused.content.decode()
    assert "Too many requests from your connection. Try again in" in page
    # The citizen's text, category, place and privacy choice are all still in the form.
    assert "Lampu jalan mati di gang 3" in page
    assert '<option value="jalan-rusak" selected>' in page
    assert f'value="{SUMBERSARI[0]}"' in page
    assert 'value="anonymous" id="id_privacy_1" checked' in page.replace("\n", "")


def test_the_report_forms_script_gets_json_with_the_wait(cast: Cast) -> None:
    browser = Client()
    for n in range(2):
        browser.post(reverse("complaints:report"), report_form(n))
    refused = browser.post(
        reverse("complaints:report"), report_form(9), headers={"accept": "application/json"}
    )
    assert_retry_after(refused)
    body = refused.json()
    assert body["retry_after"] == int(refused["Retry-After"])
    assert body["errors"]["__all__"][0]["code"] == "rate_limited"


def test_the_api_answers_a_flood_with_its_json_and_a_bulk_key_passes(cast: Cast) -> None:
    data = {"text": "Jalan berlubang besar di depan SDN, motor sering jatuh.", "lat": "-7.96"}
    data["lon"] = "112.614"
    answers = [Client().post("/api/v1/complaints", data) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    assert_retry_after(answers[2])
    assert "Try again in" in answers[2].json()["detail"]

    # given: a partner's key created with its own limit, from the same address
    _client, key = open311.create_client(name="Mitra", organisation="Mitra", rate_limit=100)
    bulk = [
        Client().post("/api/v1/complaints", data, headers={"Authorization": f"Bearer {key}"})
        for _ in range(5)
    ]
    assert [a.status_code for a in bulk] == [201] * 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_answers_a_flood_in_the_georeport_format(cast: Cast, fmt: str) -> None:
    _client, key = open311.create_client(name="Aplikasi Warga", organisation="Komunitas")
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": str(SUMBERSARI[0]),
        "long": str(SUMBERSARI[1]),
        "description": "Jalan berlubang besar di depan SDN Sumbersari, motor sering jatuh.",
    }
    url = f"/open311/v2/requests.{fmt}"
    answers = [Client().post(url, form) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    assert_retry_after(answers[2])
    if fmt == "json":
        error = json.loads(answers[2].content)[0]
        assert error["code"] == 429
        assert "Try again in" in error["description"]
    else:
        error_el = ET.fromstring(answers[2].content).find("error")
        assert error_el is not None
        assert error_el.findtext("code") == "429"


def test_an_open311_key_with_its_own_limit_sends_in_bulk(cast: Cast) -> None:
    _client, key = open311.create_client(name="Mitra Kota", organisation="Mitra", rate_limit=50)
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": str(SUMBERSARI[0]),
        "long": str(SUMBERSARI[1]),
        "description": "Jalan berlubang besar di depan SDN Sumbersari, motor sering jatuh.",
    }
    answers = [Client().post("/open311/v2/requests.json", form) for _ in range(6)]
    assert [a.status_code for a in answers] == [201] * 6


def test_the_gateway_holds_each_sender_to_the_limit(cast: Cast, settings: Any) -> None:
    settings.GATEWAY_SECRET = "rahasia-gateway"
    settings.GATEWAY_SEND_URL = ""

    def sms(sender: str, n: int) -> Any:
        return Client().post(
            "/gateway/pesan",
            json.dumps({"id": f"{sender}-{n}", "from": sender, "text": f"SAMBAT lampu mati {n}"}),
            content_type="application/json",
            headers={"Authorization": "Bearer rahasia-gateway"},
        )

    flood = [sms("081234567890", n) for n in range(3)]
    other = sms("085700000001", 0)

    assert [a.status_code for a in flood[:2]] == [200, 200]
    assert_retry_after(flood[2])
    assert flood[2].json()["ok"] is False
    assert other.status_code == 200


def test_alert_sign_ups_are_limited_per_address(client: Client, city: None) -> None:
    answers = [
        client.post("/langganan", {"email": f"warga{n}@example.test", "kelurahan": "35.73.05.1005"})
        for n in range(3)
    ]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_retry_after(answers[2])
    assert "Try again in" in answers[2].content.decode()
    assert Subscription.objects.count() == 2


def test_the_wait_is_said_in_the_citizens_language(cast: Cast, settings: Any) -> None:
    settings.LANGUAGE_CODE = "id"
    settings.RATE_LIMIT_REPORTS = (1, 3600)
    browser = Client(headers={"accept-language": "id"})
    browser.post(reverse("complaints:report"), report_form(0))
    refused = browser.post(reverse("complaints:report"), report_form(1))

    assert_retry_after(refused)
    page = refused.content.decode()
    assert "Terlalu banyak permintaan dari koneksi Anda. Coba lagi dalam" in page
    assert "menit (pukul" in page
    assert "Laporan Anda tetap tersimpan di sini" in page
