"""A signed performance agreement (PK) in a real browser: the mayor's office accepts a
commitment; the PK's QR code opens its public verification page on a phone, where the
signed PDF checks as genuine and a tampered copy does not; the post passes to a new holder,
who signs their own pact, and the first PK's page then says it is superseded."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from balaikota.performance import services
from balaikota.performance.models import Agreement, Commitment, Review
from tests.e2e.conftest import PHONE, axe_violations, log_in
from tests.performance.conftest import PLAN, World, open_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _qr_target(pdf: bytes) -> str:
    """The text of the QR code printed on the PDF, read from the page's image."""
    [image] = PdfReader(io.BytesIO(pdf)).pages[0].images
    pixels = np.array(image.image.convert("L"))
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    assert text, "no QR code found on the agreement"
    return str(text)


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []


def _check_copy(page: Page, path: Path) -> str:
    page.locator("#check-document").set_input_files(str(path))
    page.locator("#check-form button").click()
    result = page.locator("#check-result")
    expect(result).to_be_visible()
    return str(result.get_attribute("data-genuine"))


def test_a_signed_agreement_from_acceptance_to_verification_and_hand_over(
    new_page: Callable[..., Page], world: World, live_server: Any, tmp_path: Path, shots: Path
) -> None:
    settings.SITE_URL = live_server.url  # what the QR code points at
    # given PUPR's head committed to the roads target
    offer = open_round(world)["dpupr"]
    services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)

    # the mayor's office accepts it: the agreement is signed
    mayor = new_page()
    log_in(mayor, world.mayor.username)
    mayor.goto(f"/kinerja/lelang/{offer.auction_id}")
    card = mayor.locator('.panel-offer[data-agency="dpupr"]')
    card.locator("form[action$='/accept'] button").click()
    card = mayor.locator('.panel-offer[data-agency="dpupr"]')
    expect(card).to_have_attribute("data-status", "accepted")
    with mayor.expect_download() as download:
        card.locator(".agreement-link").click()
    signed_pdf = tmp_path / "pk.pdf"
    signed_pdf.write_bytes(Path(download.value.path()).read_bytes())

    # its QR code opens the public verification page, here on a phone, signed out
    target = _qr_target(signed_pdf.read_bytes())
    first = Agreement.objects.get(offer=offer)
    assert target == f"{live_server.url}/kinerja/pk/{first.code}"
    assert first.code in PdfReader(str(signed_pdf)).pages[0].extract_text()
    public = new_page(phone=True)
    public.goto(target)
    expect(public.locator("#agreement-state .badge")).to_have_class("badge text-bg-success")
    expect(public.locator("#document-hash")).to_have_text(first.sha256)
    expect(public.locator("#agreement-lines")).to_contain_text("Panjang jalan diperbaiki")
    _fits_the_phone(public)
    public.screenshot(path=str(shots / "pk-verifikasi-390.png"), full_page=True)

    # the downloaded PDF checks as genuine; a copy with a changed byte does not
    assert _check_copy(public, signed_pdf) == "true"
    _fits_the_phone(public)
    data = bytearray(signed_pdf.read_bytes())
    at = data.index(b"/Title")
    data[at + 10] = ord("X") if data[at + 10] != ord("X") else ord("Y")
    tampered = tmp_path / "pk-diubah.pdf"
    tampered.write_bytes(bytes(data))
    assert _check_copy(public, tampered) == "false"
    expect(public.locator("#check-result")).to_have_class("alert alert-danger")
    _fits_the_phone(public)
    public.screenshot(path=str(shots / "pk-verifikasi-gagal-390.png"), full_page=True)

    # the board links the commitment to its agreement
    public.goto(f"/kinerja?tahun={offer.auction.year}")
    public.locator(".pk-link").first.click()
    public.wait_for_url(f"**/kinerja/pk/{first.code}")

    # after a review the post passes to the candidate, who signs their own pact on a phone
    old = Commitment.objects.get(offer=offer)
    review = Review.objects.create(commitment=old, quarter=1)
    reassignment = services.open_reassignment(
        world.mayor, offer, candidates=[world.candidate], reason="Rotasi.", review=review
    )
    services.decide_reassignment(
        world.mayor, reassignment, official=world.candidate, is_acting=False
    )
    assert world.candidate.user is not None
    newcomer = new_page(phone=True)
    log_in(newcomer, world.candidate.user.username)
    newcomer.goto("/kinerja/saya")
    pact_form = newcomer.locator(".offer .pact-form")
    for quarter in (1, 2, 3, 4):
        pact_form.locator(f"[name=plan_{quarter}]").fill(f"Rencana pejabat baru TW {quarter}")
    pact_form.locator("[name=pact]").check()
    pact_form.locator("button").click()
    expect(newcomer.locator(".alert-success")).to_be_visible()
    assert newcomer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the first agreement's page now says it is superseded, and by which
    first.refresh_from_db()
    amended = first.superseded_by
    assert amended is not None
    pact = offer.answers.filter(official=world.candidate).get()
    assert amended.pact_hash == pact.pact_hash
    public.goto(f"/kinerja/pk/{first.code}")
    expect(public.locator("#agreement-state .badge")).to_have_class("badge text-bg-warning")
    public.locator(f'#agreement-state a[href="/kinerja/pk/{amended.code}"]').click()
    expect(public.locator("#pact-hash")).to_have_text(pact.pact_hash)
    expect(public.locator("#agreement-state .badge")).to_have_class("badge text-bg-success")
    _fits_the_phone(public)
