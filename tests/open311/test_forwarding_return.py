"""What comes back from forwarding, and forwarding by hand: the other system is this same
application served for real (live_server); the reporter's e-mail goes through a real SMTP
server on localhost."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from balaikota.complaints import intake
from balaikota.complaints import services as complaints
from balaikota.complaints.models import Category, Complaint, Privacy, Status
from balaikota.open311 import services, tasks
from balaikota.open311.models import Forward, ForwardingTarget, ForwardState
from tests.conftest import KLOJEN, jpeg, load_city, make_user, submit
from tests.peers import Inbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def national(live_server: Any, settings: Any) -> ForwardingTarget:
    settings.FETCH_PRIVATE_ADDRESSES = True
    load_city()
    _client, key = services.create_client(name="SP4N-LAPOR (uji)", organisation="KemenPAN-RB")
    return ForwardingTarget.objects.create(
        name="SP4N-LAPOR!",
        endpoint=f"{live_server.url}/open311/v2/",
        api_key=key,
        jurisdiction_id=settings.OPEN311_JURISDICTION,
        service_code="sampah",
        category=Category.objects.get(slug="perizinan"),
    )


def _forwarded(**kwargs: Any) -> tuple[Complaint, Complaint]:
    complaint = submit(
        "Izin usaha saya sudah tiga bulan tidak diproses, mohon ditindaklanjuti.",
        category="perizinan",
        at=KLOJEN,
        **kwargs,
    )
    forward = Forward.objects.get(complaint=complaint)
    return complaint, Complaint.objects.get(ticket=forward.remote_id)


def _close_there(remote: Complaint, note: str) -> None:
    staff = make_user("pusat", "agency_staff", remote.agency.code if remote.agency else None)
    complaints.accept_complaint(remote, staff)
    complaints.resolve_complaint(remote, staff, note, jpeg())


def _poll() -> None:
    Forward.objects.update(polled_at=None)
    tasks.poll_forwards.call_local()


def test_the_reporter_is_told_and_reads_the_other_systems_notes(
    national: ForwardingTarget, smtp_server: Inbox, client: Client
) -> None:
    # given: a forwarded complaint whose reporter left an e-mail address
    complaint, remote = _forwarded(contact=intake.Contact(name="Budi", email="budi@example.test"))
    sent_before = len(smtp_server.messages)

    # when: the other system closes it, and the worker asks
    _close_there(remote, "Izin sudah terbit, silakan diambil di loket 3.")
    _poll()

    # then: resolved here, awaiting the reporter's confirmation, and the reporter is told
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    mails = [m for m in smtp_server.messages[sent_before:] if m["To"] == "budi@example.test"]
    assert len(mails) == 1
    assert complaint.ticket in mails[0]["Subject"]
    # the public timeline shows their words, attributed to them
    page = client.get(f"/lacak/{complaint.ticket}").content.decode()
    assert "SP4N-LAPOR!: Izin sudah terbit, silakan diambil di loket 3." in page
    call_command("audit_verify", stdout=StringIO())


def test_the_other_system_opening_it_again_sends_it_back_to_the_agency(
    national: ForwardingTarget,
) -> None:
    complaint, remote = _forwarded()
    _close_there(remote, "Sudah selesai.")
    _poll()

    # when: the other system opens it again before the reporter confirmed
    complaints.reopen_complaint(remote, "Ternyata belum, berkas masih tertahan.")
    _poll()

    # then: back with the agency, with the other system's news in the timeline
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.resolved_at is None
    assert complaint.events.filter(action="reopen_remote").count() == 1
    call_command("audit_verify", stdout=StringIO())


def test_a_complaint_the_reporter_closed_stays_closed_when_the_other_system_reopens(
    national: ForwardingTarget,
) -> None:
    complaint, remote = _forwarded()
    _close_there(remote, "Sudah selesai.")
    _poll()
    complaints.confirm_resolution(complaint, rating=5)

    complaints.reopen_complaint(remote, "Dibuka lagi.")
    _poll()

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    # Closed here and closed-for-good: no longer asked.
    assert not complaint.events.filter(action="reopen_remote").exists()


def test_an_operator_forwards_by_hand_from_the_staff_page(
    national: ForwardingTarget, client: Client
) -> None:
    # given: a road complaint (the rule forwards only licences) and an operator
    complaint = submit(at=KLOJEN)
    operator = make_user("operator", "operator")
    client.force_login(operator)
    page = client.get(f"/staf/aduan/{complaint.ticket}").content.decode()
    assert 'id="forward-by-hand"' in page

    # when: the operator forwards it with a note
    response = client.post(
        f"/staf/aduan/{complaint.ticket}/forward",
        {"target": national.pk, "note": "Menyangkut jalan nasional."},
        follow=True,
    )

    # then: sent for real, recorded in the timeline by the operator, and shown on the page
    forward = Forward.objects.get(complaint=complaint)
    assert forward.state == ForwardState.SENT
    assert forward.requested_by == operator
    assert Complaint.objects.filter(ticket=forward.remote_id).exists()
    event = complaint.events.filter(action="forward", actor=operator).get()
    assert "Menyangkut jalan nasional." in event.note
    page = response.content.decode()
    assert forward.remote_id in page
    assert 'id="forward-by-hand"' not in page  # nothing else to forward to
    call_command("audit_verify", stdout=StringIO())


def test_a_dead_target_shows_the_error_and_can_be_tried_again(
    national: ForwardingTarget, client: Client, unused_port: int
) -> None:
    ForwardingTarget.objects.filter(pk=national.pk).update(
        endpoint=f"http://127.0.0.1:{unused_port}/open311/v2/"
    )
    complaint = submit(at=KLOJEN)
    client.force_login(make_user("operator", "operator"))

    page = client.post(
        f"/staf/aduan/{complaint.ticket}/forward",
        {"target": national.pk, "note": "Coba teruskan."},
        follow=True,
    ).content.decode()

    forward = Forward.objects.get(complaint=complaint)
    assert forward.state == ForwardState.PENDING
    assert forward.attempts == 1
    assert "unreachable" in page
    # a second hand forward while it is still being retried is refused
    page = client.post(
        f"/staf/aduan/{complaint.ticket}/forward",
        {"target": national.pk, "note": "Sekali lagi."},
        follow=True,
    ).content.decode()
    assert Forward.objects.filter(complaint=complaint).count() == 1
    assert "Choose the system to forward it to." in page or "already forwarded" in page


def test_confidential_and_final_complaints_are_not_forwarded_by_hand(
    national: ForwardingTarget, client: Client
) -> None:
    secret = submit(at=KLOJEN, privacy=Privacy.CONFIDENTIAL)
    operator = make_user("operator", "operator")
    client.force_login(operator)

    # a confidential complaint: the target is not offered, and a forged post is refused
    assert 'id="forward-by-hand"' not in client.get(f"/staf/aduan/{secret.ticket}").content.decode()
    page = client.post(
        f"/staf/aduan/{secret.ticket}/forward",
        {"target": national.pk, "note": "Teruskan."},
        follow=True,
    ).content.decode()
    assert "not allowed to receive confidential complaints" in page
    assert not Forward.objects.exists()

    # a target marked as keeping complaints confidential may receive it
    ForwardingTarget.objects.filter(pk=national.pk).update(accepts_confidential=True)
    client.post(
        f"/staf/aduan/{secret.ticket}/forward", {"target": national.pk, "note": "Teruskan."}
    )
    assert Forward.objects.get(complaint=secret).state == ForwardState.SENT

    # a complaint closed as a duplicate: nothing to forward
    rejected = submit(at=KLOJEN)
    complaints.mark_duplicate(rejected, operator, submit(at=KLOJEN))
    page = client.post(
        f"/staf/aduan/{rejected.ticket}/forward",
        {"target": national.pk, "note": "Teruskan."},
        follow=True,
    ).content.decode()
    assert not Forward.objects.filter(complaint=rejected).exists()
    assert "This cannot be done while the complaint is" in page


def test_a_confidential_complaint_is_not_forwarded_by_rule_to_a_target_that_publishes(
    national: ForwardingTarget,
) -> None:
    secret = submit(
        "Petugas perizinan meminta uang pelicin untuk izin usaha saya.",
        category="perizinan",
        at=KLOJEN,
        privacy=Privacy.CONFIDENTIAL,
    )

    assert not Forward.objects.filter(complaint=secret).exists()
    assert not secret.events.filter(action="forward").exists()
