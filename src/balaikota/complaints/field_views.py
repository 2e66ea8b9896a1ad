"""Work in the field: the officer's task list and task page (phone first), handing a
complaint to a team or officer from the staff page, and the head's field page (teams,
officers, workload and timeliness)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balaikota.agencies import teams
from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints import (
    field,
    identity,
    lifecycle,
    placecheck,
    selectors,
    services,
    tasklist,
)
from balaikota.complaints import workload as figures
from balaikota.complaints.lifecycle import Action, TransitionNotAllowed
from balaikota.complaints.models import Complaint, Photo, PlaceCheck
from balaikota.core import roles
from balaikota.core.models import Role, User

PAGE_SIZE = 20


def _agency_member(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not roles.is_agency_member(user):
        raise PermissionDenied(_("This page is for agency staff."))
    return user


def _id(value: str | None) -> int | None:
    """A row id from a form, or None for anything else (a hostile value never reaches SQL)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _near(request: HttpRequest) -> placecheck.Point | None:
    lat, _sep, lon = request.GET.get("dekat", "").partition(",")
    return placecheck.device_point(lat, lon) if lon else None


# --- The officer's tasks ---------------------------------------------------------------------


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    user = _agency_member(request)
    near = _near(request)
    page = Paginator(tasklist.tasks_for(user, near), PAGE_SIZE).get_page(request.GET.get("halaman"))
    items = [
        {
            "complaint": c,
            "directions": tasklist.directions(c),
            "away_m": tasklist.away_m(c, near),
            "pooled": c.field_officer_id is None,
        }
        for c in page
    ]
    return render(
        request,
        "complaints/field/tasks.html",
        {
            "page": page,
            "items": items,
            "near": near,
            "query": urlencode({"dekat": request.GET["dekat"]}) if near else "",
            "is_officer": Membership.objects.filter(user=user, is_field_officer=True).exists(),
            "now": timezone.now(),
        },
    )


