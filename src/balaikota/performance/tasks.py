"""The worker's performance jobs: late answers, reminders, complaint-fed drafts."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from balaikota.core.schedule import wib
from balaikota.performance import monitoring, services


@db_periodic_task(wib(minute="*/15"))
def decline_unanswered_offers() -> int:
    """No answer by the round's deadline counts as a decline."""
    return services.decline_unanswered()


@db_periodic_task(wib(minute="0", hour="7"))
def remind_check_ins() -> int:
    """At seven in the morning: check-ins due in 14, 7 and 1 days, offers to answer in 3
    days, 1 day or today, and check-ins waiting long for a verifier."""
    return monitoring.send_reminders() + monitoring.remind_answers() + monitoring.remind_verifiers()


@db_periodic_task(wib(minute="30", hour="0"))
def draft_check_ins_from_complaints() -> int:
    """Daily, so a quarter that just ended is drafted the next night (and a missed night
    catches up): only commitments without a check-in for that quarter get one."""
    return monitoring.draft_complaint_check_ins()
