"""On a phone (390 px): a citizen finds a hotspot on its map and table; PUPR's officer opens
it with its history and plans a larger repair (a wrong budget refused, nothing typed lost),
then starts the work; the public sees the work on its page, on the hotspot and on each
complaint, and as a layer on /peta. Every page: no console error, no sideways scroll, no
serious accessibility violation (axe-core)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from balaikota.hotspots import build
from balaikota.hotspots.models import Hotspot, PlannedWork, WorkStatus
from tests.conftest import Cast
from tests.e2e.conftest import log_in
from tests.e2e.test_no_console_errors import Watcher, phone  # noqa: F401 (the fixture)
from tests.hotspots.conftest import NOW, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _map_ready(page: Page) -> None:
    expect(page.locator("#hotspot-map")).to_have_attribute("data-state", "ready")


def _open_hotspot_popup(page: Page) -> None:
    _map_ready(page)
    page.locator("path.hotspot-mark").first.click()
    expect(page.locator(".leaflet-popup .hotspot-popup")).to_be_visible()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")


def _show_hotspot_layer(page: Page) -> None:
    expect(page.locator("#complaint-map")).to_have_attribute("data-state", "ready")
    page.check("#show-hotspots")
    expect(page.locator("#complaint-map")).to_have_attribute("data-hotspots", "1")


def test_a_hotspot_becomes_planned_work_that_the_public_follows(
    phone: Callable[[], Watcher],  # noqa: F811
    cast: Cast,
) -> None:
    # given potholes reported three times at one place in Sumbersari, and the hotspots computed
    made = [report(20), report(9, 15), report(2, 0, 25)]
    build.rebuild(NOW)
    spot = Hotspot.objects.get()

    # when a citizen opens the hotspots on a phone
    citizen = phone()
    citizen.visit("/titik-rawan", then=_open_hotspot_popup)
    page = citizen.page
    expect(page.locator("#hotspot-map")).to_have_attribute("data-count", "1")
    expect(
        page.locator(f"#hotspot-table tr[data-hotspot='{spot.pk}'] .hotspot-count")
    ).to_have_text("3")
    page.locator(".leaflet-popup .hotspot-popup a").click()
    page.wait_for_url(f"**/titik-rawan/{spot.pk}")
    citizen.visit(f"/titik-rawan/{spot.pk}")
    expect(page.locator("#hotspot-complaints li")).to_have_count(3)

    # and PUPR's officer signs in on a phone and opens it, with its history
    officer = phone()
    log_in(officer.page, cast.pupr_staff.username)
    officer.visit("/staf/titik-rawan")
    officer.page.locator(f"tr[data-hotspot='{spot.pk}'] a").first.click()
    officer.page.wait_for_url(f"**/staf/titik-rawan/{spot.pk}")
    officer.visit(f"/staf/titik-rawan/{spot.pk}")
    form = officer.page
    for complaint in made:
        expect(
            form.locator(f"#hotspot-history li[data-ticket='{complaint.ticket}']")
        ).to_be_visible()

    # a budget in words is refused, and what was typed stays
    form.fill("#id_title", "Pengaspalan ulang Jl. Sumbersari")
    form.fill("#id_description", "Aspal diganti sepanjang 150 m dan saluran tepi diperbaiki.")
    form.fill("#id_planned_start", "2027-01-11")
    form.fill("#id_planned_end", "2027-02-26")
    form.fill("#id_budget", "kira-kira satu miliar")
    form.click("#plan-submit")
    expect(form.locator(".field-error")).to_have_count(1)
    expect(form.locator("#id_title")).to_have_value("Pengaspalan ulang Jl. Sumbersari")
    assert PlannedWork.objects.count() == 0
    form.fill("#id_budget", "Rp 1.250.000.000")
    form.click("#plan-submit")
    expect(form.locator(".planned-work[data-status='planned']")).to_be_visible()
    work = PlannedWork.objects.get()
    assert work.budget == 1_250_000_000

    # the officer starts the work
    form.select_option(f"#status-{work.pk}", "in_progress")
    form.fill(f"#note-{work.pk}", "Kontraktor mulai bekerja.")
    form.locator(".work-status-form button").click()
    expect(form.locator(".planned-work[data-status='in_progress']")).to_be_visible()
    work.refresh_from_db()
    assert work.status == WorkStatus.IN_PROGRESS
    officer.visit(f"/staf/titik-rawan/{spot.pk}")

    # then the public sees the work on its page, on the hotspot, on each complaint, on /peta
    citizen.visit(f"/pekerjaan-terencana/{work.pk}")
    expect(page.locator("#work-timeline li")).to_have_count(2)
    citizen.visit(f"/titik-rawan/{spot.pk}")
    expect(page.locator(f".planned-work[data-work='{work.pk}']")).to_be_visible()
    citizen.visit(f"/lacak/{made[0].ticket}")
    expect(page.locator(f".planned-work-note[data-work='{work.pk}']")).to_be_visible()
    citizen.visit("/peta", then=_show_hotspot_layer)
    citizen.visit("/dasbor")
    expect(page.locator(f"#dashboard-hotspots a[href='/titik-rawan/{spot.pk}']")).to_be_visible()

    assert citizen.problems == {}
    assert officer.problems == {}
