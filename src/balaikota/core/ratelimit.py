"""Counting requests per minute in the cache (Redis in production, shared by every web
process; without Redis each process counts on its own)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone


def allow(bucket: str, limit: int) -> int:
    """Count one request in `bucket`'s current minute: 0 when allowed, otherwise the
    seconds until the next minute starts (for Retry-After)."""
    now = timezone.now()
    window = f"rate:{bucket}:{now:%Y%m%d%H%M}"
    cache.add(window, 0, timeout=90)
    try:
        count = cache.incr(window)
    except ValueError:  # expired between add and incr
        cache.set(window, 1, timeout=90)
        count = 1
    return 0 if count <= limit else 60 - now.second
