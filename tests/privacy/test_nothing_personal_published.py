"""Nothing personal is published, by construction.

Complaints are filed through every channel (the web form, `/api/v1`, Open311 and the
SMS/WhatsApp gateway) in every mode (public, anonymous, confidential), each with a name, a
phone number in several writings, an e-mail address, a NIK, a bank account and a vehicle
plate planted in its text and in its contact. Then every public output is read as an
outsider reads it: the pages, the map and its list, the dashboards, Open311 GET in JSON and
XML, `/api/v1` GETs, open data (CSV, GeoJSON, Excel), the Atom feeds, the alert e-mails, the
community client's webhook and the forward to another system. Not one planted value may
appear, and nothing of a confidential complaint (its text, place or photos) either.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from balaikota.complaints import moderation, publication, services
from balaikota.complaints.models import Category, Complaint, Privacy
from balaikota.dashboards import summaries, tables
from balaikota.demo import images
from balaikota.open311 import services as open311
from balaikota.open311.models import ApiClient, ClientRequest, ForwardingTarget, WebhookScope
from balaikota.opendata.models import Subscription
from balaikota.regions.selectors import locate
from tests.conftest import SUMBERSARI, Cast, jpeg
from tests.peers import Receiver, webhook_receiver

__all__ = ["webhook_receiver"]

# What is planted. The name is the reporter's own (in the text and in the contact), the
# neighbour's comes after "Pak"; the phone is written three ways.
NAME = "Sulistyowati Rahayu"
NEIGHBOUR = "Bambang Wibisono"
PHONE = "0812-3456-7890"
PHONE_DIGITS = "81234567890"  # every writing, without its 0 or 62
EMAIL = "sulis.rahayu@contoh.id"
NIK = "3573015807900001"
PLATE = "N 1234 AB"
ACCOUNT = "003401012345509"
PLANTED = ("Sulistyowati", "Rahayu", "Bambang", "Wibisono", "sulis.rahayu", NIK, ACCOUNT, PLATE)

# Confidential complaints are all here, in Kelurahan Klojen; the others in Sumbersari.
SECRET_PLACE = (-7.97313, 112.63488)
SECRET_COORDINATES = ("-7.97313", "112.63488")
CHANNELS = ("web", "api", "open311", "gateway")
MODES = (Privacy.PUBLIC, Privacy.ANONYMOUS, Privacy.CONFIDENTIAL)
GATEWAY_SECRET = "rahasia-gateway"


def marker(channel: str, mode: str) -> str:
    """A word that survives redaction: it shows whether the complaint's text is out."""
    return f"tandauji{channel}{mode}"


def complaint_text(channel: str, mode: str) -> str:
    return (
        f"Nama saya {NAME}, warga RT 05 RW 03. Jalan berlubang besar di depan rumah no. 12, "
        f"motor sering jatuh {marker(channel, mode)}. Mobil {PLATE} milik tetangga saya Pak "
        f"{NEIGHBOUR} parkir menutup saluran. Hubungi {PHONE} atau +62 812 3456 7890 atau "
        f"081234567890, e-mail {EMAIL}, NIK {NIK}, rekening BRI {ACCOUNT}."
    )


def place(mode: str) -> tuple[float, float]:
    return SECRET_PLACE if mode == Privacy.CONFIDENTIAL else SUMBERSARI


@dataclass
class Filed:
    channel: str
    mode: str
    ticket: str

    @property
    def complaint(self) -> Complaint:
        return Complaint.objects.get(ticket=self.ticket)

    @property
    def marker(self) -> str:
        return marker(self.channel, self.mode)

    @property
    def confidential(self) -> bool:
        return self.mode == Privacy.CONFIDENTIAL


@dataclass
class City:
    """What was filed, and the reporter's browser (it holds the private links)."""

    filed: list[Filed]
    reporter: Client
    receiver: Receiver

    def of(self, channel: str, mode: str) -> Filed:
        return next(f for f in self.filed if f.channel == channel and f.mode == mode)

    @property
    def secret(self) -> list[Filed]:
        return [f for f in self.filed if f.confidential]

    @property
    def published(self) -> list[Filed]:
        return [f for f in self.filed if not f.confidential]


# --- Filing ----------------------------------------------------------------------------------


