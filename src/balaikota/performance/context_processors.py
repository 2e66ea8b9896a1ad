from __future__ import annotations

from django.http import HttpRequest

from balaikota.core.models import Role
from balaikota.performance import access


def performance(request: HttpRequest) -> dict[str, bool]:
    """Which performance pages the navigation offers (roles only: no query)."""
    user = request.user
    return {
        "perf_holder": user.is_authenticated and user.role == Role.AGENCY_HEAD,
        "perf_panel": access.is_panel(user),
        "perf_verifier": access.is_verifier(user),
        "perf_dashboard": access.sees_dashboard(user),
    }
