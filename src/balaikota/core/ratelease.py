"""Rate limits for reads, counted in leases: one shared count per handful of requests.

`ratelimit.allow` writes the shared counter (Redis or a database row) once per request. For a
client reading a list many times a minute, each process instead takes a *lease* of several
hits from the shared counter at once and spends it in memory. Every admitted request still
holds its own number within the limit (a lease is handed out only up to it), so all the
processes together never admit more than the limit; a process's unspent lease only makes
the others refuse a little earlier near the end of a window. A limit too small to split
(under 2 × PARTS a minute) is counted request by request, as before.
"""

from __future__ import annotations

import math
import threading
import time

from balaikota.core import ratelimit

# A lease is this part of a window's limit, at most MAX_LEASE hits.
PARTS = 20
MAX_LEASE = 100

_lock = threading.Lock()
# (bucket, window start) -> hits this process may still admit in that window.
_left: dict[tuple[str, int], int] = {}


def _spend(key: tuple[str, int]) -> bool:
    with _lock:
        left = _left.get(key, 0)
        if left <= 0:
            return False
        _left[key] = left - 1
        return True


def _keep(key: tuple[str, int], left: int) -> None:
    with _lock:
        for old in [k for k in _left if k[1] < key[1]]:
            del _left[old]  # windows that have ended
        _left[key] = left


def allow(bucket: str, limit: int, seconds: int = 60) -> int:
    """`ratelimit.allow` for reads: 0 when allowed, otherwise the seconds to wait."""
    now = time.time()
    window_start = int(now // seconds * seconds)
    retry_after = max(1, math.ceil(window_start + seconds - now))
    key = (bucket, window_start)
    if _spend(key):
        return 0
    lease = max(1, min(MAX_LEASE, limit // PARTS))
    total = ratelimit.counter().increment(bucket, window_start, seconds, lease)
    first = total - lease + 1  # the number of this lease's first hit in the window
    if first > limit:
        return retry_after
    _keep(key, min(total, limit) - first)  # this request takes the lease's first hit
    return 0


def forget() -> None:
    """Drop this process's leases (tests: the counters they came from are rolled back)."""
    with _lock:
        _left.clear()
