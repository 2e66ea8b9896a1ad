"""Quarters (triwulan) of a year and their check-in deadlines: pure date arithmetic."""

from __future__ import annotations

import datetime as dt

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return quarter_start(year, quarter + 1) - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def check_in_deadline(year: int, quarter: int, days_after: int) -> dt.date:
    """The last day to report a quarter: `days_after` days after the quarter ends."""
    return quarter_end(year, quarter) + dt.timedelta(days=days_after)


def last_ended_quarter(day: dt.date) -> tuple[int, int]:
    """(year, quarter) of the latest quarter that ended before `day`."""
    quarter = quarter_of(day) - 1
    return (day.year, quarter) if quarter else (day.year - 1, 4)


def label(quarter: int) -> str:
    return f"TW {ROMAN[quarter]}"
