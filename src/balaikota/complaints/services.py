"""Every change to a complaint after it was made goes through these functions, inside one
transaction each (a new complaint: `intake.submit_complaint`).

Each records an `Event` and an audit entry, and queues its notifications in the outbox of
the same transaction: the change, its record and its messages happen together or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.agencies.models import Agency, Membership
from balaikota.complaints import (
    deadlines,
    learning,
    lifecycle,
    moderation,
    photos,
    public_changes,
    routing,
    steps,
    tickets,
)
from balaikota.complaints import notifications as notify
from balaikota.complaints.lifecycle import TRIAGE_STATUSES, Action, Actor, TransitionNotAllowed
from balaikota.complaints.models import (
    Category,
    CategorySource,
    Complaint,
    Event,
    LocationSource,
    Photo,
    Status,
)
from balaikota.core import audit, roles
from balaikota.core.models import User
from balaikota.regions import selectors as regions

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
        .defer("region__geometry")
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
    before = steps.snapshot(complaint)
    complaint.status = lifecycle.check(action, complaint.status, actor, note)
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.save()
    steps.record(
        complaint, action, user, actor, note.strip(), before["status"], photo=photo, before=before
    )
    return complaint


# --- Operator --------------------------------------------------------------------------------


@transaction.atomic
def verify_complaint(complaint: Complaint, user: User, note: str = "") -> Complaint:
    complaint = _locked(complaint)
    _transition(complaint, Action.VERIFY, user, actor_for(user, complaint), note)
    notify.status_changed(complaint, note)
    return complaint


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
    steps.assign(complaint, agency, user, actor, note.strip())
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
    complaint = _transition(complaint, Action.CORRECT, user, actor, note, **changes)
    # A category that is always confidential (or moderated first) applies at once.
    moderation.follow_category(complaint, user)
    _route_if_waiting(complaint, user, actor)
    return complaint


def _route_if_waiting(complaint: Complaint, user: User, actor: Actor) -> None:
    """A complaint that waited for an operator only for want of a category or a place goes
    where the routing rules send it, as it would have at intake."""
    if complaint.agency_id is not None or complaint.status not in TRIAGE_STATUSES:
        return
    agency = routing.agency_for(complaint.category, complaint.region)
    if agency is not None and agency.is_active:
        steps.assign(complaint, agency, user, actor, _("Sent by the routing rules."))


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
    notify.status_changed(complaint, reason)
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
        note or steps.city_text(gettext_lazy("Same as %(ticket)s."), ticket=original.ticket),
        duplicate_of=original,
        due_at=None,
        closed_at=timezone.now(),
    )
    # The duplicate's reporter and supporters now stand behind the original.
    added = complaint.supporters + 1
    Complaint.objects.filter(pk=original.pk).update(supporters=F("supporters") + added)
    public_changes.changed()  # the count shows in public lists
    audit.record(
        actor=user,
        action="complaint.support",
        object_type="complaint",
        object_id=original.ticket,
        after={"supporters": f"+{added}", "from": complaint.ticket},
    )
    notify.status_changed(complaint, note or _("Same as %(ticket)s.") % {"ticket": original.ticket})
    return complaint


def record_forward(complaint: Complaint, note: str) -> Event:
    """A note in the timeline from forwarding: sent on to another system, or its news."""
    with transaction.atomic():
        locked = _locked(complaint)
        lifecycle.check(Action.FORWARD, locked.status, Actor.SYSTEM, note)
        return steps.record(locked, Action.FORWARD, None, Actor.SYSTEM, note, locked.status)


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
    notify.status_changed(complaint, note)
    return complaint


@transaction.atomic
def add_progress_note(
    complaint: Complaint, user: User, note: str, photo_file: UploadedFile | None = None
) -> Complaint:
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    lifecycle.check(Action.NOTE, complaint.status, actor, note)  # before any file is written
    photo = _agency_photo(complaint, photo_file, Photo.Kind.AFTER) if photo_file else None
    _transition(complaint, Action.NOTE, user, actor, note, photo=photo)
    notify.progress(complaint, note)
    return complaint


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
    notify.status_changed(complaint, reason)
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
    notify.status_changed(complaint, note)
    return complaint


def _agency_photo(complaint: Complaint, upload: UploadedFile, kind: str) -> Photo:
    try:
        result = steps.check_upload(upload)
    except photos.PhotoRejected as exc:
        raise TransitionNotAllowed(str(exc)) from exc
    return steps.add_photo(
        complaint, steps.save_upload(complaint.ticket, upload, result, kind), result, kind
    )


# --- Reporter --------------------------------------------------------------------------------


def reporter_may_act(complaint: Complaint, *, key: str | None, user: User | None) -> bool:
    if user is not None and user.is_authenticated and complaint.reporter_id == user.pk:
        return True
    return (
        bool(key)
        and bool(complaint.reporter_key_hash)
        and (tickets.hash_key(key or "") == complaint.reporter_key_hash)
    )


def may_answer_resolution(complaint: Complaint, token: str | None) -> bool:
    """Whether `token`, from the link in the "resolved" message, lets its holder confirm,
    rate or reopen this complaint now (complaints/tickets.py: only that, only for this
    resolution, only while the address it was sent to is still the reporter's)."""
    return (
        bool(token)
        and complaint.status == Status.RESOLVED
        and tickets.resolution_token_valid(
            token or "",
            ticket=complaint.ticket,
            resolved_at=complaint.resolved_at,
            addresses=[complaint.reporter_email, complaint.reporter_phone],
        )
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
        else steps.city_text(
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
    notify.status_changed(complaint, note if by_system else "")
    return complaint


@transaction.atomic
def reopen_complaint(complaint: Complaint, reason: str) -> Complaint:
    """The citizen says it is not fixed: back to the same agency at once."""
    complaint = _locked(complaint)
    _transition(complaint, Action.REOPEN, None, Actor.REPORTER, reason, resolved_at=None)
    if complaint.agency is not None and complaint.agency.is_active:
        steps.assign(
            complaint,
            complaint.agency,
            None,
            Actor.SYSTEM,
            steps.city_text(gettext_lazy("Sent back to the agency that resolved it.")),
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
                steps.city_text(
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
