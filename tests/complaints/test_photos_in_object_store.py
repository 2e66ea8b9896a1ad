"""Photos in an S3-compatible object store (a real SeaweedFS server): what anyone may read is
the public copy, at its URL; the upload as received and the staff copy stay in the private
bucket, which no one reads without the key, and staff see the staff copy through the app.
Files that may no longer be kept or shown leave the buckets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balaikota.complaints import moderation, photo_copies, tasks
from balaikota.complaints.models import Complaint, Photo
from tests.complaints.test_photo_privacy import broken_png
from tests.conftest import SUMBERSARI, Cast, jpeg
from tests.objectstore import PRIVATE, PUBLIC, S3Server, anonymous_get

JPEG_START = b"\xff\xd8"


def _report(photo: SimpleUploadedFile) -> None:
    Client().post(
        reverse("complaints:report"),
        {
            "text": "Jalan berlubang dalam di depan pasar.",
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "location_source": "map",
            "photos": [photo],
            "submission_key": "form-s3",
        },
    )


def _private_keys(photo: Photo) -> list[str]:
    staff = photo_copies.staff_thumbnail_name(photo.staff_image)
    return sorted([f"private/{photo.staff_image}", f"private/{staff}"])


def test_a_photo_sent_with_the_form_is_public_only_as_its_copy(
    cast: Cast, object_store: S3Server, django_capture_on_commit_callbacks: Any
) -> None:
    # given a citizen's report with a photo, sent through the form
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        _report(jpeg(gps=SUMBERSARI))
    ticket = Complaint.objects.get().ticket
    # then the upload as received (with its GPS) is in the private bucket, closed to strangers
    assert object_store.keys(PRIVATE) == [f"private/uploads/{ticket}/before.jpg"]
    assert object_store.keys(PUBLIC) == []
    upload = object_store.url(PRIVATE, f"private/uploads/{ticket}/before.jpg")
    assert anonymous_get(upload)[0] == 403

    # when the worker has processed it
    for callback in waiting:
        callback()
    photo = Photo.objects.get()
    assert photo.state == Photo.State.READY

    # then the public copy and its thumbnail are in the public bucket, and anyone reads them
    # at the URL the pages give
    assert object_store.keys(PUBLIC) == sorted(
        [f"public/{photo.image.name}", f"public/{photo.thumbnail.name}"]
    )
    for url in (photo.public_url, photo.thumbnail.url):
        status, body = anonymous_get(url)
        assert (status, body[:2]) == (200, JPEG_START)
    # the upload is gone; the staff copy and its thumbnail are private
    assert object_store.keys(PRIVATE) == _private_keys(photo)
    for key in _private_keys(photo):
        assert anonymous_get(object_store.url(PRIVATE, key))[0] == 403

    # and staff of the agency see the staff copy through the application
    staff = Client()
    staff.force_login(cast.pupr_staff)
    response = staff.get(photo.staff_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == object_store.read(  # type: ignore[attr-defined]
        PRIVATE, f"private/{photo.staff_image}"
    )
    # a citizen does not
    citizen = Client()
    citizen.force_login(cast.citizen)
    assert citizen.get(photo.staff_url).status_code == 403


def test_a_photo_hidden_by_a_moderator_leaves_the_public_bucket(
    cast: Cast, object_store: S3Server, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _report(jpeg())
    photo = Photo.objects.get()
    public_url = photo.public_url
    assert anonymous_get(public_url)[0] == 200

    with django_capture_on_commit_callbacks(execute=True):
        moderation.change_photo(
            photo,
            cast.operator,
            moderation.PhotoChange(hidden=True, blur_areas=[]),
            "Wajah anak terlihat",
        )

    assert object_store.keys(PUBLIC) == []
    assert anonymous_get(public_url)[0] == 404
    photo.refresh_from_db()
    assert object_store.keys(PRIVATE) == _private_keys(photo)  # staff still see it


def test_an_unusable_upload_leaves_no_object_behind(
    cast: Cast, object_store: S3Server, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _report(SimpleUploadedFile("rusak.png", broken_png(), content_type="image/png"))

    assert Photo.objects.get().state == Photo.State.FAILED
    assert object_store.keys(PRIVATE) == []
    assert object_store.keys(PUBLIC) == []


def test_the_sweep_deletes_objects_no_photo_refers_to(
    cast: Cast,
    object_store: S3Server,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a processed photo, an upload left behind by a transaction that rolled back, and
    # the public copy of a photo deleted with its complaint
    with django_capture_on_commit_callbacks(execute=True):
        _report(jpeg())
    assert Photo.objects.get().state == Photo.State.READY
    kept_public, kept_private = object_store.keys(PUBLIC), object_store.keys(PRIVATE)
    left = storages["private"].save("uploads/ABCD2345/before.jpg", ContentFile(jpeg().read()))
    public = photo_copies.public_storage()
    gone = public.save("photos/2026/12/dihapus.jpg", ContentFile(jpeg().read()))
    assert anonymous_get(public.url(gone))[0] == 200

    # when the sweep runs two hours later (by the application's clock only: the object
    # store refuses requests signed at a time too far from its own)
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    removed = tasks.delete_orphaned_uploads.call_local()

    # then both are gone from the buckets, and the photo's own files are kept
    assert removed == 2
    assert f"private/{left}" not in object_store.keys(PRIVATE)
    assert anonymous_get(public.url(gone))[0] == 404
    assert object_store.keys(PUBLIC) == kept_public
    assert object_store.keys(PRIVATE) == kept_private
