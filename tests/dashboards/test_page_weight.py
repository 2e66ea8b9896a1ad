"""/dasbor and /peta stay light for a phone: under 300 KB transferred (gzip, as served by
WhiteNoise), with every stylesheet, script and map data they load, without map tiles."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from balaikota.dashboards import summaries
from tests.dashboards.conftest import Story

pytestmark = pytest.mark.django_db

BUDGET = 300 * 1024


def transferred(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def assets(html: str) -> list[str]:
    return re.findall(
        r'(?:href|src)="' + re.escape(settings.STATIC_URL) + r'([^"]+\.(?:css|js|svg))"', html
    )


def weight(client: Client, url: str, extra: list[str] = ()) -> int:  # type: ignore[assignment]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    total = transferred(response.content)
    names = assets(html)
    assert names, "the page loads no static files?"
    for name in names:
        path = finders.find(name)
        assert path, name
        with open(path, "rb") as handle:
            total += transferred(handle.read())
    for data_url in extra:
        total += transferred(client.get(data_url).content)
    return total


def test_the_dashboard_stays_under_300_kb(story: Story, now: Any, client: Client) -> None:
    summaries.refresh()
    assert weight(client, "/dasbor") < BUDGET


def test_the_map_stays_under_300_kb_with_its_data(story: Story, client: Client) -> None:
    total = weight(
        client,
        "/peta",
        [
            "/api/v1/regions/boundaries",
            "/peta/wilayah",
            "/peta/data?bbox=112.55,-8.05,112.72,-7.88&zoom=13",
        ],
    )
    assert total < BUDGET
