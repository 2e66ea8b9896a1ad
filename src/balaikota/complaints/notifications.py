"""What each complaint event tells whom. Messages go into the outbox of the same transaction.

Texts are written in the city's language (Bahasa Indonesia), whatever language the person
who caused the event was using.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from balaikota.agencies import selectors as agencies
from balaikota.agencies.models import Agency
from balaikota.complaints import publication, tickets
from balaikota.complaints.models import Channel, Complaint, Event, NotifyBy, Privacy, Status
from balaikota.core.models import Role, User
from balaikota.core.redaction import hide_values
from balaikota.notifications import services as outbox
from balaikota.privacy.contacts import same_phone


def public_payload(complaint: Complaint, event: str) -> dict[str, Any]:
    """What a webhook receiver learns: the public view of the complaint, no personal data."""
    return {
        "event": event,
        "ticket": complaint.ticket,
        "status": complaint.status,
        "category": complaint.category.slug if complaint.category else None,
        "agency": complaint.agency.code if complaint.agency else None,
        "region": complaint.region.code if complaint.region else None,
        "lat": complaint.lat,
        "lon": complaint.lon,
        # The agency's own system: the public version, and no identity under any mode.
        "text": complaint.public_text,
        "privacy": complaint.privacy,
        "due_at": complaint.due_at.isoformat() if complaint.due_at else None,
        "url": settings.SITE_URL + reverse("complaints:track", args=[complaint.ticket]),
    }


def _staff_link(complaint: Complaint) -> str:
    return reverse("complaints:staff_detail", args=[complaint.ticket])


def operators() -> list[User]:
    """The active operators, who send on complaints no agency was found for."""
    return list(User.objects.filter(role=Role.OPERATOR, is_active=True))


def _place(complaint: Complaint) -> str:
    return complaint.region.name if complaint.region else _("no location")


def mode_sentence(privacy: str) -> str:
    """What the reporter's choice of mode means, in one sentence (acknowledgements)."""
    return {
        Privacy.PUBLIC: _("Mode: public. The complaint is published without your name or contact."),
        Privacy.ANONYMOUS: _(
            "Mode: anonymous. The complaint is published, and nobody in the city sees who you "
            "are unless the data protection officer opens it for a written reason; you would "
            "be told."
        ),
        Privacy.CONFIDENTIAL: _(
            "Mode: confidential. Nothing of the complaint is published; only the officers "
            "handling it see it."
        ),
    }[Privacy(privacy)]


def complaint_received(complaint: Complaint) -> None:
    """The acknowledgement, on the channel the reporter chose. A complaint made by SMS or
    WhatsApp was acknowledged by the gateway's reply already."""
    if complaint.channel in {Channel.SMS, Channel.WHATSAPP}:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "ticket": complaint.ticket,
            "agency": complaint.agency.name if complaint.agency else "",
        }
        body = (
            _(
                "Thank you. Your complaint has been received with the tracking code "
                "%(ticket)s and sent to %(agency)s. You can follow every step on the "
                "tracking page."
            )
            if complaint.agency
            else _(
                "Thank you. Your complaint has been received with the tracking code "
                "%(ticket)s. An operator will send it to the right agency. You can follow "
                "every step on the tracking page."
            )
        ) % values
        _tell_reporter(
            complaint,
            _("Your complaint %(ticket)s has been received") % values,
            body + "\n\n" + mode_sentence(complaint.privacy),
            "complaint.received",
            text=_("SAMBAT: your complaint has been received. Tracking code: %(ticket)s.") % values,
        )


