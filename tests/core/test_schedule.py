"""Every periodic job runs at the time the city reads on its clocks (WIB), not in UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from balaikota.core.schedule import CITY_ZONE, wib


def _schedule_of(task_class: type) -> object:
    """The schedule a periodic task was declared with (Huey keeps it in a closure)."""
    cells = task_class.validate_datetime.__closure__ or ()  # type: ignore[attr-defined]
    return next(cell.cell_contents for cell in cells)


def _periodic() -> dict[str, type]:
    autodiscover_modules("tasks")  # as the worker does when it starts
    return {task.name: type(task) for task in HUEY._registry.periodic_tasks}


def _fires_at(name: str, wib_moment: dt.datetime) -> bool:
    """Whether the job is due at a WIB wall-clock moment, asked the way Huey asks: with
    the scheduler's naive UTC minute."""
    utc = wib_moment.replace(tzinfo=CITY_ZONE).astimezone(dt.UTC).replace(tzinfo=None)
    return bool(_periodic()[name]().validate_datetime(utc))


def test_every_periodic_job_is_written_in_city_time() -> None:
    written_otherwise = [
        name
        for name, task_class in _periodic().items()
        if not hasattr(_schedule_of(task_class), "city_time")
    ]
    assert _periodic(), "no periodic job registered"
    assert written_otherwise == []


@pytest.mark.parametrize(
    ("job", "due", "not_due"),
    [
        # The holders' check-in reminders at seven in the morning, not at 14:00 WIB.
        ("remind_check_ins", dt.datetime(2026, 12, 3, 7, 0), dt.datetime(2026, 12, 3, 14, 0)),
        # The day's audit head just before midnight WIB.
        ("daily_audit_check", dt.datetime(2026, 12, 3, 23, 55), dt.datetime(2026, 12, 3, 16, 55)),
        # Personal data is purged at night.
        (
            "purge_personal_data_nightly",
            dt.datetime(2026, 12, 4, 2, 30),
            dt.datetime(2026, 12, 3, 19, 30),
        ),
        # The router retrains on Sunday night (6 December 2026 is a Sunday), not on Sunday
        # morning.
        ("retrain_router", dt.datetime(2026, 12, 6, 2, 30), dt.datetime(2026, 12, 6, 9, 30)),
        (
            "draft_check_ins_from_complaints",
            dt.datetime(2026, 12, 3, 0, 30),
            dt.datetime(2026, 12, 3, 7, 30),
        ),
        (
            "close_unconfirmed_complaints",
            dt.datetime(2026, 12, 3, 1, 15),
            dt.datetime(2026, 12, 3, 8, 15),
        ),
    ],
)
def test_daily_and_weekly_jobs_run_at_their_wib_time(
    job: str, due: dt.datetime, not_due: dt.datetime
) -> None:
    names = [name for name in _periodic() if name.endswith(job)]
    assert len(names) == 1, names
    assert _fires_at(names[0], due)
    assert not _fires_at(names[0], not_due)


def test_a_wib_schedule_crosses_the_utc_day_and_week() -> None:
    # 02:30 WIB on a Sunday is 19:30 UTC on the Saturday before.
    sunday_night = wib(minute="30", hour="2", day_of_week="0")
    assert sunday_night(dt.datetime(2026, 12, 5, 19, 30))
    assert not sunday_night(dt.datetime(2026, 12, 6, 19, 30))
    assert not sunday_night(dt.datetime(2026, 12, 6, 2, 30))


def test_a_schedule_that_matches_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="61"):
        wib(minute="61")
