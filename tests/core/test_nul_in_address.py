"""A NUL character in a path or query value was a server error on PostgreSQL (text cannot
hold one); it is a 400 in the endpoint's own format."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/api/v1/complaints/%00", "application/json"),
        ("/api/v1/complaints/similar?category=a%00&lat=0&lon=0", "application/json"),
        ("/open311/v2/requests/SBT-1%00.json", "application/json"),
        ("/open311/v2/services/jalan%00.xml", "text/xml"),
        ("/lacak/SBT-1%00", "text/html"),
        ("/peta/daftar?kategori=a%00b", "text/html"),
        ("/feed/kecamatan/35.73%00", "text/html"),
    ],
)
def test_a_nul_in_the_address_is_a_400_in_the_endpoints_format(
    client: Client, city: None, path: str, kind: str
) -> None:
    response = client.get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith(kind)
    assert "NUL" in response.content.decode()


def test_an_address_without_one_is_untouched(client: Client, city: None) -> None:
    assert client.get("/peta/daftar?kategori=jalan-rusak").status_code == 200
