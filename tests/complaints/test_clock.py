"""The deadline clock stands still while the city waits on someone else, and moves the
deadlines by the working days it stood still: weekends, national holidays and the city's
days off are not counted."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from balaikota.complaints import clock, deadlines, services
from balaikota.complaints.models import ClockPause, Complaint
from balaikota.core.models import AuditEntry, DayOff
from balaikota.core.workdays import JAKARTA
from tests.conftest import Cast, submit


def at(day: int, month: int = 12, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=JAKARTA)


def end_of(day: int, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, 23, 59, 59, tzinfo=JAKARTA)


@pytest.mark.django_db
def test_a_pause_over_a_weekend_counts_only_the_working_days() -> None:
    # Paused Friday 4 Dec, resumed Tuesday 8 Dec: Monday and Tuesday stood still.
    assert deadlines.working_days_passed(at(4), at(8)) == 2


@pytest.mark.django_db
def test_a_pause_within_one_day_moves_nothing() -> None:
    assert deadlines.working_days_passed(at(7, hour=9), at(7, hour=16)) == 0
    assert clock.shifted({"due_at": end_of(10)}, at(7, hour=9), 0) == {"due_at": end_of(10)}


@pytest.mark.django_db
def test_a_deadline_moves_past_christmas_and_the_weekend() -> None:
    # Due Wed 23 Dec, moved 2 working days: 24 Dec, (25 Christmas, weekend), 28 Dec.
    assert deadlines.shift(end_of(23), 2) == end_of(28)


@pytest.mark.django_db
def test_a_city_day_off_is_not_counted_as_paused() -> None:
    DayOff.objects.create(date=dt.date(2026, 12, 9), name="Hari libur daerah")
    deadlines.days_off.clear()
    # Paused Mon 7 Dec, resumed Thu 10 Dec: 8 and 10 stood still; 9 was a day off.
    assert deadlines.working_days_passed(at(7), at(10)) == 2


@pytest.mark.django_db
def test_only_deadlines_still_ahead_at_the_pause_move() -> None:
    moved = clock.shifted(
        {"dispose_due": end_of(1), "followup_due": end_of(10), "resolve_due": None},
        at(7),
        1,
    )
    assert moved == {"followup_due": end_of(11)}


@pytest.mark.django_db
def test_resuming_moves_the_deadlines_and_is_audited(cast: Cast) -> None:
    with time_machine.travel(at(4), tick=False):  # Friday
        complaint = submit()
        assert complaint.due_at == end_of(11)  # 5 working days: 7 to 11 Dec
        with_lock = Complaint.objects.get(pk=complaint.pk)
        assert clock.pause(with_lock, ClockPause.FORWARDED)
        assert not clock.pause(with_lock, ClockPause.QUESTION)  # the first pause counts
    with time_machine.travel(at(9), tick=False):  # Wednesday: 7, 8 and 9 stood still
        assert clock.resume(with_lock) == 3
    complaint.refresh_from_db()
    assert complaint.clock_paused_at is None
    assert complaint.due_at == end_of(16)
    assert complaint.followup_due == end_of(16)
    entry = AuditEntry.objects.filter(action="complaint.clock_resumed").get()
    assert entry.after is not None
    assert entry.after["working_days"] == 3


@pytest.mark.django_db
def test_a_paused_complaint_is_never_escalated(cast: Cast) -> None:
    with time_machine.travel(at(4), tick=False):
        complaint = submit()
        clock.pause(Complaint.objects.get(pk=complaint.pk), ClockPause.FORWARDED)
    with time_machine.travel(at(21), tick=False):  # long past the deadline of 11 Dec
        assert services.escalate_overdue() == 0
        complaint.refresh_from_db()
        assert not complaint.is_overdue()
        assert complaint.escalated_due is None
        assert not complaint.events.filter(action="escalate").exists()
