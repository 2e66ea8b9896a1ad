from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from balaikota.complaints.lifecycle import Action
from balaikota.complaints.models import Complaint, Event
from balaikota.complaints.signals import event_recorded


@receiver(event_recorded, dispatch_uid="opendata.alerts")
def alert_on_new_complaint(sender: Any, complaint: Complaint, event: Event, **kwargs: Any) -> None:
    if event.action != Action.SUBMIT:
        return
    from balaikota.opendata import tasks

    complaint_id = complaint.pk
    transaction.on_commit(lambda: tasks.send_alerts(complaint_id), robust=True)
