"""Citizens sign up and sign in without a password: a one-time code sent to their phone
(through the SMS/WhatsApp gateway) or e-mail proves they hold it.

One path for both: a code to an identifier no account holds makes a new citizen account,
one to a held identifier signs its account in, so that no page ever says whether an
account exists. Staff never come through here: a code is never sent to a staff member's
number or address (they are told to use their password and authenticator instead), and a
staff account is never signed in by a code.

A code lives `CITIZEN_CODE_SECONDS`, works once, and stops after `CITIZEN_CODE_ATTEMPTS`
wrong tries; a new code for the same identifier ends the earlier ones. Only a keyed hash of
it is stored, compared in constant time. How many codes are sent is limited per identifier
and per client address by the views (core/ratelimit.py).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from balaikota.accounts.models import Identifier, IdentifierKind, SignInCode
from balaikota.accounts.staff import needs_second_factor
from balaikota.complaints import claiming
from balaikota.core import audit
from balaikota.core.models import Role, User
from balaikota.notifications import services as outbox
from balaikota.privacy.contacts import national_phone

CODE_DIGITS = 6
CODE_EVENT = "citizen.code"
STAFF_EVENT = "citizen.code_refused_staff"


@dataclass(frozen=True)
class Address:
    """A phone number or e-mail address as typed, understood: `value` is the national form
    of a number (08…) or the lower-cased address."""

    kind: str
    value: str

    @property
    def is_phone(self) -> bool:
        return self.kind == IdentifierKind.PHONE

    @property
    def international(self) -> str:
        """A number as the gateway takes it (+62…)."""
        return f"+62{self.value[1:]}" if self.is_phone else self.value

    def masked(self) -> str:
        """Enough to recognise it on the screen of a shared phone: 0812****7890, b***@x.id."""
        if self.is_phone:
            return f"{self.value[:4]}****{self.value[-4:]}"
        name, _at, domain = self.value.partition("@")
        return f"{name[:1]}***@{domain}"


def parse(text: str) -> Address:
    """An Indonesian mobile number in any writing (0812…, +62 812…, 62812…) or an e-mail
    address; ValidationError with a message for the citizen otherwise."""
    text = text.strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise ValidationError(_("This e-mail address is not valid.")) from exc
        return Address(IdentifierKind.EMAIL, text.lower())
    if any(ch.isalpha() for ch in text):
        raise ValidationError(_("Enter a mobile number (08…) or an e-mail address."))
    number = national_phone(text)
    if number.startswith("8"):
        number = "0" + number  # written without the leading 0
    if not (number.startswith("08") and 10 <= len(number) <= 13):
        raise ValidationError(
            _("This is not an Indonesian mobile number. Write it as 08… or +62 8….")
        )
    return Address(IdentifierKind.PHONE, number)


def _digest(kind: str, value: str, code: str) -> str:
    return salted_hmac(
        "balaikota.accounts.citizen-code", f"{kind}:{value}:{code}", algorithm="sha256"
    ).hexdigest()


def _staff_holds(address: Address) -> bool:
    """Whether the number or address is a staff member's (or an admin's)."""
    staff = User.objects.filter(~Q(role=Role.CITIZEN) | Q(is_staff=True) | Q(is_superuser=True))
    if not address.is_phone:
        return staff.filter(email__iexact=address.value).exists()
    # A staff member's number is typed by an admin, in any writing ("+62 812-…", with
    # spaces): compared in its national form, over the (few hundred) staff who have one.
    numbers = staff.exclude(phone="").values_list("phone", flat=True)
    return any(national_phone(number) == address.value for number in numbers)


def _tell(address: Address, *, subject: str, text: str, event: str, link: str = "") -> None:
    if address.is_phone:
        outbox.send_text(address.international, channel="sms", event=event, text=text)
    else:
        outbox.send_email(address.value, event=event, subject=subject, body=text, link=link)


@transaction.atomic
def issue(address: Address, *, for_user: User | None = None) -> SignInCode:
    """Send a new code to the address, ending any earlier one. To a staff member's number or
    address no code goes (a note says how staff sign in), but the row is made all the same,
    so that the pages that follow look the same and refuse every code."""
    now = timezone.now()
    SignInCode.objects.filter(expires_at__lt=now).delete()
    SignInCode.objects.filter(kind=address.kind, value=address.value, used_at=None).delete()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    staff = _staff_holds(address)
    row = SignInCode.objects.create(
        kind=address.kind,
        value=address.value,
        # A staff identifier's row holds no hash any code can match.
        code_hash="-" if staff else _digest(address.kind, address.value, code),
        for_user=for_user,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.CITIZEN_CODE_SECONDS),
    )
    minutes = settings.CITIZEN_CODE_SECONDS // 60
    with translation.override(settings.LANGUAGE_CODE):
        if staff:
            _tell(
                address,
                event=STAFF_EVENT,
                subject=_("SAMBAT: staff sign in with their password"),
                text=_(
                    "Someone asked for a citizen's sign-in code for this number or address. It "
                    "belongs to a staff account, which signs in with its password and "
                    "authenticator app on the staff log-in page. No code was sent."
                ),
            )
            return row
        link = reverse("accounts:citizen_code") + "?" + urlencode({"p": row.pk, "kode": code})
        _tell(
            address,
            event=CODE_EVENT,
            subject=_("SAMBAT: your sign-in code %(code)s") % {"code": code},
            text=_(
                "Your SAMBAT sign-in code is %(code)s. It works once, for %(minutes)d minutes. "
                "Never give it to anyone, city staff included."
            )
            % {"code": code, "minutes": minutes},
            link="" if address.is_phone else link,
        )
    return row


class Check(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    SPENT = "spent"  # expired, used, or too many wrong tries


@dataclass(frozen=True)
class Checked:
    result: Check
    row: SignInCode | None = None
    tries_left: int = 0


def check(pk: object, code: str) -> Checked:
    """Try a code against the row it was sent with: each try counts, a right one is used up.
    Counted in its own transaction, so that a wrong try is counted however the request ends."""
    code = "".join(code.split())
    try:
        number = int(str(pk))
    except ValueError:
        return Checked(Check.SPENT)
    if not 0 < number < 2**63:  # what no row has, nor the database can compare
        return Checked(Check.SPENT)
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().filter(pk=number).first()
        if row is None:
            return Checked(Check.SPENT)
        limit = settings.CITIZEN_CODE_ATTEMPTS
        if row.used_at is not None or row.attempts >= limit or row.expires_at <= timezone.now():
            return Checked(Check.SPENT)
        row.attempts += 1
        right = hmac.compare_digest(row.code_hash, _digest(row.kind, row.value, code))
        if right:
            row.used_at = timezone.now()
        row.save(update_fields=["attempts", "used_at"])
    if not right:
        left = limit - row.attempts
        return Checked(Check.WRONG if left else Check.SPENT, tries_left=left)
    return Checked(Check.ACCEPTED, row)


class NotForCitizens(Exception):
    """The code was right but the account it leads to is not a citizen's (a staff member, an
    admin, a deactivated account), or the identifier is another account's."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    created: bool
    claimed: list[str]