def _file_on_the_web(reporter: Client, mode: str) -> str:
    lat, lon = place(mode)
    response = reporter.post(
        "/lapor",
        {
            "text": complaint_text("web", mode),
            "category": "jalan-rusak",
            "lat": lat,
            "lon": lon,
            "location_source": "map",
            "photos": [jpeg(f"web-{mode}.jpg")],
            "name": NAME,
            "phone": PHONE,
            "email": EMAIL,
            "nik": NIK,
            "privacy": mode,
        },
    )
    assert response.status_code == 302, response.content
    return str(response["Location"]).rstrip("/").rsplit("/", 1)[-1]


def _file_by_api(mode: str) -> str:
    lat, lon = place(mode)
    response = Client().post(
        "/api/v1/complaints",
        {
            "text": complaint_text("api", mode),
            "category": "jalan-rusak",
            "lat": str(lat),
            "lon": str(lon),
            "name": NAME,
            "phone": "+62 812 3456 7890",
            "email": EMAIL,
            "nik": NIK,
            "privacy": mode,
            "photos": [jpeg(f"api-{mode}.jpg")],
        },
    )
    assert response.status_code == 201, response.content
    return str(response.json()["ticket"])


def _file_by_open311(api_key: str, receiver: Receiver, mode: str) -> str:
    lat, lon = place(mode)
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "jalan-rusak",
            "lat": str(lat),
            "long": str(lon),
            "address_string": f"Jl. Veteran, depan rumah Pak {NEIGHBOUR}",
            "description": complaint_text("open311", mode),
            "first_name": "Sulistyowati",
            "last_name": "Rahayu",
            "phone": "081234567890",
            "email": EMAIL,
            "media_url": f"{receiver.base}/foto-{mode}.jpg",
            "privacy": mode,
        },
    )
    assert response.status_code == 201, response.content
    return str(json.loads(response.content)[0]["service_request_id"])


