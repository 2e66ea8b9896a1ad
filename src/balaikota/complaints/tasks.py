from __future__ import annotations

import datetime as dt
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from balaikota.complaints import learning, photo_copies, photos, services
from balaikota.complaints.models import Photo
from balaikota.core import objectstore, outbound
from balaikota.core.queues import photo_task
from balaikota.core.schedule import wib

log = logging.getLogger(__name__)


# On the photos queue (core/queues.py): a citizen looks for the photo on the tracking page
# straight away, whatever the outbox's backlog.
@photo_task(retries=3, retry_delay=30, priority=10)
def process_photo(photo_id: int) -> None:
    """The staff copy and the public copy of an upload, then the original is deleted; an
    upload that is not a usable photo fails, and its original is deleted at once."""
    photo = (
        Photo.objects.filter(pk=photo_id, state=Photo.State.PROCESSING)
        .exclude(original="")
        .select_related("complaint")
        .first()
    )
    if photo is not None:
        photo_copies.make_copies(photo)


@photo_task(retries=2, retry_delay=60, priority=10)
def rebuild_public_photo(photo_id: int) -> None:
    """Make the public copy again, or remove it, after a moderator or a change of mode."""
    photo = Photo.objects.filter(pk=photo_id).select_related("complaint").first()
    if photo is not None:
        photo_copies.refresh_public_copy(photo)


# A photo given by URL: a server that is down gets three more tries over half an hour.
FETCH_ATTEMPTS = 4
FETCH_RETRY_SECONDS = (60, 300, 1500)


@photo_task()
def fetch_photo(photo_id: int, attempt: int = 1) -> None:
    """Fetch a photo given by its address, check it as an upload, then process it."""
    photo = (
        Photo.objects.filter(pk=photo_id, state=Photo.State.PROCESSING, original="")
        .exclude(source_url="")
        .select_related("complaint")
        .first()
    )
    if photo is None:
        return
    try:
        response = outbound.request(photo.source_url, max_bytes=settings.PHOTO_MAX_BYTES)
        if response.status >= 500 or response.status == 429:
            raise outbound.OutboundError(f"the server answered HTTP {response.status}")
    except Exception as exc:  # the network, or a URL that cannot even be parsed
        transient = isinstance(exc, outbound.OutboundError) and not isinstance(
            exc, outbound.Refused
        )
        if attempt < FETCH_ATTEMPTS and transient:
            log.info("photo %s not fetched yet (%s); trying again", photo_id, exc)
            fetch_photo.schedule((photo_id, attempt + 1), delay=FETCH_RETRY_SECONDS[attempt - 1])
            return
        _fetch_failed(photo, str(exc))
        return
    if response.status != 200:
        _fetch_failed(photo, f"the server answered HTTP {response.status}")
        return
    try:
        checked = photos.check(
            io.BytesIO(response.body),
            size=len(response.body),
            max_bytes=settings.PHOTO_MAX_BYTES,
            max_pixels=settings.PHOTO_MAX_PIXELS,
        )
    except photos.PhotoRejected as exc:
        _fetch_failed(photo, str(exc))
        return
    extension = {"JPEG": "jpg", "PNG": "png", "HEIF": "heic"}.get(checked.format, "bin")
    photo.original = storages["private"].save(
        f"uploads/{photo.complaint.ticket}/remote-{photo.pk}.{extension}",
        ContentFile(response.body),
    )
    photo.width, photo.height = checked.width, checked.height
    if checked.gps is not None:
        photo.gps_lat, photo.gps_lon = checked.gps
    photo.save(update_fields=["original", "width", "height", "gps_lat", "gps_lon"])
    process_photo.call_local(photo.pk)


def _fetch_failed(photo: Photo, reason: str) -> None:
    # The ticket, not the address: a gateway's media link may carry the sender's number.
    log.warning("photo %s of %s could not be fetched: %s", photo.pk, photo.complaint.ticket, reason)
    photo_copies.fail(photo)


