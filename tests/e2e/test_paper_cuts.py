"""What a newcomer tripped over, each in a real browser on a phone-sized screen: a mistyped
tracking code, where each role lands after signing in, and the inbox's search. Assertions use
ids, URLs and data, never translated text (except where the language is the point)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from balaikota.core.models import Role
from tests.conftest import Cast, make_user, submit
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mistyped_code_is_answered_on_the_tracking_form_in_indonesian(
    new_page: Callable[..., Page], cast: Cast, shots: Path
) -> None:
    citizen = new_page(phone=True)
    citizen.goto("/lacak")
    citizen.fill("#id_ticket", "sbt-1234 5678")
    citizen.locator("#id_ticket").press("Enter")
    expect(citizen.locator("#ticket-not-found")).to_be_visible()
    expect(citizen.locator("#ticket-not-found")).to_contain_text("Kode tidak ditemukan")
    expect(citizen.locator("#id_ticket")).to_have_value("SBT-12345678")
    citizen.screenshot(path=str(shots / "ticket-not-found-390.png"), full_page=True)
    # corrected, it finds the complaint
    complaint = submit()
    citizen.fill("#id_ticket", complaint.ticket)
    citizen.locator("#id_ticket").press("Enter")
    expect(citizen.locator("#ticket")).to_have_text(complaint.ticket)


@pytest.mark.parametrize(
    ("role", "agency", "path"),
    [
        (Role.AGENCY_STAFF, "dpupr", "/staf/kotak-masuk"),
        (Role.AGENCY_HEAD, "dpupr", "/kinerja/saya"),
        (Role.MAYOR_OFFICE, None, "/kinerja/dasbor"),
        (Role.VERIFIER, None, "/kinerja/verifikasi"),
    ],
)
def test_each_role_lands_on_its_own_work_after_signing_in(
    new_page: Callable[..., Page], cast: Cast, role: str, agency: str | None, path: str
) -> None:
    user = make_user(f"landing-{role}", role, agency)
    page = new_page(phone=True)
    log_in(page, user.username)
    page.wait_for_url(f"**{path}")


def test_staff_find_a_complaint_by_its_code_or_its_words(
    new_page: Callable[..., Page], cast: Cast
) -> None:
    road = submit()
    bridge = submit(text="Jembatan kayu di gang Melati retak dan miring.")
    staff = new_page(phone=True)
    log_in(staff, cast.pupr_staff.username)
    staff.goto("/staf/kotak-masuk")
    staff.fill("#f-search", road.ticket.lower())
    staff.locator("#f-search").press("Enter")
    expect(staff.locator(f"text={road.ticket}").first).to_be_visible()
    expect(staff.locator(f"text={bridge.ticket}")).to_have_count(0)
    staff.fill("#f-search", "gang melati")
    staff.locator("#f-search").press("Enter")
    expect(staff.locator(f"text={bridge.ticket}").first).to_be_visible()
    expect(staff.locator(f"text={road.ticket}")).to_have_count(0)


def test_reports_near_the_pin_show_before_a_category_is_chosen(
    new_page: Callable[..., Page], cast: Cast, shots: Path
) -> None:
    from balaikota.complaints import intake
    from tests.conftest import SUMBERSARI

    # given a report of rubbish about 30 m away, by someone who left their name
    rubbish = submit(
        text="Sampah menumpuk di pinggir jalan dan berbau busuk.",
        category="sampah",
        at=(SUMBERSARI[0] + 0.0003, SUMBERSARI[1]),
        contact=intake.Contact(name="Siti Aminah", phone="081234567890"),
    )
    citizen = new_page(phone=True)
    citizen.context.grant_permissions(["geolocation"])
    citizen.context.set_geolocation({"latitude": SUMBERSARI[0], "longitude": SUMBERSARI[1]})
    citizen.goto("/lapor")
    expect(citizen.locator("#report-form")).to_have_attribute("data-ready", "1")
    # when the citizen places the pin, before choosing any category
    citizen.locator("#use-device").click()
    # then the report nearby is offered, with its category, and nothing personal
    offer = citizen.locator("#similar-list li", has_text=rubbish.ticket)
    expect(offer).to_be_visible()
    expect(citizen.locator("#similar")).not_to_contain_text("Siti")
    citizen.screenshot(path=str(shots / "nearby-on-pin-390.png"), full_page=True)
    # and choosing another category narrows the list to that category
    citizen.select_option("[name=category]", "jalan-rusak")
    expect(offer).to_have_count(0)
    expect(citizen.locator("#similar")).to_be_hidden()
    citizen.select_option("[name=category]", "sampah")
    expect(offer).to_be_visible()
