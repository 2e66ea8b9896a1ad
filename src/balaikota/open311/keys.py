"""API keys: shown once, stored as a SHA-256 hash, looked up by that hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from balaikota.core import ratelimit
from balaikota.core.refcache import Reference
from balaikota.open311.models import ApiClient

PREFIX = "bk_"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(30)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# Keys in use, by hash: every request of a busy client would otherwise read its row. Read
# again after a minute, at once after an edit or a revocation in this process; another
# process refuses a revoked key within a minute (core/refcache.py).
_in_use: Reference[dict[str, ApiClient]] = Reference(dict, ApiClient)


def client_for(key: str) -> ApiClient | None:
    """The active client holding `key`, or None (unknown or revoked). Shared between
    requests: read it, never change it."""
    if not key or len(key) > 200:
        return None
    digest = hash_key(key)
    known = _in_use.get()
    client = known.get(digest)
    if client is None:
        client = ApiClient.objects.filter(key_hash=digest, revoked_at__isnull=True).first()
        if client is None:
            return None
        known[digest] = client
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > dt.timedelta(minutes=5):
        # At most one write per client every five minutes, not one per request.
        client.last_used_at = now
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def forget() -> None:
    """Read every key again (its client was revoked or edited)."""
    _in_use.clear()


def limit_for(client: ApiClient | None) -> int:
    if client is not None and client.rate_limit:
        return client.rate_limit
    return settings.OPEN311_RATE_LIMIT


def count_wrong_key(request: HttpRequest) -> int:
    """A wrong or revoked key counts against the caller's address, on Open311 and /api/v1
    alike, so that guessing keys is limited too: 0, or the seconds to wait."""
    address = ratelimit.fingerprint(ratelimit.client_address(request))
    return ratelimit.allow(f"open311:ip:{address}", limit_for(None))
