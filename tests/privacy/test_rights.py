"""A reporter's rights under UU PDP: to see and take everything held about them, to correct
their contact, to have it erased or to withdraw it; the complaint stays, anonymised."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from balaikota.complaints import services as complaints
from balaikota.complaints.models import Complaint, IdentityReveal
from balaikota.core.models import AuditEntry, User
from balaikota.notifications import delivery
from balaikota.notifications.models import Notice, OutboxMessage
from balaikota.open311.models import ClientRequest
from balaikota.privacy import services
from balaikota.privacy.models import Arrival, DataSubjectRequest, RequestKind
from tests.conftest import Cast
from tests.privacy.conftest import (
    BUDI,
    BUDI_VALUES,
    SITI,
    SITI_VALUES,
    as_text,
    audit_verifies,
    holds_any,
    report,
    report_through_open311,
    reporter_client,
)

pytestmark = pytest.mark.django_db


def everything_stored() -> str:
    """Every place personal data could be left in: complaints, outbox, notices, Open311."""
    rows = [
        *Complaint.objects.values(
            "text",
            "public_text",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "reporter_nik",
            "rating_comment",
        ),
        *OutboxMessage.objects.values("address", "body", "payload", "last_error"),
        *Notice.objects.values("title", "body"),
        *ClientRequest.objects.values("device_id", "account_id"),
    ]
    return as_text(rows)


def test_export_holds_everything_about_the_person_and_nothing_of_anyone_else(
    cast: Cast, officer: User
) -> None:
    # given: Siti reports on the web and through an application; Budi reports too
    web = report().complaint
    app = report_through_open311()
    IdentityReveal.objects.create(complaint=web, user=officer, reason="Perlu konfirmasi lokasi.")
    report(contact=BUDI, text="Lampu jalan mati di gang tiga sejak seminggu.")
    # when
    data = services.export_personal_data(email="siti@example.test")
    # then
    text = json.dumps(data)  # JSON-serialisable as it is
    assert [c["ticket"] for c in data["complaints"]] == [web.ticket, app.ticket]
    first = data["complaints"][0]
    assert first["contact"] == {
        "name": "Siti Aminah",
        "phone": "081234567890",
        "email": "siti@example.test",
        "nik": "3573010101010001",
    }
    assert "0812-3456-7890" in first["text"]  # the stored original, not the public version
    assert first["privacy"] == "public"
    assert first["identity_reveals"][0]["reason"] == "Perlu konfirmasi lokasi."
    assert first["identity_reveals"][0]["by"] == "dpo"
    assert data["complaints"][1]["open311"]["device_id"] == "device-siti-1"
    assert data["complaints"][1]["open311"]["account_id"] == "akun-siti"
    assert data["messages"], "the acknowledgements sent to her"
    assert {m["address"] for m in data["messages"]} == {"siti@example.test"}
    assert all(m["created"] for m in data["messages"])
    assert holds_any(text, BUDI_VALUES) == []


def test_a_phone_number_finds_the_complaints_in_every_writing(cast: Cast) -> None:
    # given: the number written the international way
    complaint = report(contact=SITI.__class__(phone="+62 812-3456-7890")).complaint
    report(contact=BUDI)
    # when / then
    for writing in ("081234567890", "+6281234567890", "62 812 3456 7890"):
        assert services.find_complaints(phone=writing) == [complaint]
    assert services.find_complaints(phone="081234567899") == []


def test_erasure_removes_the_contact_everywhere_and_the_complaint_stays(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: her complaints, the messages about them, the agency's notices of it
    web = report().complaint
    app = report_through_open311()
    budi = report(contact=BUDI, text="Lampu jalan mati di gang tiga sejak seminggu.").complaint
    delivery.deliver_due()
    assert holds_any(everything_stored(), SITI_VALUES)
    # when
    removed = services.erase(email="siti@example.test")
    # then: nothing of her is left anywhere, and the complaints are there, anonymised
    assert holds_any(everything_stored(), SITI_VALUES) == []
    assert set(removed.complaints) == {web.ticket, app.ticket}
    assert {"reporter_name", "reporter_phone", "reporter_email", "reporter_nik", "text"} <= set(
        removed.fields[web.ticket]
    )
    assert removed.messages >= 2
    assert removed.open311_ids == 1
    web.refresh_from_db()
    assert web.contact_removed_at is not None
    assert "Jalan berlubang besar di depan sekolah" in web.text
    assert web.status == "assigned"
    # Budi is untouched
    budi.refresh_from_db()
    assert budi.reporter_email == "budi@example.test"
    # and the record still verifies, holding no personal data of hers
    audit_verifies(capsys)
    assert holds_any(as_text(list(AuditEntry.objects.values("after", "before"))), SITI_VALUES) == []


def test_erased_contact_is_on_no_public_or_staff_page(cast: Cast) -> None:
    # given
    complaint = report().complaint
    staff = Client()
    staff.force_login(cast.operator)
    staff_page = reverse("complaints:staff_detail", args=[complaint.ticket])
    assert "Siti Aminah" in staff.get(staff_page).content.decode()
    # when
    services.erase(ticket=complaint.ticket)
    # then
    for page in (
        staff.get(staff_page),
        Client().get(reverse("complaints:track", args=[complaint.ticket])),
    ):
        assert page.status_code == 200
        assert holds_any(page.content.decode(), SITI_VALUES) == []


def test_withdrawal_through_the_private_link_tells_the_reporter_once_then_nothing(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    submission = report()
    complaint = submission.complaint
    browser = reporter_client(submission)
    page = browser.get(reverse("privacy:complaint", args=[complaint.ticket]))
    assert "Siti Aminah" in page.content.decode()
    # when: without ticking the box nothing happens; with it, the contact goes
    browser.post(reverse("privacy:withdraw", args=[complaint.ticket]))
    complaint.refresh_from_db()
    assert complaint.reporter_email == "siti@example.test"
    browser.post(reverse("privacy:withdraw", args=[complaint.ticket]), {"confirm": "on"})
    # then: one last message, and the earlier ones emptied
    complaint.refresh_from_db()
    assert complaint.contact_removed_at is not None
    assert complaint.reporter_email == complaint.reporter_name == ""
    to_her = OutboxMessage.objects.filter(address="siti@example.test")
    assert list(to_her.values_list("event", flat=True)) == [services.LAST_MESSAGE_EVENT]
    assert "stop" in to_her.get().body
    # and nothing more reaches her afterwards
    complaints.accept_complaint(complaint, cast.pupr_staff)
    delivery.deliver_due()
    to_siti = [m for m in mail.outbox if "siti@example.test" in m.to]
    assert len(to_siti) == 1
    assert "stop" in to_siti[0].body
    assert OutboxMessage.objects.filter(address="siti@example.test").count() == 1
    # the register has it, without her contact
    request = DataSubjectRequest.objects.get()
    assert (request.kind, request.arrived_by, request.status) == (
        RequestKind.WITHDRAWAL,
        Arrival.ONLINE,
        "done",
    )
    assert request.requester_email == ""
    assert list(request.complaints.all()) == [complaint]
    # the page now says her contact is gone
    page = browser.get(reverse("privacy:complaint", args=[complaint.ticket]))
    assert holds_any(page.content.decode(), SITI_VALUES) == []
    assert "contact-removed" in page.content.decode()
    audit_verifies(capsys)


def test_withdrawal_by_sms_is_confirmed_by_one_last_text(cast: Cast) -> None:
    # given: a complaint sent by WhatsApp
    submission = report(contact=SITI.__class__(phone="081234567890"), channel="whatsapp")
    # when
    services.withdraw_contact(submission.complaint, by_reporter=True)
    # then
    texts = OutboxMessage.objects.filter(channel="gateway", event=services.LAST_MESSAGE_EVENT)
    assert [(m.address, m.subject) for m in texts] == [("081234567890", "whatsapp")]


def test_correction_through_the_private_link(cast: Cast) -> None:
    # given
    submission = report()
    browser = reporter_client(submission)
    # when
    response = browser.post(
        reverse("privacy:correct", args=[submission.complaint.ticket]),
        {
            "name": "Siti Aminah Rahayu",
            "phone": "0812 9999 0000",
            "email": "siti.baru@example.test",
        },
    )
    # then
    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=submission.complaint.pk)
    assert complaint.reporter_name == "Siti Aminah Rahayu"
    assert complaint.reporter_phone == "081299990000"
    assert complaint.reporter_email == "siti.baru@example.test"
    assert complaint.reporter_nik == "3573010101010001"  # not part of the form
    entry = AuditEntry.objects.filter(action="privacy.contact_corrected").get()
    assert entry.after == {"fields": ["reporter_name", "reporter_phone", "reporter_email"]}
    # an invalid address is shown, not saved
    response = browser.post(
        reverse("privacy:correct", args=[complaint.ticket]),
        {"name": "Siti", "phone": "12", "email": ""},
    )
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.reporter_name == "Siti Aminah Rahayu"


def test_correction_and_the_data_page_are_refused_without_the_private_link(cast: Cast) -> None:
    # given
    complaint = report().complaint
    strangers = [Client(), Client()]
    strangers[1].force_login(cast.operator)
    for stranger in strangers:
        # when
        page = stranger.get(reverse("privacy:complaint", args=[complaint.ticket]))
        download = stranger.get(reverse("privacy:download", args=[complaint.ticket]))
        correction = stranger.post(
            reverse("privacy:correct", args=[complaint.ticket]),
            {"name": "Orang Lain", "phone": "", "email": ""},
        )
        withdrawal = stranger.post(
            reverse("privacy:withdraw", args=[complaint.ticket]), {"confirm": "on"}
        )
        # then
        assert [page.status_code, download.status_code] == [403, 403]
        assert [correction.status_code, withdrawal.status_code] == [403, 403]
        assert holds_any(page.content.decode(), SITI_VALUES) == []
    # a wrong key does not open it either
    wrong = Client()
    wrong.get(reverse("privacy:complaint", args=[complaint.ticket]) + "?kunci=tebakan")
    assert wrong.get(reverse("privacy:complaint", args=[complaint.ticket])).status_code == 403
    complaint.refresh_from_db()
    assert complaint.reporter_name == "Siti Aminah"


def test_the_reporter_downloads_their_data_as_json(cast: Cast) -> None:
    # given
    submission = report()
    browser = reporter_client(submission)
    # when
    response = browser.get(reverse("privacy:download", args=[submission.complaint.ticket]))
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["complaints"][0]["contact"]["email"] == "siti@example.test"


def test_a_signed_in_citizen_sees_all_their_complaints_in_one_download(cast: Cast) -> None:
    # given: two complaints filed while signed in, and one by someone else
    first = report(contact=SITI, reporter=cast.citizen).complaint
    second = report_through_open311()
    Complaint.objects.filter(pk=second.pk).update(reporter=cast.citizen)
    report(contact=BUDI)
    browser = Client()
    browser.force_login(cast.citizen)
    # when
    page = browser.get(reverse("privacy:mine"))
    download = browser.get(reverse("privacy:mine_download"))
    # then
    assert first.ticket in page.content.decode()
    assert second.ticket in page.content.decode()
    data = json.loads(download.content)
    assert {c["ticket"] for c in data["complaints"]} == {first.ticket, second.ticket}
    assert data["accounts"][0]["username"] == "citizen"
    assert holds_any(download.content.decode(), BUDI_VALUES) == []
    # and each complaint's own page is theirs too
    assert browser.get(reverse("privacy:complaint", args=[first.ticket])).status_code == 200
    # the download needs a log-in
    assert Client().get(reverse("privacy:mine_download")).status_code == 302


def test_a_citizen_acting_is_named_warga_in_new_audit_entries(cast: Cast) -> None:
    # given
    cast.citizen.email = "siti@example.test"
    cast.citizen.save()
    complaint = report(reporter=cast.citizen).complaint
    # when
    services.correct_contact(
        complaint, name="Siti A.", phone="", email="siti@example.test", actor=cast.citizen
    )
    # then
    entry = AuditEntry.objects.filter(action="privacy.contact_corrected").get()
    assert entry.actor_label == "warga"
    assert entry.actor_id == cast.citizen.pk
