from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from balaikota.core import roles


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "CITY_NAME": settings.CITY_NAME,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "is_staff_member": roles.is_staff_member(user),
        "is_operator": roles.is_operator(user),
    }
