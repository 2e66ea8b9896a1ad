"""Demo only: `balaikota demo` gives every demo staff user an authenticator with a known
secret (derived from a fixed seed and the user name, see `factors.demo_key`), so that the
demo can be tried without a phone: `balaikota totp USER` prints the current code."""

from __future__ import annotations

from balaikota.accounts import factors
from balaikota.core.models import Role, User


def enrol_demo_staff() -> int:
    staff = User.objects.exclude(role=Role.CITIZEN).order_by("username")
    for user in staff:
        if factors.confirmed_totp(user) is None:
            factors.enrol_demo(user)
    return staff.count()
