"""Every change to a complaint goes through these functions, inside one transaction each.

Each records an `Event` and an audit entry, and queues its notifications in the outbox of
the same transaction: the change, its record and its messages happen together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.agencies.models import Agency, Membership
from balaikota.complaints import (
    attributes,
    deadlines,
    learning,
    lifecycle,
    photos,
    signals,
    tickets,
)
from balaikota.complaints import notifications as notify
from balaikota.complaints.lifecycle import Action, Actor, TransitionNotAllowed
from balaikota.complaints.models import (
    Category,
    CategorySource,
    Channel,
    Complaint,
    Event,
    LocationSource,
    Photo,
    Status,
)
from balaikota.complaints.replay import EVENT_FIELDS, event_digest
from balaikota.complaints.routing import agency_for
from balaikota.core import audit, plaintext, roles
from balaikota.core.models import User
from balaikota.regions import selectors as regions

MAX_PHOTOS = 5


def city_text(message: Promise, **values: Any) -> str:
    """A note the system writes into a complaint's timeline, in the city's language (it is
    stored, and read later by people who may use another one)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


MIN_TEXT = 10
MAX_TEXT = 5000


class SubmissionInvalid(Exception):
    """The submission cannot be accepted; `errors` maps each field to messages for the user."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""


@dataclass
class Submission:
    complaint: Complaint
    reporter_key: str | None
    created: bool = True


@dataclass
class _Checked:
    lat: float | None = None
    lon: float | None = None
    source: str = ""
    photos: list[tuple[UploadedFile, photos.Checked]] = field(default_factory=list)


def _clean_contact(contact: Contact, errors: dict[str, list[str]]) -> Contact:
    cleaned = Contact(
        name=plaintext.clean(contact.name).strip()[:120],
        phone="".join(ch for ch in contact.phone if ch.isdigit() or ch == "+")[:30],
        email=contact.email.strip()[:254],
        nik=contact.nik.strip(),
    )
    if cleaned.email:
        try:
            validate_email(cleaned.email)
        except ValidationError:
            errors.setdefault("email", []).append(_("This e-mail address is not valid."))
    if cleaned.nik and not (cleaned.nik.isdigit() and len(cleaned.nik) == 16):
        errors.setdefault("nik", []).append(_("A NIK has exactly 16 digits."))
    if contact.phone.strip() and len(cleaned.phone.lstrip("+")) < 8:
        errors.setdefault("phone", []).append(_("This phone number is too short."))
    return cleaned


def _check_location(
    lat: float | None,
    lon: float | None,
    source: str,
    checked: _Checked,
    errors: dict[str, list[str]],
) -> None:
    if lat is not None and lon is not None:
        if not (
            math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
        ):
            errors.setdefault("location", []).append(_("The coordinates are not valid."))
            return
        checked.lat, checked.lon = lat, lon
        checked.source = source if source in LocationSource.values else LocationSource.MAP
        return
    if (lat is None) != (lon is None):
        errors.setdefault("location", []).append(_("Give both latitude and longitude."))
        return
    for _upload, result in checked.photos:
        if result.gps is not None:
            checked.lat, checked.lon = result.gps
            checked.source = LocationSource.EXIF
            return


def _check_photos(
    files: list[UploadedFile], checked: _Checked, errors: dict[str, list[str]]
) -> None:
    if len(files) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(
            _("At most %(count)d photos per complaint.") % {"count": MAX_PHOTOS}
        )
        return
    for upload in files:
        try:
            result = _check_upload(upload)
        except photos.PhotoRejected as exc:
            errors.setdefault("photos", []).append(f"{upload.name}: {exc}")
            continue
        checked.photos.append((upload, result))


def submit_complaint(
    *,
    text: str,
    category: Category | None,
    lat: float | None = None,
    lon: float | None = None,
    location_source: str = "",
    photo_files: list[UploadedFile] | None = None,
    contact: Contact | None = None,
    channel: Channel = Channel.WEB,
    reporter: User | None = None,
    submission_key: str | None = None,
    address: str = "",
    answers: Mapping[str, Sequence[str]] | None = None,
    photo_urls: Sequence[str] = (),
    require_location: bool = True,
    answers_required: bool = True,
) -> Submission:
    """Accept a citizen's complaint, find its kelurahan and agency, and send it there.

    A repeated `submission_key` (the form's or the API client's idempotency key) with the
    same content returns the complaint already made instead of a second one; the same key
    with other content is a `SubmissionConflict`.
    """
    key_hash = tickets.hash_submission_key(submission_key) if submission_key else None
    fingerprint = _fingerprint(
        text, category, lat, lon, photo_files or [], [*photo_urls, *_flat(answers)]
    )
    if key_hash:
        replay = _replay(key_hash, fingerprint, submission_key or "")
        if replay is not None:
            return replay

    errors: dict[str, list[str]] = {}
    text = plaintext.clean(text).strip()
    address = plaintext.clean(address)
    if len(text) < MIN_TEXT:
        errors.setdefault("text", []).append(
            _("Describe the problem in at least %(count)d characters.") % {"count": MIN_TEXT}
        )
    elif len(text) > MAX_TEXT:
        errors.setdefault("text", []).append(
            _("The description is too long (at most %(count)d characters).") % {"count": MAX_TEXT}
        )
    checked = _Checked()
    _check_photos(photo_files or [], checked, errors)
    urls = _check_photo_urls(photo_urls, len(photo_files or []), errors)
    # None: the channel does not ask the category's questions (the web form, SMS), so a
    # required one cannot be held against the citizen.
    clean_answers = (
        attributes.clean_answers(category, answers, errors, enforce_required=answers_required)
        if answers is not None
        else {}
    )
    _check_location(lat, lon, location_source, checked, errors)
    clean_contact = _clean_contact(contact or Contact(), errors)

    place = None
    if checked.lat is not None and checked.lon is not None and "location" not in errors:
        place = regions.locate(checked.lat, checked.lon)
        if not place.inside_city:
            errors.setdefault("location", []).append(
                _(
                    "This place is outside the service area of %(city)s. Move the pin to a "
                    "place inside the city."
                )
                % {"city": settings.CITY_NAME}
            )
    elif (
        require_location
        and "location" not in errors
        and (category is None or category.location_required)
    ):
        errors.setdefault("location", []).append(
            _(
                "Where is it? Take the photo with location on, allow the location, or put a pin "
                "on the map."
            )
        )
    if errors:
        raise SubmissionInvalid(errors)

    # Without the citizen's choice, the routing model reads the text: a sure answer is
    # used (and recorded as suggested), an unsure one only shown to the operator.
    category_source = CategorySource.CITIZEN
    suggestions: list[dict[str, Any]] = []
    if category is None:
        ranking, sure = learning.suggest(text)
        suggestions = [{"category": c.category, "score": c.score} for c in ranking[:3]]
        if sure is not None:
            category = Category.objects.filter(slug=sure, is_active=True).first()
            category_source = CategorySource.SUGGESTED

    reporter_key = (
        tickets.reporter_key_for(submission_key) if submission_key else tickets.new_reporter_key()
    )
    ticket = _unused_ticket()
    # Uploads are written before the transaction, so that the database's write lock is not
    # held while megabytes go to disk; if the transaction fails they are removed again.
    stored = [
        (_save_upload(ticket, upload, result, Photo.Kind.BEFORE), result)
        for upload, result in checked.photos
    ]
    try:
        with transaction.atomic():
            complaint = _create(
                ticket=ticket,
                stored=stored,
                suggestions=suggestions,
                category_source=category_source,
                text=text,
                category=category,
                checked=checked,
                village=place.village if place else None,
                contact=clean_contact,
                channel=channel,
                reporter=reporter,
                submission_key=key_hash,
                submission_hash=fingerprint,
                reporter_key=reporter_key,
                extra=_Extra(address=address.strip()[:250], answers=clean_answers, urls=urls),
            )
    except BaseException as exc:
        for name, _result in stored:
            storages["private"].delete(name)
        if not isinstance(exc, IntegrityError):
            raise
        # Two identical submissions raced; the other one won and is the answer.
        replay = _replay(key_hash, fingerprint, submission_key or "") if key_hash else None
        if replay is None:
            raise
        return replay
    return Submission(complaint, reporter_key, created=True)


def _unused_ticket() -> str:
    for _attempt in range(5):
        ticket = tickets.new_ticket()
        if not Complaint.objects.filter(ticket=ticket).exists():
            return ticket
    return ticket  # 32⁸ codes: five collisions in a row do not happen; the unique index decides


class SubmissionConflict(Exception):
    """The idempotency key was used before for a different complaint."""


def _fingerprint(
    text: str,
    category: Category | None,
    lat: float | None,
    lon: float | None,
    photo_files: list[UploadedFile],
    others: Sequence[str] = (),
) -> str:
    parts = [
        text.strip(),
        category.slug if category else "",
        f"{lat:.6f}" if lat is not None else "",
        f"{lon:.6f}" if lon is not None else "",
        *sorted(f"{upload.name}:{upload.size}" for upload in photo_files),
        *others,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _flat(answers: Mapping[str, Sequence[str]] | None) -> list[str]:
    return [f"{code}={value}" for code in sorted(answers or {}) for value in (answers or {})[code]]


def _check_photo_urls(urls: Sequence[str], uploads: int, errors: dict[str, list[str]]) -> list[str]:
    """Photos given by address are fetched by the worker; here only their form is checked."""
    cleaned = [url.strip() for url in urls if url and url.strip()]
    if uploads + len(cleaned) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(
            _("At most %(count)d photos per complaint.") % {"count": MAX_PHOTOS}
        )
    for url in cleaned:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.setdefault("media_url", []).append(
                _("This is not a web address: %(url)s") % {"url": url[:100]}
            )
        if len(url) > 500:
            errors.setdefault("media_url", []).append(_("This web address is too long."))
    return cleaned


@dataclass
class _Extra:
    address: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)


def _replay(key_hash: str, fingerprint: str, raw_key: str) -> Submission | None:
    existing = Complaint.objects.filter(submission_key=key_hash).first()
    if existing is None:
        return None
    if existing.submission_hash != fingerprint:
        raise SubmissionConflict(
            _("This submission key was already used for a different complaint.")
        )
    return Submission(existing, tickets.reporter_key_for(raw_key), created=False)


def _create(
    *,
    ticket: str,
    stored: list[tuple[str, photos.Checked]],
    suggestions: list[dict[str, Any]],
    category_source: CategorySource,
    text: str,
    category: Category | None,
    checked: _Checked,
    village: Any,
    contact: Contact,
    channel: Channel,
    reporter: User | None,
    submission_key: str | None,
    submission_hash: str,
    reporter_key: str,
    extra: _Extra,
) -> Complaint:
    now = timezone.now()
    complaint = Complaint(
        ticket=ticket,
        text=text,
        category=category,
        category_source=category_source,
        suggestions=suggestions,
        region=village,
        lat=checked.lat,
        lon=checked.lon,
        location_source=checked.source,
        status=Status.SUBMITTED,
        channel=channel,
        reporter=reporter,
        reporter_name=contact.name,
        reporter_phone=contact.phone,
        reporter_email=contact.email or (reporter.email if reporter else ""),
        reporter_nik=contact.nik,
        reporter_key_hash=tickets.hash_key(reporter_key),
        submission_key=submission_key or None,
        submission_hash=submission_hash,
        created_at=now,
        dispose_due=deadlines.dispose_due(now, category),
        address=extra.address,
        attributes=extra.answers,
    )
    complaint.due_at = complaint.dispose_due
    complaint.save(force_insert=True)
    saved_photos = [
        _add_photo(complaint, name, result, Photo.Kind.BEFORE) for name, result in stored
    ] + [_add_remote_photo(complaint, url) for url in extra.urls]
    _record(
        complaint,
        Action.SUBMIT,
        None,
        Actor.REPORTER,
        "",
        Status.SUBMITTED,
        photo=saved_photos[0] if saved_photos else None,
    )
    agency = agency_for(category, village)
    if agency is not None:
        # The reporter hears of it once, in the acknowledgement that names the agency.
        _assign(complaint, agency, None, Actor.SYSTEM, "", tell_reporter=False)
    else:
        notify.needs_operator(complaint)
    notify.complaint_received(complaint)
    return complaint


def _save_upload(ticket: str, upload: UploadedFile, result: photos.Checked, kind: str) -> str:
    """The upload as received, in private storage (never served): the worker's input."""
    upload.seek(0)
    extension = {"JPEG": "jpg", "PNG": "png", "HEIF": "heic"}.get(result.format, "bin")
    return storages["private"].save(
        f"uploads/{ticket}/{kind}.{extension}", ContentFile(upload.read())
    )


