"""The board's efficiency column and the cascade's page in a real browser on a phone
(390 px), checked with axe. Assertions use ids, classes and data attributes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from balaikota.performance import cascade, selectors
from balaikota.performance.models import Commitment
from tests.e2e.conftest import (  # noqa: F401 (fixtures the browser tests share)
    _no_map_tiles,
    axe_violations,
    browser,
    new_page,
)
from tests.performance.conftest import YEAR, World, signed
from tests.performance.test_cascade import build_cascade, verified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_on_a_phone_sees_efficiency_beside_achievement(
    world: World,
    new_page: Callable[..., Page],  # noqa: F811 (the fixture imported above)
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
    assert axe_violations(page) == []

    page.click("#performance-nav a[href='/kinerja/kaskade']")
    expect(page.locator(".renstra[data-agency='dpupr'] .renstra-total")).to_be_visible()
    assert axe_violations(page) == []