@db_periodic_task(wib(minute="*/10"))
def escalate_overdue_complaints() -> int:
    return services.escalate_overdue()


@db_periodic_task(wib(minute="15", hour="1"))
def close_unconfirmed_complaints() -> int:
    return services.close_unconfirmed()


@db_periodic_task(wib(minute="45", hour="*"))
def close_unanswered_complaints() -> int:
    """Hourly: a reporter's time to answer ends with a working day, in Asia/Jakarta."""
    return services.close_unanswered()


@db_periodic_task(wib(minute="*/5"))
def process_stranded_photos() -> int:
    """Photos still waiting after 30 minutes (the queue was down when they were uploaded),
    originals of failed photos (none should be left: they keep their GPS), and photos
    processed before there were two copies."""
    delete_failed_originals()
    cutoff = timezone.now() - dt.timedelta(minutes=30)
    stranded = list(
        Photo.objects.filter(state=Photo.State.PROCESSING, created_at__lt=cutoff)
        .exclude(original="")
        .values_list("pk", flat=True)[:200]
    )
    for photo_id in stranded:
        process_photo(photo_id)
    by_address = list(
        Photo.objects.filter(
            state=Photo.State.PROCESSING, original="", created_at__lt=cutoff - dt.timedelta(hours=1)
        )
        .exclude(source_url="")
        .values_list("pk", flat=True)[:200]
    )
    for photo_id in by_address:
        # The last attempt: a photo still not fetched after it is marked as failed.
        fetch_photo(photo_id, FETCH_ATTEMPTS)
    legacy = list(
        Photo.objects.filter(state=Photo.State.READY, staff_image="")
        .exclude(image="")
        .select_related("complaint")[:20]
    )
    for photo in legacy:
        photo_copies.adopt_legacy(photo)
    return len(stranded) + len(by_address) + len(legacy)


def delete_failed_originals() -> int:
    """The upload of a photo that failed: normally deleted when it failed; this catches
    those that failed before that was so."""
    failed = list(Photo.objects.filter(state=Photo.State.FAILED).exclude(original=""))
    for photo in failed:
        storages["private"].delete(photo.original)
        Photo.objects.filter(pk=photo.pk).update(original="")
    return len(failed)


@db_periodic_task(wib(minute="40", hour="*/6"))
def delete_orphaned_uploads() -> int:
    """Files no photo refers to: uploads and staff copies left by a transaction that rolled
    back after the file was written, or by a worker that stopped half-way (uploads still
    carry their EXIF, so they must not linger), and public copies whose photo is gone (a
    deleted complaint's stay readable at their address until then)."""
    cutoff = timezone.now() - dt.timedelta(hours=1)
    removed = delete_failed_originals()
    live = Photo.objects.exclude(state=Photo.State.FAILED)
    referenced = set(live.exclude(original="").values_list("original", flat=True))
    for name in live.exclude(staff_image="").values_list("staff_image", flat=True):
        referenced |= {name, photo_copies.staff_thumbnail_name(name)}
    removed += _delete_unreferenced(storages["private"], ("uploads", "staff"), referenced, cutoff)
    public = set()
    for image, thumbnail in Photo.objects.values_list("image", "thumbnail"):
        public |= {image, thumbnail}
    removed += _delete_unreferenced(
        photo_copies.public_storage(), ("photos", "thumbs"), public, cutoff
    )
    return removed


def _delete_unreferenced(
    storage: Storage, tops: tuple[str, ...], referenced: set[str], cutoff: dt.datetime
) -> int:
    removed = 0
    for top in tops:
        for path in objectstore.files_under(storage, top):
            if path not in referenced and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                removed += 1
    return removed


@db_periodic_task(wib(minute="30", hour="2", day_of_week="0"))
def retrain_router() -> bool:
    """Weekly, at night: learn from the week's corrections (swapped in only if not worse)."""
    return learning.retrain().swapped
