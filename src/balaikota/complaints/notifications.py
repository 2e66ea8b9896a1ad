"""What each complaint event tells whom. Messages go into the outbox of the same transaction.

Texts are written in the city's language (Bahasa Indonesia), whatever language the person
who caused the event was using.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from balaikota.agencies import selectors as agencies
from balaikota.agencies.models import Agency
from balaikota.complaints import publication
from balaikota.complaints.models import Complaint, Privacy
from balaikota.core.models import Role, User
from balaikota.notifications import services as outbox


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
    if not complaint.reporter_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        outbox.send_email(
            complaint.reporter_email,
            event="complaint.received",
            subject=_("Your complaint %(ticket)s has been received") % {"ticket": complaint.ticket},
            body=(
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
            )
            % {
                "ticket": complaint.ticket,
                "agency": complaint.agency.name if complaint.agency else "",
            }
            + "\n\n"
            + mode_sentence(complaint.privacy),
            link=reverse("complaints:track", args=[complaint.ticket]),
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


def status_changed(complaint: Complaint) -> None:
    """Tell the reporter (when they left an e-mail address) and the agency's webhook."""
    with translation.override(settings.LANGUAGE_CODE):
        if complaint.reporter_email:
            outbox.send_email(
                complaint.reporter_email,
                event="complaint.status",
                subject=_("Complaint %(ticket)s: %(status)s")
                % {"ticket": complaint.ticket, "status": complaint.get_status_display()},
                body=_("The status of your complaint is now: %(status)s.")
                % {"status": complaint.get_status_display()},
                link=reverse("complaints:track", args=[complaint.ticket]),
            )
        if complaint.channel in {"sms", "whatsapp"} and complaint.reporter_phone:
            outbox.send_text(
                complaint.reporter_phone,
                channel=complaint.channel,
                event="complaint.status",
                text=_("SAMBAT %(ticket)s: %(status)s.")
                % {"ticket": complaint.ticket, "status": complaint.get_status_display()},
            )
    agency = complaint.agency
    if agency is not None and agency.webhook_url and complaint.status != "assigned":
        outbox.post_webhook(
            agency.webhook_url,
            agency.webhook_secret,
            event="complaint.status",
            payload=public_payload(complaint, "complaint.status"),
        )


def _tell_reporter(complaint: Complaint, subject: str, body: str, event: str) -> None:
    if complaint.reporter_email:
        outbox.send_email(
            complaint.reporter_email,
            event=event,
            subject=subject,
            body=body,
            link=reverse("complaints:track", args=[complaint.ticket]),
        )
    if complaint.channel in {"sms", "whatsapp"} and complaint.reporter_phone:
        outbox.send_text(
            complaint.reporter_phone, channel=complaint.channel, event=event, text=body
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
