from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from balaikota.core.schedule import wib
from balaikota.dashboards import summaries, tally


@db_periodic_task(wib(minute="*/15"))
def refresh_dashboard() -> None:
    """The public dashboard's figures, every quarter of an hour."""
    summaries.refresh()


@db_periodic_task(wib(minute="*/5"))
def refresh_map() -> tally.Build:
    """The map's counts for its filtered views, its unfiltered clusters and kelurahan
    counts, every five minutes."""
    return summaries.refresh_map()
