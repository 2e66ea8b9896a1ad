"""In a browser: the public map clusters and filters the demo's complaints, the dashboard
shows per-agency figures that a recomputation from complaint fields confirms, and the
audit page shows the chain's head. Asserts on ids and data attributes, not on text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db.models import F, Q
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Complaint, Status
from balaikota.core.models import AuditEntry
from balaikota.dashboards import summaries
from balaikota.dashboards.filters import PUBLIC_STATUSES
from balaikota.demo import history, loader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_city(city: None) -> None:
    loader.load_users()
    assert history.load_history(count=40) == 40
    summaries.refresh()


def _watch(page: Page) -> tuple[list[str], set[str]]:
    problems: list[str] = []
    hosts: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and urlsplit(url).path != "/favicon.ico":
            problems.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc) if r.url[:4] == "http" else None)
    return problems, hosts


def _shown_total(page: Page) -> int:
    box = page.locator("#complaint-map")
    expect(box).to_have_attribute("data-state", "ready")
    return int(box.get_attribute("data-total") or 0)


def test_the_map_clusters_and_filters_the_demo_complaints(
    new_page: Callable[..., Page], demo_city: None, live_server: Any, shots: Any
) -> None:
    page = new_page()
    problems, hosts = _watch(page)
    page.goto("/peta")
    public = Complaint.objects.filter(status__in=PUBLIC_STATUSES, lat__isnull=False)
    # The whole city at zoom 12: groups, not single pins, and every complaint counted.
    assert _shown_total(page) == public.count()
    assert page.locator("#complaint-map").get_attribute("data-kind") == "clusters"
    assert page.locator(".cluster").count() >= 1
    # The kelurahan are drawn and shaded from the city's own boundaries (no tiles here).
    expect(page.locator("#complaint-map")).to_have_attribute("data-areas", "57")
    page.screenshot(path=shots / "peta.png")

    # Filter by category: the address keeps it, and the map counts only those.
    page.select_option("#f-kategori", "sampah")
    page.click("#filter-apply")
    page.wait_for_url(re.compile(r"kategori=sampah"))
    assert _shown_total(page) == public.filter(category__slug="sampah").count()
    expect(page.locator("#to-list")).to_have_attribute("href", re.compile(r"kategori=sampah"))

    # A cluster's popup names its complaints, in words, and zooms in on them.
    page.locator(".cluster").first.click()
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup).to_be_visible()
    assert "undefined" not in popup.inner_text()
    expect(popup.locator(".zoom-in")).not_to_have_text("")
    # Leaflet's own buttons speak the page's language too.
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Perbesar")
    # Zoomed in, single complaints link to their tracking page.
    page.evaluate("() => window.location.hash = ''")
    one = public.filter(category__slug="sampah").first()
    assert one is not None
    assert one.lat is not None
    assert one.lon is not None
    page.goto(f"/peta?kategori=sampah#18/{one.lat:.5f}/{one.lon:.5f}")
    expect(page.locator("#complaint-map")).to_have_attribute("data-kind", "points")
    page.locator(".complaint-point").first.click(force=True)
    point = page.locator(".leaflet-popup .map-popup")
    expect(point).to_be_visible()
    assert "undefined" not in point.inner_text()
    ticket = point.get_attribute("data-ticket")
    expect(point.locator(f"a[href='/lacak/{ticket}']")).not_to_have_text("")

    # The list of the same filter links each complaint to its tracking page.
    page.goto("/peta/daftar?kategori=sampah")
    rows = page.locator("#complaint-list tbody tr[data-ticket]")
    assert rows.count() == min(25, public.filter(category__slug="sampah").count())
    first = rows.first.get_attribute("data-ticket")
    page.locator(f"#complaint-list a[href='/lacak/{first}']").click()
    page.wait_for_url(re.compile(rf"/lacak/{first}$"))

    assert problems == []
    assert hosts == {urlsplit(live_server.url).netloc}


def test_the_dashboard_shows_per_agency_figures_that_recompute(
    new_page: Callable[..., Page], demo_city: None, shots: Any
) -> None:
    page = new_page(phone=True)
    problems, _hosts = _watch(page)
    page.goto("/dasbor")
    table = page.locator("#figure-agencies table")
    expect(table).to_be_visible()
    page.screenshot(path=shots / "dasbor-mobile.png", full_page=True)
    now = timezone.now()
    for agency in Agency.objects.filter(complaints__isnull=False).distinct():
        mine = Complaint.objects.filter(agency=agency).exclude(status=Status.DUPLICATE)
        eligible = mine.filter(followup_due__isnull=False).filter(
            Q(followed_up_at__isnull=False) | Q(followup_due__lt=now)
        )
        on_time = eligible.filter(followed_up_at__lte=F("followup_due")).count()
        row = table.locator("tbody tr", has=page.locator("th", has_text=agency.short_name))
        cells = row.locator("td").all_inner_texts()
        # Rank, complaints, open, overdue, within the deadline, deadlines counted, ...
        assert int(cells[1]) == mine.count()
        expected = f"{on_time / eligible.count() * 100:.0f} %" if eligible.count() else "–"
        assert cells[4] == expected
        assert int(cells[5]) == eligible.count()
    # Every chart has its table, and every table its CSV.
    assert page.locator("svg.chart").count() == page.locator("table.figure-table").count()
    assert page.locator("a.csv-link").count() == page.locator("table.figure-table").count()
    assert problems == []


def test_the_audit_page_shows_the_chain_head(
    new_page: Callable[..., Page], demo_city: None
) -> None:
    head = AuditEntry.objects.order_by("-id").first()
    assert head is not None
    page = new_page()
    page.goto("/audit")
    expect(page.locator("#head-hash")).to_have_text(head.entry_hash)
    expect(page.locator("#head-entry")).to_have_text(f"#{head.pk}")
    # The demo's history published a head for each of its days.
    assert page.locator("#checkpoints tbody tr[data-date]").count() >= 1
