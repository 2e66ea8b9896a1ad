"""Open data names a filter it does not know instead of downloading the whole city as if
it had applied it (`aduan.csv?kategory=`), and takes the map's names for its filters."""

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

    response = client.get(f"/data-terbuka/aduan.{fmt}?kategory=sampah")

    text = response.content.decode()
    assert response.status_code == 400
    assert "Unknown parameter kategory" in text
    assert "dari, sampai, kategori, opd, kecamatan, status" in text


def test_an_empty_unknown_filter_is_refused_too(client: Client, city: None) -> None:
    assert client.get("/data-terbuka/aduan.csv?kategory=").status_code == 400


@pytest.mark.parametrize("name", ["kategori", "category"])
def test_the_map_s_filter_names_and_the_former_ones_filter(
    client: Client, city: None, name: str
) -> None:
    submit()

    kept = client.get(f"/data-terbuka/aduan.csv?{name}=jalan-rusak")
    other = client.get(f"/data-terbuka/aduan.csv?{name}=sampah")

    assert kept.status_code == other.status_code == 200
    assert len(b"".join(kept.streaming_content).splitlines()) == 2
    assert len(b"".join(other.streaming_content).splitlines()) == 1
