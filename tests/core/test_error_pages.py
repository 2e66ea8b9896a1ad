"""Unknown addresses and refusals read as the endpoint's own errors: JSON under /api/,
GeoReport's error array under /open311/v2/, and a page of the site (its layout, its
language) everywhere else, never Django's bare English text."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_an_unknown_open311_address_is_a_georeport_error_in_its_format(client: Client) -> None:
    as_json = client.get("/open311/v2/tidak-ada.json")
    assert as_json.status_code == 404
    assert as_json.json()[0]["code"] == 404

    as_xml = client.get("/open311/v2/tidak-ada.xml")
    assert as_xml.status_code == 404
    root = ElementTree.fromstring(as_xml.content)
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"  # type: ignore[union-attr]


def test_an_unknown_page_is_a_page_of_the_site_in_indonesian(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "id"
    with translation.override("id"):
        response = client.get("/halaman-yang-tidak-ada", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="id"' in page
    assert "Lapor" in page  # the site's navigation
    assert "Tidak ada apa pun di alamat ini." in page


def test_a_citizen_on_a_staff_page_is_told_why_in_the_sites_layout(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.citizen)
    response = client.get("/staf/kotak-masuk")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is for city staff." in page
    assert 'id="endpoint-error"' in page
    assert "Report a problem" in page  # the site's navigation, not a bare text
