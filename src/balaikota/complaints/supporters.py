""" "Saya juga" from a request: who the supporter is, and the watch for made-up support.

A browser is known by its own cookie; a browser without it (a script) would be a new
person on every post, so the support of anyone not signed in also counts once per
complaint and client address each day. Signed-in citizens count once per account, not per
address (families and mobile networks share one), and operators hear of a complaint that
gains many supporters from one address.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from balaikota.complaints import duplicates, notifications
from balaikota.complaints.models import Complaint
from balaikota.core import ratelimit

COOKIE = "saya_juga"
COOKIE_DAYS = 365
_DAY = 86400


def browser_id(request: HttpRequest) -> str:
    """This browser's id from its cookie, or a new one (set by `remember_browser`)."""
    given = request.COOKIES.get(COOKIE, "")
    return given if 16 <= len(given) <= 64 and given.isascii() else secrets.token_urlsafe(24)


def remember_browser(response: HttpResponse, browser: str) -> None:
    response.set_cookie(
        COOKIE,
        browser,
        max_age=COOKIE_DAYS * _DAY,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def support(request: HttpRequest, complaint: Complaint, browser: str) -> bool:
    """Count this request's "saya juga" once; False when it was counted before."""
    address = ratelimit.client_address(request)
    if request.user.is_authenticated:
        counted = duplicates.support(complaint, f"user:{request.user.pk}")
    else:
        counted = duplicates.support(complaint, f"browser:{browser}", address=address)
    if counted:
        _watch(complaint, address)
    return counted


def _watch(complaint: Complaint, address: str) -> None:
    """Operators are told once a day when one address has given the complaint
    SUPPORT_NOTICE_SUPPORTERS supporters."""
    today = ratelimit.count(
        f"support-from:{complaint.pk}:{ratelimit.fingerprint(address)}", (2**31 - 1, _DAY)
    )
    if today.count == settings.SUPPORT_NOTICE_SUPPORTERS:
        notifications.supporters_from_one_address(complaint, today.count)
