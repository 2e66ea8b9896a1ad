"""The performance cast: heads holding their posts, a verifier, a pool official, and a
plan with an indicator of every polarity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from balaikota.agencies.models import Agency, Assignment, Official, Position
from balaikota.core.models import Role, User
from balaikota.performance import services
from balaikota.performance.models import (
    Commitment,
    CommitmentStatus,
    Indicator,
    Offer,
    Reassignment,
    Target,
)
from tests.conftest import Cast, make_user

YEAR = 2026


@dataclass
class World:
    cast: Cast
    mayor: User
    pupr_head: User
    dinkes_head: User
    dinsos_head: User
    verifier: User
    candidate: Official
    poverty: Target  # down, selisih, last value
    roads: Target  # up, sum
    inflation: Target  # range, last value
    maternal: Target  # down, rasio, sum

    def position(self, code: str) -> Position:
        return Position.objects.get(agency__code=code, is_head=True)


def holder(user: User, code: str, *, nip: str) -> Official:
    official = Official.objects.create(name=user.username.title(), nip=nip, user=user)
    Assignment.objects.create(
        position=Position.objects.get(agency__code=code, is_head=True),
        official=official,
        starts_at=timezone.now() - dt.timedelta(days=30),
    )
    return official


def indicator(mayor: User, name: str, polarity: str, aggregation: str, **kw: object) -> Indicator:
    return services.create_indicator(
        mayor,
        services.IndicatorInput(
            name=name,
            unit=str(kw.pop("unit", "%")),
            polarity=polarity,
            aggregation=aggregation,
            **kw,  # type: ignore[arg-type]
        ),
    )


@pytest.fixture
def world(cast: Cast) -> World:
    mayor = cast.mayor_office
    dinkes_head = make_user("dinkes-head", Role.AGENCY_HEAD, "dinkes")
    dinsos_head = make_user("dinsos-head", Role.AGENCY_HEAD, "dinsos")
    holder(cast.pupr_head, "dpupr", nip="196801011990031001")
    holder(dinkes_head, "dinkes", nip="197002021995032002")
    holder(dinsos_head, "dinsos", nip="197103031996031003")
    staff = make_user("dinsos-sekretaris", Role.AGENCY_STAFF, "dinsos")
    candidate = Official.objects.create(
        name="Sekretaris Dinsos", nip="198001012005011004", user=staff
    )
    verifier = make_user("bappeda", Role.VERIFIER)
    poverty = indicator(
        mayor, "Persentase penduduk miskin", "down", "last", baseline_value=4.1, baseline_year=2024
    )
    roads = indicator(mayor, "Panjang jalan diperbaiki", "up", "sum", unit="km")
    inflation = indicator(mayor, "Inflasi tahunan", "range", "last")
    maternal = indicator(mayor, "Jumlah kematian ibu", "down", "sum", unit="jiwa", method="rasio")
    return World(
        cast=cast,
        mayor=mayor,
        pupr_head=cast.pupr_head,
        dinkes_head=dinkes_head,
        dinsos_head=dinsos_head,
        verifier=verifier,
        candidate=candidate,
        poverty=services.set_target(
            mayor, poverty, YEAR, {"value": 3.8, "q1": 4.0, "q2": 3.95, "q3": 3.9, "q4": 3.8}
        ),
        roads=services.set_target(
            mayor, roads, YEAR, {"value": 40, "q1": 10, "q2": 10, "q3": 10, "q4": 10}
        ),
        inflation=services.set_target(mayor, inflation, YEAR, {"low": 2.5, "high": 4.5}),
        maternal=services.set_target(
            mayor, maternal, YEAR, {"value": 8, "q1": 2, "q2": 2, "q3": 2, "q4": 2}
        ),
    )


def open_round(world: World) -> dict[str, Offer]:
    """PUPR is offered roads; Dinkes maternal deaths; Dinsos poverty and inflation."""
    auction = services.open_auction(
        world.mayor,
        year=YEAR,
        title="Lelang Kinerja 2026",
        deadline=timezone.now() + dt.timedelta(days=7),
        packages={
            world.position("dpupr"): [world.roads],
            world.position("dinkes"): [world.maternal],
            world.position("dinsos"): [world.poverty, world.inflation],
        },
    )
    return {o.position.agency.code: o for o in auction.offers.select_related("position__agency")}


PLAN = {"1": "Survei", "2": "Pelaksanaan", "3": "Pelaksanaan", "4": "Evaluasi"}


def signed(world: World, code: str = "dpupr") -> Offer:
    """A round where `code`'s head committed and the mayor's office accepted."""
    offers = open_round(world)
    offer = offers[code]
    head = {"dpupr": world.pupr_head, "dinkes": world.dinkes_head, "dinsos": world.dinsos_head}
    services.commit(head[code], offer, action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offer)
    offer.refresh_from_db()
    return offer


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def appoint(world: World, reassignment: Reassignment, *, is_acting: bool) -> list[Commitment]:
    """The mayor appoints the candidate, who confirms their own pact: the targets pass."""
    offer = services.decide_reassignment(
        world.mayor, reassignment, official=world.candidate, is_acting=is_acting
    )
    assert world.candidate.user is not None
    services.commit(world.candidate.user, offer, action_plan=PLAN, pact_confirmed=True)
    return list(
        Commitment.objects.filter(offer=offer, status=CommitmentStatus.ACTIVE).order_by("id")
    )
