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

from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints import (
    clock,
    deadlines,
    field,
    learning,
    lifecycle,
    moderation,
    photos,
    public_changes,
    replies,
    routing,
    steps,
    tickets,
)
from balaikota.complaints import notifications as notify
from balaikota.complaints.lifecycle import TRIAGE_STATUSES, Action, Actor, TransitionNotAllowed
from balaikota.complaints.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Category,
    CategorySource,
    ClockPause,
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
    _step(complaint, action, user, actor, note, photo=photo, **changes)
    return complaint


def _step(
    complaint: Complaint,
    action: Action,
    user: User | None,
    actor: Actor,
    note: str = "",
    *,
    photo: Photo | None = None,
    **changes: Any,
) -> Event:
    """`_transition`, returning the event. `changes` may set the status itself (an answer
    returns a waiting complaint to the status it was asked in)."""
    before = steps.snapshot(complaint)
    complaint.status = lifecycle.check(action, complaint.status, actor, note)
    if actor in {Actor.OPERATOR, Actor.AGENCY}:
        changes.setdefault("reporter_answered_at", None)  # the city has acted on the answer
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.save()
    if complaint.status not in OPEN_STATUSES:
        clock.end(complaint, user=user)  # closed or resolved: no deadline left to move
    return steps.record(
        complaint, action, user, actor, note.strip(), before["status"], photo=photo, before=before
    )


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
    clock.end(complaint, user=user)  # back in local hands, with a fresh deadline
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


def record_forward(
    complaint: Complaint, note: str, user: User | None = None, *, elsewhere: bool | None = None
) -> Event:
    """A note in the timeline from forwarding: sent on to another system, or its news. With
    `user`, an operator sent it on by hand (not once it has reached a final status).

    `elsewhere`: True when the complaint is now in the other system's hands (its clock
    stops), False when it came back to local hands (its clock starts again)."""
    with transaction.atomic():
        locked = _locked(complaint)
        actor = Actor.SYSTEM
        if user is not None:
            actor = actor_for(user, locked)
            if actor != Actor.OPERATOR:
                raise TransitionNotAllowed(_("Only an operator can forward a complaint."))
            if locked.status in FINAL_STATUSES:
                raise TransitionNotAllowed(
                    _("This cannot be done while the complaint is “%(status)s”.")
                    % {"status": locked.get_status_display()}
                )
        lifecycle.check(Action.FORWARD, locked.status, actor, note)
        event = steps.record(locked, Action.FORWARD, user, actor, note, locked.status)
        if elsewhere and locked.status in OPEN_STATUSES:
            clock.pause(locked, ClockPause.FORWARDED)
        elif elsewhere is False and locked.clock_pause_reason == ClockPause.FORWARDED:
            clock.resume(locked)
        return event


@transaction.atomic
def resolve_forwarded(complaint: Complaint, note: str) -> Complaint:
    """The system it was forwarded to closed it: resolved here with that system's words,
    and the reporter confirms or reopens it as after the agency's own resolution."""
    complaint = _locked(complaint)
    _transition(
        complaint,
        Action.RESOLVE_REMOTE,
        None,
        Actor.SYSTEM,
        note,
        resolved_at=timezone.now(),
        due_at=None,
    )
    notify.status_changed(complaint, note)
    return complaint


@transaction.atomic
def reopen_forwarded(complaint: Complaint, note: str) -> Complaint:
    """The system it was forwarded to opened it again before the reporter confirmed: back to
    the agency that had it, as when the reporter reopens it."""
    complaint = _locked(complaint)
    _transition(complaint, Action.REOPEN_REMOTE, None, Actor.SYSTEM, note, resolved_at=None)
    if complaint.agency is not None and complaint.agency.is_active:
        steps.assign(complaint, complaint.agency, None, Actor.SYSTEM, note)
    else:
        notify.needs_operator(complaint)
    return complaint


