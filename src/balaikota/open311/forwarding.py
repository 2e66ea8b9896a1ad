"""Forwarding complaints to another GeoReport v2 system, and bringing its status back.

The forward is a real Open311 POST from the worker; the request id it returns (or its
token, exchanged later for an id) is kept, and the worker asks for the status until the
other system closes the request. What it says appears in the complaint's timeline.
Personal data is not forwarded: the other system gets the public version of the complaint
(its public text, and only public photos), whatever its mode.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.parse
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from balaikota.complaints import services as complaints
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import FINAL_STATUSES, Complaint, Photo, Privacy, Status
from balaikota.complaints.publication import public_note, public_photos
from balaikota.complaints.steps import city_text
from balaikota.core import audit, outbound
from balaikota.core.models import User
from balaikota.open311.models import Forward, ForwardingTarget, ForwardState

log = logging.getLogger(__name__)

CLOSED = "closed"  # GeoReport v2: a request is "open" or "closed"
# Where the other system's "closed" resolves the complaint here: while it is with the agency.
RESOLVABLE = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})

# Retry a failed send for about two days (1, 2, 4 ... minutes, then every 6 hours).
GIVE_UP_AFTER = dt.timedelta(days=2)


class ForwardError(Exception):
    pass


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def any_active_target() -> bool:
    return ForwardingTarget.objects.filter(is_active=True).exists()


def plan(complaint: Complaint) -> list[Forward]:
    """The forwards this complaint needs and does not have yet (inside the transaction)."""
    targets = list(
        ForwardingTarget.objects.filter(is_active=True).filter(
            Q(agency_id=complaint.agency_id, agency__isnull=False)
            | Q(category_id=complaint.category_id, category__isnull=False)
        )
    )
    if complaint.privacy == Privacy.CONFIDENTIAL:
        targets = [t for t in targets if t.accepts_confidential]
    if not targets:  # most complaints: one read, inside a new complaint's transaction
        return []
    existing = set(Forward.objects.filter(complaint=complaint).values_list("target_id", flat=True))
    return [
        Forward.objects.create(complaint=complaint, target=target)
        for target in targets
        if target.pk not in existing
    ]


def targets_for_hand(complaint: Complaint) -> list[ForwardingTarget]:
    """The targets an operator may send this complaint to by hand now: active, allowed to
    receive it, and not holding it already (a failed one may be tried again)."""
    if complaint.status in FINAL_STATUSES:
        return []
    targets = ForwardingTarget.objects.filter(is_active=True).exclude(
        pk__in=Forward.objects.filter(complaint=complaint)
        .exclude(state=ForwardState.FAILED)
        .values("target_id")
    )
    if complaint.privacy == Privacy.CONFIDENTIAL:
        targets = targets.filter(accepts_confidential=True)
    return list(targets)


def forward_by_hand(
    complaint: Complaint, user: User, target: ForwardingTarget, note: str
) -> Forward:
    """An operator sends the complaint on to `target`: queued, sent by the worker and
    retried like a forward by rule. A failed earlier forward to it starts again."""
    if not note.strip():
        raise TransitionNotAllowed(_("Please write a reason or a note."))
    with transaction.atomic():
        target = ForwardingTarget.objects.select_for_update().get(pk=target.pk)
        privacy = Complaint.objects.values_list("privacy", flat=True).get(pk=complaint.pk)
        if not target.is_active:
            raise TransitionNotAllowed(_("%(system)s is not active.") % {"system": target.name})
        if privacy == Privacy.CONFIDENTIAL and not target.accepts_confidential:
            raise TransitionNotAllowed(
                _(
                    "This complaint is confidential, and %(system)s is not allowed to receive "
                    "confidential complaints."
                )
                % {"system": target.name}
            )
        forward = Forward.objects.filter(complaint=complaint, target=target).first()
        if forward is not None and forward.state != ForwardState.FAILED:
            raise TransitionNotAllowed(
                _("The complaint was already forwarded to %(system)s.") % {"system": target.name}
            )
        complaints.record_forward(
            complaint,
            city_text(
                _("Sent on by an operator to %(system)s: %(note)s"),
                system=target.name,
                note=note.strip(),
            ),
            user=user,
        )
        if forward is None:
            forward = Forward.objects.create(complaint=complaint, target=target, requested_by=user)
        else:  # tried before and given up: a fresh start, with a fresh two days of retries
            forward.state, forward.attempts, forward.last_error = ForwardState.PENDING, 0, ""
            forward.created_at, forward.requested_by = timezone.now(), user
            forward.save()
        audit.record(
            actor=user,
            action="open311.forward_requested",
            object_type="complaint",
            object_id=complaint.ticket,
            after={"target": target.name, "forward": forward.pk},
        )
        from balaikota.open311 import tasks

        pk = forward.pk
        transaction.on_commit(lambda: tasks.send_forward(pk), robust=True)
    return forward


def absolute(url: str) -> str:
    """A storage URL as the outside sees it (an object store's is absolute already)."""
    return url if "://" in url else settings.SITE_URL + url


def _url(target: ForwardingTarget, path: str, **query: str) -> str:
    base = target.endpoint if target.endpoint.endswith("/") else target.endpoint + "/"
    params = {k: v for k, v in query.items() if v}
    return base + path + ("?" + urllib.parse.urlencode(params) if params else "")


def _first(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ForwardError("the answer is not JSON") from exc
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    raise ForwardError("the answer is not a GeoReport v2 list")


def _form(forward: Forward) -> dict[str, str]:
    complaint = Complaint.objects.select_related("category", "region", "region__parent").get(
        pk=forward.complaint_id
    )
    target = forward.target
    form = {
        "api_key": target.api_key,
        "jurisdiction_id": target.jurisdiction_id,
        "service_code": target.service_code
        or (complaint.category.slug if complaint.category else ""),
        # Whatever the mode: the public text, never the reporter's contact.
        "description": complaint.public_text,
        "address_string": ", ".join(
            p
            for p in (
                public_note(complaint.address),
                complaint.region.name if complaint.region else "",
            )
            if p
        ),
    }
    if complaint.lat is not None and complaint.lon is not None:
        form["lat"], form["long"] = str(complaint.lat), str(complaint.lon)
    before = complaint.photos.filter(kind=Photo.Kind.BEFORE).order_by("id")
    photo = next(iter(public_photos(complaint, before)), None)
    if photo is not None:
        form["media_url"] = absolute(photo.image.url)
    return {k: v for k, v in form.items() if v}


def send(forward: Forward) -> None:
    """POST the complaint; on success keep their id or token, or raise ForwardError."""
    target = forward.target
    privacy = Complaint.objects.values_list("privacy", flat=True).get(pk=forward.complaint_id)
    if privacy == Privacy.CONFIDENTIAL and not target.accepts_confidential:
        # Made confidential after the forward was planned: it is never sent.
        forward.state, forward.last_error = ForwardState.FAILED, "the complaint is confidential"
        forward.save(update_fields=["state", "last_error"])
        return
    try:
        response = outbound.request(
            _url(target, "requests.json"),
            method="POST",
            data=urllib.parse.urlencode(_form(forward)).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                # The same key on a retry: a receiver that honours it makes no second request.
                "Idempotency-Key": f"balaikota-forward-{forward.pk}",
            },
        )
    except outbound.OutboundError as exc:
        raise ForwardError(str(exc)) from exc
    if not 200 <= response.status < 300:
        raise ForwardError(
            f"{target.name} answered HTTP {response.status}: {response.body[:300]!r}"
        )
    answer = _first(response.body)
    remote_id = str(answer.get("service_request_id") or "")[:100]
    remote_token = str(answer.get("token") or "")[:100]
    if not remote_id and not remote_token:
        raise ForwardError("the answer has neither service_request_id nor token")
    with transaction.atomic():
        forward.state = ForwardState.SENT
        forward.remote_id, forward.remote_token = remote_id, remote_token
        forward.sent_at = timezone.now()
        forward.attempts += 1
        forward.last_error = ""
        forward.save()
        complaints.record_forward(
            forward.complaint,
            city_text(
                _("Forwarded to %(system)s (their number: %(id)s)."),
                system=target.name,
                id=remote_id or remote_token,
            ),
            elsewhere=True,  # its clock stops while the other system has it
        )
        audit.record(
            actor=None,
            action="open311.forwarded",
            object_type="complaint",
            object_id=forward.complaint.ticket,
            after={"target": target.name, "remote_id": remote_id, "remote_token": remote_token},
        )


def failed(forward: Forward, error: str) -> dt.datetime | None:
    """Record a failed attempt; the time of the next one, or None when given up."""
    forward.attempts += 1
    forward.last_error = error[:2000]
    retry_at: dt.datetime | None = timezone.now() + backoff(forward.attempts)
    if timezone.now() - forward.created_at >= GIVE_UP_AFTER:
        forward.state = ForwardState.FAILED
        retry_at = None
    forward.save(update_fields=["attempts", "last_error", "state"])
    return retry_at


def poll(forward: Forward) -> bool:
    """Ask the other system for the status; True when it changed."""
    target = forward.target
    try:
        if not forward.remote_id:
            response = outbound.request(
                _url(
                    target,
                    f"tokens/{urllib.parse.quote(forward.remote_token)}.json",
                    jurisdiction_id=target.jurisdiction_id,
                )
            )
            if response.status == 200:
                forward.remote_id = str(_first(response.body).get("service_request_id") or "")[:100]
            if not forward.remote_id:
                forward.polled_at = timezone.now()
                forward.save(update_fields=["remote_id", "polled_at"])
                return False
        response = outbound.request(
            _url(
                target,
                f"requests/{urllib.parse.quote(forward.remote_id)}.json",
                jurisdiction_id=target.jurisdiction_id,
            )
        )
        if response.status != 200:
            raise ForwardError(f"{target.name} answered HTTP {response.status}")
        answer = _first(response.body)
    except (outbound.OutboundError, ForwardError) as exc:
        log.warning("forward %s: status not read: %s", forward.pk, exc)
        forward.polled_at = timezone.now()
        forward.last_error = str(exc)[:2000]
        forward.save(update_fields=["polled_at", "last_error", "remote_id"])
        return False
    status = str(answer.get("status") or "")[:20]
    notes = str(answer.get("status_notes") or "")[:2000]
    changed = (status, notes) != (forward.remote_status, forward.remote_notes)
    with transaction.atomic():
        forward.polled_at = timezone.now()
        forward.last_error = ""
        if changed:
            was_closed = forward.remote_status == CLOSED
            forward.remote_status, forward.remote_notes = status, notes
            try:
                forward.remote_updated_at = parse_datetime(
                    str(answer.get("updated_datetime") or "")
                )
            except ValueError:  # well formed, yet no such day (2026-02-30)
                forward.remote_updated_at = None
            follow_remote(forward, status, notes, reopened=was_closed and status != CLOSED)
        forward.save()
    return changed


def follow_remote(forward: Forward, status: str, notes: str, *, reopened: bool) -> None:
    """What the other system's news does here. Closed there: resolved here, with their
    notes as the agency's words, while the complaint is still with the agency. Opened again
    there before the reporter confirmed: back to the agency. Otherwise a note only: a
    complaint the reporter reopened, or closed, stays as the reporter left it."""
    complaint = Complaint.objects.only("status").get(pk=forward.complaint_id)
    system = forward.target.name
    if status == CLOSED and complaint.status in RESOLVABLE:
        complaints.resolve_forwarded(
            forward.complaint,
            city_text(
                _("%(system)s: %(notes)s") if notes else _("Closed by %(system)s."),
                system=system,
                notes=notes,
            ),
        )
    elif reopened and complaint.status == Status.RESOLVED:
        complaints.reopen_forwarded(
            forward.complaint,
            city_text(
                _("%(system)s opened it again: %(notes)s")
                if notes
                else _("%(system)s opened it again."),
                system=system,
                notes=notes,
            ),
        )
    else:
        note = _("%(system)s: %(status)s. %(notes)s") if notes else _("%(system)s: %(status)s.")
        complaints.record_forward(
            forward.complaint, city_text(note, system=system, status=status, notes=notes)
        )


def due_for_polling(now: dt.datetime, every: dt.timedelta) -> list[int]:
    """Forwards still open there; and closed there while the complaint waits here for the
    reporter's confirmation, in case the other system opens it again."""
    return list(
        # A target an admin switched off is not asked any more.
        Forward.objects.filter(state=ForwardState.SENT, target__is_active=True)
        .filter(~Q(remote_status=CLOSED) | Q(complaint__status=Status.RESOLVED))
        .filter(Q(polled_at__isnull=True) | Q(polled_at__lt=now - every))
        .order_by("polled_at", "id")
        .values_list("pk", flat=True)[:200]
    )
