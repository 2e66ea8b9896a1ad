"""The complaint figures that feed an agency's indicators for a quarter."""

from __future__ import annotations

import datetime as dt

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Complaint, Status
from balaikota.performance import complaint_metrics
from tests.conftest import Cast, submit

WIB = dt.timezone(dt.timedelta(hours=7))


def _complaint(**fields: object) -> None:
    complaint = submit()
    Complaint.objects.filter(pk=complaint.pk).update(
        agency=Agency.objects.get(code="dpupr"), **fields
    )


def test_resolution_days_overdue_and_rating_of_a_quarter(cast: Cast) -> None:
    # given: resolved in TW II after 2, 3 and 7 working days (Mon 4 May 2026 onwards)
    monday = dt.datetime(2026, 5, 4, 9, tzinfo=WIB)
    for days, rating in ((2, 5), (3, 4), (9, None)):  # 9 calendar days: 7 working days
        _complaint(
            status=Status.CLOSED,
            assigned_at=monday,
            resolved_at=monday + dt.timedelta(days=days),
            rating=rating,
        )
    # one still open past a deadline in the quarter, one open with a later deadline
    _complaint(status=Status.IN_PROGRESS, due_at=dt.datetime(2026, 6, 10, tzinfo=WIB))
    _complaint(status=Status.IN_PROGRESS, due_at=dt.datetime(2026, 7, 10, tzinfo=WIB))
    # when
    metrics = complaint_metrics.for_agency(Agency.objects.get(code="dpupr"), 2026, 2)
    # then
    assert metrics.resolved == 3
    assert metrics.resolve_days == 3  # median of 2, 3 and 7
    assert metrics.overdue == 1
    assert metrics.rating == 4.5
    assert metrics.followup_share is None  # no follow-up deadline fell in the quarter
    assert metrics.value_for("complaints_overdue") == 1.0
