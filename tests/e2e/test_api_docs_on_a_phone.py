"""The API's Swagger page (/api/v1/docs) on a 390 px phone: Swagger UI is served from this
site (a CDN's would be blocked by the Content-Security-Policy), the page says its language,
and it fits the phone's width, operations open included."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_swagger_page_shows_its_operations_fits_a_phone_and_says_its_language(
    new_page: Callable[..., Page],
) -> None:
    # when a developer opens the API's documentation on a phone
    page = new_page(phone=True)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    page.goto("/api/v1/docs")
    # then Swagger UI shows the operations, with nothing blocked
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert blocked == []
    assert page.evaluate("document.documentElement.lang") == "id"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # and an operation opened, with its parameters and example answers, still fits
    page.locator(".swagger-ui .opblock-summary").first.click()
    expect(page.locator(".swagger-ui .opblock-body").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
