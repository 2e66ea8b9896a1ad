"""A citizen on a phone whose connection has used up the report limit: the form answers 429,
says when to try again, keeps everything they entered (the photo too, while the page is
open), and takes the report once the time has passed. Asserts on ids and values, not on
translated text (the phone asks for Indonesian).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from playwright.sync_api import Page, Response, expect

from balaikota.complaints.models import Complaint, Privacy
from balaikota.core import ratelimit
from balaikota.demo import images
from tests.conftest import SUMBERSARI, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One report per window; the window is long enough to fill the form in, short enough to wait.
WINDOW = 25
TEXT = "Lampu penerangan jalan mati tiga malam di depan SDN Sumbersari, gelap dan rawan."


def use_up_the_limit(rate: tuple[int, int]) -> None:
    """Others on this connection have sent their report in this window (which has at least
    15 seconds left): the citizen's will be the one too many."""
    left = rate[1] - time.time() % rate[1]
    if left < 15:
        time.sleep(left + 0.2)
    for address in ("127.0.0.1", "::1"):  # whichever the browser reaches the server by
        ratelimit.check(RequestFactory().post("/lapor", REMOTE_ADDR=address), "report", rate)


def test_a_report_over_the_limit_keeps_the_draft_and_goes_through_later(
    new_page: Callable[..., Page], cast: Cast, settings: Any, tmp_path: Path, shots: Path
) -> None:
    # given a tiny limit, already used up from this connection
    settings.RATE_LIMIT_REPORTS = (1, WINDOW)
    photo = tmp_path / "lampu.jpg"
    photo.write_bytes(images.picture(gps=SUMBERSARI))
    phone = new_page(phone=True)
    use_up_the_limit(settings.RATE_LIMIT_REPORTS)

    # when a citizen fills the form with a photo, a place, a category and a mode, and sends it
    phone.goto("/lapor")
    phone.set_input_files("[name=photos]", str(photo))
    expect(phone.locator("#location-status")).to_have_attribute("data-source", "exif")
    phone.fill("[name=text]", TEXT)
    phone.select_option("[name=category]", "jalan-rusak")
    phone.locator("#privacy-choice input[name=privacy][value=anonymous]").check()
    with phone.expect_response(lambda r: r.request.method == "POST") as answer:
        phone.click("#submit-button")
    refused: Response = answer.value

    # then the answer is 429 with Retry-After, and the page says when to try again
    assert refused.status == 429
    wait = int(refused.headers["retry-after"])
    assert 0 < wait <= WINDOW
    error = phone.locator("#form-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile(r"\d{2}:\d{2}"))
    expect(phone.locator("#submit-button")).to_be_disabled()
    # and nothing the citizen entered is lost
    expect(phone.locator("[name=text]")).to_have_value(TEXT)
    expect(phone.locator("[name=category]")).to_have_value("jalan-rusak")
    expect(phone.locator("#privacy-choice input[value=anonymous]")).to_be_checked()
    assert phone.locator("[name=lat]").input_value().startswith("-7.96")
    assert phone.locator("[name=lon]").input_value().startswith("112.61")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=shots / "batas-laporan-429.png", full_page=True)
    assert not Complaint.objects.exists()

    # when the time has passed, the button comes back and the same report goes through
    submit = phone.locator("#submit-button")
    expect(submit).to_be_enabled(timeout=(wait + 5) * 1000)
    submit.click()
    phone.wait_for_url(re.compile(r"/lapor/terkirim/SBT-\w+$"))

    # then it is the report as the citizen wrote it, with its photo
    complaint = Complaint.objects.get()
    assert complaint.text == TEXT
    assert complaint.category is not None
    assert complaint.category.slug == "jalan-rusak"
    assert complaint.privacy == Privacy.ANONYMOUS
    assert complaint.photos.count() == 1
    assert complaint.lat is not None
    assert abs(complaint.lat - SUMBERSARI[0]) < 0.001


def test_the_draft_survives_closing_the_page(
    new_page: Callable[..., Page], cast: Cast, settings: Any
) -> None:
    # given a citizen told to try again later, who closes the page
    settings.RATE_LIMIT_REPORTS = (1, WINDOW)
    phone = new_page(phone=True)
    use_up_the_limit(settings.RATE_LIMIT_REPORTS)
    phone.goto("/lapor")
    expect(phone.locator("#report-map.leaflet-container")).to_be_visible()
    phone.locator("#report-map").click()
    expect(phone.locator("#location-status")).to_have_attribute("data-source", "map")
    phone.fill("[name=text]", TEXT)
    phone.select_option("[name=category]", "jalan-rusak")
    phone.locator("#privacy-choice input[name=privacy][value=confidential]").check()
    phone.click("#submit-button")
    expect(phone.locator("#form-error")).to_be_visible()

    # when they open the form again
    phone.goto("/")
    phone.goto("/lapor")

    # then the text, the category, the place and the mode are back (never the contact)
    expect(phone.locator("[name=text]")).to_have_value(TEXT)
    expect(phone.locator("[name=category]")).to_have_value("jalan-rusak")
    expect(phone.locator("#privacy-choice input[value=confidential]")).to_be_checked()
    expect(phone.locator("#location-status")).to_have_attribute("data-source", "map")
    assert phone.locator("[name=lat]").input_value() != ""
