"""`balaikota audit-verify` over the performance auction: every commitment's, offer's and
check-in's status must be what its events produce, and every event must have its audit
entry."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from balaikota.core.models import AuditEntry
from balaikota.performance import monitoring, services
from balaikota.performance.models import (
    CheckIn,
    CheckInStatus,
    Commitment,
    CommitmentStatus,
    Event,
    Offer,
    OfferStatus,
    Reassignment,
    Review,
)
from tests.performance.conftest import PLAN, World, appoint, open_round

pytestmark = pytest.mark.django_db


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[bool, str]:
    try:
        call_command("audit_verify", *args)
    except CommandError as exc:
        returncode = exc.returncode
    else:
        return True, capsys.readouterr().out
    assert returncode == 1
    return False, capsys.readouterr().err


def execute(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def story(world: World) -> dict[str, Offer]:
    """PUPR commits; Dinkes counters, commits to the revised offer, fails two quarters and
    after a review its post passes to a Plt; Dinsos declines and its post passes to the same
    Plt; PUPR's quarters are submitted, returned, verified and one corrected."""
    offers = open_round(world)
    pupr, dinkes, dinsos = offers["dpupr"], offers["dinkes"], offers["dinsos"]
    services.commit(world.pupr_head, pupr, action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, pupr)
    services.record_agreement_pdf(pupr, b"%PDF-1.4 perjanjian kinerja")
    item = dinkes.items.get()
    services.counter(
        world.dinkes_head,
        dinkes,
        proposal={str(item.pk): {"value": 10, "q1": 3, "q2": 3, "q3": 2, "q4": 2}},
        reason="Dua rumah sakit rujukan sedang direnovasi.",
    )
    services.revise_offer(
        world.mayor, dinkes, values={str(item.pk): {"value": 9}}, note="Kita sepakati 9."
    )
    services.commit(world.dinkes_head, dinkes, action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, dinkes)
    maternal = Commitment.objects.get(offer=dinkes)
    for quarter in (1, 2):
        data = monitoring.CheckInInput(quarter=quarter, actual=6, confidence="low")
        check_in = monitoring.submit_check_in(world.dinkes_head, maternal, data)
        monitoring.verify_check_in(world.verifier, check_in)
    review = Review.objects.get(commitment=maternal)
    monitoring.recommend(world.mayor, review, "reassignment", "Ganti pejabat.")
    monitoring.decide_review(world.mayor, review, "reassignment", "Ganti.", [world.candidate])
    appoint(world, Reassignment.objects.get(offer=dinkes, state="open"), is_acting=True)
    services.decline(world.dinsos_head, dinsos, reason="Anggaran program dipotong.")
    reassignment = services.open_reassignment(
        world.mayor, dinsos, candidates=[world.candidate], reason="Kepala dinas tidak sanggup."
    )
    appoint(world, reassignment, is_acting=True)
    roads = Commitment.objects.get(offer=pupr)

    def report(quarter: int, actual: float) -> CheckIn:
        data = monitoring.CheckInInput(quarter=quarter, actual=actual, confidence="high")
        return monitoring.submit_check_in(world.pupr_head, roads, data)

    first = report(1, 90)
    monitoring.return_check_in(world.verifier, first, "Satuan salah: km, bukan meter.")
    monitoring.verify_check_in(world.verifier, report(1, 9))
    monitoring.verify_check_in(world.verifier, report(2, 11))
    monitoring.verify_check_in(world.verifier, report(1, 9.5))  # a correction
    report(3, 10)  # waiting for verification
    return offers


def transfer_event(world: World) -> tuple[Commitment, Event]:
    """Dinkes's commitment, passed to the Plt, and the event that passed it."""
    story(world)
    commitment = Commitment.objects.get(status=CommitmentStatus.TRANSFERRED)
    event = Event.objects.get(subject="commitment", subject_id=commitment.pk, action="transfer")
    return commitment, event


