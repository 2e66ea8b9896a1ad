"""Citizens' pages: sign up or sign in with a code, their account, deleting it.

Every answer to "send me a code" reads the same whether or not an account holds the number
or address (and whether a staff member does): the code page says where a code was sent
only "if it can be used".
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from balaikota.accounts import citizens
from balaikota.accounts.forms import CodeForm, DeleteAccountForm, IdentifierForm
from balaikota.accounts.models import SignInCode
from balaikota.accounts.staff import needs_second_factor
from balaikota.core import ratelimit
from balaikota.core.models import User

PENDING = "accounts.citizen_code"
PENDING_TO = "accounts.citizen_code_to"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _citizen(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and not needs_second_factor(user) else None


# Codes to one number or address in a day, whatever RATE_LIMIT_CITIZEN_CODES allows in a
# shorter while: someone asking for codes to a stranger's number gets at most this many times
# CITIZEN_CODE_ATTEMPTS guesses at a million codes a day.
CODES_PER_DAY = 10


def _too_many_for_address(address: citizens.Address) -> int:
    client = ratelimit.fingerprint(address.value)
    return max(
        ratelimit.hit(f"citizen-code:to:{client}", settings.RATE_LIMIT_CITIZEN_CODES),
        ratelimit.hit(f"citizen-code:to-day:{client}", (CODES_PER_DAY, 86400)),
    )


def _ip_bucket(request: HttpRequest, scope: str) -> str:
    return f"{scope}:ip:{ratelimit.fingerprint(ratelimit.client_address(request))}"


def _address_wait_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Several codes were sent to this number or address just now. Use the newest one, or "
        "ask again in %(n)d minute.",
        "Several codes were sent to this number or address just now. Use the newest one, or "
        "ask again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


@never_cache
def sign_in(request: HttpRequest) -> HttpResponseBase:
    """Sign up or sign in (/akun/warga/masuk): the number or address to send a code to. A
    signed-in citizen adds another number or address here the same way."""
    if request.user.is_authenticated and _citizen(request) is None:
        return redirect("core:landing")  # staff keep their password and authenticator
    adding = _citizen(request)
    form = IdentifierForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address: citizens.Address = form.cleaned_data["address"]
        wait = ratelimit.hit(
            _ip_bucket(request, "citizen-code"), settings.RATE_LIMIT_CITIZEN_CODES_IP
        )
        message = ratelimit.wait_message(wait) if wait else ""
        if not wait:
            wait = _too_many_for_address(address)
            message = _address_wait_message(wait) if wait else ""
        if not wait:
            row = citizens.issue(address, for_user=adding)
            request.session[PENDING] = row.pk
            request.session[PENDING_TO] = address.masked()
            return redirect("accounts:citizen_code")
        form.add_error("address", message)
        status = 429
    elif request.method == "POST":
        status = 400
    return render(
        request, "accounts/citizen_sign_in.html", {"form": form, "adding": adding}, status=status
    )


def _code_form(request: HttpRequest) -> CodeForm:
    if request.method == "POST":
        return CodeForm(request.POST)
    return CodeForm(initial={"code": request.GET.get("kode", "")})


@never_cache
def enter_code(request: HttpRequest) -> HttpResponseBase:
    """The code sent (/akun/warga/kode). The e-mailed link opens this page with the code
    filled in; the citizen still presses the button (a mail scanner following the link does
    not use the code up)."""
    pending = request.POST.get("p") or request.GET.get("p") or request.session.get(PENDING)
    if not pending:
        return redirect("accounts:citizen_sign_in")
    form = _code_form(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        tries = settings.RATE_LIMIT_CITIZEN_CODES_IP
        wait = ratelimit.hit(_ip_bucket(request, "citizen-verify"), (tries[0] * 10, tries[1]))
        if wait:
            form.add_error("code", ratelimit.wait_message(wait))
            status = 429
        else:
            checked = citizens.check(pending, form.cleaned_data["code"])
            if checked.result is citizens.Check.ACCEPTED and checked.row is not None:
                done = _complete(request, checked.row)
                if done is not None:
                    return done
            form.add_error("code", _refusal(checked))
            status = 400
    return render(
        request,
        "accounts/citizen_code.html",
        {
            "form": form,
            "pending": pending,
            "sent_to": request.session.get(PENDING_TO, ""),
            "minutes": settings.CITIZEN_CODE_SECONDS // 60,
        },
        status=status,
    )


def _refusal(checked: citizens.Checked) -> str:
    if checked.result is citizens.Check.WRONG:
        return ngettext(
            "That code is not right. You can try %(n)d more time.",
            "That code is not right. You can try %(n)d more times.",
            checked.tries_left,
        ) % {"n": checked.tries_left}
    return _("This code no longer works (too old, used, or tried too often). Ask for a new one.")


def _complete(request: HttpRequest, row: SignInCode) -> HttpResponseBase | None:
    """Signs in (or adds the identifier), claims, says how many reports were claimed; None
    when the code leads to no citizen account (the page then refuses it like a spent one)."""
    try:
        done = citizens.complete(row)
    except citizens.NotForCitizens:
        return None
    request.session.pop(PENDING, None)
    request.session.pop(PENDING_TO, None)
    if row.for_user is None:
        login(request, done.user, backend=BACKEND)
        messages.success(
            request,
            _("Welcome! Your citizen account is made.")
            if done.created
            else _("You are signed in."),
        )
    else:
        messages.success(request, _("The number or address is added to your account."))
    if done.claimed:
        count = len(done.claimed)
        messages.info(
            request,
            ngettext(
                "%(count)d report you made earlier with this number or address is now in My "
                "complaints.",
                "%(count)d reports you made earlier with this number or address are now in My "
                "complaints.",
                count,
            )
            % {"count": count},
        )
    return redirect("accounts:account" if row.for_user else "complaints:mine")


@never_cache
@login_required(login_url="accounts:citizen_sign_in")
def account(request: HttpRequest) -> HttpResponseBase:
    """The citizen's account: the numbers and addresses it proved, its reports, log out,
    delete it."""
    user = _citizen(request)
    if user is None:
        return redirect("core:landing")
    return render(
        request,
        "accounts/citizen_account.html",
        {
            "identifiers": list(user.identifiers.all()),
            "complaints": user.complaints.count(),
            "delete_form": DeleteAccountForm(),
        },
    )


@require_POST
@login_required(login_url="accounts:citizen_sign_in")
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    if user is None:
        return redirect("core:landing")
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the account is deleted."))
        return redirect("accounts:account")
    kept = citizens.delete_account(user)
    logout(request)
    messages.success(
        request,
        ngettext(
            "Your account is deleted. Your %(count)d report stays, without your name or contact.",
            "Your account is deleted. Your %(count)d reports stay, without your name or contact.",
            kept,
        )
        % {"count": kept},
    )
    return redirect("complaints:home")
