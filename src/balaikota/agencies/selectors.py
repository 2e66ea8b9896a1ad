from __future__ import annotations

from collections.abc import Collection

from balaikota.agencies.models import Agency, Membership
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


def members_by_agency(agency_ids: Collection[int]) -> dict[int, list[User]]:
    """`members_of` for several agencies in one query: agency id → its members."""
    members: dict[int, list[User]] = {pk: [] for pk in agency_ids}
    rows = Membership.objects.filter(
        agency_id__in=agency_ids,
        user__is_active=True,
        user__role__in=[Role.AGENCY_STAFF, Role.AGENCY_HEAD],
    ).select_related("user")
    seen: set[tuple[int, int]] = set()
    for row in rows.order_by("agency_id", "user_id"):
        if (row.agency_id, row.user_id) not in seen:
            seen.add((row.agency_id, row.user_id))
            members[row.agency_id].append(row.user)
    return members


def heads_of(agency: Agency) -> list[User]:
    return list(
        User.objects.filter(
            memberships__agency=agency, role=Role.AGENCY_HEAD, is_active=True
        ).distinct()
    )
