from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from balaikota.dashboards import summaries


@db_periodic_task(crontab(minute="*/15"))
def refresh_dashboard() -> None:
    """The public dashboard's figures, every quarter of an hour."""
    summaries.refresh()


@db_periodic_task(crontab(minute="*/5"))
def refresh_map() -> None:
    """The map's unfiltered clusters and kelurahan counts, every five minutes."""
    summaries.refresh_map()