def _add_photo(complaint: Complaint, name: str, result: photos.Checked, kind: str) -> Photo:
    photo = Photo.objects.create(
        complaint=complaint,
        kind=kind,
        original=name,
        width=result.width,
        height=result.height,
        gps_lat=result.gps[0] if result.gps else None,
        gps_lon=result.gps[1] if result.gps else None,
    )
    from balaikota.complaints import tasks

    # robust=True: a queue that is down must not fail a complaint already committed; the
    # sweep for stranded photos picks it up later.
    transaction.on_commit(lambda: tasks.process_photo(photo.pk), robust=True)
    return photo


def _add_remote_photo(complaint: Complaint, url: str) -> Photo:
    photo = Photo.objects.create(complaint=complaint, kind=Photo.Kind.BEFORE, source_url=url)
    from balaikota.complaints import tasks

    transaction.on_commit(lambda: tasks.fetch_photo(photo.pk), robust=True)
    return photo


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    return {
        "status": complaint.status,
        "agency": complaint.agency.code if complaint.agency else None,
        "category": complaint.category.slug if complaint.category else None,
        "region": complaint.region.code if complaint.region else None,
        "rating": complaint.rating,
    }


def _record(
    complaint: Complaint,
    action: Action,
    user: User | None,
    actor: Actor,
    note: str,
    from_status: str,
    *,
    photo: Photo | None = None,
    before: dict[str, Any] | None = None,
) -> Event:
    note = plaintext.clean(note)
    event = Event.objects.create(
        complaint=complaint,
        actor=user,
        actor_role=actor.value,
        action=action.value,
        from_status=from_status if action != Action.SUBMIT else "",
        to_status=complaint.status,
        note=note,
        agency=complaint.agency,
        photo=photo,
    )
    audit.record(
        actor=user,
        action=f"complaint.{action.value}",
        object_type="complaint",
        object_id=complaint.ticket,
        before=before,
        after=_snapshot(complaint)
        | {"event": event.pk, "digest": event_digest(_event_values(event))},
    )
    signals.event_recorded.send(sender=Complaint, complaint=complaint, event=event)
    return event


