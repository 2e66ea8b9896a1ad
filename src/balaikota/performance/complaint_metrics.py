"""Complaint figures of an agency for one quarter, the actuals of complaint-fed indicators.

- share followed up within the deadline: of the complaints whose follow-up deadline fell
  in the quarter, the percentage the agency accepted by then (`followed_up_at <=
  followup_due`);
- median working days to resolve: complaints resolved in the quarter, counted from when
  they reached the agency (or were submitted) to their resolution;
- overdue count: complaints whose current deadline fell in the quarter and that are still
  open past it, their deadline clock running (a question to the reporter or a forward to
  another system stops it, and moves the deadline later when it runs again);
- mean citizen rating (1-5) of the complaints rated and resolved in the quarter.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import asdict, dataclass

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from balaikota.agencies.models import Agency
from balaikota.complaints.models import OPEN_STATUSES, Complaint
from balaikota.core import workdays
from balaikota.core.models import DayOff
from balaikota.performance import periods


@dataclass(frozen=True)
class Metrics:
    followup_share: float | None
    resolve_days: float | None
    overdue: int
    rating: float | None
    complaints_due: int
    resolved: int

    def value_for(self, source: str) -> float | None:
        return {
            "complaints_followup_share": self.followup_share,
            "complaints_resolve_days": self.resolve_days,
            "complaints_overdue": float(self.overdue),
            "complaints_rating": self.rating,
        }.get(source)

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def _bounds(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(periods.quarter_start(year, quarter), dt.time(), workdays.JAKARTA)
    end = dt.datetime.combine(
        periods.quarter_end(year, quarter) + dt.timedelta(days=1), dt.time(), workdays.JAKARTA
    )
    return start, end


def for_agency(agency: Agency, year: int, quarter: int) -> Metrics:
    start, end = _bounds(year, quarter)
    mine = Complaint.objects.filter(agency=agency)
    due = mine.filter(followup_due__gte=start, followup_due__lt=end).aggregate(
        total=Count("id"),
        kept=Count("id", filter=Q(followed_up_at__lte=F("followup_due"))),
    )
    resolved = list(
        mine.filter(resolved_at__gte=start, resolved_at__lt=end).values_list(
            "created_at", "assigned_at", "resolved_at"
        )
    )
    days_off = list(DayOff.objects.values_list("date", flat=True))
    durations = [
        workdays.working_days_between(assigned or created, done, days_off)
        for created, assigned, done in resolved
        if done is not None
    ]
    overdue = mine.filter(
        status__in=list(OPEN_STATUSES),
        due_at__gte=start,
        due_at__lt=min(end, timezone.now()),
        clock_paused_at__isnull=True,  # the clock stands still: nothing is late
    ).count()
    rating = mine.filter(
        resolved_at__gte=start, resolved_at__lt=end, rating__isnull=False
    ).aggregate(mean=Avg("rating"))["mean"]
    return Metrics(
        followup_share=round(due["kept"] / due["total"] * 100, 2) if due["total"] else None,
        resolve_days=float(statistics.median(durations)) if durations else None,
        overdue=overdue,
        rating=round(float(rating), 2) if rating is not None else None,
        complaints_due=due["total"],
        resolved=len(durations),
    )
