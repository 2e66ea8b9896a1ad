"""Service-level deadlines in working days, in the manner of SP4N-LAPOR!."""

from __future__ import annotations

import datetime as dt

from balaikota.complaints.models import Category
from balaikota.core.models import DayOff
from balaikota.core.refcache import Reference
from balaikota.core.workdays import add_working_days

DISPOSE_DAYS = 3
FOLLOWUP_DAYS = 5
RESOLVE_DAYS = 10


def _load_days_off() -> frozenset[dt.date]:
    return frozenset(DayOff.objects.values_list("date", flat=True))


# A few dozen rows a year, read for every deadline: held per process.
days_off = Reference(_load_days_off, DayOff)


def _days_off(start: dt.datetime) -> list[dt.date]:
    first, last = start.date(), start.date() + dt.timedelta(days=90)
    return sorted(day for day in days_off.get() if first <= day <= last)


def dispose_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.dispose_days if category else None) or DISPOSE_DAYS
    return add_working_days(start, days, _days_off(start))


def followup_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.followup_days if category else None) or FOLLOWUP_DAYS
    return add_working_days(start, days, _days_off(start))


def resolve_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.resolve_days if category else None) or RESOLVE_DAYS
    return add_working_days(start, days, _days_off(start))
