"""Photos that protect people: staff see the photo as taken (without its metadata), the
public a copy with faces blurred, under a name nobody can guess, and only while the photo
may be shown. A file that cannot be used is deleted at once.

The face is a real photograph's: scikit-image's astronaut portrait (public domain).
"""

from __future__ import annotations

import functools
import io
import os
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageCms, ImageFilter, ImageStat
from skimage import data

from balaikota.complaints import faces, moderation, photo_copies, tasks
from balaikota.complaints.models import Complaint, Photo, Privacy
from balaikota.demo import images
from tests.conftest import SUMBERSARI, Cast, submit
from tests.peers import Receiver, webhook_receiver

__all__ = ["webhook_receiver"]

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmp:CreatorTool="KameraWarga"/></rdf:RDF></x:xmpmeta>'
)
COMMENT = b"Difoto oleh Budi Santoso 0812 3456 7890"


@functools.cache
def _portrait_bytes() -> bytes:
    """The portrait as a phone would send it: GPS and camera EXIF, XMP, an ICC profile and
    a comment naming the photographer."""
    image = Image.fromarray(data.astronaut()).resize((1600, 1600), Image.Resampling.LANCZOS)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        quality=90,
        exif=images.gps_exif(*SUMBERSARI),
        icc_profile=srgb,
        xmp=XMP,
        comment=COMMENT,
    )
    return out.getvalue()


def portrait() -> SimpleUploadedFile:
    return SimpleUploadedFile("wajah.jpg", _portrait_bytes(), content_type="image/jpeg")


