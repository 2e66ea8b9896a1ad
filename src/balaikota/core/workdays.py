"""Working-day arithmetic for deadlines, in Asia/Jakarta.

Weekends and Indonesia's national holidays (from the `holidays` package) are not working
days; admins add the yearly collective leave (cuti bersama) and local days off as `DayOff`
rows, passed in as `extra_days_off` so that this module stays free of the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

JAKARTA = ZoneInfo("Asia/Jakarta")


@lru_cache(maxsize=32)
def national_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def is_working_day(day: dt.date, extra_days_off: Iterable[dt.date] = ()) -> bool:
    if day.weekday() >= 5:
        return False
    days_off = (
        extra_days_off if isinstance(extra_days_off, set | frozenset) else set(extra_days_off)
    )
    return day not in national_holidays(day.year) and day not in days_off


def add_working_days(
    start: dt.datetime, days: int, extra_days_off: Iterable[dt.date] = ()
) -> dt.datetime:
    """The moment `days` working days after `start`: the end of that working day, local time.

    A complaint filed on Friday evening with 3 working days is due at the end of Wednesday:
    the day of filing does not count, the deadline day counts in full.
    """
    days_off = frozenset(extra_days_off)
    day = start.astimezone(JAKARTA).date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, days_off):
            remaining -= 1
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=JAKARTA)


def working_days_between(
    start: dt.datetime, end: dt.datetime, extra_days_off: Iterable[dt.date] = ()
) -> int:
    """Whole working days after `start`'s day up to and including `end`'s day."""
    days_off = frozenset(extra_days_off)
    first = start.astimezone(JAKARTA).date()
    last = end.astimezone(JAKARTA).date()
    count = 0
    day = first
    while day < last:
        day += dt.timedelta(days=1)
        if is_working_day(day, days_off):
            count += 1
    return count