def assigned(
    complaint: Complaint, *, tell_reporter: bool = True, staff: list[User] | None = None
) -> None:
    """The agency's staff (`staff`: read before the transaction), its mailbox and its
    webhook hear of the new complaint in its inbox."""
    agency = complaint.agency
    if agency is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New complaint %(ticket)s for %(agency)s") % {
            "ticket": complaint.ticket,
            "agency": agency.short_name,
        }
        body = _("Category: %(category)s. Place: %(place)s. Follow up by %(due)s.\n\n%(text)s") % {
            "category": complaint.category.name if complaint.category else "-",
            "place": _place(complaint),
            "due": complaint.due_at.strftime("%d-%m-%Y") if complaint.due_at else "-",
            "text": publication.text_for_staff_messages(complaint)[:500],
        }
        outbox.notify_users(
            agencies.members_of(agency) if staff is None else staff,
            event="complaint.assigned",
            subject=subject,
            body=body,
            link=_staff_link(complaint),
        )
        if agency.email:
            outbox.send_email(
                agency.email,
                event="complaint.assigned",
                subject=subject,
                body=body,
                link=_staff_link(complaint),
            )
        if agency.webhook_url:
            outbox.post_webhook(
                agency.webhook_url,
                agency.webhook_secret,
                event="complaint.assigned",
                payload=public_payload(complaint, "complaint.assigned"),
            )
    if tell_reporter:
        status_changed(complaint)


def moved_away(complaint: Complaint, previous: Agency) -> None:
    """Tell the agency that had it that an operator sent it elsewhere."""
    with translation.override(settings.LANGUAGE_CODE):
        for person in agencies.members_of(previous):
            outbox.notify_user(
                person,
                event="complaint.moved",
                subject=_("Complaint %(ticket)s was moved to %(agency)s")
                % {"ticket": complaint.ticket, "agency": complaint.agency or "-"},
                body=publication.text_for_staff_messages(complaint)[:500],
                link="",
            )


def needs_operator(complaint: Complaint, *, people: list[User] | None = None) -> None:
    """`people`: the operators, read once by a caller that tells of several complaints."""
    with translation.override(settings.LANGUAGE_CODE):
        for person in operators() if people is None else people:
            outbox.notify_user(
                person,
                event="complaint.needs_operator",
                subject=_("Complaint %(ticket)s needs an agency") % {"ticket": complaint.ticket},
                body=publication.text_for_staff_messages(complaint)[:500],
                link=_staff_link(complaint),
            )


