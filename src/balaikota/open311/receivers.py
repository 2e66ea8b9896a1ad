"""Following complaints for API clients: their webhooks, and forwarding to other systems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from balaikota.complaints.disclosure import event_note
from balaikota.complaints.lifecycle import Action
from balaikota.complaints.models import Complaint, Event
from balaikota.complaints.notifications import public_payload
from balaikota.complaints.signals import event_recorded, submissions_announced
from balaikota.notifications import services as outbox
from balaikota.open311.models import ApiClient, ClientRequest, WebhookScope


@receiver(event_recorded, dispatch_uid="open311.client_webhooks")
def tell_clients(sender: Any, complaint: Complaint, event: Event, **kwargs: Any) -> None:
    """Each active client with a webhook hears of the published complaints it follows: a
    community app is the public, and learns nothing of a complaint that is not published."""
    if not complaint.published:
        return
    clients = ApiClient.objects.filter(revoked_at__isnull=True).exclude(webhook_url="")
    poster = ClientRequest.objects.filter(complaint=complaint).values("client_id")
    for client in clients.filter(Q(webhook_scope=WebhookScope.ALL) | Q(pk__in=poster)):
        _post(client, complaint, event)


@receiver(submissions_announced, dispatch_uid="open311.client_webhooks_new")
def tell_clients_of_new(
    sender: Any, submissions: Sequence[tuple[Complaint, Sequence[Event]]], **kwargs: Any
) -> None:
    """`tell_clients` for each first event of the new complaints of one chainer run: the
    clients with a webhook (usually none) and who posted what are read once."""
    published = [(c, events) for c, events in submissions if c.published]
    if not published:
        return
    clients = list(ApiClient.objects.filter(revoked_at__isnull=True).exclude(webhook_url=""))
    if not clients:
        return
    posters: dict[int, set[int]] = {}
    for complaint_id, client_id in ClientRequest.objects.filter(
        complaint__in=[c for c, _ in published]
    ).values_list("complaint_id", "client_id"):
        posters.setdefault(complaint_id, set()).add(client_id)
    for complaint, events in published:
        for event in events:
            for client in clients:
                if client.webhook_scope == WebhookScope.ALL or client.pk in posters.get(
                    complaint.pk, ()
                ):
                    _post(client, complaint, event)


def tell_client_of_events(client: ApiClient, complaint: Complaint) -> None:
    if not complaint.published:
        return
    for event in complaint.events.order_by("created_at", "id"):
        _post(client, complaint, event)


def client_payload(complaint: Complaint, event: Event) -> dict[str, Any]:
    """What a community client's webhook learns of a published complaint: its public
    version (public text, the step's note with personal data hidden), no identity."""
    name = f"complaint.{event.action}"
    return public_payload(complaint, name) | {
        "service_request_id": complaint.ticket,
        "update_id": str(event.pk),
        "note": event_note(event),
    }


def _post(client: ApiClient, complaint: Complaint, event: Event) -> None:
    payload = client_payload(complaint, event)
    outbox.post_webhook(
        client.webhook_url, client.webhook_secret, event=payload["event"], payload=payload
    )


@receiver(event_recorded, dispatch_uid="open311.forwarding")
def forward_when_assigned(sender: Any, complaint: Complaint, event: Event, **kwargs: Any) -> None:
    """A complaint given to an agency (or of a category) configured for forwarding is sent
    on by the worker once this transaction commits."""
    if event.action != Action.ASSIGN:
        return
    from balaikota.open311 import forwarding

    created = forwarding.plan(complaint)
    if created:
        from balaikota.open311 import tasks

        ids = [f.pk for f in created]
        transaction.on_commit(lambda: [tasks.send_forward(pk) for pk in ids], robust=True)


@receiver(submissions_announced, dispatch_uid="open311.forwarding_new")
def forward_new(
    sender: Any, submissions: Sequence[tuple[Complaint, Sequence[Event]]], **kwargs: Any
) -> None:
    """`forward_when_assigned` for the new complaints intake routed, with one read of the
    forwarding targets for the lot (most installs have none)."""
    from balaikota.open311 import forwarding

    assignments = [
        (complaint, event)
        for complaint, events in submissions
        for event in events
        if event.action == Action.ASSIGN
    ]
    if not assignments or not forwarding.any_active_target():
        return
    for complaint, event in assignments:
        forward_when_assigned(sender, complaint=complaint, event=event)
