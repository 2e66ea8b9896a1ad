"""Who must give a second factor: everyone who is not only a citizen."""

from __future__ import annotations

from typing import Any

from balaikota.core.roles import is_staff_member


def needs_second_factor(user: Any) -> bool:
    """Every staff role, and anyone the admin lets in (a superuser made with
    `createsuperuser` keeps the citizen role but opens the admin)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_staff_member(user) or user.is_staff or user.is_superuser
