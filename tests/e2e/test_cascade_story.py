"""The board's efficiency column and the cascade's page in a real browser on a phone
(390 px), checked with axe. Assertions use ids, classes and data attributes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from balaikota.performance import cascade, selectors
from balaikota.performance.models import Commitment
from tests.e2e.conftest import PHONE, axe_violations
from tests.performance.conftest import YEAR, World, signed
from tests.performance.test_cascade import build_cascade, verified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_on_a_phone_sees_efficiency_beside_achievement(
    world: World,
    new_page: Callable[..., Page],
) -> None:
    build_cascade(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    verified(world, roads, 1, 9.5)
    rows = selectors.commitment_rows(YEAR, verified_only=True)
    expected = cascade.efficiencies(rows, YEAR)[roads.pk].efficiency
    assert expected is not None
    page = new_page(phone=True)

    page.goto(f"/kinerja?tahun={YEAR}")

    cell = page.locator(f'#board-table tr[data-commitment="{roads.pk}"] td.efficiency')
    expect(cell).to_have_text(f"{expected:.2f}".replace(".", ","))
    absorption = page.locator(f'#board-table tr[data-commitment="{roads.pk}"] td.absorption')
    expect(absorption).to_contain_text("%")
    expect(page.locator("#lkjip-city-pdf")).to_be_visible()
    _fits_the_phone(page)

    page.click("#performance-nav a[href='/kinerja/kaskade']")
    expect(page.locator(".renstra[data-agency='dpupr'] .renstra-total")).to_be_visible()
    _fits_the_phone(page)

    # the agency's LKjIP downloads from the phone, as an Excel file
    with page.expect_download() as download:
        page.locator(".renstra[data-agency='dpupr'] a[href*='lkjip.xlsx']").click()
    assert download.value.suggested_filename == f"lkjip-{YEAR}-dpupr.xlsx"


def _fits_the_phone(page: Page) -> None:
    """Nothing sticks out sideways at 390 px (wide tables scroll in their own box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
