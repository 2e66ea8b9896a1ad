"""The reporter's rights over their personal data (UU 27/2022): to see it and take a copy,
to correct it, to have it erased and to withdraw it.

A reporter's personal data lives in a few named places, and these functions read or clear
all of them:
- the complaint: `reporter_name`, `reporter_phone`, `reporter_email`, `reporter_nik`, the
  `reporter` account, and whatever of it they wrote into the stored `text` (and
  `rating_comment`);
- the outbox: messages addressed to them (address, text), and copies of the complaint's text
  sent to staff (outbox bodies, in-app notices);
- Open311: the device and account id the application sent with their complaint;
- routing examples made from the complaint's text;
- e-mail alerts subscribed with their address, and the complaints they follow by e-mail;
- the register of their requests (`DataSubjectRequest`).

The audit chain holds none of it (only tickets, statuses, codes and counts), so erasure
changes nothing there, and `audit-verify` holds after it; events are never changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balaikota.complaints import publication
from balaikota.complaints.lifecycle import Actor
from balaikota.complaints.models import Channel as ComplaintChannel
from balaikota.complaints.models import (
    Complaint,
    Event,
    Follower,
    IdentityReveal,
    RoutingExample,
    Support,
)
from balaikota.core import audit, plaintext
from balaikota.core.models import User
from balaikota.core.redaction import redact
from balaikota.notifications import services as outbox
from balaikota.notifications.models import Notice, OutboxMessage
from balaikota.open311.models import ClientRequest
from balaikota.opendata.models import Subscription
from balaikota.privacy.contacts import national_phone
from balaikota.privacy.lookup import (
    Found,
    Lookup,
    find,
    find_complaints,
    messages_of,
    requests_of,
)
from balaikota.privacy.models import (
    Arrival,
    DataSubjectRequest,
    RequestKind,
    RequestStatus,
)

__all__ = [
    "ContactInvalid",
    "ErasureReport",
    "Lookup",
    "correct_contact",
    "erase",
    "export_personal_data",
    "find_complaints",
    "withdraw_contact",
]

# The one message a reporter gets after withdrawing their contact; its address is removed
# by the retention job as soon as it is delivered.
LAST_MESSAGE_EVENT = "privacy.contact_removed"
CONTACT_FIELDS = ("reporter_name", "reporter_phone", "reporter_email", "reporter_nik")
GATEWAY_CHANNELS = frozenset({ComplaintChannel.SMS, ComplaintChannel.WHATSAPP})


class Removal:
    """Why a contact is removed, as the audit entry says it."""

    REPORTER = "reporter"  # withdrawn by the reporter, through the private link or account
    REQUEST = "request"  # erased on a request (the register, the command line)
    RETENTION = "retention"  # its retention period ended


# --- Access and copy -------------------------------------------------------------------------


def _when(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _account(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "phone": user.phone,
        "joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
    }


def _complaint_data(complaint: Complaint) -> dict[str, Any]:
    # The reverse one-to-one raises (an AttributeError) when the complaint has none.
    link: ClientRequest | None = getattr(complaint, "open311", None)
    reporter_notes = Event.objects.filter(
        complaint=complaint, actor_role=Actor.REPORTER.value
    ).exclude(note="")
    return {
        "ticket": complaint.ticket,
        "submitted": _when(complaint.created_at),
        "closed": _when(complaint.closed_at),
        "status": complaint.status,
        "channel": complaint.channel,
        "privacy": complaint.privacy,
        "contact": {
            "name": complaint.reporter_name,
            "phone": complaint.reporter_phone,
            "email": complaint.reporter_email,
            "nik": complaint.reporter_nik,
        },
        "contact_removed": _when(complaint.contact_removed_at),
        "account": _account(complaint.reporter),
        "text": complaint.text,
        "public_text": complaint.public_text if complaint.published else None,
        "address": complaint.address,
        "location": {"lat": complaint.lat, "lon": complaint.lon}
        if complaint.lat is not None
        else None,
        "rating": complaint.rating,
        "rating_comment": complaint.rating_comment,
        "your_notes": [
            {"time": _when(event.created_at), "action": event.action, "note": event.note}
            for event in reporter_notes
        ],
        "open311": {
            "application": link.client.name,
            "device_id": link.device_id,
            "account_id": link.account_id,
            "posted": _when(link.created_at),
        }
        if link is not None
        else None,
        "identity_reveals": [
            {
                "by": reveal.user.get_full_name() or reveal.user.get_username(),
                "time": _when(reveal.created_at),
                "reason": reveal.reason,
            }
            for reveal in IdentityReveal.objects.filter(complaint=complaint)
            .select_related("user")
            .order_by("created_at")
        ],
    }


def _message_data(message: OutboxMessage) -> dict[str, Any]:
    return {
        "channel": message.channel,
        "address": message.address,
        "subject": message.subject,
        "text": message.body,
        "status": message.status,
        "created": _when(message.created_at),
        "sent": _when(message.sent_at),
    }


def _request_data(request: DataSubjectRequest) -> dict[str, Any]:
    return {
        "request": request.get_kind_display(),
        "kind": request.kind,
        "arrived_by": request.arrived_by,
        "requester": {
            "name": request.requester_name,
            "email": request.requester_email,
            "phone": request.requester_phone,
            "address": request.requester_address,
        },
        "details": request.details,
        "received": _when(request.received_at),
        "answer_by": _when(request.deadline),
        "status": request.status,
        "finished": _when(request.done_at),
        "outcome": request.outcome,
        "complaints": [c.ticket for c in request.complaints.all()],
    }


def _alerts(emails: Iterable[str]) -> list[Subscription]:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    return list(Subscription.objects.filter(query).select_related("region").order_by("pk"))


def _alert_data(subscription: Subscription) -> dict[str, Any]:
    return {
        "email": subscription.email,
        "kelurahan": subscription.region.name if subscription.region else None,
        "point": {
            "lat": subscription.lat,
            "lon": subscription.lon,
            "radius_m": subscription.radius_m,
        }
        if subscription.lat is not None
        else None,
        "created": _when(subscription.created_at),
        "confirmed": _when(subscription.confirmed_at),
        "ended": _when(subscription.ended_at),
    }


def _followed(emails: Iterable[str]) -> list[Follower]:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    return list(Follower.objects.filter(query).select_related("complaint").order_by("pk"))


def _follow_data(follower: Follower) -> dict[str, Any]:
    return {
        "email": follower.email,
        "complaint": follower.complaint.ticket,
        "created": _when(follower.created_at),
        "confirmed": _when(follower.confirmed_at),
        "ended": _when(follower.ended_at),
    }


def export(found: Found) -> dict[str, Any]:
    """Every piece of personal data held about the person found, as plain JSON values."""
    supports: list[str] = []
    if found.user_ids:
        keys = [f"user:{pk}" for pk in found.user_ids]
        supports = list(
            Support.objects.filter(supporter_key__in=keys)
            .order_by("created_at")
            .values_list("complaint__ticket", flat=True)
        )
    return {
        "format": "balaikota-personal-data/1",
        "generated": _when(timezone.now()),
        "controller": {
            "name": settings.CITY_NAME,
            "privacy_officer": {
                "name": settings.PRIVACY_OFFICER_NAME,
                "email": settings.PRIVACY_OFFICER_EMAIL,
                "address": settings.PRIVACY_OFFICER_ADDRESS,
            },
        },
        "accounts": [_account(user) for user in found.lookup.users],
        "complaints": [_complaint_data(c) for c in found.complaints],
        "messages": [_message_data(m) for m in messages_of(found)],
        "alerts": [_alert_data(s) for s in _alerts(found.emails)],
        "following": [_follow_data(f) for f in _followed(found.emails)],
        "supported": supports,
        "requests": [_request_data(r) for r in requests_of(found)],
    }


def export_personal_data(
    *,
    ticket: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    user: User | None = None,
) -> dict[str, Any]:
    """Every piece of personal data held about the person with this ticket, e-mail address,
    phone number or (signed-in citizen's) account: JSON-serialisable."""
    return export(find(Lookup.one(ticket=ticket, email=email, phone=phone, user=user)))


# --- Erasure and withdrawal ------------------------------------------------------------------


@dataclass
class ErasureReport:
    """What was removed: tickets with the fields that held data, and counts elsewhere."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    messages: int = 0
    staff_copies: int = 0
    open311_ids: int = 0
    routing_examples: int = 0
    alerts: int = 0
    following: int = 0
    accounts_kept: list[int] = field(default_factory=list)

    @property
    def complaints(self) -> list[str]:
        return list(self.fields)

    def add(self, other: ErasureReport) -> None:
        self.fields.update(other.fields)
        self.messages += other.messages
        self.staff_copies += other.staff_copies
        self.open311_ids += other.open311_ids
        self.routing_examples += other.routing_examples
        self.alerts += other.alerts
        self.following += other.following
        self.accounts_kept = sorted({*self.accounts_kept, *other.accounts_kept})

    def as_dict(self) -> dict[str, Any]:
        return {
            "complaints": self.fields,
            "messages": self.messages,
            "staff_copies": self.staff_copies,
            "open311_ids": self.open311_ids,
            "routing_examples": self.routing_examples,
            "alerts": self.alerts,
            "following": self.following,
            "accounts_kept": self.accounts_kept,
        }

    def lines(self) -> list[str]:
        """What was removed, in the city's language, one fact a line (no personal data)."""
        if not self.fields and not self.alerts and not self.following and not self.messages:
            return [_("No personal data was found.")]
        lines = [
            _("%(ticket)s: removed %(fields)s.")
            % {"ticket": ticket, "fields": ", ".join(names) or _("nothing more")}
            for ticket, names in self.fields.items()
        ]
        counts = [
            (self.messages, _("Messages to the person emptied (address and text): %(n)d.")),
            (self.staff_copies, _("Copies of their data in staff messages hidden: %(n)d.")),
            (self.open311_ids, _("Open311 device and account ids removed: %(n)d.")),
            (self.routing_examples, _("Routing examples anonymised: %(n)d.")),
            (self.alerts, _("E-mail alerts ended and deleted: %(n)d.")),
            (self.following, _("Complaints followed by e-mail, ended and deleted: %(n)d.")),
        ]
        lines += [text % {"n": n} for n, text in counts if n]
        lines += [
            _(
                "Account #%(id)s was unlinked from the complaints but not deleted: deactivate "
                "or delete it in the admin if that is asked too."
            )
            % {"id": pk}
            for pk in self.accounts_kept
        ]
        return lines


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("reporter")
        .get(pk=complaint.pk)
    )


