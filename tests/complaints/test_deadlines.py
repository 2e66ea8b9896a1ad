"""Deadlines on complaints and the escalation of overdue ones."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from balaikota.complaints import services
from balaikota.complaints.models import Category, Complaint, Status
from balaikota.core.models import DayOff
from balaikota.core.workdays import JAKARTA
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, submit

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 12, 23, 9, tzinfo=JAKARTA), tick=False)
def test_followup_deadline_skips_christmas_and_the_weekend(cast: Cast) -> None:
    complaint = submit()
    # Assigned Wed 23 Dec: 5 working days = 24, 28, 29, 30, 31 Dec (25 Dec is Christmas).
    assert complaint.followup_due is not None
    assert complaint.followup_due.astimezone(JAKARTA).date() == dt.date(2026, 12, 31)


@time_machine.travel(dt.datetime(2026, 12, 22, 9, tzinfo=JAKARTA), tick=False)
def test_city_days_off_move_the_deadline(cast: Cast, unsure_router: None) -> None:
    DayOff.objects.create(date=dt.date(2026, 12, 24), name="Cuti bersama Natal")
    complaint = submit(category=None)
    # Dispose in 3 working days from Tue 22 Dec: 23, (24 off, 25 Christmas, weekend), 28, 29.
    assert complaint.dispose_due is not None
    assert complaint.dispose_due.astimezone(JAKARTA).date() == dt.date(2026, 12, 29)


def test_a_category_can_set_its_own_deadline(cast: Cast) -> None:
    Category.objects.filter(slug="bencana").update(followup_days=1)
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=JAKARTA), tick=False):
        complaint = submit(category="bencana")
    assert complaint.followup_due is not None
    assert complaint.followup_due.astimezone(JAKARTA).date() == dt.date(2026, 11, 26)


def test_overdue_complaint_is_escalated_once_to_head_and_operator(cast: Cast) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), tick=False):
        complaint = submit()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=JAKARTA), tick=False):
        assert services.escalate_overdue() == 1
        assert services.escalate_overdue() == 0  # once per stage
        complaint.refresh_from_db()
        assert complaint.is_overdue()
    told = set(
        OutboxMessage.objects.filter(event="complaint.overdue", channel="in_app").values_list(
            "recipient_user__username", flat=True
        )
    )
    assert told == {"pupr-head", "operator"}
    assert complaint.events.filter(action="escalate").count() == 1
    assert complaint.status == Status.ASSIGNED


def test_complaint_within_its_deadline_is_not_escalated(cast: Cast) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), tick=False):
        submit()
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, tzinfo=JAKARTA), tick=False):
        assert services.escalate_overdue() == 0


def test_unconfirmed_resolution_closes_itself_after_a_week(cast: Cast) -> None:
    from tests.conftest import jpeg

    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), tick=False):
        complaint = submit()
        services.accept_complaint(complaint, cast.pupr_staff)
        services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", jpeg())
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, tzinfo=JAKARTA), tick=False):
        assert services.close_unconfirmed() == 1
    assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED
