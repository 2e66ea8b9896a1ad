"""Input that once broke things: control characters, dates at the calendar's ends,
formulas in text, addresses instead of coordinates, hosts that change their address."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from balaikota.complaints.models import Complaint, Photo
from balaikota.core import outbound
from balaikota.open311 import tasks
from balaikota.open311.models import Forward, ForwardingTarget, ForwardState
from tests.conftest import SUMBERSARI, submit
from tests.peers import Receiver

URL = "/open311/v2/requests.json"


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def post(client: Client, api_key: str, **fields: str) -> Any:
    form = {
        "api_key": api_key,
        "service_code": "jalan-rusak",
        "lat": str(SUMBERSARI[0]),
        "long": str(SUMBERSARI[1]),
        "description": "Jalan berlubang besar di depan sekolah, motor sering jatuh.",
    }
    return client.post(URL, form | fields)


def test_control_characters_are_dropped_and_every_format_still_reads(
    client: Client, api_key: str
) -> None:
    answer = post(
        client, api_key, description="Jalan\x00 rusak\x01 parah\x1b di depan pasar besar."
    )

    assert answer.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.text == "Jalan rusak parah di depan pasar besar."
    ET.fromstring(client.get("/open311/v2/requests.xml").content)
    ET.fromstring(client.get("/feed/kategori/jalan-rusak").content)
    load_workbook(io.BytesIO(content(client.get("/data-terbuka/aduan.xlsx"))))


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json?start_date=0001-01-01",
        "/open311/v2/requests.json?start_date=0001-01-01&end_date=0001-01-02",
        "/open311/v2/servicerequestupdates.json?end_date=9999-12-31",
        "/data-terbuka/aduan.csv?start=0001-01-01",
        "/data-terbuka/aduan.csv?end=9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_clear_400(
    client: Client, city: None, path: str
) -> None:
    assert client.get(path).status_code == 400


def test_a_formula_in_a_complaint_stays_text_in_the_downloads(client: Client, city: None) -> None:
    complaint = submit('=HYPERLINK("http://jahat.example/","Klik di sini") jalan rusak')

    sheet = load_workbook(io.BytesIO(content(client.get("/data-terbuka/aduan.xlsx"))))["aduan"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    cell = next(iter(sheet.iter_rows(min_row=2)))[header.index("description")]
    csv_text = content(client.get("/data-terbuka/aduan.csv")).decode("utf-8-sig")

    assert cell.data_type == "s"
    assert cell.value == complaint.text
    assert "'=HYPERLINK" in csv_text


def test_an_address_instead_of_coordinates_is_accepted_for_the_operator_to_place(
    client: Client, api_key: str
) -> None:
    by_string = post(client, api_key, lat="", long="", address_string="Jl. Veteran depan Matos")
    by_id = post(
        client,
        api_key,
        lat="",
        long="",
        address_id="35.73.05.1005",
        description="Jalan retak memanjang dekat kampus, bahaya untuk motor.",
    )
    unknown = post(client, api_key, lat="", long="", address_id="99.99")

    assert by_string.status_code == by_id.status_code == 201
    assert unknown.status_code == 400
    addresses = sorted(Complaint.objects.values_list("address", flat=True))
    assert addresses == ["Jl. Veteran depan Matos", "Kel. Sumbersari"]
    assert not Complaint.objects.filter(lat__isnull=False).exists()


def test_a_wrong_method_is_answered_in_the_spec_format(client: Client, city: None) -> None:
    response = client.delete("/open311/v2/requests.json")

    assert response.status_code == 405
    assert json.loads(response.content)[0]["code"] == 405


def test_a_list_of_ids_is_never_cut_by_the_page_size(client: Client, city: None) -> None:
    first = submit()
    second = submit("Jalan retak memanjang dekat kampus, bahaya untuk motor.")

    rows = json.loads(
        client.get(
            URL, {"service_request_id": f"{first.ticket},{second.ticket}", "page_size": "1"}
        ).content
    )

    assert {r["service_request_id"] for r in rows} == {first.ticket, second.ticket}


def test_guessing_keys_is_rate_limited(client: Client, city: None, settings: Any) -> None:
    settings.OPEN311_RATE_LIMIT = 3

    answers = [client.get(URL, {"api_key": f"bk_guess{n}"}).status_code for n in range(5)]

    assert answers == [403, 403, 403, 429, 429]


def test_a_name_that_now_points_inside_is_refused_at_connect(
    settings: Any, webhook_receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the name looked public when it was checked (DNS rebinding)
    settings.FETCH_PRIVATE_ADDRESSES = False
    monkeypatch.setattr(outbound, "check_url", lambda url: None)
    webhook_receiver.files["/x.jpg"] = (200, "image/jpeg", b"secret")

    # then: the connection to 127.0.0.1 is refused before anything is sent
    with pytest.raises(outbound.Refused, match="not a public address"):
        outbound.request(webhook_receiver.base + "/x.jpg")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::a00:1", False),
        ("2002:a00:1::1", False),
    ],
)
def test_only_public_addresses_count_as_public(address: str, public: bool) -> None:
    assert outbound.is_public(address) is public


def test_an_unparseable_photo_url_fails_the_photo_at_once(
    client: Client, api_key: str, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FETCH_PRIVATE_ADDRESSES = True

    with django_capture_on_commit_callbacks(execute=True):
        post(client, api_key, media_url="http://example.org:99999/x.jpg")

    assert Photo.objects.get().state == Photo.State.FAILED


@pytest.mark.django_db(transaction=True)
def test_an_odd_date_from_the_other_system_does_not_stop_polling(
    city: None, settings: Any, webhook_receiver: Receiver
) -> None:
    settings.FETCH_PRIVATE_ADDRESSES = True
    from tests.conftest import load_city

    load_city()
    complaint = submit()
    target = ForwardingTarget.objects.create(
        name="Lain",
        endpoint=webhook_receiver.base + "/v2/",
        api_key="k",
        category=complaint.category,
    )
    Forward.objects.filter(complaint=complaint).delete()
    forward = Forward.objects.create(
        complaint=complaint, target=target, state=ForwardState.SENT, remote_id="77"
    )
    webhook_receiver.files["/v2/requests/77.json"] = (
        200,
        "application/json",
        json.dumps(
            [
                {
                    "service_request_id": "77",
                    "status": "closed",
                    "updated_datetime": "2026-02-30T10:00:00+07:00",
                }
            ]
        ).encode(),
    )

    tasks.poll_forwards.call_local()

    forward.refresh_from_db()
    assert forward.remote_status == "closed"
    assert forward.remote_updated_at is None
