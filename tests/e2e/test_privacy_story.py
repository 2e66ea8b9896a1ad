"""Privacy in a real browser: a confidential and an anonymous report from phones, what a
stranger can (not) see of them, and the staff side with and without the identity reveal.

Each citizen plants their name, phone, e-mail, NIK and a plate in the text and in the contact
fields; the public outputs must hold none of them. Asserts on ids and data attributes, not on
translated text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from balaikota.complaints.models import Complaint, Privacy
from balaikota.core.models import Role
from balaikota.demo import images
from tests.conftest import SUMBERSARI, Cast, make_user
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str
    email: str
    nik: str
    plate: str
    words: str  # a phrase of the complaint itself, to tell whether its text is shown

    @property
    def identity(self) -> list[str]:
        digits = re.sub(r"\D", "", self.phone)
        return [self.name, self.phone, digits, digits[1:], self.email, self.nik]

    @property
    def planted(self) -> list[str]:
        return [*self.identity, self.plate, self.words]


BUDI = Reporter(
    name="Budi Santoso",
    phone="0812-3456-7890",
    email="budi.santoso@example.test",
    nik="3573010101900001",
    plate="N 1234 AB",
    words="uang pelicin",
)
SITI = Reporter(
    name="Siti Aminah",
    phone="0813-2222-3333",
    email="siti.aminah@example.test",
    nik="3573024405850002",
    plate="L 5678 XY",
    words="lubang besar",
)


def _text_of(person: Reporter, complaint: str) -> str:
    return (
        f"Nama saya {person.name}, HP {person.phone}, email {person.email}, "
        f"NIK {person.nik}. {complaint}"
    )


def _report(page: Page, person: Reporter, text: str, category: str, privacy: str) -> str:
    """Fills the report form already located, with the contact, the mode, and sends it."""
    page.fill("[name=text]", text)
    page.select_option("[name=category]", category)
    page.locator("#report-form details > summary").click()
    page.fill("[name=name]", person.name)
    page.fill("[name=phone]", person.phone)
    page.fill("[name=email]", person.email)
    page.fill("[name=nik]", person.nik)
    page.locator(f"#privacy-choice input[name=privacy][value={privacy}]").check()
    page.click("#submit-button")
    page.wait_for_url(re.compile(r"/lapor/terkirim/SBT-\w+$"))
    expect(page.locator("#privacy-mode")).to_have_attribute("data-privacy", privacy)
    return page.locator("#ticket").inner_text().strip()


def _log_in(page: Page, username: str) -> None:
    log_in(page, username)  # the password, then staff's authenticator code


def _absent(body: str, values: list[str], where: str) -> None:
    found = [value for value in values if value.lower() in body.lower()]
    assert found == [], f"{where} shows {found}"


def test_a_confidential_and_an_anonymous_report_keep_their_people_out_of_sight(
    new_page: Callable[..., Page], cast: Cast, tmp_path: Path, shots: Path
) -> None:
    # given a citizen on a phone, with a photo taken in Sumbersari, reporting extortion
    budi = new_page(phone=True)
    photo = tmp_path / "pasar.jpg"
    photo.write_bytes(images.picture(gps=SUMBERSARI))
    budi.goto("/lapor")
    budi.set_input_files("[name=photos]", str(photo))
    expect(budi.locator("#location-status")).to_have_attribute("data-source", "exif")
    text = _text_of(
        BUDI,
        f"Petugas parkir bermotor {BUDI.plate} meminta {BUDI.words} Rp50.000 setiap pagi di pasar.",
    )

    # when they send it as confidential
    confidential = _report(budi, BUDI, text, "integritas-pungli", Privacy.CONFIDENTIAL)
    budi.screenshot(path=shots / "privasi-terkirim-rahasia.png", full_page=True)

    # then, through the private link kept in their session, they read all of it
    budi.goto(f"/lacak/{confidential}")
    expect(budi.locator("#private-view")).to_be_visible()
    expect(budi.locator("#complaint-text")).to_contain_text(BUDI.phone)
    expect(budi.locator("#complaint-text")).to_contain_text(BUDI.words)

    # and a stranger reads only its ticket, status and agency
    stranger = new_page(phone=True)
    stranger.goto(f"/lacak/{confidential}")
    expect(stranger.locator("#not-published")).to_be_visible()
    expect(stranger.locator("#ticket")).to_have_text(confidential)
    expect(stranger.locator("#status")).to_be_visible()
    expect(stranger.locator("#agency")).not_to_be_empty()
    expect(stranger.locator("#complaint-text")).to_have_count(0)
    expect(stranger.locator("main img")).to_have_count(0)
    _absent(stranger.content(), BUDI.planted, "the stranger's tracking page")
    stranger.screenshot(path=shots / "privasi-lacak-orang-lain.png", full_page=True)

    # given a second citizen who taps the map and reports a hole anonymously
    siti = new_page(phone=True)
    siti.goto("/lapor")
    expect(siti.locator("#report-map.leaflet-container")).to_be_visible()
    siti.locator("#report-map").click()
    expect(siti.locator("#location-status")).to_have_attribute("data-source", "map")
    text = _text_of(
        SITI,
        f"Ada {SITI.words} di jalan ini, mobil {SITI.plate} hampir terperosok semalam.",
    )
    anonymous = _report(siti, SITI, text, "jalan-rusak", Privacy.ANONYMOUS)

    # then the public outputs hold the anonymous complaint's public version, and nothing of
    # the confidential one, nor anybody's identity
    west, south, east, north = 112.55, -8.05, 112.70, -7.90
    for url in (
        f"/peta/data?bbox={west},{south},{east},{north}&zoom=17",
        "/peta/daftar",
        "/open311/v2/requests.json?extensions=true",
        "/open311/v2/requests.xml",
    ):
        answer = stranger.request.get(url)
        assert answer.ok, url
        body = answer.text()
        assert anonymous in body, url
        assert confidential not in body, url
        _absent(body, [*BUDI.planted, *SITI.identity, SITI.plate], url)
    missing = stranger.request.get(f"/open311/v2/requests/{confidential}.json")
    assert missing.status == 404
    stranger.goto(f"/lacak/{anonymous}")
    expect(stranger.locator("#complaint-text")).to_contain_text(SITI.words)
    _absent(stranger.content(), [*SITI.identity, SITI.plate], "the anonymous tracking page")

    # when PUPR staff open the anonymous complaint on their desk
    pupr = new_page()
    _log_in(pupr, cast.pupr_staff.username)
    pupr.goto(f"/staf/aduan/{anonymous}")

    # then they read the complaint but not who sent it, and may not open the identity
    expect(pupr.locator("#complaint-text")).to_contain_text(SITI.words)
    expect(pupr.locator("#identity-hidden")).to_be_visible()
    expect(pupr.locator("details#reveal")).to_have_count(0)
    _absent(pupr.content(), SITI.identity, "the agency's page of an anonymous complaint")
    pupr.screenshot(path=shots / "privasi-staf-anonim.png", full_page=True)

    # when the data protection officer opens the identity for a written reason
    make_user("pdp", Role.PRIVACY_OFFICER)
    officer = new_page()
    _log_in(officer, "pdp")
    officer.goto(f"/staf/aduan/{anonymous}")
    expect(officer.locator("#identity-hidden")).to_be_visible()
    _absent(officer.content(), SITI.identity, "the officer's page before the reveal")
    officer.locator("details#reveal > summary").click()
    officer.fill(
        "#reveal-reason", "Permintaan tertulis penyidik kepolisian, surat nomor 12/IV/2026."
    )
    officer.click("#reveal-button")

    # then the officer sees who reported it
    officer.wait_for_url(re.compile(rf"/staf/aduan/{anonymous}$"))
    expect(officer.locator("#identity-hidden")).to_have_count(0)
    stored = Complaint.objects.get(ticket=anonymous)
    expect(officer.locator("#reporter")).to_contain_text(SITI.name)
    expect(officer.locator("#reporter")).to_contain_text(stored.reporter_phone)
    officer.screenshot(path=shots / "privasi-pdp-dibuka.png", full_page=True)

    # and nobody else does: not the agency, not the operator
    pupr.reload()
    expect(pupr.locator("#identity-hidden")).to_be_visible()
    _absent(pupr.content(), SITI.identity, "the agency's page after the reveal")
    operator = new_page()
    _log_in(operator, cast.operator.username)
    operator.goto(f"/staf/aduan/{anonymous}")
    expect(operator.locator("#identity-hidden")).to_be_visible()
    _absent(operator.content(), SITI.identity, "the operator's page after the reveal")

    # and the inspectorate, which handles the confidential complaint, reads it and its reporter
    inspector = new_page()
    make_user("inspektorat", Role.AGENCY_STAFF, "inspektorat")
    _log_in(inspector, "inspektorat")
    inspector.goto(f"/staf/aduan/{confidential}")
    expect(inspector.locator("#privacy-mode .privacy-confidential")).to_be_visible()
    expect(inspector.locator("#complaint-text")).to_contain_text(BUDI.words)
    expect(inspector.locator("#reporter")).to_contain_text(BUDI.name)
    expect(inspector.locator("#identity-hidden")).to_have_count(0)
    inspector.screenshot(path=shots / "privasi-staf-rahasia.png", full_page=True)
