"""The dashboard's figures, computed from complaint rows in one pass. Pure: no database.

Every figure is defined on fields the open-data export carries (ticket, created_at,
category, agency, kecamatan, kelurahan, status, channel, assigned_at, followed_up_at,
resolved_at, closed_at, followup_due, resolve_due, clock_paused, rating, supporters), so
anyone can recompute it. The definitions, as the dashboard states them:

- volume: complaints by the month (Asia/Jakarta) they were submitted; duplicates are left
  out (they are the same problem counted again), rejected ones counted (they were received);
- handled within the deadline: among complaints with a follow-up deadline that either were
  followed up or whose deadline has passed, the share followed up on or before it
  (followed_up_at <= followup_due);
- working days to follow up: from assigned_at to followed_up_at; to resolve: from
  assigned_at to resolved_at; whole working days after the first day up to and including
  the last (weekends, national holidays and the city's days off excluded); the median;
- overdue now: open (submitted, verified, assigned, in progress, waiting for the reporter,
  reopened), its deadline clock running (not clock_paused: a question to the reporter or a
  forward to another system stops it, and moves the deadlines later when it runs again),
  with an agency deadline passed: not followed up and followup_due passed, or followed up,
  not resolved and resolve_due passed;
- rating: the citizens' 1-5 rating given when confirming a resolution; count and mean.

Per agency means the agency holding the complaint now; per kecamatan, the kecamatan of its
kelurahan.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from balaikota.core.workdays import JAKARTA, is_working_day, working_days_between

OPEN = frozenset({"submitted", "verified", "assigned", "in_progress", "waiting", "reopened"})
DIMENSIONS = ("category", "district", "channel")


class Row(NamedTuple):
    created_at: dt.datetime
    category: int | None
    agency: int | None
    district: int | None
    channel: str
    status: str
    assigned_at: dt.datetime | None
    followed_up_at: dt.datetime | None
    resolved_at: dt.datetime | None
    followup_due: dt.datetime | None
    resolve_due: dt.datetime | None
    rating: int | None
    clock_paused_at: dt.datetime | None = None


class WorkdayCounter:
    """Working days between two moments in constant time: a running count of working days
    per calendar day, extended as later days are asked for."""

    ORIGIN = dt.date(2015, 1, 1)

    def __init__(self, days_off: Iterable[dt.date] = ()) -> None:
        self.days_off = frozenset(days_off)
        self._running = [0]  # working days in (ORIGIN, ORIGIN + i]

    def _index(self, day: dt.date) -> int:
        offset = (day - self.ORIGIN).days
        while len(self._running) <= offset:
            next_day = self.ORIGIN + dt.timedelta(days=len(self._running))
            self._running.append(self._running[-1] + is_working_day(next_day, self.days_off))
        return self._running[offset]

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        first = start.astimezone(JAKARTA).date()
        last = end.astimezone(JAKARTA).date()
        if first < self.ORIGIN or last < first:
            return working_days_between(start, end, self.days_off)
        return self._index(last) - self._index(first)


@dataclass
class GroupStats:
    complaints: int = 0
    open: int = 0
    overdue: int = 0
    eligible: int = 0  # has a follow-up deadline that has passed or was met
    on_time: int = 0
    followup_days: list[int] = field(default_factory=list)
    resolve_days: list[int] = field(default_factory=list)
    rating_count: int = 0
    rating_sum: int = 0

    def add(self, row: Row, now: dt.datetime, workdays: WorkdayCounter) -> None:
        self.complaints += 1
        is_open = row.status in OPEN
        self.open += is_open
        if is_open and is_overdue(row, now):
            self.overdue += 1
        if row.followup_due is not None and (
            row.followed_up_at is not None or row.followup_due < now
        ):
            self.eligible += 1
            if row.followed_up_at is not None and row.followed_up_at <= row.followup_due:
                self.on_time += 1
        if row.assigned_at is not None:
            if row.followed_up_at is not None:
                self.followup_days.append(workdays.between(row.assigned_at, row.followed_up_at))
            if row.resolved_at is not None:
                self.resolve_days.append(workdays.between(row.assigned_at, row.resolved_at))
        if row.rating is not None:
            self.rating_count += 1
            self.rating_sum += row.rating

    def result(self) -> dict[str, Any]:
        return {
            "complaints": self.complaints,
            "open": self.open,
            "overdue": self.overdue,
            "eligible": self.eligible,
            "on_time": self.on_time,
            "on_time_share": round(self.on_time / self.eligible, 4) if self.eligible else None,
            "followed_up": len(self.followup_days),
            "median_followup_days": _median(self.followup_days),
            "resolved": len(self.resolve_days),
            "median_resolve_days": _median(self.resolve_days),
            "rated": self.rating_count,
            "mean_rating": round(self.rating_sum / self.rating_count, 2)
            if self.rating_count
            else None,
        }


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def is_overdue(row: Row, now: dt.datetime) -> bool:
    if row.clock_paused_at is not None:  # the clock stands still: nothing is late
        return False
    if row.followed_up_at is None:
        return row.followup_due is not None and row.followup_due < now
    return row.resolved_at is None and row.resolve_due is not None and row.resolve_due < now


def month_of(moment: dt.datetime) -> str:
    return moment.astimezone(JAKARTA).strftime("%Y-%m")


def quarter_of(month: str) -> str:
    """ "2026-05" -> "2026-Q2" (triwulan II)."""
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


def summarise(
    rows: Iterable[Row], *, now: dt.datetime, days_off: Iterable[dt.date] = ()
) -> dict[str, Any]:
    """All public figures in one JSON-ready dict (ids as string keys)."""
    workdays = WorkdayCounter(days_off)
    volumes: dict[str, dict[str, dict[str, int]]] = {
        name: defaultdict(lambda: defaultdict(int)) for name in DIMENSIONS
    }
    agencies: dict[str, GroupStats] = defaultdict(GroupStats)
    districts: dict[str, GroupStats] = defaultdict(GroupStats)
    city = GroupStats()
    ratings = [0, 0, 0, 0, 0]
    months: set[str] = set()
    for row in rows:
        if row.status == "duplicate":
            continue
        month = month_of(row.created_at)
        months.add(month)
        for name, key in zip(DIMENSIONS, (row.category, row.district, row.channel), strict=True):
            volumes[name][_key(key)][month] += 1
        city.add(row, now, workdays)
        if row.agency is not None:
            agencies[str(row.agency)].add(row, now, workdays)
        districts[_key(row.district)].add(row, now, workdays)
        if row.rating is not None and 1 <= row.rating <= 5:
            ratings[row.rating - 1] += 1
    return {
        "now": now.isoformat(),
        "months": sorted(months),
        "volumes": {
            name: {k: dict(v) for k, v in table.items()} for name, table in volumes.items()
        },
        "agencies": {key: stats.result() for key, stats in agencies.items()},
        "districts": {key: stats.result() for key, stats in districts.items()},
        "city": city.result(),
        "ratings": ratings,
    }


def _key(value: int | str | None) -> str:
    return "" if value is None else str(value)


def by_period(per_month: dict[str, int], period: str) -> dict[str, int]:
    """Monthly counts regrouped by quarter when `period` is "quarter"."""
    if period != "quarter":
        return dict(per_month)
    grouped: dict[str, int] = defaultdict(int)
    for month, count in per_month.items():
        grouped[quarter_of(month)] += count
    return dict(grouped)


def ranked(stats: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Best first: the highest share within the deadline, then the fastest follow-up;
    groups without any deadline yet come last."""

    def order(item: tuple[str, dict[str, Any]]) -> tuple[bool, float, float]:
        figures = item[1]
        share = figures["on_time_share"]
        median = figures["median_followup_days"]
        return (share is None, -(share or 0.0), median if median is not None else 1e9)

    return sorted(stats.items(), key=order)
