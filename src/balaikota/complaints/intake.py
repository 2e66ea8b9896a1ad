"""A new complaint, from the web form, the API, Open311 or the SMS/WhatsApp gateway: checked,
placed in its kelurahan and routed to its agency before any write, then recorded in one short
transaction: the complaint, its first events (one insert), the client's link and their audit
entries, pending (one insert). The worker chains the entries and, in the same transaction,
tells everyone the complaint concerns (complaints/announce.py).

A repeated submission key with the same content returns the complaint already made.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from balaikota.agencies.models import Agency
from balaikota.complaints import (
    attributes,
    deadlines,
    learning,
    photos,
    public_changes,
    publication,
    steps,
    tickets,
)
from balaikota.complaints.lifecycle import Actor
from balaikota.complaints.models import (
    Category,
    CategorySource,
    Channel,
    Complaint,
    LocationSource,
    NotifyBy,
    PhoneChannel,
    Photo,
    Privacy,
    Status,
)
from balaikota.complaints.routing import agency_for
from balaikota.core import audit, plaintext, writers
from balaikota.core import tasks as core_tasks
from balaikota.core.models import User
from balaikota.regions import selectors as regions

MAX_PHOTOS = 5
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
    # How the reporter wants news of the complaint: NotifyBy ("" for the default: e-mail
    # when an address is given, else the phone), and PhoneChannel for the phone ("" for
    # WhatsApp, or the channel the complaint came by).
    notify_by: str = ""
    phone_channel: str = ""


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
    cleaned.notify_by, cleaned.phone_channel = _notify_choice(contact, cleaned, errors)
    return cleaned


def _notify_choice(
    given: Contact, cleaned: Contact, errors: dict[str, list[str]]
) -> tuple[str, str]:
    """The reporter's channel for news, checked against the contact they gave: a channel
    chosen without its address is an error (said on the form, nothing lost)."""
    choice = given.notify_by.strip()
    phone_channel = given.phone_channel.strip() or PhoneChannel.WHATSAPP
    if phone_channel not in PhoneChannel.values:
        errors.setdefault("phone_channel", []).append(_("Choose WhatsApp or SMS."))
    if not choice:
        return (NotifyBy.EMAIL if cleaned.email or not cleaned.phone else NotifyBy.PHONE), (
            phone_channel
        )
    if choice not in NotifyBy.values:
        errors.setdefault("notify_by", []).append(
            _("Choose how to receive news: e-mail, SMS or WhatsApp, or both.")
        )
        return NotifyBy.EMAIL, phone_channel
    if choice in {NotifyBy.EMAIL, NotifyBy.BOTH} and not cleaned.email:
        errors.setdefault("email", []).append(
            _("Give your e-mail address to receive news by e-mail.")
        )
    if choice in {NotifyBy.PHONE, NotifyBy.BOTH} and not cleaned.phone:
        errors.setdefault("phone", []).append(
            _("Give your phone number to receive news by SMS or WhatsApp.")
        )
    return choice, phone_channel


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
            result = steps.check_upload(upload)
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
    privacy: str = Privacy.PUBLIC,
    also: Callable[[Complaint], object] | None = None,
) -> Submission:
    """Accept a citizen's complaint, find its kelurahan and agency, and send it there.

    A repeated `submission_key` (the form's or the API client's idempotency key) with the
    same content returns the complaint already made instead of a second one; the same key
    with other content is a `SubmissionConflict`. `privacy` is the reporter's choice of
    mode; a category may make it stricter. `also(complaint)` runs in its transaction.
    """
    key_hash = tickets.hash_submission_key(submission_key) if submission_key else None
    fingerprint = _fingerprint(
        text, category, lat, lon, photo_files or [], [*photo_urls, *_flat(answers), privacy]
    )
    if key_hash:
        replay = _replay(key_hash, fingerprint, submission_key or "")
        if replay is not None:
            return replay
    draft = _check(
        _Input(
            text=text,
            category=category,
            lat=lat,
            lon=lon,
            location_source=location_source,
            photo_files=photo_files or [],
            contact=contact or Contact(),
            address=address,
            answers=answers,
            photo_urls=photo_urls,
            require_location=require_location,
            answers_required=answers_required,
            privacy=privacy,
        )
    )
    reporter_key = (
        tickets.reporter_key_for(submission_key) if submission_key else tickets.new_reporter_key()
    )
    try:
        complaint = _store(
            draft,
            _Origin(
                channel=channel,
                reporter=reporter,
                submission_key=key_hash,
                submission_hash=fingerprint,
                reporter_key=reporter_key,
                also=also,
            ),
        )
    except IntegrityError:
        # Two identical submissions raced; the other one won and is the answer.
        replay = _replay(key_hash, fingerprint, submission_key or "") if key_hash else None
        if replay is None:
            raise
        return replay
    return Submission(complaint, reporter_key, created=True)


@dataclass
class _Input:
    """What the citizen sent, as the channel passed it on."""

    text: str
    category: Category | None
    lat: float | None
    lon: float | None
    location_source: str
    photo_files: list[UploadedFile]
    contact: Contact
    address: str
    answers: Mapping[str, Sequence[str]] | None
    photo_urls: Sequence[str]
    require_location: bool
    answers_required: bool
    privacy: str


@dataclass
class _Draft:
    """A checked submission, ready to be stored."""

    text: str
    category: Category | None
    checked: _Checked
    village: Any
    contact: Contact
    privacy: Privacy
    extra: _Extra
    category_source: CategorySource = CategorySource.CITIZEN
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    agency: Agency | None = None


@dataclass
class _Origin:
    """Who sent it, and how: the channel, the account and the idempotency key."""

    channel: Channel
    reporter: User | None
    submission_key: str | None
    submission_hash: str
    reporter_key: str
    also: Callable[[Complaint], object] | None = None


def _check_text(text: str, errors: dict[str, list[str]]) -> str:
    text = plaintext.clean(text).strip()
    if len(text) < MIN_TEXT:
        errors.setdefault("text", []).append(
            _("Describe the problem in at least %(count)d characters.") % {"count": MIN_TEXT}
        )
    elif len(text) > MAX_TEXT:
        errors.setdefault("text", []).append(
            _("The description is too long (at most %(count)d characters).") % {"count": MAX_TEXT}
        )
    return text


def _check_privacy(value: str, errors: dict[str, list[str]]) -> Privacy:
    if value in Privacy.values:
        return Privacy(value)
    errors.setdefault("privacy", []).append(
        _("Choose the privacy of the complaint: public, anonymous or confidential.")
    )
    return Privacy.PUBLIC


def _check_place(given: _Input, checked: _Checked, errors: dict[str, list[str]]) -> Any:
    """The kelurahan of the complaint's point, or None when it has none (yet)."""
    if checked.lat is not None and checked.lon is not None and "location" not in errors:
        place = regions.locate(checked.lat, checked.lon)
        if place.inside_city:
            return place.village
        errors.setdefault("location", []).append(
            _(
                "This place is outside the service area of %(city)s. Move the pin to a "
                "place inside the city."
            )
            % {"city": settings.CITY_NAME}
        )
    elif (
        given.require_location
        and "location" not in errors
        and (given.category is None or given.category.location_required)
    ):
        errors.setdefault("location", []).append(
            _(
                "Where is it? Take the photo with location on, allow the location, or put a pin "
                "on the map."
            )
        )
    return None


