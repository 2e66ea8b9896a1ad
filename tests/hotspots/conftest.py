"""Complaints placed metres apart, at given days, for the hotspot tests."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import time_machine

from balaikota.complaints.models import Complaint
from balaikota.hotspots.clustering import METRES_PER_DEGREE
from tests.conftest import SUMBERSARI, submit

# Wednesday 2 December 2026, 10:00 in Malang: "now" for the hotspot tests.
NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)


def near(
    north_m: float = 0.0, east_m: float = 0.0, base: tuple[float, float] = SUMBERSARI
) -> tuple[float, float]:
    lat = base[0] + north_m / METRES_PER_DEGREE
    lon = base[1] + east_m / (METRES_PER_DEGREE * math.cos(math.radians(base[0])))
    return lat, lon


def report(
    days_ago: float,
    north_m: float = 0.0,
    east_m: float = 0.0,
    category: str = "jalan-rusak",
    base: tuple[float, float] = SUMBERSARI,
    **kwargs: Any,
) -> Complaint:
    with time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False):
        return submit(category=category, at=near(north_m, east_m, base), **kwargs)
