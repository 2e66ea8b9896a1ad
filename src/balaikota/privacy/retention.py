"""Retention: how long each kind of personal data is kept, and the job that removes what is
due (nightly, and `balaikota purge-personal-data [--dry-run]`).

The schedule comes from the settings (RETENTION_* variables), counted from:
- the reporter's contact: the complaint's closing (`closed_at`); the complaint stays,
  anonymised, like an erasure;
- outbox addresses and texts: delivery (`sent_at`), or the last attempt of one given up;
  the one last message after a withdrawal as soon as it is delivered; in-app notices'
  texts, e-mail alerts and followings of complaints ended or never confirmed, after as
  long; files of the file mail backend, after as long;
- SMS/WhatsApp texts: replies to senders from their sending; the message as received (the
  complaint's stored text) is anonymised once the complaint is closed;
- Open311 device and account ids: the request's posting;
- data-subject requests: their finishing;
- citizens' sign-in codes, with the phone number or e-mail address they went to: deleted
  once expired (minutes after sending), at the next run.

Nothing here touches events or the audit chain, which hold no personal data; each
anonymised complaint gets an audit entry saying which fields went, and each run one with
the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from balaikota.accounts.models import SignInCode
from balaikota.complaints.models import FINAL_STATUSES, Complaint, Follower
from balaikota.core import audit
from balaikota.core.redaction import redact
from balaikota.notifications.models import Channel, DeliveryStatus, Notice, OutboxMessage
from balaikota.open311.models import ClientRequest
from balaikota.opendata.models import Subscription
from balaikota.privacy import services
from balaikota.privacy.models import FINISHED, DataSubjectRequest

BATCH = 500


@dataclass(frozen=True)
class Schedule:
    """Days each kind of personal data is kept (see the module's docstring for from when)."""

    contact_days: int
    outbox_days: int
    gateway_days: int
    device_id_days: int
    requests_days: int

    @classmethod
    def from_settings(cls) -> Schedule:
        return cls(
            contact_days=settings.RETENTION_CONTACT_DAYS,
            outbox_days=settings.RETENTION_OUTBOX_DAYS,
            gateway_days=settings.RETENTION_GATEWAY_DAYS,
            device_id_days=settings.RETENTION_DEVICE_ID_DAYS,
            requests_days=settings.RETENTION_REQUESTS_DAYS,
        )


def mail_folder() -> Path:
    """Where the file mail backend writes (EMAIL_BACKEND_KIND=file)."""
    return Path(getattr(settings, "EMAIL_FILE_PATH", None) or Path(settings.VAR_DIR) / "mail")


@dataclass
class PurgeReport:
    """What a run removed (or, in a dry run, would remove): counts, and the tickets of the
    complaints anonymised. No personal data."""

    dry_run: bool
    schedule: Schedule
    contacts: list[str] = field(default_factory=list)
    gateway_texts: list[str] = field(default_factory=list)
    outbox_messages: int = 0
    gateway_messages: int = 0
    notices: int = 0
    alerts: int = 0
    following: int = 0
    open311_ids: int = 0
    requests: int = 0
    mail_files: int = 0
    sign_in_codes: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts().values())

    def counts(self) -> dict[str, int]:
        return {
            "contacts": len(self.contacts),
            "gateway_texts": len(self.gateway_texts),
            "outbox_messages": self.outbox_messages,
            "gateway_messages": self.gateway_messages,
            "notices": self.notices,
            "alerts": self.alerts,
            "following": self.following,
            "open311_ids": self.open311_ids,
            "requests": self.requests,
            "mail_files": self.mail_files,
            "sign_in_codes": self.sign_in_codes,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            **self.counts(),
            "tickets": sorted({*self.contacts, *self.gateway_texts}),
        }

    def lines(self) -> list[str]:
        """One line per kind, in the city's language, with the period that applied."""
        s = self.schedule
        rows = [
            (
                len(self.contacts),
                _("Reporters' contacts removed (closed more than %(days)d days ago): %(n)d"),
                s.contact_days,
            ),
            (
                len(self.gateway_texts),
                _("SMS/WhatsApp complaint texts anonymised (after %(days)d days): %(n)d"),
                s.gateway_days,
            ),
            (
                self.outbox_messages,
                _("Sent messages emptied (address and text, after %(days)d days): %(n)d"),
                s.outbox_days,
            ),
            (
                self.gateway_messages,
                _("SMS/WhatsApp messages emptied (after %(days)d days): %(n)d"),
                s.gateway_days,
            ),
            (
                self.notices,
                _("In-app notice texts removed (after %(days)d days): %(n)d"),
                s.outbox_days,
            ),
            (
                self.alerts,
                _("Ended or unconfirmed e-mail alerts deleted (after %(days)d days): %(n)d"),
                s.outbox_days,
            ),
            (
                self.following,
                _(
                    "Ended or unconfirmed followings of complaints deleted (after %(days)d "
                    "days): %(n)d"
                ),
                s.outbox_days,
            ),
            (
                self.open311_ids,
                _("Open311 device and account ids removed (after %(days)d days): %(n)d"),
                s.device_id_days,
            ),
            (
                self.requests,
                _("Finished data-subject requests deleted (after %(days)d days): %(n)d"),
                s.requests_days,
            ),
            (
                self.mail_files,
                _("E-mail files deleted (after %(days)d days): %(n)d"),
                s.outbox_days,
            ),
            (
                self.sign_in_codes,
                _("Expired sign-in codes deleted, with their phone number or e-mail: %(n)d"),
                0,
            ),
        ]
        lines = [text % {"days": days, "n": n} for n, text, days in rows]
        if self.contacts or self.gateway_texts:
            lines.append(
                _("Complaints: %(tickets)s")
                % {"tickets": ", ".join(sorted({*self.contacts, *self.gateway_texts}))}
            )
        if self.dry_run:
            lines.insert(0, _("Dry run: nothing was changed. This is what would be removed."))
        return lines