def contact_values(complaint: Complaint) -> list[str]:
    """Everything that names the reporter: the contact and the linked account's details."""
    values = [getattr(complaint, name) for name in CONTACT_FIELDS]
    account = complaint.reporter
    if account is not None:
        values += [account.email, account.phone, account.get_full_name()]
    return [v for v in values if v and len(v.strip()) >= 3]


def _holds(text: str, values: Iterable[str]) -> bool:
    """Whether any of the values is written in the text as a word of its own."""
    return any(
        re.search(rf"(?<!\w){re.escape(value.strip())}(?!\w)", text, flags=re.IGNORECASE)
        for value in values
        if value.strip()
    )


def _hide(text: str, values: list[str]) -> str:
    return redact(text, values) if text and _holds(text, values) else text


def remove_contact(complaint: Complaint, *, by: str, actor: User | None) -> ErasureReport:
    """Blank the complaint's contact, anonymise its stored text, remove its Open311 ids;
    inside the caller's transaction, with the complaint locked."""
    complaint = _locked(complaint)
    known = contact_values(complaint)
    removed = [name for name in CONTACT_FIELDS if getattr(complaint, name)]
    report = ErasureReport()
    if complaint.reporter_id is not None:
        removed.append("reporter")
        report.accounts_kept.append(complaint.reporter_id)
    # The text's redacted version, taken while the contact is still known, so that the
    # reporter's own name and number written into the text are hidden too.
    text = redact(publication.public_text_of(complaint), known)
    if complaint.contact_removed_at is not None and not removed and text == complaint.text:
        return report  # removed before, and nothing came back since
    changes: dict[str, Any] = {name: "" for name in CONTACT_FIELDS}
    changes.update(reporter=None, contact_removed_at=timezone.now())
    if text != complaint.text:
        removed.append("text")
        changes["text"] = text
    if _holds(complaint.public_text, known):
        changes["public_text"] = redact(complaint.public_text, known)
    if complaint.rating_comment and _hide(complaint.rating_comment, known) != (
        complaint.rating_comment
    ):
        removed.append("rating_comment")
        changes["rating_comment"] = _hide(complaint.rating_comment, known)
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.save(update_fields=list(changes))
    report.open311_ids = (
        ClientRequest.objects.filter(complaint=complaint)
        .exclude(device_id="", account_id="")
        .update(device_id="", account_id="")
    )
    for example in RoutingExample.objects.filter(complaint=complaint):
        hidden = redact(example.text, known)
        if hidden != example.text:
            example.text = hidden
            example.save(update_fields=["text"])
            report.routing_examples += 1
    report.fields[complaint.ticket] = removed
    if not (removed or report.open311_ids or report.routing_examples):
        return report  # nothing was held: only marked, so that retention passes it by
    audit.record(
        actor=actor,
        action="privacy.contact_removed",
        object_type="complaint",
        object_id=complaint.ticket,
        after={
            "by": by,
            "fields": removed,
            "open311_ids": report.open311_ids,
            "routing_examples": report.routing_examples,
        },
    )
    return report


