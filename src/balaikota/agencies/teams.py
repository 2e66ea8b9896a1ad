"""The head of an agency keeps its field teams and says who works in the field: each change
in one transaction, with its audit entry (as the admin's changes have)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from balaikota.agencies.models import Agency, Membership, Team
from balaikota.core import plaintext
from balaikota.core.changes import record_change, snapshot
from balaikota.core.models import Role, User


class TeamChangeRefused(Exception):
    """The change cannot be made; the message says why, for the head."""


def manages(user: User, agency: Agency) -> bool:
    """Only the agency's own head keeps its teams (administrators use the admin)."""
    return (
        user.is_authenticated
        and user.role == Role.AGENCY_HEAD
        and Membership.objects.filter(user=user, agency=agency).exists()
    )


def _check(user: User, agency: Agency) -> None:
    if not manages(user, agency):
        raise TeamChangeRefused(_("Only the head of the agency may change its field teams."))


@transaction.atomic
def create_team(agency: Agency, user: User, name: str) -> Team:
    _check(user, agency)
    name = " ".join(plaintext.clean(name).split())[:120]
    if not name:
        raise TeamChangeRefused(_("Give the team a name."))
    try:
        with transaction.atomic():
            team = Team.objects.create(agency=agency, name=name)
    except IntegrityError as exc:
        raise TeamChangeRefused(_("The agency already has a team of this name.")) from exc
    record_change(actor=user, instance=team, before=None)
    return team


@transaction.atomic
def set_team_active(team: Team, user: User, active: bool) -> Team:
    _check(user, team.agency)
    team = Team.objects.select_for_update().get(pk=team.pk)
    before = snapshot(team)
    team.is_active = active
    team.save(update_fields=["is_active"])
    record_change(actor=user, instance=team, before=before)
    return team


@transaction.atomic
def set_field_officer(
    membership: Membership, user: User, *, is_field_officer: bool, team: Team | None
) -> Membership:
    """Whether a member of the agency works in the field, and in which team."""
    _check(user, membership.agency)
    if team is not None and (team.agency_id != membership.agency_id or not team.is_active):
        raise TeamChangeRefused(_("This team is not one of the agency's active teams."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    before = snapshot(membership)
    membership.is_field_officer = is_field_officer
    membership.team = team if is_field_officer else None
    membership.save(update_fields=["is_field_officer", "team"])
    record_change(actor=user, instance=membership, before=before)
    return membership