def broken_png() -> bytes:
    """A PNG whose structure and checksums are right (so it passes the check at intake) but
    whose pixels cannot be decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 640, 480, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"not a zlib stream" * 8)
        + chunk(b"IEND", b"")
    )


def _submitted(capture: Any, **kwargs: Any) -> Photo:
    with capture(execute=True):
        complaint = submit(photo_files=kwargs.pop("photo_files", None) or [portrait()], **kwargs)
    return Photo.objects.select_related("complaint").get(complaint=complaint)


def _open(data_: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data_))
    image.load()
    return image


def _staff_bytes(photo: Photo, thumbnail: bool = False) -> bytes:
    name = photo_copies.staff_thumbnail_name(photo.staff_image) if thumbnail else photo.staff_image
    with storages["private"].open(name, "rb") as handle:
        return handle.read()


def _public_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _media_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _private_files(settings: Any, top: str) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / top
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_staff_see_the_face_and_the_public_copy_has_it_blurred(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the detector sees the face in the photo as sent
    assert faces.detect_faces(_open(_portrait_bytes()))
    # when a citizen reports with it and the worker has processed it
    photo = _submitted(django_capture_on_commit_callbacks)
    # then staff still see the face, and the public copy and its thumbnail show none
    assert photo.state == Photo.State.READY
    assert photo.faces_blurred == 1
    assert faces.detect_faces(_open(_staff_bytes(photo)))
    assert faces.detect_faces(_open(_staff_bytes(photo, thumbnail=True)))
    assert faces.detect_faces(_open(_public_bytes(photo.image.name))) == []
    assert faces.detect_faces(_open(_public_bytes(photo.thumbnail.name))) == []
    # the original upload is gone; where it was taken stays in the database only
    assert photo.original == ""
    assert _private_files(settings, "uploads") == []
    assert photo.gps_lat == pytest.approx(SUMBERSARI[0], abs=1e-5)


def test_neither_copy_keeps_exif_gps_xmp_icc_or_comments(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _submitted(django_capture_on_commit_callbacks)
    copies = {
        "staff": _staff_bytes(photo),
        "staff thumbnail": _staff_bytes(photo, thumbnail=True),
        "public": _public_bytes(photo.image.name),
        "public thumbnail": _public_bytes(photo.thumbnail.name),
    }
    for label, data_ in copies.items():
        image = _open(data_)
        assert not image.getexif(), label
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info), label
        for marker in (b"Exif\x00\x00", b"ICC_PROFILE", b"ns.adobe.com/xap", b"DemoCam", COMMENT):
            assert marker not in data_, (label, marker)
    assert _private_files(settings, "uploads") == []


def test_public_file_names_cannot_be_guessed_from_ticket_and_id(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given a complaint with two photos
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[portrait(), SimpleUploadedFile("b.jpg", images.picture())])
    first, second = Photo.objects.filter(complaint=complaint)
    # then their public names carry a long random part, not the ticket or the id
    for photo in (first, second):
        for name in (photo.image.name, photo.thumbnail.name):
            stem = Path(name).stem
            assert complaint.ticket not in name
            assert stem != str(photo.pk)
            assert len(stem) >= 20
        assert client.get(photo.public_url).status_code == 200
    assert Path(first.image.name).stem != Path(second.image.name).stem
    # and the names an earlier version used are not there
    month = timezone.now().strftime("%Y/%m")
    guess = f"/media/photos/{month}/{complaint.ticket}-{first.pk}.jpg"
    assert client.get(guess).status_code == 404


def test_a_confidential_complaints_photo_is_only_for_its_staff(
    cast: Cast, client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a confidential complaint with a photo, processed
    photo = _submitted(django_capture_on_commit_callbacks, privacy=Privacy.CONFIDENTIAL)
    assert photo.state == Photo.State.READY
    assert photo.staff_image
    # then nothing of it is in public storage
    assert not photo.image
    assert photo.public_url == ""
    assert _media_files(settings) == []
    # staff of the agency and the operator get the unblurred copy, privately cached
    for user in (cast.pupr_staff, cast.operator):
        client.force_login(user)
        response = client.get(photo.staff_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert faces.detect_faces(_open(b"".join(response.streaming_content)))
    small = client.get(photo.staff_url, {"ukuran": "kecil"})
    assert max(_open(b"".join(small.streaming_content)).size) == 480
    # staff of another agency do not learn it exists; citizens and strangers are refused
    client.force_login(cast.dlh_staff)
    assert client.get(photo.staff_url).status_code == 404
    client.force_login(cast.citizen)
    assert client.get(photo.staff_url).status_code == 403
    client.logout()
    assert client.get(photo.staff_url).status_code == 403


def test_hiding_a_photo_removes_its_public_copy_and_showing_it_makes_a_new_one(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given a published photo
    photo = _submitted(django_capture_on_commit_callbacks)
    first_url = photo.public_url
    assert client.get(first_url).status_code == 200
    # when it is hidden
    photo.hidden = True
    photo.save(update_fields=["hidden"])
    with django_capture_on_commit_callbacks(execute=True):
        photo_copies.refresh_public_copy(photo)
    # then its public files are gone
    photo.refresh_from_db()
    assert photo.public_url == ""
    assert not photo.thumbnail
    assert client.get(first_url).status_code == 404
    # when it is shown again, it gets a new public copy under a new name
    photo.hidden = False
    photo.save(update_fields=["hidden"])
    with django_capture_on_commit_callbacks(execute=True):
        tasks.rebuild_public_photo(photo.pk)
    photo.refresh_from_db()
    assert photo.public_url not in ("", first_url)
    assert client.get(photo.public_url).status_code == 200
    assert faces.detect_faces(_open(_public_bytes(photo.image.name))) == []


def _detail(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """How much fine detail (edges) there is in the area: writing, a face, a plate."""
    x, y, w, h = box
    width, height = image.size
    region = image.convert("L").crop(
        (int(x * width), int(y * height), int((x + w) * width), int((y + h) * height))
    )
    return float(ImageStat.Stat(region.filter(ImageFilter.FIND_EDGES)).mean[0])


def test_a_rectangle_drawn_by_a_moderator_is_blurred_in_the_public_copy(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given a published photo: the badge on the suit (lower left) is sharp in both copies
    photo = _submitted(django_capture_on_commit_callbacks)
    badge = (0.25, 0.68, 0.17, 0.14)
    before = _public_bytes(photo.image.name)
    sharp = _detail(_open(before), badge)
    assert sharp > 8
    # when a moderator draws a rectangle over it
    with django_capture_on_commit_callbacks(execute=True):
        moderation.change_photo(
            photo,
            cast.operator,
            moderation.PhotoChange(hidden=False, blur_areas=[list(badge)]),
            "Nama di lencana.",
        )
    # then the public copy is made again with it blurred; the old file is gone
    old_url = photo.public_url
    photo.refresh_from_db()
    assert photo.public_url != old_url
    assert client.get(old_url).status_code == 404
    assert _detail(_open(_public_bytes(photo.image.name)), badge) < sharp / 3
    assert _detail(_open(_staff_bytes(photo)), badge) == pytest.approx(sharp, rel=0.1)
    assert photo.faces_blurred == 1


def test_withholding_a_complaint_removes_its_public_photos_and_releasing_restores_them(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _submitted(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_withheld(photo.complaint, cast.operator, True, "Tuduhan pribadi.")
    photo.refresh_from_db()
    assert photo.public_url == ""
    assert _media_files(settings) == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_withheld(photo.complaint, cast.operator, False, "Sudah disunting.")
    photo.refresh_from_db()
    assert photo.public_url
    assert len(_media_files(settings)) == 2  # the photo and its thumbnail


def test_a_photo_that_cannot_be_decoded_leaves_no_file_and_staff_are_told(
    cast: Cast, client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given an upload that passes the check at intake but cannot be decoded
    upload = SimpleUploadedFile("rusak.png", broken_png(), content_type="image/png")
    # when the worker processes it
    photo = _submitted(django_capture_on_commit_callbacks, photo_files=[upload])
    # then the photo failed and no file of it is kept anywhere
    assert photo.state == Photo.State.FAILED
    assert photo.original == ""
    assert photo.staff_image == ""
    assert not photo.image
    assert _private_files(settings, "uploads") == []
    assert _private_files(settings, "staff") == []
    assert _media_files(settings) == []
    # and the staff page says so
    client.force_login(cast.pupr_staff)
    page = client.get(reverse("complaints:staff_detail", args=[photo.complaint.ticket]))
    assert "This photo could not be used (it was not a readable photo); the file was deleted." in (
        page.content.decode()
    )


def test_a_photo_fetched_by_address_that_cannot_be_decoded_is_deleted_at_once(
    cast: Cast,
    settings: Any,
    webhook_receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.FETCH_PRIVATE_ADDRESSES = True
    webhook_receiver.files["/rusak.png"] = (200, "image/png", broken_png())
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_urls=[webhook_receiver.base + "/rusak.png"])
    photo = Photo.objects.get(complaint=complaint)
    assert photo.state == Photo.State.FAILED
    assert photo.original == ""
    assert _private_files(settings, "uploads") == []


def test_the_sweep_deletes_originals_that_failed_photos_still_keep(
    cast: Cast, settings: Any
) -> None:
    # given a photo that failed before originals were deleted at once
    complaint = submit(photo_files=[portrait()])  # the worker has not run
    photo = Photo.objects.get(complaint=complaint)
    Photo.objects.filter(pk=photo.pk).update(state=Photo.State.FAILED)
    assert storages["private"].exists(photo.original)
    # when the sweep runs
    tasks.process_stranded_photos.call_local()
    # then the original is gone
    photo.refresh_from_db()
    assert photo.original == ""
    assert _private_files(settings, "uploads") == []


def test_orphaned_staff_copies_are_deleted_but_live_ones_kept(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _submitted(django_capture_on_commit_callbacks)
    private = storages["private"]
    orphan = private.save(f"staff/{photo.complaint.ticket}/99-lost.jpg", ContentFile(b"x"))
    live = [photo.staff_image, photo_copies.staff_thumbnail_name(photo.staff_image)]
    an_hour_ago = time.time() - 3700
    for name in (orphan, *live):
        os.utime(private.path(name), (an_hour_ago, an_hour_ago))
    assert tasks.delete_orphaned_uploads.call_local() == 1
    assert not private.exists(orphan)
    assert all(private.exists(name) for name in live)


def test_a_photo_processed_before_there_were_two_copies_is_moved_to_them(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given a photo as an earlier version left it: one unblurred public file named after
    # its ticket, no staff copy
    photo = _submitted(django_capture_on_commit_callbacks)
    unblurred = _staff_bytes(photo)
    legacy = default_storage.save(
        f"photos/2025/01/{photo.complaint.ticket}-{photo.pk}.jpg", ContentFile(unblurred)
    )
    Photo.objects.filter(pk=photo.pk).update(image=legacy, thumbnail="", staff_image="")
    # when the sweep runs
    with django_capture_on_commit_callbacks(execute=True):
        tasks.process_stranded_photos.call_local()
    # then the old file is gone and the photo has both copies
    photo.refresh_from_db()
    assert not default_storage.exists(legacy)
    assert photo.staff_image
    assert photo.image.name != legacy
    assert faces.detect_faces(_open(_staff_bytes(photo)))
    assert faces.detect_faces(_open(_public_bytes(photo.image.name))) == []


def test_the_staff_page_shows_the_unblurred_photo_and_what_the_public_sees(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _submitted(django_capture_on_commit_callbacks)
    client.force_login(cast.pupr_staff)
    url = reverse("complaints:staff_detail", args=[photo.complaint.ticket])
    page = client.get(url).content.decode()
    assert f'src="{photo.staff_url}?ukuran=kecil"' in page
    assert "1 face or plate blurred in the public copy" in page
    Photo.objects.filter(pk=photo.pk).update(hidden=True)
    assert "Hidden from the public" in client.get(url).content.decode()


def test_the_staff_page_shows_photos_still_being_processed(cast: Cast, client: Client) -> None:
    complaint = submit(photo_files=[portrait()])  # the worker has not run yet
    photo = Photo.objects.get(complaint=complaint)
    assert photo.staff_url == ""
    assert photo.public_url == ""
    client.force_login(cast.pupr_staff)
    response = client.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    assert response.status_code == 200
    assert "Photo is being processed" in response.content.decode()


def test_photos_of_a_complaint_made_confidential_later_are_withdrawn(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _submitted(django_capture_on_commit_callbacks)
    assert _media_files(settings)
    # when the complaint becomes confidential (by whatever path) and its photos refreshed
    Complaint.objects.filter(pk=photo.complaint_id).update(
        privacy=Privacy.CONFIDENTIAL, published=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.rebuild_public_photo(photo.pk)
    photo.refresh_from_db()
    assert photo.public_url == ""
    assert _media_files(settings) == []