def returned(complaint: Complaint, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        for person in operators():
            outbox.notify_user(
                person,
                event="complaint.returned",
                subject=_("Complaint %(ticket)s was returned by the agency")
                % {"ticket": complaint.ticket},
                body=reason,
                link=_staff_link(complaint),
            )


def overdue(complaint: Complaint) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Complaint %(ticket)s is past its deadline") % {"ticket": complaint.ticket}
        body = _("Status: %(status)s. Place: %(place)s.") % {
            "status": complaint.get_status_display(),
            "place": _place(complaint),
        }
        people = operators()
        if complaint.agency is not None:
            people += agencies.heads_of(complaint.agency)
        for person in people:
            outbox.notify_user(
                person,
                event="complaint.overdue",
                subject=subject,
                body=body,
                link=_staff_link(complaint),
            )
        _tell_reporter(
            complaint,
            subject,
            _(
                "Your complaint %(ticket)s is past its deadline. The operators and the head of "
                "the agency have been told, to get it handled."
            )
            % {"ticket": complaint.ticket},
            "complaint.overdue",
        )


def supporters_from_one_address(complaint: Complaint, supporters: int) -> None:
    """Many "saya juga" from one address in a day: made-up accounts, perhaps. Operators
    judge; nothing is undone by itself."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Complaint %(ticket)s: %(count)s supporters from one address today") % {
            "ticket": complaint.ticket,
            "count": supporters,
        }
        body = _(
            "One connection gave this complaint %(count)s supporters today. Check whether "
            "the support is genuine before relying on the count."
        ) % {"count": supporters}
        for person in operators():
            outbox.notify_user(
                person,
                event="complaint.supporters_suspect",
                subject=subject,
                body=body,
                link=_staff_link(complaint),
            )


def status_changed(complaint: Complaint, note: str = "") -> None:
    """Tell the reporter, on the channel they chose, with the officer's `note` (the
    agency's own words), and the agency's webhook. A resolved complaint's message carries
    the way to confirm, rate or reopen it."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"ticket": complaint.ticket, "status": complaint.get_status_display()}
        body = _("The status of your complaint is now: %(status)s.") % values
        text = _("SAMBAT %(ticket)s: %(status)s.") % values
        if note.strip():
            said = _("Note from the officer: %(note)s") % {"note": note.strip()}
            body, text = f"{body}\n\n{said}", f"{text} {said}"
        email_link = None
        if complaint.status == Status.RESOLVED:
            body += "\n\n" + _(
                "Is it fixed? Open the link below to confirm it and rate the result, or to "
                "reopen the complaint if it is not fixed."
            )
            text += " " + (
                _("Reply YA %(ticket)s if it is fixed, or BUKA %(ticket)s <reason> if not.")
                % values
            )
            email_link = resolution_link(complaint)
        _tell_reporter(
            complaint,
            _("Complaint %(ticket)s: %(status)s") % values,
            body,
            "complaint.status",
            email_link=email_link,
            text=text,
        )
    agency = complaint.agency
    if agency is not None and agency.webhook_url and complaint.status != "assigned":
        outbox.post_webhook(
            agency.webhook_url,
            agency.webhook_secret,
            event="complaint.status",
            payload=public_payload(complaint, "complaint.status"),
        )


def resolution_link(complaint: Complaint) -> str:
    """The tracking page with a signed link to answer the resolution (tickets.py says why
    a signed link and not the private key), bound to the reporter's e-mail address."""
    token = tickets.resolution_token(
        complaint.ticket, complaint.resolved_at, complaint.reporter_email
    )
    return reverse("complaints:track", args=[complaint.ticket]) + f"?konfirmasi={token}"


def progress(complaint: Complaint, note: str) -> None:
    """A progress note from the agency reaches the reporter, in the agency's words."""
    with translation.override(settings.LANGUAGE_CODE):
        agency = complaint.agency.name if complaint.agency else _("The agency")
        values = {"ticket": complaint.ticket, "agency": agency, "note": note.strip()}
        _tell_reporter(
            complaint,
            _("Complaint %(ticket)s: news from %(agency)s") % values,
            _("%(agency)s wrote about your complaint:\n\n%(note)s") % values,
            "complaint.progress",
            text=_("SAMBAT %(ticket)s, %(agency)s: %(note)s") % values,
        )


def reporter_channels(complaint: Complaint) -> tuple[bool, str]:
    """Whether to e-mail the reporter, and by which phone channel ("" for none) to text
    them: their choice, or the other one when it cannot be served (complaints made before
    the choice existed, a contact corrected since, no gateway configured)."""
    if complaint.contact_removed_at is not None:
        return False, ""
    email = bool(complaint.reporter_email)
    came_by_text = complaint.channel in {Channel.SMS, Channel.WHATSAPP}
    # Without a gateway to send through (GATEWAY_SEND_URL), a text to someone who reported
    # on the web would only wait and fail; one who texted is answered as they wrote.
    phone = bool(complaint.reporter_phone) and (came_by_text or bool(settings.GATEWAY_SEND_URL))
    wants_email = complaint.notify_by in {NotifyBy.EMAIL, NotifyBy.BOTH}
    wants_phone = complaint.notify_by in {NotifyBy.PHONE, NotifyBy.BOTH}
    if not (wants_email and email) and not (wants_phone and phone):
        wants_email = wants_phone = True
    by_phone = complaint.channel if came_by_text else complaint.phone_channel
    return wants_email and email, by_phone if wants_phone and phone else ""


# A text message stays short: the note is cut, with the address of the tracking page.
TEXT_LIMIT = 480

# The number whose SMS/WhatsApp message the gateway is answering: the reply tells what the
# message did, so the news of it is not texted a second time (`answering_by_text`).
_answering: ContextVar[str] = ContextVar("answering_by_text", default="")


@contextmanager
def answering_by_text(number: str) -> Iterator[None]:
    """While the gateway acts on a message from `number`, the reporter at that number is
    not texted the news of it: the gateway's reply says it (e-mail and in-app still go)."""
    token = _answering.set(number)
    try:
        yield
    finally:
        _answering.reset(token)


def _tell_reporter(
    complaint: Complaint,
    subject: str,
    body: str,
    event: str,
    *,
    headers: dict[str, str] | None = None,
    email_link: str | None = None,
    text: str | None = None,
) -> None:
    """The reporter hears on the channel they chose (reporter_channels) and, when signed
    in, by an in-app notice too. `headers`: extra mail headers (a question's Reply-To);
    `email_link` replaces the tracking page's address in the e-mail; `text` is the
    SMS/WhatsApp version of `body`."""
    track = reverse("complaints:track", args=[complaint.ticket])
    by_email, by_phone = reporter_channels(complaint)
    if by_email:
        outbox.send_email(
            complaint.reporter_email,
            event=event,
            subject=subject,
            body=body,
            link=email_link or track,
            headers=headers,
        )
    if by_phone and not same_phone(complaint.reporter_phone, _answering.get()):
        message = text or body
        if len(message) > TEXT_LIMIT:
            # Cut, with the address of the tracking page, where all of it can be read.
            more = " " + _("Read all of it: %(link)s") % {"link": settings.SITE_URL + track}
            message = message[: TEXT_LIMIT - len(more) - 1].rstrip() + "…" + more
        outbox.send_text(complaint.reporter_phone, channel=by_phone, event=event, text=message)
    if complaint.reporter_id is not None and complaint.contact_removed_at is None:
        outbox.notify_in_app(
            complaint.reporter_id, event=event, subject=subject, body=body, link=track
        )


def privacy_changed(complaint: Complaint) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _tell_reporter(
            complaint,
            _("Complaint %(ticket)s: privacy changed") % {"ticket": complaint.ticket},
            mode_sentence(complaint.privacy),
            "complaint.privacy",
        )


def identity_revealed(complaint: Complaint, reason: str) -> None:
    """The reporter of an anonymous complaint is told that their identity was opened."""
    with translation.override(settings.LANGUAGE_CODE):
        _tell_reporter(
            complaint,
            _("Complaint %(ticket)s: your identity was opened") % {"ticket": complaint.ticket},
            _(
                "The data protection officer of %(city)s opened your identity on complaint "
                "%(ticket)s, for this reason: %(reason)s"
            )
            % {"city": settings.CITY_NAME, "ticket": complaint.ticket, "reason": reason},
            "complaint.identity_revealed",
        )


# --- Asking the reporter --------------------------------------------------------------------


def answer_link(complaint: Complaint, token: str) -> str:
    """The private link a question's answer is given on (the token proves the reporter)."""
    path = reverse("complaints:track", args=[complaint.ticket])
    return f"{settings.SITE_URL}{path}?jawab={token}"


def question_asked(
    complaint: Complaint, question: str, *, answer_by: dt.datetime, token: str, reply_to: str
) -> None:
    """The reporter gets the question, the private link to answer it, and the ways to reply."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "The officers handling your complaint %(ticket)s need more information from you:"
            "\n\n%(question)s\n\nAnswer, with photos if they help, on this page: %(link)s\n"
            "You can also reply to this e-mail, or send by SMS or WhatsApp: "
            "BALAS %(ticket)s <your answer>.\n\nThe deadlines of your complaint wait for your "
            "answer. Without an answer by %(date)s the complaint will be closed."
        ) % {
            "ticket": complaint.ticket,
            "question": question,
            "link": answer_link(complaint, token),
            "date": formats.date_format(timezone.localtime(answer_by), "j F Y"),
        }
        _tell_reporter(
            complaint,
            _("Complaint %(ticket)s: a question for you") % {"ticket": complaint.ticket},
            body,
            "complaint.question",
            headers={"Reply-To": reply_to} if reply_to else None,
        )


def _answer_readers(complaint: Complaint, question: Event) -> list[User]:
    """Who hears of an answer: the agency holding the complaint, else the operators; and
    whoever asked, in any case."""
    people = agencies.members_of(complaint.agency) if complaint.agency else operators()
    if question.actor is not None and question.actor not in people:
        people = [*people, question.actor]
    return people


def reporter_answered(complaint: Complaint, question: Event, answer: Event, *, photos: int) -> None:
    text = answer.note
    if complaint.hides_identity:
        text = hide_values(text, publication.contact_of(complaint))
    with translation.override(settings.LANGUAGE_CODE):
        outbox.notify_users(
            _answer_readers(complaint, question),
            event="complaint.answered",
            subject=_("Complaint %(ticket)s: the reporter answered") % {"ticket": complaint.ticket},
            body=_("Question: %(question)s\n\nAnswer: %(answer)s\n\nPhotos: %(photos)s")
            % {
                "question": question.note,
                "answer": text or "-",
                "photos": photos,
            },
            link=_staff_link(complaint),
        )
    status_changed_quietly(complaint)


def status_changed_quietly(complaint: Complaint) -> None:
    """The agency's webhook hears of the change; the reporter, who made it, is not told."""
    agency = complaint.agency
    if agency is not None and agency.webhook_url:
        outbox.post_webhook(
            agency.webhook_url,
            agency.webhook_secret,
            event="complaint.status",
            payload=public_payload(complaint, "complaint.status"),
        )


def closed_unanswered(complaint: Complaint, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _tell_reporter(
            complaint,
            _("Complaint %(ticket)s: closed") % {"ticket": complaint.ticket},
            _(
                "%(reason)s You may send a new complaint at any time, with the information "
                "that was asked for."
            )
            % {"reason": reason},
            "complaint.closed_unanswered",
        )


# --- Answers that come too late ---------------------------------------------------------------


def late_answer_text(complaint: Complaint, *, by_text: bool) -> str:
    """What a reporter is told when their answer (a reply to a question's e-mail, an SMS
    BALAS) came after the complaint stopped waiting for it: it was not added, and what they
    can do instead: reopen a resolved complaint, make a new one once it is closed, or
    follow it while the officers handle it."""
    values = {
        "ticket": complaint.ticket,
        "status": complaint.get_status_display(),
        "agency": complaint.agency.name if complaint.agency else _("the city's operators"),
        "site": settings.SITE_URL,
    }
    said = (
        _(
            "Thank you for your message about complaint %(ticket)s. It was not added to the "
            "complaint, because the complaint no longer waits for an answer (its status is "
            "now: %(status)s)."
        )
        % values
    )
    if complaint.status == Status.WAITING:
        then = _(
            "The officers have asked you a newer question since: please answer that one, "
            "from its own message."
        )
    elif complaint.status == Status.RESOLVED:
        then = (
            _("If it is not fixed, send BUKA %(ticket)s <reason> to reopen it.")
            if by_text
            else _("If it is not fixed, reopen it with the link below and say what is still wrong.")
        ) % values
    elif not complaint.is_open:
        then = (
            _("If the problem is still there, send a new complaint: SAMBAT <what and where>.")
            if by_text
            else _(
                "If the problem is still there, please send a new complaint at %(site)s "
                "and mention %(ticket)s in it."
            )
            % values
        )
    else:
        then = (
            _(
                "%(agency)s is handling it and will ask you again if more is needed. Send "
                "CEK %(ticket)s to follow it."
            )
            if by_text
            else _(
                "%(agency)s is handling it and will ask you again if more is needed. You can "
                "follow every step on the tracking page below."
            )
        ) % values
    return f"{said} {then}"


# How long a complaint's late replies go unanswered after one was answered, while its
# status stays the same: a reporter's repeated replies, or a mail program answering our
# answer, get one e-mail, not one each.
LATE_ANSWER_QUIET = dt.timedelta(days=1)


def late_answer(complaint: Complaint) -> None:
    """A reply to a question's e-mail came too late: the reporter is answered by e-mail, at
    the address the question went to (never at an address the reply merely claims), once
    a day per complaint and status, marked as an automatic reply (RFC 3834)."""
    if not complaint.reporter_email or complaint.contact_removed_at is not None:
        return
    key = f"complaint-late-answer:{complaint.pk}:{complaint.status}"
    if not cache.add(key, 1, timeout=int(LATE_ANSWER_QUIET.total_seconds())):
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = (
            resolution_link(complaint)
            if complaint.status == Status.RESOLVED
            else reverse("complaints:track", args=[complaint.ticket])
        )
        outbox.send_email(
            complaint.reporter_email,
            event="complaint.late_answer",
            subject=_("Complaint %(ticket)s: your reply was not added")
            % {"ticket": complaint.ticket},
            body=late_answer_text(complaint, by_text=False),
            link=link,
            headers={"Auto-Submitted": "auto-replied"},
        )
