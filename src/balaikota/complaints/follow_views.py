"""Following a complaint by e-mail: ask on the tracking page, confirm from the e-mail, end
with one click (balaikota.complaints.following)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from balaikota.complaints import following, forms, selectors
from balaikota.complaints.models import Follower
from balaikota.core import ratelimit
from balaikota.core.ratelimit import wait_message


@require_POST
def follow(request: HttpRequest, ticket: str) -> HttpResponse:
    complaint = selectors.public_complaint(ticket)
    if not complaint.published or not complaint.is_open:
        raise Http404("no such open published complaint")
    form = forms.FollowForm(request.POST)
    status = 400
    if form.is_valid():
        email = form.cleaned_data["email"]
        # Per address and per e-mail: nobody floods a mailbox with confirmations.
        wait = ratelimit.check(request, "follow", settings.RATE_LIMIT_SUBSCRIBE, key=email.lower())
        if wait:
            form.add_error(None, wait_message(wait))
            status = 429
        elif following.too_many_pending(email):
            form.add_error(
                "email",
                forms.FollowForm.too_many_message,
            )
        else:
            following.follow(complaint, email)
            return render(
                request, "complaints/follow.html", {"state": "asked", "complaint": complaint}
            )
    return render(
        request,
        "complaints/follow.html",
        {"state": "form", "complaint": complaint, "form": form},
        status=status,
    )


def _page(request: HttpRequest, follower: Follower | None, state: str) -> HttpResponse:
    if follower is None:
        raise Http404("no such follower")
    return render(
        request,
        "complaints/follow.html",
        {"state": state, "complaint": follower.complaint, "token": follower.token},
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only its POST confirms (mail scanners follow links, not forms)."""
    follower = following.confirm(token) if request.method == "POST" else following.find(token)
    if follower is not None and follower.ended_at is not None:
        return _page(request, follower, "ended")
    confirmed = follower is not None and follower.confirmed_at is not None
    return _page(request, follower, "confirmed" if confirmed else "confirm")


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button; POST (the button, or a mail program's one-click) ends it."""
    if request.method == "POST":
        return _page(request, following.unsubscribe(token), "ended")
    follower = following.find(token)
    ended = follower is not None and follower.ended_at is not None
    return _page(request, follower, "ended" if ended else "confirm_end")