def _check(given: _Input) -> _Draft:
    """Every check of the submission at once, so the citizen sees every problem together;
    then its category and agency."""
    errors: dict[str, list[str]] = {}
    text = _check_text(given.text, errors)
    privacy = _check_privacy(given.privacy, errors)
    checked = _Checked()
    _check_photos(given.photo_files, checked, errors)
    urls = _check_photo_urls(given.photo_urls, len(given.photo_files), errors)
    # None: the channel does not ask the category's questions (the web form, SMS), so a
    # required one cannot be held against the citizen.
    clean_answers = (
        attributes.clean_answers(
            given.category, given.answers, errors, enforce_required=given.answers_required
        )
        if given.answers is not None
        else {}
    )
    _check_location(given.lat, given.lon, given.location_source, checked, errors)
    contact = _clean_contact(given.contact, errors)
    village = _check_place(given, checked, errors)
    if errors:
        raise SubmissionInvalid(errors)
    address = plaintext.clean(given.address).strip()[:250]
    draft = _Draft(
        text=text,
        category=given.category,
        checked=checked,
        village=village,
        contact=contact,
        privacy=privacy,
        extra=_Extra(address=address, answers=clean_answers, urls=urls),
    )
    _classify(draft)
    return draft


def _classify(draft: _Draft) -> None:
    """Without the citizen's choice, the routing model reads the text: a sure answer is used
    (and recorded as suggested), an unsure one only shown to the operator. Then the routing
    rules name the agency (none: an operator sends it on)."""
    if draft.category is None:
        ranking, sure = learning.suggest(draft.text)
        draft.suggestions = [{"category": c.category, "score": c.score} for c in ranking[:3]]
        if sure is not None:
            draft.category = Category.objects.filter(slug=sure, is_active=True).first()
            draft.category_source = CategorySource.SUGGESTED
    draft.agency = agency_for(draft.category, draft.village)


