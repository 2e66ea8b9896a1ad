"""The audit chain's chainer: a new complaint's entries are stored pending by the request and
chained by the worker, in the order they were stored, which then tells everyone the
complaint concerns; `audit-verify` covers them once chained."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from balaikota.complaints.models import Complaint
from balaikota.core import audit, integrity
from balaikota.core import tasks as core_tasks
from balaikota.core.models import AuditEntry
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_apart() -> Iterator[None]:
    """As in production: requests leave the chaining to the worker."""
    HUEY.immediate = False
    yield
    HUEY.immediate = True


def run_worker() -> int:
    """What the worker runs once the complaint's transaction has committed."""
    return int(core_tasks.chain_audit.call_local())


def told_staff(complaint: Complaint) -> set[str]:
    return set(
        OutboxMessage.objects.filter(
            event="complaint.assigned", channel="in_app", link__contains=complaint.ticket
        ).values_list("recipient_user__username", flat=True)
    )


def test_a_new_complaint_waits_for_the_chainer_visibly(cast: Cast, worker_apart: None) -> None:
    complaint = submit()

    entries = list(AuditEntry.objects.filter(object_id=complaint.ticket))
    assert [(e.position, e.entry_hash) for e in entries] == [(None, None), (None, None)]
    assert audit.pending_count() == 2
    assert list(integrity.problems()) == []  # pending is not broken
    assert told_staff(complaint) == set()  # the worker tells them


def test_the_worker_chains_pending_entries_and_tells_the_agency(
    cast: Cast, worker_apart: None
) -> None:
    complaint = submit()

    assert run_worker() == 2

    assert audit.pending_count() == 0
    head = integrity.current_head()
    assert head is not None
    assert head.pending == 0
    assert AuditEntry.objects.get(pk=head.entry_id).object_id == complaint.ticket
    assert list(integrity.problems()) == []
    assert told_staff(complaint) == {"pupr", "pupr-head"}


def test_pending_entries_are_chained_in_the_order_they_were_stored(
    cast: Cast, worker_apart: None
) -> None:
    tickets = [submit(text=f"Lampu jalan mati nomor {n} sejak kemarin.").ticket for n in range(3)]

    run_worker()

    chain = list(AuditEntry.objects.order_by("position"))
    assert [e.object_id for e in chain if e.action == "complaint.submit"] == tickets
    assert [e.pk for e in chain] == sorted(e.pk for e in chain)
    assert [e.position for e in chain] == list(range(1, len(chain) + 1))
    for before, after in itertools.pairwise(chain):
        assert after.previous_hash == before.entry_hash


def test_each_complaint_is_announced_once(cast: Cast, worker_apart: None) -> None:
    complaint = submit()

    run_worker()
    assert run_worker() == 0

    assert (
        OutboxMessage.objects.filter(
            event="complaint.assigned", channel="in_app", link__contains=complaint.ticket
        ).count()
        == 2
    )


def chainer_statements(complaints: int) -> tuple[int, list[Complaint]]:
    """Store `complaints` new complaints (every third with no category, for an operator)
    and count the chainer's statements as it chains and announces them."""
    stored = [
        submit(text=f"Jalan berlubang nomor {n} di depan sekolah.")
        if n % 3
        else submit(text=f"Ada masalah nomor {n} di sini mohon dicek.", category=None)
        for n in range(complaints)
    ]
    with CaptureQueriesContext(connection) as queries:
        run_worker()
    return len(queries), stored


def test_the_chainer_reads_and_writes_once_per_run_not_once_per_complaint(
    cast: Cast, worker_apart: None, unsure_router: None
) -> None:
    few, first = chainer_statements(3)
    many, second = chainer_statements(9)

    # The staff, the operators, the first events, the apps' settings: read once per run;
    # the chain's links in one update, the messages in one insert.
    assert few == many
    for complaint in first + second:
        if complaint.agency_id:
            assert told_staff(complaint) == {"pupr", "pupr-head"}
        else:
            assert OutboxMessage.objects.filter(
                event="complaint.needs_operator", link__contains=complaint.ticket
            ).exists()


def test_verify_catches_a_changed_entry_the_worker_chained(cast: Cast, worker_apart: None) -> None:
    complaint = submit()
    run_worker()
    entry = AuditEntry.objects.get(object_id=complaint.ticket, action="complaint.submit")

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_label = %s WHERE id = %s", ["operator", entry.pk]
        )

    problems = list(integrity.chain_problems())
    assert [(p.kind, p.label) for p in problems] == [("audit", f"#{entry.pk}")]


def test_an_entry_chained_at_once_comes_after_the_pending_ones(
    cast: Cast, worker_apart: None
) -> None:
    complaint = submit()

    with transaction.atomic():
        made = audit.record(actor=cast.admin, action="test.note", object_type="note", object_id="1")

    pending = AuditEntry.objects.filter(object_id=complaint.ticket).order_by("position")
    assert [e.position for e in pending] == [made.position - 2, made.position - 1]
    assert audit.pending_count() == 0
    assert told_staff(complaint) == {"pupr", "pupr-head"}  # announced by that transaction
    assert list(integrity.problems()) == []


def test_the_daily_head_covers_the_pending_entries(cast: Cast, worker_apart: None) -> None:
    complaint = submit()

    checkpoint = integrity.publish_checkpoint()

    assert checkpoint is not None
    assert checkpoint.entry.object_id == complaint.ticket
    assert audit.pending_count() == 0
