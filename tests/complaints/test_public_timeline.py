"""The tracking page's timeline: the public reads the notes with personal data hidden, not the
notes that are for staff only, and sees only the photos that may be published; staff read
the notes as written and see every photo (the unblurred copy), whatever the mode."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from balaikota.complaints import moderation, services
from balaikota.complaints.models import Complaint, Event, Photo
from tests.conftest import Cast, jpeg, submit


def _in_progress(cast: Cast, capture: Any, privacy: str = "public") -> tuple[Complaint, Photo]:
    """A complaint the agency is working on, with a progress note that names people and a
    photo of the work."""
    with capture(execute=True):
        complaint = submit(privacy=privacy)
        services.accept_complaint(complaint, cast.pupr_staff)
        services.add_progress_note(
            complaint,
            cast.pupr_staff,
            "Dikerjakan bersama Pak Slamet, hubungi 0812-3456-7890.",
            jpeg("kerja.jpg"),
        )
    event = Event.objects.get(complaint=complaint, action="note")
    assert event.photo is not None
    event.photo.refresh_from_db()
    assert event.photo.state == Photo.State.READY
    return complaint, event.photo


def test_the_public_reads_timeline_notes_without_personal_data_or_staff_only_reasons(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a progress note naming people, and a moderator's reason for an edit
    complaint, _photo = _in_progress(cast, django_capture_on_commit_callbacks)
    moderation.edit_public_text(
        complaint, cast.operator, "Jalan berlubang besar.", reason="Nama Bu Ratna dihapus."
    )

    # when
    page = Client().get(reverse("complaints:track", args=[complaint.ticket])).content.decode()

    # then
    assert "Dikerjakan bersama Pak [disamarkan], hubungi [disamarkan]." in page
    assert "Slamet" not in page
    assert "Ratna" not in page
    assert "Edited by a moderator" in page


def test_a_hidden_photo_is_not_in_the_public_timeline(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    # given: the photo of the work, then hidden by a moderator
    complaint, photo = _in_progress(cast, django_capture_on_commit_callbacks)
    url = reverse("complaints:track", args=[complaint.ticket])
    shown = Client().get(url).content.decode()
    public_name = photo.image.name.rsplit("/", 1)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        moderation.change_photo(
            photo, cast.operator, moderation.PhotoChange(hidden=True, blur_areas=[]), "Wajah."
        )

    # when
    hidden = Client().get(url).content.decode()

    # then
    assert public_name in shown
    assert 'class="timeline-photo' in shown
    assert 'class="timeline-photo' not in hidden


def test_staff_see_the_photo_in_the_timeline_of_a_confidential_complaint(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    complaint, photo = _in_progress(cast, django_capture_on_commit_callbacks, "confidential")
    staff = Client()
    staff.force_login(cast.pupr_staff)

    # when
    page = staff.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    public = Client().get(reverse("complaints:track", args=[complaint.ticket]))

    # then: staff see the unblurred copy, the public nothing of the complaint
    assert page.status_code == 200
    assert f'src="{photo.staff_url}?ukuran=kecil"' in page.content.decode()
    assert "Pak Slamet" in page.content.decode()
    assert 'class="timeline-photo' not in public.content.decode()
    assert "Slamet" not in public.content.decode()