def _event_values(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in (*EVENT_FIELDS, "created_at")}


def _assign(
    complaint: Complaint,
    agency: Agency,
    user: User | None,
    actor: Actor,
    note: str,
    *,
    tell_reporter: bool = True,
) -> None:
    before = _snapshot(complaint)
    complaint.status = lifecycle.check(Action.ASSIGN, complaint.status, actor, note)
    complaint.agency = agency
    now = timezone.now()
    complaint.assigned_at = now
    complaint.followup_due = deadlines.followup_due(now, complaint.category)
    complaint.due_at = complaint.followup_due
    complaint.save()
    _record(complaint, Action.ASSIGN, user, actor, note, before["status"], before=before)
    notify.assigned(complaint, tell_reporter=tell_reporter)


# --- Who is acting ---------------------------------------------------------------------------


def actor_for(user: User, complaint: Complaint) -> Actor:
    """The role `user` acts in on this complaint, or TransitionNotAllowed."""
    if roles.is_operator(user):
        return Actor.OPERATOR
    if (
        roles.is_agency_member(user)
        and complaint.agency_id is not None
        and (Membership.objects.filter(user=user, agency_id=complaint.agency_id).exists())
    ):
        return Actor.AGENCY
    raise TransitionNotAllowed(_("You may not act on this complaint."))


