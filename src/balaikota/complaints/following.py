"""Following a complaint by e-mail, as FixMyStreet's alerts: anyone asks on the tracking page,
confirms from the e-mail (double opt-in), then hears of every public change, until they end
it with one click or the complaint ends.

Followers read the public version only: the step, its note with personal data hidden, the
tracking page; never the reporter's name or contact. Their own addresses are personal data:
never shown, used only for these e-mails, removed by retention and erasure
(balaikota.privacy). Sending is through the outbox, by the worker, never in the request.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from balaikota.complaints import disclosure, signals
from balaikota.complaints.lifecycle import ACTION_LABELS, STAFF_ONLY_NOTES, Action
from balaikota.complaints.models import FINAL_STATUSES, Complaint, Event, Follower
from balaikota.notifications import services as outbox

# Steps that change nothing the public reads as news: the submission itself (nobody
# follows yet), a correction of the details, and the staff-only ones.
NOT_NEWS = frozenset({Action.SUBMIT, Action.CORRECT}) | STAFF_ONLY_NOTES
# Unconfirmed requests a day for one address: the form cannot flood a mailbox.
MAX_PENDING = 3


def follow(complaint: Complaint, email: str) -> Follower | None:
    """Ask to follow: the confirmation e-mail is queued. None when this address already
    follows the complaint (nothing is sent, and the page does not say whether it does)."""
    address = email.strip().lower()
    with transaction.atomic():
        active = Follower.objects.filter(
            complaint=complaint, email=address, confirmed_at__isnull=False, ended_at__isnull=True
        )
        if active.exists():
            return None
        follower = Follower.objects.create(
            complaint=complaint, email=address, token=secrets.token_urlsafe(32)
        )
        with translation.override(settings.LANGUAGE_CODE):
            outbox.send_email(
                address,
                event="follow.confirm",
                subject=_("Confirm that you follow complaint %(ticket)s")
                % {"ticket": complaint.ticket},
                body=_(
                    "Someone (we hope you) asked for an e-mail at every step of complaint "
                    "%(ticket)s. Open this link and press the button to confirm; if it was not "
                    "you, ignore this e-mail and nothing will be sent."
                )
                % {"ticket": complaint.ticket},
                link=reverse("complaints:follow_confirm", args=[follower.token]),
            )
    return follower


def too_many_pending(email: str) -> bool:
    since = timezone.now() - dt.timedelta(days=1)
    return (
        Follower.objects.filter(
            email=email.strip().lower(), confirmed_at__isnull=True, created_at__gte=since
        ).count()
        >= MAX_PENDING
    )


def find(token: str) -> Follower | None:
    return Follower.objects.select_related("complaint").filter(token=token).first()


def confirm(token: str) -> Follower | None:
    follower = find(token)
    if follower is not None and follower.confirmed_at is None and follower.ended_at is None:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


def unsubscribe(token: str) -> Follower | None:
    follower = find(token)
    if follower is not None and follower.ended_at is None:
        follower.ended_at = timezone.now()
        follower.save(update_fields=["ended_at"])
    return follower


def _active(complaint: Complaint) -> QuerySet[Follower]:
    return Follower.objects.filter(
        complaint=complaint, confirmed_at__isnull=False, ended_at__isnull=True
    )


@receiver(signals.event_recorded, dispatch_uid="complaints.following")
def _on_event(sender: Any, complaint: Complaint, event: Event, **kwargs: Any) -> None:
    if event.action in NOT_NEWS or not complaint.published:
        return
    # One indexed read (most complaints have no follower) rather than a task per event.
    if not _active(complaint).exists():
        return
    event_id = event.pk
    transaction.on_commit(lambda: tell_followers(event_id), robust=True)


@db_task()
def tell_followers(event_id: int) -> int:
    event = Event.objects.select_related("complaint").filter(pk=event_id).first()
    return send_news(event) if event is not None else 0


def send_news(event: Event) -> int:
    """One e-mail per active follower of the event's complaint, while it is published; when
    the complaint has ended, the following ends with this last e-mail."""
    complaint = event.complaint
    if not complaint.published:
        return 0
    # Read first: most complaints have no follower, and on SQLite a transaction takes the
    # write lock at once.
    active = _active(complaint)
    followers = list(active)
    if not followers:
        return 0
    ended = complaint.status in FINAL_STATUSES
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for follower in followers:
            _send_one(follower, complaint, event, ended)
        if ended:
            active.update(ended_at=timezone.now())
    return len(followers)


def _send_one(follower: Follower, complaint: Complaint, event: Event, ended: bool) -> None:
    unsubscribe_url = settings.SITE_URL + reverse(
        "complaints:follow_unsubscribe", args=[follower.token]
    )
    label = str(ACTION_LABELS.get(Action(event.action), event.action))
    values = {
        "ticket": complaint.ticket,
        "step": label,
        "status": complaint.get_status_display(),
        "unsubscribe": unsubscribe_url,
    }
    parts = [_("Complaint %(ticket)s: %(step)s. Status: %(status)s.") % values]
    note = disclosure.event_note(event)
    if note:
        parts.append(note)
    if ended:
        parts.append(_("The complaint has ended: this is the last e-mail you receive about it."))
    else:
        parts.append(_("To stop these e-mails with one click: %(unsubscribe)s") % values)
    outbox.send_email(
        follower.email,
        event="follow.news",
        subject=_("Complaint %(ticket)s: %(step)s") % values,
        body="\n\n".join(parts),
        link=reverse("complaints:track", args=[complaint.ticket]),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
