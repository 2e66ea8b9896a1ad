from __future__ import annotations

from huey.contrib.djhuey import db_task

from balaikota.complaints.models import Complaint
from balaikota.opendata import services


@db_task()
def send_alerts(complaint_id: int) -> int:
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    return services.alert(complaint) if complaint is not None else 0


@db_task()
def send_alerts_for(complaint_ids: list[int]) -> int:
    """`send_alerts` for several new complaints (one chainer run's), in one task; with no
    active alert at all, one query."""
    if not services.any_active_subscription():
        return 0
    complaints = Complaint.objects.filter(pk__in=complaint_ids).select_related("category")
    return sum(services.alert(complaint) for complaint in complaints.order_by("id"))