def _ago(now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


def _in_batches(query: Any) -> Any:
    """Primary keys of a query's rows, a batch at a time (rows change as they are done)."""
    last = 0
    while True:
        batch = list(query.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1]


def _contacts(report: PurgeReport, now: dt.datetime) -> None:
    """Closed long enough: the contact goes and the stored text is anonymised, as on an
    erasure (the messages about it were emptied long before, by the outbox's period)."""
    due = Complaint.objects.filter(
        closed_at__lt=_ago(now, report.schedule.contact_days), contact_removed_at__isnull=True
    )
    for batch in _in_batches(due):
        for complaint in Complaint.objects.filter(pk__in=batch):
            with transaction.atomic():
                removal = services.remove_contact(
                    complaint, by=services.Removal.RETENTION, actor=None
                )
            if removal.fields.get(complaint.ticket) or removal.open311_ids:
                report.contacts.append(complaint.ticket)


def _gateway_texts(report: PurgeReport, now: dt.datetime) -> None:
    """A complaint made by SMS or WhatsApp stores the message as received: once the
    complaint is closed and the period is over, personal data in it is hidden."""
    due = Complaint.objects.filter(
        channel__in=list(services.GATEWAY_CHANNELS),
        created_at__lt=_ago(now, report.schedule.gateway_days),
        status__in=list(FINAL_STATUSES),
        contact_removed_at__isnull=True,
    )
    for batch in _in_batches(due):
        for complaint in Complaint.objects.filter(pk__in=batch).only("pk", "ticket", "text"):
            with transaction.atomic():
                locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
                text = redact(locked.text, services.contact_values(locked))
                if text == locked.text:
                    continue
                locked.text = text
                locked.save(update_fields=["text"])
                audit.record(
                    actor=None,
                    action="privacy.text_anonymised",
                    object_type="complaint",
                    object_id=locked.ticket,
                    after={"by": services.Removal.RETENTION, "fields": ["text"]},
                )
            report.gateway_texts.append(locked.ticket)


_HOLDS_DATA = ~Q(address="") | ~Q(body="") | Q(payload__isnull=False) | ~Q(last_error="")
_EMPTY = {"address": "", "body": "", "payload": None, "last_error": "", "secret": ""}


def _outbox(report: PurgeReport, now: dt.datetime) -> None:
    cutoff = _ago(now, report.schedule.outbox_days)
    done = (
        Q(status=DeliveryStatus.SENT, sent_at__lt=cutoff)
        # A message given up keeps its last claim's time as its last attempt.
        | Q(status=DeliveryStatus.FAILED, next_attempt_at__lt=cutoff)
        | Q(
            event=services.LAST_MESSAGE_EVENT,
            status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED],
        )
    )
    with transaction.atomic():
        report.outbox_messages = (
            OutboxMessage.objects.filter(done).filter(_HOLDS_DATA).update(**_EMPTY)
        )
        gateway_cutoff = _ago(now, report.schedule.gateway_days)
        report.gateway_messages = (
            OutboxMessage.objects.filter(channel=Channel.GATEWAY, created_at__lt=gateway_cutoff)
            .filter(_HOLDS_DATA)
            .update(**_EMPTY)
        )
        report.notices = (
            Notice.objects.filter(created_at__lt=cutoff).exclude(body="").update(body="")
        )
        ended = Q(ended_at__lt=cutoff) | Q(confirmed_at__isnull=True, created_at__lt=cutoff)
        report.alerts, _kinds = Subscription.objects.filter(ended).delete()
        report.following, _kinds = Follower.objects.filter(ended).delete()


