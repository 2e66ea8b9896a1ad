"""Anyone follows a published complaint by e-mail: confirmed from the e-mail, told of every
public change (public text only), stopped with one click; supporters are asked; the
addresses are personal data (export, erasure, retention). Real SMTP on localhost."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from balaikota.complaints import services
from balaikota.complaints.models import Complaint, Follower
from balaikota.privacy import retention
from balaikota.privacy import services as privacy
from tests.conftest import Cast, jpeg, submit
from tests.peers import Inbox, smtp_server

__all__ = ["smtp_server"]

REPORTER = {"name": "Budi Santoso", "phone": "081299998888", "email": "budi@example.test"}


def to(inbox: Inbox, address: str) -> list[Any]:
    return [m for m in inbox.messages if m["To"] == address]


def body_of(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


def path_in(message: Any, pattern: str) -> str:
    found = re.search(rf"https?://\S+{pattern}\S+", body_of(message))
    assert found, body_of(message)
    return found.group(0).split("8000", 1)[1]


def a_complaint(capture: Any) -> Complaint:
    from balaikota.complaints import intake

    with capture(execute=True):
        return submit(contact=intake.Contact(**REPORTER, notify_by="phone"))


def follow(client: Client, complaint: Complaint, email: str, inbox: Inbox, capture: Any) -> str:
    """Follow and confirm from the e-mail; returns the confirmation path."""
    with capture(execute=True):
        response = client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": email})
    assert response.status_code == 200
    link = path_in(to(inbox, email)[-1], "/ikuti/konfirmasi/")
    assert client.get(link).status_code == 200
    client.post(link)
    return link


def test_a_confirmed_follower_hears_of_every_public_step_and_stops_with_one_click(
    cast: Cast, client: Client, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    complaint = a_complaint(capture)

    # given: a neighbour follows it and confirms from the e-mail
    with capture(execute=True):
        client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": "tetangga@example.test"})
    [confirmation] = to(smtp_server, "tetangga@example.test")
    link = path_in(confirmation, "/ikuti/konfirmasi/")
    client.get(link)  # a mail scanner opening the link confirms nothing
    assert not Follower.objects.get().is_active
    client.post(link)
    assert Follower.objects.get().is_active

    # when: the agency accepts it and writes a note
    with capture(execute=True):
        services.accept_complaint(complaint, cast.pupr_staff, "Dikerjakan minggu ini.")
        services.add_progress_note(complaint, cast.pupr_staff, "Aspal sudah dipesan.")

    # then: one e-mail each, with the public text only and a one-click unsubscribe
    news = to(smtp_server, "tetangga@example.test")[1:]
    assert len(news) == 2
    assert "Aspal sudah dipesan." in body_of(news[1])
    for message in news:
        text = body_of(message) + message["Subject"]
        for personal in REPORTER.values():
            assert personal not in text
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = news[0]["List-Unsubscribe"].strip("<>").split("8000", 1)[1]

    # when: the mail program posts the one-click unsubscribe, without a session or CSRF
    Client(enforce_csrf_checks=True).post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    with capture(execute=True):
        services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", jpeg("after.jpg"))

    # then: nothing more is sent
    assert len(to(smtp_server, "tetangga@example.test")) == 3


def test_an_unconfirmed_follower_gets_nothing_but_the_confirmation(
    cast: Cast, client: Client, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = a_complaint(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": "tetangga@example.test"})
        services.accept_complaint(complaint, cast.pupr_staff, "Dikerjakan.")

    assert len(to(smtp_server, "tetangga@example.test")) == 1


def test_following_ends_with_the_complaint(
    cast: Cast, client: Client, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    complaint = a_complaint(capture)
    follow(client, complaint, "tetangga@example.test", smtp_server, capture)

    with capture(execute=True):
        services.accept_complaint(complaint, cast.pupr_staff, "")
        services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", jpeg("after.jpg"))
        services.confirm_resolution(complaint, rating=4)

    last = to(smtp_server, "tetangga@example.test")[-1]
    assert "this is the last e-mail" in body_of(last)
    assert not Follower.objects.get().is_active


def test_a_confidential_complaint_cannot_be_followed(
    client: Client, city: None, smtp_server: Inbox
) -> None:
    complaint = submit(privacy="confidential")

    response = client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": "x@example.test"})

    assert response.status_code == 404
    assert not Follower.objects.exists()


def test_a_bad_address_is_refused_clearly_and_the_form_cannot_flood_a_mailbox(
    client: Client, city: None, smtp_server: Inbox
) -> None:
    complaint = submit()
    bad = client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": "bukan-alamat"})
    for _ in range(4):
        last = client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": "korban@example.test"})

    assert bad.status_code == 400
    assert "Enter a valid email address." in bad.content.decode()
    assert last.status_code in {400, 429}
    assert Follower.objects.count() == 3


def test_a_supporter_is_asked_whether_to_follow(client: Client, city: None) -> None:
    complaint = submit()

    response = client.post(f"/lacak/{complaint.ticket}/dukung", follow=True)

    page = response.content.decode()
    assert 'id="follow-invitation"' in page
    assert f'action="/lacak/{complaint.ticket}/ikuti"' in page
    # Asked once: the next visit shows the form without the question.
    assert 'id="follow-invitation"' not in client.get(f"/lacak/{complaint.ticket}").content.decode()


def test_followers_addresses_are_exported_erased_and_purged(
    cast: Cast, client: Client, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    complaint = a_complaint(capture)
    follow(client, complaint, "tetangga@example.test", smtp_server, capture)
    with capture(execute=True):
        client.post(f"/lacak/{complaint.ticket}/ikuti", {"email": "lupa@example.test"})

    exported = privacy.export_personal_data(email="tetangga@example.test")
    erased = privacy.erase(email="tetangga@example.test")
    Follower.objects.update(created_at="2020-01-01T00:00:00Z")
    purged = retention.purge_personal_data()

    assert exported["following"][0]["complaint"] == complaint.ticket
    assert erased.following == 1
    assert purged.following == 1  # the one never confirmed
    assert not Follower.objects.exists()
