"""A citizen's account in a real browser, on a 390 px phone: a report sent without an
account, with a phone number; signing up with that number and the code the gateway was
given (read from the outbox); the earlier report in "Laporan saya" on a second device.

Each page on the way is checked as tests/e2e/test_no_console_errors.py checks pages: no
console error, no sideways scroll, no serious or critical axe-core violation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from balaikota.accounts import citizens
from balaikota.accounts.management.commands.citizen_code import newest_code
from balaikota.complaints.models import Complaint
from balaikota.core.models import Role
from tests.conftest import Cast
from tests.e2e.conftest import SHOTS
from tests.e2e.test_no_console_errors import Watcher, phone  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "0812-3456-7890"


def _code_for(number: str) -> str:
    code = newest_code(citizens.parse(number))
    assert code is not None, "the gateway was given no code"
    return code


def _sign_up(watcher: Watcher, number: str) -> None:
    page = watcher.page
    watcher.visit("/masuk/")
    page.screenshot(path=SHOTS / "masuk.png", full_page=True)
    page.click("#citizen-login-link")
    page.wait_for_url(re.compile(r"/akun/warga/masuk/$"))
    watcher.visit("/akun/warga/masuk/")
    page.fill("#id_address", number)
    page.click("#send-code-button")
    page.wait_for_url(re.compile(r"/akun/warga/kode/$"))
    watcher.visit("/akun/warga/kode/")
    page.screenshot(path=SHOTS / "warga-kode.png", full_page=True)
    page.fill("#id_code", _code_for(number))
    page.click("#code-button")
    page.wait_for_url(re.compile(r"/laporan-saya$"))


def test_a_report_sent_before_signing_up_follows_the_citizen_to_another_phone(
    phone: Callable[[], Watcher],  # noqa: F811
    cast: Cast,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # given a citizen on a phone, not signed in, who reports a hole and leaves their number
    first = phone()
    page = first.page
    first.visit("/lapor")
    page.fill("[name=text]", "Jalan berlubang dalam di depan SD Sumbersari, motor sering jatuh.")
    page.select_option("[name=category]", "jalan-rusak")
    expect(page.locator("#report-map.leaflet-container")).to_be_visible()
    page.locator("#report-map").click()
    expect(page.locator("#location-status")).to_have_attribute("data-source", "map")
    page.locator("#report-form details > summary").click()
    page.fill("[name=phone]", NUMBER)
    page.click("#submit-button")
    page.wait_for_url(re.compile(r"/lapor/terkirim/SBT-\w+$"))
    ticket = page.locator("#ticket").inner_text().strip()
    assert Complaint.objects.get(ticket=ticket).reporter is None

    # when, on another phone, they sign up with the same number (written another way) and
    # the code the SMS gateway was given
    second = phone()
    _sign_up(second, "+62 812 3456 7890")

    # then the account is a citizen's, and the earlier report is in "Laporan saya" there,
    # with a word on how many were claimed
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.reporter is not None
    assert complaint.reporter.role == Role.CITIZEN
    other = second.page
    expect(other.locator("#my-complaints")).to_contain_text(ticket)
    expect(other.locator(".alert-info")).to_contain_text("1")
    second.visit("/laporan-saya")
    other.screenshot(path=SHOTS / "warga-laporan-saya.png", full_page=True)

    # and their account page shows the verified number, and the report form knows them
    second.visit("/akun/saya/")
    other.screenshot(path=SHOTS / "warga-akun.png", full_page=True)
    expect(other.locator("#identifiers [data-kind=phone]")).to_have_text("081234567890")
    second.visit("/lapor")
    expect(other.locator("[name=phone]")).to_have_value("081234567890")
    expect(other.locator("#account-contact-note")).to_be_visible()

    # and every page on the way fits the phone and passes the checks
    second.visit("/akun/warga/kode/")  # (redirects to the sign-in page: nothing pending)
    assert first.problems == {}
    assert second.problems == {}
