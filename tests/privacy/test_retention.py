"""Retention, with time moved forward: before its period nothing is purged, after it
everything due is; a dry run changes nothing; the audit record verifies afterwards."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from balaikota.accounts import citizens
from balaikota.accounts.models import SignInCode
from balaikota.complaints import services as complaints
from balaikota.complaints.models import Complaint
from balaikota.core.models import AuditEntry
from balaikota.notifications import delivery
from balaikota.notifications.models import Notice, OutboxMessage
from balaikota.open311.models import ClientRequest
from balaikota.privacy import retention, services, tasks
from balaikota.privacy.models import Arrival, DataSubjectRequest, RequestKind, RequestStatus
from tests.conftest import Cast, jpeg
from tests.privacy.conftest import (
    SITI,
    SITI_VALUES,
    as_text,
    audit_verifies,
    holds_any,
    report,
    report_through_open311,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)


def days(n: float) -> dt.datetime:
    return START + dt.timedelta(days=n)


def purge_at(moment: dt.datetime, dry_run: bool = False) -> retention.PurgeReport:
    with time_machine.travel(moment, tick=False):
        return retention.purge_personal_data(dry_run=dry_run)


def stored() -> str:
    rows: list[Any] = [
        *Complaint.objects.order_by("pk").values(
            "text",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "reporter_nik",
            "contact_removed_at",
        ),
        *OutboxMessage.objects.order_by("pk").values("address", "body", "payload"),
        *Notice.objects.order_by("pk").values("body"),
        *ClientRequest.objects.order_by("pk").values("device_id", "account_id"),
        DataSubjectRequest.objects.count(),
        AuditEntry.objects.count(),
    ]
    return as_text(rows)


@pytest.fixture
def history(cast: Cast) -> dict[str, Complaint]:
    """On START: Siti's web complaint, her Open311 one and her WhatsApp one are closed (the
    first resolved, the others as its duplicates); every message is delivered (but texts:
    no gateway here); a finished request is in the register."""
    with time_machine.travel(START, tick=False):
        web = report().complaint
        app = report_through_open311()
        whatsapp = report(
            contact=SITI.__class__(phone="081234567890"),
            text="Pak Slamet 081234567890 buang sampah di sungai tiap malam.",
            channel="whatsapp",
        ).complaint
        complaints.accept_complaint(web, cast.pupr_staff)
        complaints.resolve_complaint(web, cast.pupr_staff, "Sudah ditambal.", jpeg())
        complaints.confirm_resolution(web, rating=5, comment="Terima kasih, sudah rapi.")
        for copy in (app, whatsapp):
            complaints.mark_duplicate(copy, cast.operator, web)
        delivery.deliver_due()
        request = DataSubjectRequest.objects.create(
            kind=RequestKind.ACCESS,
            arrived_by=Arrival.LETTER,
            requester_name="Siti Aminah",
            status=RequestStatus.DONE,
            done_at=START,
        )
        assert request.deadline == START + dt.timedelta(hours=72)
    return {"web": web, "app": app, "whatsapp": whatsapp}


def test_nothing_is_purged_before_its_period(history: dict[str, Complaint]) -> None:
    before = stored()
    report_ = purge_at(days(29.9))
    assert report_.total == 0
    assert stored() == before


def test_after_each_period_everything_due_is_purged(
    history: dict[str, Complaint], capsys: pytest.CaptureFixture[str]
) -> None:
    # after 30 days: the messages' addresses and texts, and the notices' texts
    first = purge_at(days(30.1))
    assert first.outbox_messages > 0
    assert first.notices > 0
    # (the WhatsApp reply was never delivered: no gateway is configured here)
    kept = OutboxMessage.objects.exclude(address="", body="")
    assert list(kept.values_list("channel", flat=True)) == ["gateway"]
    assert not Notice.objects.exclude(body="").exists()
    assert (first.contacts, first.open311_ids, first.requests) == ([], 0, 0)
    # after 90 days: the Open311 ids, and the WhatsApp message as received
    second = purge_at(days(90.1))
    assert second.open311_ids == 1
    assert second.gateway_messages == 1
    assert not kept.exists()
    assert not ClientRequest.objects.exclude(device_id="").exists()
    assert second.gateway_texts == [history["whatsapp"].ticket]
    whatsapp = Complaint.objects.get(pk=history["whatsapp"].pk)
    assert "081234567890" not in whatsapp.text
    assert "Slamet" not in whatsapp.text
    assert whatsapp.reporter_phone == "081234567890"  # the contact waits for its own period
    # after 365 days from closing: the contacts, with the texts anonymised
    third = purge_at(days(365.1))
    assert sorted(third.contacts) == sorted(c.ticket for c in history.values())
    assert holds_any(stored(), SITI_VALUES[1:]) == []  # the request still holds her name
    web = Complaint.objects.get(pk=history["web"].pk)
    assert web.contact_removed_at is not None
    assert "Jalan berlubang" in web.text
    # after 1095 days from finishing: the request
    fourth = purge_at(days(1095.1))
    assert fourth.requests == 1
    assert holds_any(stored(), SITI_VALUES) == []
    # and a later run finds nothing more
    assert purge_at(days(1200)).total == 0
    audit_verifies(capsys)
    assert holds_any(as_text(list(AuditEntry.objects.values("before", "after"))), SITI_VALUES) == []


def test_a_dry_run_changes_nothing_and_reports_what_a_run_removes(
    history: dict[str, Complaint],
) -> None:
    before = stored()
    dry = purge_at(days(400), dry_run=True)
    assert stored() == before
    real = purge_at(days(400))
    assert dry.counts() == real.counts()
    assert dry.total > 0
    assert stored() != before


def test_a_pending_message_is_kept_until_it_is_delivered(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        report()
    pending = OutboxMessage.objects.filter(address="siti@example.test")
    assert pending.exists()
    purge_at(days(40))
    assert pending.exclude(body="").exists()


def test_the_last_message_after_a_withdrawal_is_emptied_once_delivered(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        complaint = report().complaint
        services.withdraw_contact(complaint, by_reporter=True)
        last = OutboxMessage.objects.get(event=services.LAST_MESSAGE_EVENT)
        assert purge_at(START).outbox_messages == 0  # not yet delivered
        delivery.deliver_due()
    purge_at(days(0.01))
    last.refresh_from_db()
    assert (last.address, last.body) == ("", "")


def test_e_mail_files_are_deleted_after_the_outbox_period(
    settings: Any, tmp_path: Path, cast: Cast
) -> None:
    # given: the file backend's folder with an old and a new mail
    folder = tmp_path / "mail"
    folder.mkdir()
    settings.EMAIL_FILE_PATH = folder
    old, new = folder / "old.log", folder / "new.log"
    old.write_text("To: siti@example.test")
    new.write_text("To: siti@example.test")
    now = dt.datetime.now(dt.UTC)
    stamp = (now - dt.timedelta(days=31)).timestamp()
    os.utime(old, (stamp, stamp))
    # when / then
    assert retention.purge_personal_data(dry_run=True).mail_files == 1
    assert old.exists()
    assert retention.purge_personal_data().mail_files == 1
    assert not old.exists()
    assert new.exists()


def test_the_periods_come_from_the_settings(settings: Any, history: dict[str, Complaint]) -> None:
    settings.RETENTION_CONTACT_DAYS = 10
    purged = purge_at(days(10.1))
    assert len(purged.contacts) == 3
    assert "10" in purged.lines()[0]


def test_the_nightly_job_runs_at_night_in_jakarta(history: dict[str, Complaint]) -> None:
    # Huey's crontab is in UTC: 19:30 UTC is 02:30 WIB
    assert tasks.purge_personal_data_nightly.task_class().validate_datetime(
        dt.datetime(2026, 5, 1, 19, 30)
    )
    assert not tasks.purge_personal_data_nightly.task_class().validate_datetime(
        dt.datetime(2026, 5, 1, 2, 30)
    )
    with time_machine.travel(days(400), tick=False):
        assert tasks.purge_personal_data_nightly.call_local() > 0


def test_the_command_prints_what_it_removes(
    history: dict[str, Complaint], capsys: pytest.CaptureFixture[str]
) -> None:
    with time_machine.travel(days(400), tick=False):
        call_command("purge_personal_data", "--dry-run")
        dry = capsys.readouterr().out
        call_command("purge_personal_data")
        real = capsys.readouterr().out
    assert dry.startswith("Dry run: nothing was changed")
    assert "Reporters' contacts removed (closed more than 365 days ago): 3" in dry
    assert real.splitlines() == dry.splitlines()[1:]
    assert history["web"].ticket in real
    assert holds_any(real, SITI_VALUES) == []


def test_expired_sign_in_codes_go_with_their_phone_number_or_e_mail_at_night() -> None:
    # given: a code sent to a phone and tried once, and one sent to an e-mail address
    with time_machine.travel(START, tick=False):
        tried = citizens.issue(citizens.parse("0812 3456 7890"))
        citizens.issue(citizens.parse("Siti@Example.test"))
        citizens.check(tried.pk, "not a code")
    codes = SignInCode.objects.values_list("value", flat=True)
    assert sorted(codes) == ["081234567890", "siti@example.test"]
    # when: the nightly job runs while they still work, nothing goes
    with time_machine.travel(START + dt.timedelta(seconds=60), tick=False):
        assert tasks.purge_personal_data_nightly.call_local() == 0
    assert codes.count() == 2
    # then: the first night after they expired, they are deleted, and the report says so
    night = purge_at(days(1))
    assert night.sign_in_codes == 2
    assert not SignInCode.objects.exists()
    assert any(line.endswith(": 2") and "sign-in codes" in line for line in night.lines())
