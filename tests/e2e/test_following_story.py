"""A neighbour follows a complaint from its public page on a phone (390 px): asks, confirms
with the link from the e-mail, receives the agency's next step, and stops with one click.
The e-mail goes through a real SMTP server on localhost; every page is checked for
sideways scrolling and with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from balaikota.complaints import intake, services
from balaikota.complaints.models import Follower
from tests.conftest import Cast, submit
from tests.e2e.conftest import PHONE, axe_violations
from tests.peers import Inbox, smtp_server

__all__ = ["smtp_server"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEIGHBOUR = "tetangga@example.test"


def check(page: Page) -> None:
    """Nothing wider than the phone, no serious or critical accessibility violation."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert axe_violations(page) == [], page.url


def mails_to(inbox: Inbox, address: str) -> list[Any]:
    return [m for m in inbox.messages if m["To"] == address]


def link_in(message: Any, pattern: str) -> str:
    text = message.get_payload(decode=True).decode()
    found = re.search(rf"https?://[^/\s]+({pattern}\S+)", text)
    assert found, text
    return found.group(1)


def test_a_neighbour_follows_confirms_hears_and_unsubscribes(
    new_page: Callable[..., Page],
    cast: Cast,
    smtp_server: Inbox,
) -> None:
    complaint = submit(contact=intake.Contact(name="Budi", email="budi@example.test"))
    phone = new_page(phone=True)

    # The neighbour asks to follow from the complaint's public page.
    phone.goto(f"/lacak/{complaint.ticket}")
    check(phone)
    phone.fill("#follow-email", NEIGHBOUR)
    phone.click("#follow-button")
    expect(phone.locator("#follow-page")).to_have_attribute("data-state", "asked")
    check(phone)

    # The confirmation e-mail's link, opened on the phone; the button confirms.
    [confirmation] = mails_to(smtp_server, NEIGHBOUR)
    phone.goto(link_in(confirmation, "/ikuti/konfirmasi/"))
    check(phone)
    phone.click("#follow-confirm")
    expect(phone.locator("#follow-page")).to_have_attribute("data-state", "confirmed")
    assert Follower.objects.get().is_active

    # The agency takes the next step: the neighbour receives it, without the reporter's data.
    services.accept_complaint(complaint, cast.pupr_staff, "Tim berangkat besok pagi.")
    news = mails_to(smtp_server, NEIGHBOUR)[1:]
    assert len(news) == 1
    body = news[0].get_payload(decode=True).decode()
    assert "Tim berangkat besok pagi." in body
    assert "Budi" not in body
    assert "budi@example.test" not in body
    assert news[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # One click on the page the e-mail links to stops it.
    phone.goto(link_in(news[0], "/ikuti/berhenti/"))
    check(phone)
    phone.click("#follow-stop")
    expect(phone.locator("#follow-page")).to_have_attribute("data-state", "ended")
    check(phone)

    services.add_progress_note(complaint, cast.pupr_staff, "Aspal sudah dipesan.")
    assert len(mails_to(smtp_server, NEIGHBOUR)) == 2
