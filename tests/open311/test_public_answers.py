"""The public lists are kept ready between changes (core/answercache.py): a client never
notices it, except that an unchanged list costs nothing to ask for again."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balaikota.complaints import moderation
from balaikota.complaints.models import Category
from balaikota.core.answercache import PUBLIC
from balaikota.open311 import services
from tests.conftest import Cast, submit

pytestmark = pytest.mark.django_db

LIST = "/open311/v2/requests.json"


def tickets(client: Client, path: str = LIST) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in json.loads(response.content)]


def test_a_new_public_complaint_shows_in_the_list_at_once(client: Client, city: None) -> None:
    first = submit()
    assert tickets(client) == [first.ticket]

    second = submit("Lampu jalan mati sejak seminggu, gelap sekali di malam hari.")

    assert tickets(client) == [second.ticket, first.ticket]


def test_a_complaint_made_confidential_leaves_every_list_at_once(
    client: Client, cast: Cast
) -> None:
    complaint = submit()
    xml = "/open311/v2/requests.xml"
    assert tickets(client) == [complaint.ticket]
    assert complaint.ticket in client.get(xml).content.decode()

    moderation.change_privacy(complaint, "confidential", user=cast.operator)

    assert tickets(client) == []
    assert complaint.ticket not in client.get(xml).content.decode()


def test_a_withheld_complaint_leaves_the_list_at_once(client: Client, cast: Cast) -> None:
    complaint = submit()
    assert tickets(client) == [complaint.ticket]

    moderation.set_withheld(complaint, cast.operator, True, "Menyebut nama orang.")

    assert tickets(client) == []


def test_a_client_holding_the_list_gets_304_until_it_changes(client: Client, city: None) -> None:
    submit()
    first = client.get(LIST)
    etag = first["ETag"]

    unchanged = client.get(LIST, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    newer = submit("Lampu jalan mati sejak seminggu, gelap sekali di malam hari.")
    changed = client.get(LIST, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert newer.ticket in changed.content.decode()


def test_the_compressed_list_is_the_same_list(client: Client, city: None) -> None:
    for n in range(3):
        submit(f"Jalan berlubang nomor {n} di depan sekolah, motor sering jatuh.")
    plain = client.get(LIST)

    packed = client.get(LIST, headers={"Accept-Encoding": "gzip, deflate"})

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"]


def test_each_language_gets_its_own_service_names(client: Client, city: None) -> None:
    def names(language: str) -> set[str]:
        response = client.get("/open311/v2/services.json", headers={"Accept-Language": language})
        return {row["service_name"] for row in json.loads(response.content)}

    road = Category.objects.get(slug="jalan-rusak")
    assert road.name in names("id")
    assert road.name_en in names("en")
    assert road.name in names("id")


def test_a_renamed_category_shows_at_once(client: Client, city: None) -> None:
    headers = {"Accept-Language": "id"}
    client.get("/open311/v2/services.json", headers=headers)
    road = Category.objects.get(slug="jalan-rusak")
    road.name = "Jalan dan trotoar rusak"
    road.save()

    rows = json.loads(client.get("/open311/v2/services.json", headers=headers).content)

    assert "Jalan dan trotoar rusak" in {row["service_name"] for row in rows}


def test_new_reports_leave_the_services_as_kept(client: Client, city: None) -> None:
    services_json = "/open311/v2/services.json"
    first = client.get(services_json)
    submit()

    with CaptureQueriesContext(connection) as queries:
        again = client.get(services_json)

    assert again.content == first.content
    assert not [q for q in queries.captured_queries if "complaints_category" in q["sql"]]


def test_the_api_categories_follow_a_rename_at_once(client: Client, city: None) -> None:
    def names() -> set[str]:
        return {row["name"] for row in client.get("/api/v1/categories").json()}

    assert "Jalan rusak" in names()
    road = Category.objects.get(slug="jalan-rusak")
    road.name = "Jalan dan trotoar rusak"
    road.save()

    assert "Jalan dan trotoar rusak" in names()


def test_a_revoked_key_is_refused_at_once(client: Client, city: None) -> None:
    api_client, key = services.create_client(name="Malang Bersuara", organisation="Komunitas")
    assert client.get(LIST, {"api_key": key}).status_code == 200

    services.revoke_client(api_client)

    assert client.get(LIST, {"api_key": key}).status_code == 403


def test_the_list_answers_every_host_with_its_own_links(client: Client, city: None) -> None:
    submit()

    def tracking_url(host: str) -> Any:
        response = client.get(LIST, {"extensions": "true"}, headers={"Host": host})
        return json.loads(response.content)[0]["extended_attributes"]["tracking_url"]

    assert tracking_url("localhost").startswith("http://localhost/")
    assert tracking_url("testserver").startswith("http://testserver/")


@pytest.mark.django_db(transaction=True)
def test_other_processes_learn_of_a_change_when_it_commits_and_not_before(city: None) -> None:
    shared_before = PUBLIC.current()[0]
    with transaction.atomic():
        submit()
        # Still the old generation for every other process: nothing is committed yet.
        assert PUBLIC.current()[0] == shared_before

    assert PUBLIC.current()[0] != shared_before
