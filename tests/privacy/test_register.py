"""The admin register of data-subject requests: a 3 × 24-hour deadline, overdue requests
first and marked, "export" and "erase" as actions, status changes audited; and the record
of processing as CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balaikota.core.models import AuditEntry, Role, User
from balaikota.privacy.models import Arrival, DataSubjectRequest, RequestKind, RequestStatus
from tests.conftest import Cast, make_user
from tests.privacy.conftest import SITI_VALUES, as_text, audit_verifies, holds_any, report

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 09:00 WIB
CHANGELIST = "/admin/privacy/datasubjectrequest/"


@pytest.fixture
def admin_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


def new_request(received: dt.datetime, **values: Any) -> DataSubjectRequest:
    return DataSubjectRequest.objects.create(
        kind=values.pop("kind", RequestKind.ACCESS),
        arrived_by=values.pop("arrived_by", Arrival.LETTER),
        received_at=received,
        **values,
    )


def form(**values: Any) -> dict[str, Any]:
    local = timezone.localtime(START)
    return {
        "kind": RequestKind.ERASURE,
        "arrived_by": Arrival.LETTER,
        "received_at_0": local.strftime("%Y-%m-%d"),
        "received_at_1": local.strftime("%H:%M:%S"),
        "requester_name": "Siti Aminah",
        "requester_email": "siti@example.test",
        "requester_phone": "",
        "requester_address": "Jl. Kenanga 3, Malang",
        "details": "Mohon hapus data saya.",
        "status": RequestStatus.RECEIVED,
        "outcome": "",
        "handled_by": "",
        "tickets": "",
        **values,
    }


def test_a_letter_is_registered_with_its_deadline_three_days_on(
    cast: Cast, admin_client: Client
) -> None:
    # given
    complaint = report().complaint
    # when
    response = admin_client.post(
        f"{CHANGELIST}add/", form(tickets=complaint.ticket.lower().replace("sbt-", ""))
    )
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    request = DataSubjectRequest.objects.get()
    assert request.received_at == START
    assert request.deadline == START + dt.timedelta(hours=72)
    assert list(request.complaints.all()) == [complaint]
    entry = AuditEntry.objects.get(action="privacy.request_received")
    assert entry.after == {"kind": "erasure", "arrived_by": "letter", "status": "received"}
    assert entry.actor_label == cast.admin.username


def test_an_unknown_tracking_code_is_refused(admin_client: Client) -> None:
    response = admin_client.post(f"{CHANGELIST}add/", form(tickets="SBT-TIDAKADA"))
    assert response.status_code == 200
    assert "SBT-T1DAKADA" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_overdue_requests_come_first_and_are_marked(admin_client: Client) -> None:
    # given: one finished long ago, one late, one still in time
    finished = new_request(START - dt.timedelta(days=10), status=RequestStatus.DONE, done_at=START)
    late = new_request(START)
    in_time = new_request(START + dt.timedelta(days=3))
    # when: four days later
    with time_machine.travel(START + dt.timedelta(days=4), tick=False):
        page = admin_client.get(CHANGELIST).content.decode()
        # then
        assert late.is_overdue()
        assert not in_time.is_overdue()
        assert not finished.is_overdue()
    rows = [page.index(f"{CHANGELIST}{r.pk}/change/") for r in (late, finished, in_time)]
    assert rows == sorted(rows)
    assert page.count("dsr-overdue") == 1
    assert finished.answered_late()


def test_a_status_change_is_audited_and_finishing_sets_when(
    cast: Cast, admin_client: Client
) -> None:
    # given
    request = new_request(START, requester_name="Siti Aminah", requester_email="siti@example.test")
    # when
    response = admin_client.post(
        f"{CHANGELIST}{request.pk}/change/",
        form(status=RequestStatus.DONE, outcome="Data dikirim lewat pos.", kind="access"),
    )
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.done_at is not None
    entry = AuditEntry.objects.get(action="privacy.request_status")
    assert (entry.before, entry.after["status"]) == ({"status": "received"}, "done")
    assert holds_any(as_text(list(AuditEntry.objects.values("after", "before"))), SITI_VALUES) == []


def test_the_export_action_downloads_the_persons_data(admin_client: Client) -> None:
    # given
    complaint = report().complaint
    request = new_request(START, requester_email="siti@example.test")
    # when
    response = admin_client.post(
        CHANGELIST, {"action": "export_data", "_selected_action": [request.pk]}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="permintaan-{request.pk}.json"'
    data = json.loads(response.content)
    assert [c["ticket"] for c in data["complaints"]] == [complaint.ticket]
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert "Exported on" in request.outcome


def test_the_erase_action_asks_first_then_erases_and_marks_done(
    admin_client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    complaint = report().complaint
    request = new_request(START, kind=RequestKind.ERASURE, requester_phone="+62 812 3456 7890")
    # when: the action asks first
    asked = admin_client.post(
        CHANGELIST, {"action": "erase_data", "_selected_action": [request.pk]}
    )
    assert asked.status_code == 200
    assert "Yes, erase" in asked.content.decode()
    complaint.refresh_from_db()
    assert complaint.reporter_name == "Siti Aminah"
    done = admin_client.post(
        CHANGELIST,
        {"action": "erase_data", "_selected_action": [request.pk], "confirmed": "yes"},
    )
    # then
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.reporter_name == ""
    assert complaint.contact_removed_at is not None
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.done_at is not None
    assert complaint.ticket in request.outcome
    assert "reporter_name" in request.outcome
    audit_verifies(capsys)


def test_the_record_of_processing_comes_as_csv_and_json(
    settings: Any, admin_client: Client
) -> None:
    # given
    settings.RETENTION_CONTACT_DAYS = 400
    settings.PRIVACY_OFFICER_EMAIL = "ppdp@malangkota.example"
    assert "processing-csv" in admin_client.get(CHANGELIST).content.decode()
    # when
    as_csv = admin_client.get(reverse("admin:privacy_processing_csv"))
    as_json = admin_client.get(reverse("admin:privacy_processing_json"))
    # then
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[0][:3] == ["Processing activity", "Purpose", "Legal basis"]
    assert len(rows) > 8
    assert any("400 days" in cell for row in rows for cell in row)
    data = json.loads(as_json.content)
    assert data["privacy_officer"]["email"] == "ppdp@malangkota.example"
    basis = data["activities"][0]["legal_basis"]
    assert "public task" in basis
    assert "UU 27/2022" in basis


def test_only_administrators_and_the_data_protection_officer_use_the_register(
    cast: Cast,
) -> None:
    officer = make_user("dpo", Role.PRIVACY_OFFICER)
    User.objects.filter(pk=officer.pk).update(is_staff=True)
    for user, allowed in ((officer, True), (cast.operator, False), (cast.citizen, False)):
        client = Client()
        client.force_login(user)
        assert (client.get(CHANGELIST).status_code == 200) is allowed
        assert (client.get(reverse("admin:privacy_processing_csv")).status_code == 200) is allowed


def test_erasing_a_request_that_names_nobody_changes_nothing(admin_client: Client) -> None:
    request = new_request(START, kind=RequestKind.ERASURE, requester_name="Siti Aminah")
    response = admin_client.post(
        CHANGELIST,
        {"action": "erase_data", "_selected_action": [request.pk], "confirmed": "yes"},
        follow=True,
    )
    assert "names no complaint, e-mail address or phone number" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
