"""The record of processing activities (catatan pemrosesan): each activity on personal
data, its purpose, legal basis, data, recipients, retention and safeguards. Built from the
settings (the retention periods, the officer), exported by admins as CSV and JSON.

The legal bases are stated in words. Have the city's legal office confirm them (and add the
article numbers it relies on) before publishing the record.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from balaikota.privacy.retention import Schedule


@dataclass(frozen=True)
class Activity:
    name: str
    purpose: str
    legal_basis: str
    data_subjects: str
    data_categories: str
    recipients: str
    retention: str
    safeguards: str


COLUMNS = tuple(f.name for f in dataclasses.fields(Activity))


def headers() -> list[str]:
    """The CSV's column titles, in the current language."""
    titles = {
        "name": _("Processing activity"),
        "purpose": _("Purpose"),
        "legal_basis": _("Legal basis"),
        "data_subjects": _("Data subjects"),
        "data_categories": _("Personal data"),
        "recipients": _("Who receives it"),
        "retention": _("How long it is kept"),
        "safeguards": _("Safeguards"),
    }
    return [titles[column] for column in COLUMNS]


def officer() -> dict[str, str]:
    return {
        "name": settings.PRIVACY_OFFICER_NAME,
        "email": settings.PRIVACY_OFFICER_EMAIL,
        "address": settings.PRIVACY_OFFICER_ADDRESS,
    }


def _public_task() -> str:
    return _(
        "The city's public task: handling complaints about public services (the law on "
        "public services, UU 25/2009, and the presidential regulation on managing public "
        "service complaints, Perpres 76/2013). UU 27/2022 on personal data protection allows "
        "processing to carry out a task in the public interest, a public service or the "
        "exercise of the controller's authority under the law."
    )


def _complaint_activities(days: Schedule) -> list[Activity]:
    return [
        Activity(
            name=_("Receiving and handling complaints"),
            purpose=_(
                "To receive a complaint, send it to the agency responsible, follow it up and "
                "tell the reporter what was done."
            ),
            legal_basis=_public_task(),
            data_subjects=_("Reporters; people named in complaints or seen in photos."),
            data_categories=_(
                "Name, phone, e-mail and NIK (each optional), the account of a signed-in "
                "reporter, the complaint's text, place and photos (metadata removed)."
            ),
            recipients=_(
                "The city's operators and the agency responsible. Under the anonymous mode, "
                "nobody in the city sees who reported, unless the data protection officer "
                "reveals it. The public sees only the public version: personal data hidden "
                "from the text, faces blurred in photos, nothing of a confidential complaint."
            ),
            retention=_(
                "The reporter's contact until %(days)d days after the complaint is closed; "
                "then it is removed and the stored text anonymised. The anonymised complaint "
                "is kept."
            )
            % {"days": days.contact_days},
            safeguards=_(
                "Three privacy modes chosen by the reporter; personal data removed from "
                "everything published; role-based access for staff; photos stored without "
                "metadata; an audit record that holds no personal data."
            ),
        ),
        Activity(
            name=_("Revealing the identity of an anonymous reporter"),
            purpose=_(
                "To reach the reporter of an anonymous complaint when handling it requires "
                "it, or when the law demands it."
            ),
            legal_basis=_public_task(),
            data_subjects=_("Reporters of anonymous complaints."),
            data_categories=_("The reporter's name and contact."),
            recipients=_("The data protection officer only."),
            retention=_("The record of each reveal is kept with the complaint."),
            safeguards=_(
                "Only the data protection officer may reveal, with a written reason; each "
                "reveal is an audit entry, and the reporter is told."
            ),
        ),
        Activity(
            name=_("Telling reporters and staff about complaints"),
            purpose=_("To send acknowledgements, status updates and notices."),
            legal_basis=_public_task(),
            data_subjects=_("Reporters who left an e-mail address or phone number; staff."),
            data_categories=_("E-mail address or phone number, and the message's text."),
            recipients=_(
                "The city's mail server and the SMS/WhatsApp gateway that deliver the messages."
            ),
            retention=_(
                "Addresses and texts until %(days)d days after delivery (or after the last "
                "attempt); SMS/WhatsApp texts at most %(gateway)d days."
            )
            % {"days": days.outbox_days, "gateway": days.gateway_days},
            safeguards=_(
                "Mail is never written to the server's log; a reporter who withdraws their "
                "contact gets one last message and nothing more."
            ),
        ),
        Activity(
            name=_("Complaints by SMS and WhatsApp"),
            purpose=_("To take complaints from people without the web form."),
            legal_basis=_public_task(),
            data_subjects=_("People who send a complaint by SMS or WhatsApp."),
            data_categories=_("The sender's number and the message as sent."),
            recipients=_("The gateway operator that relays the messages."),
            retention=_(
                "The message as received is anonymised %(days)d days after it arrived, once "
                "the complaint is closed; the number is kept as the reporter's contact."
            )
            % {"days": days.gateway_days},
            safeguards=_("The gateway's webhook is authenticated with a shared secret."),
        ),
        Activity(
            name=_("Complaints from community applications (Open311)"),
            purpose=_("To take complaints from applications with an API key."),
            legal_basis=_public_task(),
            data_subjects=_("People who report through such an application."),
            data_categories=_(
                "The contact they give, and the device id and account id the application sends."
            ),
            recipients=_(
                "The application that posted the complaint hears of its status, never "
                "personal data."
            ),
            retention=_("Device and account ids for %(days)d days.")
            % {"days": days.device_id_days},
            safeguards=_("Every application has its own key, revocable, with a rate limit."),
        ),
        Activity(
            name=_("Forwarding complaints to other complaint systems"),
            purpose=_(
                "To send complaints of some agencies or categories on to a national system "
                "(such as SP4N-LAPOR!)."
            ),
            legal_basis=_public_task(),
            data_subjects=_("Reporters; people named in complaints."),
            data_categories=_(
                "The complaint's text, place and photo; never the reporter's contact."
            ),
            recipients=_("The complaint systems an administrator configures."),
            retention=_("As the receiving system keeps it."),
            safeguards=_("Only complaints of the configured agencies and categories are sent."),
        ),
    ]


