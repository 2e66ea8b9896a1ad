from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from balaikota.core.schedule import wib
from balaikota.hotspots import build
from balaikota.hotspots.models import Build


@db_periodic_task(wib(minute="7,22,37,52"))
def refresh_hotspots() -> Build:
    """The hotspots afresh, every quarter of an hour (between the dashboard's refreshes)."""
    return build.rebuild()
