"""What a new complaint sets off, once it is stored: the apps that follow events (client
webhooks, forwarding, alerts) hear of its first events, and the agency's staff (or the
operators) and the reporter are told.

Intake stores a complaint with its first events and their audit entries *pending*, and
nothing else; the chainer (the worker's `core.tasks.chain_audit`) chains those entries
and, in the same transaction, calls `follow_up` here for each complaint whose submission
it chained: so every complaint is announced exactly once, from what was committed, and a
worker that was down announces it when it is back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from balaikota.complaints import notifications as notify
from balaikota.complaints import signals
from balaikota.complaints.lifecycle import Action, Actor
from balaikota.complaints.models import Complaint, Event
from balaikota.core import audit
from balaikota.core.models import AuditEntry

SUBMITTED = f"complaint.{Action.SUBMIT.value}"


@receiver(audit.entries_chained, dispatch_uid="complaints.announce")
def announce_submitted(sender: Any, entries: Sequence[AuditEntry], **kwargs: Any) -> None:
    tickets = [e.object_id for e in entries if e.action == SUBMITTED]
    if not tickets:
        return
    complaints = Complaint.objects.filter(ticket__in=tickets).select_related(
        "category", "agency", "region"
    )
    by_ticket = {complaint.ticket: complaint for complaint in complaints}
    for ticket in tickets:
        if ticket in by_ticket:
            follow_up(by_ticket[ticket])


def follow_up(complaint: Complaint) -> None:
    """Tell everyone a new complaint concerns, as intake used to in its own transaction."""
    for event in _first_events(complaint):
        signals.event_recorded.send(sender=Complaint, complaint=complaint, event=event)
    if complaint.agency is not None:
        # The reporter hears of it once, in the acknowledgement that names the agency.
        notify.assigned(complaint, tell_reporter=False)
    else:
        notify.needs_operator(complaint)
    notify.complaint_received(complaint)


def _first_events(complaint: Complaint) -> list[Event]:
    """Its submission and, when intake routed it, the system's assignment (a step someone
    took since is told by its own transaction)."""
    first = list(complaint.events.order_by("id")[:2])
    return first[:1] + [
        e for e in first[1:] if e.action == Action.ASSIGN and e.actor_role == Actor.SYSTEM
    ]
