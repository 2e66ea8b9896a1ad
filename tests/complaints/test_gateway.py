"""Complaints by SMS and WhatsApp through the gateway's webhook, with replies by the outbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from balaikota.complaints import intake, services
from balaikota.complaints.models import Channel, Complaint
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, jpeg
from tests.peers import Receiver, unused_port, webhook_receiver

__all__ = ["unused_port", "webhook_receiver"]

URL = "/gateway/pesan"
SECRET = "rahasia-gateway"


@pytest.fixture
def gateway(settings: Any, webhook_receiver: Receiver) -> Receiver:
    """The gateway: it calls our webhook with its secret and takes our replies."""
    settings.GATEWAY_SECRET = SECRET
    settings.GATEWAY_SEND_URL = webhook_receiver.url
    settings.GATEWAY_SEND_TOKEN = "token-kirim"
    settings.FETCH_PRIVATE_ADDRESSES = True
    return webhook_receiver


def send(client: Client, **fields: Any) -> Any:
    return client.post(
        URL,
        json.dumps(fields),
        content_type="application/json",
        headers={"Authorization": f"Bearer {SECRET}"},
    )


def replies(receiver: Receiver) -> list[dict[str, str]]:
    return [json.loads(body) for _headers, body in receiver.requests]


def test_sambat_makes_a_complaint_and_replies_with_the_tracking_code(
    client: Client, city: None, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            id="m-1",
            **{"from": "+6281234567890"},
            text="SAMBAT lampu jalan mati di Jl. Soekarno Hatta depan kampus, gelap sekali",
            channel="whatsapp",
        )

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WHATSAPP
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.text.startswith("lampu jalan mati")
    [reply] = replies(gateway)
    assert reply["to"] == "+6281234567890"
    assert reply["channel"] == "whatsapp"
    assert complaint.ticket in reply["text"]
    assert gateway.requests[0][0]["Authorization"] == "Bearer token-kirim"


def test_a_location_and_photo_in_the_message_are_used(
    client: Client, city: None, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from balaikota.demo import images

    gateway.files["/m/1.jpg"] = (200, "image/jpeg", images.picture())

    with django_capture_on_commit_callbacks(execute=True):
        send(
            client,
            id="m-2",
            sender="081234567890",
            message="sambat: jalan berlubang besar dekat pasar, sudah dua minggu",
            latitude="-7.960",
            longitude="112.614",
            media_url=gateway.base + "/m/1.jpg",
        )

    complaint = Complaint.objects.get()
    assert complaint.region is not None
    assert complaint.region.name == "Sumbersari"
    assert complaint.photos.get().state == "ready"


def test_the_same_message_twice_makes_one_complaint_and_one_reply(
    client: Client, city: None, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            send(
                client,
                id="m-3",
                sender="081234567890",
                text="SAMBAT sampah menumpuk di depan gang tujuh",
            )

    assert Complaint.objects.count() == 1
    assert len(replies(gateway)) == 1


def test_cek_replies_with_the_status(
    client: Client, cast: Cast, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = intake.submit_complaint(
        text="Jalan berlubang besar di depan sekolah.",
        category=None,
        contact=intake.Contact(phone="081234567890"),
        channel=Channel.SMS,
        require_location=False,
    ).complaint

    with django_capture_on_commit_callbacks(execute=True):
        answer = send(client, sender="081234567890", text=f"cek {complaint.ticket.lower()}")

    assert complaint.ticket in answer.json()["reply"]
    assert complaint.get_status_display() in answer.json()["reply"]


def test_a_status_change_is_texted_to_an_sms_reporter(
    cast: Cast, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.conftest import submit

    complaint = submit(contact=intake.Contact(phone="081234567890"), channel=Channel.SMS)

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_complaint(complaint, cast.pupr_staff)
        services.resolve_complaint(complaint, cast.pupr_staff, "Sudah ditambal.", jpeg())

    texts = [r["text"] for r in replies(gateway)]
    assert any(complaint.ticket in t and "Resolved" in t for t in texts)


def test_an_unknown_command_gets_the_help_text(
    client: Client, city: None, gateway: Receiver
) -> None:
    answer = send(client, sender="081234567890", text="halo pak")

    assert "SAMBAT" in answer.json()["reply"]
    assert not Complaint.objects.exists()


def test_a_wrong_secret_is_refused_and_nothing_is_stored(
    client: Client, city: None, gateway: Receiver
) -> None:
    response = client.post(
        URL,
        json.dumps({"from": "0812", "text": "SAMBAT jalan rusak parah sekali di sini"}),
        content_type="application/json",
        headers={"Authorization": "Bearer salah"},
    )

    assert response.status_code == 403
    assert not Complaint.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "body", ["[1, 2]", "{not json", json.dumps({"text": "SAMBAT tanpa pengirim"})]
)
def test_a_malformed_request_gets_400(
    client: Client, city: None, gateway: Receiver, body: str
) -> None:
    response = client.post(
        URL, body, content_type="application/json", headers={"Authorization": f"Bearer {SECRET}"}
    )

    assert response.status_code == 400
    assert response.json()["ok"] is False


def test_without_a_configured_secret_the_webhook_does_not_exist(client: Client, city: None) -> None:
    response = send(client, sender="0812", text="SAMBAT jalan rusak")

    assert response.status_code == 404


def test_the_sender_number_never_reaches_public_output(
    client: Client, city: None, gateway: Receiver
) -> None:
    send(client, id="m-9", sender="081299998888", text="SAMBAT got mampet di gang lima, bau sekali")
    ticket = Complaint.objects.get().ticket

    pages = [
        client.get(f"/lacak/{ticket}").content,
        client.get(f"/api/v1/complaints/{ticket}").content,
        client.get(f"/open311/v2/requests/{ticket}.json", {"extensions": "true"}).content,
    ]

    assert all(b"081299998888" not in page for page in pages)


def test_the_audit_record_verifies_after_messages(
    client: Client, city: None, gateway: Receiver
) -> None:
    from io import StringIO

    from django.core.management import call_command

    send(
        client, id="m-10", sender="081234567890", text="SAMBAT got mampet di gang lima, bau sekali"
    )
    send(client, sender="081234567890", text=f"CEK {Complaint.objects.get().ticket}")

    call_command("audit_verify", stdout=StringIO())
