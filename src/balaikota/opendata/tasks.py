from __future__ import annotations

from huey.contrib.djhuey import db_task

from balaikota.complaints.models import Complaint
from balaikota.opendata import services


@db_task()
def send_alerts(complaint_id: int) -> int:
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    return services.alert(complaint) if complaint is not None else 0
