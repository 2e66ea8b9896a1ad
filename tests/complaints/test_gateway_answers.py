"""A reporter by SMS or WhatsApp answers the resolution by text: YA <kode> confirms, BUKA
<kode> <alasan> reopens; only from the number the complaint came from."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from balaikota.complaints import services
from balaikota.complaints.models import Complaint, Status
from balaikota.notifications.models import Channel as OutboxChannel
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, jpeg
from tests.peers import Receiver, webhook_receiver

__all__ = ["webhook_receiver"]

SECRET = "rahasia-gateway"
REPORTER = "+6281234567890"


@pytest.fixture
def gateway(settings: Any, webhook_receiver: Receiver) -> Receiver:
    settings.GATEWAY_SECRET = SECRET
    settings.GATEWAY_SEND_URL = webhook_receiver.url
    return webhook_receiver


def send(client: Client, sender: str, text: str, capture: Any, id: str = "") -> str:
    with capture(execute=True):
        response = client.post(
            "/gateway/pesan",
            json.dumps({"from": sender, "text": text, "channel": "whatsapp", "id": id}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {SECRET}"},
        )
    assert response.status_code == 200
    return str(response.json()["reply"])


@pytest.fixture
def resolved(
    cast: Cast, client: Client, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> Complaint:
    """A WhatsApp complaint the agency has resolved."""
    capture = django_capture_on_commit_callbacks
    send(client, REPORTER, "SAMBAT jalan berlubang besar di Jl. Veteran depan kampus", capture, "1")
    complaint = Complaint.objects.get()
    pupr = cast.pupr_staff.memberships.get().agency
    with capture(execute=True):
        if complaint.agency != pupr:  # the routing model may have sent it already
            services.assign_complaint(complaint, cast.operator, pupr)
        services.accept_complaint(complaint, cast.pupr_staff)
        services.resolve_complaint(complaint, cast.pupr_staff, "Sudah ditambal.", jpeg())
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    return complaint


def test_the_resolved_message_tells_how_to_answer_and_ya_closes_it(
    client: Client, gateway: Receiver, resolved: Complaint, django_capture_on_commit_callbacks: Any
) -> None:
    last_text = json.loads(gateway.requests[-1][1])
    assert last_text["to"] == REPORTER
    assert "Sudah ditambal." in last_text["text"]
    assert f"YA {resolved.ticket}" in last_text["text"]

    reply = send(
        client, "6281234567890", f"ya {resolved.ticket.lower()}", django_capture_on_commit_callbacks
    )

    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED
    assert "is closed" in reply


def test_buka_reopens_with_the_reason(
    client: Client, resolved: Complaint, django_capture_on_commit_callbacks: Any
) -> None:
    reply = send(
        client,
        REPORTER,
        f"BUKA {resolved.ticket} masih ada lubang di tepi jalan",
        django_capture_on_commit_callbacks,
    )

    resolved.refresh_from_db()
    assert resolved.status == Status.ASSIGNED
    assert "reopened" in reply
    assert resolved.events.filter(action="reopen", note="masih ada lubang di tepi jalan").exists()


def test_buka_without_a_reason_asks_for_one(
    client: Client, resolved: Complaint, django_capture_on_commit_callbacks: Any
) -> None:
    reply = send(client, REPORTER, f"BUKA {resolved.ticket}", django_capture_on_commit_callbacks)

    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED
    assert f"BUKA {resolved.ticket} <reason>" in reply


def test_another_number_can_neither_confirm_nor_reopen_nor_learn_of_it(
    client: Client, resolved: Complaint, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    confirm = send(client, "+6289999999999", f"YA {resolved.ticket}", capture)
    reopen = send(client, "+6289999999999", f"BUKA {resolved.ticket} bohong", capture)
    unknown = send(client, REPORTER, "YA SBT-00000000", capture)

    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED
    assert confirm.startswith("No complaint reported from this number")
    assert reopen.startswith("No complaint reported from this number")
    assert unknown.startswith("No complaint reported from this number")


def _texts_after(last: int) -> list[str]:
    return list(
        OutboxMessage.objects.filter(pk__gt=last, channel=OutboxChannel.GATEWAY)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def _last_message() -> int:
    return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(
    ("message", "said"), [("YA {ticket}", "is closed"), ("BUKA {ticket} masih ada", "reopened")]
)
def test_ya_and_buka_are_answered_with_one_text(
    client: Client,
    resolved: Complaint,
    django_capture_on_commit_callbacks: Any,
    message: str,
    said: str,
) -> None:
    last = _last_message()

    reply = send(
        client,
        REPORTER,
        message.format(ticket=resolved.ticket),
        django_capture_on_commit_callbacks,
    )

    assert said in reply
    assert _texts_after(last) == [reply]


def test_a_late_balas_is_answered_politely_with_how_to_reopen_or_start_again(
    client: Client, resolved: Complaint, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    # the reporter answers a question after the complaint was resolved
    last = _last_message()
    reply = send(client, REPORTER, f"BALAS {resolved.ticket} Dekat gerbang.", capture)
    assert "was not added" in reply
    assert f"BUKA {resolved.ticket} <reason>" in reply
    assert _texts_after(last) == [reply]
    assert not resolved.events.filter(action="answer").exists()
    # and once it is closed
    send(client, REPORTER, f"YA {resolved.ticket}", capture)
    reply = send(client, REPORTER, f"BALAS {resolved.ticket} Dekat gerbang.", capture)
    assert "was not added" in reply
    assert "SAMBAT <what and where>" in reply
