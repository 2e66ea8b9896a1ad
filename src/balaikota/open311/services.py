"""Changes made through Open311: API clients, and service requests posted by them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from balaikota.complaints import intake
from balaikota.complaints.models import Category, Channel, LocationSource, Privacy
from balaikota.core import audit
from balaikota.core.models import User
from balaikota.open311 import keys, receivers
from balaikota.open311.models import ApiClient, ClientRequest, WebhookScope


def create_client(
    *,
    name: str,
    organisation: str,
    contact_email: str = "",
    rate_limit: int = 0,
    actor: User | None = None,
) -> tuple[ApiClient, str]:
    """A new client and its key; the key is returned once and never stored."""
    key = keys.new_key()
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name.strip(),
            organisation=organisation.strip(),
            contact_email=contact_email.strip(),
            key_prefix=key[:8],
            key_hash=keys.hash_key(key),
            rate_limit=rate_limit,
            webhook_scope=WebhookScope.OWN,
        )
        audit.record(
            actor=actor,
            action="open311.client_created",
            object_type="api_client",
            object_id=client.pk,
            after={"name": client.name, "organisation": client.organisation},
        )
    return client, key


def revoke_client(client: ApiClient, actor: User | None = None) -> None:
    with transaction.atomic():
        updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit.record(
                actor=actor,
                action="open311.client_revoked",
                object_type="api_client",
                object_id=client.pk,
                before={"revoked": False},
                after={"revoked": True},
            )
    client.refresh_from_db()


@dataclass
class Posted:
    ticket: str
    token: str
    created: bool
    privacy: str


def post_request(
    client: ApiClient,
    *,
    category: Category,
    description: str,
    lat: float | None,
    lon: float | None,
    address: str,
    answers: Mapping[str, Sequence[str]],
    media_urls: Sequence[str],
    contact: intake.Contact,
    device_id: str = "",
    account_id: str = "",
    idempotency_key: str | None = None,
    require_location: bool = True,
    privacy: str = Privacy.PUBLIC,
) -> Posted:
    """Create the complaint through the same path as the web form, marked as posted by
    `client`. Raises intake.SubmissionInvalid / SubmissionConflict."""
    with transaction.atomic():
        submission = intake.submit_complaint(
            text=description,
            category=category,
            lat=lat,
            lon=lon,
            location_source=LocationSource.MAP,
            contact=contact,
            channel=Channel.OPEN311,
            # Keys are scoped per client: two apps may well use the same idempotency key.
            submission_key=f"open311:{client.pk}:{idempotency_key}" if idempotency_key else None,
            address=address,
            answers=answers,
            photo_urls=media_urls,
            require_location=require_location,
            privacy=privacy,
        )
        link, _created = ClientRequest.objects.get_or_create(
            complaint=submission.complaint,
            defaults={
                "client": client,
                "token": secrets.token_hex(16),
                "device_id": device_id[:100],
                "account_id": account_id[:100],
            },
        )
        if _created and client.webhook_url and client.webhook_scope == WebhookScope.OWN:
            # The complaint's first events were recorded before it was linked to the client.
            receivers.tell_client_of_events(client, submission.complaint)
    return Posted(
        submission.complaint.ticket, link.token, submission.created, submission.complaint.privacy
    )
