"""The demo's citizen account: `warga` has proved the number the sample reports were made
with, so that it holds them, and it signs in with a code like any citizen (README: where the
code appears when no SMS gateway is configured). A second number, the anonymous sample's,
belongs to no account: signing up with it shows an earlier report being claimed."""

from __future__ import annotations

from django.db import transaction

from balaikota.accounts.models import Identifier, IdentifierKind
from balaikota.complaints import claiming
from balaikota.core.models import User

DEMO_CITIZEN = "warga"
DEMO_CITIZEN_PHONE = "081234567890"
UNCLAIMED_PHONE = "081311112222"


@transaction.atomic
def load_citizen_account() -> int:
    """Safe to run again; returns how many reports the demo citizen holds."""
    user = User.objects.get(username=DEMO_CITIZEN)
    Identifier.objects.get_or_create(
        kind=IdentifierKind.PHONE, value=DEMO_CITIZEN_PHONE, defaults={"user": user}
    )
    if user.phone != DEMO_CITIZEN_PHONE:
        user.phone = DEMO_CITIZEN_PHONE
        user.save(update_fields=["phone"])
    claiming.claim(user, phone=DEMO_CITIZEN_PHONE)
    return user.complaints.count()