def _locked(complaint: Complaint) -> Complaint:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("agency", "category", "region")
        .get(pk=complaint.pk)
    )


def _transition(
    complaint: Complaint,
    action: Action,
    user: User | None,
    actor: Actor,
    note: str = "",
    *,
    photo: Photo | None = None,
    **changes: Any,
) -> Complaint:
    before = _snapshot(complaint)
    complaint.status = lifecycle.check(action, complaint.status, actor, note)
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.save()
    _record(
        complaint, action, user, actor, note.strip(), before["status"], photo=photo, before=before
    )
    return complaint


# --- Operator --------------------------------------------------------------------------------


@transaction.atomic
def verify_complaint(complaint: Complaint, user: User, note: str = "") -> Complaint:
    complaint = _locked(complaint)
    return _transition(complaint, Action.VERIFY, user, actor_for(user, complaint), note)


@transaction.atomic
def assign_complaint(complaint: Complaint, user: User, agency: Agency, note: str = "") -> Complaint:
    """Send to an agency; an operator may also move a complaint from one agency to another."""
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    if not agency.is_active:
        raise TransitionNotAllowed(_("This agency is not active."))
    previous = complaint.agency
    if previous is not None and previous.pk == agency.pk:
        raise TransitionNotAllowed(_("The complaint is already with this agency."))
    _assign(complaint, agency, user, actor, note.strip())
    if previous is not None:
        notify.moved_away(complaint, previous)
    return complaint


