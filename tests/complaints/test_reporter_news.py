"""Every step and every note of the agency reaches the reporter on the channel they chose
(e-mail over real SMTP, SMS/WhatsApp through a real local gateway, in-app when signed in),
and the "resolved" message carries a working link to confirm, rate or reopen."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from balaikota.complaints import intake, services
from balaikota.complaints.models import Complaint, Status
from balaikota.notifications.models import Notice, OutboxMessage
from tests.conftest import Cast, jpeg, submit
from tests.peers import Inbox, Receiver, smtp_server, webhook_receiver

__all__ = ["smtp_server", "webhook_receiver"]


@pytest.fixture
def gateway(settings: Any, webhook_receiver: Receiver) -> Receiver:
    settings.GATEWAY_SEND_URL = webhook_receiver.url
    return webhook_receiver


def texts(receiver: Receiver) -> list[dict[str, str]]:
    return [json.loads(body) for _headers, body in receiver.requests]


def body_of(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


def to(inbox: Inbox, address: str = "warga@example.test") -> list[Any]:
    """The reporter's e-mail (the agency's staff get theirs through the same server)."""
    return [m for m in inbox.messages if m["To"] == address]


def reported(capture: Any, **contact: str) -> Complaint:
    with capture(execute=True):
        return submit(contact=intake.Contact(**contact))


def work_on(complaint: Complaint, cast: Cast, capture: Any, *, resolve: bool = False) -> None:
    with capture(execute=True):
        services.accept_complaint(complaint, cast.pupr_staff, "Tim kami berangkat besok pagi.")
        services.add_progress_note(
            complaint, cast.pupr_staff, "Lubang sudah diukur, aspal dipesan."
        )
        if resolve:
            services.resolve_complaint(
                complaint, cast.pupr_staff, "Lubang sudah ditambal.", jpeg("after.jpg")
            )


def test_each_step_and_progress_note_is_e_mailed_with_the_agencys_words(
    cast: Cast, smtp_server: Inbox, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a reporter who gave an e-mail address and a phone, and chose e-mail
    complaint = reported(
        django_capture_on_commit_callbacks,
        email="warga@example.test",
        phone="081234567890",
        notify_by="email",
    )

    # when: the agency accepts it and writes a progress note
    work_on(complaint, cast, django_capture_on_commit_callbacks)

    # then: one e-mail each, with the agency's own words, and nothing to the phone
    received, accepted, progress = to(smtp_server)
    assert received["Subject"] == f"Your complaint {complaint.ticket} has been received"
    assert "Tim kami berangkat besok pagi." in body_of(accepted)
    assert "Lubang sudah diukur, aspal dipesan." in body_of(progress)
    assert "news from" in progress["Subject"]
    assert texts(gateway) == []


def test_a_reporter_who_chose_whatsapp_gets_every_step_there_and_no_e_mail(
    cast: Cast, smtp_server: Inbox, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = reported(
        django_capture_on_commit_callbacks,
        email="warga@example.test",
        phone="081234567890",
        notify_by="phone",
        phone_channel="whatsapp",
    )

    work_on(complaint, cast, django_capture_on_commit_callbacks, resolve=True)

    sent = texts(gateway)
    assert {t["to"] for t in sent} == {"081234567890"}
    assert {t["channel"] for t in sent} == {"whatsapp"}
    assert any("Lubang sudah diukur" in t["text"] for t in sent)
    # The resolved message says how to answer it by text.
    assert f"YA {complaint.ticket}" in sent[-1]["text"]
    assert f"BUKA {complaint.ticket}" in sent[-1]["text"]
    assert to(smtp_server) == []


def test_both_channels_when_the_reporter_asks_for_both(
    cast: Cast, smtp_server: Inbox, gateway: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = reported(
        django_capture_on_commit_callbacks,
        email="warga@example.test",
        phone="081234567890",
        notify_by="both",
        phone_channel="sms",
    )

    work_on(complaint, cast, django_capture_on_commit_callbacks)

    assert len(to(smtp_server)) == 3  # received, accepted, progress
    assert [t["channel"] for t in texts(gateway)] == ["sms", "sms", "sms"]


def test_a_channel_chosen_without_its_address_is_refused_on_the_form(
    client: Client, city: None
) -> None:
    response = client.post(
        "/lapor",
        {
            "text": "Jalan berlubang besar di depan sekolah.",
            "category": "jalan-rusak",
            "lat": "-7.960",
            "lon": "112.614",
            "notify_by": "phone",
            "email": "warga@example.test",
        },
    )

    assert response.status_code == 400
    assert "Give your phone number to receive news by SMS or WhatsApp." in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_form_stores_the_choice_and_defaults_to_e_mail_else_the_phone(
    client: Client, city: None
) -> None:
    base = {
        "text": "Jalan berlubang besar di depan sekolah.",
        "category": "jalan-rusak",
        "lat": "-7.960",
        "lon": "112.614",
    }
    client.post("/lapor", {**base, "phone": "081234567890", "phone_channel": "sms"})
    client.post("/lapor", {**base, "text": base["text"] + " Dua.", "email": "a@example.test"})

    by_phone, by_email = Complaint.objects.order_by("created_at", "id")
    assert (by_phone.notify_by, by_phone.phone_channel) == ("phone", "sms")
    assert by_email.notify_by == "email"


def test_a_signed_in_citizen_also_gets_in_app_notices_with_an_unread_count(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(reporter=cast.citizen)
    work_on(complaint, cast, django_capture_on_commit_callbacks)
    client.force_login(cast.citizen)

    mine = client.get("/laporan-saya").content.decode()
    notices = client.get("/laporan-saya/pemberitahuan").content.decode()
    again = client.get("/laporan-saya").content.decode()

    assert Notice.objects.filter(user=cast.citizen).count() == 3
    assert 'id="nav-unread">3' in mine
    assert "Lubang sudah diukur, aspal dipesan." in notices
    assert 'id="nav-unread"' not in again  # opening the page read them


def resolution_link(message: Any) -> str:
    found = re.search(r"https?://\S+\?konfirmasi=\S+", body_of(message))
    assert found, body_of(message)
    return found.group(0).split("8000", 1)[1]


def test_the_resolved_e_mail_carries_a_link_that_confirms_and_rates(
    cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a resolved complaint and the e-mail saying so
    complaint = reported(django_capture_on_commit_callbacks, email="warga@example.test")
    work_on(complaint, cast, django_capture_on_commit_callbacks, resolve=True)
    resolved = to(smtp_server)[-1]
    assert "Is it fixed?" in body_of(resolved)
    link = resolution_link(resolved)

    # when: the reporter opens the link in another browser and confirms with a rating
    browser = Client()
    page = browser.get(link, follow=True).content.decode()
    browser.post(
        f"/lacak/{complaint.ticket}/confirm", {"rating": "5", "comment": "Cepat, terima kasih"}
    )

    # then
    assert "The agency says it is fixed. Is it?" in page
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.rating == 5


def test_the_link_reopens_but_opens_nothing_else(
    cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = reported(django_capture_on_commit_callbacks, email="warga@example.test")
    work_on(complaint, cast, django_capture_on_commit_callbacks, resolve=True)
    browser = Client()
    browser.get(resolution_link(to(smtp_server)[-1]))

    privacy = browser.post(f"/lacak/{complaint.ticket}/privacy", {"privacy": "confidential"})
    browser.post(f"/lacak/{complaint.ticket}/reopen", {"reason": "Masih berlubang di tepi."})

    assert privacy.status_code == 403
    complaint.refresh_from_db()
    assert complaint.privacy == "public"
    assert complaint.status == Status.ASSIGNED  # reopened, and back with the agency


def test_the_link_dies_when_it_expires_or_the_address_changes(
    cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = reported(django_capture_on_commit_callbacks, email="warga@example.test")
    work_on(complaint, cast, django_capture_on_commit_callbacks, resolve=True)
    token = resolution_link(to(smtp_server)[-1]).split("konfirmasi=", 1)[1]
    complaint.refresh_from_db()
    assert services.may_answer_resolution(complaint, token)

    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        expired = services.may_answer_resolution(complaint, token)
    forged = services.may_answer_resolution(complaint, token[:-2] + "xx")
    Complaint.objects.filter(pk=complaint.pk).update(reporter_email="baru@example.test")
    complaint.refresh_from_db()

    assert not expired
    assert not forged
    assert not services.may_answer_resolution(complaint, token)


def test_without_a_gateway_a_reporter_who_chose_the_phone_gets_e_mail_instead(
    cast: Cast, settings: Any, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GATEWAY_SEND_URL = ""
    complaint = reported(
        django_capture_on_commit_callbacks,
        email="warga@example.test",
        phone="081234567890",
        notify_by="phone",
    )

    work_on(complaint, cast, django_capture_on_commit_callbacks)

    assert len(to(smtp_server)) == 3
    assert not OutboxMessage.objects.filter(channel="gateway").exists()


def test_a_long_progress_note_is_plain_text_in_the_e_mail_and_cut_with_a_link_in_the_sms(
    cast: Cast,
    smtp_server: Inbox,
    gateway: Receiver,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: a reporter who wants news by e-mail and SMS
    capture = django_capture_on_commit_callbacks
    complaint = reported(
        capture,
        email="warga@example.test",
        phone="081234567890",
        notify_by="both",
        phone_channel="sms",
    )
    note = '<a href="https://tipu.example/">Klik di sini</a> <script>alert(1)</script> ' + (
        "Aspal dipesan, tim menunggu cuaca cerah. " * 30
    )

    # when: the officer writes a long progress note with markup in it
    with capture(execute=True):
        services.accept_complaint(complaint, cast.pupr_staff)
        services.add_progress_note(complaint, cast.pupr_staff, note)

    # then: the e-mail is plain text only (no HTML part a mail program would render)
    mail = next(m for m in to(smtp_server) if "news from" in m["Subject"])
    assert not mail.is_multipart()
    assert mail.get_content_type() == "text/plain"
    assert note.strip() in body_of(mail)
    # and the SMS is short, cut, and ends with the address of the whole note
    sms = texts(gateway)[-1]["text"]
    assert len(sms) <= 480
    assert sms.startswith(f"SAMBAT {complaint.ticket}")
    assert sms.endswith(f"{settings.SITE_URL}/lacak/{complaint.ticket}")
    assert "…" in sms