def _empty_messages(messages: Iterable[OutboxMessage]) -> int:
    pks = [m.pk for m in messages if m.address or m.body or m.payload]
    return OutboxMessage.objects.filter(pk__in=pks).update(
        address="", body="", payload=None, last_error=""
    )


def _hide_in_staff_copies(tickets: list[str], values: list[str]) -> int:
    """Staff notices, e-mails and webhooks carry the complaint's text: hide the person in
    those about their complaints, and wherever else their name or address is written."""
    count = 0
    messages = Q(pk__in=[])
    notices = Q(pk__in=[])
    for ticket in tickets:
        messages |= Q(subject__contains=ticket) | Q(payload__ticket=ticket)
        notices |= Q(title__contains=ticket)
    for value in values:
        messages |= Q(body__icontains=value)
        notices |= Q(body__icontains=value)
    for message in OutboxMessage.objects.filter(messages):
        about = any(ticket in message.subject for ticket in tickets)
        body, payload = _hide_in(message.body, about, values), message.payload
        if isinstance(payload, dict) and payload.get("ticket") in tickets:
            payload = _hide_in_payload(payload, values)
        if (body, payload) != (message.body, message.payload):
            message.body, message.payload = body, payload
            message.save(update_fields=["body", "payload"])
            count += 1
    for notice in Notice.objects.filter(notices).exclude(body=""):
        body = _hide_in(notice.body, any(t in notice.title for t in tickets), values)
        if body != notice.body:
            notice.body = body
            notice.save(update_fields=["body"])
            count += 1
    return count


