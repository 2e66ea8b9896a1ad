"""Periodic jobs' times, written and checked in the city's time (Asia/Jakarta, WIB).

Huey's `crontab` compares its fields with the scheduler's clock, which is UTC: a job
written "07:00" ran at 14:00 WIB. `wib()` takes the same fields, read in WIB, and converts
each minute Huey asks about before comparing, so a schedule reads as the city lives it:
`wib(minute="0", hour="7")` is seven in the morning in Malang, whatever the server's zone.
Every periodic job uses it (a test walks the registry to keep it so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from huey import crontab

CITY_ZONE = ZoneInfo("Asia/Jakarta")

Validator = Callable[[dt.datetime], bool]


def wib(
    minute: str = "*", hour: str = "*", day: str = "*", month: str = "*", day_of_week: str = "*"
) -> Validator:
    """A crontab whose fields are Jakarta time (day_of_week: 0 is Sunday, as in crontab)."""
    matches = crontab(minute, hour, day, month, day_of_week, strict=True)

    def due(moment: dt.datetime) -> bool:
        # Huey hands the scheduler's minute as a naive UTC datetime (its `utc` default).
        utc = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return bool(matches(utc.astimezone(CITY_ZONE).replace(tzinfo=None)))

    due.city_time = f"{minute} {hour} {day} {month} {day_of_week}"  # type: ignore[attr-defined]
    return due