@login_required
def task(request: HttpRequest, ticket: str) -> HttpResponse:
    user = _agency_member(request)
    complaint = selectors.complaint_for_staff(user, ticket)
    try:
        actions = lifecycle.allowed_actions(complaint.status, services.actor_for(user, complaint))
    except TransitionNotAllowed:
        actions = []
    photos = list(complaint.photos.all())
    return render(
        request,
        "complaints/field/task.html",
        {
            "complaint": complaint,
            "staff_text": identity.staff_text(complaint, user),
            "directions": tasklist.directions(complaint),
            "actions": [a.value for a in actions],
            "may_take": Action.DISPATCH in actions
            and complaint.field_officer_id != user.pk
            and Membership.objects.filter(
                user=user, agency=complaint.agency, is_field_officer=True
            ).exists(),
            "before_photos": [p for p in photos if p.kind == Photo.Kind.BEFORE],
            "after_photos": [p for p in photos if p.kind == Photo.Kind.AFTER],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def task_action(request: HttpRequest, ticket: str, action: str) -> HttpResponse:
    user = _agency_member(request)
    complaint = selectors.complaint_for_staff(user, ticket)
    note = request.POST.get("note", "")
    try:
        if action == "take":
            services.dispatch_complaint(complaint, user, officer=user, note=note)
            messages.success(request, _("The task is yours."))
        elif action == Action.ACCEPT:
            services.accept_complaint(complaint, user, note)
            messages.success(request, _("Accepted: the complaint is being handled."))
        elif action == Action.NOTE:
            services.add_progress_note(complaint, user, note, request.FILES.get("photo"))
            messages.success(request, _("The progress update was added."))
        elif action == Action.RESOLVE:
            device = placecheck.device_point(
                request.POST.get("device_lat"), request.POST.get("device_lon")
            )
            services.resolve_complaint(
                complaint, user, note, request.FILES.get("photo"), device_location=device
            )
            _say_resolved(request, complaint)
            return redirect("complaints:tasks")
        else:
            raise TransitionNotAllowed(_("Unknown action."))
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("complaints:task", ticket=complaint.ticket)


def _say_resolved(request: HttpRequest, complaint: Complaint) -> None:
    photo = complaint.photos.filter(kind=Photo.Kind.AFTER).order_by("-id").first()
    if photo is not None and photo.place_check in {PlaceCheck.FAR, PlaceCheck.UNKNOWN}:
        messages.warning(
            request,
            _("Resolved. %(flag)s The head of the agency is told.")
            % {
                "flag": field.flag_sentence(
                    photo.place_check, photo.place_distance_m, photo.place_source
                )
            },
        )
    else:
        messages.success(request, _("Resolved. Thank you."))


# --- Handing a complaint to the field (the staff page) ---------------------------------------


def detail_context(complaint: Complaint, actions: list[Action]) -> dict[str, Any]:
    """What the staff page shows of the field work: who has it, the form to hand it on
    (to the agency's own staff), and the flagged "after" photos."""
    agency = complaint.agency_id
    may_dispatch = Action.DISPATCH in actions and agency is not None
    return {
        "may_dispatch": may_dispatch,
        "teams": list(field.teams_of(agency)) if agency and may_dispatch else [],
        "officers": list(field.officers_of(agency)) if agency and may_dispatch else [],
        "flags": [
            {
                "photo": photo,
                "sentence": field.flag_sentence(
                    photo.place_check, photo.place_distance_m, photo.place_source
                ),
            }
            for photo in complaint.photos.all()
            if photo.place_check in {PlaceCheck.FAR, PlaceCheck.UNKNOWN}
        ],
    }


@login_required
@require_POST
def dispatch(request: HttpRequest, ticket: str) -> HttpResponse:
    user = _agency_member(request)
    complaint = selectors.complaint_for_staff(user, ticket)
    kind, _sep, given = request.POST.get("to", "").partition(":")
    pk = _id(given)
    team = officer = None
    try:
        if kind == "team" and pk is not None:
            team = Team.objects.filter(pk=pk).first()
        elif kind == "officer" and pk is not None:
            officer = User.objects.filter(pk=pk).first()
        if team is None and officer is None:
            raise TransitionNotAllowed(_("Choose a team or a field officer."))
        services.dispatch_complaint(
            complaint, user, team=team, officer=officer, note=request.POST.get("note", "")
        )
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": lifecycle.ACTION_LABELS[Action.DISPATCH]}
        )
    return redirect("complaints:staff_detail", ticket=complaint.ticket)


# --- The head's field page -------------------------------------------------------------------


def _field_agency(request: HttpRequest) -> tuple[Agency, bool]:
    """The agency whose field page `request.user` opens, and whether they may change it."""
    user = request.user
    if isinstance(user, User) and user.role == Role.AGENCY_HEAD:
        agency = Agency.objects.filter(memberships__user=user).order_by("short_name").first()
        if agency is not None:
            return agency, True
    if isinstance(user, User) and roles.reads_whole_city(user):
        return get_object_or_404(Agency, code=request.GET.get("opd", "")), False
    raise PermissionDenied(_("This page is for the head of an agency."))


@login_required
def field_page(request: HttpRequest) -> HttpResponse:
    agency, manages = _field_agency(request)
    now = timezone.now()
    by_officer, by_team = figures.summarise(figures.rows(agency, now), now)
    members = list(
        Membership.objects.filter(agency=agency, user__is_active=True)
        .select_related("user", "team")
        .order_by("-is_field_officer", "user__first_name", "user__username")
    )
    all_teams = list(Team.objects.filter(agency=agency).order_by("-is_active", "name"))
    empty = figures.Load()
    return render(
        request,
        "complaints/field/overview.html",
        {
            "agency": agency,
            "manages": manages,
            "officers": [
                {"membership": m, "load": by_officer.get(m.user_id, empty)}
                for m in members
                if m.is_field_officer
            ],
            "teams": [{"team": t, "load": by_team.get(t.pk, empty)} for t in all_teams],
            "members": members,
            "active_teams": [t for t in all_teams if t.is_active],
        },
    )


@login_required
@require_POST
def field_change(request: HttpRequest, what: str) -> HttpResponse:
    agency, manages = _field_agency(request)
    user = request.user
    if not manages or not isinstance(user, User):
        raise PermissionDenied(_("Only the head of the agency may change its field teams."))
    try:
        if what == "tim":
            teams.create_team(agency, user, request.POST.get("name", ""))
            messages.success(request, _("The team was added."))
        elif what == "aktif":
            team = get_object_or_404(Team, pk=_id(request.POST.get("team")), agency=agency)
            teams.set_team_active(team, user, request.POST.get("active") == "1")
            messages.success(request, _("The team was changed."))
        elif what == "petugas":
            membership = get_object_or_404(
                Membership, pk=_id(request.POST.get("membership")), agency=agency
            )
            team_id = _id(request.POST.get("team"))
            chosen = Team.objects.filter(pk=team_id).first() if team_id is not None else None
            teams.set_field_officer(
                membership,
                user,
                is_field_officer=request.POST.get("is_field_officer") == "1",
                team=chosen,
            )
            messages.success(request, _("Saved."))
        else:
            raise PermissionDenied()
    except teams.TeamChangeRefused as exc:
        messages.error(request, str(exc))
    return redirect("complaints:field")
