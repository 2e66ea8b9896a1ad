"""The reporter answers a question three ways: on the private link, by replying to the
question's e-mail (through the inbound-mail webhook), or by SMS/WhatsApp "BALAS"."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from django.test import Client

from balaikota.complaints import intake, replies, services
from balaikota.complaints.models import Channel, Complaint, Status
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, jpeg, submit
from tests.peers import Inbox, Receiver, smtp_server, unused_port, webhook_receiver

__all__ = ["smtp_server", "unused_port", "webhook_receiver"]

QUESTION = "Di sisi mana lubangnya, dekat gerbang atau dekat kantin?"
SECRET = "rahasia-surel-masuk"
DOMAIN = "balas.malangkota.test"
PHONE = "+6281234567890"


def asked(cast: Cast, **contact: str) -> tuple[Complaint, str]:
    complaint = submit(contact=intake.Contact(**(contact or {"email": "warga@example.test"})))
    event = services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    return complaint, replies.token_for(event.pk)


# --- The private link ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_answer_link_shows_the_question_and_takes_the_answer_with_a_photo(
    cast: Cast, client: Client
) -> None:
    complaint, token = asked(cast)

    page = client.get(f"/lacak/{complaint.ticket}?jawab={token}", follow=True)
    html = page.content.decode()
    assert QUESTION in html
    assert 'id="answer-text"' in html
    assert "jawab=" not in page.redirect_chain[-1][0]  # the token left the address bar

    client.post(
        f"/lacak/{complaint.ticket}/answer",
        {"answer": "Dekat gerbang.", "photos": [jpeg("a.jpg")]},
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.events.get(action="answer").photo is not None


@pytest.mark.django_db
def test_a_stranger_sees_no_answer_form_and_cannot_answer(cast: Cast, client: Client) -> None:
    complaint, _token = asked(cast)
    page = client.get(f"/lacak/{complaint.ticket}").content.decode()
    assert 'id="answer-text"' not in page
    assert 'id="waiting-note"' in page
    response = client.post(f"/lacak/{complaint.ticket}/answer", {"answer": "Saya bukan pelapor."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING


@pytest.mark.django_db
def test_a_forged_token_proves_nothing(cast: Cast, client: Client) -> None:
    complaint, token = asked(cast)
    forged = token.split("-")[0] + "-aaaaaaaaaaaaaaaa"
    client.get(f"/lacak/{complaint.ticket}?jawab={forged}")
    client.post(f"/lacak/{complaint.ticket}/answer", {"answer": "Dekat gerbang."})
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING


@pytest.mark.django_db
def test_a_refused_answer_keeps_the_text_typed(cast: Cast, client: Client) -> None:
    complaint, token = asked(cast)
    client.get(f"/lacak/{complaint.ticket}?jawab={token}")
    response = client.post(
        f"/lacak/{complaint.ticket}/answer",
        {
            "answer": "Dekat gerbang.",
            "photos": [jpeg("1.jpg"), jpeg("2.jpg"), jpeg("3.jpg"), jpeg("4.jpg")],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "At most 3 photos per answer." in html
    assert ">Dekat gerbang.</textarea>" in html
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING


# --- By e-mail -------------------------------------------------------------------------------


def test_quoted_history_and_signatures_are_cut_from_a_reply() -> None:
    reply = (
        "Dekat gerbang, sebelah kiri.\n\nTerima kasih\n\n"
        "Pada tanggal Kam, 3 Des 2026 pukul 10.00 Balaikota <noreply@malangkota.test>\n"
        "menulis:\n> Di sisi mana lubangnya?\n> Jawab di halaman ini"
    )
    assert replies.strip_quoted(reply) == "Dekat gerbang, sebelah kiri.\n\nTerima kasih"
    assert replies.strip_quoted("Ya.\n-- \nBudi\n0812") == "Ya."
    assert replies.strip_quoted("Ya.\nOn Thu, Dec 3, 2026 Balaikota wrote:\n> old") == "Ya."


def test_the_reply_address_carries_a_token_that_survives_lower_casing(settings: Any) -> None:
    settings.REPLY_EMAIL_DOMAIN = DOMAIN
    address = replies.reply_address(42)
    token = replies.token_in(f"Balaikota <{address.upper()}>")
    assert replies.question_of(token) == 42
    assert replies.question_of("42-" + "a" * 16) is None


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _post(url: str, body: bytes, content_type: str, secret: str = SECRET) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Authorization": f"Bearer {secret}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.django_db(transaction=True)
def test_a_reply_to_the_question_email_reaches_the_complaint_over_http(
    live_server: Any, cast: Cast, settings: Any, smtp_server: Inbox
) -> None:
    # given a question mailed to the reporter with its reply address
    settings.REPLY_EMAIL_DOMAIN = DOMAIN
    settings.INBOUND_EMAIL_SECRET = SECRET
    complaint, token = asked(cast)
    question_mail = next(
        m
        for m in smtp_server.messages
        if m["To"] == "warga@example.test" and "question" in m["Subject"]
    )
    reply_to = question_mail["Reply-To"]
    assert reply_to == f"balas+{token}@{DOMAIN}"
    # when the inbound-parse service posts the reporter's reply (SendGrid's shape)
    body, kind = _multipart(
        {
            "to": f"SAMBAT <{reply_to}>",
            "from": "Warga <warga@example.test>",
            "subject": f"Re: {question_mail['Subject']}",
            "text": "Dekat kantin.\n\nOn Thu, 3 Dec 2026 Balaikota wrote:\n> " + QUESTION,
        },
        {"attachment1": ("kantin.jpg", jpeg().read())},
    )
    status, answer = _post(f"{live_server.url}/surel/masuk", body, kind)
    # then the answer is on the complaint, with its photo, and the clock runs again
    assert (status, answer) == (200, {"ok": True, "ticket": complaint.ticket})
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.clock_paused_at is None
    event = complaint.events.get(action="answer")
    assert event.note == "Dekat kantin."
    assert event.photo is not None


@pytest.mark.django_db(transaction=True)
def test_the_inbound_mail_webhook_refuses_a_wrong_secret_and_mail_for_no_question(
    live_server: Any, cast: Cast, settings: Any
) -> None:
    settings.INBOUND_EMAIL_SECRET = SECRET
    complaint, token = asked(cast)
    postmark = json.dumps(
        {"To": f"balas+{token}@{DOMAIN}", "TextBody": "Dekat kantin.", "Attachments": []}
    ).encode()
    url = f"{live_server.url}/surel/masuk"

    assert _post(url, postmark, "application/json", secret="salah")[0] == 403
    stray = json.dumps({"To": "info@malangkota.test", "TextBody": "Halo"}).encode()
    status, answer = _post(url, stray, "application/json")
    assert status == 200
    assert answer["ok"] is False
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING
    # Postmark's JSON shape is taken too.
    status, answer = _post(url, postmark, "application/json")
    assert answer == {"ok": True, "ticket": complaint.ticket}


@pytest.mark.django_db(transaction=True)
def test_a_late_reply_by_email_is_not_added_and_the_reporter_is_told_what_to_do(
    live_server: Any, cast: Cast, settings: Any, smtp_server: Inbox
) -> None:
    # given a question the reporter already answered on the page, and the agency resolved
    settings.INBOUND_EMAIL_SECRET = SECRET
    complaint, token = asked(cast)
    services.answer_question(complaint, text="Dekat gerbang.")
    services.accept_complaint(complaint, cast.pupr_staff)
    services.resolve_complaint(complaint, cast.pupr_staff, "Sudah ditambal.", jpeg())
    late = json.dumps(
        {"To": f"balas+{token}@{DOMAIN}", "From": "warga@example.test", "TextBody": "Kantin."}
    ).encode()

    # when the reporter's reply to the old question's e-mail arrives
    status, answer = _post(f"{live_server.url}/surel/masuk", late, "application/json")

    # then it is not added, and the reporter gets a polite e-mail saying how to reopen it
    assert status == 200
    assert answer["ok"] is False
    assert complaint.events.filter(action="answer").count() == 1
    told = [m for m in smtp_server.messages if "was not added" in m["Subject"]]
    assert [m["To"] for m in told] == ["warga@example.test"]
    body = told[0].get_payload(decode=True).decode()
    assert "Thank you for your message" in body
    assert "reopen it with the link below" in body
    assert f"/lacak/{complaint.ticket}?konfirmasi=" in body

    # and once the complaint is closed, a reply is answered with how to start again
    services.confirm_resolution(complaint)
    _post(f"{live_server.url}/surel/masuk", late, "application/json")
    told = [m for m in smtp_server.messages if "was not added" in m["Subject"]]
    assert len(told) == 2
    assert "please send a new complaint" in told[1].get_payload(decode=True).decode()


# --- By SMS / WhatsApp -----------------------------------------------------------------------


def _text(client: Client, sender: str, text: str) -> str:
    response = client.post(
        "/gateway/pesan",
        json.dumps({"from": sender, "text": text, "channel": "sms"}),
        content_type="application/json",
        headers={"Authorization": "Bearer rahasia-gateway"},
    )
    assert response.status_code == 200
    return str(response.json()["reply"])


@pytest.mark.django_db
def test_balas_from_the_reporters_own_number_answers_the_question(
    cast: Cast, client: Client, settings: Any, webhook_receiver: Receiver
) -> None:
    settings.GATEWAY_SECRET = "rahasia-gateway"
    settings.GATEWAY_SEND_URL = webhook_receiver.url
    complaint = submit(contact=intake.Contact(phone=PHONE), channel=Channel.SMS)
    services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    question = OutboxMessage.objects.get(address=PHONE, event="complaint.question")
    assert QUESTION in question.body

    stranger = _text(client, "+6285555555555", f"BALAS {complaint.ticket} Dekat gerbang.")
    assert "No complaint from this number" in stranger
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING

    reply = _text(client, "081234567890", f"balas {complaint.ticket.lower()} Dekat gerbang.")
    assert "your answer" in reply
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.events.get(action="answer").note == "Dekat gerbang."


# --- Mail sent by a machine ------------------------------------------------------------------


def test_mail_marked_as_sent_by_a_machine_is_told_apart_in_each_services_shape() -> None:
    out_of_office = "Auto-Submitted: auto-replied\r\nSubject: Cuti\r\n"
    assert replies.is_automatic(replies.mail_headers({"headers": out_of_office}))  # SendGrid
    assert replies.is_automatic(  # Postmark
        replies.mail_headers({"Headers": [{"Name": "Auto-Submitted", "Value": "auto-generated"}]})
    )
    assert replies.is_automatic(  # Mailgun
        replies.mail_headers({"message-headers": json.dumps([["Precedence", "bulk"]])})
    )
    assert replies.is_automatic({"X-Autoreply": "yes"})
    # a person's own reply, even one that says so explicitly
    assert not replies.is_automatic(replies.mail_headers({"headers": "Auto-Submitted: no\r\n"}))
    assert not replies.is_automatic(replies.mail_headers({"Headers": []}))
    assert not replies.is_automatic(replies.mail_headers({"message-headers": "not json"}))


@pytest.mark.django_db(transaction=True)
def test_an_out_of_office_reply_is_no_answer_and_gets_none(
    live_server: Any, cast: Cast, settings: Any, smtp_server: Inbox
) -> None:
    settings.INBOUND_EMAIL_SECRET = SECRET
    complaint, token = asked(cast)
    sent_before = len(smtp_server.messages)
    away = json.dumps(
        {
            "To": f"balas+{token}@{DOMAIN}",
            "From": "warga@example.test",
            "TextBody": "Saya sedang cuti sampai 10 Desember.",
            "Headers": [{"Name": "Auto-Submitted", "Value": "auto-replied"}],
        }
    ).encode()

    status, answer = _post(f"{live_server.url}/surel/masuk", away, "application/json")

    assert status == 200
    assert answer["ok"] is False
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING  # still waits for the reporter's own answer
    assert not complaint.events.filter(action="answer").exists()
    # and once the question is answered, a late out-of-office mail is not answered either
    services.answer_question(complaint, text="Dekat gerbang.")
    _post(f"{live_server.url}/surel/masuk", away, "application/json")
    assert not OutboxMessage.objects.filter(event="complaint.late_answer").exists()
    assert not [m for m in smtp_server.messages[sent_before:] if "was not added" in m["Subject"]]


@pytest.mark.django_db(transaction=True)
def test_repeated_late_replies_get_one_answer_marked_as_automatic(
    live_server: Any, cast: Cast, settings: Any, smtp_server: Inbox
) -> None:
    settings.INBOUND_EMAIL_SECRET = SECRET
    complaint, token = asked(cast)
    services.answer_question(complaint, text="Dekat gerbang.")
    late = json.dumps(
        {"To": f"balas+{token}@{DOMAIN}", "From": "warga@example.test", "TextBody": "Kantin."}
    ).encode()

    for _ in range(5):
        status, answer = _post(f"{live_server.url}/surel/masuk", late, "application/json")
        assert (status, answer["ok"]) == (200, False)

    told = [m for m in smtp_server.messages if "was not added" in m["Subject"]]
    assert [m["To"] for m in told] == ["warga@example.test"]
    assert told[0]["Auto-Submitted"] == "auto-replied"