def _hide_in(text: str, about_them: bool, values: list[str]) -> str:
    """A message about their complaint is redacted whole; any other only where it names
    them."""
    if text and (about_them or _holds(text, values)):
        return redact(text, values)
    return text


def _hide_in_payload(payload: Any, values: list[str]) -> Any:
    if isinstance(payload, str):
        return redact(payload, values)
    if isinstance(payload, dict):
        return {key: _hide_in_payload(value, values) for key, value in payload.items()}
    if isinstance(payload, list):
        return [_hide_in_payload(value, values) for value in payload]
    return payload


def _erase_found(found: Found, *, by: str, actor: User | None) -> ErasureReport:
    report = ErasureReport()
    known = sorted({v for c in found.complaints for v in contact_values(c)})
    known += [e for e in found.emails if e not in known]
    # The messages first: finding them needs the contact the complaints still hold.
    report.messages = _empty_messages(messages_of(found))
    for complaint in found.complaints:
        report.add(remove_contact(complaint, by=by, actor=actor))
    report.staff_copies = _hide_in_staff_copies([c.ticket for c in found.complaints], known)
    alerts = _alerts(found.lookup.emails)
    report.alerts = len(alerts)
    Subscription.objects.filter(pk__in=[s.pk for s in alerts]).delete()
    followed = _followed(found.lookup.emails)
    report.following = len(followed)
    Follower.objects.filter(pk__in=[f.pk for f in followed]).delete()
    return report


def erase(
    *,
    ticket: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    actor: User | None = None,
) -> ErasureReport:
    """Remove the personal data of the person with this ticket, e-mail address or phone
    number, on their request: each complaint stays, anonymised."""
    lookup = Lookup.one(ticket=ticket, email=email, phone=phone)
    with transaction.atomic():
        return _erase_found(find(lookup), by=Removal.REQUEST, actor=actor)


