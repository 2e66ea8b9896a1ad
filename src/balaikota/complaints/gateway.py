"""Complaints by SMS or WhatsApp, through a gateway's inbound webhook.

"SAMBAT <isi>" makes a complaint through the same path as the web form ("SAMBAT ANONIM
<isi>" an anonymous one, "SAMBAT RAHASIA <isi>" a confidential one); "CEK <kode>" answers
with its status; "BALAS <kode> <isi>" answers a question the city asked; the reporter
answers a resolution with "YA <kode>" (it is fixed) or "BUKA <kode> <alasan>" (it is not:
reopen). Answers are accepted only from the reporter's own number. Replies go through the
outbox. The sender's number is the reporter's phone: personal data, never shown publicly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from balaikota.complaints import intake, services
from balaikota.complaints import notifications as notify
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Channel, Complaint, Privacy
from balaikota.complaints.tickets import normalise_ticket
from balaikota.notifications import services as outbox
from balaikota.privacy.contacts import same_phone

COMMAND = re.compile(
    r"^\s*(SAMBAT|CEK|LAPOR|BALAS|JAWAB|YA|BUKA)\b[\s:.,-]*(.*)$", re.IGNORECASE | re.DOTALL
)
# "SBT-K7M2QXD4 isi", "sbt k7m2qxd4 isi", "K7M2QXD4: isi": the code, then the answer.
ANSWER = re.compile(
    r"^((?:SBT)?[\s-]*[0-9A-Z]{4}\s?[0-9A-Z]{4})\b[\s:.,-]*(.*)$", re.IGNORECASE | re.DOTALL
)
# The mode, as the first word after SAMBAT: Indonesian first, English understood too.
MODE = re.compile(
    r"^(ANONIM|ANONYMOUS|RAHASIA|CONFIDENTIAL|BIASA|PUBLIC)\b[\s:.,-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_MODES = {
    "ANONIM": Privacy.ANONYMOUS,
    "ANONYMOUS": Privacy.ANONYMOUS,
    "RAHASIA": Privacy.CONFIDENTIAL,
    "CONFIDENTIAL": Privacy.CONFIDENTIAL,
    "BIASA": Privacy.PUBLIC,
    "PUBLIC": Privacy.PUBLIC,
}


class GatewayInvalid(ValueError):
    """The gateway's request lacks what is needed; the message says what."""


@dataclass(frozen=True)
class Message:
    id: str
    sender: str
    text: str
    channel: str
    media_url: str = ""
    lat: float | None = None
    lon: float | None = None


