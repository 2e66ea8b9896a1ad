"""Service-level deadlines in working days, in the manner of SP4N-LAPOR!."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from balaikota.complaints.models import Category
from balaikota.core.models import DayOff
from balaikota.core.refcache import Reference
from balaikota.core.workdays import add_working_days, working_days_between

DISPOSE_DAYS = 3
FOLLOWUP_DAYS = 5
RESOLVE_DAYS = 10


def _load_days_off() -> frozenset[dt.date]:
    return frozenset(DayOff.objects.values_list("date", flat=True))


# A few dozen rows a year, read for every deadline: held per process.
days_off = Reference(_load_days_off, DayOff)


def _days_off(start: dt.datetime, span: int = 90) -> list[dt.date]:
    first, last = start.date(), start.date() + dt.timedelta(days=span)
    return sorted(day for day in days_off.get() if first <= day <= last)


def working_days_passed(start: dt.datetime, end: dt.datetime) -> int:
    """Working days after `start`'s day up to and including `end`'s (the clock's pauses)."""
    return working_days_between(start, end, _days_off(start, (end - start).days + 1))


def shift(deadline: dt.datetime, days: int) -> dt.datetime:
    """`deadline` moved `days` working days later (the end of that working day)."""
    return add_working_days(deadline, days, _days_off(deadline)) if days > 0 else deadline


def dispose_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.dispose_days if category else None) or DISPOSE_DAYS
    return add_working_days(start, days, _days_off(start))


def followup_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.followup_days if category else None) or FOLLOWUP_DAYS
    return add_working_days(start, days, _days_off(start))


def resolve_due(start: dt.datetime, category: Category | None) -> dt.datetime:
    days = (category.resolve_days if category else None) or RESOLVE_DAYS
    return add_working_days(start, days, _days_off(start))


def answer_due(asked_at: dt.datetime) -> dt.datetime:
    """By when a reporter asked for information answers, before the complaint is closed."""
    return add_working_days(asked_at, settings.REPORTER_ANSWER_DAYS, _days_off(asked_at))
