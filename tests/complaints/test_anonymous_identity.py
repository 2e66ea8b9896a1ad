"""Anonymous reports: nobody in the city sees who reported, until the data protection officer
opens the identity for a written reason; each reveal is recorded and the reporter is told."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from balaikota.complaints import identity
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import IdentityReveal
from balaikota.core.models import AuditEntry, Role
from balaikota.notifications.models import Notice, OutboxMessage
from tests.conftest import Cast, make_user, submit

NAME, PHONE, EMAIL, NIK = "Budi Santoso", "081234567891", "budi.s@contoh.id", "3573011234560001"
TEXT = f"Saya {NAME} (hp 0812-3456-7891), jalan di depan rumah berlubang besar dan dalam."


def anonymous_complaint() -> object:
    from balaikota.complaints import intake

    return submit(
        text=TEXT,
        privacy="anonymous",
        contact=intake.Contact(name=NAME, phone=PHONE, email=EMAIL, nik=NIK),
    )


def assert_no_identity(body: str) -> None:
    for value in (NAME, PHONE, EMAIL, NIK, "0812-3456-7891"):
        assert value not in body


@pytest.mark.django_db
def test_agency_and_operator_pages_show_no_identity_of_an_anonymous_reporter(
    cast: Cast, client: Client
) -> None:
    # given
    complaint = anonymous_complaint()
    for user in (cast.pupr_staff, cast.operator, cast.mayor_office):
        # when
        client.force_login(user)
        detail = client.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
        inbox = client.get(reverse("complaints:inbox"))
        # then
        assert detail.status_code == 200
        assert "identity-hidden" in detail.text
        assert_no_identity(detail.text)
        assert_no_identity(inbox.text)
        assert "berlubang besar" in detail.text  # the agency still reads what is wrong


@pytest.mark.django_db
def test_agency_notices_emails_and_webhooks_carry_no_identity(cast: Cast, settings: object) -> None:
    # given an agency with an e-mail address and a webhook
    from balaikota.agencies.models import Agency

    Agency.objects.filter(code="dpupr").update(
        email="pupr@malangkota.test", webhook_url="http://127.0.0.1:9/hook", webhook_secret="s"
    )
    # when
    complaint = anonymous_complaint()
    # then every message to the city is free of the reporter's identity
    to_city = OutboxMessage.objects.exclude(address__in=[EMAIL, PHONE])
    assert to_city.exists()
    for message in to_city:
        assert_no_identity(message.subject + message.body + str(message.payload))
    for notice in Notice.objects.all():
        assert_no_identity(notice.title + notice.body)
    # while the reporter still hears of it
    assert OutboxMessage.objects.filter(address=EMAIL, event="complaint.received").exists()
    assert complaint.reporter_email == EMAIL


@pytest.mark.django_db
def test_admin_change_page_hides_an_anonymous_reporter(cast: Cast, client: Client) -> None:
    complaint = anonymous_complaint()
    client.force_login(cast.admin)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200
    assert_no_identity(page.text)


@pytest.mark.django_db
def test_only_the_data_protection_officer_may_open_the_identity(cast: Cast, client: Client) -> None:
    complaint = anonymous_complaint()
    url = reverse("complaints:reveal_identity", args=[complaint.ticket])
    reason = "Laporan berisi ancaman, perlu klarifikasi dengan pelapor oleh kepolisian."
    for user in (cast.operator, cast.pupr_staff, cast.admin, cast.mayor_office):
        client.force_login(user)
        assert client.post(url, {"reason": reason}).status_code == 403
    assert not IdentityReveal.objects.exists()


@pytest.mark.django_db
def test_reveal_needs_a_reason_is_audited_and_the_reporter_is_told(
    cast: Cast, client: Client
) -> None:
    # given
    complaint = anonymous_complaint()
    officer = make_user("pdp", Role.PRIVACY_OFFICER)
    client.force_login(officer)
    detail = reverse("complaints:staff_detail", args=[complaint.ticket])
    before = client.get(detail)
    assert "reveal-button" in before.text
    assert_no_identity(before.text)
    # when the officer gives no real reason, nothing is opened
    client.post(reverse("complaints:reveal_identity", args=[complaint.ticket]), {"reason": "x"})
    assert not IdentityReveal.objects.exists()
    # when they give one
    reason = "Permintaan resmi kepolisian nomor 12/2026 untuk saksi kasus pungli."
    client.post(reverse("complaints:reveal_identity", args=[complaint.ticket]), {"reason": reason})
    # then the officer sees the identity, and nobody else does
    after = client.get(detail)
    assert NAME in after.text
    assert PHONE in after.text
    assert NIK in after.text
    client.force_login(cast.operator)
    assert_no_identity(client.get(detail).text)
    # and it is an audit entry without personal data, with the reporter told why
    entry = AuditEntry.objects.get(action="complaint.reveal_identity")
    assert entry.object_id == complaint.ticket
    assert_no_identity(str(entry.before) + str(entry.after))
    told = OutboxMessage.objects.get(address=EMAIL, event="complaint.identity_revealed")
    assert reason in told.body


@pytest.mark.django_db
def test_revealing_a_complaint_that_is_not_anonymous_is_refused(cast: Cast) -> None:
    complaint = submit(privacy="public")
    officer = make_user("pdp", Role.PRIVACY_OFFICER)
    with pytest.raises(TransitionNotAllowed):
        identity.reveal(complaint, officer, "Alasan yang cukup panjang untuk dicatat.")


@pytest.mark.django_db
def test_public_and_confidential_reporters_are_seen_by_the_agency(cast: Cast) -> None:
    from balaikota.complaints import intake

    for mode in ("public", "confidential"):
        complaint = submit(privacy=mode, contact=intake.Contact(name=NAME, phone=PHONE))
        seen = identity.identity_for(complaint, cast.pupr_staff)
        assert not seen.hidden
        assert seen.name == NAME
        assert seen.phone == PHONE


@pytest.mark.django_db
def test_anonymous_reporter_still_gets_every_status_mail(cast: Cast) -> None:
    from balaikota.complaints import services

    complaint = anonymous_complaint()
    services.accept_complaint(complaint, cast.pupr_staff, "Tim berangkat.")
    assert OutboxMessage.objects.filter(address=EMAIL, event="complaint.status").exists()
    assert len(mail.outbox) == 0 or all(NAME not in m.body for m in mail.outbox)