def _first(data: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _number(value: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise GatewayInvalid(f"not a number: {value[:20]}") from None
    return number if math.isfinite(number) else None


def parse(data: Mapping[str, Any]) -> Message:
    """Reads the generic shape of common gateways (several field names for each part)."""
    sender = "".join(
        ch for ch in _first(data, "from", "sender", "phone", "msisdn") if ch.isdigit() or ch == "+"
    )
    text = _first(data, "text", "message", "body", "content")
    if len(sender.lstrip("+")) < 3:
        raise GatewayInvalid("the sender's number is missing (from)")
    if not text and not _first(data, "media_url", "media", "image_url"):
        raise GatewayInvalid("the message has no text (text)")
    channel = _first(data, "channel", "type").lower()
    return Message(
        id=_first(data, "id", "message_id", "messageId")[:100],
        sender=sender[:30],
        text=text[:5000],
        channel=Channel.WHATSAPP if channel in {"whatsapp", "wa"} else Channel.SMS,
        media_url=_first(data, "media_url", "media", "image_url")[:500],
        lat=_number(_first(data, "lat", "latitude")),
        lon=_number(_first(data, "lon", "lng", "long", "longitude")),
    )


def handle(message: Message) -> str:
    """Act on the message and queue the reply; returns the reply's text. A message the
    gateway delivers again is answered again in the response, but not texted twice."""
    with translation.override(settings.LANGUAGE_CODE):
        match = COMMAND.match(message.text)
        keyword = match.group(1).upper() if match else ""
        rest = match.group(2).strip() if match else ""
        # The complaint and its reply are written together, or neither is.
        with transaction.atomic():
            new = True
            if keyword in {"SAMBAT", "LAPOR"}:
                reply, new = _complain(message, rest)
            elif keyword == "CEK":
                reply = _status(rest)
            elif keyword in {"BALAS", "JAWAB"}:
                reply = _answer(message, rest)
            elif keyword in {"YA", "BUKA"}:
                reply = _answer_resolution(message, keyword, rest)
            else:
                reply = _(
                    "To complain, send: SAMBAT <what and where>. To follow a complaint, send: "
                    "CEK <tracking code>. To answer a question about your complaint, send: "
                    "BALAS <tracking code> <your answer>. When it is resolved, send YA "
                    "<tracking code> if it is fixed, or BUKA <tracking code> <reason> if it is not."
                )
            if new:
                outbox.send_text(
                    message.sender, channel=message.channel, event="gateway.reply", text=reply
                )
    return reply


def _complain(message: Message, text: str) -> tuple[str, bool]:
    """The reply, and whether this message was new (not a repeat of one already taken)."""
    privacy = Privacy.PUBLIC
    mode = MODE.match(text)
    if mode:
        privacy, text = _MODES[mode.group(1).upper()], mode.group(2).strip()
    try:
        submission = intake.submit_complaint(
            text=text,
            category=None,
            lat=message.lat,
            lon=message.lon,
            location_source="device",
            contact=intake.Contact(
                phone=message.sender, notify_by="phone", phone_channel=message.channel
            ),
            channel=Channel(message.channel),
            # A gateway that sends the same message twice gets the same complaint.
            submission_key=f"gateway:{message.channel}:{message.id}" if message.id else None,
            photo_urls=[message.media_url] if message.media_url else [],
            # An operator puts the place on the map when the message does not carry it.
            require_location=False,
            privacy=privacy,
        )
    except intake.SubmissionInvalid as exc:
        problems = " ".join(m for messages in exc.errors.values() for m in messages)
        return _("Your complaint was not accepted: %(problems)s") % {"problems": problems}, True
    except intake.SubmissionConflict:
        return _("This message was already received."), False
    reply = _(
        "Thank you, your complaint has been received (%(mode)s). Tracking code: %(ticket)s. "
        "Send CEK %(ticket)s to follow it."
    ) % {
        "ticket": submission.complaint.ticket,
        "mode": submission.complaint.get_privacy_display(),
    }
    return reply, submission.created


def _status(code: str) -> str:
    ticket = normalise_ticket(code) if code else ""
    complaint = (
        Complaint.objects.select_related("agency").filter(ticket=ticket).first() if ticket else None
    )
    if complaint is None:
        return _("No complaint has the tracking code %(code)s.") % {"code": code[:20]}
    if complaint.agency is not None:
        return _("%(ticket)s: %(status)s (%(agency)s).") % {
            "ticket": complaint.ticket,
            "status": complaint.get_status_display(),
            "agency": complaint.agency.short_name,
        }
    return _("%(ticket)s: %(status)s.") % {
        "ticket": complaint.ticket,
        "status": complaint.get_status_display(),
    }


def _answer(message: Message, text: str) -> str:
    """The reporter's answer to the question their complaint waits on. Only from the number
    the complaint was made with: anyone else learns nothing of the complaint."""
    match = ANSWER.match(text)
    ticket = normalise_ticket(match.group(1)) if match else ""
    answer = match.group(2).strip() if match else ""
    complaint = Complaint.objects.filter(ticket=ticket).first() if ticket else None
    if complaint is None or not same_phone(complaint.reporter_phone, message.sender):
        return _(
            "No complaint from this number with that code waits for an answer. Send: "
            "BALAS <tracking code> <your answer>."
        )
    try:
        services.answer_question(
            complaint,
            text=answer,
            photo_urls=[message.media_url] if message.media_url else [],
        )
    except TransitionNotAllowed as exc:
        complaint.refresh_from_db()
        if services.current_question(complaint) is None:  # too late: it waits no more
            return notify.late_answer_text(complaint, by_text=True)
        return _("%(ticket)s: %(problem)s") % {"ticket": complaint.ticket, "problem": exc}
    return _(
        "Thank you, your answer on %(ticket)s has been received and passed to the officers."
    ) % {"ticket": complaint.ticket}


def _answer_resolution(message: Message, keyword: str, rest: str) -> str:
    """YA <kode>: the reporter confirms it is fixed; BUKA <kode> <alasan>: it is not. Only
    from the number the complaint was reported with (anyone else learns nothing of it)."""
    code, _space, reason = rest.partition(" ")
    ticket = normalise_ticket(code) if code.strip() else ""
    complaint = Complaint.objects.filter(ticket=ticket).first() if ticket else None
    if complaint is None or not same_phone(complaint.reporter_phone, message.sender):
        return _("No complaint reported from this number has the tracking code %(code)s.") % {
            "code": code[:20] or "-"
        }
    values = {"ticket": complaint.ticket}
    try:
        # The reply below is the reporter's news of it: no second text of the new status.
        with notify.answering_by_text(message.sender):
            if keyword == "YA":
                services.confirm_resolution(complaint)
                return _("Thank you. Complaint %(ticket)s is closed.") % values
            if not reason.strip():
                return _("Write what is still wrong: BUKA %(ticket)s <reason>.") % values
            services.reopen_complaint(complaint, reason.strip())
            return _("Complaint %(ticket)s was reopened and sent back to the agency.") % values
    except TransitionNotAllowed as exc:
        return f"{complaint.ticket}: {exc}"