@transaction.atomic
def correct_complaint(
    complaint: Complaint,
    user: User,
    *,
    category: Category | None = None,
    lat: float | None = None,
    lon: float | None = None,
    note: str = "",
) -> Complaint:
    """Fix the category or the location. A new category is recorded as the operator's."""
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    changes: dict[str, Any] = {}
    if category is not None and category != complaint.category:
        changes.update(category=category, category_source=CategorySource.OPERATOR)
        learning.record_correction(complaint, category, user)
    if lat is not None and lon is not None:
        place = regions.locate(lat, lon)
        if not place.inside_city:
            raise TransitionNotAllowed(
                _("This place is outside the service area of %(city)s.")
                % {"city": settings.CITY_NAME}
            )
        changes.update(lat=lat, lon=lon, region=place.village, location_source=LocationSource.MAP)
    if not changes:
        raise TransitionNotAllowed(_("Nothing was changed."))
    return _transition(complaint, Action.CORRECT, user, actor, note, **changes)


@transaction.atomic
def reject_complaint(complaint: Complaint, user: User, reason: str) -> Complaint:
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    _transition(
        complaint,
        Action.REJECT,
        user,
        actor,
        reason,
        rejection_reason=reason.strip(),
        due_at=None,
        closed_at=timezone.now(),
    )
    notify.status_changed(complaint)
    return complaint


