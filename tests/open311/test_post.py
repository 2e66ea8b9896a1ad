"""Posting complaints through GeoReport v2 with an API key, and following them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from balaikota.complaints.models import Channel, Complaint, Photo
from balaikota.demo import images
from balaikota.notifications import signing
from balaikota.notifications.models import OutboxMessage
from balaikota.open311 import keys, services
from balaikota.open311.models import ApiClient, ClientRequest, WebhookScope
from tests.conftest import KLOJEN, OUTSIDE, SUMBERSARI
from tests.peers import Receiver

URL = "/open311/v2/requests.json"


@pytest.fixture(autouse=True)
def _local_peers_allowed(settings: Any) -> None:
    settings.FETCH_PRIVATE_ADDRESSES = True


def form(api_key: str, **extra: Any) -> dict[str, Any]:
    return {
        "api_key": api_key,
        "service_code": "jalan-rusak",
        "lat": str(SUMBERSARI[0]),
        "long": str(SUMBERSARI[1]),
        "description": "Jalan berlubang besar di depan SDN Sumbersari, motor sering jatuh.",
        **extra,
    }


def test_posting_creates_a_complaint_marked_with_its_client(
    client: Client, client_row: ApiClient, api_key: str
) -> None:
    response = client.post(URL, form(api_key, first_name="Siti", email="siti@example.test"))

    assert response.status_code == 201, response.content
    answer = json.loads(response.content)
    assert isinstance(answer, list)
    assert len(answer) == 1
    complaint = Complaint.objects.get(ticket=answer[0]["service_request_id"])
    assert complaint.channel == Channel.OPEN311
    assert complaint.reporter_name == "Siti"
    assert complaint.agency is not None
    assert complaint.agency.code == "dpupr"
    assert complaint.open311.client == client_row  # type: ignore[attr-defined]
    token = client.get(f"/open311/v2/tokens/{answer[0]['token']}.json")
    assert json.loads(token.content)[0]["service_request_id"] == complaint.ticket


def test_api_key_may_come_in_the_query_string(client: Client, api_key: str) -> None:
    body = form(api_key)
    del body["api_key"]

    response = client.post(f"{URL}?api_key={api_key}", body)

    assert response.status_code == 201


def test_xml_post_answers_in_xml(client: Client, api_key: str) -> None:
    response = client.post("/open311/v2/requests.xml", form(api_key))

    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id", "").startswith("SBT-")
    assert root.findtext("request/token")


@pytest.mark.parametrize("key", ["", "bk_wrong"])
def test_posting_without_a_valid_key_is_forbidden_and_stores_nothing(
    client: Client, api_key: str, key: str
) -> None:
    response = client.post(URL, form(key))

    assert response.status_code == 403
    assert json.loads(response.content)[0]["code"] == 403
    assert not Complaint.objects.exists()


def test_a_revoked_key_no_longer_posts(client: Client, client_row: ApiClient, api_key: str) -> None:
    services.revoke_client(client_row)

    response = client.post(URL, form(api_key))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "naga"}, 404, "naga"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"lat": "utara"}, 400, "lat"),
        ({"lat": "nan"}, 400, "lat"),
        ({"lat": str(OUTSIDE[0]), "long": str(OUTSIDE[1])}, 400, "outside"),
        ({"description": "rusak"}, 400, "text"),
        ({"media_url": "ftp://example.org/a.jpg"}, 400, "media_url"),
        ({"attribute[warna]": "merah"}, 400, "warna"),
        ({"attribute[ukuran": "x"}, 400, "attribute"),
        ({"jurisdiction_id": "surabaya.go.id"}, 404, "jurisdiction"),
    ],
)
def test_bad_posts_are_refused_with_a_clear_error_and_store_nothing(
    client: Client, api_key: str, changes: dict[str, str], status: int, words: str
) -> None:
    response = client.post(URL, form(api_key, **changes))

    assert response.status_code == status
    descriptions = " ".join(e["description"] for e in json.loads(response.content))
    assert words in descriptions
    assert not Complaint.objects.exists()


def test_a_required_question_must_be_answered_and_answers_are_kept(
    client: Client, api_key: str, tree_question: Any
) -> None:
    base = form(
        api_key, service_code="taman-rth", description="Bangku taman patah dan pagar taman rusak."
    )

    missing = client.post(URL, base)
    wrong = client.post(URL, {**base, "attribute[blocks-road]": "maybe"})
    right = client.post(URL, {**base, "attribute[blocks-road]": "yes"})

    assert missing.status_code == 400
    assert wrong.status_code == 400
    assert right.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.attributes == {"blocks-road": "yes"}


def test_a_retry_with_the_same_idempotency_key_gives_the_same_complaint(
    client: Client, api_key: str
) -> None:
    first = client.post(URL, form(api_key), headers={"Idempotency-Key": "abc-1"})
    again = client.post(URL, form(api_key), headers={"Idempotency-Key": "abc-1"})
    other = client.post(
        URL,
        form(api_key, description="Lain lagi: lampu jalan mati total."),
        headers={"Idempotency-Key": "abc-1"},
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(first.content) == json.loads(again.content)
    assert other.status_code == 409
    assert Complaint.objects.count() == 1


def test_idempotency_keys_of_two_clients_do_not_collide(client: Client, api_key: str) -> None:
    _other, other_key = services.create_client(name="Ngalam Apps", organisation="Ngalam")

    one = client.post(URL, form(api_key), headers={"Idempotency-Key": "same"})
    two = client.post(URL, form(other_key), headers={"Idempotency-Key": "same"})

    assert one.status_code == two.status_code == 201
    assert Complaint.objects.count() == 2


def test_the_rate_limit_answers_429_with_retry_after(
    client: Client, client_row: ApiClient, api_key: str
) -> None:
    client_row.rate_limit = 2
    client_row.save()

    answers = [client.get("/open311/v2/services.json", {"api_key": api_key}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert json.loads(answers[2].content)[0]["code"] == 429


def test_a_photo_given_by_url_is_fetched_and_published_without_metadata(
    client: Client,
    api_key: str,
    webhook_receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhook_receiver.files["/foto.jpg"] = (200, "image/jpeg", images.picture(gps=(-7.96, 112.61)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form(api_key, media_url=webhook_receiver.base + "/foto.jpg"))

    ticket = json.loads(response.content)[0]["service_request_id"]
    photo = Photo.objects.get(complaint__ticket=ticket)
    assert photo.state == Photo.State.READY
    assert photo.gps_lat == pytest.approx(-7.96, abs=1e-4)
    row = json.loads(client.get(f"/open311/v2/requests/{ticket}.json").content)[0]
    assert row["media_url"].endswith(".jpg")
    assert "/media/photos/" in row["media_url"]
    with photo.image.open("rb") as handle:
        assert b"GPS" not in handle.read()


def test_a_url_that_is_not_a_photo_fails_the_photo_but_keeps_the_complaint(
    client: Client,
    api_key: str,
    webhook_receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhook_receiver.files["/foto.jpg"] = (200, "text/html", b"<html>login</html>")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form(api_key, media_url=webhook_receiver.base + "/foto.jpg"))

    assert Complaint.objects.count() == 1
    assert Photo.objects.get().state == Photo.State.FAILED


def test_private_addresses_are_not_fetched_by_default(settings: Any) -> None:
    from balaikota.core import outbound

    settings.FETCH_PRIVATE_ADDRESSES = False

    with pytest.raises(outbound.OutboundError, match="not a public address"):
        outbound.request("http://127.0.0.1:9/secret")


def test_create_api_key_prints_the_key_alone_on_its_last_line(city: None) -> None:
    out = StringIO()

    call_command(
        "create_api_key", "--name", "Warga Digital", "--organisation", "Komunitas", stdout=out
    )

    key = out.getvalue().strip().splitlines()[-1]
    client = keys.client_for(key)
    assert client is not None
    assert client.name == "Warga Digital"
    assert ApiClient.objects.get().key_hash != key  # only its hash is stored


def test_a_clients_webhook_hears_of_its_own_requests_signed(
    client: Client,
    client_row: ApiClient,
    api_key: str,
    webhook_receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client_row.webhook_url = webhook_receiver.url
    client_row.webhook_secret = "rahasia-bersama"
    client_row.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form(api_key))
        # Not posted by this client: its webhook (scope "own") is not told.
        Complaint.objects.count()
        from tests.conftest import submit

        submit("Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah", at=KLOJEN)

    events = [json.loads(body)["event"] for _headers, body in webhook_receiver.requests]
    assert events == ["complaint.submit", "complaint.assign"]
    headers, body = webhook_receiver.requests[0]
    assert signing.verify(body, headers[signing.HEADER], "rahasia-bersama")
    assert "Siti" not in body.decode()


def test_a_client_with_scope_all_hears_of_every_complaint(
    client_row: ApiClient, webhook_receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    client_row.webhook_url = webhook_receiver.url
    client_row.webhook_scope = WebhookScope.ALL
    client_row.save()
    from tests.conftest import submit

    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit()

    tickets = {json.loads(body)["ticket"] for _headers, body in webhook_receiver.requests}
    assert tickets == {complaint.ticket}
    assert OutboxMessage.objects.filter(address=webhook_receiver.url, status="sent").count() == 2


def test_a_dead_client_webhook_is_kept_for_retry(
    client_row: ApiClient, unused_port: int, django_capture_on_commit_callbacks: Any
) -> None:
    client_row.webhook_url = f"http://127.0.0.1:{unused_port}/hook"
    client_row.webhook_scope = WebhookScope.ALL
    client_row.save()
    from tests.conftest import submit

    with django_capture_on_commit_callbacks(execute=True):
        submit()

    pending = OutboxMessage.objects.filter(address=client_row.webhook_url)
    assert pending.count() == 2
    assert all(m.status == "pending" and m.attempts == 1 and m.last_error for m in pending)
    assert ClientRequest.objects.count() == 0