def _file_by_gateway(receiver: Receiver, mode: str) -> str:
    lat, lon = place(mode)
    word = {Privacy.PUBLIC: "", Privacy.ANONYMOUS: "ANONIM ", Privacy.CONFIDENTIAL: "RAHASIA "}
    response = Client().post(
        "/gateway/pesan",
        json.dumps(
            {
                "id": f"pesan-{mode}",
                "from": "+6281234567890",
                "text": f"SAMBAT {word[mode]}{complaint_text('gateway', mode)}",
                "channel": "whatsapp",
                "lat": lat,
                "lon": lon,
                "media_url": f"{receiver.base}/wa-{mode}.jpg",
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {GATEWAY_SECRET}"},
    )
    assert response.status_code == 200, response.content
    [ticket] = re.findall(r"SBT-[A-Z0-9]+", response.json()["reply"])[:1]
    return str(ticket)


@pytest.fixture
def planted(
    cast: Cast,
    settings: Any,
    webhook_receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> City:
    """Twelve complaints (four channels, three modes), followed by a community client's
    webhook, alerts on both kelurahan and a forward of the road category to another system;
    then an agency's note and a moderator's edit, each naming people too."""
    settings.GATEWAY_SECRET = GATEWAY_SECRET
    settings.GATEWAY_SEND_URL = webhook_receiver.url  # replies to the reporter, not checked
    settings.FETCH_PRIVATE_ADDRESSES = True
    for mode in MODES:
        for name in (f"/foto-{mode}.jpg", f"/wa-{mode}.jpg"):
            webhook_receiver.files[name] = (200, "image/jpeg", images.picture())
    client_row, api_key = open311.create_client(name="Malang Bersuara", organisation="Komunitas")
    ApiClient.objects.filter(pk=client_row.pk).update(
        webhook_url=webhook_receiver.url, webhook_scope=WebhookScope.ALL
    )
    for lat_lon in (SUMBERSARI, SECRET_PLACE):
        village = locate(*lat_lon).village
        assert village is not None
        Subscription.objects.create(
            email=f"warga-{village.code}@example.test",
            region=village,
            token=f"token-{village.code}",
            confirmed_at=timezone.now(),
        )
    ForwardingTarget.objects.create(
        name="Sistem Provinsi",
        endpoint=f"{webhook_receiver.base}/v2/",
        api_key="kunci-provinsi",
        category=Category.objects.get(slug="jalan-rusak"),
        # Keeps complaints confidential: it receives them too, as their public version.
        accepts_confidential=True,
    )

    reporter = Client()
    filed = []
    for mode in MODES:
        for channel in CHANNELS:
            with django_capture_on_commit_callbacks(execute=True):
                if channel == "web":
                    ticket = _file_on_the_web(reporter, mode)
                elif channel == "api":
                    ticket = _file_by_api(mode)
                elif channel == "open311":
                    ticket = _file_by_open311(api_key, webhook_receiver, mode)
                else:
                    ticket = _file_by_gateway(webhook_receiver, mode)
            filed.append(Filed(channel, mode, ticket))
    city = City(filed, reporter, webhook_receiver)

    with django_capture_on_commit_callbacks(execute=True):
        noted = city.of("web", Privacy.PUBLIC).complaint
        assert noted.agency is not None
        assert noted.agency.code == "dpupr"
        services.accept_complaint(noted, cast.pupr_staff)
        services.add_progress_note(
            noted, cast.pupr_staff, f"Sudah dicek bersama Pak {NEIGHBOUR} ({PHONE}).", None
        )
        moderation.edit_public_text(
            city.of("api", Privacy.PUBLIC).complaint,
            cast.operator,
            f"Jalan berlubang besar, motor sering jatuh {marker('api', Privacy.PUBLIC)}.",
            reason=f"Nomor {PHONE} dan nama {NAME} dihapus.",
        )
    # The worker's figures for the dashboard and the map's unfiltered views.
    summaries.refresh()
    summaries.refresh_map()
    return city


# --- Reading every public output -------------------------------------------------------------


def _content(url: str, response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if url.split("?")[0].endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            "\t".join("" if value is None else str(value) for value in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return raw.decode("utf-8")


@dataclass(frozen=True)
class Output:
    url: str
    text: str
    about: str = ""  # the ticket asked for, when the output is about one complaint


def read(url: str, about: str = "") -> Output:
    """An output as an outsider reads it: a fresh browser, no session, no key."""
    response = Client().get(url, follow=True)
    assert response.status_code in {200, 404}, (url, response.status_code)
    return Output(url, _content(url, response), about)


def public_outputs(city: City) -> Iterator[Output]:
    tickets = [f.ticket for f in city.filed]
    klojen = locate(*SECRET_PLACE).village
    sumbersari = locate(*SUMBERSARI).village
    assert klojen is not None
    assert sumbersari is not None
    bbox = "112.55,-8.05,112.70,-7.90"

    yield read("/")
    for ticket in tickets:
        yield read(f"/lacak/{ticket}", about=ticket)
        yield read(f"/lapor/terkirim/{ticket}", about=ticket)
        yield read(f"/api/v1/complaints/{ticket}", about=ticket)
        for fmt in ("json", "xml"):
            yield read(f"/open311/v2/requests/{ticket}.{fmt}?extensions=true", about=ticket)
    similar = urllib.parse.urlencode(
        {
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "text": "jalan berlubang besar motor sering jatuh",
        }
    )
    yield read(f"/api/v1/complaints/similar?{similar}")
    near_the_secret = urllib.parse.urlencode(
        {"category": "jalan-rusak", "lat": SECRET_PLACE[0], "lon": SECRET_PLACE[1]}
    )
    yield read(f"/api/v1/complaints/similar?{near_the_secret}&text=jalan+berlubang+besar")

    # The map, its list, the density layer and the dashboards.
    yield read("/peta")
    for zoom in (12, 14, 17):
        yield read(f"/peta/data?bbox={bbox}&zoom={zoom}")
        yield read(f"/peta/data?bbox={bbox}&zoom={zoom}&kategori=jalan-rusak")
    yield read("/peta/wilayah")
    yield read("/peta/daftar")
    yield read(f"/peta/daftar?kelurahan={klojen.code}")
    yield read("/dasbor")
    summary = summaries.current()
    assert summary is not None
    for table in tables.all_tables(summary.data, "month"):
        yield read(f"/dasbor/{table.slug}.csv")

    # Open311 GET.
    ids = ",".join(tickets)
    for fmt in ("json", "xml"):
        yield read(f"/open311/v2/requests.{fmt}")
        yield read(f"/open311/v2/requests.{fmt}?extensions=true")
        yield read(f"/open311/v2/requests.{fmt}?service_request_id={ids}&extensions=true")
        yield read(f"/open311/v2/servicerequestupdates.{fmt}")
        for link in ClientRequest.objects.select_related("complaint"):
            yield read(f"/open311/v2/tokens/{link.token}.{fmt}", about=link.complaint.ticket)

    # Open data and the feeds.
    for fmt in ("csv", "geojson", "xlsx"):
        yield read(f"/data-terbuka/aduan.{fmt}")
    for village in (klojen, sumbersari):
        yield read(f"/feed/kelurahan/{village.code}")
        assert village.parent is not None
        yield read(f"/feed/kecamatan/{village.parent.code}")
    for slug in set(Complaint.objects.exclude(category=None).values_list("category__slug")):
        yield read(f"/feed/kategori/{slug[0]}")


def _squeezed(text: str) -> str:
    """The text without the separators people put inside numbers."""
    return re.sub(r"[\s.\-()+]", "", text)


def personal_data_in(text: str) -> list[str]:
    found = [value for value in PLANTED if value.lower() in text.lower()]
    if PHONE_DIGITS in _squeezed(text):
        found.append(PHONE)
    return found


def secrets_in(text: str, city: City, about: str = "") -> list[str]:
    """Whatever of a confidential complaint is in `text`: its words, ticket (unless the
    output is about that very ticket), place, or the names of its photo files."""
    found = []
    for secret in city.secret:
        complaint = secret.complaint
        if secret.marker in text:
            found.append(secret.marker)
        if secret.ticket in text and secret.ticket != about:
            found.append(secret.ticket)
        for photo in complaint.photos.all():
            for name in (photo.image.name, photo.thumbnail.name, photo.staff_image):
                if name and name.rsplit("/", 1)[-1] in text:
                    found.append(name)
    found += [c for c in SECRET_COORDINATES if c in text]
    return found


# --- What is checked ------------------------------------------------------------------------------


def _no_public_output_holds_any_planted_personal_data(planted: City, outputs: list[Output]) -> None:
    leaks = {o.url: personal_data_in(o.text) for o in outputs if personal_data_in(o.text)}

    assert leaks == {}


def _no_public_output_holds_anything_of_a_confidential_complaint(
    planted: City, outputs: list[Output]
) -> None:
    leaks = {o.url: secrets_in(o.text, planted, o.about) for o in outputs}

    assert {url: found for url, found in leaks.items() if found} == {}


def _the_place_of_a_confidential_complaint_is_in_no_list_of_complaints(
    planted: City, outputs: list[Output]
) -> None:
    # given: the only complaints in Klojen are confidential ones
    klojen = locate(*SECRET_PLACE).village
    sumbersari = locate(*SUMBERSARI).village
    assert klojen is not None
    assert sumbersari is not None
    assert sumbersari.parent is not None
    lists = (
        "/open311/v2/requests",
        "/open311/v2/servicerequestupdates",
        "/data-terbuka/",
        "/feed/kategori/",
        f"/feed/kelurahan/{sumbersari.code}",
        f"/feed/kecamatan/{sumbersari.parent.code}",
    )
    secret_tickets = {s.ticket for s in planted.secret}
    complaint_lists = [
        o for o in outputs if o.url == "/" or o.url.startswith(lists) or o.about in secret_tickets
    ]

    # then: no list, export, feed, Open311 or API answer, nor the page of a confidential
    # complaint, names its place
    assert [o.url for o in complaint_lists if "Klojen" in o.text] == []
    # and the density layer, the dashboard and Klojen's feed count nothing there
    areas = json.loads(read("/peta/wilayah").text)["areas"]
    assert next(a for a in areas if a["code"] == klojen.code)["count"] == 0
    summary = summaries.current()
    assert summary is not None
    assert str(klojen.parent_id) not in summary.data["districts"]
    assert "<entry>" not in read(f"/feed/kelurahan/{klojen.code}").text


def _the_public_outputs_do_show_the_published_complaints(
    planted: City, outputs: list[Output]
) -> None:
    """The searches above would pass on empty outputs: these prove they are not empty."""
    by_url = {o.url: o.text for o in outputs}
    everywhere = [
        "/data-terbuka/aduan.csv",
        "/data-terbuka/aduan.geojson",
        "/data-terbuka/aduan.xlsx",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/feed/kategori/jalan-rusak",
    ]
    for published in planted.published:
        if published.complaint.category is None or published.complaint.category.slug != (
            "jalan-rusak"
        ):
            continue
        for url in everywhere:
            assert published.marker in by_url[url], (url, published)
        assert published.ticket in by_url["/peta/daftar"]
        assert published.ticket in by_url["/peta/data?bbox=112.55,-8.05,112.70,-7.90&zoom=17"]
    for published in planted.published:
        assert published.marker in by_url[f"/lacak/{published.ticket}"]
        assert published.marker in by_url[f"/api/v1/complaints/{published.ticket}"]
        # and their text is there with the personal data hidden
        assert "[disamarkan]" in by_url[f"/lacak/{published.ticket}"] or (
            published.channel == "api" and published.mode == Privacy.PUBLIC
        )
    summary = summaries.current()
    assert summary is not None
    assert summary.data["city"]["complaints"] == len(planted.published)


def _a_confidential_complaints_page_shows_only_ticket_status_agency_and_deadline(
    planted: City,
) -> None:
    for secret in planted.secret:
        complaint = secret.complaint

        page = read(f"/lacak/{secret.ticket}").text
        answer = json.loads(read(f"/api/v1/complaints/{secret.ticket}").text)

        assert secret.ticket in page
        assert str(complaint.get_status_display()) in page
        if complaint.agency is not None:
            assert complaint.agency.display_name in page
        for absent in ('id="complaint-text"', 'id="track-map"', 'id="timeline"', 'id="me-too"'):
            assert absent not in page
        assert 'id="not-published"' in page
        assert set(answer) == {
            "ticket",
            "status",
            "status_label",
            "published",
            "agency",
            "agency_name",
            "due_at",
        }
        assert answer["published"] is False
        # nor can anyone support it ("saya juga")
        assert Client().post(f"/lacak/{secret.ticket}/dukung").status_code == 404


def _the_reporter_sees_all_of_their_confidential_complaint_through_the_private_link(
    planted: City,
) -> None:
    secret = planted.of("web", Privacy.CONFIDENTIAL)

    # the browser that filed it
    own = planted.reporter.get(f"/lacak/{secret.ticket}").content.decode()
    # another browser, given the private link
    key = planted.reporter.session[f"key:{secret.ticket}"]
    elsewhere = Client()
    followed = elsewhere.get(f"/lacak/{secret.ticket}?kunci={key}", follow=True)
    # and the receipt, in the browser that filed it
    receipt = planted.reporter.get(f"/lapor/terkirim/{secret.ticket}").content.decode()

    for page in (own, followed.content.decode()):
        assert secret.marker in page
        assert NAME in page  # their own words, as written
        assert 'id="private-view"' in page
        assert 'id="timeline"' in page
    assert "no-store" in followed["Cache-Control"]
    assert "Mode: Confidential" in receipt
    assert "Nothing of your complaint is published" in receipt
    # an outsider opening the receipt is sent to the tracking page's public view
    outsider = Client().get(f"/lapor/terkirim/{secret.ticket}", follow=True)
    assert secret.marker not in outsider.content.decode()


def _published_pages_say_where_a_moderator_edited_them(planted: City) -> None:
    edited = planted.of("api", Privacy.PUBLIC)
    untouched = planted.of("web", Privacy.PUBLIC)

    edited_page = read(f"/lacak/{edited.ticket}").text
    untouched_page = read(f"/lacak/{untouched.ticket}").text

    assert 'id="moderated"' in edited_page
    assert "Edited by a moderator" in edited_page
    assert 'id="moderated"' not in untouched_page
    # the agency's note is public, without the names and number in it
    assert "Sudah dicek bersama Pak [disamarkan] ([disamarkan])." in untouched_page
    assert json.loads(read(f"/api/v1/complaints/{edited.ticket}").text)["moderated"] is True


def _alert_emails_carry_the_public_text_of_published_complaints_only(
    planted: City,
) -> None:
    from balaikota.notifications.models import OutboxMessage

    alerts = list(OutboxMessage.objects.filter(event="alert.new_complaint"))
    bodies = "\n".join(f"{m.subject}\n{m.body}\n{m.link}" for m in alerts)

    assert len(alerts) == len(planted.published)
    assert personal_data_in(bodies) == []
    assert secrets_in(bodies, planted) == []
    for published in planted.published:
        assert published.marker in bodies


def _the_community_clients_webhook_hears_the_public_version_only(planted: City) -> None:
    bodies = [
        body.decode()
        for headers, body in planted.receiver.requests
        if headers.get("Content-Type", "").startswith("application/json")
        and "event" in json.loads(body)
    ]
    payloads = [json.loads(body) for body in bodies]

    assert payloads, "the client's webhook heard nothing"
    assert {p["ticket"] for p in payloads} == {f.ticket for f in planted.published}
    assert personal_data_in("\n".join(bodies)) == []
    assert secrets_in("\n".join(bodies), planted) == []


def _forwarding_posts_the_public_version_whatever_the_mode(planted: City) -> None:
    forms = [
        urllib.parse.parse_qs(body.decode())
        for headers, body in planted.receiver.requests
        if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
    ]
    forwarded = Complaint.objects.filter(forwards__isnull=False).distinct()

    assert {f.privacy for f in forwarded} == set(MODES)
    assert len(forms) == len(forwarded)
    for form in forms:
        assert personal_data_in(json.dumps(form)) == []
    # each as its public text was when it was sent: at intake, before any moderation
    assert {form["description"][0] for form in forms} == {
        publication.public_text_of(c) for c in forwarded
    }


def _open311_and_the_api_refuse_a_confidential_complaint_by_its_id(planted: City) -> None:
    for secret in planted.secret:
        detail = Client().get(f"/open311/v2/requests/{secret.ticket}.json")
        listed = json.loads(
            read(f"/open311/v2/requests.json?service_request_id={secret.ticket}").text
        )

        assert detail.status_code == 404
        assert listed == []


def _only_published_complaints_are_offered_as_already_reported(planted: City) -> None:
    query = urllib.parse.urlencode(
        {
            "category": "jalan-rusak",
            "lat": SECRET_PLACE[0],
            "lon": SECRET_PLACE[1],
            "text": complaint_text("web", Privacy.CONFIDENTIAL),
        }
    )

    offered = json.loads(read(f"/api/v1/complaints/similar?{query}").text)

    assert offered == []


def _the_premise_holds(planted: City) -> None:
    """The test's own premise: the secret place is in Klojen, the others in Sumbersari,
    and every complaint was filed in the mode asked for."""
    klojen = locate(*SECRET_PLACE).village
    assert klojen is not None
    assert klojen.name == "Klojen"
    for filed in planted.filed:
        assert filed.complaint.privacy == filed.mode
    for secret in planted.secret:
        assert secret.complaint.region == klojen
        assert not secret.complaint.published


def test_no_public_output_holds_personal_data_or_anything_of_a_confidential_complaint(
    planted: City,
) -> None:
    # given: twelve complaints with personal data planted (the fixture)
    _the_premise_holds(planted)

    # when: every public output is read by an outsider
    outputs = list(public_outputs(planted))

    # then
    _no_public_output_holds_any_planted_personal_data(planted, outputs)
    _no_public_output_holds_anything_of_a_confidential_complaint(planted, outputs)
    _the_place_of_a_confidential_complaint_is_in_no_list_of_complaints(planted, outputs)
    _the_public_outputs_do_show_the_published_complaints(planted, outputs)
    _published_pages_say_where_a_moderator_edited_them(planted)


def test_a_confidential_complaint_shows_the_public_its_status_only_and_its_reporter_all(
    planted: City,
) -> None:
    _a_confidential_complaints_page_shows_only_ticket_status_agency_and_deadline(planted)
    _open311_and_the_api_refuse_a_confidential_complaint_by_its_id(planted)
    _only_published_complaints_are_offered_as_already_reported(planted)
    _the_reporter_sees_all_of_their_confidential_complaint_through_the_private_link(planted)


def test_alerts_webhooks_and_forwards_carry_the_public_version_only(planted: City) -> None:
    _alert_emails_carry_the_public_text_of_published_complaints_only(planted)
    _the_community_clients_webhook_hears_the_public_version_only(planted)
    _forwarding_posts_the_public_version_whatever_the_mode(planted)