def test_audit_verify_passes_after_a_whole_auction_story(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    offers = story(world)
    # then every step replays
    assert {o.status for o in Offer.objects.all()} == {
        OfferStatus.ACCEPTED,
        OfferStatus.REASSIGNED,
    }
    assert set(CheckIn.objects.values_list("status", flat=True)) == {
        CheckInStatus.SUPERSEDED,
        CheckInStatus.VERIFIED,
        CheckInStatus.SUBMITTED,
    }
    assert Commitment.objects.filter(offer=offers["dinsos"]).count() == 2
    assert Commitment.objects.get(offer=offers["dinkes"], amends__isnull=False).is_acting
    ok, output = verify(capsys)
    assert ok, output


def test_a_commitment_status_changed_in_the_database_is_named(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    story(world)
    commitment = Commitment.objects.get(offer__position__agency__code="dpupr")
    # when someone revives it by hand
    Commitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.UNDER_REVIEW)
    # then
    ok, output = verify(capsys)
    assert not ok
    assert f"commitment {commitment.pk}:" in output
    assert "'under_review'" in output


def test_an_offer_and_a_check_in_changed_in_the_database_are_named(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    offers = story(world)
    waiting = CheckIn.objects.get(status=CheckInStatus.SUBMITTED)
    # when
    Offer.objects.filter(pk=offers["dinsos"].pk).update(status=OfferStatus.ACCEPTED)
    execute(
        "UPDATE performance_checkin SET status = %s WHERE id = %s",
        [CheckInStatus.VERIFIED, waiting.pk],
    )
    # then
    ok, output = verify(capsys, "--all")
    assert not ok
    assert f"offer {offers['dinsos'].pk}: status is 'accepted'" in output
    assert f"checkin {waiting.pk}: status is 'verified'" in output


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        ("to_status", CommitmentStatus.ACTIVE, "its events end in 'active'"),
        ("from_status", CommitmentStatus.ACTIVE, "starts from 'active'"),
        ("note", "Tidak ada apa-apa.", "has note 'Tidak ada apa-apa.'"),
        ("action", "resume", "has action 'resume'"),
    ],
)
def test_a_commitment_event_changed_in_the_database_is_named(
    world: World, capsys: pytest.CaptureFixture[str], column: str, value: str, said: str
) -> None:
    # given
    commitment, event = transfer_event(world)
    # when
    Event.objects.filter(pk=event.pk).update(**{column: value})
    # then
    ok, output = verify(capsys)
    assert not ok
    assert f"commitment {commitment.pk}:" in output
    assert said in output


def test_a_deleted_event_is_named(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    commitment, event = transfer_event(world)
    # when
    Event.objects.filter(pk=event.pk).delete()
    # then
    ok, output = verify(capsys)
    assert not ok
    assert f"commitment {commitment.pk}: status is 'transferred'" in output


def _transfer_entry(commitment: Commitment) -> AuditEntry:
    return AuditEntry.objects.get(
        object_type="performance.commitment",
        object_id=str(commitment.pk),
        action="performance.transfer",
    )


def test_an_audit_entry_changed_in_the_database_is_named(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    commitment, _ = transfer_event(world)
    entry = _transfer_entry(commitment)
    # when
    execute(
        "UPDATE core_auditentry SET action = %s WHERE id = %s", ["performance.resume", entry.pk]
    )
    # then the chain breaks there, and the commitment's history no longer matches it
    ok, output = verify(capsys, "--all")
    assert not ok
    assert f"audit #{entry.pk}" in output
    assert f"commitment {commitment.pk}: event #" in output
    assert f"audit entry #{entry.pk} says 'resume'" in output


def test_an_event_whose_audit_entry_was_deleted_is_named(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    commitment, event = transfer_event(world)
    # when
    execute("DELETE FROM core_auditentry WHERE id = %s", [_transfer_entry(commitment).pk])
    # then
    ok, output = verify(capsys, "--all")
    assert not ok
    assert f"commitment {commitment.pk}: event #{event.pk} has no audit entry" in output


def test_the_replay_reads_in_batches(world: World) -> None:
    from balaikota.performance.replay import replayers

    # given
    story(world)
    commitments = next(r for r in replayers() if r.name == "commitment")
    commitments.chunk_size = 2
    # then every commitment comes, a few at a time
    sizes = [len(batch) for batch in commitments.batches()]
    assert max(sizes) == 2
    assert sum(sizes) == Commitment.objects.count()
    assert list(commitments.problems()) == []
