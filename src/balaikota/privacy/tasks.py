"""The nightly retention job."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_periodic_task

from balaikota.core.schedule import wib
from balaikota.privacy import retention

log = logging.getLogger(__name__)


# 02:30 WIB, when nobody reports and the audit head of the day before (23:55 WIB) is
# already published.
@db_periodic_task(wib(minute="30", hour="2"))
def purge_personal_data_nightly() -> int:
    report = retention.purge_personal_data()
    # Counts only: the report holds no personal data.
    log.info("retention: %s", report.counts())
    return report.total