def _devices(report: PurgeReport, now: dt.datetime) -> None:
    with transaction.atomic():
        report.open311_ids = (
            ClientRequest.objects.filter(created_at__lt=_ago(now, report.schedule.device_id_days))
            .exclude(device_id="", account_id="")
            .update(device_id="", account_id="")
        )


def _requests(report: PurgeReport, now: dt.datetime) -> None:
    with transaction.atomic():
        old = DataSubjectRequest.objects.filter(
            status__in=list(FINISHED), done_at__lt=_ago(now, report.schedule.requests_days)
        )
        report.requests = old.count()
        old.delete()


def _sign_in_codes(report: PurgeReport, now: dt.datetime) -> None:
    """An expired code (used or not) opens nothing: the row goes, and with it the phone
    number or e-mail address it was sent to. (Sending a new code also deletes them.)"""
    with transaction.atomic():
        report.sign_in_codes, _kinds = SignInCode.objects.filter(expires_at__lt=now).delete()


def _mail_files(report: PurgeReport, now: dt.datetime, dry_run: bool) -> None:
    folder = mail_folder()
    if not folder.is_dir():
        return
    cutoff = _ago(now, report.schedule.outbox_days).timestamp()
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            report.mail_files += 1
            if not dry_run:
                path.unlink(missing_ok=True)


def _purge(report: PurgeReport, now: dt.datetime) -> None:
    _outbox(report, now)
    _contacts(report, now)
    _gateway_texts(report, now)
    _devices(report, now)
    _requests(report, now)
    _sign_in_codes(report, now)
    _mail_files(report, now, report.dry_run)
    if report.total:
        with transaction.atomic():
            audit.record(
                actor=None,
                action="privacy.purge",
                object_type="retention",
                object_id=timezone.localdate(now).isoformat(),
                after=report.counts(),
            )


def purge_personal_data(dry_run: bool = False, now: dt.datetime | None = None) -> PurgeReport:
    """Remove every piece of personal data whose retention period is over. A dry run does
    the same work in a transaction that is rolled back, so it reports exactly what a real
    run would remove, and changes nothing."""
    report = PurgeReport(dry_run=dry_run, schedule=Schedule.from_settings())
    moment = now or timezone.now()
    if not dry_run:
        _purge(report, moment)
        return report
    with transaction.atomic():
        _purge(report, moment)
        transaction.set_rollback(True)
    return report
