"""The auction: offers, answers, negotiation, the signed agreement and reassignment."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.utils import timezone

from balaikota.agencies.models import Assignment
from balaikota.core.audit import broken_links
from balaikota.core.models import AuditEntry
from balaikota.notifications.models import Channel, OutboxMessage
from balaikota.performance import services
from balaikota.performance.models import (
    Answer,
    Commitment,
    CommitmentStatus,
    Event,
    Offer,
    OfferStatus,
    Target,
)
from balaikota.performance.services import InvalidInput
from tests.performance.conftest import PLAN, YEAR, World, appoint, open_round, signed


def test_opening_a_round_offers_each_post_its_package_and_notifies_the_holder(world: World) -> None:
    # when
    offers = open_round(world)
    # then
    assert offers["dinsos"].status == OfferStatus.PENDING
    assert offers["dinsos"].official is not None
    assert offers["dinsos"].official.user == world.dinsos_head
    assert {i.target for i in offers["dinsos"].items.all()} == {world.poverty, world.inflation}
    notices = OutboxMessage.objects.filter(
        recipient_user=world.dinsos_head, event="performance.offer"
    )
    assert {m.channel for m in notices} == {Channel.IN_APP, Channel.EMAIL}


def test_committing_stores_the_plan_and_the_pact_with_its_time_and_hash(world: World) -> None:
    offer = open_round(world)["dpupr"]
    # when
    answer = services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)
    # then
    offer.refresh_from_db()
    assert offer.status == OfferStatus.COMMITTED
    assert answer.action_plan == PLAN
    assert answer.pact_confirmed_at is not None
    assert len(answer.pact_hash) == 64
    assert offer.pact_hash == answer.pact_hash
    assert answer.pact_hash == services.pact_hash(
        offer, answer.official, PLAN, answer.pact_confirmed_at
    )


def test_committing_without_confirming_the_pact_is_refused_and_changes_nothing(
    world: World,
) -> None:
    offer = open_round(world)["dpupr"]
    with pytest.raises(InvalidInput) as refused:
        services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=False)
    assert "pact" in refused.value.errors
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    assert not Answer.objects.exists()


def test_committing_needs_a_plan_for_every_quarter(world: World) -> None:
    offer = open_round(world)["dpupr"]
    with pytest.raises(InvalidInput):
        services.commit(world.pupr_head, offer, action_plan={"1": "x"}, pact_confirmed=True)


def test_accepting_signs_one_commitment_per_target_with_the_agreed_values(world: World) -> None:
    offer = signed(world, "dinsos")
    commitments = {c.indicator_id: c for c in Commitment.objects.filter(offer=offer)}
    assert offer.status == OfferStatus.ACCEPTED
    assert commitments[world.poverty.indicator_id].value == 3.8
    assert commitments[world.poverty.indicator_id].q2 == 3.95
    inflation = commitments[world.inflation.indicator_id]
    assert (inflation.low, inflation.high) == (2.5, 4.5)
    assert all(c.status == CommitmentStatus.ACTIVE for c in commitments.values())
    assert all(c.action_plan == PLAN for c in commitments.values())


def test_a_counter_proposal_is_negotiated_into_a_revised_offer(world: World) -> None:
    offer = open_round(world)["dinkes"]
    item = offer.items.get()
    # when the head proposes 10 deaths instead of 8
    services.counter(
        world.dinkes_head,
        offer,
        proposal={str(item.pk): {"value": 10, "q1": 3, "q2": 3, "q3": 2, "q4": 2}},
        reason="Dua rumah sakit rujukan sedang direnovasi.",
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.COUNTERED
    # and the mayor's office meets them half way
    services.revise_offer(
        world.mayor, offer, values={str(item.pk): {"value": 9}}, note="Kita sepakati 9."
    )
    offer.refresh_from_db()
    item.refresh_from_db()
    # then
    assert (offer.status, offer.revision, item.value) == (OfferStatus.PENDING, 2, 9)
    services.commit(world.dinkes_head, offer, action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offer)
    assert Commitment.objects.get(offer=offer).value == 9
    actions = list(
        Event.objects.filter(offer=offer, subject="offer").values_list("action", flat=True)
    )
    # the signed PDF is recorded as the mayor accepts
    assert actions == ["offer", "counter", "revise_offer", "commit", "accept", "agreement_pdf"]
    assert list(offer.answers.values_list("kind", "revision")) == [("counter", 1), ("commit", 2)]


def test_a_counter_proposal_needs_a_reason_and_different_values(world: World) -> None:
    offer = open_round(world)["dinkes"]
    item = offer.items.get()
    with pytest.raises(InvalidInput):
        services.counter(
            world.dinkes_head, offer, proposal={str(item.pk): {"value": 10}}, reason=" "
        )
    with pytest.raises(InvalidInput):
        services.counter(world.dinkes_head, offer, proposal={}, reason="Terlalu berat.")


def test_a_decline_is_reassigned_to_an_acting_official(world: World) -> None:
    offer = open_round(world)["dinsos"]
    services.decline(world.dinsos_head, offer, reason="Anggaran program dipotong.")
    reassignment = services.open_reassignment(
        world.mayor, offer, candidates=[world.candidate], reason="Kepala dinas tidak sanggup."
    )
    # when the mayor appoints the candidate as Plt
    services.decide_reassignment(
        world.mayor, reassignment, official=world.candidate, is_acting=True, note="Plt sementara."
    )
    # then the post is theirs at once, the targets once they confirm their own pact
    offer.refresh_from_db()
    assert (offer.status, offer.official, offer.pact_hash) == (
        OfferStatus.APPOINTED,
        world.candidate,
        "",
    )
    current = Assignment.objects.get(position=offer.position, ends_at__isnull=True)
    assert (current.official, current.is_acting) == (world.candidate, True)
    assert not Commitment.objects.filter(offer=offer).exists()
    assert world.candidate.user is not None
    services.commit(world.candidate.user, offer, action_plan=PLAN, pact_confirmed=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REASSIGNED
    commitments = Commitment.objects.filter(offer=offer)
    assert len(commitments) == 2
    assert all(c.official == world.candidate and c.is_acting for c in commitments)


def test_reassigning_a_signed_agreement_amends_it(world: World) -> None:
    from balaikota.performance.models import Review

    offer = signed(world, "dpupr")
    old = Commitment.objects.get(offer=offer)
    review = Review.objects.create(commitment=old, quarter=2)
    reassignment = services.open_reassignment(
        world.mayor,
        offer,
        candidates=[world.candidate],
        reason="Dua triwulan gagal.",
        review=review,
    )
    [new] = appoint(world, reassignment, is_acting=False)
    old.refresh_from_db()
    assert old.status == CommitmentStatus.TRANSFERRED
    assert new.amends == old
    assert (new.value, new.q1) == (old.value, old.q1)


def test_no_answer_by_the_deadline_counts_as_a_decline(world: World) -> None:
    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    # when the worker runs after the deadline
    declined = services.decline_unanswered(timezone.now() + dt.timedelta(days=8))
    # then
    assert declined == 2
    late = Offer.objects.get(pk=offers["dinkes"].pk)
    assert late.status == OfferStatus.DECLINED
    assert late.answers.get().is_automatic
    assert Offer.objects.get(pk=offers["dpupr"].pk).status == OfferStatus.COMMITTED


def test_the_worker_declines_late_offers_on_its_schedule(world: World) -> None:
    from balaikota.performance import tasks

    offer = open_round(world)["dpupr"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        tasks.decline_unanswered_offers.call_local()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED


def test_answering_after_the_deadline_is_refused(world: World) -> None:
    offer = open_round(world)["dpupr"]
    offer.auction.deadline = timezone.now() - dt.timedelta(minutes=1)
    offer.auction.save()
    with pytest.raises(services.NotAllowed):
        services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)


def test_every_step_is_an_event_and_a_chained_audit_entry(world: World) -> None:
    offer = signed(world, "dpupr")
    commitment = Commitment.objects.get(offer=offer)
    event = Event.objects.get(commitment=commitment, action="sign")
    assert (event.from_status, event.to_status, event.actor) == ("", "active", world.mayor)
    entry = AuditEntry.objects.get(action="performance.sign", object_id=str(commitment.pk))
    assert entry.object_type == "performance.commitment"
    assert entry.after is not None
    assert entry.after["status"] == "active"
    assert AuditEntry.objects.filter(action="performance.commit").exists()
    assert list(broken_links()) == []


def test_targets_are_copied_forward_once(world: World) -> None:
    assert services.copy_targets_forward(world.mayor, YEAR) == 4
    assert services.copy_targets_forward(world.mayor, YEAR) == 0
    copy = Target.objects.get(indicator=world.poverty.indicator, year=YEAR + 1)
    assert (copy.value, copy.q4) == (3.8, 3.8)


def test_a_range_target_needs_both_ends_in_order(world: World) -> None:
    with pytest.raises(InvalidInput):
        services.set_target(world.mayor, world.inflation.indicator, YEAR, {"low": 4.5, "high": 2.5})
    with pytest.raises(InvalidInput):
        services.set_target(world.mayor, world.inflation.indicator, YEAR, {"low": 2.5})


def test_the_agreement_pdf_hash_is_recorded(world: World) -> None:
    from balaikota.performance import exports, selectors

    offer = signed(world, "dinsos")
    data = exports.agreement_pdf(offer, selectors.agreement_items(offer))
    digest = services.record_agreement_pdf(offer, data)
    offer.refresh_from_db()
    assert offer.pdf_hash == digest == hashlib.sha256(data).hexdigest()
    # the same agreement gives the same document
    assert exports.agreement_pdf(offer, selectors.agreement_items(offer)) == data


def test_the_new_holder_carries_the_quarters_the_previous_one_reported(world: World) -> None:
    from balaikota.performance import monitoring, selectors
    from balaikota.performance.models import Review

    offer = signed(world, "dpupr")
    old = Commitment.objects.get(offer=offer)
    first = monitoring.submit_check_in(
        world.pupr_head, old, monitoring.CheckInInput(quarter=1, actual=9, confidence="high")
    )
    monitoring.verify_check_in(world.verifier, first)
    review = Review.objects.create(commitment=old, quarter=1)
    reassignment = services.open_reassignment(
        world.mayor, offer, candidates=[world.candidate], reason="Rotasi.", review=review
    )
    [new] = appoint(world, reassignment, is_acting=True)
    [row] = selectors.commitment_rows(YEAR, verified_only=True)
    assert row.commitment == new
    assert row.quarters[0].actual == 9
    assert row.score.achievement == 90.0
