"""Staff sign in here through the real pages: the password form, then the second factor
(the autouse force_login shortcut of tests/conftest.py is not used in these tests)."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from balaikota.accounts import factors
from balaikota.core.models import User
from tests.peers import smtp_server

PASSWORD = "password-123"


def log_in_with_password(client: Client, user: User, next_url: str = "") -> str:
    """Returns where the log-in form sends the browser."""
    url = reverse("core:login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return str(response["Location"])


def enrolled(user: User) -> TOTPDevice:
    """A confirmed authenticator, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """What the phone shows now (for the first step not used yet)."""
    device.refresh_from_db()
    unused = (device.last_t + 1) * device.step + device.t0
    return factors.current_code(device, at=max(time.time(), unused))


def verified_client(user: User) -> Client:
    client = Client()
    device = factors.confirmed_totp(user) or enrolled(user)
    log_in_with_password(client, user)
    response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert response.status_code == 302, response.content[:800]
    return client


__all__ = ["smtp_server"]