def _store(draft: _Draft, origin: _Origin) -> Complaint:
    # 32⁸ codes: a new one is all but certainly unused, so it is not looked up first; the
    # unique index decides, and a code that was taken after all is drawn again.
    for _attempt in range(4):
        ticket = tickets.new_ticket()
        try:
            return _store_as(ticket, draft, origin)
        except IntegrityError:
            if not Complaint.objects.filter(ticket=ticket).exists():
                raise
    raise IntegrityError("no unused ticket code in four draws")


def _store_as(ticket: str, draft: _Draft, origin: _Origin) -> Complaint:
    # Uploads are written before the transaction, so that the database's write lock is not
    # held while megabytes go to disk; if the transaction fails they are removed again.
    stored = [
        (steps.save_upload(ticket, upload, result, Photo.Kind.BEFORE), result)
        for upload, result in draft.checked.photos
    ]
    # The row is built before the writers' turn: only the statements wait for it.
    complaint, submitted = _build(ticket, draft, origin)
    row = writers.Insert([complaint])
    try:
        with writers.atomic():
            return _create(complaint, row, submitted, stored, draft, origin)
    except BaseException:
        for name, _result in stored:
            storages["private"].delete(name)
        raise


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


def _build(ticket: str, draft: _Draft, origin: _Origin) -> tuple[Complaint, dict[str, Any]]:
    """The new complaint as it will be stored, routed when an agency was found, and its
    snapshot before routing (for the first event's record)."""
    now = timezone.now()
    category, contact, checked = draft.category, draft.contact, draft.checked
    reporter = origin.reporter
    complaint = Complaint(
        ticket=ticket,
        text=draft.text,
        category=category,
        category_source=draft.category_source,
        suggestions=draft.suggestions,
        region=draft.village,
        lat=checked.lat,
        lon=checked.lon,
        location_source=checked.source,
        status=Status.SUBMITTED,
        channel=origin.channel,
        reporter=reporter,
        reporter_name=contact.name,
        reporter_phone=contact.phone,
        reporter_email=contact.email or (reporter.email if reporter else ""),
        reporter_nik=contact.nik,
        notify_by=contact.notify_by or NotifyBy.EMAIL,
        phone_channel=contact.phone_channel or PhoneChannel.WHATSAPP,
        reporter_key_hash=tickets.hash_key(origin.reporter_key),
        submission_key=origin.submission_key or None,
        submission_hash=origin.submission_hash,
        created_at=now,
        dispose_due=deadlines.dispose_due(now, category),
        address=draft.extra.address,
        attributes=draft.extra.answers,
    )
    publication.prepare(complaint, draft.privacy)
    complaint.due_at = complaint.dispose_due
    submitted = steps.snapshot(complaint)
    if draft.agency is not None:
        steps.route(complaint, draft.agency, Actor.SYSTEM, "")
    return complaint, submitted


def _create(
    complaint: Complaint,
    row: writers.Insert,
    submitted: dict[str, Any],
    stored: list[tuple[str, photos.Checked]],
    draft: _Draft,
    origin: _Origin,
) -> Complaint:
    # Prepared once, not by the ORM's compiler per POST; the one `post_save` receiver of a
    # complaint (public_changes: cached public answers are out of date) is called here.
    row.run()
    public_changes.changed()
    saved_photos = [
        steps.add_photo(complaint, name, result, Photo.Kind.BEFORE) for name, result in stored
    ] + [steps.add_remote_photo(complaint, url) for url in draft.extra.urls]
    entries = steps.record_first(
        complaint, submitted, photo=saved_photos[0] if saved_photos else None
    )
    if origin.also is not None:
        origin.also(complaint)
    # Pending: the chain's lock is not waited for here. The worker chains the entries and
    # announces the complaint (complaints.announce) once this transaction commits.
    audit.append_pending(entries)
    if HUEY.immediate:
        # No worker (tests, a laptop without one): chain and announce in this transaction.
        audit.chain_pending()
    else:
        transaction.on_commit(core_tasks.chain_audit_soon, robust=True)
    return complaint
