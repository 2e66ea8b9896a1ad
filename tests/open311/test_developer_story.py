"""A community developer's first hour, over real HTTP: read the API page, get a key, post a
complaint with a location and a photo URL, and follow it in JSON and in XML."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from balaikota.demo import images
from tests.conftest import SUMBERSARI, load_city
from tests.peers import Receiver


def fetch(url: str, data: dict[str, str] | None = None) -> tuple[int, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.django_db(transaction=True)
def test_a_developer_posts_and_follows_a_complaint(
    live_server: Any, settings: Any, webhook_receiver: Receiver
) -> None:
    settings.FETCH_PRIVATE_ADDRESSES = True
    load_city()
    base = f"{live_server.url}/open311/v2"
    webhook_receiver.files["/jalan.jpg"] = (200, "image/jpeg", images.picture(gps=SUMBERSARI))

    # The API page tells how to get a key; the city's admin makes one.
    status, page = fetch(f"{live_server.url}/open311/")
    assert status == 200
    assert b"create-api-key" in page
    out = StringIO()
    call_command("create_api_key", "--name", "Ngalam Lapor", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]

    # Discovery and services, as a generic client starts.
    status, discovery = fetch(f"{base}/discovery.json")
    assert json.loads(discovery)["endpoints"][0]["url"] == base
    status, services = fetch(f"{base}/services.xml")
    codes = [s.findtext("service_code") for s in ET.fromstring(services).findall("service")]
    assert "jalan-rusak" in codes

    # Posting without the key is refused; with it, the complaint is made.
    form = {
        "service_code": "jalan-rusak",
        "lat": str(SUMBERSARI[0]),
        "long": str(SUMBERSARI[1]),
        "description": "Jalan berlubang dalam di depan SDN Sumbersari 2, sudah ada yang jatuh.",
        "media_url": webhook_receiver.base + "/jalan.jpg",
        "email": "pelapor@example.test",
    }
    status, _body = fetch(f"{base}/requests.json", form)
    assert status == 403
    status, created = fetch(f"{base}/requests.json", {**form, "api_key": key})
    assert status == 201
    answer = json.loads(created)[0]

    # The token leads to the id; the request is followed in JSON and XML.
    status, by_token = fetch(f"{base}/tokens/{answer['token']}.json")
    ticket = json.loads(by_token)[0]["service_request_id"]
    assert ticket == answer["service_request_id"]
    status, as_json = fetch(f"{base}/requests/{ticket}.json")
    status, as_xml = fetch(f"{base}/requests/{ticket}.xml")
    row = json.loads(as_json)[0]
    root = ET.fromstring(as_xml)
    assert row["status"] == "open"
    assert row["agency_responsible"]
    assert row["media_url"].startswith(
        live_server.url.replace("localhost", "127.0.0.1").split(":")[0]
    )
    assert root.findtext("request/service_request_id") == ticket
    assert root.findtext("request/media_url") == row["media_url"]
    assert b"pelapor@example.test" not in as_json + as_xml
