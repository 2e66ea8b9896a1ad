"""The second factor's pages (verify, enrol, recovery codes) and the password pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from balaikota.accounts import factors
from balaikota.accounts.forms import CodeForm, OutboxPasswordResetForm
from balaikota.accounts.staff import needs_second_factor
from balaikota.core.models import User

RECOVERY_CODES = "accounts.recovery_codes"


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the `next` asked for when it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(request: HttpRequest, url_name: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next(request)})}"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _complete(request: HttpRequest, device: Device) -> None:
    """The second factor is given: mark the session and give it a new key, so that a
    session id seen before this moment is worth nothing."""
    otp_login(request, device)
    request.session.cycle_key()


def _wait_message(user: User, code: str) -> str | None:
    """After wrong codes django-otp makes the user wait (1, 2, 4 … seconds) before the
    next try; the code is not even checked then."""
    wait = factors.seconds_until_allowed(user, code)
    if not wait:
        return None
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        wait,
    ) % {"seconds": wait}


WRONG_CODE = gettext_lazy(
    "That code is not right. Check the time on your phone and try the newest code."
)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if not needs_second_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    if factors.confirmed_totp(user) is None:
        return redirect(_with_next(request, "accounts:enrol"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _wait_message(user, form.cleaned_data["code"])
        device = None if wait else factors.verify(user, form.cleaned_data["code"])
        if device is not None:
            _complete(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left.",
                        "You used a recovery code; %(count)d are left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next(request))
        form.add_error("code", wait or WRONG_CODE)
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if not needs_second_factor(user):
        return redirect(_next(request))
    if factors.confirmed_totp(user) is not None:
        # Only an admin's reset makes room for a new authenticator.
        return redirect(_with_next(request, "accounts:verify"))
    device = factors.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _wait_message(user, form.cleaned_data["code"])
        codes = None if wait else factors.confirm_totp(device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            _complete(request, device)
            request.session[RECOVERY_CODES] = codes
            return redirect(_with_next(request, "accounts:recovery_codes"))
        form.add_error("code", wait or WRONG_CODE)
    context = {
        "form": form,
        "next": _next(request),
        "qr": mark_safe(factors.qr_svg(device)),  # noqa: S308 - segno's own SVG  # nosec B308, B703
        "secret": factors.secret_base32(device),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponseBase:
    """Shows new recovery codes once: right after enrolment, or when the user asks for a
    new set (which voids the old one)."""
    user = _user(request)
    if request.method == "POST":
        request.session[RECOVERY_CODES] = factors.new_recovery_codes(user)
        return redirect(_with_next(request, "accounts:recovery_codes"))
    codes = request.session.pop(RECOVERY_CODES, None)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Keeps this session (Django's update_session_auth_hash); every other session of the
    user ends at its next request, as its stored password hash no longer matches."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Links in e-mails use the configured address, never the request's Host header.
        self.extra_email_context = {"site_url": settings.SITE_URL, "city_name": settings.CITY_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