def _other_activities(days: Schedule) -> list[Activity]:
    return [
        Activity(
            name=_("Accounts of citizens and staff"),
            purpose=_("To let people sign in, and staff act in their role."),
            legal_basis=_public_task(),
            data_subjects=_("Signed-in citizens; city staff."),
            data_categories=_(
                "User name, name, e-mail, phone, a hash of the password; failed log-ins "
                "(user name and network address); citizens' one-time sign-in codes (a keyed "
                "hash of the code, and the phone number or e-mail address it was sent to)."
            ),
            recipients=_("Administrators."),
            retention=_(
                "While the account exists; failed log-ins until they are reset (a successful "
                "log-in resets them); sign-in codes until the night after they expire."
            ),
            safeguards=_("Passwords are stored hashed; repeated failed log-ins are locked."),
        ),
        Activity(
            name=_("E-mail alerts of new complaints"),
            purpose=_("To tell a subscriber of new complaints in an area they chose."),
            legal_basis=_(
                "Consent: the subscriber asks for the alerts and confirms from the e-mail; "
                "one click ends them."
            ),
            data_subjects=_("Subscribers."),
            data_categories=_("E-mail address and the area."),
            recipients=_("The city's mail server."),
            retention=_(
                "Until the subscriber ends it; deleted %(days)d days after it ended (or was "
                "never confirmed)."
            )
            % {"days": days.outbox_days},
            safeguards=_("Alerts carry only the public version of complaints."),
        ),
        Activity(
            name=_("Following a complaint by e-mail"),
            purpose=_("To tell a follower of every public step of a complaint they chose."),
            legal_basis=_(
                "Consent: the follower asks on the complaint's page and confirms from the "
                "e-mail; one click ends it."
            ),
            data_subjects=_("Followers of complaints."),
            data_categories=_("E-mail address and the complaint followed."),
            recipients=_("The city's mail server."),
            retention=_(
                "Until the follower ends it or the complaint ends; deleted %(days)d days "
                "after it ended (or was never confirmed)."
            )
            % {"days": days.outbox_days},
            safeguards=_(
                "The e-mails carry only the public version of the complaint, never the "
                "reporter's data."
            ),
        ),
        Activity(
            name=_("The register of data-subject requests"),
            purpose=_(
                "To answer requests to see, correct or erase personal data, or to object, "
                "within 3 × 24 hours."
            ),
            legal_basis=_(
                "A legal obligation: UU 27/2022 on personal data protection gives these rights "
                "and requires the controller to answer."
            ),
            data_subjects=_("People who make a request."),
            data_categories=_("The requester's name and contact, the request and its answer."),
            recipients=_("The data protection officer and administrators."),
            retention=_("%(days)d days after the request is finished.")
            % {"days": days.requests_days},
            safeguards=_("Every status change is an audit entry without personal data."),
        ),
        Activity(
            name=_("The audit record"),
            purpose=_("To show that every change was made through the allowed steps."),
            legal_basis=_public_task(),
            data_subjects=_("Staff who act (by user name); citizens appear only as “warga”."),
            data_categories=_(
                "Who acted, when, what changed (statuses, codes, counts); no personal data "
                "of reporters."
            ),
            recipients=_("Administrators; the daily head of the record is public."),
            retention=_("Kept for ever: it is append-only."),
            safeguards=_("A hash chain, checked every night; published daily heads."),
        ),
        Activity(
            name=_("Server logs"),
            purpose=_("To run the service and find faults."),
            legal_basis=_public_task(),
            data_subjects=_("Visitors of the site."),
            data_categories=_(
                "Network address, time and page visited (never the private link's key, never "
                "an e-mail or message)."
            ),
            recipients=_("The city's system administrators."),
            retention=_("As the server's log rotation keeps them."),
            safeguards=_("Log lines about a complaint name its tracking code, not its reporter."),
        ),
    ]


def activities() -> list[Activity]:
    days = Schedule.from_settings()
    return _complaint_activities(days) + _other_activities(days)


def as_json() -> dict[str, Any]:
    return {
        "controller": settings.CITY_NAME,
        "privacy_officer": officer(),
        "generated": timezone.localtime().isoformat(),
        "activities": [dataclasses.asdict(activity) for activity in activities()],
    }


def as_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for activity in activities():
        writer.writerow([getattr(activity, column) for column in COLUMNS])
    return out.getvalue()