@transaction.atomic
def mark_duplicate(
    complaint: Complaint, user: User, original: Complaint, note: str = ""
) -> Complaint:
    if original.pk == complaint.pk:
        raise TransitionNotAllowed(_("A complaint cannot duplicate itself."))
    # Lock both, in a fixed order, and read the original afresh: two operators marking A as
    # a copy of B and B as a copy of A at once must not close both.
    first, second = sorted([complaint, original], key=lambda c: c.pk)
    locked = {c.pk: _locked(c) for c in (first, second)}
    complaint, original = locked[complaint.pk], locked[original.pk]
    actor = actor_for(user, complaint)
    if original.status in {Status.DUPLICATE, Status.REJECTED}:
        raise TransitionNotAllowed(
            _(
                "Choose the original complaint, not one that is itself closed as a duplicate or "
                "rejected."
            )
        )
    _transition(
        complaint,
        Action.MARK_DUPLICATE,
        user,
        actor,
        note or city_text(gettext_lazy("Same as %(ticket)s."), ticket=original.ticket),
        duplicate_of=original,
        due_at=None,
        closed_at=timezone.now(),
    )
    # The duplicate's reporter and supporters now stand behind the original.
    added = complaint.supporters + 1
    Complaint.objects.filter(pk=original.pk).update(supporters=F("supporters") + added)
    audit.record(
        actor=user,
        action="complaint.support",
        object_type="complaint",
        object_id=original.ticket,
        after={"supporters": f"+{added}", "from": complaint.ticket},
    )
    notify.status_changed(complaint)
    return complaint


def record_forward(complaint: Complaint, note: str) -> Event:
    """A note in the timeline from forwarding: sent on to another system, or its news."""
    with transaction.atomic():
        locked = _locked(complaint)
        lifecycle.check(Action.FORWARD, locked.status, Actor.SYSTEM, note)
        return _record(locked, Action.FORWARD, None, Actor.SYSTEM, note, locked.status)


# --- Agency ----------------------------------------------------------------------------------


@transaction.atomic
def accept_complaint(complaint: Complaint, user: User, note: str = "") -> Complaint:
    complaint = _locked(complaint)
    now = timezone.now()
    resolve_by = deadlines.resolve_due(now, complaint.category)
    _transition(
        complaint,
        Action.ACCEPT,
        user,
        actor_for(user, complaint),
        note,
        followed_up_at=now,
        resolve_due=resolve_by,
        due_at=resolve_by,
    )
    notify.status_changed(complaint)
    return complaint


@transaction.atomic
def add_progress_note(
    complaint: Complaint, user: User, note: str, photo_file: UploadedFile | None = None
) -> Complaint:
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    lifecycle.check(Action.NOTE, complaint.status, actor, note)  # before any file is written
    photo = _agency_photo(complaint, photo_file, Photo.Kind.AFTER) if photo_file else None
    return _transition(complaint, Action.NOTE, user, actor, note, photo=photo)


@transaction.atomic
def return_to_operator(complaint: Complaint, user: User, reason: str) -> Complaint:
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    _transition(
        complaint,
        Action.RETURN,
        user,
        actor,
        reason,
        agency=None,
        # The operator gets a fresh disposal deadline to find the right agency.
        due_at=deadlines.dispose_due(timezone.now(), complaint.category),
    )
    notify.returned(complaint, reason)
    return complaint


@transaction.atomic
def resolve_complaint(
    complaint: Complaint, user: User, note: str, photo_file: UploadedFile | None
) -> Complaint:
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    lifecycle.check(Action.RESOLVE, complaint.status, actor, note)
    if photo_file is None:
        raise TransitionNotAllowed(_("Add a photo of the result (the “after” photo)."))
    photo = _agency_photo(complaint, photo_file, Photo.Kind.AFTER)
    _transition(
        complaint,
        Action.RESOLVE,
        user,
        actor,
        note,
        photo=photo,
        resolved_at=timezone.now(),
        due_at=None,
    )
    notify.status_changed(complaint)
    return complaint


def _check_upload(upload: UploadedFile) -> photos.Checked:
    return photos.check(
        upload,
        size=upload.size or 0,
        max_bytes=settings.PHOTO_MAX_BYTES,
        max_pixels=settings.PHOTO_MAX_PIXELS,
    )


