"""API keys: shown once, stored as a SHA-256 hash, looked up by that hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from balaikota.core import answercache, ratelimit
from balaikota.open311.models import ApiClient

PREFIX = "bk_"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(30)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# Keys found are held by each process for this long, or until any key or account changes
# (`KEYS`, shared by every process like the public answers' generation): a revoked key is
# refused by the next request, a key is not looked up on every request.
HOLD_SECONDS = 60.0
KEYS = answercache.Generation("keys")
_found: dict[str, tuple[tuple[str, int], float, ApiClient]] = {}


def client_for(key: str) -> ApiClient | None:
    """The active client holding `key`, or None (unknown or revoked)."""
    if not key or len(key) > 200:
        return None
    digest = hash_key(key)
    generation = KEYS.current()  # before the lookup, as for the public answers
    held = _found.get(digest)
    if held is not None and held[0] == generation and time.monotonic() - held[1] < HOLD_SECONDS:
        client = held[2]
    else:
        found = (
            ApiClient.objects.filter(key_hash=digest, revoked_at__isnull=True)
            .select_related("account")
            .first()
        )
        if found is None:
            return None  # wrong keys are counted by the caller, never held
        if len(_found) > 1000:
            _found.clear()
        _found[digest] = (generation, time.monotonic(), found)
        client = found
    if client.last_used_at is None or timezone.now() - client.last_used_at > dt.timedelta(
        minutes=5
    ):
        # At most one write per client every five minutes, not one per request.
        client.last_used_at = timezone.now()
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=client.last_used_at)
    return client


def forget_clients(**kwargs: Any) -> None:
    """A key or its account changed: every process looks keys up afresh."""
    KEYS.change_on_commit()


def limit_for(client: ApiClient | None) -> int:
    if client is not None and client.rate_limit:
        return client.rate_limit
    return settings.OPEN311_RATE_LIMIT


def count_wrong_key(request: HttpRequest) -> int:
    """A wrong or revoked key counts against the caller's address, on Open311 and /api/v1
    alike, so that guessing keys is limited too: 0, or the seconds to wait."""
    address = ratelimit.fingerprint(ratelimit.client_address(request))
    return ratelimit.allow(f"open311:ip:{address}", limit_for(None))