def relocate(complaint: Complaint, region_id: int | None, note: str) -> Complaint:
    """New boundaries put the complaint's place in another kelurahan, or in none. Inside the
    caller's transaction (the boundary import): the place itself does not move."""
    complaint = _locked(complaint)
    return _transition(complaint, Action.RELOCATE, None, Actor.SYSTEM, note, region_id=region_id)


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
    clock.end(complaint, user=user)  # the operator gets a fresh deadline
    _transition(
        complaint,
        Action.RETURN,
        user,
        actor,
        reason,
        agency=None,
        field_team=None,
        field_officer=None,
        field_assigned_at=None,
        # The operator gets a fresh disposal deadline to find the right agency.
        due_at=deadlines.dispose_due(timezone.now(), complaint.category),
    )
    notify.returned(complaint, reason)
    notify.status_changed(complaint, reason)
    return complaint


@transaction.atomic
def dispatch_complaint(
    complaint: Complaint,
    user: User,
    *,
    team: Team | None = None,
    officer: User | None = None,
    note: str = "",
) -> Complaint:
    """Hand a complaint the agency holds to one of its field teams or officers (only its
    own staff may); the status stays the agency's."""
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    lifecycle.check(Action.DISPATCH, complaint.status, actor, "-")
    team, officer = field.choose(complaint, team, officer)
    _transition(
        complaint,
        Action.DISPATCH,
        user,
        actor,
        field.dispatch_note(team, officer, note),
        field_team=team,
        field_officer=officer,
        field_assigned_at=timezone.now(),
    )
    field.tell_officers(complaint)
    return complaint


@transaction.atomic
def resolve_complaint(
    complaint: Complaint,
    user: User,
    note: str,
    photo_file: UploadedFile | None,
    *,
    device_location: tuple[float, float] | None = None,
) -> Complaint:
    """Resolved, with the "after" photo; where it was taken (its GPS, else the device's
    `device_location`) is checked against the complaint's place (`field.check_place`)."""
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
    field.check_place(complaint, photo, user, device_location)
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


# --- Asking the reporter ("butuh informasi") --------------------------------------------------

MAX_ANSWER_TEXT = 5000
MAX_ANSWER_PHOTOS = 3


def reporter_reachable(complaint: Complaint) -> bool:
    """Whether a question can reach the reporter at all (a contact, or an account)."""
    if complaint.contact_removed_at is not None:
        return False
    return bool(complaint.reporter_email or complaint.reporter_phone or complaint.reporter_id)


@transaction.atomic
def ask_reporter(complaint: Complaint, user: User, question: str) -> Event:
    """The agency (or the operator, in triage) asks the reporter for information: the
    complaint waits, its clock stands still, and the reporter gets the question with a
    private link to answer and, by e-mail, an address to reply to."""
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    lifecycle.check(Action.ASK, complaint.status, actor, question)
    if not reporter_reachable(complaint):
        raise TransitionNotAllowed(
            _("The reporter left no way to reach them: the question cannot be asked.")
        )
    if len(question) > MAX_ANSWER_TEXT:
        raise TransitionNotAllowed(_("The question is too long."))
    # A forward's pause ends here: the question's own pause begins, and is what the
    # reporter's time to answer counts from.
    clock.resume(complaint, user=user)
    event = _step(complaint, Action.ASK, user, actor, question, waiting_from=complaint.status)
    clock.pause(complaint, ClockPause.QUESTION, user=user)
    notify.question_asked(
        complaint,
        event.note,
        answer_by=deadlines.answer_due(complaint.clock_paused_at or timezone.now()),
        token=replies.token_for(event.pk),
        reply_to=replies.reply_address(event.pk),
    )
    return event


def current_question(complaint: Complaint) -> Event | None:
    """The question a waiting complaint waits on."""
    if complaint.status != Status.WAITING:
        return None
    return complaint.events.filter(action=Action.ASK).order_by("-created_at", "-id").first()


