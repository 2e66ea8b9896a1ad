"""API keys on /api/v1 (`Authorization: Bearer <key>`), as an integrator and an attacker
meet them: each scope allows what it says and nothing more; an agency's system reads and
acts on its own agency's complaints, as its officers do, and on nothing else."""

from __future__ import annotations

import io
import json
from collections.abc import Collection
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from balaikota.agencies.models import Agency
from balaikota.complaints import intake
from balaikota.complaints.models import Complaint, Event, Status
from balaikota.core.models import AuditEntry
from balaikota.open311 import services
from balaikota.open311.models import ApiClient, ClientRequest, Scope
from tests.conftest import SUMBERSARI, Cast, jpeg, submit

pytestmark = pytest.mark.django_db


def make_key(scopes: Collection[Scope], agency: str | None = None, name: str = "SIMDA PUPR") -> str:
    _client, key = services.create_client(
        name=name,
        organisation="Dinas PUPR",
        scopes=scopes,
        agency=Agency.objects.get(code=agency) if agency else None,
    )
    return key


def get(path: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client().get(path, headers=headers)


def post(path: str, data: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client().post(path, data, headers=headers)


COMPLAINT = {
    "text": "Jalan berlubang di depan SD, motor sering jatuh.",
    "category": "jalan-rusak",
    "lat": str(SUMBERSARI[0]),
    "lon": str(SUMBERSARI[1]),
}


@pytest.fixture
def pupr_complaint(cast: Cast) -> Complaint:
    complaint = submit()
    assert complaint.agency is not None
    assert complaint.agency.code == "dpupr"
    assert complaint.status == Status.ASSIGNED
    return complaint


@pytest.fixture
def dlh_complaint(cast: Cast) -> Complaint:
    complaint = submit("Sampah menumpuk di pinggir jalan, bau sekali.", category="sampah")
    assert complaint.agency is not None
    assert complaint.agency.code == "dlh"
    return complaint


@pytest.fixture
def agency_key(cast: Cast) -> str:
    return make_key({Scope.AGENCY}, agency="dpupr")


# --- Refusals ---------------------------------------------------------------------------------


def test_a_wrong_key_is_refused_401_in_json_even_where_no_key_is_needed(cast: Cast) -> None:
    response = get("/api/v1/categories", "bk_not-a-key")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is not valid or has been revoked."
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # Without a key the same list is public.
    assert get("/api/v1/categories").status_code == 200


def test_guessing_keys_is_limited_per_address_across_open311_and_the_api(
    cast: Cast, settings: Any
) -> None:
    settings.OPEN311_RATE_LIMIT = 3
    api = [get("/api/v1/categories", f"bk_guess{n}") for n in range(2)]
    open311 = Client().get("/open311/v2/services.json", {"api_key": "bk_guess-open311"})
    refused = get("/api/v1/categories", "bk_guess-4")

    assert [r.status_code for r in api] == [401, 401]
    assert open311.status_code == 403
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Try again" in refused.json()["detail"]


def test_another_authorization_scheme_is_refused_401(cast: Cast) -> None:
    response = Client().get("/api/v1/categories", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_revoked_key_is_refused_401_and_its_agency_account_stops(
    agency_key: str, pupr_complaint: Complaint
) -> None:
    assert get("/api/v1/agency/complaints", agency_key).status_code == 200
    client = ApiClient.objects.get(name="SIMDA PUPR")
    services.revoke_client(client)
    response = get("/api/v1/agency/complaints", agency_key)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key is not valid or has been revoked."}
    assert client.account is not None
    client.account.refresh_from_db()
    assert not client.account.is_active
    assert not client.account.memberships.exists()


def test_agency_endpoints_need_a_key(cast: Cast) -> None:
    response = get("/api/v1/agency/complaints")
    assert response.status_code == 401
    assert response.json() == {"detail": "An API key is needed."}
    # A signed-in agency officer's session is no key either: their pages are elsewhere.
    browser = Client()
    browser.force_login(cast.pupr_staff)
    assert browser.get("/api/v1/agency/complaints").status_code == 401


# --- Public read ------------------------------------------------------------------------------


def test_a_public_read_key_reads_what_the_public_reads(pupr_complaint: Complaint) -> None:
    key = make_key({Scope.PUBLIC_READ})
    assert get("/api/v1/categories", key).status_code == 200
    body = get(f"/api/v1/complaints/{pupr_complaint.ticket}", key).json()
    assert body["ticket"] == pupr_complaint.ticket
    assert "events" in body


def test_a_public_read_key_cannot_post_or_read_an_agency(pupr_complaint: Complaint) -> None:
    key = make_key({Scope.PUBLIC_READ})
    refused = post("/api/v1/complaints", COMPLAINT, key)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This API key may not do this: it lacks the “intake” scope."
    }
    assert get("/api/v1/agency/complaints", key).status_code == 403
    assert get(f"/api/v1/agency/complaints/{pupr_complaint.ticket}", key).status_code == 403
    assert Complaint.objects.count() == 1


# --- Intake -----------------------------------------------------------------------------------


def test_an_intake_key_posts_a_complaint_as_its_client(cast: Cast) -> None:
    key = make_key({Scope.INTAKE}, name="Malang Bersuara")
    response = post("/api/v1/complaints", COMPLAINT, key)
    assert response.status_code == 201
    complaint = Complaint.objects.get(ticket=response.json()["ticket"])
    assert complaint.channel == "api"
    assert complaint.reporter is None
    link = ClientRequest.objects.get(complaint=complaint)
    assert link.client.name == "Malang Bersuara"


def test_an_intake_keys_idempotency_keys_are_its_own(cast: Cast) -> None:
    first = make_key({Scope.INTAKE}, name="App A")
    second = make_key({Scope.INTAKE}, name="App B")
    a = Client().post(
        "/api/v1/complaints",
        COMPLAINT,
        headers={"Authorization": f"Bearer {first}", "Idempotency-Key": "same-key-1"},
    )
    b = Client().post(
        "/api/v1/complaints",
        COMPLAINT | {"text": "Lampu jalan mati sejak seminggu, gelap sekali malam hari."},
        headers={"Authorization": f"Bearer {second}", "Idempotency-Key": "same-key-1"},
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["ticket"] != b.json()["ticket"]


def test_an_intake_key_cannot_read(cast: Cast) -> None:
    key = make_key({Scope.INTAKE})
    response = get("/api/v1/categories", key)
    assert response.status_code == 403
    assert "public-read" in response.json()["detail"]
    assert get("/api/v1/agency/complaints", key).status_code == 403


# --- An agency's complaints ------------------------------------------------------------------


def test_an_agency_key_lists_its_agencys_complaints_only(
    agency_key: str, pupr_complaint: Complaint, dlh_complaint: Complaint
) -> None:
    body = get("/api/v1/agency/complaints", agency_key).json()
    assert [row["ticket"] for row in body["results"]] == [pupr_complaint.ticket]
    assert body["count"] == 1
    row = body["results"][0]
    # The staff view: the stored text, the deadline, what the key may do now.
    assert row["text"] == pupr_complaint.text
    assert row["actions"] == ["accept", "return"]


def test_an_agency_key_cannot_read_or_act_on_another_agencys_complaint(
    agency_key: str, dlh_complaint: Complaint
) -> None:
    read = get(f"/api/v1/agency/complaints/{dlh_complaint.ticket}", agency_key)
    assert read.status_code == 404
    assert read.json()["detail"] == "This agency has no complaint with this tracking code."
    act = post(f"/api/v1/agency/complaints/{dlh_complaint.ticket}/accept", {}, agency_key)
    assert act.status_code == 404
    dlh_complaint.refresh_from_db()
    assert dlh_complaint.status == Status.ASSIGNED
    assert not Event.objects.filter(complaint=dlh_complaint, action="accept").exists()


def test_an_agency_key_can_neither_post_nor_read_the_public_api(agency_key: str) -> None:
    assert post("/api/v1/complaints", COMPLAINT, agency_key).status_code == 403
    assert get("/api/v1/categories", agency_key).status_code == 403
    assert Complaint.objects.count() == 0


def test_an_agency_key_sees_the_reporter_of_a_public_complaint_as_officers_do(
    agency_key: str,
) -> None:
    complaint = submit(contact=intake.Contact(name="Siti Aminah", phone="081234567890"))
    body = get(f"/api/v1/agency/complaints/{complaint.ticket}", agency_key).json()
    assert body["reporter"] == {
        "hidden": False,
        "name": "Siti Aminah",
        "phone": "081234567890",
        "email": "",
    }


def test_an_agency_key_never_sees_an_anonymous_reporter(agency_key: str) -> None:
    # given an anonymous reporter who also wrote their number into the text
    complaint = submit(
        text="Jalan berlubang besar di depan sekolah, hubungi saya di 081234567890.",
        contact=intake.Contact(name="Siti Aminah", phone="081234567890", email="siti@example.test"),
        privacy="anonymous",
    )
    # when the agency's system reads it, in the list and alone
    listed = get("/api/v1/agency/complaints", agency_key)
    detail = get(f"/api/v1/agency/complaints/{complaint.ticket}", agency_key)
    # then nothing of the reporter is in either answer
    assert detail.json()["reporter"] == {"hidden": True, "name": "", "phone": "", "email": ""}
    for response in (listed, detail):
        text = json.dumps(response.json())
        for value in ("Siti", "Aminah", "081234567890", "siti@example.test"):
            assert value not in text
    assert "Jalan berlubang besar" in detail.json()["text"]


def test_an_agency_key_fetches_the_staff_copy_of_its_complaints_photos(
    agency_key: str, django_capture_on_commit_callbacks: Any
) -> None:
    # given a complaint with a photo, processed by the worker
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[jpeg()])
    photos = get(f"/api/v1/agency/complaints/{complaint.ticket}", agency_key).json()["photos"]
    assert [p["kind"] for p in photos] == ["before"]
    url = photos[0]["url"]
    # when the agency's system fetches it with its key, then it gets the JPEG
    answer = get(url, agency_key)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in answer["Cache-Control"]
    assert get(photos[0]["thumbnail"], agency_key).status_code == 200
    # and nobody else does: no key, or another agency's key
    assert get(url).status_code == 401
    other = make_key({Scope.AGENCY}, agency="dlh", name="SIMDA DLH")
    refused = get(url, other)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "This agency has no photo with this number."


def test_an_agency_key_accepts_notes_and_resolves_through_the_staff_services(
    agency_key: str, pupr_complaint: Complaint, cast: Cast
) -> None:
    ticket = pupr_complaint.ticket
    base = f"/api/v1/agency/complaints/{ticket}"
    # accept
    accepted = post(f"{base}/accept", {}, agency_key)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "in_progress"
    assert accepted.json()["actions"] == ["note", "resolve", "return"]
    # a progress note
    noted = post(f"{base}/note", {"note": "Tim sudah survei, perbaikan Senin."}, agency_key)
    assert noted.status_code == 200
    # resolve with the after photo
    resolved = post(
        f"{base}/resolve", {"note": "Lubang sudah ditambal.", "photo": jpeg()}, agency_key
    )
    assert resolved.status_code == 200, resolved.json()
    body = resolved.json()
    assert body["status"] == "resolved"
    # the timeline names the key as the one who acted, as it names officers
    steps = [(e["action"], e["actor"]) for e in body["events"] if e["actor"]]
    assert steps == [
        ("accept", "SIMDA PUPR"),
        ("note", "SIMDA PUPR"),
        ("resolve", "SIMDA PUPR"),
    ]
    assert "Tim sudah survei, perbaikan Senin." in [e["note"] for e in body["events"]]
    # the audit has each step with the key's name as the actor
    labels = dict(
        AuditEntry.objects.filter(
            object_id=ticket, action__in=["complaint.accept", "complaint.note", "complaint.resolve"]
        ).values_list("action", "actor_label")
    )
    assert labels == {
        "complaint.accept": "api:SIMDA PUPR",
        "complaint.note": "api:SIMDA PUPR",
        "complaint.resolve": "api:SIMDA PUPR",
    }
    # and the public timeline of the citizen shows the agency's steps
    public = get(f"/api/v1/complaints/{ticket}").json()
    assert [e["action"] for e in public["events"]][-3:] == ["accept", "note", "resolve"]
    # and the agency's officers see the key's name on the staff page's timeline
    officer = Client()
    officer.force_login(cast.pupr_staff)
    page = officer.get(f"/staf/aduan/{ticket}")
    assert page.status_code == 200
    assert page.content.decode().count("SIMDA PUPR") >= 3


def test_an_agency_key_returns_a_complaint_that_is_not_its_agencys(
    agency_key: str, pupr_complaint: Complaint
) -> None:
    base = f"/api/v1/agency/complaints/{pupr_complaint.ticket}"
    response = post(f"{base}/return", {"note": "Ini saluran air, bukan jalan."}, agency_key)
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    pupr_complaint.refresh_from_db()
    assert pupr_complaint.agency is None
    # It has left the agency, and the key's reach.
    assert get(base, agency_key).status_code == 404


def test_agency_actions_follow_the_lifecycle_and_need_their_note(
    agency_key: str, pupr_complaint: Complaint
) -> None:
    base = f"/api/v1/agency/complaints/{pupr_complaint.ticket}"
    # A note before accepting is not a step the lifecycle allows.
    early = post(f"{base}/note", {"note": "Sedang dicek."}, agency_key)
    assert early.status_code == 409
    assert "cannot be done" in early.json()["detail"]
    # A return needs its reason.
    empty = post(f"{base}/return", {"note": "  "}, agency_key)
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"note": ["This field is required."]}
    # Resolving without the after photo is refused and changes nothing.
    post(f"{base}/accept", {}, agency_key)
    no_photo = post(f"{base}/resolve", {"note": "Selesai."}, agency_key)
    assert no_photo.status_code in {400, 422}
    pupr_complaint.refresh_from_db()
    assert pupr_complaint.status == Status.IN_PROGRESS


def test_an_agency_list_refuses_an_unknown_status(agency_key: str) -> None:
    response = get("/api/v1/agency/complaints?status=whatever", agency_key)
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Use open, all or one status."]}


# --- Managing keys ----------------------------------------------------------------------------


def create_api_key(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_api_key_with_scopes_prints_a_working_key_last(
    pupr_complaint: Complaint,
) -> None:
    lines = create_api_key(
        "--name", "SIMDA PUPR", "--scope", "agency", "--scope", "public-read", "--agency", "dpupr"
    )
    key = lines[-1]
    assert key.startswith("bk_")
    client = ApiClient.objects.get(name="SIMDA PUPR")
    assert client.scopes == {Scope.AGENCY, Scope.PUBLIC_READ}
    assert client.agency is not None
    assert client.agency.code == "dpupr"
    assert get("/api/v1/agency/complaints", key).json()["count"] == 1
    assert get("/api/v1/categories", key).status_code == 200
    assert post("/api/v1/complaints", COMPLAINT, key).status_code == 403


def test_create_api_key_without_scope_makes_an_open311_key_as_before(cast: Cast) -> None:
    key = create_api_key("--name", "Malang Bersuara")[-1]
    client = ApiClient.objects.get(name="Malang Bersuara")
    assert client.scopes == {Scope.PUBLIC_READ, Scope.INTAKE}
    assert client.account is None
    assert post("/api/v1/complaints", COMPLAINT, key).status_code == 201


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "agency"], "--scope agency needs --agency CODE"),
        (["--scope", "intake", "--agency", "dpupr"], "--agency goes with --scope agency"),
        (["--scope", "agency", "--agency", "nope"], "no agency has the code 'nope'"),
    ],
)
def test_create_api_key_refuses_an_agency_scope_that_does_not_fit(
    cast: Cast, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        create_api_key("--name", "X", *args)
    assert not ApiClient.objects.exists()


@pytest.fixture
def admin_client(cast: Cast) -> Client:
    cast.admin.is_superuser = True
    cast.admin.is_staff = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    return client


def change_form(client_row: ApiClient, **changes: Any) -> dict[str, Any]:
    data = {
        "name": client_row.name,
        "organisation": client_row.organisation,
        "contact_email": "",
        "rate_limit": "0",
        "webhook_url": "",
        "webhook_secret": "",
        "webhook_scope": "own",
    } | {k: v for k, v in changes.items() if v is not None}
    return data


def test_admin_shows_and_changes_a_keys_scopes_and_agency(
    admin_client: Client, pupr_complaint: Complaint
) -> None:
    # given an Open311 key
    key = make_key({Scope.PUBLIC_READ, Scope.INTAKE}, name="Malang Bersuara")
    row = ApiClient.objects.get(name="Malang Bersuara")
    listing = admin_client.get("/admin/open311/apiclient/")
    assert "Public read, Complaint intake" in listing.content.decode()
    # when the admin gives it the agency's complaints instead of intake
    url = f"/admin/open311/apiclient/{row.pk}/change/"
    assert 'name="scope_intake"' in admin_client.get(url).content.decode()
    dpupr = Agency.objects.get(code="dpupr")
    response = admin_client.post(
        url, change_form(row, scope_public_read="on", agency=str(dpupr.pk))
    )
    assert response.status_code == 302
    # then the same key reads the agency's complaints and no longer posts
    assert get("/api/v1/agency/complaints", key).json()["count"] == 1
    assert post("/api/v1/complaints", COMPLAINT, key).status_code == 403
    entry = AuditEntry.objects.filter(action="open311.client_scopes_changed").get()
    assert entry.after == {"scopes": ["agency", "public-read"], "agency": "dpupr"}
    assert entry.actor_label == "admin"


def test_admin_refuses_a_key_without_any_scope(admin_client: Client, cast: Cast) -> None:
    make_key({Scope.INTAKE})
    row = ApiClient.objects.get()
    response = admin_client.post(f"/admin/open311/apiclient/{row.pk}/change/", change_form(row))
    assert response.status_code == 200
    assert "Give the key at least one scope" in response.content.decode()
    row.refresh_from_db()
    assert row.scope_intake


# --- The document ---------------------------------------------------------------------------


def test_the_openapi_document_names_the_bearer_scheme_and_each_scope(cast: Cast) -> None:
    document = get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    paths = document["paths"]
    assert paths["/api/v1/agency/complaints"]["get"]["security"] == [{"ApiKey": ["agency"]}]
    assert {"ApiKey": ["intake"]} in paths["/api/v1/complaints"]["post"]["security"]
    # No credential at all is one of the ways in to the public operations.
    assert {} in paths["/api/v1/complaints"]["post"]["security"]
    assert {"ApiKey": ["public-read"]} in paths["/api/v1/categories"]["get"]["security"]
    resolve = paths["/api/v1/agency/complaints/{ticket}/resolve"]["post"]
    assert resolve["security"] == [{"ApiKey": ["agency"]}]


# --- Open311 keys ----------------------------------------------------------------------------

OPEN311 = {
    "service_code": "jalan-rusak",
    "lat": str(SUMBERSARI[0]),
    "long": str(SUMBERSARI[1]),
    "description": "Jalan berlubang besar di depan SDN Sumbersari, motor sering jatuh.",
}


def test_an_open311_key_made_as_before_still_posts_to_open311_and_the_api(cast: Cast) -> None:
    _client, key = services.create_client(name="Malang Bersuara", organisation="Komunitas")
    answer = Client().post("/open311/v2/requests.json", OPEN311 | {"api_key": key})
    assert answer.status_code == 201, answer.content
    assert post("/api/v1/complaints", COMPLAINT, key).status_code == 201
    assert get("/api/v1/categories", key).status_code == 200


def test_an_agency_key_cannot_post_to_open311(agency_key: str) -> None:
    answer = Client().post("/open311/v2/requests.json", OPEN311 | {"api_key": agency_key})
    assert answer.status_code == 403
    assert answer.json() == [
        {"code": 403, "description": "This api_key may not post service requests."}
    ]
    assert not Complaint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_keys_made_before_scopes_keep_open311_intake_and_public_read() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("open311", "0001_api_clients_and_forwarding")]
    after = [("open311", "0002_apiclient_scopes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_model = executor.loader.project_state(before).apps.get_model("open311", "ApiClient")
    old_model.objects.create(
        name="Malang Bersuara",
        organisation="Komunitas",
        key_prefix="bk_abc",
        key_hash="0" * 64,
        rate_limit=0,
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new_model = executor.loader.project_state(after).apps.get_model("open311", "ApiClient")
        row = new_model.objects.get(name="Malang Bersuara")
        assert (row.scope_public_read, row.scope_intake, row.agency_id) == (True, True, None)
        # A key made from now on holds only what it is given.
        fresh = new_model.objects.create(
            name="Baru", organisation="X", key_prefix="bk_def", key_hash="1" * 64, rate_limit=0
        )
        assert (fresh.scope_public_read, fresh.scope_intake) == (False, False)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_refused_key_is_told_in_indonesian(cast: Cast) -> None:
    response = Client().get(
        "/api/v1/categories",
        headers={"Authorization": "Bearer bk_salah", "Accept-Language": "id"},
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Kunci API ini tidak sah atau sudah dicabut."}


def test_an_agency_list_costs_the_same_queries_for_many_complaints(
    agency_key: str, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        submit(f"Jalan berlubang nomor {n} di depan sekolah, motor sering jatuh.")
    with django_assert_max_num_queries(6):
        body = get("/api/v1/agency/complaints", agency_key).json()
    assert body["count"] == 12


def test_an_intake_key_with_its_own_limit_is_held_to_it(cast: Cast) -> None:
    _client, key = services.create_client(
        name="Mitra Kota", organisation="Mitra", scopes={Scope.INTAKE}, rate_limit=2
    )
    answers = [
        post(
            "/api/v1/complaints",
            COMPLAINT | {"text": f"Jalan berlubang nomor {n} di depan sekolah, motor jatuh."},
            key,
        )
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert Complaint.objects.count() == 2
