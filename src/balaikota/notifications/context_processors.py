from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest

from balaikota.notifications.models import Notice


def notices(request: HttpRequest) -> dict[str, Any]:
    """`unread_notices`: the signed-in user's unread in-app notices, counted only when a
    template shows it (one indexed query), at most once per page."""
    user = request.user
    if not user.is_authenticated:
        return {"unread_notices": 0}

    @functools.cache
    def unread() -> int:
        return Notice.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notices": unread}
