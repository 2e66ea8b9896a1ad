"""/privasi: the privacy notice, generated from the settings, in Indonesian and English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings: Any) -> None:
    settings.RETENTION_CONTACT_DAYS = 400
    settings.RETENTION_OUTBOX_DAYS = 21
    settings.RETENTION_GATEWAY_DAYS = 60
    settings.RETENTION_DEVICE_ID_DAYS = 45
    settings.RETENTION_REQUESTS_DAYS = 1000
    settings.PRIVACY_OFFICER_NAME = "Dewi Lestari, PPDP Kota Malang"
    settings.PRIVACY_OFFICER_EMAIL = "ppdp@malangkota.example"
    settings.PRIVACY_OFFICER_ADDRESS = "Jl. Tugu No. 1, Malang 65119"


def page(language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(reverse("privacy:notice"))
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, row_id: str) -> str:
    start = html.index(f'id="{row_id}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize(
    ("language", "days", "basis"),
    [
        ("en", "400 days after the complaint is closed", "public task"),
        ("id", "400 hari setelah laporan ditutup", "tugas publik"),
    ],
)
def test_the_notice_shows_the_configured_periods_and_officer(
    configured: None, language: str, days: str, basis: str
) -> None:
    html = page(language)
    assert f'lang="{language}"' in html
    assert days in row(html, "keep-contact")
    for row_id, number in (
        ("keep-messages", "21"),
        ("keep-gateway", "60"),
        ("keep-devices", "45"),
        ("keep-requests", "1000"),
    ):
        assert number in row(html, row_id)
    assert basis in html
    assert "Dewi Lestari, PPDP Kota Malang" in html
    assert 'href="mailto:ppdp@malangkota.example"' in html
    assert "Jl. Tugu No. 1, Malang 65119" in html


def test_the_notice_says_who_sees_what_under_each_mode(configured: None) -> None:
    english, indonesian = page("en"), page("id")
    assert "data protection officer may reveal it, with a written reason" in row(
        english, "mode-anonymous"
    )
    assert "you are told" in row(english, "mode-anonymous")
    assert "not published anywhere" in row(english, "mode-confidential")
    assert "pejabat pelindungan data pribadi yang boleh membukanya" in row(
        indonesian, "mode-anonymous"
    )
    assert "3 × 24" in english
    assert "3 × 24" in indonesian


def test_every_page_links_to_the_notice(db: None) -> None:
    html = Client().get(reverse("complaints:track_lookup")).content.decode()
    assert f'href="{reverse("privacy:notice")}"' in html


def test_the_notice_has_no_inline_style_or_script(configured: None) -> None:
    html = page("en")
    assert "style=" not in html
    assert "<script>" not in html
