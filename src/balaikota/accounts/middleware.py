"""Staff act only after a second factor, and their sessions end when idle or old.

One rule for everything that resolves to a view: a staff user whose session has not given
the second factor reaches only the sign-in pages themselves (log-in, the factor's pages,
log-out, password reset, the language switch, /healthz and public photos). Pages are
redirected to the factor's page and come back afterwards; /api/ calls get a JSON 403;
htmx requests are told to load the factor's page. Static files are served by WhiteNoise
before this runs. Citizens pass untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from balaikota.accounts import factors, sessions
from balaikota.accounts.staff import needs_second_factor

# Views a staff user reaches before (or without) the second factor.
EXEMPT_VIEWS = frozenset(
    {
        "core:login",
        "core:logout",
        "core:healthz",
        "accounts:verify",
        "accounts:enrol",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "set_language",
        "media",
    }
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _go(request: HttpRequest, url_name: str) -> HttpResponseBase:
    url = f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        user = request.user
        if not needs_second_factor(user):
            return None
        match = request.resolver_match
        exempt = match is not None and match.view_name in EXEMPT_VIEWS
        if sessions.expired(request.session):
            return self._end(request, exempt)
        sessions.touch(request.session)
        if exempt or user.is_verified():  # type: ignore[union-attr]
            return None
        if _is_api(request):
            return JsonResponse(
                {"detail": _("Give your second factor (authenticator code) first.")},
                status=403,
            )
        has_device = factors.confirmed_totp(user) is not None  # type: ignore[arg-type]
        return _go(request, "accounts:verify" if has_device else "accounts:enrol")

    def _end(self, request: HttpRequest, exempt: bool) -> HttpResponseBase | None:
        logout(request)
        message = _("Your session has ended. Please log in again.")
        if _is_api(request):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return None if exempt else _go(request, "core:login")
