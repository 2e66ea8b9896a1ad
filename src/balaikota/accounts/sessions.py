"""Staff session limits: an idle limit and an absolute one, both from settings.

The times are kept in the session itself (seconds since the epoch), so they hold on every
web process and host. The last-seen time is written at most once a minute, not on every
request, so that reading a page does not always write the session.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest

SIGNED_IN_AT = "accounts.signed_in_at"
LAST_SEEN_AT = "accounts.last_seen_at"
_SEEN_GRANULARITY = 60


@receiver(user_logged_in)
def _start_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def expired(session: SessionBase, now: float | None = None) -> bool:
    """Whether a staff session has passed its idle or absolute limit."""
    now = time.time() if now is None else now
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        # A session from before these limits: its clock starts now.
        session[SIGNED_IN_AT] = session.get(SIGNED_IN_AT, int(now))
        session[LAST_SEEN_AT] = int(now)
        return False
    return (
        now - signed_in_at > settings.STAFF_SESSION_SECONDS
        or now - last_seen_at > settings.STAFF_IDLE_SECONDS
    )


def touch(session: SessionBase, now: float | None = None) -> None:
    now = time.time() if now is None else now
    if now - session.get(LAST_SEEN_AT, 0) >= _SEEN_GRANULARITY:
        session[LAST_SEEN_AT] = int(now)
