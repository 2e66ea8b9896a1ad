"""Service-level deadlines in working days, in the manner of SP4N-LAPOR!."""

from __future__ import annotations

import datetime as dt

from balaikota.complaints.models import Category
from balaikota.core.models import DayOff
from balaikota.core.workdays import add_working_days

DISPOSE_DAYS = 3
FOLLOWUP_DAYS = 5
RESOLVE_DAYS = 10


def _days_off(start: dt.datetime) -> list[dt.date]:
    return list(
        DayOff.objects.filter(
            date__gte=start.date(), date__lte=start.date() + dt.timedelta(days=90)
        ).values_list("date", flat=True)
    )


def dispose_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.dispose_days if category else None) or DISPOSE_DAYS
    return add_working_days(start, days, _days_off(start))


def followup_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.followup_days if category else None) or FOLLOWUP_DAYS
    return add_working_days(start, days, _days_off(start))


def resolve_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.resolve_days if category else None) or RESOLVE_DAYS
    return add_working_days(start, days, _days_off(start))
