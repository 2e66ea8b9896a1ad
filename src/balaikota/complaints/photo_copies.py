"""The stored files of a photo, and what may be public of them.

- The *original* (`Photo.original`): the upload as received, with its EXIF and GPS, in
  private storage. Kept only until the worker has made the staff copy, and deleted at once
  when the file cannot be used.
- The *staff copy* (`Photo.staff_image`, its thumbnail beside it): upright, scaled down,
  re-encoded without any metadata, unblurred. Private storage; served by
  `photo_views.staff_photo` to staff who may see the complaint.
- The *public copy* (`Photo.image`, `Photo.thumbnail`): the staff copy with faces, plates
  and the moderator's areas blurred, in public media storage, which is served at /media/
  without any check; hence a random name, never one made of the ticket and the id. It exists
  only while the photo may be shown: ready, not hidden, of a published complaint.

`refresh_public_copy()` makes, remakes or removes the public copy after a moderator hides or
shows a photo, draws areas on it, withholds or releases the complaint, or makes it
confidential (`tasks.rebuild_public_photo` runs it in the worker).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import models, transaction

from balaikota.complaints import photos
from balaikota.complaints.models import Complaint, Photo

log = logging.getLogger(__name__)

# A photo whose public copy changed again while it was being made is made again; after this
# many tries the last change's own refresh is left to do it.
_TRIES = 3


def _private() -> Storage:
    return storages["private"]


def staff_thumbnail_name(staff_image: str) -> str:
    """The staff thumbnail is kept beside the staff copy, under the same name plus "-t"."""
    return staff_image.removesuffix(".jpg") + "-t.jpg"


def may_be_public(photo: Photo) -> bool:
    return (
        photo.state == Photo.State.READY
        and not photo.hidden
        and bool(photo.staff_image)
        and photo.complaint.published
    )


def _inputs(photo: Photo) -> tuple[Any, ...]:
    """Everything the public copy is made from: if any of it changes while the copy is
    being made, the copy is out of date."""
    return (
        photo.state,
        photo.original,
        photo.staff_image,
        photo.hidden,
        photo.blur_areas,
        photo.complaint.published,
    )


def _locked(photo_id: int, complaint_id: int) -> Photo | None:
    # The complaint first, then the photo: the order moderation locks them in.
    Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    return Photo.objects.select_for_update().select_related("complaint").filter(pk=photo_id).first()


def _reloaded(photo_id: int) -> Photo | None:
    return Photo.objects.select_related("complaint").filter(pk=photo_id).first()


@dataclass(frozen=True)
class _PublicFiles:
    image: str
    thumbnail: str
    blurred: int

    def delete(self) -> None:
        _delete_public(self.image, self.thumbnail)


def public_storage() -> Storage:
    """Where the public copies are: the image fields' storage (STORAGES["default"])."""
    return cast(models.FileField, Photo._meta.get_field("image")).storage


def _delete_public(*names: str | None) -> None:
    storage = public_storage()
    for name in names:
        if name:
            storage.delete(name)


def _write_public(photo: Photo, copy: photos.PublicCopy) -> _PublicFiles:
    # Random names: /media/ is served to anyone, and tickets are public.
    image = photo.image.field.generate_filename(photo, f"{secrets.token_urlsafe(16)}.jpg")
    thumbnail = photo.thumbnail.field.generate_filename(photo, f"{secrets.token_urlsafe(16)}.jpg")
    return _PublicFiles(
        image=public_storage().save(image, ContentFile(copy.image)),
        thumbnail=public_storage().save(thumbnail, ContentFile(copy.thumbnail)),
        blurred=copy.blurred,
    )


def _write_staff(photo: Photo, staff: photos.Processed) -> str:
    name = _private().save(
        f"staff/{photo.complaint.ticket}/{photo.pk}-{secrets.token_urlsafe(8)}.jpg",
        ContentFile(staff.image),
    )
    _private().save(staff_thumbnail_name(name), ContentFile(staff.thumbnail))
    return name


def _delete_staff(name: str) -> None:
    if name:
        _private().delete(name)
        _private().delete(staff_thumbnail_name(name))


def fail(photo: Photo, reason: str = "") -> None:
    """The file cannot be used: the photo fails and its original (which still carries its
    GPS) is deleted at once, not left for a sweep. `reason` is logged (if the caller has
    not said it already)."""
    if reason:
        log.warning("photo %s of %s cannot be used: %s", photo.pk, photo.complaint.ticket, reason)
    original = photo.original
    Photo.objects.filter(pk=photo.pk, state=Photo.State.PROCESSING).update(
        state=Photo.State.FAILED, original=""
    )
    if original:
        _private().delete(original)
    photo.state, photo.original = Photo.State.FAILED, ""