def _is_citizen(user: AbstractBaseUser | User) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.CITIZEN
        and not needs_second_factor(user)
    )


def _existing_account(address: Address) -> User | None:
    """The account that proved this identifier before; else the one citizen account that
    carries it unproved (made before citizens signed in by code): proving it now is as good
    as a password reset mailed there."""
    held = Identifier.objects.filter(kind=address.kind, value=address.value).first()
    if held is not None:
        return held.user
    if address.is_phone:
        carries = Q(phone__in=claiming.phone_writings(address.value))
    else:
        carries = Q(email__iexact=address.value)
    candidates = list(User.objects.filter(carries, role=Role.CITIZEN)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _new_account() -> User:
    """A citizen account named by a random handle: never their number or address, which
    would then show wherever a user name does."""
    while True:
        username = f"warga-{secrets.token_hex(4)}"
        if not User.objects.filter(username=username).exists():
            break
    user = User(username=username, role=Role.CITIZEN)
    user.set_unusable_password()
    user.save()
    return user


def _prove(user: User, address: Address) -> None:
    """Record the identifier as the account's, and keep it where notices look for it."""
    Identifier.objects.get_or_create(kind=address.kind, value=address.value, user=user)
    if address.is_phone and not user.phone:
        user.phone = address.value
        user.save(update_fields=["phone"])
    elif not address.is_phone and not user.email:
        user.email = address.value
        user.save(update_fields=["email"])


@transaction.atomic
def complete(row: SignInCode) -> SignedIn:
    """After a right code: the account signed into (made if new) or added to, the identifier
    proved, and the reports made earlier with it claimed; all in one step, audited."""
    address = Address(row.kind, row.value)
    if _staff_holds(address):
        raise NotForCitizens
    holder = _existing_account(address)
    if row.for_user is not None:
        if holder is not None and holder.pk != row.for_user_id:
            raise NotForCitizens
        user, created = row.for_user, False
    else:
        user, created = (holder, False) if holder is not None else (_new_account(), True)
    if not _is_citizen(user):
        raise NotForCitizens
    _prove(user, address)
    if address.is_phone:
        claimed = claiming.claim(user, phone=address.value)
    else:
        claimed = claiming.claim(user, email=address.value)
    audit.record(
        actor=user,
        action="user.citizen_signed_up" if created else "user.citizen_identifier_proved",
        object_type="core.user",
        object_id=user.pk,
        after={"kind": address.kind, "claimed": len(claimed)},
    )
    return SignedIn(user, created, claimed)


@transaction.atomic
def delete_account(user: User) -> int:
    """The citizen deletes their account: their reports stay, with their contact removed as
    the privacy app removes it on request (and written in its register); the account keeps
    no name, number nor address, and can never sign in again. (The row itself stays: the
    audit record names it as the actor of the citizen's own steps.) Returns how many
    reports were kept."""
    from balaikota.privacy import services as privacy

    report = privacy.erase_account(user)
    Identifier.objects.filter(user=user).delete()
    SignInCode.objects.filter(for_user=user).delete()
    user.username = f"dihapus-{user.pk}-{secrets.token_hex(3)}"
    user.first_name = user.last_name = user.email = user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit.record(
        actor=None,
        action="user.citizen_deleted",
        object_type="core.user",
        object_id=user.pk,
        after={"complaints": len(report.complaints)},
    )
    return len(report.complaints)
