"""A citizen's complaint finds its place, category and agency, or gets a clear refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from balaikota.complaints import intake, services
from balaikota.complaints.models import Category, Complaint, Event, Photo, Status
from balaikota.core.models import AuditEntry
from balaikota.notifications.models import OutboxMessage
from tests.conftest import KLOJEN, OUTSIDE, SUMBERSARI, Cast, jpeg, submit

pytestmark = pytest.mark.django_db


def test_complaint_with_a_category_goes_straight_to_its_agency(cast: Cast) -> None:
    complaint = submit(category="jalan-rusak", at=SUMBERSARI)
    assert complaint.status == Status.ASSIGNED
    assert complaint.agency is not None
    assert complaint.agency.code == "dpupr"
    assert complaint.region is not None
    assert complaint.region.code == "35.73.05.1005"
    assert complaint.region.parent is not None
    assert complaint.region.parent.name == "Lowokwaru"
    actions = list(complaint.events.values_list("action", "to_status"))
    assert actions == [("submit", "submitted"), ("assign", "assigned")]


def test_agency_staff_are_notified_at_once(cast: Cast) -> None:
    complaint = submit()
    notified = set(
        OutboxMessage.objects.filter(event="complaint.assigned", channel="in_app").values_list(
            "recipient_user__username", flat=True
        )
    )
    assert notified == {"pupr", "pupr-head"}
    assert (
        complaint.ticket in OutboxMessage.objects.filter(event="complaint.assigned").first().subject
    )


def test_complaint_without_a_category_waits_for_the_operator(
    cast: Cast, unsure_router: None
) -> None:
    complaint = submit(category=None)
    assert complaint.status == Status.SUBMITTED
    assert complaint.agency is None
    assert OutboxMessage.objects.filter(
        event="complaint.needs_operator", recipient_user=cast.operator
    ).exists()


def test_area_based_category_goes_to_the_kecamatan_office(cast: Cast) -> None:
    complaint = submit(category="lainnya", at=KLOJEN)
    assert complaint.agency is not None
    assert complaint.agency.code == "kec-klojen"


def test_location_is_taken_from_the_photo_when_none_is_given(cast: Cast) -> None:
    complaint = submit(at=None, photo_files=[jpeg(gps=KLOJEN)])
    assert complaint.location_source == "exif"
    assert (complaint.lat, complaint.lon) == pytest.approx(KLOJEN, abs=1e-5)
    assert complaint.region is not None
    assert complaint.region.name == "Klojen"


def test_a_pin_on_the_map_wins_over_the_photo(cast: Cast) -> None:
    complaint = submit(at=SUMBERSARI, photo_files=[jpeg(gps=KLOJEN)])
    assert complaint.location_source == "map"
    assert complaint.region is not None
    assert complaint.region.code == "35.73.05.1005"
    # The photo's own coordinates are kept in the database, not lost.
    assert Photo.objects.get(complaint=complaint).gps_lat == pytest.approx(KLOJEN[0], abs=1e-5)


def test_point_outside_the_city_is_refused_and_nothing_is_stored(cast: Cast) -> None:
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(at=OUTSIDE)
    assert "outside the service area" in " ".join(caught.value.errors["location"])
    assert not Complaint.objects.exists()
    assert not AuditEntry.objects.filter(object_type="complaint").exists()


def test_complaint_without_any_location_is_refused(cast: Cast) -> None:
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(at=None, photo_files=[jpeg()])
    assert "location" in caught.value.errors


def test_service_complaint_may_come_without_a_location(cast: Cast) -> None:
    complaint = submit(
        text="KTP-el saya belum jadi sudah tiga bulan.", category="adminduk", at=None
    )
    assert complaint.region is None
    assert complaint.agency is not None
    assert complaint.agency.code == "dispendukcapil"


def test_a_non_image_upload_is_refused_with_its_file_name(cast: Cast) -> None:
    fake = SimpleUploadedFile(
        "laporan.jpg", b"not really a picture" * 50, content_type="image/jpeg"
    )
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(photo_files=[fake])
    assert "laporan.jpg" in caught.value.errors["photos"][0]
    assert not Complaint.objects.exists()


def test_more_than_five_photos_are_refused(cast: Cast) -> None:
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(photo_files=[jpeg(f"{i}.jpg") for i in range(6)])
    assert "photos" in caught.value.errors


def test_an_oversized_photo_is_refused(cast: Cast, settings: Any) -> None:
    settings.PHOTO_MAX_BYTES = 20_000
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(photo_files=[jpeg(width=1600, height=1200)])
    assert "too large" in caught.value.errors["photos"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("nik", "12345"), ("email", "not-an-address"), ("phone", "12")],
)
def test_malformed_contact_is_refused(cast: Cast, field: str, value: str) -> None:
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(contact=intake.Contact(**{field: value}))
    assert field in caught.value.errors


def test_too_short_a_description_is_refused(cast: Cast) -> None:
    with pytest.raises(intake.SubmissionInvalid) as caught:
        submit(text="rusak")
    assert "text" in caught.value.errors


def test_the_same_submission_sent_twice_makes_one_complaint(cast: Cast) -> None:
    first = intake.submit_complaint(
        text="Lampu jalan mati di depan balai RW.",
        category=Category.objects.get(slug="penerangan-jalan"),
        lat=SUMBERSARI[0],
        lon=SUMBERSARI[1],
        submission_key="web:abc-123",
    )
    again = intake.submit_complaint(
        text="Lampu jalan mati di depan balai RW.",
        category=Category.objects.get(slug="penerangan-jalan"),
        lat=SUMBERSARI[0],
        lon=SUMBERSARI[1],
        submission_key="web:abc-123",
    )
    assert first.created
    assert not again.created
    assert again.complaint.pk == first.complaint.pk
    assert Complaint.objects.count() == 1


def test_photos_are_re_encoded_by_the_worker_and_the_original_is_deleted(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[jpeg(gps=SUMBERSARI, width=2400, height=1800)])
    photo = Photo.objects.get(complaint=complaint)
    assert photo.state == Photo.State.READY
    assert photo.original == ""
    assert photo.gps_lat == pytest.approx(SUMBERSARI[0], abs=1e-5)
    served = photo.image.read()
    assert b"Exif" not in served
    assert b"DemoCam" not in served
    assert not list(storages["private"].listdir(f"uploads/{complaint.ticket}")[1])


def test_every_step_is_an_event_and_an_audit_entry(cast: Cast) -> None:
    complaint = submit()
    assert Event.objects.filter(complaint=complaint).count() == 2
    entries = AuditEntry.objects.filter(object_type="complaint", object_id=complaint.ticket)
    assert list(entries.values_list("action", flat=True)) == [
        "complaint.submit",
        "complaint.assign",
    ]


def test_photos_left_waiting_while_the_queue_was_down_are_processed_later(cast: Cast) -> None:
    import datetime as dt

    from django.utils import timezone

    from balaikota.complaints import tasks

    # No on-commit hook ran: as if the queue was unreachable at upload time.
    complaint = submit(photo_files=[jpeg()])
    photo = Photo.objects.get(complaint=complaint)
    assert photo.state == Photo.State.PROCESSING
    Photo.objects.filter(pk=photo.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
    tasks.process_stranded_photos.call_local()
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY


def test_a_refused_progress_note_leaves_no_photo_file_behind(cast: Cast) -> None:
    from balaikota.complaints.lifecycle import TransitionNotAllowed

    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff)
    with pytest.raises(TransitionNotAllowed):
        services.add_progress_note(complaint, cast.pupr_staff, "   ", jpeg("after.jpg"))
    private = storages["private"]
    folder = f"uploads/{complaint.ticket}"
    assert not private.exists(folder) or not private.listdir(folder)[1]
    assert not Photo.objects.filter(complaint=complaint, kind="after").exists()


def test_orphaned_uploads_are_deleted_but_live_ones_kept(cast: Cast) -> None:
    import os
    import time

    from django.core.files.base import ContentFile

    from balaikota.complaints import tasks

    complaint = submit(photo_files=[jpeg()])  # on-commit hooks do not run: still processing
    live = Photo.objects.get(complaint=complaint).original
    private = storages["private"]
    orphan = private.save(f"uploads/{complaint.ticket}/lost.jpg", ContentFile(b"x"))
    an_hour_ago = time.time() - 3700
    for name in (live, orphan):
        os.utime(private.path(name), (an_hour_ago, an_hour_ago))
    assert tasks.delete_orphaned_uploads.call_local() == 1
    assert private.exists(live)
    assert not private.exists(orphan)
