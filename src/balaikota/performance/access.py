"""Who may do what in the performance auction, and one object-access helper per kind.

The mayor's office (the panel) plans, runs auctions and decides; the holder of a position
(through its current `Assignment`) answers offers and checks in; verifiers (Bappeda,
inspectorate) verify check-ins. Views, the API and services all ask here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from balaikota.agencies.models import Assignment, Official, Position
from balaikota.core.models import Role, User
from balaikota.performance.models import CheckIn, Commitment, Evidence, Offer

AnyUser = User | AnonymousUser


class NotAllowed(Exception):
    """The user may not take this step; the message says why, for the user."""


def is_panel(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.MAYOR_OFFICE


def is_verifier(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.VERIFIER


def sees_dashboard(user: AnyUser) -> bool:
    return user.is_authenticated and user.role in {Role.MAYOR_OFFICE, Role.VERIFIER, Role.ADMIN}


def current_assignments(at: dt.datetime | None = None) -> Q:
    """Assignments in force at the moment `at` (now): a post changes hands at the moment of
    the decision, so the outgoing holder's rights end then, not at the end of the day."""
    moment = at or timezone.now()
    return Q(starts_at__lte=moment) & (Q(ends_at__isnull=True) | Q(ends_at__gt=moment))


def holder_of(position: Position, at: dt.datetime | None = None) -> Assignment | None:
    return (
        Assignment.objects.filter(current_assignments(at), position=position)
        .select_related("official")
        .order_by("-starts_at", "-id")
        .first()
    )


def holders_of(positions: list[int], at: dt.datetime | None = None) -> dict[int, User]:
    """The user holding each of `positions` at the moment `at`, in one query."""
    rows = (
        Assignment.objects.filter(current_assignments(at), position_id__in=positions)
        .select_related("official__user")
        .order_by("starts_at", "id")
    )
    return {row.position_id: row.official.user for row in rows if row.official.user}


def official_of(user: AnyUser) -> Official | None:
    if not user.is_authenticated:
        return None
    return Official.objects.filter(user=user).first()


def held_positions(user: AnyUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Assignment.objects.filter(current_assignments(), official__user=user).values_list(
            "position_id", flat=True
        )
    )


def holds(user: AnyUser, position_id: int) -> bool:
    return position_id in held_positions(user)


def get_offer_for_holder(user: AnyUser, pk: int) -> Offer:
    offer = Offer.objects.select_related("auction", "position__agency").filter(pk=pk).first()
    if offer is None or not holds(user, offer.position_id):
        raise Http404
    return offer


def get_offer_for_panel(user: AnyUser, pk: int) -> Offer:
    if not is_panel(user):
        raise Http404
    offer = Offer.objects.select_related("auction", "position__agency", "official").filter(pk=pk)
    found = offer.first()
    if found is None:
        raise Http404
    return found


def get_commitment_for_holder(user: AnyUser, pk: int) -> Commitment:
    commitment = (
        Commitment.objects.select_related("indicator", "agency", "position", "official")
        .filter(pk=pk)
        .first()
    )
    if commitment is None or not holds(user, commitment.position_id):
        raise Http404
    return commitment


def get_commitment_for_reader(user: AnyUser, pk: int) -> Commitment:
    """The dashboard's drill-down: the panel, verifiers and admins, or the holder; and a
    former holder, for their own reports only (`sees_all_of`)."""
    commitment = (
        Commitment.objects.select_related("indicator", "agency", "position", "official")
        .filter(pk=pk)
        .first()
    )
    if commitment is None:
        raise Http404
    if not (sees_all_of(user, commitment) or wrote_on(user, commitment)):
        raise Http404
    return commitment


def sees_all_of(user: AnyUser, commitment: Commitment) -> bool:
    return sees_dashboard(user) or holds(user, commitment.position_id)


def wrote_on(user: AnyUser, commitment: Commitment) -> bool:
    """Whether `user` reported on `commitment`: an outgoing holder keeps reading their own
    past reports (and nothing else of the post) after it changed hands."""
    return user.is_authenticated and commitment.check_ins.filter(submitted_by=user).exists()


def get_evidence_for_reader(user: AnyUser, pk: int) -> Evidence:
    item = Evidence.objects.select_related("check_in__commitment").filter(pk=pk).first()
    if item is None:
        raise Http404
    commitment = item.check_in.commitment
    if not (sees_all_of(user, commitment) or item.check_in.submitted_by_id == user.pk):
        raise Http404
    return item


def get_check_in_for_verifier(user: AnyUser, pk: int) -> CheckIn:
    if not is_verifier(user):
        raise Http404
    check_in = (
        CheckIn.objects.select_related("commitment__indicator", "commitment__agency")
        .filter(pk=pk)
        .first()
    )
    if check_in is None:
        raise Http404
    return check_in
