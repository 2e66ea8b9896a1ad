"""Reading complaints through GeoReport v2, in JSON and XML, as any Open311 client does."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import time_machine
from django.test import Client

from balaikota.complaints import intake, services
from balaikota.complaints.models import Complaint
from tests.conftest import KLOJEN, jpeg, submit

BASE = "/open311/v2"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def get_json(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def get_xml(client: Client, path: str, **params: Any) -> ET.Element:
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def test_services_list_every_active_category_with_group_keywords_and_metadata(
    client: Client, tree_question: Any
) -> None:
    services_json = get_json(client, "services")

    by_code = {s["service_code"]: s for s in services_json}
    assert len(services_json) == 19
    roads = by_code["jalan-rusak"]
    assert roads["service_name"] == "Damaged road"
    assert roads["type"] == "realtime"
    assert roads["group"] == "DPUPR"
    assert "aspal" in roads["keywords"]
    assert by_code["pohon-tumbang"]["metadata"] is True
    assert by_code["sampah"]["metadata"] is False

    root = get_xml(client, "services")
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == [s["service_code"] for s in services_json]
    assert root.find("service[service_code='pohon-tumbang']/metadata").text == "true"  # type: ignore[union-attr]


def test_services_match_the_schema(client: Client, city: None, conforms: Any) -> None:
    for service in get_json(client, "services"):
        conforms(service, "service")


def test_service_definition_lists_the_questions_with_their_choices(
    client: Client, tree_question: Any, conforms: Any
) -> None:
    definition = get_json(client, "services/taman-rth")

    conforms(definition, "service-definition")
    assert definition["service_code"] == "taman-rth"
    question = next(a for a in definition["attributes"] if a["code"] == "blocks-road")
    assert question["required"] is True
    assert question["datatype"] == "singlevaluelist"
    assert question["values"] == [{"key": "yes", "name": "Ya"}, {"key": "no", "name": "Tidak"}]

    root = get_xml(client, "services/taman-rth")
    assert root.tag == "service_definition"
    xml_question = next(
        a for a in root.findall("attributes/attribute") if a.findtext("code") == "blocks-road"
    )
    assert [v.findtext("key") for v in xml_question.findall("values/value")] == ["yes", "no"]


def test_requests_have_the_spec_shape_and_types(client: Client, city: None, conforms: Any) -> None:
    complaint = submit(contact=intake.Contact(name="Siti", phone="081234567890"))

    rows = get_json(client, "requests")

    assert isinstance(rows, list)
    assert len(rows) == 1
    row = rows[0]
    conforms(row, "request")
    assert row["service_request_id"] == complaint.ticket
    assert row["status"] == "open"
    assert row["service_code"] == "jalan-rusak"
    assert isinstance(row["lat"], float)
    assert isinstance(row["long"], float)
    assert OFFSET.match(row["requested_datetime"])
    assert OFFSET.match(row["expected_datetime"])
    assert row["agency_responsible"] == "Public Works and Spatial Planning Agency"
    assert row["address"] == "Kel. Sumbersari, Kec. Lowokwaru"


def test_expected_datetime_is_the_working_day_deadline(client: Client, city: None) -> None:
    complaint = submit()

    row = get_json(client, f"requests/{complaint.ticket}")[0]

    assert complaint.due_at is not None
    assert dt.datetime.fromisoformat(row["expected_datetime"]) == complaint.due_at.replace(
        microsecond=0
    )


def test_single_request_is_a_list_of_one_in_both_formats(client: Client, city: None) -> None:
    complaint = submit()

    rows = get_json(client, f"requests/{complaint.ticket}")
    root = get_xml(client, f"requests/{complaint.ticket}")

    assert [r["service_request_id"] for r in rows] == [complaint.ticket]
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [complaint.ticket]
    assert root.findtext("request/status") == "open"
    assert float(root.findtext("request/lat") or "nan") == pytest.approx(complaint.lat)


def test_personal_data_is_never_in_get_output(client: Client, city: None) -> None:
    submit(
        contact=intake.Contact(
            name="Siti Rahayu",
            phone="081234567890",
            email="siti@example.test",
            nik="3573010101010001",
        )
    )

    outputs = [
        client.get(f"{BASE}/requests.{fmt}", {"extensions": "true"}).content.decode()
        for fmt in ("json", "xml")
    ] + [
        client.get(f"{BASE}/servicerequestupdates.{fmt}").content.decode()
        for fmt in ("json", "xml")
    ]

    for output in outputs:
        for secret in ("Siti Rahayu", "081234567890", "siti@example.test", "3573010101010001"):
            assert secret not in output


def test_resolved_and_closed_complaints_show_as_closed_with_notes(
    client: Client, cast: Any
) -> None:
    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff)
    services.resolve_complaint(complaint, cast.pupr_staff, "Lubang sudah ditambal.", jpeg())

    row = get_json(client, f"requests/{complaint.ticket}")[0]

    assert row["status"] == "closed"
    assert row["status_notes"] == "Lubang sudah ditambal."
    assert row["expected_datetime"] is None


def test_filters_by_status_service_code_and_ids(client: Client, cast: Any) -> None:
    road = submit()
    rubbish = submit(
        "Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah", at=KLOJEN
    )
    services.accept_complaint(road, cast.pupr_staff)
    services.resolve_complaint(road, cast.pupr_staff, "Sudah diperbaiki.", jpeg())

    def ids(**params: Any) -> list[str]:
        return [r["service_request_id"] for r in get_json(client, "requests", **params)]

    assert ids(status="closed") == [road.ticket]
    assert ids(status="open") == [rubbish.ticket]
    assert ids(service_code="sampah") == [rubbish.ticket]
    assert set(ids(service_code="sampah,jalan-rusak")) == {road.ticket, rubbish.ticket}
    # With ids, the other filters are ignored, as the specification says.
    assert ids(service_request_id=road.ticket, status="open") == [road.ticket]


def test_without_dates_only_the_last_90_days_are_listed(client: Client, city: None) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        old = submit()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        recent = submit("Jalan retak panjang di depan pasar, bahaya untuk motor.", at=KLOJEN)
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False):
        default = [r["service_request_id"] for r in get_json(client, "requests")]
        june = [
            r["service_request_id"]
            for r in get_json(client, "requests", start_date="2026-05-15", end_date="2026-06-15")
        ]

    assert default == [recent.ticket]
    assert june == [old.ticket]


def test_pages_split_the_list(client: Client, city: None) -> None:
    made = [
        submit(f"Lubang nomor {n} di jalan kampung, tolong segera diperbaiki.") for n in range(5)
    ]

    first = get_json(client, "requests", page_size=2)
    third = get_json(client, "requests", page_size=2, page=3)
    beyond = get_json(client, "requests", page_size=2, page=9)

    newest_first = [c.ticket for c in reversed(made)]
    assert [r["service_request_id"] for r in first] == newest_first[:2]
    assert [r["service_request_id"] for r in third] == newest_first[4:]
    assert beyond == []


def test_extensions_add_internal_status_kelurahan_agency_and_photos(
    client: Client, city: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[jpeg()])

    plain = get_json(client, f"requests/{complaint.ticket}")[0]
    extended = get_json(client, f"requests/{complaint.ticket}", extensions="true")[0]

    assert "extended_attributes" not in plain
    extra = extended["extended_attributes"]
    assert extra["status"] == "assigned"
    assert extra["kelurahan"] == {"code": "35.73.05.1005", "name": "Sumbersari"}
    assert extra["kecamatan"]["name"] == "Lowokwaru"
    assert extra["agency_code"] == "dpupr"
    assert len(extra["photos"]) == 1
    assert extra["photos"][0]["url"] == extended["media_url"]


def test_media_url_points_at_the_public_photo_without_metadata(
    client: Client, city: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[jpeg(gps=(-7.96, 112.61))])

    media_url = get_json(client, f"requests/{complaint.ticket}")[0]["media_url"]
    photo = client.get(media_url.removeprefix("http://testserver"))

    assert media_url.startswith("http://testserver/media/photos/")
    body = b"".join(photo.streaming_content) if photo.streaming else photo.content  # type: ignore[attr-defined]
    assert b"Exif" not in body
    assert b"GPS" not in body


def test_service_request_updates_follow_every_step(client: Client, cast: Any) -> None:
    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff, "Tim menuju lokasi.")

    updates = get_json(client, "servicerequestupdates")
    root = get_xml(client, "servicerequestupdates")

    mine = [u for u in updates if u["service_request_id"] == complaint.ticket]
    assert [u["external_status_code"] for u in mine] == ["submitted", "assigned", "in_progress"]
    assert mine[-1]["description"] == "Tim menuju lokasi."
    assert all(u["status"] == "open" for u in mine)
    assert root.tag == "service_request_updates"
    assert len(root.findall("request_update")) == len(updates)


def test_discovery_names_the_endpoint_and_formats(client: Client, city: None) -> None:
    discovery = get_json(client, "discovery")
    root = get_xml(client, "discovery")

    endpoint = discovery["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert (
        root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    )
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_the_developer_page_explains_keys_and_lists_services(client: Client, city: None) -> None:
    page = client.get("/open311/")

    assert page.status_code == 200
    assert b"create-api-key" in page.content
    assert b"jalan-rusak" in page.content


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("services/tidak-ada.json", 404),
        ("requests/SBT-NOTHERE.json", 404),
        ("tokens/nothing.json", 404),
        ("requests.csv", 400),
        ("requests.json?start_date=kemarin", 400),
        ("requests.json?start_date=2026-01-01&end_date=2026-06-01", 400),
        ("requests.json?end_date=2026-01-01&start_date=2026-02-01", 400),
        ("requests.json?status=pending", 400),
        ("requests.json?end_date=0001-01-01", 400),
        ("servicerequestupdates.json?start_date=9999-12-31", 400),
        ("requests.json?page=0", 400),
        ("requests.json?page_size=lots", 400),
        ("requests.json?jurisdiction_id=surabaya.go.id", 404),
        ("requests.json?api_key=wrong", 403),
    ],
)
def test_errors_come_in_the_spec_format(client: Client, city: None, path: str, status: int) -> None:
    response = client.get(f"{BASE}/{path}")

    assert response.status_code == status
    errors = json.loads(response.content)
    assert isinstance(errors, list)
    assert errors
    assert errors[0]["code"] == status
    assert isinstance(errors[0]["description"], str)
    assert errors[0]["description"]


def test_errors_in_xml_are_an_errors_element(client: Client, city: None) -> None:
    response = client.get(f"{BASE}/services/tidak-ada.xml")

    root = ET.fromstring(response.content)
    assert response.status_code == 404
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert root.findtext("error/description")


def test_every_listed_request_counts_one_query_set(
    client: Client, city: None, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        submit(f"Jalan rusak nomor {n}, sangat berbahaya untuk pengendara.", photo_files=[jpeg()])

    with django_assert_max_num_queries(6):
        rows = get_json(client, "requests", extensions="true")

    assert len(rows) == Complaint.objects.count()
