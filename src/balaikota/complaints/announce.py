"""What a new complaint sets off, once it is stored: the apps that follow events (client
webhooks, forwarding, alerts) hear of its first events (`submissions_announced`), and the
agency's staff (or the operators) and the reporter are told.

Intake stores a complaint with its first events and their audit entries *pending*, and
nothing else; the chainer (the worker's `core.tasks.chain_audit`) chains those entries
and, in the same transaction, calls `follow_up` here with the complaints whose submission
it chained: so every complaint is announced exactly once, from what was committed, and a
worker that was down announces it when it is back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from balaikota.agencies import selectors as agencies
from balaikota.complaints import notifications as notify
from balaikota.complaints import signals
from balaikota.complaints.lifecycle import Action, Actor
from balaikota.complaints.models import Complaint, Event
from balaikota.core import audit
from balaikota.core.models import AuditEntry
from balaikota.notifications import services as outbox

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
    follow_up([by_ticket[ticket] for ticket in tickets if ticket in by_ticket])


def follow_up(complaints: Sequence[Complaint]) -> None:
    """Tell everyone the new `complaints` concern, as intake used to in each one's own
    transaction: what they all need (the staff, the operators, the apps' settings) is read
    once for the lot, and their messages are written in one insert, so a chainer run costs
    a few statements whatever its size."""
    if not complaints:
        return
    first = _first_events(complaints)
    with outbox.collected():  # the run's messages in one insert
        signals.submissions_announced.send(
            sender=Complaint, submissions=[(c, first.get(c.pk, [])) for c in complaints]
        )
        staff = agencies.members_by_agency({c.agency_id for c in complaints if c.agency_id})
        operators = None
        for complaint in complaints:
            if complaint.agency_id is not None:
                # The reporter hears of it once, in the acknowledgement naming the agency.
                notify.assigned(complaint, tell_reporter=False, staff=staff[complaint.agency_id])
            else:
                operators = notify.operators() if operators is None else operators
                notify.needs_operator(complaint, people=operators)
            notify.complaint_received(complaint)


def _first_events(complaints: Sequence[Complaint]) -> dict[int, list[Event]]:
    """Each complaint's submission and, when intake routed it, the system's assignment (a
    step someone took since is told by its own transaction): one query for all."""
    events: dict[int, list[Event]] = {}
    rows = Event.objects.filter(complaint__in=complaints).order_by("complaint_id", "id")
    for event in rows:
        events.setdefault(event.complaint_id, []).append(event)
    return {
        pk: found[:1]
        + [e for e in found[1:2] if e.action == Action.ASSIGN and e.actor_role == Actor.SYSTEM]
        for pk, found in events.items()
    }
