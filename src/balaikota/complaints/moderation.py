"""Moderation of what the public sees of a complaint, and changes of its privacy mode.

An operator may edit the public text, hide a photo, blur more areas of it, withhold the
whole complaint from publication (or release it again), and approve a complaint whose
category is moderated before publication. Each is an event (its reason for staff only) and
an audit entry, in one transaction; the staff keep reading the original.

The privacy mode is only ever made stricter, by staff or by the category; only the
reporter may make it less strict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.complaints import notifications as notify
from balaikota.complaints import publication, steps
from balaikota.complaints.lifecycle import Action, Actor, TransitionNotAllowed
from balaikota.complaints.models import PRIVACY_RANK, Complaint, Photo, Privacy
from balaikota.core import plaintext, roles
from balaikota.core.models import User
from balaikota.core.redaction import redact

MAX_BLUR_AREAS = 20


def _locked(complaint: Complaint) -> Complaint:
    return (
        # of=self: PostgreSQL locks no row of a nullable outer join (agency, region).
        Complaint.objects.select_for_update(of=("self",))
        .select_related("category", "agency", "region")
        .defer("region__geometry")
        .get(pk=complaint.pk)
    )


def _check_moderator(user: User, reason: str) -> str:
    if not roles.may_moderate(user):
        raise TransitionNotAllowed(_("Only operators may moderate complaints."))
    reason = plaintext.clean(reason).strip()
    if not reason:
        raise TransitionNotAllowed(_("Please write a reason or a note."))
    return reason


def _refresh_public_photos(complaint: Complaint) -> None:
    """Public copies follow the complaint: made when it may be published, removed when not."""
    from balaikota.complaints import tasks

    for photo_id in complaint.photos.values_list("pk", flat=True):
        transaction.on_commit(
            lambda pk=photo_id: tasks.rebuild_public_photo(pk),  # type: ignore[misc]
            robust=True,
        )


def _moderated(complaint: Complaint, user: User, reason: str, fields: list[str]) -> None:
    complaint.moderated_at = timezone.now()
    was_published = complaint.published
    complaint.refresh_published()
    complaint.save(update_fields=[*fields, "moderated_at", "published", "updated_at"])
    steps.record(complaint, Action.MODERATE, user, Actor.OPERATOR, reason, complaint.status)
    if was_published != complaint.published:
        _refresh_public_photos(complaint)


@transaction.atomic
def edit_public_text(complaint: Complaint, user: User, text: str, reason: str) -> Complaint:
    """Replace what the public reads; personal data still found in it is hidden again."""
    reason = _check_moderator(user, reason)
    complaint = _locked(complaint)
    cleaned = plaintext.clean(text).strip()
    if not cleaned:
        raise TransitionNotAllowed(_("The public text cannot be empty."))
    complaint.public_text = redact(cleaned, publication.contact_of(complaint))
    _moderated(complaint, user, reason, ["public_text"])
    return complaint


@transaction.atomic
def set_withheld(complaint: Complaint, user: User, withheld: bool, reason: str) -> Complaint:
    """Withhold the whole complaint from publication, or release it again."""
    reason = _check_moderator(user, reason)
    complaint = _locked(complaint)
    complaint.withheld = withheld
    _moderated(complaint, user, reason, ["withheld"])
    return complaint


@transaction.atomic
def approve(complaint: Complaint, user: User, reason: str) -> Complaint:
    """A complaint of a moderated category has been checked: it may be published."""
    reason = _check_moderator(user, reason)
    complaint = _locked(complaint)
    if not complaint.awaiting_moderation:
        raise TransitionNotAllowed(_("This complaint is not waiting for moderation."))
    complaint.awaiting_moderation = False
    _moderated(complaint, user, reason, ["awaiting_moderation"])
    return complaint


@dataclass(frozen=True)
class PhotoChange:
    hidden: bool
    blur_areas: Sequence[Sequence[float]]


def clean_blur_areas(raw: object) -> list[list[float]]:
    """Rectangles as [x, y, width, height] fractions of the picture, clipped to it."""
    if not isinstance(raw, list) or len(raw) > MAX_BLUR_AREAS:
        raise TransitionNotAllowed(_("Draw at most %(count)d areas.") % {"count": MAX_BLUR_AREAS})
    areas = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 4:
            raise TransitionNotAllowed(_("An area to blur is not a rectangle."))
        try:
            x, y, w, h = (min(1.0, max(0.0, float(v))) for v in item)
        except (TypeError, ValueError):
            raise TransitionNotAllowed(_("An area to blur is not a rectangle.")) from None
        w, h = min(w, 1.0 - x), min(h, 1.0 - y)
        if w > 0.002 and h > 0.002:
            areas.append([round(x, 4), round(y, 4), round(w, 4), round(h, 4)])
    return areas


@transaction.atomic
def change_photo(photo: Photo, user: User, change: PhotoChange, reason: str) -> Photo:
    """Hide or show a photo to the public, and set the areas a moderator blurs in it."""
    reason = _check_moderator(user, reason)
    complaint = _locked(photo.complaint)
    photo = Photo.objects.select_for_update().get(pk=photo.pk, complaint=complaint)
    photo.hidden = change.hidden
    photo.blur_areas = clean_blur_areas(list(change.blur_areas))
    photo.save(update_fields=["hidden", "blur_areas"])
    _moderated(complaint, user, reason, [])
    from balaikota.complaints import tasks

    transaction.on_commit(lambda: tasks.rebuild_public_photo(photo.pk), robust=True)
    return photo


def _mode_note(old: str, new: str) -> str:
    return steps.city_text(
        gettext_lazy("Privacy changed from %(old)s to %(new)s."),
        old=Privacy(old).label,
        new=Privacy(new).label,
    )


@transaction.atomic
def change_privacy(
    complaint: Complaint, new: str, *, user: User | None = None, by_reporter: bool = False
) -> Complaint:
    """Change the mode: staff only ever make it stricter; the reporter may choose any."""
    if new not in Privacy.values:
        raise TransitionNotAllowed(
            _("Choose the privacy of the complaint: public, anonymous or confidential.")
        )
    complaint = _locked(complaint)
    mode = Privacy(new)
    old = Privacy(complaint.privacy)
    if mode == old:
        return complaint
    category = complaint.category
    if category is not None and category.force_confidential and mode != Privacy.CONFIDENTIAL:
        raise TransitionNotAllowed(_("Complaints of this category are always confidential."))
    if by_reporter:
        actor = Actor.REPORTER
    else:
        if user is None or not roles.may_moderate(user):
            raise TransitionNotAllowed(_("Only operators may change the privacy of a complaint."))
        if PRIVACY_RANK[mode] < PRIVACY_RANK[old]:
            raise TransitionNotAllowed(
                _("The privacy of a complaint can only be made stricter, except by its reporter.")
            )
        actor = Actor.OPERATOR
    complaint.privacy = mode
    was_published = complaint.published
    complaint.refresh_published()
    complaint.save(update_fields=["privacy", "published", "updated_at"])
    steps.record(
        complaint, Action.CHANGE_PRIVACY, user, actor, _mode_note(old, mode), complaint.status
    )
    if was_published != complaint.published:
        _refresh_public_photos(complaint)
    notify.privacy_changed(complaint)
    return complaint


def follow_category(complaint: Complaint, user: User | None) -> None:
    """After a category change: a category that forces confidentiality or moderation applies
    to the complaint at once. Runs inside the caller's transaction."""
    category = complaint.category
    if category is None:
        return
    fields: list[str] = []
    was_published = complaint.published
    if category.force_confidential and complaint.privacy != Privacy.CONFIDENTIAL:
        old = complaint.privacy
        complaint.privacy = Privacy.CONFIDENTIAL
        fields.append("privacy")
        note = _mode_note(old, Privacy.CONFIDENTIAL)
    if category.requires_moderation and complaint.moderated_at is None:
        complaint.awaiting_moderation = True
        fields.append("awaiting_moderation")
    elif complaint.awaiting_moderation and not category.force_confidential:
        # Held because the text read like a confidential category: the operator who set
        # the category has looked at it.
        complaint.awaiting_moderation = False
        fields.append("awaiting_moderation")
    if not fields:
        return
    complaint.refresh_published()
    complaint.save(update_fields=[*fields, "published", "updated_at"])
    if "privacy" in fields:
        steps.record(complaint, Action.CHANGE_PRIVACY, user, Actor.SYSTEM, note, complaint.status)
        notify.privacy_changed(complaint)
    if was_published != complaint.published:
        _refresh_public_photos(complaint)
