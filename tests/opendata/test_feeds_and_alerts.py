"""Atom feeds per area and category; e-mail alerts for an area, confirmed and ended by the
citizen, sent over real SMTP."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from django.test import Client

from balaikota.opendata.models import Subscription
from tests.conftest import KLOJEN, SUMBERSARI, submit
from tests.peers import Inbox

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [e.findtext(f"{ATOM}title", "") for e in root.findall(f"{ATOM}entry")]


def test_feeds_list_the_complaints_of_their_area_and_category(client: Client, city: None) -> None:
    road = submit()
    rubbish = submit(
        "Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah", at=KLOJEN
    )

    lowokwaru = entries(client, "/feed/kecamatan/35.73.05")
    sumbersari = entries(client, "/feed/kelurahan/35.73.05.1005")
    rubbish_feed = entries(client, "/feed/kategori/sampah")

    assert [t.split(" · ")[0] for t in lowokwaru] == [road.ticket]
    assert [t.split(" · ")[0] for t in sumbersari] == [road.ticket]
    assert [t.split(" · ")[0] for t in rubbish_feed] == [rubbish.ticket]


def test_an_unknown_area_has_no_feed(client: Client, city: None) -> None:
    assert client.get("/feed/kelurahan/99.99").status_code == 404


def confirm_link(message: Any) -> str:
    text = message.get_payload(decode=True).decode()
    return re.search(r"https?://\S+/langganan/konfirmasi/\S+", text).group(0)  # type: ignore[union-attr]


def test_an_alert_is_confirmed_sent_for_a_new_complaint_and_ended_with_one_click(
    client: Client, city: None, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a citizen asks for alerts in Sumbersari and confirms from the e-mail
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/langganan", {"email": "warga@example.test", "kelurahan": "35.73.05.1005"})
    assert len(smtp_server.messages) == 1
    link = confirm_link(smtp_server.messages[0]).split("8000", 1)[1]
    # Opening the link (as a mail scanner does) confirms nothing; the button does.
    assert client.get(link).status_code == 200
    assert not Subscription.objects.get().is_active
    client.post(link)
    assert Subscription.objects.get().is_active

    # when: complaints are made there and elsewhere
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit()
        submit("Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah", at=KLOJEN)

    # then: one alert, with a one-click unsubscribe header
    alerts = smtp_server.messages[1:]
    assert len(alerts) == 1
    assert "Sumbersari" in alerts[0]["Subject"]
    assert complaint.ticket in alerts[0].get_payload(decode=True).decode()
    unsubscribe = alerts[0]["List-Unsubscribe"].strip("<>")
    assert alerts[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # when: the mail program posts the one-click unsubscribe
    client.post(unsubscribe.split("8000", 1)[1], {"List-Unsubscribe": "One-Click"})
    with django_capture_on_commit_callbacks(execute=True):
        submit("Jalan retak panjang di dekat kampus, bahaya untuk motor.")

    # then: nothing more is sent
    assert len(smtp_server.messages) == 2


def test_an_unconfirmed_alert_sends_nothing(
    client: Client, city: None, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/langganan", {"email": "warga@example.test", "kelurahan": "35.73.05.1005"})
        submit()

    assert len(smtp_server.messages) == 1  # the confirmation only


def test_a_circle_alert_matches_by_distance(
    city: None, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    from balaikota.opendata import services

    near = services.subscribe(
        "dekat@example.test", point=(SUMBERSARI[0] + 0.002, SUMBERSARI[1]), radius_m=300
    )
    far = services.subscribe(
        "jauh@example.test", point=(SUMBERSARI[0] + 0.01, SUMBERSARI[1]), radius_m=300
    )
    Subscription.objects.update(confirmed_at="2026-01-01T00:00:00Z")

    matched = services.subscribers_for(submit())

    assert [s.pk for s in matched] == [near.pk]
    assert far.pk not in [s.pk for s in matched]


def test_subscribing_needs_an_area_inside_the_city(client: Client, city: None) -> None:
    nothing = client.post("/langganan", {"email": "warga@example.test"})
    outside = client.post(
        "/langganan", {"email": "warga@example.test", "lat": "-7.80", "lon": "112.40"}
    )

    assert nothing.status_code == outside.status_code == 400
    assert not Subscription.objects.exists()


def test_the_subscription_form_cannot_flood_one_address(client: Client, city: None) -> None:
    for _ in range(4):
        response = client.post(
            "/langganan", {"email": "korban@example.test", "kelurahan": "35.73.05.1005"}
        )

    assert response.status_code == 400
    assert Subscription.objects.count() == 3
