"""Staff second factors, on django-otp's devices: one TOTP device (RFC 6238, any
authenticator app) and one set of single-use recovery codes per user.

Verifying goes through the devices' own `verify_token`, which refuses a TOTP code already
used and slows down guessing (django-otp's throttling); nothing here computes a code.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from base64 import b32encode
from binascii import hexlify

import segno
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from balaikota.core import audit
from balaikota.core.models import User

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
# Demo only: `balaikota demo` derives each demo user's TOTP secret from this and the user
# name, so that the README can say how to get a code. Never used for real users.
DEMO_SEED = b"balaikota-demo-totp"


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user: User) -> TOTPDevice:
    """The device being enrolled: its secret stays the same until it is confirmed, so a
    reload of the enrolment page does not invalidate the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (attributes only: the CSP allows no inline style)."""
    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=4, border=2, dark="#000", light="#fff", title="QR"
        )
    )


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a pending device with its first code; returns the new recovery codes, or
    None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; only their holder sees them."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def _normalised(token: str) -> str:
    return "".join(token.split()).lower()


def _kind(token: str) -> type[TOTPDevice] | type[StaticDevice]:
    """An authenticator's code is digits only; recovery codes have letters. Each code is
    tried on its own kind of device only, so that a recovery code does not count as a
    wrong authenticator code (and slow the next one down)."""
    return TOTPDevice if token.isdigit() else StaticDevice


def verify(user: User, token: str) -> Device | None:
    """The device that accepts this code: the authenticator's, or one recovery code (which
    is then used up)."""
    token = _normalised(token)
    if not token:
        return None
    with transaction.atomic():
        devices = _kind(token).objects.select_for_update().filter(user=user, confirmed=True)
        for device in devices:
            if device.verify_token(token):
                return device
    return None


def seconds_until_allowed(user: User, token: str) -> int:
    """How long the user must wait before trying this kind of code again, after wrong ones
    (django-otp's throttling: 1, 2, 4 … seconds)."""
    waits = []
    for device in _kind(_normalised(token)).objects.filter(user=user):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            waits.append(int(details["locked_until"].timestamp() - time.time()) + 1)
    return max(waits, default=0)


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the user's authenticator shows now (for `balaikota totp` and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def demo_key(username: str) -> str:
    """A demo user's TOTP secret (hex, as django-otp stores it): fixed per user name."""
    digest = hmac.new(DEMO_SEED, username.encode(), hashlib.sha256).digest()
    return hexlify(digest[:20]).decode()


@transaction.atomic
def enrol_demo(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name="demo",
        defaults={"key": demo_key(user.get_username()), "confirmed": True},
    )
    return device


@transaction.atomic
def reset(user: User, *, actor: User | None) -> int:
    """Remove every second factor of the user (a lost phone): their next sign-in enrols a
    new one. Returns how many devices were removed; the audit log records who did it."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    audit.record(
        actor=actor,
        action="user.second_factor_reset",
        object_type="core.user",
        object_id=user.pk,
        before={"devices": removed},
        after={"devices": 0},
    )
    return removed
