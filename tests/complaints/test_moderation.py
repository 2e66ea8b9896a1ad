"""Moderation: operators edit what the public sees, hide or blur photos, withhold a whole
complaint, approve one a moderated category holds back; modes only ever get stricter."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balaikota.complaints import moderation
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Category, Complaint, Event, Privacy
from balaikota.core.models import AuditEntry
from balaikota.core.redaction import PLACEHOLDER
from tests.conftest import Cast, submit


@pytest.mark.django_db
def test_operator_edits_the_public_text_with_a_reason(cast: Cast, client: Client) -> None:
    # given
    complaint = submit(text="Tetangga saya Pak Slamet buang sampah ke sungai setiap pagi.")
    client.force_login(cast.operator)
    # when
    client.post(
        reverse("complaints:moderate", args=[complaint.ticket]),
        {
            "what": "text",
            "public_text": "Sampah dibuang ke sungai setiap pagi. Hubungi 0812 9999 8888.",
            "reason": "Nama tetangga dihapus.",
        },
    )
    # then the public reads the edit, with personal data still hidden; staff read the original
    complaint.refresh_from_db()
    assert complaint.public_text.startswith("Sampah dibuang ke sungai")
    assert PLACEHOLDER in complaint.public_text
    assert "9999" not in complaint.public_text
    assert "Pak Slamet" in complaint.text
    assert complaint.moderated_at is not None
    event = Event.objects.get(complaint=complaint, action="moderate")
    assert event.note == "Nama tetangga dihapus."
    assert AuditEntry.objects.filter(action="complaint.moderate").exists()


@pytest.mark.django_db
def test_moderation_needs_an_operator_and_a_reason(cast: Cast, client: Client) -> None:
    complaint = submit()
    with pytest.raises(TransitionNotAllowed):
        moderation.set_withheld(complaint, cast.pupr_staff, True, "Tidak pantas.")
    with pytest.raises(TransitionNotAllowed):
        moderation.set_withheld(complaint, cast.operator, True, "  ")
    client.force_login(cast.pupr_staff)
    assert client.get(reverse("complaints:moderate", args=[complaint.ticket])).status_code == 403


@pytest.mark.django_db
def test_withheld_complaint_is_not_published_until_released(cast: Cast) -> None:
    complaint = submit()
    moderation.set_withheld(complaint, cast.operator, True, "Berisi tuduhan pribadi.")
    complaint.refresh_from_db()
    assert not complaint.published
    moderation.set_withheld(complaint, cast.operator, False, "Teks sudah disunting.")
    complaint.refresh_from_db()
    assert complaint.published


@pytest.mark.django_db
def test_category_that_requires_moderation_holds_the_complaint_until_approved(
    cast: Cast,
) -> None:
    Category.objects.filter(slug="jalan-rusak").update(requires_moderation=True)
    complaint = submit()
    assert complaint.awaiting_moderation
    assert not complaint.published
    moderation.approve(complaint, cast.operator, "Tidak ada data pribadi.")
    complaint.refresh_from_db()
    assert complaint.published
    assert not complaint.awaiting_moderation


@pytest.mark.django_db
def test_category_forcing_confidentiality_overrides_the_reporters_choice(cast: Cast) -> None:
    Category.objects.filter(slug="jalan-rusak").update(force_confidential=True)
    complaint = submit(privacy="public")
    assert complaint.privacy == Privacy.CONFIDENTIAL
    assert not complaint.published


@pytest.mark.django_db
def test_operator_correction_into_a_confidential_category_makes_it_confidential(
    cast: Cast,
) -> None:
    from balaikota.complaints import services

    Category.objects.filter(slug="sampah").update(force_confidential=True)
    complaint = submit(privacy="public")
    services.correct_complaint(
        complaint, cast.operator, category=Category.objects.get(slug="sampah"), note="Salah."
    )
    complaint.refresh_from_db()
    assert complaint.privacy == Privacy.CONFIDENTIAL
    assert not complaint.published


@pytest.mark.django_db
def test_staff_only_make_the_mode_stricter_the_reporter_may_loosen_it(cast: Cast) -> None:
    complaint = submit(privacy="anonymous")
    with pytest.raises(TransitionNotAllowed):
        moderation.change_privacy(complaint, "public", user=cast.operator)
    moderation.change_privacy(complaint, "confidential", user=cast.operator)
    complaint.refresh_from_db()
    assert complaint.privacy == Privacy.CONFIDENTIAL
    assert not complaint.published
    moderation.change_privacy(complaint, "public", by_reporter=True)
    complaint.refresh_from_db()
    assert complaint.privacy == Privacy.PUBLIC
    assert complaint.published
    assert Event.objects.filter(complaint=complaint, action="privacy").count() == 2


@pytest.mark.django_db
def test_audit_verify_holds_after_moderation_and_mode_changes(cast: Cast) -> None:
    from django.core.management import call_command

    complaint = submit()
    moderation.edit_public_text(complaint, cast.operator, "Jalan rusak.", "Disingkat.")
    moderation.change_privacy(complaint, "confidential", user=cast.operator)
    call_command("audit_verify")  # raises CommandError on any problem
    assert Complaint.objects.get(pk=complaint.pk).privacy == "confidential"


@pytest.mark.django_db
def test_blur_areas_are_clipped_rectangles() -> None:
    assert moderation.clean_blur_areas([[0.5, 0.5, 0.9, 0.9]]) == [[0.5, 0.5, 0.5, 0.5]]
    with pytest.raises(TransitionNotAllowed):
        moderation.clean_blur_areas([[1, 2]])
    with pytest.raises(TransitionNotAllowed):
        moderation.clean_blur_areas("[]")


@pytest.mark.django_db
def test_a_text_that_may_report_extortion_is_held_until_an_operator_sets_its_category(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from balaikota.complaints import learning, services
    from balaikota.complaints.router import Candidate

    # given the model ranks the always-confidential category first, but is not sure
    ranking = [Candidate("integritas-pungli", 0.35), Candidate("perizinan", 0.3)]
    monkeypatch.setattr(learning, "suggest", lambda text: (ranking, None))
    # when
    complaint = submit(text="Petugas minta uang tambahan untuk surat izin.", category=None)
    # then nothing of it is published yet
    assert complaint.category is None
    assert complaint.awaiting_moderation
    assert not complaint.published
    # when the operator says it is a permit complaint, it may be published
    services.correct_complaint(
        complaint, cast.operator, category=Category.objects.get(slug="perizinan"), note="Izin."
    )
    complaint.refresh_from_db()
    assert complaint.published
    assert complaint.privacy == Privacy.PUBLIC


@pytest.mark.django_db
def test_reporter_changes_the_mode_through_the_private_link_and_nobody_else_can(
    cast: Cast, client: Client
) -> None:
    from balaikota.complaints import intake
    from balaikota.complaints.models import Category as Cat

    # given a confidential complaint and its private key
    submission = intake.submit_complaint(
        text="Jalan berlubang besar di depan sekolah, motor sering jatuh.",
        category=Cat.objects.get(slug="jalan-rusak"),
        lat=-7.96,
        lon=112.614,
        privacy="confidential",
    )
    ticket, key = submission.complaint.ticket, submission.reporter_key
    url = reverse("complaints:reporter_action", args=[ticket, "privacy"])
    # when a stranger tries, nothing changes
    assert client.post(url, {"privacy": "public"}).status_code == 403
    # when the reporter asks with the private link
    client.get(reverse("complaints:track", args=[ticket]) + f"?kunci={key}")
    page = client.get(reverse("complaints:track", args=[ticket]))
    assert "reporter-privacy" in page.text
    client.post(url, {"privacy": "public"})
    # then the complaint is published
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.privacy == Privacy.PUBLIC
    assert complaint.published
    client.post(url, {"privacy": "nonsense"})
    assert Complaint.objects.get(ticket=ticket).privacy == Privacy.PUBLIC
