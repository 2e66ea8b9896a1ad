"""Working-day deadlines: weekends, national holidays and the city's own days off."""

from __future__ import annotations

import datetime as dt

from balaikota.core.workdays import JAKARTA, add_working_days, is_working_day, working_days_between


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=JAKARTA)


def test_three_working_days_from_a_wednesday_end_on_monday() -> None:
    assert add_working_days(at(2026, 11, 25), 3).date() == dt.date(2026, 11, 30)


def test_a_friday_evening_report_is_due_on_wednesday() -> None:
    assert add_working_days(at(2026, 11, 27, 21), 3).date() == dt.date(2026, 12, 2)


def test_a_deadline_crossing_christmas_skips_it() -> None:
    # Thu 24 Dec 2026 + 1 working day: Fri 25 Dec is Christmas, the weekend follows.
    assert add_working_days(at(2026, 12, 24), 1).date() == dt.date(2026, 12, 28)


def test_a_deadline_crossing_independence_day_skips_it() -> None:
    # Fri 14 Aug 2026 + 1: Mon 17 Aug is Independence Day.
    assert add_working_days(at(2026, 8, 14), 1).date() == dt.date(2026, 8, 18)


def test_city_day_off_is_skipped_too() -> None:
    cuti_bersama = [dt.date(2026, 12, 24)]
    assert add_working_days(at(2026, 12, 23), 1, cuti_bersama).date() == dt.date(2026, 12, 28)


def test_deadline_is_the_end_of_the_day_in_jakarta() -> None:
    due = add_working_days(at(2026, 11, 25), 1)
    assert (due.hour, due.minute, due.tzinfo) == (23, 59, JAKARTA)


def test_late_evening_utc_counts_from_the_jakarta_day() -> None:
    # 20:00 UTC on Tuesday is already 03:00 Wednesday in Malang.
    utc_tuesday_night = dt.datetime(2026, 11, 24, 20, tzinfo=dt.UTC)
    assert add_working_days(utc_tuesday_night, 1).date() == dt.date(2026, 11, 26)


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 8, 17))
    assert is_working_day(dt.date(2026, 11, 30))


def test_working_days_between_counts_only_working_days() -> None:
    assert working_days_between(at(2026, 12, 23), at(2026, 12, 29)) == 3  # 24, 28, 29
