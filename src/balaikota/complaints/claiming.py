"""A citizen's earlier reports join their account once they prove the phone number or e-mail
address the reports were made with (balaikota.accounts.citizens).

Only reports that no account holds yet and whose contact was not removed are claimed. A
number matches in every writing intake keeps (0812…, 62812…, +62812…), through the index
on `reporter_phone`; an address matches whatever its case, through the index on its upper
case.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper

from balaikota.complaints.models import Complaint
from balaikota.core import audit
from balaikota.core.models import User


def national_phone(number: str) -> str:
    """The number's digits as written at home: +62 812-…, 62812… and 0812… are 0812…
    (the same rule as privacy.contacts, which this app may not import)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("62") and len(digits) >= 10 and not digits.startswith("620"):
        return "0" + digits[2:]
    return digits


def phone_writings(national: str) -> list[str]:
    """The ways a number is stored (intake keeps its digits and a leading +): a national
    number 0812… is also 62812… and +62812…."""
    number = national_phone(national)
    if not number.startswith("0"):
        return [number]
    rest = number[1:]
    return [number, f"62{rest}", f"+62{rest}"]


def _same(complaint: Complaint, phone: str, email: str) -> bool:
    if phone and national_phone(complaint.reporter_phone) == national_phone(phone):
        return True
    return bool(email) and complaint.reporter_email.strip().lower() == email.strip().lower()


@transaction.atomic
def claim(user: User, *, phone: str = "", email: str = "") -> list[str]:
    """Link to `user` the unclaimed reports made with this (proved) number or address, in
    one audited step; returns their tickets, oldest first."""
    mine = Q(pk__in=[])
    if phone:
        mine |= Q(reporter_phone__in=phone_writings(phone))
    if email:
        mine |= Q(reporter_email_upper=email.strip().upper())
    rows = (
        Complaint.objects.alias(reporter_email_upper=Upper("reporter_email"))
        .filter(mine, reporter__isnull=True, contact_removed_at__isnull=True)
        .select_for_update()
        .only("pk", "ticket", "reporter_phone", "reporter_email")
        .order_by("created_at", "pk")
    )
    found = [c for c in rows if _same(c, phone, email)]
    if not found:
        return []
    # Not a change anyone else sees: `updated_at` (the public feeds' order) is left alone.
    Complaint.objects.filter(pk__in=[c.pk for c in found]).update(reporter=user)
    tickets = [c.ticket for c in found]
    audit.record(
        actor=user,
        action="complaints.claimed",
        object_type="core.user",
        object_id=user.pk,
        after={"by": "phone" if phone else "email", "tickets": tickets},
    )
    return tickets
