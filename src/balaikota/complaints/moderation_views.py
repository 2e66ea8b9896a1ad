"""Staff pages for privacy: moderating what the public sees of a complaint, and opening the
identity of an anonymous reporter. Views parse, call one service, and redirect."""

from __future__ import annotations

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balaikota.complaints import forms, identity, moderation, selectors
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import PRIVACY_RANK, Complaint, Photo, Privacy
from balaikota.core import roles
from balaikota.core.models import User


def _moderator(request: HttpRequest) -> User | None:
    return cast(User, request.user) if roles.may_moderate(request.user) else None


@login_required
def moderate(request: HttpRequest, ticket: str) -> HttpResponse:
    """What the public sees of one complaint, beside what staff see, with every tool."""
    user = _moderator(request)
    if user is None:
        raise PermissionDenied(_("Only operators may moderate complaints."))
    complaint = selectors.complaint_for_staff(user, ticket)
    if request.method == "POST":
        try:
            done = _apply(request, user, complaint)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("complaints:moderate", ticket=complaint.ticket)
    photos = list(complaint.photos.all())
    stricter = [
        (value, label)
        for value, label in Privacy.choices
        if PRIVACY_RANK[Privacy(value)] > PRIVACY_RANK[Privacy(complaint.privacy)]
    ]
    return render(
        request,
        "complaints/staff/moderate.html",
        {
            "complaint": complaint,
            "staff_text": identity.staff_text(complaint, user),
            "text_form": forms.PublicTextForm(initial={"public_text": complaint.public_text}),
            "photos": [
                {"photo": p, "areas": json.dumps(p.blur_areas)} for p in photos if p.staff_image
            ],
            "stricter": stricter,
        },
    )


def _apply(request: HttpRequest, user: User, complaint: Complaint) -> str:
    """Carry out one moderation form; returns what to tell the moderator."""
    what = request.POST.get("what", "")
    reason = request.POST.get("reason", "")
    if what == "text":
        form = forms.PublicTextForm(request.POST)
        if not form.is_valid():
            raise TransitionNotAllowed(_("The public text cannot be empty."))
        moderation.edit_public_text(complaint, user, form.cleaned_data["public_text"], reason)
        return _("The public text was saved.")
    if what in {"withhold", "release"}:
        moderation.set_withheld(complaint, user, what == "withhold", reason)
        if what == "withhold":
            return _("The complaint is withheld from publication.")
        return _("The complaint may be published again.")
    if what == "approve":
        moderation.approve(complaint, user, reason)
        return _("The complaint was approved for publication.")
    if what == "photo":
        return _moderate_photo(request, user, complaint, reason)
    if what == "privacy":
        moderation.change_privacy(complaint, request.POST.get("privacy", ""), user=user)
        return _("The privacy of the complaint was changed.")
    raise TransitionNotAllowed(_("Unknown action."))


def _moderate_photo(request: HttpRequest, user: User, complaint: Complaint, reason: str) -> str:
    photo = get_object_or_404(Photo, pk=request.POST.get("photo") or 0, complaint=complaint)
    try:
        areas = json.loads(request.POST.get("blur_areas") or "[]")
    except ValueError:
        raise TransitionNotAllowed(_("An area to blur is not a rectangle.")) from None
    moderation.change_photo(
        photo,
        user,
        moderation.PhotoChange(hidden=request.POST.get("hidden") == "1", blur_areas=areas),
        reason,
    )
    return _("The photo was updated; its public copy is being made again.")


@login_required
@require_POST
def reveal_identity(request: HttpRequest, ticket: str) -> HttpResponse:
    """ "Buka identitas": the data protection officer opens an anonymous reporter's identity."""
    user = cast(User, request.user)
    if not roles.may_reveal_identity(user):
        raise PermissionDenied(
            _("Only the data protection officer may reveal the identity of a reporter.")
        )
    complaint = selectors.complaint_for_staff(user, ticket)
    try:
        identity.reveal(complaint, user, request.POST.get("reason", ""))
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The identity was opened. The reason is recorded and the reporter is told.")
        )
    return redirect("complaints:staff_detail", ticket=complaint.ticket)