@transaction.atomic
def answer_question(
    complaint: Complaint,
    *,
    text: str,
    photo_files: list[UploadedFile] | tuple[()] = (),
    photo_urls: list[str] | tuple[()] = (),
    question_id: int | None = None,
) -> Event:
    """The reporter's answer, with photos: the complaint goes back to the status it was
    asked in, the clock starts again with its deadlines moved, and the city is told.

    `question_id`: the question a token answers; an answer to an older one is refused."""
    complaint = _locked(complaint)
    question = current_question(complaint)
    if question is None or (question_id is not None and question_id != question.pk):
        raise TransitionNotAllowed(
            _(
                "This complaint is not waiting for an answer: the question was already "
                "answered or closed."
            )
        )
    text = text.strip()
    if not text and not photo_files and not photo_urls:
        raise TransitionNotAllowed(_("Write your answer or add a photo."))
    if len(text) > MAX_ANSWER_TEXT:
        raise TransitionNotAllowed(
            _("The answer is too long: at most %(count)d characters.") % {"count": MAX_ANSWER_TEXT}
        )
    if len(photo_files) + len(photo_urls) > MAX_ANSWER_PHOTOS:
        raise TransitionNotAllowed(
            _("At most %(count)d photos per answer.") % {"count": MAX_ANSWER_PHOTOS}
        )
    checked = []
    for upload in photo_files:  # every photo checked before any is written
        try:
            checked.append((upload, steps.check_upload(upload)))
        except photos.PhotoRejected as exc:
            raise TransitionNotAllowed(f"{upload.name}: {exc}") from exc
    added = [
        steps.add_photo(
            complaint,
            steps.save_upload(complaint.ticket, upload, result, Photo.Kind.BEFORE),
            result,
            Photo.Kind.BEFORE,
        )
        for upload, result in checked
    ] + [steps.add_remote_photo(complaint, url) for url in photo_urls]
    back = lifecycle.back_from_waiting(Action.ANSWER, complaint.waiting_from, Actor.REPORTER)
    event = _step(
        complaint,
        Action.ANSWER,
        None,
        Actor.REPORTER,
        text,
        photo=added[0] if added else None,
        status=back,
        waiting_from="",
        reporter_answered_at=timezone.now(),
    )
    clock.resume(complaint)
    notify.reporter_answered(complaint, question, event, photos=len(added))
    return event


@transaction.atomic
def continue_without_answer(complaint: Complaint, user: User, note: str = "") -> Complaint:
    """The asker goes on without the reporter's answer: the clock starts again."""
    complaint = _locked(complaint)
    actor = actor_for(user, complaint)
    back = lifecycle.back_from_waiting(Action.RESUME, complaint.waiting_from, actor, note)
    _step(complaint, Action.RESUME, user, actor, note, status=back, waiting_from="")
    clock.resume(complaint, user=user)
    return complaint


def close_unanswered(now: dt.datetime | None = None) -> int:
    """Complaints whose reporter did not answer within REPORTER_ANSWER_DAYS working days
    are closed with that reason, and the reporter is told."""
    moment = now or timezone.now()
    days = settings.REPORTER_ANSWER_DAYS
    # N working days are at least N days: the database narrows, the calendar decides.
    candidates = Complaint.objects.filter(
        status=Status.WAITING, clock_paused_at__lt=moment - dt.timedelta(days=days)
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(candidates[:500]):
        with transaction.atomic():
            complaint = _locked(Complaint(pk=pk))
            paused = complaint.clock_paused_at
            if complaint.status != Status.WAITING or paused is None:
                continue
            if deadlines.answer_due(paused) >= moment:
                continue
            note = steps.city_text(
                gettext_lazy("Closed: the reporter did not answer within %(days)s working days."),
                days=days,
            )
            _step(
                complaint,
                Action.CLOSE_UNANSWERED,
                None,
                Actor.SYSTEM,
                note,
                closed_at=moment,
                due_at=None,
                waiting_from="",
            )
            notify.closed_unanswered(complaint, note)
            count += 1
    return count


# --- Periodic --------------------------------------------------------------------------------


def escalate_overdue() -> int:
    """Each open complaint past its current deadline is escalated once for that deadline:
    the head of the agency and the operators are told."""
    now = timezone.now()
    count = 0
    overdue = (
        Complaint.objects.filter(
            status__in=list(lifecycle.RULES[Action.ESCALATE].sources),
            due_at__lt=now,
            clock_paused_at__isnull=True,  # the clock stands still: nothing is late
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
