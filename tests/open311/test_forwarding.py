"""Forwarding to another Open311 system: a real GeoReport v2 POST from the worker, and its
status brought back. The other system here is this same application, served for real."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from balaikota.agencies.models import Agency
from balaikota.complaints import intake
from balaikota.complaints import services as complaints
from balaikota.complaints.models import Category, Channel, Complaint, Status
from balaikota.open311 import services, tasks
from balaikota.open311.models import Forward, ForwardingTarget, ForwardState
from tests.conftest import KLOJEN, jpeg, load_city, make_user, submit


@pytest.fixture
def national(live_server: Any, settings: Any) -> ForwardingTarget:
    """Complaints about licences go on to the "national" system, which files them as
    rubbish (so they are not forwarded again there)."""
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


@pytest.mark.django_db(transaction=True)
def test_a_forwarded_complaint_comes_back_closed_when_the_other_system_closes_it(
    national: ForwardingTarget,
) -> None:
    # given: a complaint of the forwarded category
    complaint = submit(
        "Izin usaha saya sudah tiga bulan tidak diproses, mohon ditindaklanjuti.",
        category="perizinan",
        at=KLOJEN,
        contact=intake.Contact(name="Budi", phone="081298765432"),
    )

    # then: the worker posted it to the other system, which made its own request
    forward = Forward.objects.get(complaint=complaint)
    assert forward.state == ForwardState.SENT
    remote = Complaint.objects.get(ticket=forward.remote_id)
    assert remote.channel == Channel.OPEN311
    assert remote.text == complaint.text
    assert remote.category is not None
    assert remote.category.slug == "sampah"
    assert remote.reporter_name == ""
    assert remote.reporter_phone == ""
    assert complaint.events.filter(action="forward").count() == 1

    # when: the other system resolves it, and the worker asks
    staff = make_user(
        "kec-klojen-staff", "agency_staff", remote.agency.code if remote.agency else None
    )
    complaints.accept_complaint(remote, staff)
    complaints.resolve_complaint(remote, staff, "Sudah ditangani oleh tim pusat.", jpeg())
    Forward.objects.update(polled_at=None)
    tasks.poll_forwards.call_local()

    # then: the complaint is resolved here with their notes, as the agency's words
    forward.refresh_from_db()
    assert forward.remote_status == "closed"
    assert forward.remote_notes == "Sudah ditangani oleh tim pusat."
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert complaint.resolved_at is not None
    resolution = complaint.events.get(action="resolve_remote")
    assert resolution.note == "SP4N-LAPOR!: Sudah ditangani oleh tim pusat."
    # asking again with nothing new adds nothing
    Forward.objects.update(polled_at=None)
    tasks.poll_forwards.call_local()
    assert complaint.events.count() == 4  # submit, assign, forwarded, resolved there
    # and the audit record still verifies: every forward is an event with its entry
    call_command("audit_verify", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_target_that_is_down_is_retried_and_the_complaint_stands(
    national: ForwardingTarget, unused_port: int
) -> None:
    ForwardingTarget.objects.filter(pk=national.pk).update(
        endpoint=f"http://127.0.0.1:{unused_port}/open311/v2/"
    )

    complaint = submit(
        "Izin usaha saya tidak diproses, mohon dibantu.", category="perizinan", at=KLOJEN
    )

    forward = Forward.objects.get(complaint=complaint)
    assert forward.state == ForwardState.PENDING
    assert forward.attempts == 1
    assert "unreachable" in forward.last_error
    assert complaint.agency == Agency.objects.get(code="dpmptsp")
