"""Field officers' and teams' workload and timeliness, for the head of the agency.

Read in one query (`rows`) and summed here, so the page costs the same for three officers
as for thirty. The definitions, as the page states them:

- open: handed to the officer (or team) and not yet resolved: sent to the agency or being
  handled;
- done in the last 30 days: resolved in the last 30 days (and not reopened since);
- on time: of those done, the share resolved by the agency's deadline to resolve
  (resolved_at <= resolve_due);
- median time to resolve: from the hand-over to the field to the resolution, in days.

Figures are by the officer and team holding the complaint now.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Complaint, Status

WINDOW = dt.timedelta(days=30)
_WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
_FIELDS = (
    "field_officer_id",
    "field_team_id",
    "status",
    "field_assigned_at",
    "resolved_at",
    "resolve_due",
)


@dataclass
class Load:
    open: int = 0
    done: int = 0
    with_deadline: int = 0
    on_time: int = 0
    durations: list[float] = field(default_factory=list)  # seconds

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def median_days(self) -> float | None:
        if not self.durations:
            return None
        return statistics.median(self.durations) / 86_400


def rows(agency: Agency, now: dt.datetime) -> list[dict[str, Any]]:
    """The one query: the agency's complaints with a team or officer that are open or were
    resolved in the window."""
    return list(
        Complaint.objects.filter(agency=agency)
        .filter(Q(field_officer__isnull=False) | Q(field_team__isnull=False))
        .filter(Q(status__in=list(_WORKING)) | Q(resolved_at__gte=now - WINDOW))
        .order_by()
        .values(*_FIELDS)
    )


def summarise(
    found: list[dict[str, Any]], now: dt.datetime
) -> tuple[dict[int, Load], dict[int, Load]]:
    """Loads by officer (user id) and by team (team id). Pure: no database."""
    officers: dict[int, Load] = defaultdict(Load)
    teams: dict[int, Load] = defaultdict(Load)
    for row in found:
        holders = [
            loads[key]
            for loads, key in ((officers, row["field_officer_id"]), (teams, row["field_team_id"]))
            if key is not None
        ]
        for load in holders:
            _count(load, row, now)
    return dict(officers), dict(teams)


def _count(load: Load, row: dict[str, Any], now: dt.datetime) -> None:
    if row["status"] in _WORKING:
        load.open += 1
        return
    resolved = row["resolved_at"]
    if resolved is None or resolved < now - WINDOW:
        return
    load.done += 1
    if row["resolve_due"] is not None:
        load.with_deadline += 1
        load.on_time += resolved <= row["resolve_due"]
    started = row["field_assigned_at"]
    if started is not None and started <= resolved:
        load.durations.append((resolved - started).total_seconds())
