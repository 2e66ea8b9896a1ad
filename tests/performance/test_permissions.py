"""Who may answer, verify and decide: in the services, the pages and the API alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from balaikota.agencies.models import Assignment
from balaikota.performance import monitoring, services
from balaikota.performance.models import Commitment, OfferStatus
from balaikota.performance.services import NotAllowed
from tests.performance.conftest import PLAN, World, open_round, signed


def test_only_the_holder_of_the_post_may_answer(world: World) -> None:
    offer = open_round(world)["dpupr"]
    for outsider in (world.dinkes_head, world.cast.pupr_staff, world.mayor, world.verifier):
        with pytest.raises(NotAllowed):
            services.commit(outsider, offer, action_plan=PLAN, pact_confirmed=True)
        with pytest.raises(NotAllowed):
            services.decline(outsider, offer, reason="bukan saya")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_a_former_holder_may_no_longer_answer(world: World) -> None:
    offer = open_round(world)["dpupr"]
    Assignment.objects.filter(official__user=world.pupr_head).update(
        ends_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(NotAllowed):
        services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)


def test_only_the_mayors_office_may_plan_accept_and_decide(world: World) -> None:
    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    services.decline(world.dinsos_head, offers["dinsos"], reason="Tidak sanggup.")
    for other in (world.pupr_head, world.verifier, world.cast.operator, world.cast.admin):
        with pytest.raises(NotAllowed):
            services.accept(other, offers["dpupr"])
        with pytest.raises(NotAllowed):
            services.open_reassignment(
                other, offers["dinsos"], candidates=[world.candidate], reason="x"
            )
        with pytest.raises(NotAllowed):
            services.copy_targets_forward(other, 2026)


def test_only_a_verifier_may_verify_or_return(world: World) -> None:
    commitment = Commitment.objects.get(offer=signed(world, "dpupr"))
    check_in = monitoring.submit_check_in(
        world.pupr_head, commitment, monitoring.CheckInInput(quarter=1, actual=9, confidence="high")
    )
    for other in (world.pupr_head, world.mayor, world.cast.operator):
        with pytest.raises(NotAllowed):
            monitoring.verify_check_in(other, check_in)
        with pytest.raises(NotAllowed):
            monitoring.return_check_in(other, check_in, "salah")
    monitoring.verify_check_in(world.verifier, check_in)


def test_only_the_holder_may_check_in(world: World) -> None:
    commitment = Commitment.objects.get(offer=signed(world, "dpupr"))
    data = monitoring.CheckInInput(quarter=1, actual=9, confidence="high")
    for other in (world.dinkes_head, world.cast.pupr_staff, world.verifier):
        with pytest.raises(NotAllowed):
            monitoring.submit_check_in(other, commitment, data)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("who", "url", "allowed"),
    [
        ("mayor", "/kinerja/panel", True),
        ("pupr_head", "/kinerja/panel", False),
        ("verifier", "/kinerja/panel", False),
        ("verifier", "/kinerja/verifikasi", True),
        ("mayor", "/kinerja/verifikasi", False),
        ("pupr_head", "/kinerja/verifikasi", False),
        ("mayor", "/kinerja/dasbor", True),
        ("verifier", "/kinerja/dasbor", True),
        ("pupr_head", "/kinerja/dasbor", False),
        ("pupr_head", "/kinerja/saya", True),
    ],
)
def test_pages_open_for_their_roles_only(world: World, who: str, url: str, allowed: bool) -> None:
    response = _client(getattr(world, who)).get(url)
    assert response.status_code == (200 if allowed else 404)


def test_another_head_cannot_answer_through_the_page_or_the_api(world: World) -> None:
    offer = open_round(world)["dpupr"]
    client = _client(world.dinkes_head)
    page = client.post(f"/kinerja/tawaran/{offer.pk}/decline", {"reason": "bukan saya"})
    api = client.post(
        f"/api/v1/performance/offers/{offer.pk}/decline",
        {"reason": "bukan saya"},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (404, 404)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_the_api_refuses_actions_without_a_session(world: World) -> None:
    offer = open_round(world)["dpupr"]
    response = Client().post(
        f"/api/v1/performance/offers/{offer.pk}/accept", content_type="application/json"
    )
    assert response.status_code == 401


def test_the_api_refuses_a_head_accepting_their_own_commitment(world: World) -> None:
    offer = open_round(world)["dpupr"]
    services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)
    response = _client(world.pupr_head).post(
        f"/api/v1/performance/offers/{offer.pk}/accept", content_type="application/json"
    )
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.COMMITTED
