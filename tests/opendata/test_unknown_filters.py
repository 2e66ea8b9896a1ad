"""Open data names a filter it does not know instead of downloading the whole city as if
it had applied it (`aduan.csv?kategori=` did)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx"])
def test_an_unknown_filter_is_a_400_naming_the_known_ones(
    client: Client, city: None, fmt: str
) -> None:
    submit()

    response = client.get(f"/data-terbuka/aduan.{fmt}?kategori=sampah")

    text = response.content.decode()
    assert response.status_code == 400
    assert "Unknown parameter kategori" in text
    assert "start, end, category, agency, kecamatan, status" in text


def test_an_empty_unknown_filter_is_refused_too(client: Client, city: None) -> None:
    assert client.get("/data-terbuka/aduan.csv?kategori=").status_code == 400


def test_the_known_filter_still_filters(client: Client, city: None) -> None:
    submit()

    kept = client.get("/data-terbuka/aduan.csv?category=jalan-rusak")
    other = client.get("/data-terbuka/aduan.csv?category=sampah")

    assert kept.status_code == other.status_code == 200
    assert len(b"".join(kept.streaming_content).splitlines()) == 2
    assert len(b"".join(other.streaming_content).splitlines()) == 1
