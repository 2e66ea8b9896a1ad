from __future__ import annotations

from django.db.models import QuerySet

from balaikota.agencies.models import Agency, Membership
from balaikota.core.models import Role, User


def agency_ids_of(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("agency_id", flat=True))


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("short_name")


def heads_of(agency: Agency) -> QuerySet[User]:
    return User.objects.filter(
        memberships__agency=agency, role=Role.AGENCY_HEAD, is_active=True
    ).distinct()
