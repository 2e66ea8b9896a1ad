"""API clients (the keys of Open311 and /api/v1, with their scopes), and the service requests
posted by them."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from balaikota.agencies.models import Agency, Membership
from balaikota.complaints import intake
from balaikota.complaints.models import Category, Channel, Complaint, LocationSource, Privacy
from balaikota.core import audit, writers
from balaikota.core.models import Role, User
from balaikota.open311 import keys, receivers
from balaikota.open311.models import ApiClient, ClientRequest, Scope, WebhookScope

# What every key could do before keys had scopes, and what a key made without any gets.
DEFAULT_SCOPES = frozenset({Scope.PUBLIC_READ, Scope.INTAKE})


class InvalidScopes(ValueError):
    """The scopes and the agency do not fit together; the message says why."""


def _check_scopes(scopes: Collection[Scope], agency: Agency | None) -> None:
    if not scopes:
        raise InvalidScopes("a key needs at least one scope")
    if (Scope.AGENCY in scopes) != (agency is not None):
        raise InvalidScopes("the agency scope and an agency go together")


def create_client(
    *,
    name: str,
    organisation: str,
    contact_email: str = "",
    rate_limit: int = 0,
    scopes: Collection[Scope] = DEFAULT_SCOPES,
    agency: Agency | None = None,
    actor: User | None = None,
) -> tuple[ApiClient, str]:
    """A new client and its key; the key is returned once and never stored."""
    _check_scopes(scopes, agency)
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
            scope_public_read=Scope.PUBLIC_READ in scopes,
            scope_intake=Scope.INTAKE in scopes,
            agency=agency,
        )
        sync_account(client)
        audit.record(
            actor=actor,
            action="open311.client_created",
            object_type="api_client",
            object_id=client.pk,
            after={"name": client.name, "organisation": client.organisation}
            | scopes_record(client),
        )
    return client, key


def scopes_record(client: ApiClient) -> dict[str, Any]:
    """The client's scopes as the audit records them (read before an edit, to compare)."""
    return {
        "scopes": sorted(client.scopes),
        "agency": client.agency.code if client.agency else None,
    }


def save_client(client: ApiClient, actor: User | None, *, before: dict[str, Any]) -> None:
    """Save an edited client (the admin); a change of scopes or agency is audited."""
    with transaction.atomic():
        client.save()
        sync_account(client)
        after = scopes_record(client)
        if after != before:
            audit.record(
                actor=actor,
                action="open311.client_scopes_changed",
                object_type="api_client",
                object_id=client.pk,
                before=before,
                after=after,
            )


def _account_name(client: ApiClient) -> str:
    """The user name a key of an agency acts under: what the timeline and the audit show.
    Prefixed so that no one takes it for a person's account."""
    name = f"api:{client.name}"[:150]
    taken = User.objects.filter(username=name)
    if client.account_id is not None:
        taken = taken.exclude(pk=client.account_id)
    return f"api:{client.pk}:{client.name}"[:150] if taken.exists() else name


def sync_account(client: ApiClient) -> None:
    """Keep the staff account an agency's key acts through in step with the key: a member of
    the key's agency alone, active only while the key is active and holds the agency scope.

    The account has no password and no e-mail: nobody signs in with it. It exists so that
    the staff pages' services (permission checks, events, audit, notices) apply to a key's
    actions unchanged, with the key's name as the actor.
    """
    account = client.account
    active = client.is_active and client.agency_id is not None
    if account is None:
        if not active:
            return
        account = User(username=_account_name(client), role=Role.AGENCY_STAFF)
        account.set_unusable_password()
        account.save()
        ApiClient.objects.filter(pk=client.pk).update(account=account)
        keys.forget_clients()
        client.account = account
    account.username = _account_name(client)
    account.first_name = client.name[:150]
    account.last_name = ""
    account.role = Role.AGENCY_STAFF
    account.is_active = active
    account.save(update_fields=["username", "first_name", "last_name", "role", "is_active"])
    memberships = Membership.objects.filter(user=account)
    if not active or client.agency_id is None:
        memberships.delete()
        return
    memberships.exclude(agency_id=client.agency_id).delete()
    Membership.objects.get_or_create(user=account, agency_id=client.agency_id)


def revoke_client(client: ApiClient, actor: User | None = None) -> None:
    with transaction.atomic():
        updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        keys.forget_clients()
        client.refresh_from_db()
        sync_account(client)
        if updated:
            audit.record(
                actor=actor,
                action="open311.client_revoked",
                object_type="api_client",
                object_id=client.pk,
                before={"revoked": False},
                after={"revoked": True},
            )


@dataclass
class Posted:
    ticket: str
    token: str
    created: bool
    privacy: str
    # The reporter's private key (the tracking page's `kunci`), for this answer only.
    reporter_key: str | None = None


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
    `client` in its transaction. Raises intake.SubmissionInvalid / SubmissionConflict."""
    links: list[ClientRequest] = []
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
        also=lambda complaint: links.append(
            link_new_request(client, complaint, device_id=device_id, account_id=account_id)
        ),
    )
    # A replay: the link made with the complaint.
    link = links[0] if links else link_request(client, submission.complaint)
    return Posted(
        submission.complaint.ticket,
        link.token,
        submission.created,
        submission.complaint.privacy,
        submission.reporter_key,
    )


def link_request(client: ApiClient, complaint: Complaint) -> ClientRequest:
    """The link of a complaint posted before (a replayed request), made now if it has none."""
    link = ClientRequest.objects.filter(complaint=complaint).first()
    if link is not None:
        return link
    with transaction.atomic():
        link = link_new_request(client, complaint)
        if client.webhook_url and client.webhook_scope == WebhookScope.OWN:
            # Its events were announced before it was linked to the client.
            receivers.tell_client_of_events(client, complaint)
        return link


def link_new_request(
    client: ApiClient, complaint: Complaint, *, device_id: str = "", account_id: str = ""
) -> ClientRequest:
    """Mark `complaint` as posted by `client` (through Open311 or /api/v1): its token. Inside
    the intake's transaction, before the complaint is announced: the client's webhook then
    hears of the requests it posted (`receivers.tell_clients`)."""
    link = ClientRequest(
        complaint=complaint,
        client=client,
        token=secrets.token_hex(16),
        device_id=device_id[:100],
        account_id=account_id[:100],
    )
    writers.insert([link])  # one per new complaint: the statement is built once
    return link