def _agency_photo(complaint: Complaint, upload: UploadedFile, kind: str) -> Photo:
    try:
        result = _check_upload(upload)
    except photos.PhotoRejected as exc:
        raise TransitionNotAllowed(str(exc)) from exc
    return _add_photo(complaint, _save_upload(complaint.ticket, upload, result, kind), result, kind)


# --- Reporter --------------------------------------------------------------------------------


def reporter_may_act(complaint: Complaint, *, key: str | None, user: User | None) -> bool:
    if user is not None and user.is_authenticated and complaint.reporter_id == user.pk:
        return True
    return (
        bool(key)
        and bool(complaint.reporter_key_hash)
        and (tickets.hash_key(key or "") == complaint.reporter_key_hash)
    )


@transaction.atomic
def confirm_resolution(
    complaint: Complaint,
    *,
    rating: int | None = None,
    comment: str = "",
    by_system: bool = False,
) -> Complaint:
    complaint = _locked(complaint)
    if rating is not None and not 1 <= rating <= 5:
        raise TransitionNotAllowed(_("Give a rating from 1 to 5."))
    actor = Actor.SYSTEM if by_system else Actor.REPORTER
    note = (
        comment.strip()
        if not by_system
        else city_text(
            gettext_lazy(
                "Closed automatically: the reporter did not answer within the confirmation period."
            )
        )
    )
    _transition(
        complaint,
        Action.CONFIRM,
        None,
        actor,
        note,
        rating=rating,
        rating_comment=comment.strip(),
        closed_at=timezone.now(),
        due_at=None,
    )
    notify.status_changed(complaint)
    return complaint


@transaction.atomic
def reopen_complaint(complaint: Complaint, reason: str) -> Complaint:
    """The citizen says it is not fixed: back to the same agency at once."""
    complaint = _locked(complaint)
    _transition(complaint, Action.REOPEN, None, Actor.REPORTER, reason, resolved_at=None)
    if complaint.agency is not None and complaint.agency.is_active:
        _assign(
            complaint,
            complaint.agency,
            None,
            Actor.SYSTEM,
            city_text(gettext_lazy("Sent back to the agency that resolved it.")),
        )
    else:
        notify.needs_operator(complaint)
    return complaint


# --- Periodic --------------------------------------------------------------------------------


def escalate_overdue() -> int:
    """Each open complaint past its current deadline is escalated once for that deadline:
    the head of the agency and the operators are told."""
    now = timezone.now()
    count = 0
    overdue = (
        Complaint.objects.filter(
            status__in=list(lifecycle.RULES[Action.ESCALATE].sources), due_at__lt=now
        )
        .filter(Q(escalated_due__isnull=True) | ~Q(escalated_due=F("due_at")))
        .values_list("pk", flat=True)
    )
    for pk in list(overdue[:500]):
        with transaction.atomic():
            complaint = _locked(Complaint(pk=pk))
            if complaint.escalated_due == complaint.due_at or not complaint.is_overdue(now):
                continue
            _transition(
                complaint,
                Action.ESCALATE,
                None,
                Actor.SYSTEM,
                city_text(
                    gettext_lazy("Deadline passed on %(date)s."),
                    date=timezone.localtime(complaint.due_at).strftime("%d-%m-%Y"),
                ),
                escalated_due=complaint.due_at,
            )
            notify.overdue(complaint)
            count += 1
    return count


def close_unconfirmed(after_days: int = 7) -> int:
    """Resolved complaints the reporter never confirmed are closed after `after_days` days."""
    limit = timezone.now() - dt.timedelta(days=after_days)
    count = 0
    for complaint in Complaint.objects.filter(status=Status.RESOLVED, resolved_at__lt=limit)[:500]:
        try:
            confirm_resolution(complaint, by_system=True)
        except TransitionNotAllowed:
            continue  # reopened or confirmed meanwhile
        count += 1
    return count
