"""Work in the field: what the steps of `services` need about an agency's teams and field
officers, the check that the "after" photo was taken at the place, and their notices.

The steps themselves are services (`services.dispatch_complaint`, and the place check inside
`services.resolve_complaint`), each with its event and audit entry. Nothing here opens a
transaction of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.agencies import selectors as agencies
from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints import placecheck
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Complaint, Photo
from balaikota.complaints.steps import city_text
from balaikota.core import audit
from balaikota.core.models import User
from balaikota.notifications import services as outbox


def officers_of(agency: Agency | int) -> QuerySet[Membership]:
    """The agency's active field officers, with their teams, by name."""
    return (
        Membership.objects.filter(agency=agency, is_field_officer=True, user__is_active=True)
        .select_related("user", "team")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def teams_of(agency: Agency | int) -> QuerySet[Team]:
    return Team.objects.filter(agency=agency, is_active=True).order_by("name")


def person(user: User) -> str:
    return user.get_full_name() or user.get_username()


def choose(
    complaint: Complaint, team: Team | None, officer: User | None
) -> tuple[Team | None, User | None]:
    """The team and officer to hand the complaint to, checked against its agency: an
    officer without a team named goes with their own team."""
    if complaint.agency_id is None:
        raise TransitionNotAllowed(_("No agency holds this complaint."))
    if team is None and officer is None:
        raise TransitionNotAllowed(_("Choose a team or a field officer."))
    if team is not None and (team.agency_id != complaint.agency_id or not team.is_active):
        raise TransitionNotAllowed(_("This team is not one of the agency's active teams."))
    if officer is not None:
        membership = officers_of(complaint.agency_id).filter(user=officer).first()
        if membership is None:
            raise TransitionNotAllowed(_("This person is not a field officer of the agency."))
        team = team or membership.team
    if (team and team.pk, officer and officer.pk) == (
        complaint.field_team_id,
        complaint.field_officer_id,
    ):
        raise TransitionNotAllowed(_("The complaint is already with this team and officer."))
    return team, officer


def dispatch_note(team: Team | None, officer: User | None, note: str) -> str:
    """The event's note (for staff only: the public timeline shows the label alone)."""
    if officer is not None and team is not None:
        who = city_text(
            gettext_lazy("For %(officer)s (%(team)s)."), officer=person(officer), team=team.name
        )
    elif officer is not None:
        who = city_text(gettext_lazy("For %(officer)s."), officer=person(officer))
    else:
        assert team is not None
        who = city_text(gettext_lazy("For the team %(team)s."), team=team.name)
    return f"{who}\n{note.strip()}".strip()


def tell_officers(complaint: Complaint) -> None:
    """The officer handed the complaint (or, handed to a team, its officers) hear of it."""
    if complaint.field_officer is not None:
        people = [complaint.field_officer]
    elif complaint.field_team_id is not None and complaint.agency_id is not None:
        people = [
            m.user for m in officers_of(complaint.agency_id).filter(team=complaint.field_team_id)
        ]
    else:
        return
    with translation.override(settings.LANGUAGE_CODE):
        outbox.notify_users(
            people,
            event="complaint.dispatched",
            subject=_("Field task %(ticket)s: %(category)s")
            % {
                "ticket": complaint.ticket,
                "category": complaint.category.name if complaint.category else "-",
            },
            body=_("Place: %(place)s. Resolve by %(due)s.")
            % {
                "place": complaint.region.name if complaint.region else _("no location"),
                "due": complaint.due_at.strftime("%d-%m-%Y") if complaint.due_at else "-",
            },
            link=reverse("complaints:task", args=[complaint.ticket]),
        )


def check_place(
    complaint: Complaint, photo: Photo, user: User, device: placecheck.Point | None
) -> placecheck.Verdict | None:
    """Compare the resolving "after" photo's location with the complaint's place, keep the
    verdict on the photo and in the audit record, and tell the head of the agency of a
    flag. None when the complaint has no place to compare with."""
    if complaint.lat is None or complaint.lon is None:
        return None
    exif = None
    if photo.gps_lat is not None and photo.gps_lon is not None:
        exif = (photo.gps_lat, photo.gps_lon)
    verdict = placecheck.judge(
        (complaint.lat, complaint.lon),
        exif=exif,
        device=device,
        limit_m=settings.FIELD_PHOTO_MAX_DISTANCE_M,
    )
    photo.place_check = verdict.check
    photo.place_distance_m = verdict.distance_m
    photo.place_source = verdict.source
    photo.save(update_fields=["place_check", "place_distance_m", "place_source"])
    audit.record(
        actor=user,
        action="complaint.place_check",
        object_type="complaint",
        object_id=complaint.ticket,
        after={
            "photo": photo.pk,
            "check": verdict.check.value,
            "distance_m": verdict.distance_m,
            "source": verdict.source,
            "limit_m": settings.FIELD_PHOTO_MAX_DISTANCE_M,
        },
    )
    if verdict.flagged and complaint.agency is not None:
        _tell_heads(complaint, user, verdict)
    return verdict


def flag_sentence(check: str, distance_m: float | None, source: str) -> str:
    """What a flag says, in the current language (pages and notices alike)."""
    if check == "unknown":
        return _("The “after” photo has no location: neither its GPS nor the device's.")
    where = (
        _("by the photo's GPS")
        if source == "exif"
        else _("by the device's location when it was sent")
    )
    return _(
        "The “after” photo was taken %(distance)s m from the complaint's place (%(where)s)."
    ) % {
        "distance": f"{distance_m or 0:,.0f}".replace(",", "."),
        "where": where,
    }


def _tell_heads(complaint: Complaint, user: User, verdict: placecheck.Verdict) -> None:
    assert complaint.agency is not None
    with translation.override(settings.LANGUAGE_CODE):
        outbox.notify_users(
            agencies.heads_of(complaint.agency),
            event="complaint.after_photo_flagged",
            subject=_("Complaint %(ticket)s: check the “after” photo")
            % {"ticket": complaint.ticket},
            body=_("%(sentence)s Resolved by %(person)s. The limit is %(limit)s m.")
            % {
                "sentence": flag_sentence(verdict.check, verdict.distance_m, verdict.source),
                "person": person(user),
                "limit": settings.FIELD_PHOTO_MAX_DISTANCE_M,
            },
            link=reverse("complaints:staff_detail", args=[complaint.ticket]),
        )
