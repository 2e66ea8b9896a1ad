from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from balaikota.complaints.lifecycle import Action
from balaikota.complaints.models import Complaint, Event
from balaikota.complaints.signals import event_recorded, submissions_announced


@receiver(event_recorded, dispatch_uid="opendata.alerts")
def alert_on_new_complaint(sender: Any, complaint: Complaint, event: Event, **kwargs: Any) -> None:
    if event.action != Action.SUBMIT:
        return
    from balaikota.opendata import tasks

    complaint_id = complaint.pk
    transaction.on_commit(lambda: tasks.send_alerts(complaint_id), robust=True)


@receiver(submissions_announced, dispatch_uid="opendata.alerts_new")
def alert_on_new_complaints(
    sender: Any, submissions: Sequence[tuple[Complaint, Sequence[Event]]], **kwargs: Any
) -> None:
    """`alert_on_new_complaint` for one chainer run's new complaints: one task for the lot."""
    from balaikota.opendata import tasks

    ids = [c.pk for c, events in submissions if any(e.action == Action.SUBMIT for e in events)]
    if ids:
        transaction.on_commit(lambda: tasks.send_alerts_for(ids), robust=True)
