""" "Saya juga" cannot be inflated: once per complaint per browser (its cookie) and per address
each day; signed-in citizens once per account; operators hear of many supporters from one
address; nothing stored names an address.

The attack replayed: 100 posts without cookies raised a public supporter count from 0 to 100.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from balaikota.complaints import supporters
from balaikota.complaints.models import Complaint, Support
from balaikota.core.models import RateCounter, Role
from balaikota.notifications.models import Notice
from tests.conftest import Cast, make_user, submit

JSON = {"accept": "application/json"}


@pytest.fixture
def complaint(cast: Cast) -> Complaint:
    complaint = submit(text="Lampu jalan mati sepanjang Jalan Bendungan Sutami, gelap sekali.")
    assert complaint.published
    return complaint


def url(complaint: Complaint) -> str:
    return reverse("complaints:support", args=[complaint.ticket])


def supporters_of(complaint: Complaint) -> int:
    complaint.refresh_from_db()
    return complaint.supporters


def test_a_cookieless_flood_from_one_address_counts_once(
    complaint: Complaint, settings: Any
) -> None:
    settings.RATE_LIMIT_SUPPORTS = (1000, 3600)
    # when: 100 posts, each from a fresh client without cookies
    answers = [
        Client(REMOTE_ADDR="203.0.113.7").post(url(complaint), headers=JSON).json()
        for _ in range(100)
    ]
    # then: one counted, and the public page says 1
    assert [a["counted"] for a in answers].count(True) == 1
    assert supporters_of(complaint) == 1
    page = Client().get(reverse("complaints:track", args=[complaint.ticket])).content.decode()
    assert 'id="supporters">1<' in page


def test_a_browser_counts_once_and_keeps_its_cookie(complaint: Complaint) -> None:
    browser = Client(REMOTE_ADDR="203.0.113.8")
    first = browser.post(url(complaint), headers=JSON)
    again = browser.post(url(complaint), headers=JSON)

    assert (first.json()["counted"], again.json()["counted"]) == (True, False)
    cookie = first.cookies[supporters.COOKIE]
    assert cookie["httponly"]
    assert cookie["max-age"] == supporters.COOKIE_DAYS * 86400
    assert supporters_of(complaint) == 1


def test_another_browser_at_the_same_address_waits_for_tomorrow(
    complaint: Complaint,
) -> None:
    Client(REMOTE_ADDR="203.0.113.9").post(url(complaint))
    same_address = Client(REMOTE_ADDR="203.0.113.9").post(url(complaint), headers=JSON)
    elsewhere = Client(REMOTE_ADDR="198.51.100.9").post(url(complaint), headers=JSON)

    assert same_address.json()["counted"] is False
    assert elsewhere.json()["counted"] is True
    assert supporters_of(complaint) == 2


def test_nothing_stored_names_the_address_or_the_browser(complaint: Complaint) -> None:
    browser = Client(REMOTE_ADDR="203.0.113.10")
    answer = browser.post(url(complaint), headers=JSON)
    cookie = answer.cookies[supporters.COOKIE].value

    stored = " ".join(
        [
            *Support.objects.values_list("supporter_key", flat=True),
            *RateCounter.objects.values_list("bucket", flat=True),
        ]
    )
    assert "203.0.113" not in stored
    assert cookie not in stored


def test_the_support_posts_of_one_address_are_rate_limited(
    complaint: Complaint, settings: Any
) -> None:
    settings.RATE_LIMIT_SUPPORTS = (3, 3600)
    answers = [Client(REMOTE_ADDR="203.0.113.11").post(url(complaint)) for _ in range(4)]

    assert [a.status_code for a in answers[:3]] == [302, 302, 302]
    assert answers[3].status_code == 429
    assert 0 < int(answers[3]["Retry-After"]) <= 3600
    assert "Try again in" in answers[3].content.decode()
    refused = Client(REMOTE_ADDR="203.0.113.11").post(url(complaint), headers=JSON)
    assert refused.status_code == 429
    assert "Try again in" in refused.json()["detail"]


def test_many_accounts_from_one_address_tell_the_operators(
    cast: Cast, complaint: Complaint, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SUPPORT_NOTICE_SUPPORTERS = 5
    # given: accounts made up for the purpose, all behind one address
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            person = Client(REMOTE_ADDR="203.0.113.12")
            person.force_login(make_user(f"warga{n}", Role.CITIZEN))
            person.post(url(complaint))

    # then: each account counts (families share addresses), and the operator hears once
    assert supporters_of(complaint) == 6
    notices = Notice.objects.filter(user=cast.operator)
    assert notices.count() == 1
    notice = notices.get()
    assert complaint.ticket in notice.title
    assert "5 supporters from one address" in notice.title
    assert notice.link == reverse("complaints:staff_detail", args=[complaint.ticket])


def test_supporters_from_many_addresses_tell_nobody(
    cast: Cast, complaint: Complaint, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SUPPORT_NOTICE_SUPPORTERS = 3
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            Client(REMOTE_ADDR=f"198.51.100.{n + 20}").post(url(complaint))

    assert supporters_of(complaint) == 5
    assert not Notice.objects.filter(title__contains="supporters from one address").exists()
