"""The nightly retention job."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from balaikota.privacy import retention

log = logging.getLogger(__name__)


# Huey's crontab runs in UTC: 19:30 UTC is 02:30 WIB (Asia/Jakarta, UTC+7), when nobody
# reports and the audit head of the day before (23:55 WIB) is already published.
@db_periodic_task(crontab(minute="30", hour="19"))
def purge_personal_data_nightly() -> int:
    report = retention.purge_personal_data()
    # Counts only: the report holds no personal data.
    log.info("retention: %s", report.counts())
    return report.total
