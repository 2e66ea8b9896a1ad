from __future__ import annotations

from balaikota.agencies.models import Agency
from balaikota.core.models import Role, User


def members_of(agency: Agency) -> list[User]:
    """Everyone who works the agency's inbox: its staff and its head."""
    return list(
        User.objects.filter(
            memberships__agency=agency,
            is_active=True,
            role__in=[Role.AGENCY_STAFF, Role.AGENCY_HEAD],
        ).distinct()
    )


def heads_of(agency: Agency) -> list[User]:
    return list(
        User.objects.filter(
            memberships__agency=agency, role=Role.AGENCY_HEAD, is_active=True
        ).distinct()
    )
