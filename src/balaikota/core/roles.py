"""Who may do what, in one place. Views and services ask these instead of testing roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from balaikota.core.models import Role, User

AnyUser = User | AnonymousUser

OPERATOR_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})
AGENCY_ROLES = frozenset({Role.AGENCY_STAFF, Role.AGENCY_HEAD})
CITYWIDE_READERS = frozenset({Role.OPERATOR, Role.ADMIN, Role.MAYOR_OFFICE, Role.PRIVACY_OFFICER})


def is_operator(user: AnyUser) -> bool:
    return user.is_authenticated and user.role in OPERATOR_ROLES


def is_agency_member(user: AnyUser) -> bool:
    return user.is_authenticated and user.role in AGENCY_ROLES


def reads_whole_city(user: AnyUser) -> bool:
    return user.is_authenticated and user.role in CITYWIDE_READERS


def is_staff_member(user: AnyUser) -> bool:
    return user.is_authenticated and user.role != Role.CITIZEN


def may_reveal_identity(user: AnyUser) -> bool:
    """Only the designated data protection officer may see who reported anonymously."""
    return user.is_authenticated and user.role == Role.PRIVACY_OFFICER


def may_moderate(user: AnyUser) -> bool:
    return is_operator(user)