def _tell_last_time(complaint: Complaint) -> int:
    """The one message after which the reporter hears nothing more of the complaint."""
    sent = 0
    values = {"ticket": complaint.ticket}
    with translation.override(settings.LANGUAGE_CODE):
        if complaint.reporter_email:
            outbox.send_email(
                complaint.reporter_email,
                event=LAST_MESSAGE_EVENT,
                subject=_("Complaint %(ticket)s: your contact has been removed") % values,
                body=_(
                    "As you asked, your name and contact have been removed from complaint "
                    "%(ticket)s. The complaint stays and will be handled, without your name. "
                    "Updates will now stop: this is the last message you receive about it."
                )
                % values,
                link=reverse("complaints:track", args=[complaint.ticket]),
            )
            sent += 1
        if complaint.channel in GATEWAY_CHANNELS and complaint.reporter_phone:
            outbox.send_text(
                complaint.reporter_phone,
                channel=complaint.channel,
                event=LAST_MESSAGE_EVENT,
                text=_(
                    "SAMBAT %(ticket)s: your contact was removed as you asked. Updates will "
                    "now stop; this is the last message."
                )
                % values,
            )
            sent += 1
    return sent


def withdraw_contact(
    complaint: Complaint, by_reporter: bool = True, actor: User | None = None
) -> ErasureReport:
    """The reporter withdraws their contact: the complaint stays, anonymised, and they hear
    nothing more of it after one last message saying so. Recorded in the register."""
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.contact_removed_at is not None:
            return ErasureReport()  # withdrawn before: nothing to tell, nothing to record
        found = find(Lookup(tickets=(locked.ticket,)))
        report = _erase_found(
            found, by=Removal.REPORTER if by_reporter else Removal.REQUEST, actor=actor
        )
        if by_reporter:
            # Written after the outbox was emptied, so that it is not emptied too.
            _tell_last_time(locked)
            with translation.override(settings.LANGUAGE_CODE):
                outcome = "\n".join(report.lines())
            _record_online(RequestKind.WITHDRAWAL, locked, outcome)
    complaint.refresh_from_db()
    return report


# --- Correction ------------------------------------------------------------------------------


class ContactInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _clean_contact(name: str, phone: str, email: str) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned = {
        "reporter_name": plaintext.clean(name).strip()[:120],
        "reporter_phone": "".join(ch for ch in phone if ch.isdigit() or ch == "+")[:30],
        "reporter_email": email.strip()[:254],
    }
    if cleaned["reporter_email"]:
        try:
            validate_email(cleaned["reporter_email"])
        except ValidationError:
            errors.setdefault("email", []).append(_("This e-mail address is not valid."))
    if phone.strip() and len(cleaned["reporter_phone"].lstrip("+")) < 8:
        errors.setdefault("phone", []).append(_("This phone number is too short."))
    if errors:
        raise ContactInvalid(errors)
    return cleaned


def correct_contact(
    complaint: Complaint,
    *,
    name: str,
    phone: str,
    email: str,
    actor: User | None = None,
    online: bool = True,
) -> list[str]:
    """The reporter corrects their name, phone and e-mail; returns the fields changed.
    A contact already removed is not put back."""
    cleaned = _clean_contact(name, phone, email)
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.contact_removed_at is not None:
            raise ContactInvalid(
                {"contact": [_("The contact of this complaint was removed; it cannot be added.")]}
            )
        changed = [key for key, value in cleaned.items() if getattr(locked, key) != value]
        if not changed:
            return []
        for key in changed:
            setattr(locked, key, cleaned[key])
        update = list(changed)
        # The new contact is hidden from the public text like the old one was.
        if _holds(locked.public_text, contact_values(locked)):
            locked.public_text = redact(locked.public_text, contact_values(locked))
            update.append("public_text")
        locked.save(update_fields=update)
        audit.record(
            actor=actor,
            action="privacy.contact_corrected",
            object_type="complaint",
            object_id=locked.ticket,
            after={"fields": changed},
        )
        if online:
            with translation.override(settings.LANGUAGE_CODE):
                outcome = _("Corrected by the reporter: %(fields)s.") % {
                    "fields": ", ".join(changed)
                }
            _record_online(RequestKind.CORRECTION, locked, outcome)
    complaint.refresh_from_db()
    return changed


# --- The register ----------------------------------------------------------------------------


def _request_audit(
    request: DataSubjectRequest, actor: User | None, action: str, before: str | None
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="privacy.request",
        object_id=request.pk,
        before={"status": before} if before else None,
        after={"kind": request.kind, "arrived_by": request.arrived_by, "status": request.status},
    )


