"""The privacy notice, and the reporter's own pages: see every piece of personal data held,
download it, correct the contact, withdraw it.

A complaint's data is shown to its reporter only: the holder of its private link (the key
kept in the session) or the signed-in citizen who filed it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from balaikota.complaints import services as complaints
from balaikota.complaints.models import Complaint, Privacy
from balaikota.complaints.tickets import normalise_ticket
from balaikota.core.models import User
from balaikota.privacy import processing, services
from balaikota.privacy.forms import ContactForm, WithdrawForm
from balaikota.privacy.retention import Schedule

# Keys of the export whose values are moments, shown as dates on the pages.
_MOMENTS = frozenset(
    {
        "submitted",
        "closed",
        "contact_removed",
        "joined",
        "last_login",
        "posted",
        "time",
        "created",
        "sent",
        "received",
        "answer_by",
        "finished",
        "confirmed",
        "ended",
        "generated",
    }
)


def notice(request: HttpRequest) -> HttpResponse:
    """/privasi: what is collected and why, who sees what, how long it is kept, the rights
    and whom to ask; every number from the settings."""
    return render(
        request,
        "privacy/notice.html",
        {
            "schedule": Schedule.from_settings(),
            "officer": processing.officer(),
            "modes": {mode.value: mode.label for mode in Privacy},
        },
    )


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _complaint(ticket: str) -> Complaint:
    complaint = Complaint.objects.filter(ticket=normalise_ticket(ticket)).first()
    if complaint is None:
        raise Http404("no such complaint")
    return complaint


def _may_see(request: HttpRequest, complaint: Complaint) -> bool:
    return complaints.reporter_may_act(
        complaint, key=request.session.get(f"key:{complaint.ticket}"), user=_user(request)
    )


def _forbidden(request: HttpRequest, ticket: str) -> HttpResponse:
    return render(request, "privacy/forbidden.html", {"ticket": ticket}, status=403)


def _shown(value: Any, key: str = "") -> Any:
    """The export as the page shows it: moments as datetimes, for the date filter."""
    if isinstance(value, dict):
        return {k: _shown(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if key in _MOMENTS and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _download(data: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
def complaint_data(request: HttpRequest, ticket: str) -> HttpResponse:
    complaint = _complaint(ticket)
    if "kunci" in request.GET:
        # As on the tracking page: the key moves into the session, out of the address bar.
        request.session[f"key:{complaint.ticket}"] = request.GET["kunci"]
        return redirect("privacy:complaint", ticket=complaint.ticket)
    if not _may_see(request, complaint):
        return _forbidden(request, complaint.ticket)
    return _complaint_page(request, complaint, ContactForm(initial=_initial(complaint)))


def _initial(complaint: Complaint) -> dict[str, str]:
    return {
        "name": complaint.reporter_name,
        "phone": complaint.reporter_phone,
        "email": complaint.reporter_email,
    }


def _complaint_page(
    request: HttpRequest, complaint: Complaint, form: ContactForm, status: int = 200
) -> HttpResponse:
    data = _shown(services.export_personal_data(ticket=complaint.ticket))
    return render(
        request,
        "privacy/complaint.html",
        {
            "complaint": complaint,
            "entry": data["complaints"][0],
            "data": data,
            "form": form,
            "withdraw_form": WithdrawForm(),
        },
        status=status,
    )


@never_cache
def complaint_download(request: HttpRequest, ticket: str) -> HttpResponse:
    complaint = _complaint(ticket)
    if not _may_see(request, complaint):
        return _forbidden(request, complaint.ticket)
    data = services.export_personal_data(ticket=complaint.ticket)
    return _download(data, f"data-pribadi-{complaint.ticket}.json")


@require_POST
def correct(request: HttpRequest, ticket: str) -> HttpResponse:
    complaint = _complaint(ticket)
    if not _may_see(request, complaint):
        return _forbidden(request, complaint.ticket)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            changed = services.correct_contact(
                complaint,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                actor=_user(request),
            )
        except services.ContactInvalid as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            if changed:
                messages.success(request, _("Your contact has been corrected."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("privacy:complaint", ticket=complaint.ticket)
    return _complaint_page(request, complaint, form, status=400)


@require_POST
def withdraw(request: HttpRequest, ticket: str) -> HttpResponse:
    complaint = _complaint(ticket)
    if not _may_see(request, complaint):
        return _forbidden(request, complaint.ticket)
    if not WithdrawForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm that updates will stop."))
        return redirect("privacy:complaint", ticket=complaint.ticket)
    if complaint.contact_removed_at is None:
        services.withdraw_contact(complaint, by_reporter=True, actor=_user(request))
        messages.success(
            request,
            _(
                "Your contact has been removed from complaint %(ticket)s. The complaint stays "
                "and will be handled without your name; updates have stopped (one last message "
                "confirms it)."
            )
            % {"ticket": complaint.ticket},
        )
    if request.session.get(f"key:{complaint.ticket}"):
        return redirect("privacy:complaint", ticket=complaint.ticket)
    return redirect("privacy:mine")


def _browser_tickets(request: HttpRequest) -> list[str]:
    """Complaints this browser holds the private link of."""
    return [
        key.removeprefix("key:")
        for key in request.session.keys()  # noqa: SIM118 - sessions are not iterable
        if key.startswith("key:") and request.session.get(key)
    ]


@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    """A signed-in citizen's data over all their complaints, and the complaints whose
    private link this browser holds."""
    user = _user(request)
    data = _shown(services.export_personal_data(user=user)) if user is not None else None
    theirs = {c["ticket"] for c in data["complaints"]} if data else set()
    browser = [
        c
        for c in Complaint.objects.filter(ticket__in=_browser_tickets(request)).order_by(
            "-created_at"
        )
        if c.ticket not in theirs and _may_see(request, c)
    ]
    return render(
        request,
        "privacy/mine.html",
        {
            "data": data,
            "browser_complaints": browser,
        },
    )


@never_cache
@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    assert user is not None  # login_required
    data = services.export_personal_data(user=user)
    return _download(data, "data-pribadi-saya.json")
