"""The end-to-end story in a real browser: a citizen reports from a phone, PUPR fixes it.

Translations are written alongside the code, so these tests assert on ids, classes and data
attributes, never on translated text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect

from balaikota.complaints.models import Category
from balaikota.demo import images
from tests.conftest import SUMBERSARI, Cast
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUPR_NAME = "Dinas Pekerjaan Umum dan Penataan Ruang"


def _photo_file(tmp_path: Path, name: str, **kwargs: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(images.picture(**kwargs))
    return path


def _is_report_page(url: str) -> bool:
    return urlsplit(url).path == "/lapor"


def _wait_until(page: Page, condition: Callable[[], bool], failure: str) -> None:
    for _ in range(200):
        if condition():
            return
        page.wait_for_timeout(25)  # lets Playwright dispatch events to the test's handlers
    pytest.fail(failure)


def _report_from_phone(page: Page, photo: Path, shots: Path) -> str:
    page.goto("/lapor")
    page.set_input_files("[name=photos]", str(photo))
    # The position comes from the photo's EXIF, read in the browser before any upload.
    expect(page.locator("#location-status")).to_have_attribute("data-source", "exif")
    lat = float(page.locator("[name=lat]").input_value())
    lon = float(page.locator("[name=lon]").input_value())
    assert (lat, lon) == pytest.approx(SUMBERSARI, abs=1e-4)
    page.fill("[name=text]", "Jalan berlubang besar di depan kampus, motor sering jatuh.")
    page.select_option("[name=category]", "jalan-rusak")
    page.screenshot(path=shots / "lapor-mobile.png", full_page=True)

    # Hold the upload in flight, so the page's "sending" state can be seen at all.
    held: list[Route] = []

    def hold_upload(route: Route) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(_is_report_page, hold_upload)
    with page.expect_response(
        lambda r: r.request.method == "POST" and _is_report_page(r.url)
    ) as upload:
        page.click("#submit-button")
        _wait_until(page, lambda: bool(held), "the report was never sent")
        expect(page.locator("#upload-progress")).to_be_visible()
        expect(page.locator("#submit-button")).to_be_disabled()
        held[0].continue_()
    # It went up by XHR and got JSON back, not as a plain form post.
    assert upload.value.status == 201
    assert upload.value.request.headers.get("accept") == "application/json"
    page.wait_for_url(re.compile(r"/lapor/terkirim/SBT-\w+$"))
    return page.locator("#ticket").inner_text().strip()


def _log_in(page: Page, username: str) -> None:
    log_in(page, username)  # the password, then staff's authenticator code


def test_citizen_report_reaches_pupr_and_is_seen_resolved(
    new_page: Callable[..., Page], cast: Cast, tmp_path: Path, shots: Path
) -> None:
    # given a citizen on a phone with a photo taken in Sumbersari
    citizen = new_page(phone=True)
    photo = _photo_file(tmp_path, "jalan.jpg", gps=SUMBERSARI)

    # when they report it
    ticket = _report_from_phone(citizen, photo, shots)

    # then the tracking page names the place, the category and the agency
    citizen.goto(f"/lacak/{ticket}")
    expect(citizen.locator("#place")).to_contain_text("Sumbersari")
    expect(citizen.locator("#category")).to_contain_text(
        Category.objects.get(slug="jalan-rusak").name
    )
    expect(citizen.locator("#agency")).to_contain_text(PUPR_NAME)

    # and PUPR staff find it in their inbox, with an in-app notice pointing to it
    staff = new_page()
    _log_in(staff, cast.pupr_staff.username)
    staff.goto("/staf/pemberitahuan")
    expect(staff.locator(f"#notices a[href*='{ticket}']").first).to_be_visible()
    staff.goto("/staf/kotak-masuk")
    staff.locator("#complaint-list").get_by_role("link", name=ticket).click()

    # when they accept it and resolve it with an "after" photo
    staff.click("#accept-button")
    expect(staff.locator("#status")).to_have_class(re.compile(r"\bstatus-in_progress\b"))
    staff.fill("#resolve-note", "Lubang sudah ditambal dan diaspal ulang.")
    staff.set_input_files("#resolve-photo", str(_photo_file(tmp_path, "sesudah.jpg")))
    staff.click("#resolve-button")
    expect(staff.locator("#status")).to_have_class(re.compile(r"\bstatus-resolved\b"))
    staff.screenshot(path=shots / "staf-detail.png", full_page=True)

    # then the citizen sees it resolved, with the after photo actually loading
    citizen.goto(f"/lacak/{ticket}")
    expect(citizen.locator("#status")).to_have_class(re.compile(r"\bstatus-resolved\b"))
    after = citizen.locator("#photos-after img").first
    after.scroll_into_view_if_needed()  # the thumbnails load lazily
    expect(after).to_have_js_property("complete", True)
    assert after.evaluate("img => img.naturalWidth") > 0
    citizen.screenshot(path=shots / "lacak-mobile.png", full_page=True)


def test_language_switcher_changes_the_page_language(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.click(".lang-switch button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The choice sticks for the next pages, not just the one it was made on.
    page.goto("/lacak")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.click(".lang-switch button[value=id]")
    expect(page.locator("html")).to_have_attribute("lang", "id")


def test_report_page_loads_cleanly_from_this_site_alone(
    new_page: Callable[..., Page], city: None, live_server: Any
) -> None:
    page = new_page(phone=True)
    problems: list[str] = []
    hosts: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico by itself; only the page's own loads count.
        url = message.location.get("url", "")
        if message.type == "error" and urlsplit(url).path != "/favicon.ico":
            problems.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc) if r.url[:4] == "http" else None)

    page.goto("/lapor", wait_until="networkidle")

    assert problems == []
    # Leaflet drew its map, so the scripts ran under the Content-Security-Policy.
    expect(page.locator("#report-map.leaflet-container")).to_be_visible()
    assert hosts == {urlsplit(live_server.url).netloc}


def test_a_citizen_reporting_the_same_hole_supports_the_earlier_report(
    new_page: Callable[..., Page], cast: Cast, tmp_path: Path
) -> None:
    from tests.conftest import submit

    # given a report of a hole about 30 m away
    earlier = submit(
        text="Jalan berlubang besar di depan kampus, motor sering jatuh.",
        at=(SUMBERSARI[0] + 0.0003, SUMBERSARI[1]),
    )
    citizen = new_page(phone=True)
    citizen.goto("/lapor")

    # when the citizen's photo places them at the same spot and they describe the same hole
    citizen.set_input_files("[name=photos]", str(_photo_file(tmp_path, "j.jpg", gps=SUMBERSARI)))
    expect(citizen.locator("#location-status")).to_have_attribute("data-source", "exif")
    citizen.select_option("[name=category]", "jalan-rusak")
    citizen.fill("[name=text]", "Ada lubang besar di depan kampus, motor jatuh terus.")

    # then the page offers the earlier report, and "saya juga" counts their support
    offer = citizen.locator("#similar-list li", has_text=earlier.ticket)
    expect(offer).to_be_visible()
    offer.get_by_role("button").click()
    expect(offer.get_by_role("button")).to_have_count(0)
    earlier.refresh_from_db()
    assert earlier.supporters == 1
