"""A new PUPR officer signs in on a phone for the first time: password, authenticator
enrolment from the key shown on the page, the recovery codes, then the inbox."""

from __future__ import annotations

import re
from base64 import b32decode
from binascii import hexlify
from collections.abc import Callable
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from balaikota.accounts import factors
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_enrol_an_authenticator_and_reach_the_inbox_on_a_phone(
    new_page: Callable[..., Page], cast: Cast, shots: Path
) -> None:
    page = new_page(phone=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    # given PUPR staff who open the inbox and are asked to log in
    page.goto("/staf/kotak-masuk")
    page.wait_for_url(re.compile(r"/masuk/"))
    page.fill("#id_username", cast.pupr_staff.username)
    page.fill("#id_password", "password-123")
    page.locator("#id_password").press("Enter")

    # then they are asked to set up an authenticator, with a QR code and its key
    page.wait_for_url(re.compile(r"/akun/pasang-autentikator/"))
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.screenshot(path=str(shots / "staff-enrol-phone.png"), full_page=True)

    # when their app, given that key, shows a code and they type it in
    device = TOTPDevice.objects.get(user=cast.pupr_staff, confirmed=False)
    assert hexlify(b32decode(secret)).decode() == device.key
    page.fill("#id_code", factors.current_code(device))
    page.click("#enrol-button")

    # then they see their ten recovery codes once
    page.wait_for_url(re.compile(r"/akun/kode-cadangan/"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.screenshot(path=str(shots / "staff-recovery-codes-phone.png"), full_page=True)

    # and go on to the inbox they asked for
    page.click("#continue-link")
    page.wait_for_url(re.compile(r"/staf/kotak-masuk$"))
    expect(page.locator("#complaint-list")).to_be_attached()

    # nothing is wider than the phone, and the strict CSP raised no complaint
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert problems == []
