"""Browser story: an operator on a phone forwards a complaint by hand to another GeoReport
system (this application, served for real), and an admin uploads new kelurahan boundaries,
reads the preview and confirms it. Each new page: no sideways scroll at 390 px (the staff
page) and no serious or critical axe-core violation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely
from playwright.sync_api import Page, expect
from shapely.geometry import mapping, shape

from balaikota.complaints.models import Category
from balaikota.open311 import services
from balaikota.open311.models import Forward, ForwardingTarget, ForwardState
from balaikota.regions.models import Level, Region
from tests.conftest import KLOJEN, Cast, submit
from tests.e2e.conftest import PHONE, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_forwards_a_complaint_by_hand_on_a_phone(
    new_page: Callable[..., Page], cast: Cast, live_server: Any, settings: Any
) -> None:
    # given: a configured target (licences go there by rule) and a road complaint
    settings.FETCH_PRIVATE_ADDRESSES = True
    _client, key = services.create_client(name="SP4N-LAPOR (uji)", organisation="KemenPAN-RB")
    ForwardingTarget.objects.create(
        name="SP4N-LAPOR!",
        endpoint=f"{live_server.url}/open311/v2/",
        api_key=key,
        jurisdiction_id=settings.OPEN311_JURISDICTION,
        service_code="sampah",
        category=Category.objects.get(slug="perizinan"),
    )
    complaint = submit(at=KLOJEN)
    page = new_page(phone=True)
    log_in(page, cast.operator.username)

    # when: the operator opens the complaint and forwards it with a note
    page.goto(f"/staf/aduan/{complaint.ticket}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#forward-by-hand summary").click()
    page.select_option("#forward-target", label="SP4N-LAPOR!")
    page.fill("#forward-note", "Menyangkut jalan nasional, kewenangan pusat.")
    assert axe_violations(page) == []
    page.locator("#forward-button").click()

    # then: sent for real, and the page says where, with their number
    forward = Forward.objects.get(complaint=complaint)
    assert forward.state == ForwardState.SENT
    expect(page.locator("#forwards")).to_contain_text("SP4N-LAPOR!")
    expect(page.locator("#forwards")).to_contain_text(forward.remote_id)
    expect(page.locator("#forward-by-hand")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []


def test_an_admin_uploads_boundaries_previews_and_confirms(
    new_page: Callable[..., Page], cast: Cast, tmp_path: Path
) -> None:
    # given: a file where kelurahan Klojen joins Rampalcelaket, and a complaint in Klojen
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    complaint = submit(at=KLOJEN)
    features = {
        r.code: {
            "type": "Feature",
            "geometry": r.geometry,
            "properties": {
                "kode": r.code,
                "nama": r.name,
                "kode_kecamatan": r.parent.code if r.parent else "",
                "kecamatan": r.parent.name if r.parent else "",
            },
        }
        for r in Region.objects.filter(level=Level.VILLAGE).select_related("parent")
    }
    gone = features.pop("35.73.02.1001")
    into = features["35.73.02.1002"]
    into["geometry"] = mapping(
        shapely.union_all([shape(gone["geometry"]), shape(into["geometry"])])
    )
    path = tmp_path / "batas-kelurahan.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features.values())}))
    page = new_page()
    log_in(page, cast.admin.username)

    # when: the admin opens the regions, uploads the file
    page.goto("/admin/regions/region/")
    page.locator("#upload-boundaries").click()
    assert axe_violations(page, "#content-main") == []
    page.set_input_files("#id_file", str(path))
    # Checking the file and counting the complaints it moves take a few seconds.
    with page.expect_navigation(timeout=60_000):
        page.locator("#upload-button").click()

    # then: the preview says what would change, before anything changed
    expect(page.locator("#upload-removed")).to_contain_text("Klojen")
    expect(page.locator("#upload-moved")).to_contain_text("1")
    assert Region.objects.filter(code="35.73.02.1001").exists()
    assert axe_violations(page, "#content-main") == []

    # when: the admin confirms
    with page.expect_navigation(timeout=60_000):
        page.locator("#confirm-button").click()

    # then: applied, and the complaint now lies in Rampalcelaket
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert not Region.objects.filter(code="35.73.02.1001").exists()
    complaint.refresh_from_db()
    assert complaint.region is not None
    assert complaint.region.code == "35.73.02.1002"
