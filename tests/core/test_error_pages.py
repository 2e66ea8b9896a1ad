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


def test_a_refused_visitor_is_offered_to_log_in_and_the_way_home(client: Client) -> None:
    response = client.get("/halaman-yang-tidak-ada")
    page = response.content.decode()
    assert 'id="error-log-in" href="/masuk/?next=/halaman-yang-tidak-ada"' in page
    assert 'id="error-home" href="/"' in page


def test_a_form_sent_without_its_csrf_token_is_refused_in_the_sites_layout_in_indonesian(
    city: None,
) -> None:
    browser = Client(enforce_csrf_checks=True)
    with translation.override("id"):
        response = browser.post(
            "/langganan", {"email": "a@example.test"}, HTTP_ACCEPT_LANGUAGE="id"
        )
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="endpoint-error"' in page
    assert 'lang="id"' in page
    assert "Lapor" in page  # the site's navigation, in Indonesian
    assert "CSRF" not in page  # not Django's English page
    # and it says what to do (read here in English, the message id)
    english = browser.post("/langganan", {"email": "a@example.test"}).content.decode()
    assert "reload the page and send it again" in english


def _boom(request: object) -> None:
    raise RuntimeError("the database went away")


def _urls_with_a_failing_view() -> object:
    """The project's URL conf (and its handler500) with one view that fails."""
    import types

    from django.urls import path

    from balaikota import urls

    module = types.ModuleType("urls_with_a_failing_view")
    module.urlpatterns = [path("gagal", _boom), *urls.urlpatterns]  # type: ignore[attr-defined]
    module.handler500 = urls.handler500  # type: ignore[attr-defined]
    return module


def test_a_failure_is_a_page_of_the_site_drawn_without_the_database(
    settings,  # type: ignore[no-untyped-def]
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    settings.ROOT_URLCONF = _urls_with_a_failing_view()
    browser = Client(raise_request_exception=False)
    with django_assert_num_queries(0), translation.override("id"):
        response = browser.get("/gagal", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'id="endpoint-error" data-status="500"' in page
    assert settings.CITY_NAME in page  # the site's layout, named for the city
    assert 'lang="id"' in page
    assert 'id="error-home"' in page
    assert "the database went away" not in page