def _record_online(kind: str, complaint: Complaint, outcome: str) -> DataSubjectRequest:
    """A right the reporter exercised on the site, done at once: in the register, without
    their contact."""
    now = timezone.now()
    request = DataSubjectRequest.objects.create(
        kind=kind,
        arrived_by=Arrival.ONLINE,
        received_at=now,
        status=RequestStatus.DONE,
        done_at=now,
        outcome=outcome,
    )
    request.complaints.add(complaint)
    _request_audit(request, None, "privacy.request_received", None)
    return request


def register_request(request: DataSubjectRequest, actor: User | None) -> DataSubjectRequest:
    """A new request in the register (its deadline is 3 × 24 hours after it arrived)."""
    with transaction.atomic():
        if request.status in {RequestStatus.DONE, RequestStatus.REFUSED} and not request.done_at:
            request.done_at = timezone.now()
        request.save()
        _request_audit(request, actor, "privacy.request_received", None)
    return request


def update_request(
    request: DataSubjectRequest, actor: User | None, previous_status: str
) -> DataSubjectRequest:
    """Save a changed request; a new status is an audit entry, and finishing it sets when."""
    with transaction.atomic():
        finished = request.status in {RequestStatus.DONE, RequestStatus.REFUSED}
        if finished and request.done_at is None:
            request.done_at = timezone.now()
        if not finished:
            request.done_at = None
        request.save()
        if request.status != previous_status:
            _request_audit(request, actor, "privacy.request_status", previous_status)
    return request


def lookup_for_request(request: DataSubjectRequest) -> Lookup:
    """Whose data a request is about: its complaints and the requester's e-mail and phone."""
    return Lookup(
        tickets=tuple(c.ticket for c in request.complaints.all()),
        emails=(request.requester_email.strip().lower(),) if request.requester_email else (),
        phones=(national_phone(request.requester_phone),) if request.requester_phone else (),
    )


def export_for_request(request: DataSubjectRequest) -> dict[str, Any]:
    return export(find(lookup_for_request(request)))


def erase_for_request(request: DataSubjectRequest, actor: User | None) -> ErasureReport:
    """Erase what the request names, and mark it done with what was removed."""
    with transaction.atomic():
        report = _erase_found(find(lookup_for_request(request)), by=Removal.REQUEST, actor=actor)
        previous = request.status
        request.status = RequestStatus.DONE
        stamp = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        with translation.override(settings.LANGUAGE_CODE):
            done = [_("Erased on %(when)s:") % {"when": stamp}, *report.lines()]
        request.outcome = "\n".join([*filter(None, [request.outcome]), *done])
        request.handled_by = request.handled_by or actor
        update_request(request, actor, previous)
    return report


def record_export(request: DataSubjectRequest, data: dict[str, Any], actor: User | None) -> None:
    """Note in the register that the data was exported for the request (now being handled)."""
    with transaction.atomic():
        previous = request.status
        stamp = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Exported on %(when)s: %(complaints)d complaints, %(messages)d messages.") % {
                "when": stamp,
                "complaints": len(data["complaints"]),
                "messages": len(data["messages"]),
            }
        request.outcome = "\n".join(filter(None, [request.outcome, note]))
        if request.status == RequestStatus.RECEIVED:
            request.status = RequestStatus.IN_PROGRESS
        request.handled_by = request.handled_by or actor
        update_request(request, actor, previous)


def erase_account(user: User) -> ErasureReport:
    """A citizen deletes their account: every report of theirs stays, with their contact
    removed and the messages to them emptied, as on an erasure request; written in the
    register, done at once. The account itself is cleared by the caller
    (accounts.citizens.delete_account)."""
    with transaction.atomic():
        found = find(Lookup(users=(user,)))
        report = _erase_found(found, by=Removal.REPORTER, actor=None)
        report.accounts_kept = []  # the account goes too
        Notice.objects.filter(user=user).delete()
        with translation.override(settings.LANGUAGE_CODE):
            outcome = "\n".join(
                [_("The citizen deleted their account on the site."), *report.lines()]
            )
        now = timezone.now()
        request = DataSubjectRequest.objects.create(
            kind=RequestKind.ERASURE,
            arrived_by=Arrival.ONLINE,
            received_at=now,
            status=RequestStatus.DONE,
            done_at=now,
            outcome=outcome,
        )
        request.complaints.add(*found.complaints)
        _request_audit(request, None, "privacy.request_received", None)
    return report
