"""Work in the field on phones (390 px): the head hands a complaint to an officer, the officer
finds it on the task list with its map and directions and resolves it with an "after" photo
taken far away, and the head sees the flag. Every page is checked for sideways scrolling
and with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints.models import Complaint, Photo, PlaceCheck
from balaikota.core.models import Role
from balaikota.demo import images
from tests.conftest import KLOJEN, Cast, make_user, submit
from tests.e2e.conftest import PHONE, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _problems(page: Page) -> list[str]:
    """Sideways scrolling and serious or critical axe-core violations on the page as shown."""
    page.wait_for_load_state("networkidle")
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"{page.url}: {width} px wide")
    found += [f"{page.url}: axe: {v}" for v in axe_violations(page)]
    return found


def test_head_assigns_officer_resolves_far_away_and_head_sees_the_flag(
    new_page: Callable[..., Page], cast: Cast, tmp_path: Path, shots: Path
) -> None:
    # given PUPR's road team with Budi, a field officer, and a complaint in PUPR's inbox
    team = Team.objects.create(agency=Agency.objects.get(code="dpupr"), name="Tim Jalan Utara")
    budi = make_user("budi", Role.AGENCY_STAFF, "dpupr")
    Membership.objects.filter(user=budi).update(is_field_officer=True, team=team)
    complaint = submit()
    ticket = complaint.ticket
    problems: list[str] = []

    # when the head, on a phone, hands it to Budi from the complaint's page
    head = new_page(phone=True)
    log_in(head, cast.pupr_head.username)
    head.goto(f"/staf/aduan/{ticket}")
    problems += _problems(head)
    head.select_option("#dispatch-to", f"officer:{budi.pk}")
    head.fill("#dispatch-note", "Tolong hari ini.")
    head.click("#dispatch-button")
    expect(head.locator("#field-officer")).to_be_visible()

    # then Budi finds it on his task list, with its map and the directions
    officer = new_page(phone=True)
    log_in(officer, "budi")
    officer.goto("/staf/tugas")
    card = officer.locator(f".task-card[data-ticket='{ticket}']")
    expect(card).to_be_visible()
    expect(card.locator(".task-map.leaflet-container")).to_be_visible()  # Leaflet came lazily
    expect(card.locator(".leaflet-marker-icon")).to_be_visible()
    expect(card.locator("a.directions-geo")).to_have_attribute("href", re.compile(r"^geo:-7\.96"))
    expect(card.locator("a.directions-osm")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/directions\?route=")
    )
    problems += _problems(officer)
    officer.screenshot(path=shots / "tugas-mobile.png", full_page=True)

    # when he accepts it and resolves it with a photo whose GPS is 2 km away
    card.get_by_role("link", name=re.compile(".")).first.click()
    officer.wait_for_url(re.compile(rf"/staf/tugas/{ticket}$"))
    expect(officer.locator("#task-map.leaflet-container")).to_be_visible()
    problems += _problems(officer)
    officer.click("#accept-button")
    expect(officer.locator("#status")).to_have_class(re.compile(r"\bstatus-in_progress\b"))
    far = tmp_path / "sesudah.jpg"
    far.write_bytes(images.picture(gps=KLOJEN, colour=(90, 160, 90)))
    officer.set_input_files("#resolve-photo", str(far))
    officer.fill("#resolve-note", "Lubang sudah ditambal.")
    officer.click("#resolve-button")
    officer.wait_for_url(re.compile(r"/staf/tugas$"))
    expect(officer.locator(".alert-warning")).to_be_visible()  # he is told it was flagged
    expect(officer.locator(f".task-card[data-ticket='{ticket}']")).to_have_count(0)

    # then the head sees the flag on the complaint's page and has a notice of it
    head.goto(f"/staf/aduan/{ticket}")
    expect(head.locator(".place-flag[data-check='far']")).to_be_visible()
    head.goto("/staf/pemberitahuan")
    # (the first told them of the new complaint in PUPR's inbox, the second is the flag)
    expect(head.locator(f"#notices a[href*='{ticket}']")).to_have_count(2)
    # and Budi's work counts on the head's field page
    head.goto("/staf/lapangan")
    row = head.locator("#officer-workload tr[data-officer='budi']")
    expect(row.locator(".load-done")).to_have_text("1")
    problems += _problems(head)
    head.screenshot(path=shots / "lapangan-mobile.png", full_page=True)

    photo = Photo.objects.get(complaint=complaint, kind=Photo.Kind.AFTER)
    assert photo.place_check == PlaceCheck.FAR
    assert Complaint.objects.get(pk=complaint.pk).field_officer == budi
    assert problems == []