def make_copies(photo: Photo) -> None:
    """The worker's step for a photo waiting in private storage: the staff copy, the public
    one if the photo may be shown, then the original is deleted."""
    original = photo.original
    try:
        with _private().open(original, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        fail(photo, "the upload is missing")
        return
    try:
        staff = photos.process(data, max_decoded_bytes=settings.PHOTO_DECODE_MAX_BYTES)
    except Exception as exc:  # PhotoUnusable, or whatever else a hostile file provokes
        fail(photo, f"{type(exc).__name__}: {exc}")
        return
    staff_name = _write_staff(photo, staff)
    public = None
    if not photo.hidden and photo.complaint.published:
        public = _write_public(photo, photos.public_copy_of(staff, photo.blur_areas))
    with transaction.atomic():
        current = _locked(photo.pk, photo.complaint_id)
        if current is None or current.state != Photo.State.PROCESSING:
            # Another worker made the copies first (or the photo is gone).
            _delete_staff(staff_name)
            if public is not None:
                public.delete()
            return
        # A moderator may have hidden it or withheld the complaint meanwhile.
        moderated = _inputs(current) != _inputs(photo)
        current.staff_image = staff_name
        current.width, current.height = staff.width, staff.height
        current.state, current.original = Photo.State.READY, ""
        fields = ["staff_image", "width", "height", "state", "original"]
        if public is not None and not moderated:
            current.image.name, current.thumbnail.name = public.image, public.thumbnail
            current.faces_blurred = public.blurred
            fields += ["image", "thumbnail", "faces_blurred"]
        current.save(update_fields=fields)
    _private().delete(original)
    if moderated:
        if public is not None:
            public.delete()
        refresh_public_copy(current)


def refresh_public_copy(photo: Photo) -> None:
    """Make the public copy of `photo` match what may be shown of it now: made again from
    the staff copy (with the current blur areas, under a new name) when the photo may be
    shown, removed when it may not."""
    for _try in range(_TRIES):
        expected = _reloaded(photo.pk)
        if expected is None:
            return
        public = None
        if may_be_public(expected):
            with _private().open(expected.staff_image, "rb") as handle:
                copy = photos.public_copy(handle.read(), expected.blur_areas)
                public = _write_public(expected, copy)
        elif not expected.image and not expected.thumbnail:
            return  # nothing is public, and nothing may be
        with transaction.atomic():
            current = _locked(expected.pk, expected.complaint_id)
            changed = current is None or _inputs(current) != _inputs(expected)
            if current is not None and not changed:
                old = (current.image.name, current.thumbnail.name)
                current.image.name = public.image if public else ""
                current.thumbnail.name = public.thumbnail if public else ""
                fields = ["image", "thumbnail"]
                if public is not None:
                    current.faces_blurred = public.blurred
                    fields.append("faces_blurred")
                current.save(update_fields=fields)
                # After the commit: a rolled-back change keeps its files.
                transaction.on_commit(lambda old=old: _delete_public(*old))  # type: ignore[misc]
        if not changed:
            return
        if public is not None:
            public.delete()
    log.warning("photo %s: its public copy kept changing; left to the last change", photo.pk)


def adopt_legacy(photo: Photo) -> None:
    """A photo processed before there were two copies: its public file is metadata-free but
    unblurred and named after its ticket. It becomes the staff copy; the public copy is then
    made afresh (or not at all) and the old public files deleted."""
    try:
        with photo.image.open("rb") as handle:
            data = handle.read()
        staff = photos.process(data, max_decoded_bytes=settings.PHOTO_DECODE_MAX_BYTES)
    except Exception as exc:  # a file that is gone, or was once accepted and is now unreadable
        log.warning("photo %s: its old public copy cannot be read (%s)", photo.pk, exc)
        _delete_public(photo.image.name, photo.thumbnail.name)
        Photo.objects.filter(pk=photo.pk).update(state=Photo.State.FAILED, image="", thumbnail="")
        return
    staff_name = _write_staff(photo, staff)
    updated = Photo.objects.filter(pk=photo.pk, staff_image="").update(staff_image=staff_name)
    if not updated:
        _delete_staff(staff_name)
        return
    refresh_public_copy(photo)
